"""The records admin (records/views): the clerk's list within scope, filters, export, one dossier,
version comparison, evidence downloads and the review queue."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.choices import Role
from portal.models import Unit
from records.choices import DeclarationStatus
from records.models import Declaration, DossierVersion
from records.services.declarations import declaration_submit
from records.services.dossiers import dossier_change
from tests.conftest import make_unit
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(province):
    person = make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    thang = make_dossier(
        province["chi_cuc"],
        account=person,
        identity={**BASE_CONTENT["identity"], "phone": "=1+2"},
    )
    lan = make_dossier(
        province["tai_chinh"],
        personal_id="087190000456",
        identity={**BASE_CONTENT["identity"], "full_name": "Trần Thị Lan", "sex": "2"},
    )
    clerk = make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    return {"person": person, "thang": thang, "lan": lan, "clerk": clerk, "province": province}


def text(response) -> str:
    return response.content.decode()


def test_the_list_shows_only_the_clerks_subtree(world):
    response = login(world["clerk"]).get(reverse("records_dossiers:index"))
    assert response.status_code == 200
    page = text(response)
    assert "Nguyễn Văn Thắng" in page and "Trần Thị Lan" not in page


def test_search_without_accents_and_filters(world, admin_user):
    client = login(admin_user)
    url = reverse("records_dossiers:index")
    page = text(client.get(url, {"q": "tran thi lan"}))
    assert "Trần Thị Lan" in page and "Nguyễn Văn Thắng" not in page
    page = text(client.get(url, {"sex": "1"}))
    assert "Nguyễn Văn Thắng" in page and "Trần Thị Lan" not in page


def test_completeness_filter_in_the_list_the_api_and_the_export(world, admin_user):
    from records.models import Dossier

    Dossier.objects.filter(pk=world["thang"].pk).update(completeness=45)
    Dossier.objects.filter(pk=world["lan"].pk).update(completeness=90)
    client = login(admin_user)
    url = reverse("records_dossiers:index")
    page = text(client.get(url, {"completeness": "50"}))
    assert "Nguyễn Văn Thắng" in page and "Trần Thị Lan" not in page
    assert '<option value="50" selected>Đầy đủ dưới 50%</option>' in page
    page = text(client.get(url, {"completeness": "100"}))
    assert "Nguyễn Văn Thắng" in page and "Trần Thị Lan" in page
    exported = client.get(reverse("records_dossiers:export", args=["csv"]), {"completeness": "80"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn Thắng"]
    api = client.get("/api/v1/dossiers/", {"completeness_below": "80"}).json()
    assert [row["full_name"] for row in api["results"]] == ["Nguyễn Văn Thắng"]
    assert client.get("/api/v1/dossiers/", {"completeness_below": "0"}).status_code == 400


def test_leaders_and_individuals_have_no_dossier_list(world, province):
    leader = make_account("lanhdao", unit=province["root"], role=Role.LEADER)
    assert login(leader).get(reverse("records_dossiers:index")).status_code == 403
    assert login(world["person"]).get(reverse("records_dossiers:index")).status_code == 403


def test_export_xlsx_and_csv_with_chosen_columns_and_formula_guard(world):
    client = login(world["clerk"])
    xlsx = client.get(
        reverse("records_dossiers:export", args=["xlsx"]), {"columns": ["full_name", "phone", "birth_date"]}
    )
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Họ và tên", "Điện thoại", "Ngày sinh"]
    assert rows[1] == ["Nguyễn Văn Thắng", "'=1+2", "17/05/1990"]
    assert len(rows) == 2  # Trần Thị Lan is outside the clerk's scope
    response = client.get(reverse("records_dossiers:export", args=["csv"]), {"columns": ["personal_id", "full_name"]})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines == [["Số định danh cá nhân", "Họ và tên"], ["087090000123", "Nguyễn Văn Thắng"]]


def test_detail_404_outside_scope_and_compare(world):
    client = login(world["clerk"])
    assert client.get(reverse("records_dossiers:detail", args=[world["lan"].pk])).status_code == 404
    thang = world["thang"]
    dossier_change(
        dossier=thang,
        sections={"identity": {**BASE_CONTENT["identity"], "phone": "0912000111"}},
        actor=world["clerk"],
        expected_version=1,
    )
    page = text(client.get(reverse("records_dossiers:detail", args=[thang.pk])))
    assert "1 phiên bản chờ phê duyệt" in page
    compare = client.get(reverse("records_dossiers:compare", args=[thang.pk]), {"base": 1, "to": 2})
    assert compare.status_code == 200
    assert "0912000111" in text(compare) and "=1+2" in text(compare)
    assert client.get(reverse("records_dossiers:compare", args=[thang.pk]), {"base": 1, "to": 7}).status_code == 404


@pytest.fixture
def declared(world):
    return declaration_submit(
        dossier=world["thang"],
        section="training_language",
        proposed=[{"period_from": "2019-03", "institution": "ĐH Cần Thơ", "language": "ANH"}],
        actor=world["person"],
        files=[SimpleUploadedFile("chung-chi.pdf", b"%PDF-1.4 chung chi")],
    )


def test_review_queue_and_accept(world, declared):
    client = login(world["clerk"])
    queue = text(client.get(reverse("records_reviews:queue")))
    assert "Nguyễn Văn Thắng" in queue and reverse("records_reviews:review", args=[declared.pk]) in queue
    review = client.get(reverse("records_reviews:review", args=[declared.pk]))
    assert review.status_code == 200 and "ĐH Cần Thơ" in text(review) and "chung-chi.pdf" in text(review)
    response = client.post(reverse("records_reviews:review", args=[declared.pk]), {"decision": "accept"})
    assert response.status_code == 302
    assert Declaration.objects.get(pk=declared.pk).status == DeclarationStatus.ACCEPTED
    assert DossierVersion.objects.filter(dossier=world["thang"]).count() == 2


def test_return_needs_a_reason(world, declared):
    client = login(world["clerk"])
    url = reverse("records_reviews:review", args=[declared.pk])
    response = client.post(url, {"decision": "return", "reason": ""})
    assert response.status_code == 200 and response.context["return_form"].errors
    response = client.post(url, {"decision": "return", "reason": "Ảnh mờ, chụp lại"})
    assert response.status_code == 302
    assert Declaration.objects.get(pk=declared.pk).review_reason == "Ảnh mờ, chụp lại"


def test_review_and_evidence_are_404_outside_scope(world, declared, province):
    outsider = login(make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK))
    assert outsider.get(reverse("records_reviews:review", args=[declared.pk])).status_code == 404
    evidence = declared.evidence.get()
    url = reverse("records_dossiers:evidence", args=[world["thang"].pk, evidence.pk])
    assert outsider.get(url).status_code == 404
    download = login(world["clerk"]).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 chung chi"


def test_the_unit_page_shows_the_dossier_count_and_completeness(world, admin_user):
    response = login(admin_user).get(reverse("portal_units:detail", args=[world["province"]["noi_vu"].pk]))
    (panel,) = response.context["panels"]
    # Thắng works in the Chi cục under Sở Nội vụ; Lan is in Sở Tài chính.
    assert [value for _label, value in panel.facts] == ["1", f"{world['thang'].completeness}%"]
    assert panel.link_url == f"{reverse('records_dossiers:index')}?unit={world['province']['noi_vu'].pk}"
    assert panel.link_url in text(response)


def test_clerk_changes_a_section_with_the_decision_document(world):
    client = login(world["clerk"])
    thang = world["thang"]
    url = reverse("records_dossiers:change", args=[thang.pk, "salary"])
    form = client.get(url)
    assert form.status_code == 200 and 'name="salary-salary_step"' in text(form)
    data = {
        "salary-grade": "01.003",
        "salary-salary_step": "4",
        "salary-salary_coefficient": "3,33",
        "salary-salary_effective_on": "01/10/2026",
        "expected_version": "1",
        "reason": "Nâng bậc lương thường xuyên",
        "decision_number": "125/QĐ-SNV",
        "decision_date": "25/09/2026",
        "documents": SimpleUploadedFile("qd-125.pdf", b"%PDF-1.4 qd"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    version = DossierVersion.objects.get(dossier=thang, number=2)
    assert version.content["salary"] == {
        "grade": "01.003",
        "salary_step": 4,
        "salary_coefficient": "3.33",
        "salary_effective_on": "2026-10-01",
    }
    assert (version.decision_number, version.evidence.get().original_name) == ("125/QĐ-SNV", "qd-125.pdf")
    # The same form again, opened on version 1: refused, nothing saved.
    stale = client.post(url, {**data, "salary-salary_step": "5", "documents": SimpleUploadedFile("x.pdf", b"%PDF-1")})
    assert stale.status_code == 200
    assert "(phiên bản 2) sau khi bạn mở (phiên bản 1)" in text(stale)
    assert DossierVersion.objects.filter(dossier=thang).count() == 2


def test_change_errors_are_on_the_field(world):
    client = login(world["clerk"])
    url = reverse("records_dossiers:change", args=[world["thang"].pk, "training_professional"])
    data = {
        "training_professional-TOTAL_FORMS": "1",
        "training_professional-INITIAL_FORMS": "0",
        "training_professional-0-period_from": "2020-13",
        "training_professional-0-institution": "ĐH Luật",
        "training_professional-0-major": "Luật",
        "expected_version": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["editor"].forms[0].errors["period_from"]
    assert DossierVersion.objects.filter(dossier=world["thang"]).count() == 1


def test_an_approver_reads_but_does_not_change(world, province):
    approver = make_account("giamdoc", unit=province["noi_vu"], role=Role.APPROVER)
    client = login(approver)
    assert client.get(reverse("records_dossiers:detail", args=[world["thang"].pk])).status_code == 200
    assert client.get(reverse("records_dossiers:change", args=[world["thang"].pk, "salary"])).status_code == 403


def test_status_change_in_the_admin_needs_date_and_decision(world):
    client = login(world["clerk"])
    url = reverse("records_dossiers:status", args=[world["thang"].pk])
    response = client.post(url, {"status": "NGHI_HUU", "effective_on": "", "decision": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(url, {"status": "NGHI_HUU", "effective_on": "01/12/2026", "decision": "88/QĐ-SNV"})
    assert response.status_code == 302
    thang = type(world["thang"]).objects.get(pk=world["thang"].pk)
    assert (thang.status, thang.status_decision) == ("NGHI_HUU", "88/QĐ-SNV")
    assert client.get(reverse("records_dossiers:detail", args=[thang.pk])).status_code == 200  # still readable


def test_unit_lists_show_people_and_completeness_per_unit(world, admin_user):
    response = login(admin_user).get(reverse("portal_units:detail", args=[world["province"]["root"].pk]))
    rows = {row["unit"].name: row["extra"] for row in response.context["rows"]}
    assert rows["Sở Nội vụ"] == [f"1 · {world['thang'].completeness}%"]  # Thắng, in the Chi cục below
    assert rows["Sở Tài chính"] == [f"1 · {world['lan'].completeness}%"]
    assert "Số người · mức độ đầy đủ" in text(response)


# --- the unit lists' xlsx export: people and completeness as numbers (records.panels) -------------

PEOPLE = "Số người đang làm việc (cả đơn vị cấp dưới)"
COMPLETENESS = "Mức đầy đủ hồ sơ bình quân (%)"
# The session (read, then saved: three), the user and profile, the unit, the custom field definitions,
# the cursor over the units, and one grouped dossier query per tree depth of each chunk of 1,000 units
# (records.panels.unit_dossier_columns): here depths 2 and 3.
MAX_EXPORT_QUERIES = 11
BASE_HEADERS = 6  # name, short name, code, unit type, established on, dissolved on (no custom field here)


def unit_export(client, unit, query: str = "") -> tuple[tuple, dict[str, tuple]]:
    """The export's header row and {unit name: the cells after the base columns}."""
    response = client.get(reverse("portal_units:export", args=[unit.pk]) + query)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    return rows[0], {row[0]: row[BASE_HEADERS:] for row in rows[1:]}


