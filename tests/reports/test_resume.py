"""reports/resume.py, resume_pdf.py, views.py: the TT 06/2023 résumé as data, HTML and PDF,
for any version, with scoped access (404 outside the scope, never 403)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from portal.choices import Role
from portal.models import CatalogueEntry
from records.models import Dossier
from records.services.dossiers import dossier_change
from reports.formatting import decimal_vi, money_vi
from reports.resume import resume_context
from reports.resume_pdf import resume_pdf
from tests.permissions import check_four_ways, make_account
from tests.records.factories import BASE_CONTENT, PERSONAL_ID, make_dossier

pytestmark = pytest.mark.django_db

IDENTITY = {
    **BASE_CONTENT["identity"],
    "id_issued_on": "2021-04-12",
    "phone": "0901000001",
    "social_insurance_number": "8722000123",
}
SALARY = {
    **BASE_CONTENT["salary"],
    "salary_coefficient": "3.33",
    "salary_effective_on": "2024-01-01",
    "job_salary_amount": 2340000,
}
WORK_HISTORY = [
    {"period_from": "2013-03", "period_to": "2016-12", "workplace": "Phòng Nội vụ huyện Cao Lãnh", "title": "Cán sự"},
    {"period_from": "2017-01", "period_to": "2020-06", "workplace": "Sở Nội vụ tỉnh Đồng Tháp", "title": "Chuyên viên"},
    {"period_from": "2020-07", "workplace": "Chi cục Văn thư - Lưu trữ", "title": "Phó Chi cục trưởng"},
]


@pytest.fixture
def dossier(province):
    created = make_dossier(province["chi_cuc"], identity=IDENTITY, salary=SALARY, work_history=WORK_HISTORY)
    return Dossier.objects.select_related("unit").get(pk=created.pk)


@pytest.fixture
def clerk(province):
    return make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)


def page_url(dossier, suffix="/"):
    return f"/admin/ho-so/{dossier.pk}/so-yeu-ly-lich{suffix}"


def fields(context) -> dict[str, list[str]]:
    """{item number: [label: value, ...]} of the context's field items (sub-items included)."""
    found: dict[str, list[str]] = {}

    def walk(item):
        if item["kind"] == "fields":
            found[item["number"]] = [f"{f['label']}{f['sep']}{f['value']}" for line in item["lines"] for f in line]
        for part in item.get("parts", []):
            walk(part)

    for item in context["items"]:
        walk(item)
    return found


def numbers(context) -> list[str]:
    found = []

    def walk(item):
        found.append(item["number"])
        for part in item.get("parts", []):
            walk(part)

    for item in context["items"]:
        walk(item)
    return found


def table(context, number: str) -> dict:
    def walk(items):
        for item in items:
            if item["number"] == number:
                return item
            found = walk(item.get("parts", []))
            if found:
                return found
        return None

    return walk(context["items"])


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- the context --------------------------------------------------------------------------------


def test_context_prints_labels_capitals_and_vietnamese_formats(dossier):
    context = resume_context(dossier=dossier, content=dossier.versions.get(number=1).content)
    items = fields(context)
    assert items["1"] == ["Họ và tên khai sinh (viết chữ in hoa): NGUYỄN VĂN THẮNG", "Giới tính: Nam"]
    assert items["3"] == ["Sinh ngày 17", "tháng 05", "năm 1990"]
    assert items["6"] == ["Dân tộc: Kinh"]  # the label, not the code "01"
    assert items["8"] == ["Số CCCD: 087090000123", "Ngày cấp: 12/04/2021", "SĐT liên hệ: 0901000001"]
    assert items["19"] == ["Trình độ giáo dục phổ thông (đã tốt nghiệp lớp mấy/thuộc hệ nào): 12/12"]
    assert items["20"] == ["Trình độ chuyên môn cao nhất: Đại học"]
    salary = items["30.1"]
    assert "Ngạch/chức danh nghề nghiệp: Chuyên viên" in salary and "Mã số: 01.003" in salary
    assert "Hệ số: 3,33" in salary and "Ngày hưởng: 01/01/2024" in salary and "Bậc lương: 3" in salary
    assert "Lương theo mức tiền: 2.340.000" in items["30.3"]
    assert items["10"] == ["Nơi ở hiện nay: Phường Cao Lãnh, tỉnh Đồng Tháp"]
    assert context["header"] == [
        {"label": "Cơ quan quản lý CBCCVC", "value": "Sở Nội vụ"},
        {"label": "Cơ quan, đơn vị sử dụng CBCCVC", "value": "Chi cục Văn thư - Lưu trữ"},
        {"label": "Số hiệu", "value": "SNV-001"},
        {"label": "Mã số định danh", "value": PERSONAL_ID},
    ]
    family = table(context, "36.1")
    assert family["rows"] == [["Cha đẻ", "Nguyễn Văn Hai", "1960", "Nông dân"], ["Mẹ đẻ", "Lê Thị Ba", "1963", ""]]
    training = table(context, "32.1")
    assert training["rows"] == [["09/2008", "06/2012", "Trường Đại học Cần Thơ", "Luật", "", "Đại học"]]
    assert context["signature"]["declarant"]["name"] == "Nguyễn Văn Thắng"
    assert context["signature"]["head"]["title"] == "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"


