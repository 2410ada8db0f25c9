"""Seeding the demo province with people (`seed_demo --people N`), then the dossier pages at that size.

Creates a database of its own (`bench_seed_people`, on the server of DATABASE_URL or the embedded
one), migrates it, builds the demo province's units, then times the creation of N dossiers
(`records.demo.seed_people`, in one transaction as `seed_demo` does) and prints: seconds,
dossiers per second, queries, rows per section table, the server time (p50/p95) and queries of
the clerk list, the API list and a dossier page (`measure_pages`), and the database size. The database is
dropped at the end unless --keep is given; --reuse times the pages again on a kept database
(after migrating it), without seeding.

    python bench/bench_seed_people.py                  # 100,000 people (long: see bench/RESULTS.md)
    python bench/bench_seed_people.py --people 5000
    python bench/bench_seed_people.py --people 100000 --keep   # then, after a change:
    python bench/bench_seed_people.py --reuse
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from bench.common import counted  # noqa: E402
from portal.demo import SeedContext, demo_seed  # noqa: E402
from portal.models import Unit  # noqa: E402
from records.demo import seed_people  # noqa: E402
from records.models import Dossier, DossierVersion  # noqa: E402
from records.sections.registry import SECTIONS  # noqa: E402
from records.sections.spec import ROWS  # noqa: E402

DATABASE = "bench_seed_people"


def _timed_requests(client, url: str, runs: int) -> tuple[list[float], int, int]:
    """Server time of ``runs`` GETs (the first, warming caches, excluded), queries of the last, status."""
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return times, len(queries), response.status_code


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_pages(root, *, runs: int) -> None:
    """The clerk list (subtree filter + name search + default order, one page), the API list and
    a dossier page with all sections, as an HR clerk over the province; p50/p95 server time (ms,
    Django test client in-process: no network), queries per page, and the queries of a later page."""
    from django.test import Client
    from django.urls import reverse
    from rest_framework.test import APIClient

    from portal.choices import Role
    from portal.models import Grant, User

    clerk = User.objects.filter(username="bench.clerk").first()
    if clerk is None:
        clerk = User.objects.create_user(username="bench.clerk", password=None, unit=root)
        Grant.objects.create(user=clerk, role=Role.HR_CLERK, unit=root, starts_on=datetime.date(2025, 1, 1))
    admin, api = Client(), APIClient()
    admin.force_login(clerk)
    api.force_login(clerk)
    department = (
        Unit.objects.filter(depth=root.depth + 1, path__startswith=root.path)
        .annotate(people=Count("dossiers"))
        .order_by("-people")
        .first()
    )
    biggest = (
        Unit.objects.filter(path__startswith=root.path).annotate(people=Count("dossiers")).order_by("-people").first()
    )
    sub_tree = Dossier.objects.filter(unit__path__startswith=biggest.path).count()
    dossier = Dossier.objects.filter(unit__path__startswith=root.path).order_by("-completeness", "pk").first()
    list_url = reverse("records_dossiers:index")
    pages = [
        ("clerk list, whole province, default order", f"{list_url}"),
        ("clerk list, unit subtree + name search 'nguyen'", f"{list_url}?unit={biggest.pk}&q=nguyen"),
        ("clerk list, page 40", f"{list_url}?p=40"),
        ("API list, unit subtree + search 'nguyen'", f"/api/v1/dossiers/?unit={biggest.pk}&search=nguyen"),
        ("API list, page at offset 5000", "/api/v1/dossiers/?offset=5000"),
        ("dossier page, all sections", reverse("records_dossiers:detail", args=[dossier.pk])),
        ("API dossier detail", f"/api/v1/dossiers/{dossier.pk}/"),
    ]
    print(
        f"pages as an HR clerk over the province ({runs} requests each; the subtree: {biggest.name}, "
        f"{sub_tree} dossiers; largest department: {department.name if department else '-'})"
    )
    # As in a server process (portal/wsgi.py): the long-lived objects are out of the collector's way.
    gc.collect()
    gc.freeze()
    for label, url in pages:
        client = api if url.startswith("/api/") else admin
        times, queries, status = _timed_requests(client, url, runs)
        print(f"  {label}: p50 {_p(times, 0.5):.0f} ms, p95 {_p(times, 0.95):.0f} ms, {queries} queries, HTTP {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--province", type=int, default=82)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--communes", type=int, help="only the first N communes")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")
    parser.add_argument("--no-pages", action="store_true", help="only seed; do not time the pages")
    parser.add_argument("--runs", type=int, default=40, help="requests per page timing (p95 over them)")
    parser.add_argument("--reuse", action="store_true", help=f"time the pages on the kept database {DATABASE}")
    options = parser.parse_args()
    if options.reuse:
        reuse(options)
        return

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
        if not options.no_pages:
            measure_pages(root, runs=options.runs)
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


def reuse(options) -> None:
    """Migrate the kept database and time its pages again (no seeding)."""
    from django.core.management import call_command

    connection.close()
    connection.settings_dict["NAME"] = DATABASE
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database {DATABASE} reused, migrated in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    root = Unit.objects.filter(depth=1).order_by("path").first()
    print(f"{Dossier.objects.count()} dossiers under {root.name}")
    measure_pages(root, runs=options.runs)


if __name__ == "__main__":
    main()