@pytest.fixture
def more_people(world):
    """A second, less complete dossier straight in Sở Nội vụ, and a department without anyone."""
    province = world["province"]
    partial = make_dossier(province["noi_vu"], personal_id="087090000789", family_own=None, work_history=None)
    assert partial.completeness != world["thang"].completeness  # so that the mean is a real mean
    make_unit("Sở Y tế", parent=Unit.objects.get(pk=province["root"].pk), type_code="SO")
    return {**world, "partial": partial}


def test_unit_export_has_people_and_completeness_as_numbers(more_people, admin_user):
    thang, lan, partial = more_people["thang"], more_people["lan"], more_people["partial"]
    header, cells = unit_export(login(admin_user), more_people["province"]["root"])
    assert header[BASE_HEADERS:] == (PEOPLE, COMPLETENESS)
    assert cells == {
        "Sở Nội vụ": (2, round((thang.completeness + partial.completeness) / 2, 1)),  # Chi cục's Thắng too
        "Sở Tài chính": (1, lan.completeness),
        "Sở Y tế": (0, None),  # no dossier: nobody, and no average to give
    }
    assert type(cells["Sở Nội vụ"][0]) is int and isinstance(cells["Sở Nội vụ"][1], float)


def test_unit_export_counts_only_the_dossiers_the_user_may_read(more_people):
    header, cells = unit_export(login(more_people["clerk"]), more_people["province"]["root"])  # Sở Nội vụ's clerk
    assert header[BASE_HEADERS:] == (PEOPLE, COMPLETENESS)
    assert cells["Sở Nội vụ"][0] == 2
    assert cells["Sở Tài chính"] == (0, None)  # Lan is outside the clerk's subtree


