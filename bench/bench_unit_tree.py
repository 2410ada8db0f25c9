"""Unit tree at provincial and national scale.

Measures, inside one transaction that is rolled back at the end (the configured
database is left as it was):
1. `load_admin_units` for all 34 provinces (3,321 communes): time and queries.
2. The demo province (`seed_demo` steps for province 82): units built and time.
3. Merging a department with its whole subtree into another: time and queries.
4. Reading one unit's page of 100 children with their sub-unit counts: queries and time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from bench.common import counted  # noqa: E402
from portal import selectors  # noqa: E402
from portal.demo import SeedContext, demo_seed  # noqa: E402
from portal.models import Unit  # noqa: E402
from portal.services.admin_units import admin_units_load  # noqa: E402
from portal.services.catalogue_data import catalogues_load_standard  # noqa: E402
from portal.services.units.common import Decision  # noqa: E402
from portal.services.units.reorganising import unit_merge  # noqa: E402


class Rollback(Exception):
    pass


def measure(label: str, function):
    result, elapsed, queries = counted(function)
    print(f"{label}: {elapsed:.2f} s, {queries} queries")
    return result


def main() -> None:
    from vietnam_provinces import Province

    try:
        with transaction.atomic():
            measure("load_catalogues (standard data)", catalogues_load_standard)
            provinces = [int(p.code.value) for p in Province.iter_all()]

            def load_all():
                return sum(admin_units_load(province_code=code).created for code in provinces)

            created = measure(f"load_admin_units for {len(provinces)} provinces", load_all)
            print(f"  units created: {created}")
            Unit.objects.filter(depth=1).exclude(admin_area_code="82").update(dissolved_on="2025-07-01")
            before = Unit.objects.count()
            measure(
                "seed_demo province 82 (departments, divisions, schools, communes)",
                lambda: demo_seed(SeedContext(province_code=82, log=lambda *_: None)),
            )
            print(f"  units added by the demo steps: {Unit.objects.count() - before}")
            root = Unit.objects.get(depth=1, admin_area_code="82", dissolved_on__isnull=True)
            source = Unit.objects.get(name="Sở Giáo dục và Đào tạo", dissolved_on__isnull=True)
            target = Unit.objects.get(name="Sở Dân tộc và Tôn giáo", dissolved_on__isnull=True)
            size = len(Unit.get_tree(source)) - 1
            measure(
                f"merge a department with {size} descendant units into another",
                lambda: unit_merge(source=source, target=target, decision=Decision(number="BENCH/QĐ")),
            )
            communes = list(selectors.unit_list(parent=root)[:100])

            def page():
                counts = selectors.unit_children_counts(communes)
                return len(counts)

            measure("children counts for a page of 100 units", page)
            raise Rollback
    except Rollback:
        print("(all changes rolled back)")


if __name__ == "__main__":
    main()
