"""Bulk import at size: a 50,000-dossier workbook plus 150,000 section rows, checked then imported.

Creates a database of its own (`bench_import`) with the demo province's units and catalogues,
and, in a child process (so its memory does not count), writes four workbooks from the demo
person generator: the dossiers' general information (50,000 rows, ~40 columns, dates as date
cells, ethnicity by label, the rest by code) and three sections (professional training, work
history, own family: 50,000 rows each). Then, in this process, it times and prints:

- for each workbook, the dry run (``import_job_run(commit=False)``) and the import
  (``commit=True``, the system's initial migration published directly), and the total;
- the peak resident memory of this process during those runs (sampled every 20 ms);
- the check of a file whose 50,000 rows all fail (the dossiers again, each with an impossible
  birth date), its error workbook included, with its peak memory;
- side by side on the same data: a plain django-import-export ``ModelResource`` with default
  settings checking then importing the first N dossier rows, as its admin does (default 2,000;
  rows per second of the dry run + import, and of the import alone, compared with ours), and
  PostgreSQL ``COPY`` of the very rows the import wrote (dossiers and section rows, copied into
  empty tables of the same shape; rows per second).

    python bench/bench_import.py                       # 50,000 + 150,000
    python bench/bench_import.py --dossiers 5000 --die-rows 500
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import translation  # noqa: E402

DATABASE = "bench_import"
SECTIONS = ("training_professional", "work_history", "family_own")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakSampler:
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


# --- generation (child process) -----------------------------------------------------------------


def generate(directory: Path, count: int) -> None:
    """Write the four workbooks from demo people 0..count-1."""
    from openpyxl import Workbook

    from imports.specs import import_spec
    from portal.demo import SeedContext
    from portal.models import CatalogueEntry, Unit
    from records.demo.people import People

    translation.activate("vi")
    root = Unit.objects.get(depth=1)
    context = SeedContext(province_code=int(root.admin_area_code), seed=2026, communes=10, log=lambda *_: None)
    people = People(root=root, rng_for=context.rng_for)
    ethnicity = dict(CatalogueEntry.objects.filter(kind__code="dan_toc").values_list("code", "label"))
    spec = import_spec("dossiers")
    single = [c for c in spec.columns if c.section and c.section != "custom"]
    workbooks = {"dossiers": Workbook(write_only=True)}
    sheets = {"dossiers": workbooks["dossiers"].create_sheet(spec.sheet_name)}
    header = [spec.column("personal_id").header, spec.column("unit").header] + [c.header for c in single]
    sheets["dossiers"].append(header)
    # The same rows with an impossible birth date each: a file whose every row fails.
    workbooks["failing"] = Workbook(write_only=True)
    sheets["failing"] = workbooks["failing"].create_sheet(spec.sheet_name)
    sheets["failing"].append(header)
    birth = header.index(spec.column("identity.birth_date").header)
    section_specs = {key: import_spec(key) for key in SECTIONS}
    for key, section_spec in section_specs.items():
        workbooks[key] = Workbook(write_only=True)
        sheets[key] = workbooks[key].create_sheet(section_spec.sheet_name)
        sheets[key].append([section_spec.column("personal_id").header] + [c.header for c in section_spec.columns[2:]])
    rows_written = dict.fromkeys(workbooks, 0)
    for i in range(count):
        person = people.person(i)
        content = person.content
        row = [person.personal_id, person.unit.code]
        for column in single:
            value = (content.get(column.section) or {}).get(column.field)
            if value is None:
                row.append(None)
            elif column.kind == "date":
                row.append(value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value))
            elif column.kind == "decimal":
                row.append(float(value))
            elif column.kind == "integer":
                row.append(int(value))
            elif column.field == "ethnicity":
                row.append(ethnicity.get(value, value))
            else:
                row.append(value)
        sheets["dossiers"].append(row)
        rows_written["dossiers"] += 1
        sheets["failing"].append([*row[:birth], "31/02/1990", *row[birth + 1 :]])
        rows_written["failing"] += 1
        for key, section_spec in section_specs.items():
            section_rows = content.get(key) or []
            # One row per person and section: 3 × count section rows in all.
            for values in section_rows[:1] or [None]:
                if values is None:
                    values = _filler(key, i)
                cells = [person.personal_id]
                for column in section_spec.columns[2:]:
                    value = values.get(column.field)
                    if isinstance(value, datetime.date) and column.kind == "month":
                        value = value.strftime("%m/%Y")
                    elif column.kind == "month" and value:
                        value = f"{value[5:7]}/{value[:4]}" if len(value) == 7 else value
                    elif column.kind == "decimal" and value is not None:
                        value = float(value)
                    cells.append(value)
                sheets[key].append(cells)
                rows_written[key] += 1
    for key, workbook in workbooks.items():
        workbook.save(directory / f"{key}.xlsx")
    print(f"  workbooks written: {rows_written}", flush=True)


def _filler(key: str, i: int) -> dict:
    if key == "family_own":
        return {"relation": "01", "full_name": f"Nguyễn Văn Bố {i}", "birth_year": 1950}
    if key == "work_history":
        return {"period_from": "2010-01", "workplace": "Ủy ban nhân dân xã"}
    return {
        "period_from": "2005-09",
        "period_to": "2009-06",
        "institution": "Trường Đại học Đồng Tháp",
        "major": "Sư phạm",
    }


# --- measurement ---------------------------------------------------------------------------------


def run_imports(directory: Path) -> tuple[float, float, int, float]:
    """(seconds of dry runs + imports, peak RSS MB, rows, seconds of the imports alone)."""
    from imports.choices import ImportStatus
    from imports.services.jobs import import_job_create, import_job_run
    from portal.models import Unit

    root = Unit.objects.get(depth=1)
    total = imports_only = 0.0
    rows = 0
    with PeakSampler() as sampler:
        baseline = rss_mb()
        for target in ("dossiers", *SECTIONS):
            path = directory / f"{target}.xlsx"
            content = path.read_bytes()
            job = import_job_create(
                actor=None, target=target, unit=root, filename=path.name, content=content, publish=True
            )
            del content
            started = time.perf_counter()
            job = import_job_run(job=job, commit=False)
            checked = time.perf_counter() - started
            assert job.status == ImportStatus.CHECKED, (job.status, job.message)
            started = time.perf_counter()
            job = import_job_run(job=job, commit=True)
            imported = time.perf_counter() - started
            assert job.status == ImportStatus.DONE, (job.status, job.message, job.rows_error)
            total += checked + imported
            imports_only += imported
            rows += job.rows_total
            print(
                f"  {target}: {job.rows_total} rows ({path.stat().st_size // 1024} KB): dry run {checked:.1f} s, "
                f"import {imported:.1f} s ({job.rows_total / imported:,.0f} rows/s); "
                f"new {job.rows_new}, updates {job.rows_updated}, errors {job.rows_error}",
                flush=True,
            )
    print(
        f"dry run + import end to end: {total:.1f} s for {rows} rows (target 60 s); "
        f"peak RSS {sampler.peak:.0f} MB (at start {baseline:.0f} MB; target 600 MB)"
    )
    return total, sampler.peak, rows, imports_only


def failing_check(directory: Path) -> None:
    """The check of a file whose every row fails (the dossiers' rows again, each with an impossible
    birth date: 50,000 updates in error), its error workbook included: seconds and peak memory."""
    from django.core.files.storage import default_storage

    from imports.choices import ImportMode
    from imports.services.jobs import import_job_create, import_job_run
    from portal.models import Unit

    path = directory / "failing.xlsx"
    job = import_job_create(
        actor=None,
        target="dossiers",
        unit=Unit.objects.get(depth=1),
        filename=path.name,
        content=path.read_bytes(),
        publish=True,
        mode=ImportMode.VALID,
    )
    with PeakSampler() as sampler:
        started = time.perf_counter()
        job = import_job_run(job=job, commit=False)
        seconds = time.perf_counter() - started
    size = default_storage.size(job.error_file) if job.error_file else 0
    print(
        f"a file whose {job.rows_total} rows all fail (an impossible birth date): check {seconds:.1f} s, "
        f"{job.rows_error} rows in error, error workbook {size // 1024} KB; peak RSS {sampler.peak:.0f} MB"
    )


def copy_same_rows() -> tuple[float, float]:
    """COPY the rows the import wrote into empty tables of the same shape; rows per second: into
    temporary tables with the columns only (no WAL, no index: the bare COPY the target names), and
    into ordinary tables with the same indexes and constraints (``LIKE … INCLUDING ALL``: logged,
    every index kept up to date, as a DBA's load of the real tables would be; no triggers, no
    foreign keys). Each COPY commits on its own (autocommit), so its time includes the WAL flush."""
    from records.models import Dossier
    from records.sections.registry import SECTION_BY_KEY

    tables = [Dossier._meta.db_table, *sorted({SECTION_BY_KEY[key].model._meta.db_table for key in SECTIONS})]
    total_rows, seconds, indexed_seconds = 0, 0.0, 0.0
    with connection.cursor() as cursor:
        for table in tables:
            buffer = bytearray()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    buffer += data
            cursor.execute(f"CREATE TEMP TABLE copy_{table} (LIKE {table} INCLUDING DEFAULTS)")
            cursor.execute(f"CREATE TABLE copyidx_{table} (LIKE {table} INCLUDING ALL)")
            cursor.execute(f"SELECT count(*) FROM {table}")
            count = cursor.fetchone()[0]
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY copy_{table} FROM STDIN") as copy:
                copy.write(bytes(buffer))
            seconds += time.perf_counter() - started
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY copyidx_{table} FROM STDIN") as copy:
                copy.write(bytes(buffer))
            indexed_seconds += time.perf_counter() - started
            cursor.execute(f"DROP TABLE copyidx_{table}")
            total_rows += count
    rate, indexed_rate = total_rows / seconds, total_rows / indexed_seconds
    print(f"PostgreSQL COPY of the same {total_rows} rows: {seconds:.2f} s ({rate:,.0f} rows/s)")
    print(
        f"  into tables with the same indexes and constraints (logged): {indexed_seconds:.2f} s "
        f"({indexed_rate:,.0f} rows/s)"
    )
    return rate, indexed_rate


def die_import(directory: Path, rows: int) -> tuple[float, float]:
    """A plain django-import-export ModelResource (default settings) importing the first ``rows``
    dossier rows of the same workbook (model field names as headers, codes already resolved), dry run
    then import as its admin does; (rows/s of dry run + import, rows/s of the import alone)."""
    import tablib
    from import_export.resources import modelresource_factory
    from python_calamine import CalamineWorkbook

    from imports.specs import import_spec
    from portal.models import Unit
    from records.models import Dossier

    spec = import_spec("dossiers")
    sheet = CalamineWorkbook.from_path(str(directory / "dossiers.xlsx")).get_sheet_by_index(0).to_python()
    header = sheet[0]
    by_header = {c.header: c for c in spec.columns}
    units = dict(Unit.objects.values_list("code", "pk"))
    from portal.models import CatalogueEntry

    ethnicity = {
        label: code for code, label in CatalogueEntry.objects.filter(kind__code="dan_toc").values_list("code", "label")
    }
    fields = []
    for title in header:
        column = by_header[title]
        fields.append("unit" if column.key == "unit" else (column.field or column.key))
    dataset = tablib.Dataset(headers=fields)
    for cells in sheet[1 : rows + 1]:
        values = []
        for name, value in zip(fields, cells, strict=False):
            if name == "unit":
                value = units[value]
            elif name == "ethnicity":
                value = ethnicity.get(value, value)
            elif isinstance(value, float) and value.is_integer() and name not in ("salary_coefficient",):
                value = int(value)
            values.append("" if value is None else value)
        dataset.append(values)
    resource = modelresource_factory(model=Dossier)()
    # Its admin flow, like ours: the dry run ("Submit", shown for confirmation), then the import ("Confirm").
    started = time.perf_counter()
    result = resource.import_data(dataset, dry_run=True, raise_errors=True)
    checked = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    assert not Dossier.objects.exists()
    started = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False, raise_errors=True)
    imported = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    assert Dossier.objects.count() == rows
    print(
        f"django-import-export ModelResource, default settings, {rows} dossier rows: dry run {checked:.1f} s, "
        f"import {imported:.1f} s ({rows / imported:,.0f} rows/s); "
        f"dry run + import {rows / (checked + imported):,.0f} rows/s"
    )
    Dossier.objects.all().delete()
    return rows / (checked + imported), rows / imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--die-rows", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")
    parser.add_argument("--generate", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.generate:
        generate(Path(options.generate), options.dossiers)
        return
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": DATABASE}
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database {DATABASE} created and migrated: {time.perf_counter() - started:.1f} s")
    try:
        from portal.demo import SeedContext, demo_seed

        demo_seed(SeedContext(province_code=82, seed=2026, communes=10, log=lambda *_: None))
        connection.close()
        with tempfile.TemporaryDirectory() as temp:
            directory = Path(temp)
            started = time.perf_counter()
            url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{DATABASE}"
            subprocess.run(
                [sys.executable, __file__, "--generate", temp, "--dossiers", str(options.dossiers)],
                check=True,
                env={**os.environ, "DATABASE_URL": url},
            )
            print(f"workbooks generated in a child process: {time.perf_counter() - started:.1f} s")
            die_rate, die_import_rate = die_import(directory, min(options.die_rows, options.dossiers))
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.enable()
                total, _peak, rows, imports_only = run_imports(directory)
                profiler.disable()
                pstats.Stats(profiler).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(45)
            else:
                total, _peak, rows, imports_only = run_imports(directory)
            failing_check(directory)
        copy_rate, indexed_rate = copy_same_rows()
        ours = rows / total
        print(
            f"throughput, dry run + import: {ours:,.0f} rows/s = {ours / die_rate:.1f}× django-import-export's "
            f"dry run + import (target ≥ 20×) and 1/{copy_rate / ours:.1f} of COPY (target ≥ 1/5); "
            f"1/{indexed_rate / ours:.1f} of COPY into the indexed tables"
        )
        ours_import = rows / imports_only
        print(
            f"throughput, import alone: {ours_import:,.0f} rows/s = {ours_import / die_import_rate:.1f}× "
            f"django-import-export's import alone and 1/{copy_rate / ours_import:.1f} of COPY"
        )
    finally:
        if options.keep:
            print(f"(database {DATABASE} kept)")
        else:
            connection.close()
            connection.creation.destroy_test_db(original, verbosity=0)
            print(f"(database {DATABASE} dropped)")


if __name__ == "__main__":
    main()
