"""Smoke test of the embedded path, exactly as a newcomer runs it.

Starts `python -m portal.launcher` (what `make run` runs) with no DATABASE_URL and
no broker, in a fresh var/ directory, with a small demo province; waits for the
URL; checks HTTP 200 on the login page and, after logging in with the printed demo
login, on the admin dashboard; checks that a Celery worker processed a task
through the filesystem broker; then stops it with SIGINT and checks that every
process it started (the embedded PostgreSQL included) is gone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 300
HEARTBEAT_SCRIPT = """
import time
from portal.models import SystemHeartbeat
from portal.tasks import heartbeat

heartbeat.delay("smoke")
deadline = time.time() + 60
seen = SystemHeartbeat.objects.filter(component="smoke")
while time.time() < deadline and not seen.exists():
    time.sleep(1)
print("HEARTBEAT", seen.exists())
"""


def fail(message: str) -> None:
    print(f"SMOKE FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    var_dir = Path(
        tempfile.mkdtemp(prefix="hoso-smoke-", dir=BASE_DIR / "var" if (BASE_DIR / "var").exists() else None)
    )
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        {
            "HOSO_VAR_DIR": str(var_dir),
            "HOSO_DEMO_COMMUNES": "5",
            "HOSO_DEMO_PEOPLE": "150",
            "PORT": "8765",
            "PYTHONUNBUFFERED": "1",
        }
    )
    started = time.monotonic()
    launcher = subprocess.Popen(
        [sys.executable, "-m", "portal.launcher"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    url_found = threading.Event()
    url_holder: list[str] = []

    def reader() -> None:
        for line in launcher.stdout:
            lines.append(line)
            sys.stdout.write("  | " + line)
            match = re.search(r"đang chạy tại (http://\S+?)admin/", line)
            if match:
                url_holder.append(match.group(1))
                url_found.set()

    threading.Thread(target=reader, daemon=True).start()
    deadline = time.monotonic() + TIMEOUT
    while not url_found.wait(1):
        if launcher.poll() is not None:
            fail(f"the launcher exited with {launcher.returncode} before serving")
        if time.monotonic() > deadline:
            os.killpg(launcher.pid, signal.SIGTERM)
            fail("the launcher printed no URL")
    base = url_holder[0]
    print(f"smoke: up in {time.monotonic() - started:.1f} s at {base}")
    try:
        logins = json.loads((var_dir / "demo_logins.json").read_text())
        username, login = next(iter(logins.items()))
        password = login["password"]
        if len(logins) < 6:
            fail(f"expected one demo login per role, got {sorted(logins)}")
        if f"{username} / {password}" not in "".join(lines):
            fail("the demo login was not printed")
        session = requests.Session()
        login_page = session.get(f"{base}admin/login/", timeout=30)
        if login_page.status_code != 200:
            fail(f"login page answered {login_page.status_code}")
        token = session.cookies.get("csrftoken")
        response = session.post(
            f"{base}admin/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"},
            headers={"Referer": f"{base}admin/login/"},
            timeout=30,
        )
        dashboard = session.get(f"{base}admin/", timeout=30)
        if dashboard.status_code != 200 or "/admin/login/" in dashboard.url:
            fail(f"admin dashboard answered {dashboard.status_code} at {dashboard.url} (login {response.status_code})")
        if 'lang="vi"' not in dashboard.text:
            fail("the dashboard is not in Vietnamese")
        print("smoke: login page 200, dashboard 200 after login, Vietnamese")
        units = session.get(f"{base}api/v1/units/?root=true", timeout=30)
        if units.status_code != 200 or "Đồng Tháp" not in units.text:
            fail(f"the API did not list the demo province ({units.status_code})")
        print("smoke: API lists the demo province")
        dossiers = session.get(f"{base}api/v1/dossiers/?limit=1", timeout=30)
        if dossiers.status_code != 200 or dossiers.json().get("count") != 150:
            fail(f"the API did not list the 150 demo dossiers ({dossiers.status_code}: {dossiers.text[:300]})")
        print("smoke: API lists the 150 demo dossiers")
        # The worker is alive when it has processed a task through the filesystem broker.
        check = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                HEARTBEAT_SCRIPT,
            ],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if "HEARTBEAT True" not in check.stdout:
            fail(f"the Celery worker did not run a task: {check.stdout[-500:]} {check.stderr[-2000:]}")
        print("smoke: the Celery worker ran a task through the filesystem broker")
    finally:
        children = psutil.Process(launcher.pid).children(recursive=True) if launcher.poll() is None else []
        launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            fail("the launcher did not stop within 60 s of Ctrl-C")
    time.sleep(1)
    left = [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    postgres = [
        p
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "postgres" and str(var_dir) in " ".join(p.info["cmdline"] or [])
    ]
    if left or postgres:
        fail(f"processes left running after Ctrl-C: {left + postgres}")
    print(f"smoke: stopped cleanly; total {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
