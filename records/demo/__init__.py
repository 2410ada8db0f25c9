"""Demo dossiers for ``seed_demo`` (the "people" step, registered by ``records.apps``).

``seed_people`` tops the demo province up to ``context.people`` dossiers: rerunning creates only the missing
ones, and person ``i`` always gets the same data and personal id for a given seed (``records.demo.people``).
Most people work in schools and health stations (public employees with education and health titles), civil
servants in departments and commune offices, a few cadres lead the communes, and NĐ 111 support staff (drivers,
guards, service staff) have their labour contracts. Dossiers go through ``dossiers_bulk_create`` in batches, so
the demo passes the same checks as an import. The demo individual account (``canhan.demo``), when it has no
dossier, gets the first new one: a teacher of the account's unit with the account's name.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from portal.models import Unit
from records.choices import VersionSource
from records.demo.people import People
from records.models import Dossier
from records.services.bulk import statistics_refresh
from records.services.dossiers import dossiers_bulk_create

BATCH = 1000
DEMO_INDIVIDUAL = "canhan.demo"  # portal.demo.DEMO_ACCOUNTS

__all__ = ["BATCH", "DEMO_INDIVIDUAL", "People", "seed_people"]


def _number(count: int) -> str:
    return f"{count:,}".replace(",", ".")  # Vietnamese thousands separator


def _demo_individual():
    """The demo individual account when it exists, belongs to a unit and has no dossier yet."""
    return (
        get_user_model()
        .objects.filter(username=DEMO_INDIVIDUAL, dossier__isnull=True, unit__isnull=False)
        .select_related("unit")
        .first()
    )


def seed_people(context) -> None:
    """Create dossiers until the demo province has ``context.people`` of them (nothing for 0)."""
    if context.people <= 0:
        return
    root = (context.units.get("province") or [None])[0] or Unit.objects.get(
        depth=1, admin_area_code=str(context.province_code), dissolved_on__isnull=True
    )
    existing = Dossier.objects.filter(unit_path__startswith=root.path).count()
    missing = context.people - existing
    if missing <= 0:
        context.log(f"Hồ sơ mẫu: tỉnh đã có {_number(existing)} hồ sơ, không tạo thêm.")
        return
    people = People(root=root, rng_for=context.rng_for)
    account = _demo_individual()
    if account is not None and not any(place.unit.pk == account.unit_id for place in people.places):
        account = None  # its unit takes no demo people: leave the account without a dossier
    # The first ``existing`` people were created by earlier runs: continue after them. A person whose id is
    # already taken (entered by hand, imported) is skipped and the next one is drawn instead.
    created, index = 0, existing
    while created < missing:
        size = min(BATCH, missing - created)
        batch = [people.person(i, account=account if i == index else None) for i in range(index, index + size)]
        index += size
        ids = [person.personal_id for person in batch]
        taken = set(Dossier.objects.filter(personal_id__in=ids).values_list("personal_id", flat=True))
        batch = [person for person in batch if person.personal_id not in taken]
        if account is not None and any(person.account for person in batch):
            name = batch[0].content["identity"]["full_name"]
            context.log(f"Hồ sơ mẫu: tài khoản {DEMO_INDIVIDUAL} được gắn với hồ sơ của {name}.")
            account = None
        created += dossiers_bulk_create(people=batch, actor=None, source=VersionSource.INITIAL)
        context.log(f"Đã tạo {_number(created)}/{_number(missing)} hồ sơ")
    statistics_refresh()
