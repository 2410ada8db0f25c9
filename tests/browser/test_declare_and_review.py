"""End to end in real headless Chromium: a person declares a training with an evidence file and a
second section from the self-service portal; the HR clerk accepts the first and returns the other
from the admin review queue; the person then reads the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.choices import Role
from records.choices import DeclarationStatus, VersionStatus
from records.models import Declaration, Dossier, DossierVersion
from tests.permissions import make_account
from tests.records.factories import make_dossier

PASSWORD = "Kq7!mzp2Rw-thang"
INSTITUTION = "Trường Đại học Luật TP. Hồ Chí Minh"
EVIDENCE_NAME = "bang-thac-si-luat.pdf"
RETURN_REASON = "Cần giấy khám sức khỏe"


def account(username: str, unit, role):
    user = make_account(username, unit=unit, role=role)
    user.set_password(PASSWORD)
    user.must_change_password = False  # a first sign-in must land on the pages, not on a password change
    user.save()
    return user


def section_card(page, number: str):
    """The home page card of one section, found by its numbered heading ("32.1. …")."""
    heading = page.get_by_role("heading", name=re.compile(rf"^{re.escape(number)}\. "))
    return page.locator("section.card").filter(has=heading)


def sign_in(page, url: str, username: str):
    page.goto(url)
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")


@pytest.mark.django_db(transaction=True)
def test_declare_a_training_with_evidence_then_the_clerk_accepts_it_and_returns_another(
    live_server, new_page, province, tmp_path
):
    person = account("nguyen.van.thang", province["chi_cuc"], Role.INDIVIDUAL)
    dossier = make_dossier(province["chi_cuc"], account=person)
    account("canbo.snv", province["noi_vu"], Role.HR_CLERK)
    evidence = tmp_path / EVIDENCE_NAME
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

    # The person: sign in to the portal, declare a new training row with its diploma.
    me = new_page()
    sign_in(me, f"{live_server.url}/ca-nhan/dang-nhap/", "nguyen.van.thang")
    expect(me).to_have_url(f"{live_server.url}/ca-nhan/")
    expect(me.get_by_role("heading", level=1)).to_contain_text("Nguyễn Văn Thắng")
    section_card(me, "32.1").get_by_role("link", name="Kê khai thay đổi").click()
    expect(me).to_have_url(f"{live_server.url}/ca-nhan/ke-khai/training_professional/")
    row = me.locator('input[name="training_professional-INITIAL_FORMS"]').input_value()  # first empty row
    prefix = f"training_professional-{row}-"
    me.locator(f'[name="{prefix}period_from"]').fill("09/2020")
    me.locator(f'[name="{prefix}period_to"]').fill("12/2022")
    me.locator(f'[name="{prefix}institution"]').fill(INSTITUTION)
    me.locator(f'[name="{prefix}major"]').fill("Luật")
    me.locator(f'[name="{prefix}qualification"]').select_option(label="Thạc sĩ")
    me.locator('textarea[name="note"]').fill("Bằng thạc sĩ Luật")
    me.locator('input[name="evidence"]').set_input_files(evidence)
    me.get_by_role("button", name="Gửi bản kê khai").click()

    expect(me).to_have_url(f"{live_server.url}/ca-nhan/")
    expect(me.get_by_text("Bản kê khai đã được gửi. Cán bộ tổ chức sẽ xem xét.")).to_be_visible()
    mine = me.locator("section.card").filter(has=me.get_by_role("heading", name="Các bản kê khai của tôi"))
    training_row = mine.locator("tbody tr").filter(has_text="32.1. Đào tạo chuyên môn")
    expect(training_row).to_contain_text("Đã gửi, chờ xem xét")
    expect(training_row.get_by_role("link", name=EVIDENCE_NAME)).to_be_visible()
    expect(section_card(me, "32.1")).to_contain_text("đang chờ xem xét")

    # A second declaration: the health section (a single section).
    section_card(me, "31").get_by_role("link", name="Kê khai thay đổi").click()
    expect(me).to_have_url(f"{live_server.url}/ca-nhan/ke-khai/health/")
    me.locator('[name="health-health_status"]').fill("Tốt")
    me.get_by_role("button", name="Gửi bản kê khai").click()
    expect(me).to_have_url(f"{live_server.url}/ca-nhan/")
    expect(mine.locator("tbody tr")).to_have_count(2)

    # The clerk, in a browser context of their own: the queue lists both.
    clerk = new_page()
    sign_in(clerk, f"{live_server.url}/admin/login/", "canbo.snv")
    expect(clerk).not_to_have_url(re.compile(r"/admin/login/"))
    clerk.goto(f"{live_server.url}/admin/reviews/")
    queue = clerk.locator("table.listing tbody tr")
    expect(queue).to_have_count(2)
    expect(queue.filter(has_text="32.1. Đào tạo chuyên môn")).to_contain_text("Nguyễn Văn Thắng")
    expect(queue.filter(has_text="31. Tình trạng sức khỏe")).to_contain_text("Nguyễn Văn Thắng")

    # Accept the training: the review shows the declared row and the evidence.
    queue.filter(has_text="32.1. Đào tạo chuyên môn").get_by_role("link", name="Xem xét").click()
    expect(clerk).to_have_url(re.compile(r"/admin/reviews/\d+/$"))
    expect(clerk.locator("ins").filter(has_text=INSTITUTION)).to_be_visible()
    expect(clerk.get_by_role("link", name=EVIDENCE_NAME)).to_be_visible()
    clerk.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(clerk).to_have_url(f"{live_server.url}/admin/reviews/")
    expect(clerk.get_by_text("Đã tiếp nhận: thay đổi chờ thủ trưởng đơn vị phê duyệt.")).to_be_visible()

    # Return the health declaration with a reason.
    expect(queue).to_have_count(1)
    queue.filter(has_text="31. Tình trạng sức khỏe").get_by_role("link", name="Xem xét").click()
    expect(clerk).to_have_url(re.compile(r"/admin/reviews/\d+/$"))
    returning = clerk.locator("form").filter(has=clerk.locator('input[name="decision"][value="return"]'))
    returning.locator('textarea[name="reason"]').fill(RETURN_REASON)
    returning.get_by_role("button", name="Trả lại người kê khai").click()
    expect(clerk).to_have_url(f"{live_server.url}/admin/reviews/")
    expect(clerk.get_by_text("Đã trả lại người kê khai kèm lý do.")).to_be_visible()
    expect(queue).to_have_count(0)

    # The outcome, in the database.
    training = Declaration.objects.get(dossier=dossier, section="training_professional")
    assert training.status == DeclarationStatus.ACCEPTED
    assert [e.original_name for e in training.evidence.all()] == [EVIDENCE_NAME]
    version = DossierVersion.objects.get(dossier=dossier, number=2)
    assert training.result_version_id == version.pk
    assert version.status == VersionStatus.PENDING
    added = [row for row in version.content["training_professional"] if row.get("institution") == INSTITUTION]
    assert len(added) == 1
    assert {key: added[0].get(key) for key in ("period_from", "period_to", "major", "qualification")} == {
        "period_from": "2020-09",
        "period_to": "2022-12",
        "major": "Luật",
        "qualification": "THAC_SI",
    }
    assert "Trường Đại học Cần Thơ" in [row.get("institution") for row in version.content["training_professional"]]
    health = Declaration.objects.get(dossier=dossier, section="health")
    assert health.status == DeclarationStatus.RETURNED
    assert health.review_reason == RETURN_REASON
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.live_version == 1 and dossier.latest_version == 2  # approval comes later

    # The person reads the reason.
    me.goto(f"{live_server.url}/ca-nhan/")
    health_row = mine.locator("tbody tr").filter(has_text="31. Tình trạng sức khỏe")
    expect(health_row).to_contain_text("Đã trả lại")
    expect(health_row).to_contain_text(f"Lý do: {RETURN_REASON}")
    expect(mine.locator("tbody tr").filter(has_text="32.1. Đào tạo chuyên môn")).to_contain_text("Đã tiếp nhận")
