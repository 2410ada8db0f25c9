"""End to end in real headless Chromium: a school principal opens the approval queue, lists every
dossier in one approval act and signs it with the "token" of the signing service on their computer
(the reference local signing service, with the principal's test key), through the interrupted flow;
a Celery worker publishes the act while the page shows the progress.

Before the service runs, the page says that the signing service is not running. Afterwards the
database shows the act published, each dossier live at exactly the listed version, and the signed
manifest verifying (pyHanko, and poppler's pdfsig when installed).
"""

from __future__ import annotations

import re
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from celery.contrib.testing.worker import start_worker
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone
from playwright.sync_api import expect

from portal.celery import app
from portal.choices import Role
from portal.services.approvals import approval_override_grant, approval_rules_load_default
from portal.services.signing import trust_root_upload
from portal.signing.reference_service import SigningIdentity, start_in_thread
from portal.signing.verify import pdf_verify
from records.choices import ApprovalActStatus, ApprovalItemOutcome, VersionStatus
from records.models import ApprovalAct, Dossier, DossierVersion
from tests.browser.test_declare_and_review import account, sign_in
from tests.conftest import make_unit
from tests.permissions import make_account
from tests.portal.signing.pki import build_pki
from tests.records.services.conftest import raise_step, teacher

TEACHERS = [("087090000124", "Trần Thị Đào"), ("087090000125", "Lê Văn Ước"), ("087090000126", "Phạm Thị Ơn")]
PUBLISH_TIMEOUT_MS = 60_000


