"""Seeding the demo province with people (the "people" step of `seed_demo --people N`).

Creates a database of its own (`bench_seed_people`, on the server of DATABASE_URL or the embedded
one), migrates it, builds the demo province's units, then times the creation of N dossiers
(`records.demo.seed_people`, in one transaction as `seed_demo` does) and prints: seconds,
dossiers per second, queries, rows per section table and the database size. The database is
dropped at the end unless --keep is given.

    python bench/bench_seed_people.py                  # 100,000 people (long: see bench/RESULTS.md)
    python bench/bench_seed_people.py --people 5000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.common import counted  # noqa: E402
from portal.demo import SeedContext, demo_seed  # noqa: E402
from records.demo import seed_people  # noqa: E402
from records.models import Dossier, DossierVersion  # noqa: E402
from records.sections import ROWS, SECTIONS  # noqa: E402

DATABASE = "bench_seed_people"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--province", type=int, default=82)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--communes", type=int, help="only the first N communes")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")
    options = parser.parse_args()

    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": DATABASE}
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database {DATABASE} created and migrated: {time.perf_counter() - started:.1f} s")
    try:
        context = SeedContext(
            province_code=options.province, seed=options.seed, communes=options.communes, log=lambda *_: None
        )
        _, seconds, queries = counted(lambda: demo_seed(context))
        root = context.units["province"][0]
        print(f"demo province {root.name}: units and accounts in {seconds:.1f} s, {queries} queries")

        context.people = options.people

        def seed():
            with transaction.atomic():
                seed_people(context)

        _, seconds, queries = counted(seed)
        created = Dossier.objects.filter(unit__path__startswith=root.path).count()
        print(
            f"seed_people --people {options.people}: {created} dossiers in {seconds:.1f} s "
            f"({created / seconds:.0f} dossiers/s), {queries} queries"
        )
        print(f"  {DossierVersion._meta.db_table}: {DossierVersion.objects.count()} rows")
        for section in SECTIONS:
            if section.kind == ROWS:
                rows = section.model.objects.filter(**section.row_filter).count()
                print(f"  {section.number or '–'} {section.key} ({section.model._meta.db_table}): {rows} rows")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"database size: {cursor.fetchone()[0]}")
            cursor.execute(
                "SELECT relname, pg_size_pretty(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
                "ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 5"
            )
            print("largest tables: " + ", ".join(f"{name} {size}" for name, size in cursor.fetchall()))
    finally:
        if options.keep:
            print(f"(database {DATABASE} kept)")
        else:
            connection.creation.destroy_test_db(original, verbosity=0)
            print(f"(database {DATABASE} dropped)")


if __name__ == "__main__":
    main()
