"""Export at size: 100,000 dossiers to xlsx through the streamed writer, timed, with peak memory.

Creates a database of its own (`bench_export`, on the server of DATABASE_URL or the embedded one),
migrates it, builds the demo province and seeds N dossiers (`records.demo.seed_people`, as
`seed_demo --people N` does), then times, reading as the system over the whole province
(`imports.exports.rows.export_rows` → `imports.exports.xlsx.export_xlsx_stream`, written to a
temporary file):

- the dossiers' general information to xlsx (the target: 100,000 dossiers in ≤ 60 s), with the
  peak resident memory of this process during the export (sampled every 20 ms);
- the same to csv, and one section (work history 33) to xlsx;
- that the xlsx reads back (python-calamine: rows and columns).

The database is dropped at the end unless --keep is given; --reuse times the exports again on
the kept database (after migrating it), without seeding; --database names another kept database
(e.g. `bench_seed_people` from `bench/bench_seed_people.py --keep`).

    python bench/bench_export.py                     # 100,000 dossiers (seeding takes ~3 minutes)
    python bench/bench_export.py --people 20000
    python bench/bench_export.py --people 100000 --keep   # then, after a change:
    python bench/bench_export.py --reuse
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402

DATABASE = "bench_export"


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakSampler:
    """The highest resident memory of this process while the block runs."""

    def __init__(self):
        self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def seed(people: int) -> None:
    from portal.demo import SeedContext, demo_seed
    from records.demo import seed_people

    context = SeedContext(province_code=82, seed=2026, communes=None, log=lambda *_: None)
    demo_seed(context)
    context.people = people
    started = time.perf_counter()
    with transaction.atomic():
        seed_people(context)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {people} dossiers in {time.perf_counter() - started:.1f} s", flush=True)


def export_once(target: str, fmt: str, root, path: Path) -> tuple[int, float, float, float]:
    """(rows, seconds, RSS before in MB, peak RSS in MB) of one export written to ``path``."""
    from imports.exports.csv_stream import export_csv_stream
    from imports.exports.rows import export_rows
    from imports.exports.xlsx import export_xlsx_stream
    from imports.specs import import_spec

    count = 0
    before = rss_mb()
    with PeakSampler() as sampler:
        started = time.perf_counter()
        columns, rows = export_rows(user=None, target=target, unit=root)

        def counted():
            nonlocal count
            for row in rows:
                count += 1
                yield row

        if fmt == "xlsx":
            stream = export_xlsx_stream(columns, counted(), sheet_name=import_spec(target).sheet_name)
        else:
            stream = export_csv_stream(columns, counted())
        with path.open("wb") as handle:
            for chunk in stream:
                handle.write(chunk)
        seconds = time.perf_counter() - started
    return count, seconds, before, sampler.peak


def measure() -> None:
    from python_calamine import CalamineWorkbook

    from imports.specs import import_spec
    from portal.models import Unit
    from records.models import Dossier

    translation.activate("vi")
    root = Unit.objects.filter(depth=1).order_by("path").first()
    total = Dossier.objects.filter(unit_path__startswith=root.path).count()
    print(f"{total} dossiers under {root.name} ({root.code}); exporting as the system", flush=True)
    with tempfile.TemporaryDirectory() as temp:
        written = []
        for target, fmt in (("dossiers", "xlsx"), ("dossiers", "csv"), ("work_history", "xlsx")):
            path = Path(temp) / f"{target}.{fmt}"
            rows, seconds, before, peak = export_once(target, fmt, root, path)
            line = (
                f"  {target} → {fmt}: {rows} rows × {len(import_spec(target).columns)} columns in {seconds:.1f} s "
                f"({rows / seconds:,.0f} rows/s), {path.stat().st_size / 1048576:.1f} MB, "
                f"peak RSS {peak:.0f} MB (before {before:.0f} MB)"
            )
            if target == "dossiers" and fmt == "xlsx":
                line += " — target: 100,000 dossiers in ≤ 60 s"
            print(line, flush=True)
            written.append((target, fmt, path, rows))
        for target, fmt, path, rows in written:
            if fmt == "xlsx":
                sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
                print(f"  {target}.xlsx reads back (calamine): {sheet.height - 1} data rows of {rows}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")
    parser.add_argument("--reuse", action="store_true", help="time the exports on a kept database")
    parser.add_argument("--database", default=DATABASE, help="the kept database --reuse reads")
    options = parser.parse_args()
    if options.reuse:
        from django.core.management import call_command

        connection.close()
        connection.settings_dict["NAME"] = options.database
        call_command("migrate", verbosity=0)
        print(f"database {options.database} reused")
        measure()
        return
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": DATABASE}
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database {DATABASE} created and migrated: {time.perf_counter() - started:.1f} s", flush=True)
    try:
        seed(options.people)
        measure()
    finally:
        if options.keep:
            print(f"(database {DATABASE} kept)")
        else:
            connection.creation.destroy_test_db(original, verbosity=0)
            print(f"(database {DATABASE} dropped)")


if __name__ == "__main__":
    main()