def free_port() -> int:
    """A port nothing listens on (the signing service "not running")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def school(province):
    """A school whose principal approves (the default rules), three teachers with an accepted change,
    approval allowed today (a system administrator's override), and the test root CA trusted."""
    giao_duc = make_unit("Sở Giáo dục và Đào tạo", parent=province["root"], type_code="SO")
    truong = make_unit("Trường THPT Thành phố Cao Lãnh", parent=giao_duc, type_code="TRUONG_THPT")
    approval_rules_load_default()
    principal = account("hieutruong", truong, Role.APPROVER)
    principal.first_name = "Nguyễn Văn An"
    principal.save(update_fields=["first_name"])
    clerk = make_account("tccb.truong", unit=truong, role=Role.HR_CLERK)
    teachers = [teacher(truong, personal_id, name) for personal_id, name in TEACHERS]
    for dossier in teachers:
        raise_step(dossier, clerk, 4)
    system = make_account("quantri", is_superuser=True)
    today = timezone.localdate()
    approval_override_grant(actor=system, unit=giao_duc, starts_on=today, ends_on=today, reason="Kiểm thử ký số")
    pki = build_pki()
    trust_root_upload(actor=system, certificate=pki.root.der, name="CA gốc thử nghiệm")
    return {"principal": principal, "teachers": teachers, "pki": pki}


@pytest.fixture
def signing_service(school, tmp_path):
    """The reference local signing service with the principal's test key, from PEM files."""
    person = school["pki"].person
    key, cert, chain = tmp_path / "hieutruong.key.pem", tmp_path / "hieutruong.pem", tmp_path / "chain.pem"
    key.write_bytes(person.key_pem)
    cert.write_bytes(person.pem)
    chain.write_bytes(b"".join(certificate.public_bytes(Encoding.PEM) for certificate in person.chain))
    service = start_in_thread(SigningIdentity.from_files(key=key, cert=cert, chain=chain))
    yield service
    service.stop()


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_an_approver_signs_a_batch_with_the_token_service_and_it_is_published(
    live_server, new_page, school, signing_service, settings
):
    settings.HOSO_LOCAL_SIGNER_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there yet
    page = new_page()
    sign_in(page, f"{live_server.url}/admin/login/", "hieutruong")
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))

    # The queue: the three teachers, the window and the capacity.
    page.goto(f"{live_server.url}/admin/monthly-approval/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ chờ phê duyệt")
    rows = page.locator("#approval-queue tbody tr")
    expect(rows).to_have_count(3)
    for personal_id, name in TEACHERS:
        expect(rows.filter(has_text=personal_id)).to_contain_text(name)
    expect(rows.first).to_contain_text("30. Tiền lương")
    expect(page.locator("#approval-capacity")).to_contain_text("Theo thẩm quyền của mình")
    expect(page.locator("#approval-window")).to_contain_text("Thời gian phê duyệt tháng này")

    # Select all, create the act.
    page.locator("[data-approval-select-all]").check()
    expect(page.locator('input[name="dossier"]:checked')).to_have_count(3)
    page.get_by_role("button", name="Lập văn bản phê duyệt").click()
    expect(page).to_have_url(re.compile(r"/admin/monthly-approval/acts/\d+/$"))
    act = ApprovalAct.objects.get()
    expect(page.get_by_text(f"Văn bản phê duyệt số {act.pk} gồm 3 hồ sơ")).to_be_visible()
    expect(page.locator("#approval-act-status")).to_have_text("Chờ người phê duyệt ký số")
    expect(page.locator("#approval-items tbody tr")).to_have_count(3)

    # The signing service is not running: the page says so, nothing is signed.
    sign = page.get_by_role("button", name="Ký số bằng thiết bị ký số")
    sign.click()
    error = page.locator("[data-approval-sign-error]")
    expect(error).to_contain_text("Văn bản chưa được ký số:")
    expect(error).to_contain_text("Phần mềm ký số chưa chạy trên máy tính này")
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE and act.signed_pdf is None

    # Start it (the page reads its address again) and sign: the act is signed and waits for a worker.
    settings.HOSO_LOCAL_SIGNER_URL = signing_service.url
    page.reload()
    expect(page.locator("#approval-external-signing")).to_have_attribute("data-signer-url", signing_service.url)
    page.get_by_role("button", name="Ký số bằng thiết bị ký số").click()
    progress = page.locator("#approval-progress")
    expect(progress).to_contain_text("Đang công bố: đã xử lý 0/3 hồ sơ.")
    expect(page.get_by_text("Văn bản đã được ký số; các hồ sơ đang được công bố.")).to_be_visible()
    expect(page.locator("#approval-act-status")).to_have_text("Đã ký, đang công bố")

    # A worker publishes; the page follows the progress, then shows the counts.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        expect(page.locator("#approval-result")).to_have_text(
            "Đã công bố: 3 hồ sơ. Không công bố: 0 hồ sơ.", timeout=PUBLISH_TIMEOUT_MS
        )
    expect(page.locator("#approval-act-status")).to_have_text("Đã công bố")
    expect(page.locator("#approval-items tbody tr").filter(has_text="Đã công bố")).to_have_count(3)
    expect(page.get_by_role("link", name="Tải văn bản đã ký số (PDF)")).to_be_visible()
    expect(page.get_by_role("button", name="Ký số bằng thiết bị ký số")).to_have_count(0)

    # The outcome, in the database: exactly the listed versions are live.
    act.refresh_from_db()
    assert (act.status, act.total, act.done, act.published_count) == (ApprovalActStatus.PUBLISHED, 3, 3, 3)
    assert act.signing_backend == "external"
    items = list(act.items.select_related("dossier"))
    assert {item.outcome for item in items} == {ApprovalItemOutcome.PUBLISHED}
    for item in items:
        dossier = Dossier.objects.get(pk=item.dossier_id)
        assert (dossier.live_version, dossier.latest_version) == (item.number, item.number) == (2, 2)
        version = DossierVersion.objects.get(dossier=dossier, number=item.number)
        assert (version.status, version.sha256) == (VersionStatus.PUBLISHED, item.sha256)
        assert version.published_by_id == school["principal"].pk
    signed = bytes(act.signed_pdf)
    assert signed.startswith(bytes(act.manifest))
    # pyHanko runs its own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(max_workers=1) as executor:
        verification = executor.submit(pdf_verify, signed).result()
    assert verification.ok, verification.messages
    assert [report.signer_name for report in verification.signatures] == ["Nguyễn Văn An"]
    if shutil.which("pdfsig"):
        from portal.signing.pdfsig import pdfsig_signatures

        reports = pdfsig_signatures(signed)
        assert [report["Signature Validation"] for report in reports] == ["Signature is Valid."]