def test_rows_print_in_the_order_of_the_content(dossier):
    context = resume_context(dossier=dossier, content=dossier.versions.get(number=1).content)
    assert table(context, "33")["rows"] == [
        ["03/2013", "12/2016", "Phòng Nội vụ huyện Cao Lãnh", "Cán sự"],
        ["01/2017", "06/2020", "Sở Nội vụ tỉnh Đồng Tháp", "Chuyên viên"],
        ["07/2020", "", "Chi cục Văn thư - Lưu trữ", "Phó Chi cục trưởng"],
    ]


def test_every_item_is_there_even_for_an_empty_content(dossier, province):
    context = resume_context(dossier=dossier, content={})
    found = numbers(context)
    assert [str(n) for n in range(1, 39)] == [n for n in found if "." not in n]
    for sub in ("30.1", "30.2", "30.3", "32.1", "32.6", "34.1", "34.3", "35.2", "36.2", "37.1", "37.2", "37.3"):
        assert sub in found
    assert fields(context)["6"] == ["Dân tộc: "]
    assert table(context, "33")["rows"] == []
    # The province root manages its own staff; a department manages itself.
    root_dossier = make_dossier(province["root"], personal_id="087090000124")
    assert resume_context(dossier=root_dossier, content={})["header"][0]["value"] == province["root"].name


def test_labels_come_from_one_query_per_catalogue_kind_and_retired_codes_still_print(
    dossier, django_assert_num_queries
):
    content = dossier.versions.get(number=1).content
    CatalogueEntry.objects.filter(kind__code="dan_toc", code="01").update(active=False)
    # 7 catalogue kinds in use (sex, ethnicity, religion, general education, qualification,
    # grade, family relation) + the managing agency.
    with django_assert_num_queries(8):
        context = resume_context(dossier=dossier, content=content)
    assert fields(context)["6"] == ["Dân tộc: Kinh"]


def test_number_formats():
    assert decimal_vi("3.33") == "3,33"
    assert decimal_vi("3", places=2) == "3,00"
    assert decimal_vi("85.50") == "85,5"
    assert decimal_vi("1234.5") == "1.234,5"
    assert money_vi(2340000) == "2.340.000"


# --- the PDF ------------------------------------------------------------------------------------


