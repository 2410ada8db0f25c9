"""``make run``: set up and start the whole portal on this machine.

1. With no ``DATABASE_URL``, start the embedded PostgreSQL (data in ``var/pgdata``).
2. Compile the translations, migrate, load/upgrade the standard catalogues, seed
   the demo province when the database has no units.
3. Start the web server, a Celery worker and Celery beat (kombu's filesystem
   broker under ``var/celery`` when no ``REDIS_URL``/``CELERY_BROKER_URL``).
4. Print the URL and the demo logins; Ctrl-C (or SIGTERM) stops everything it
   started, the embedded database last. A second run reuses the data.

Environment: ``PORT`` (default 8000), ``HOST`` (default 127.0.0.1),
``HOSO_DEMO_PROVINCE`` (default 82), ``HOSO_DEMO_COMMUNES`` (limit for a small
demo), ``HOSO_VAR_DIR`` (default ./var).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _free_port(host: str, wanted: int) -> int:
    for port in range(wanted, wanted + 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex((host, port)) != 0:
                return port
    raise SystemExit(f"Không tìm được cổng trống từ {wanted}.")


def _manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _wait_http(url: str, timeout: float = 60) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except Exception:
            time.sleep(0.5)
    return False


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    host = env.get("HOST", "127.0.0.1")
    port = _free_port(host, int(env.get("PORT", "8000")))
    env["BASE_URL"] = f"http://{host}:{port}"

    from portal import i18n, runtime

    server = None
    if not env.get("DATABASE_URL"):
        print("• Khởi động PostgreSQL nhúng (dữ liệu tại var/pgdata)…", flush=True)
        server = runtime.embedded_server()
    i18n.compile_catalogues()
    print("• Cập nhật cấu trúc cơ sở dữ liệu…", flush=True)
    _manage("migrate", "--noinput", "-v", "0", env=env)
    _manage("load_catalogues", env=env)
    seed_args = ["seed_demo", "--if-empty", "--province", env.get("HOSO_DEMO_PROVINCE", "82")]
    if env.get("HOSO_DEMO_COMMUNES"):
        seed_args += ["--communes", env["HOSO_DEMO_COMMUNES"]]
    if env.get("HOSO_DEMO_PEOPLE"):
        seed_args += ["--people", env["HOSO_DEMO_PEOPLE"]]
    _manage(*seed_args, env=env)
    # The demo seal's passphrase (written by the demo seed): the processes below sign with it.
    seal_pass = runtime.var_dir() / "demo-signing" / "seal.pass"
    if seal_pass.exists():
        env.setdefault("HOSO_DEMO_SEAL_PASSPHRASE", seal_pass.read_text().strip())

    processes: list[subprocess.Popen] = []

    def start(name: str, args: list[str]) -> None:
        print(f"• Khởi động {name}…", flush=True)
        processes.append(subprocess.Popen(args, cwd=BASE_DIR, env=env))

    start("máy chủ web", [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"])
    start("Celery worker", [PYTHON, "-m", "celery", "-A", "portal", "worker", "-l", "warning", "-c", "2"])
    start("Celery beat", [PYTHON, "-m", "celery", "-A", "portal", "beat", "-l", "warning"])
    # The demo approver signs with a key held outside the server, like a USB token: the reference
    # local signing service (portal.signing.reference_service) plays the token plugin on this machine.
    signing = runtime.var_dir() / "demo-signing"
    if (signing / "nguoi-phe-duyet.key.pem").exists() and env.get("HOSO_DEMO_SIGNER", "1") != "0":
        start(
            "dịch vụ ký số cục bộ (demo)",
            [
                PYTHON,
                "-m",
                "portal.signing.reference_service",
                "--key",
                str(signing / "nguoi-phe-duyet.key.pem"),
                "--cert",
                str(signing / "nguoi-phe-duyet.cert.pem"),
                "--chain",
                str(signing / "ca-goc-demo.pem"),
                "--port",
                env.get("HOSO_DEMO_SIGNER_PORT", "8987"),
            ],
        )

    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\n• Đang dừng…", flush=True)
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    url = f"http://{host}:{port}/"
    # From here on, whatever happens (a crash included), everything started is stopped.
    try:
        if not _wait_http(f"{url}admin/login/"):
            print("Máy chủ web không phản hồi sau 60 giây; đang dừng.", file=sys.stderr)
            return 1
        print("\n" + "=" * 72)
        print(f"Hồ sơ CBCCVC đang chạy tại {url}admin/")
        print(f"API: {url}api/docs/")
        for username, login in runtime.read_demo_logins().items():
            print(f"Đăng nhập mẫu — {login['role'] or 'quản trị'}: {username} / {login['password']}")
        print("Nhấn Ctrl-C để dừng.")
        print("=" * 72 + "\n", flush=True)
        while not stopping:
            if any(process.poll() is not None for process in processes):
                print("Một tiến trình đã dừng bất thường; đang dừng tất cả.", file=sys.stderr)
                return 1
            time.sleep(0.5)
    finally:
        stop()
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
