"""records/services/dossiers.py and versions.py: creation, clerk changes with conflict detection,
publication to the live rows, bulk creation, status lifecycle, scoping of writes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.choices import Role
from portal.services.fields.definitions import field_definition_save
from portal.text import person_name_sort_key
from records.choices import DossierStatus, VersionSource, VersionStatus
from records.models import Dossier, DossierVersion, FamilyMember, WorkHistory
from records.services.common import DossierPermissionDenied
from records.services.content_hash import content_sha256
from records.services.declarations import declaration_submit
from records.services.dossiers import (
    NewDossier,
    dossier_change,
    dossier_create,
    dossier_status_change,
    dossiers_bulk_create,
)
from records.services.live_rows import content_of
from records.services.versions import version_publish
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, PERSONAL_ID, content, make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(province):
    return make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)


@pytest.fixture
def dossier(province):
    return make_dossier(province["chi_cuc"])


def test_create_publishes_version_1_to_the_live_rows(dossier):
    assert (dossier.live_version, dossier.latest_version) == (1, 1)
    assert dossier.full_name == "Nguyễn Văn Thắng" and dossier.birth_date == datetime.date(1990, 5, 17)
    assert dossier.name_folded == "nguyen van thang"
    assert dossier.name_sort_key == person_name_sort_key("Nguyễn Văn Thắng")
    assert dossier.salary_coefficient == pytest.approx(3)
    assert list(WorkHistory.objects.filter(dossier=dossier).values_list("workplace", flat=True)) == [
        "Sở Nội vụ tỉnh Đồng Tháp"
    ]
    assert FamilyMember.objects.filter(dossier=dossier, side="own").count() == 2
    version = DossierVersion.objects.get(dossier=dossier)
    assert version.status == VersionStatus.PUBLISHED and version.source == VersionSource.INITIAL
    # The live rows say exactly what the version says.
    assert content_of(dossier) == version.content
    assert version.sha256 == content_sha256(version.content)
    assert 0 < dossier.completeness < 100 and dossier.missing_items


def test_create_refuses_a_duplicate_or_inconsistent_personal_id(province, dossier):
    before = Dossier.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_dossier(province["chi_cuc"])
    assert "087090000123" in exc.value.message_dict["personal_id"][0]
    with pytest.raises(ValidationError) as exc:  # id says female, content says male
        make_dossier(province["chi_cuc"], personal_id="087190000124")
    assert "personal_id" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # Excel ate the leading zeros
        make_dossier(province["chi_cuc"], personal_id="87090000125")
    assert (
        "Excel" in exc.value.message_dict["personal_id"][0] or "bảng tính" in exc.value.message_dict["personal_id"][0]
    )
    assert Dossier.objects.count() == before


def test_create_needs_the_minimum_and_reports_every_problem_at_once(province):
    with pytest.raises(ValidationError) as exc:
        dossier_create(
            unit=province["chi_cuc"],
            personal_id=PERSONAL_ID,
            content=content(header=None, identity={"full_name": "Lê Văn A", "ethnicity": "99"}),
        )
    keys = set(exc.value.message_dict)
    assert {"identity.ethnicity", "identity.sex", "identity.birth_date", "header.personnel_category"} <= keys
    assert not Dossier.objects.exists() and not DossierVersion.objects.exists()


def test_a_clerk_creates_only_inside_their_subtree(province, clerk):
    assert dossier_create(unit=province["chi_cuc"], personal_id=PERSONAL_ID, content=content(), actor=clerk)
    with pytest.raises(DossierPermissionDenied):
        dossier_create(unit=province["tai_chinh"], personal_id="087090000124", content=content(), actor=clerk)


def test_clerk_change_is_a_pending_version_until_published(dossier, clerk):
    salary = {**BASE_CONTENT["salary"], "salary_step": 4, "salary_coefficient": "3,33"}
    version = dossier_change(
        dossier=dossier,
        sections={"salary": salary},
        actor=clerk,
        expected_version=1,
        reason="Nâng bậc lương thường xuyên",
        decision_number="125/QĐ-SNV",
        decision_date=datetime.date(2026, 10, 1),
    )
    assert (version.number, version.status, version.sections) == (2, VersionStatus.PENDING, ["salary"])
    assert version.content["salary"]["salary_coefficient"] == "3.33"
    live = Dossier.objects.get(pk=dossier.pk)
    assert (live.live_version, live.latest_version, live.salary_step) == (1, 2, 3)  # approval has not happened
    version_publish(version=version, actor=clerk)
    live = Dossier.objects.get(pk=dossier.pk)
    assert (live.live_version, live.salary_step) == (2, 4)
    assert DossierVersion.objects.get(dossier=dossier, number=2).status == VersionStatus.PUBLISHED


def test_a_stale_writer_is_told_who_changed_the_dossier_and_nothing_is_saved(dossier, clerk, province):
    other = make_account("canbo2.snv", unit=province["noi_vu"], role=Role.HR_CLERK, first_name="Bình", last_name="Trần")
    phone = {**BASE_CONTENT["identity"], "phone": "0912000111"}
    dossier_change(dossier=dossier, sections={"identity": phone}, actor=other, expected_version=1)
    with pytest.raises(ValidationError) as exc:
        dossier_change(
            dossier=dossier,
            sections={"identity": {**BASE_CONTENT["identity"], "phone": "0987000222"}},
            actor=clerk,
            expected_version=1,
        )
    message = exc.value.message_dict["expected_version"][0]
    assert "Trần Bình" in message and "2" in message
    assert DossierVersion.objects.filter(dossier=dossier).count() == 2


def test_change_with_no_difference_or_bad_values_writes_nothing(dossier, clerk):
    with pytest.raises(ValidationError) as exc:
        dossier_change(dossier=dossier, sections={"salary": BASE_CONTENT["salary"]}, actor=clerk, expected_version=1)
    assert "sections" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        dossier_change(dossier=dossier, sections={"salary": {"salary_step": "ba"}}, actor=clerk, expected_version=1)
    assert "salary.salary_step" in exc.value.message_dict
    assert DossierVersion.objects.filter(dossier=dossier).count() == 1


def test_a_clerk_of_another_unit_cannot_change(dossier, province):
    outsider = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    with pytest.raises(DossierPermissionDenied):
        dossier_change(
            dossier=dossier,
            sections={"identity": {**BASE_CONTENT["identity"], "phone": "0912"}},
            actor=outsider,
            expected_version=1,
        )


def test_bulk_create_is_all_or_nothing_with_row_messages(province):
    people = [
        NewDossier(unit=province["chi_cuc"], personal_id="087090000201", content=content()),
        NewDossier(unit=province["chi_cuc"], personal_id="087090000201", content=content()),
        NewDossier(unit=province["chi_cuc"], personal_id="087090000203", content=content(header=None)),
    ]
    with pytest.raises(ValidationError) as exc:
        dossiers_bulk_create(people=people)
    found = exc.value.message_dict
    assert "row 2.personal_id" in found and "1" in found["row 2.personal_id"][0]
    assert "row 3.header.personnel_category" in found
    assert found["row 3.header.personnel_category"][0].startswith("Dòng 3")
    assert not Dossier.objects.exists()
    people[1].personal_id = "087090000202"
    people[2].content = content()
    assert dossiers_bulk_create(people=people) == 3
    created = Dossier.objects.get(personal_id="087090000202")
    assert content_of(created) == created.versions.get().content
    assert created.completeness > 0


def test_status_lifecycle(dossier, clerk):
    with pytest.raises(ValidationError) as exc:
        dossier_status_change(dossier=dossier, status=DossierStatus.RETIRED, actor=clerk, effective_on=None)
    assert {"effective_on", "decision"} <= set(exc.value.message_dict)
    retired = dossier_status_change(
        dossier=dossier,
        status=DossierStatus.RETIRED,
        actor=clerk,
        effective_on=datetime.date(2026, 12, 1),
        decision="88/QĐ-SNV",
    )
    assert (retired.status, retired.status_decision) == (DossierStatus.RETIRED, "88/QĐ-SNV")
    with pytest.raises(ValidationError) as exc:
        dossier_status_change(dossier=retired, status=DossierStatus.WORKING, actor=clerk, effective_on=None)
    assert "status" in exc.value.message_dict
    assert Dossier.objects.filter(pk=dossier.pk).exists()  # closed, never deleted


def test_merging_a_unit_moves_its_dossiers_and_dissolving_waits_for_them(province, dossier, admin_user):
    from portal.services.units.common import Decision
    from portal.services.units.reorganising import unit_dissolve, unit_merge

    with pytest.raises(ValidationError):
        unit_dissolve(unit=province["chi_cuc"], decision=Decision(number="1/QĐ"), actor=admin_user)
    unit_merge(
        source=province["chi_cuc"], target=province["tai_chinh"], decision=Decision(number="2/QĐ"), actor=admin_user
    )
    assert Dossier.objects.get(pk=dossier.pk).unit == province["tai_chinh"]


def test_every_version_records_the_unit_of_its_dossier_when_it_was_made(province, dossier, admin_user):
    from portal.services.units.common import Decision
    from portal.services.units.reorganising import unit_merge
    from records.services.declarations import declaration_accept, declaration_submit

    # dossier_create, and the COPY path of dossiers_bulk_create (the seed, imports)
    assert dossier.versions.get(number=1).unit == province["chi_cuc"]
    dossiers_bulk_create(
        people=[
            NewDossier(unit=province["noi_vu"], personal_id="087090000201", content=content()),
            NewDossier(unit=province["tai_chinh"], personal_id="087090000202", content=content()),
        ]
    )
    assert sorted(
        DossierVersion.objects.filter(dossier__personal_id__in=["087090000201", "087090000202"]).values_list(
            "dossier__personal_id", "unit"
        )
    ) == [("087090000201", province["noi_vu"].pk), ("087090000202", province["tai_chinh"].pk)]
    # The dossier moves with its merged unit: later versions record the new unit, old ones keep theirs.
    unit_merge(
        source=province["chi_cuc"], target=province["tai_chinh"], decision=Decision(number="2/QĐ"), actor=admin_user
    )
    moved = Dossier.objects.get(pk=dossier.pk)
    dossier_change(dossier=moved, sections={"health": {"health_status": "Tốt"}}, actor=admin_user, expected_version=1)
    declaration = declaration_submit(
        dossier=moved, section="health", proposed={"health_status": "Khá"}, actor=admin_user
    )
    declaration_accept(declaration=declaration, actor=admin_user)
    assert list(moved.versions.order_by("number").values_list("number", "unit")) == [
        (1, province["chi_cuc"].pk),
        (2, province["tai_chinh"].pk),
        (3, province["tai_chinh"].pk),
    ]


def test_decimals_are_kept_with_the_columns_places_so_live_rows_and_versions_agree(province):
    """ "100" is stored as "100.00" in the version, as the live column reads it back: the hash of the
    live content and the compare view then see no difference that is only a way of writing."""
    salary = {**BASE_CONTENT["salary"], "salary_coefficient": "4.4", "salary_percent": "100"}
    dossier = make_dossier(province["chi_cuc"], salary=salary)
    version = dossier.versions.get()
    assert version.content["salary"]["salary_coefficient"] == "4.40"
    assert version.content["salary"]["salary_percent"] == "100.00"
    assert content_of(dossier) == version.content

    with pytest.raises(ValidationError) as problem:
        make_dossier(
            province["chi_cuc"],
            personal_id="087090000124",
            salary={**BASE_CONTENT["salary"], "salary_coefficient": "4.405"},
        )
    assert "có nhiều hơn 2 chữ số thập phân" in str(problem.value)
    with pytest.raises(ValidationError) as problem:
        make_dossier(
            province["chi_cuc"],
            personal_id="087090000125",
            salary={**BASE_CONTENT["salary"], "salary_coefficient": "1234.5"},
        )
    assert "quá lớn" in str(problem.value)
    assert Dossier.objects.count() == 1


def test_a_dossier_keeps_its_own_unique_custom_value_and_another_cannot_take_it(province, dossier, clerk):
    field_definition_save(
        values={"target": "dossier", "key": "so_the", "label": "Số thẻ đảng", "field_type": "text", "unique": True}
    )
    field_definition_save(values={"target": "dossier", "key": "so_con", "label": "Số con", "field_type": "integer"})
    holder = make_dossier(province["chi_cuc"], personal_id="087090000999", custom={"so_the": "T-1"})
    # Changing another custom field keeps the dossier's own card number: it is not "someone else's".
    version = dossier_change(
        dossier=holder,
        sections={"custom": {"so_the": "T-1", "so_con": 2}},
        actor=clerk,
        expected_version=1,
        reason="Bổ sung số con",
    )
    assert version.content["custom"] == {"so_the": "T-1", "so_con": 2}
    # The person's own declaration of the section, likewise.
    declaration = declaration_submit(
        dossier=holder, section="custom", proposed={"so_the": "T-1", "so_con": 3}, actor=clerk
    )
    assert declaration.proposed == {"so_the": "T-1", "so_con": 3}
    with pytest.raises(ValidationError) as caught:
        dossier_change(
            dossier=dossier, sections={"custom": {"so_the": "T-1"}}, actor=clerk, expected_version=1, reason="Nhập thẻ"
        )
    assert "T-1" in str(caught.value.message_dict["custom.so_the"])