def test_pdf_is_a4_with_embedded_vietnamese_font_and_exact_text(dossier):
    pdf = resume_pdf(dossier=dossier, content=dossier.versions.get(number=1).content, version=1)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor_owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_owner["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor or "/FontFile3" in descriptor
    assert fonts and all(fonts.values()), fonts  # every font embedded, none referenced by name only
    assert any("NotoSerif" in name for name in fonts)
    text = pdf_text(pdf)
    for expected in (
        "SƠ YẾU LÝ LỊCH",
        "NGUYỄN VĂN THẮNG",
        "Trường Đại học Cần Thơ",
        "Dân tộc: Kinh",
        "Hệ số: 3,33",
        "Ngày cấp: 12/04/2021",
        "Cơ quan quản lý CBCCVC: Sở Nội vụ",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "Phiên bản 1",
    ):
        assert expected in text, expected
    for number in range(1, 39):
        assert re.search(rf"(^| ){number}\)", text), number


# --- the views ----------------------------------------------------------------------------------


def test_page_shows_every_item_and_rows_in_order(client, admin_user, dossier):
    client.force_login(admin_user)
    response = client.get(page_url(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    for number in range(1, 39):
        assert f'id="muc-{number}"' in html and f"{number})" in html, number
    assert "NGUYỄN VĂN THẮNG" in html and "Kinh" in html and "3,33" in html and "12/04/2021" in html
    work_history = html[html.index('id="muc-33"') : html.index('id="muc-34"')]
    positions = [work_history.index(row["workplace"]) for row in WORK_HISTORY]
    assert positions == sorted(positions)
    assert f"/admin/ho-so/{dossier.pk}/so-yeu-ly-lich.pdf?version=1" in html


def test_the_document_stays_vietnamese_in_an_english_interface(client, admin_user, dossier):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(admin_user)
    html = client.get(page_url(dossier)).content.decode()
    assert 'lang="en"' in html
    assert "Họ và tên khai sinh (viết chữ in hoa)" in html and "QUAN HỆ GIA ĐÌNH" in html


def test_print_view_is_a_standalone_a4_document(client, admin_user, dossier):
    client.force_login(admin_user)
    response = client.get(page_url(dossier, "/ban-in/"), {"version": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<!DOCTYPE html>") and "size: A4" in html and "@media print" in html
    assert "SƠ YẾU LÝ LỊCH" in html and "NGUYỄN VĂN THẮNG" in html


def test_pdf_download_is_an_attachment_named_after_the_person_and_version(
    client, admin_user, dossier, django_assert_max_num_queries
):
    client.force_login(admin_user)
    # session, account, profile, dossier, version, 7 catalogue kinds, managing agency, the export
    # service's scope check and its record (reports.models.ResumeExport), session save
    with django_assert_max_num_queries(18):
        response = client.get(page_url(dossier, ".pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="SYLL_{PERSONAL_ID}_v1.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_version_1_and_the_latest_print_their_own_values(client, clerk, dossier):
    dossier_change(
        dossier=dossier, sections={"identity": {**IDENTITY, "phone": "0912000111"}}, actor=clerk, expected_version=1
    )
    client.force_login(clerk)

    latest = client.get(page_url(dossier)).content.decode()
    assert "0912000111" in latest and "0901000001" not in latest
    assert '<option value="2" selected>' in latest

    first = client.get(page_url(dossier), {"version": 1}).content.decode()
    assert "0901000001" in first and "0912000111" not in first

    pdf_latest = client.get(page_url(dossier, ".pdf"))
    assert pdf_latest["Content-Disposition"].endswith(f'SYLL_{PERSONAL_ID}_v2.pdf"')
    assert "SĐT liên hệ: 0912000111" in pdf_text(pdf_latest.content)
    pdf_first = client.get(page_url(dossier, ".pdf"), {"version": 1})
    assert pdf_first["Content-Disposition"].endswith(f'SYLL_{PERSONAL_ID}_v1.pdf"')
    assert "SĐT liên hệ: 0901000001" in pdf_text(pdf_first.content)


def test_a_pending_version_carries_a_note(client, clerk, dossier):
    dossier_change(
        dossier=dossier, sections={"identity": {**IDENTITY, "phone": "0912000111"}}, actor=clerk, expected_version=1
    )
    client.force_login(clerk)
    latest = client.get(page_url(dossier))
    approved = client.get(page_url(dossier), {"version": 1})
    assert len(latest.context["notes"]) == 1 and "2" in latest.context["notes"][0]
    assert approved.context["notes"] == []


@pytest.mark.parametrize("suffix", ["/", "/ban-in/", ".pdf"])
def test_access_four_ways(province, dossier, clerk, suffix):
    leader = make_account("lanhdao", unit=province["noi_vu"], role=Role.LEADER)  # aggregates only
    outsider = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    check_four_ways(
        url=page_url(dossier, suffix),
        permitted=clerk,
        no_permission=leader,
        expect_no_permission=404,
        other_unit=outsider,
        secrets=["Nguyễn Văn Thắng", "NGUYỄN VĂN THẮNG", PERSONAL_ID],
    )


def test_the_person_sees_their_own_resume_and_nobody_elses(client, province):
    person = make_account("canhan.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    own = make_dossier(province["chi_cuc"], account=person)
    other = make_dossier(province["chi_cuc"], personal_id="087090000124")
    client.force_login(person)
    assert client.get(page_url(own)).status_code == 200
    assert client.get(page_url(own, ".pdf")).status_code == 200
    assert client.get(page_url(other)).status_code == 404
    assert client.get(page_url(other, ".pdf")).status_code == 404


def test_unknown_versions_and_dossiers_answer_404(client, admin_user, dossier):
    client.force_login(admin_user)
    for suffix in ("/", "/ban-in/", ".pdf"):
        assert client.get(page_url(dossier, suffix), {"version": 9}).status_code == 404
        assert client.get(page_url(dossier, suffix), {"version": "abc"}).status_code == 404
    assert client.get(f"/admin/ho-so/{dossier.pk + 1000}/so-yeu-ly-lich/").status_code == 404


# --- the unit of a version ----------------------------------------------------------------------


def test_an_old_version_prints_the_unit_it_was_made_in(client, admin_user, province, dossier):
    """Version 1 is made in unit A (Chi cục Văn thư - Lưu trữ, under Sở Nội vụ); A is then
    merged into unit B (under Sở Tài chính), which moves the dossier (``unit_merge``, the
    service that moves people between units); version 2 is made in B."""
    from portal.services.units.common import Decision
    from portal.services.units.reorganising import unit_merge
    from tests.conftest import make_unit

    unit_b = make_unit("Chi cục Quản lý công sản", parent=province["tai_chinh"], type_code="CHI_CUC")
    unit_merge(source=province["chi_cuc"], target=unit_b, decision=Decision(number="12/QĐ-UBND"), actor=admin_user)
    moved = Dossier.objects.select_related("unit").get(pk=dossier.pk)
    assert moved.unit == unit_b
    dossier_change(
        dossier=moved, sections={"identity": {**IDENTITY, "phone": "0912000111"}}, actor=admin_user, expected_version=1
    )
    assert [(v.number, v.unit_id) for v in moved.versions.order_by("number")] == [
        (1, province["chi_cuc"].pk),
        (2, unit_b.pk),
    ]
    unit_a_lines = ["Cơ quan quản lý CBCCVC: Sở Nội vụ", "Cơ quan, đơn vị sử dụng CBCCVC: Chi cục Văn thư - Lưu trữ"]
    unit_b_lines = ["Cơ quan quản lý CBCCVC: Sở Tài chính", "Cơ quan, đơn vị sử dụng CBCCVC: Chi cục Quản lý công sản"]
    client.force_login(admin_user)

    first = client.get(page_url(dossier), {"version": 1})
    assert [f"{line['label']}: {line['value']}" for line in first.context["resume"]["header"][:2]] == unit_a_lines
    html = first.content.decode()
    assert "Chi cục Văn thư - Lưu trữ" in html and "Chi cục Quản lý công sản" not in html
    first_pdf = pdf_text(client.get(page_url(dossier, ".pdf"), {"version": 1}).content)
    assert all(line in first_pdf for line in unit_a_lines) and "Chi cục Quản lý công sản" not in first_pdf
    printed = client.get(page_url(dossier, "/ban-in/"), {"version": 1}).content.decode()
    assert "Chi cục Văn thư - Lưu trữ" in printed and "Chi cục Quản lý công sản" not in printed

    latest = client.get(page_url(dossier))
    assert [f"{line['label']}: {line['value']}" for line in latest.context["resume"]["header"][:2]] == unit_b_lines
    header = latest.content.decode().split('class="syll-header"')[1].split("</header>")[0]
    assert "Chi cục Quản lý công sản" in header and "Chi cục Văn thư - Lưu trữ" not in header
    latest_pdf = pdf_text(client.get(page_url(dossier, ".pdf")).content)
    assert all(line in latest_pdf for line in unit_b_lines)
    assert "Cơ quan, đơn vị sử dụng CBCCVC: Chi cục Văn thư - Lưu trữ" not in latest_pdf


def test_a_version_without_a_recorded_unit_prints_the_current_unit(dossier):
    from reports.resume import version_unit

    version = dossier.versions.get(number=1)
    version.unit = None  # a row older than the column that the migration could not place
    assert version_unit(dossier=dossier, version=version) == dossier.unit
    unit = version_unit(dossier=dossier, version=version)
    context = resume_context(dossier=dossier, content=version.content, unit=unit)
    assert context["header"][1]["value"] == "Chi cục Văn thư - Lưu trữ"