def test_unit_export_without_dossier_rights_has_no_such_columns(more_people):
    leader = make_account("lanhdao", unit=more_people["province"]["root"], role=Role.LEADER)
    header, cells = unit_export(login(leader), more_people["province"]["root"])
    assert len(header) == BASE_HEADERS and PEOPLE not in header and COMPLETENESS not in header
    assert set(cells) == {"Sở Nội vụ", "Sở Tài chính", "Sở Y tế"} and set(cells.values()) == {()}


def test_unit_export_queries_do_not_grow_with_the_units(more_people, admin_user, django_assert_max_num_queries):
    client = login(admin_user)
    root = more_people["province"]["root"]

    def export_queries(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            unit_export(client, root, query)
        return len(captured)

    unit_export(client, root)  # warm the session
    few = [export_queries(""), export_queries("?q=s")]  # direct sub-units; the whole subtree by search
    for number in range(40):
        centre = make_unit(f"Trung tâm số {number}", parent=Unit.objects.get(pk=root.pk), type_code="SO")
        team = make_unit(f"Tổ công tác số {number}", parent=centre, type_code="PHONG")
        if number < 3:
            make_dossier(team, personal_id=f"0870900010{number:02d}")
    _header, cells = unit_export(client, root)
    assert cells["Trung tâm số 2"][0] == 1 and cells["Trung tâm số 3"] == (0, None)
    assert [export_queries(""), export_queries("?q=s")] == few
    with django_assert_max_num_queries(MAX_EXPORT_QUERIES):
        unit_export(client, root, "?q=s")
