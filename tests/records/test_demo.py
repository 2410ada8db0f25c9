"""The demo people step (records.demo): counts, reruns, consistency of every dossier, determinism."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model

from portal.demo import SeedContext, demo_seed
from portal.models import CatalogueEntry
from records.demo import DEMO_INDIVIDUAL, People, seed_people
from records.identity import personal_id_birth_year, personal_id_clean, personal_id_sex
from records.models import Dossier, DossierVersion
from records.sections.registry import SECTIONS
from records.sections.spec import ROWS
from records.services.codes import CodeBook
from records.services.content import content_clean

SEED, PEOPLE = 11, 60


def _silent(_message: str) -> None:
    return None


def _pay_tables() -> dict[str, list[Decimal]]:
    """Grade code → coefficients by step, read from the catalogues as loaded."""
    groups = {
        entry.code: [Decimal(c) for c in entry.attributes["coefficients"]]
        for entry in CatalogueEntry.objects.filter(kind__code="nhom_luong", active=True)
    }
    return {
        entry.code: groups[entry.attributes["salary_group"]]
        for entry in CatalogueEntry.objects.filter(kind__code="ngach_cdnn", active=True)
    }


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.mark.django_db
def test_seed_people_creates_consistent_dossiers_once():
    logs: list[str] = []
    context = demo_seed(SeedContext(province_code=82, seed=SEED, communes=2, people=PEOPLE, log=logs.append))
    root = context.units["province"][0]
    in_province = Dossier.objects.filter(unit__path__startswith=root.path)
    assert in_province.count() == PEOPLE
    assert "Đã tạo 60/60 hồ sơ" in logs

    # Rerunning creates nothing; asking for more creates only the missing ones.
    demo_seed(SeedContext(province_code=82, seed=SEED, communes=2, people=PEOPLE, log=logs.append))
    assert in_province.count() == PEOPLE and any("không tạo thêm" in line for line in logs)
    seed_people(SeedContext(province_code=82, seed=SEED, people=PEOPLE + 3, units=context.units, log=_silent))
    assert in_province.count() == PEOPLE + 3

    pay_tables = _pay_tables()
    versions = DossierVersion.objects.filter(dossier__in=in_province).select_related("dossier__unit")
    # One initial version each (the approvals step adds pending changes to a few: checked as well).
    assert versions.filter(number=1).count() == PEOPLE + 3
    sections_with_rows: Counter[str] = Counter()
    for version in versions:
        dossier, content = version.dossier, version.content
        assert version.unit_id == dossier.unit_id  # the seed's versions record the unit (COPY path)
        identity, salary = content["identity"], content["salary"]
        born = datetime.date.fromisoformat(identity["birth_date"])
        assert personal_id_birth_year(dossier.personal_id) == born.year
        assert personal_id_sex(dossier.personal_id) == identity["sex"]
        assert 1966 <= born.year <= 2002
        recruited = datetime.date.fromisoformat(content["background"]["first_recruited_on"])
        assert 18 <= _age(born, recruited) <= 35, (dossier, born, recruited)
        # Work history chains to today and ends in the current unit.
        history = content["work_history"]
        assert history[0]["period_from"] == recruited.isoformat()[:7]
        assert history[-1]["workplace"].startswith(dossier.unit.name) and "period_to" not in history[-1]
        for row, following in pairwise(history):
            assert row["period_from"] <= row["period_to"] < following["period_from"]
        # The coefficient is the grade's salary-group coefficient for the step, now and in the pay history.
        assert Decimal(salary["salary_coefficient"]) == pay_tables[salary["grade"]][salary["salary_step"] - 1]
        for row in content["salary_history"]:
            assert Decimal(row["coefficient"]) == pay_tables[row["grade"]][row["step"] - 1]
        assert content["salary_history"][-1]["date_from"] == salary["salary_effective_on"]
        for row in content.get("training_professional", []):
            assert row["period_to"] <= recruited.isoformat()[:7]
        for row in content.get("family_own", []):
            if row["relation"] == "CON":
                assert row["birth_year"] - born.year >= 18
        if "party_joined_on" in content["background"]:
            joined = datetime.date.fromisoformat(content["background"]["party_joined_on"])
            official = datetime.date.fromisoformat(content["background"]["party_official_on"])
            assert (official.year - joined.year) * 12 + official.month - joined.month == 12
        sections_with_rows.update(key for key, value in content.items() if isinstance(value, list) and value)
    for key in ("training_professional", "work_history", "rewards", "family_own", "salary_history", "allowances"):
        assert sections_with_rows[key] >= PEOPLE // 2, key
    assert sections_with_rows["contracts"] >= 1

    # The demo individual account got a dossier in its unit, with its name.
    account = get_user_model().objects.get(username=DEMO_INDIVIDUAL)
    assert account.dossier.unit == account.unit
    assert account.dossier.full_name == f"{account.last_name} {account.first_name}"

    # The generator alone gives the same people again (person 0 was given to the demo account).
    again = People(root=root, rng_for=SeedContext(province_code=82, seed=SEED).rng_for)
    for i in range(1, 6):
        person = again.person(i)
        assert in_province.get(personal_id=person.personal_id).full_name == person.content["identity"]["full_name"]


@pytest.mark.django_db
def test_generated_people_are_valid_varied_and_deterministic():
    seed_people(SeedContext(province_code=82, people=0))  # nothing to do, no unit needed
    context = demo_seed(SeedContext(province_code=82, seed=SEED, communes=1, log=_silent))
    root = context.units["province"][0]
    first = People(root=root, rng_for=SeedContext(province_code=82, seed=SEED).rng_for)
    people = [first.person(i) for i in range(1000)]
    second = People(root=root, rng_for=SeedContext(province_code=82, seed=SEED).rng_for)
    assert [second.person(i) for i in range(5)] == people[:5]
    other_seed = People(root=root, rng_for=SeedContext(province_code=82, seed=SEED + 1).rng_for)
    assert other_seed.person(0).personal_id != people[0].personal_id
    assert len({person.personal_id for person in people}) == len(people)

    # Every row section has rows in some dossier, except 34.2: nobody born after 1965 worked for the former regime.
    filled = {key for person in people for key, value in person.content.items() if isinstance(value, list) and value}
    assert filled == {section.key for section in SECTIONS if section.kind == ROWS} - {"former_regime"}

    codes = CodeBook()
    for person in people[:200]:
        content_clean(person.content, codes=codes)  # raises on any invalid value
        identity = person.content["identity"]
        personal_id_clean(person.personal_id, birth_date=identity["birth_date"], sex=identity["sex"])

    categories = Counter(person.content["header"]["personnel_category"] for person in people)
    assert categories["VC"] > categories["CC"] > categories["CB"] > 0 and categories["NLD_111"] > 0
    cadres = [p for p in people if p.content["header"]["personnel_category"] in ("CB", "CC")]
    members = sum("party_joined_on" in p.content["background"] for p in cadres)
    assert 0.3 <= members / len(cadres) <= 0.8  # this small province has many leaders (nearly all members)
    staff = [p for p in cadres if "position" not in p.content["positions"]]
    members = sum("party_joined_on" in p.content["background"] for p in staff)
    assert 0.25 <= members / len(staff) <= 0.5
    caring = [p for p in people if p.content["header"]["personnel_category"] == "VC"]
    women = sum(p.content["identity"]["sex"] == "2" for p in caring)
    assert 0.5 <= women / len(caring) <= 0.8
