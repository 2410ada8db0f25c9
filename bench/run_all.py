"""Run every bench/bench_*.py script and append its output to bench/RESULTS.md (`make bench`)."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown memory"
    database = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}, {database}"


def main() -> int:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    sections = [f"\n## {stamp} — commit {commit or 'uncommitted'}\n", f"Machine: {machine()}\n"]
    status = 0
    for script in scripts:
        command = f"python bench/{script.name}"
        print(f"== {command}", flush=True)
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=BENCH_DIR.parent)
        print(run.stdout, end="")
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            status = 1
        sections.append(f"\n### `{command}` (exit {run.returncode})\n\n```\n{run.stdout.strip()}\n```\n")
    with RESULTS.open("a", encoding="utf-8") as handle:
        if RESULTS.stat().st_size == 0:
            handle.write("# Benchmark results\n\nAppended by `make bench` (bench/run_all.py).\n")
        handle.write("".join(sections))
    return status


if __name__ == "__main__":
    sys.exit(main())
