"""A retired catalogue entry "stays for history and existing references but is no longer offered"
(``portal.services.catalogues.entry_retire``): a code a dossier already holds in a field may stay
there while other values change (records/services/content.py ``previous``), entering it anew is
refused with its own message, and the section forms offer the held code, marked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.choices import Role
from portal.models import CatalogueEntry
from portal.services.catalogues import entry_retire
from records.models import Dossier
from records.section_forms import section_editor, section_value
from records.sections.registry import section_get
from records.services.content import section_clean
from records.services.declarations import declaration_submit
from records.services.dossiers import dossier_change
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, PERSONAL_ID, make_dossier

pytestmark = pytest.mark.django_db

KHMER = "05"  # dan_toc: Khơ-me
GRADE = "01.003"  # ngach_cdnn: Chuyên viên
PAY = [
    {"date_from": "2014-03-01", "date_to": "2017-02-28", "grade": GRADE, "step": 1, "coefficient": "2.34"},
    {"date_from": "2017-03-01", "grade": GRADE, "step": 2, "coefficient": "2.67"},
]
RETIRED = "là mã đã ngừng sử dụng trong danh mục: được giữ nguyên ở nơi hồ sơ đang có mã này, nhưng không được nhập mới"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def retire(kind: str, code: str) -> None:
    entry_retire(entry=CatalogueEntry.objects.get(kind__code=kind, code=code, active=True))


@pytest.fixture
def clerk(province):
    return make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)


@pytest.fixture
def holder(province):
    """A dossier whose ethnicity and pay history hold codes retired after they were written."""
    identity = {**BASE_CONTENT["identity"], "ethnicity": KHMER}
    dossier = make_dossier(province["noi_vu"], identity=identity, salary_history=PAY)
    retire("dan_toc", KHMER)
    retire("ngach_cdnn", GRADE)
    return Dossier.objects.get(pk=dossier.pk)


def messages(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def change(dossier, clerk, **sections):
    return dossier_change(
        dossier=dossier, sections=sections, actor=clerk, expected_version=dossier.latest_version, reason="Cập nhật"
    )


# --- the content check --------------------------------------------------------------------------


def test_a_held_retired_code_is_kept_and_a_new_one_refused(holder):
    identity = {**BASE_CONTENT["identity"], "ethnicity": KHMER, "phone": "0912000111"}
    assert section_clean("identity", identity, previous={**BASE_CONTENT["identity"], "ethnicity": KHMER}) == {
        **identity,
        "ethnicity": KHMER,
    }
    with pytest.raises(ValidationError) as excinfo:
        section_clean("identity", identity, previous=BASE_CONTENT["identity"])  # held "01" (Kinh), not "05"
    assert messages(excinfo) == {
        "identity.ethnicity": [f"1–10. Thông tin cá nhân và liên lạc, 'dân tộc': giá trị '05' {RETIRED}."]
    }


def test_without_a_stored_section_a_retired_code_is_refused_and_an_unknown_one_named_so(holder):
    with pytest.raises(ValidationError) as excinfo:
        section_clean("salary_history", PAY)
    assert messages(excinfo)["salary_history[1].grade"] == [
        f"37.1. Diễn biến quá trình lương, dòng 1, 'mã số ngạch/chức danh nghề nghiệp': giá trị '01.003' {RETIRED}."
    ]
    with pytest.raises(ValidationError) as excinfo:
        section_clean("salary_history", [{**PAY[0], "grade": "99.999"}], previous=PAY)
    assert messages(excinfo)["salary_history[1].grade"] == [
        "37.1. Diễn biến quá trình lương, dòng 1, 'mã số ngạch/chức danh nghề nghiệp': "
        "giá trị '99.999' không phải là mã đang dùng trong danh mục."
    ]


def test_a_code_held_in_another_field_is_not_held_in_this_one(holder):
    # "01.003" is held in salary_history.grade; salary.grade of the same dossier is another field.
    with pytest.raises(ValidationError) as excinfo:
        section_clean("salary", BASE_CONTENT["salary"], previous={"salary_step": 3})
    assert list(messages(excinfo)) == ["salary.grade"]


# --- the services -------------------------------------------------------------------------------


def test_a_clerk_changes_a_section_that_keeps_a_retired_code(holder, clerk):
    rows = [*PAY, {"date_from": "2020-03-01", "grade": "01.002", "step": 1, "coefficient": "4.40"}]
    rows[1] = {**rows[1], "date_to": "2020-02-29"}
    version = change(holder, clerk, salary_history=rows, identity={**BASE_CONTENT["identity"], "ethnicity": KHMER})
    assert [row["grade"] for row in version.content["salary_history"]] == [GRADE, GRADE, "01.002"]
    assert version.content["identity"]["ethnicity"] == KHMER


def test_a_clerk_cannot_give_a_retired_code_to_a_dossier_that_does_not_hold_it(province, clerk, holder):
    salary = {**BASE_CONTENT["salary"], "grade": "01.002"}
    other = make_dossier(province["noi_vu"], personal_id="087090000999", salary=salary)
    with pytest.raises(ValidationError) as excinfo:
        change(other, clerk, identity={**BASE_CONTENT["identity"], "ethnicity": KHMER})
    assert messages(excinfo)["identity.ethnicity"] == [
        f"1–10. Thông tin cá nhân và liên lạc, 'dân tộc': giá trị '05' {RETIRED}."
    ]
    assert Dossier.objects.get(pk=other.pk).latest_version == other.latest_version


def test_the_person_declares_another_item_of_a_section_holding_a_retired_code(province):
    person = make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    dossier = make_dossier(
        province["chi_cuc"], account=person, identity={**BASE_CONTENT["identity"], "ethnicity": KHMER}
    )
    retire("dan_toc", KHMER)
    proposed = {**BASE_CONTENT["identity"], "ethnicity": KHMER, "current_address": "Phường Mỹ Tho, tỉnh Đồng Tháp"}
    declaration = declaration_submit(dossier=dossier, section="identity", proposed=proposed, actor=person)
    assert declaration.proposed["ethnicity"] == KHMER
    assert declaration.proposed["current_address"] == "Phường Mỹ Tho, tỉnh Đồng Tháp"


# --- the forms ----------------------------------------------------------------------------------


def test_the_form_offers_the_held_retired_code_marked_and_accepts_it(holder):
    section = section_get("identity")
    stored = Dossier.objects.get(pk=holder.pk).versions.get(number=1).content["identity"]
    editor = section_editor(section, stored)
    choices = dict(editor.fields["ethnicity"].choices)
    assert choices[KHMER] == "Khơ-me (đã ngừng sử dụng)"
    assert "01" in choices and "(đã ngừng" not in choices["01"]
    data = {f"identity-{name}": value for name, value in editor.initial.items()}
    bound = section_editor(section, stored, data=data)
    assert bound.is_valid(), bound.errors
    assert section_value(section, bound)["ethnicity"] == KHMER


def test_the_form_of_a_dossier_without_the_code_does_not_offer_it(holder):
    editor = section_editor(section_get("identity"), BASE_CONTENT["identity"])
    assert KHMER not in dict(editor.fields["ethnicity"].choices)
    rows = section_editor(section_get("salary_history"), PAY)
    assert dict(rows.forms[0].fields["grade"].choices)[GRADE].endswith("(đã ngừng sử dụng)")


def test_the_holder_fixture_holds_what_the_tests_say(holder):
    content = holder.versions.get(number=1).content
    assert (content["identity"]["ethnicity"], content["salary_history"][0]["grade"]) == (KHMER, GRADE)
    assert holder.personal_id == PERSONAL_ID
    assert not CatalogueEntry.objects.filter(kind__code="dan_toc", code=KHMER, active=True).exists()
