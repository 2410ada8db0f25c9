"""The monthly approval in the admin (records/views/approvals/): the approver's queue, the act
page with its PDFs, signing with a server-held credential and through the browser's signing service
(the JSON endpoints), cancelling, returning, and who may see what."""

from __future__ import annotations

import base64
import datetime
import html
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.choices import Role
from portal.models import Grant, PendingSignature
from portal.selectors_approvals.window import approval_window
from portal.services.approvals import approval_override_grant, approval_rules_load_default
from portal.services.signing import signing_credential_register, trust_root_upload
from portal.signing.reference_client import sign_digest
from portal.signing.verify import pdf_verify
from records.choices import ApprovalActStatus, ApprovalItemOutcome, VersionStatus
from records.models import ApprovalAct, Dossier, DossierVersion
from records.services.approvals import approval_act_cancel, approval_act_create, approval_act_publish
from tests.conftest import make_unit
from tests.portal.signing.pki import build_pki
from tests.records.services.conftest import raise_step, teacher

pytestmark = pytest.mark.django_db
PASSPHRASE_ENV = "HOSO_TEST_APPROVER_P12"
PASSPHRASE = "Mk-chu-ky-hieu-truong-2026"
TEACHERS = [("087090000124", "Trần Thị Đào"), ("087090000125", "Lê Văn Ước"), ("087090000126", "Phạm Thị Ơn")]


@pytest.fixture(scope="module")
def pki():
    return build_pki()


@pytest.fixture
def school(province, django_user_model, admin_user):
    """A school whose principal approves its teachers (the default rules), three teachers with an
    accepted change each, another school with its principal, and approval allowed today."""
    giao_duc = make_unit("Sở Giáo dục và Đào tạo", parent=province["root"], type_code="SO")
    truong = make_unit("Trường THPT Thành phố Cao Lãnh", parent=giao_duc, type_code="TRUONG_THPT")
    other = make_unit("Trường THPT Hồng Ngự", parent=giao_duc, type_code="TRUONG_THPT")
    approval_rules_load_default()

    def account(username, unit, role, first_name=""):
        user = django_user_model.objects.create_user(username=username, password=None, unit=unit, first_name=first_name)
        Grant.objects.create(user=user, role=role, unit=unit, starts_on=datetime.date(2025, 1, 1))
        return django_user_model.objects.get(pk=user.pk)

    world = {
        "truong": truong,
        "other": other,
        "principal": account("hieutruong", truong, Role.APPROVER, "Nguyễn Văn An"),
        "other_principal": account("hieutruong.hn", other, Role.APPROVER),
        "clerk": account("tccb.truong", truong, Role.HR_CLERK),
        "person": account("giao.vien", truong, Role.INDIVIDUAL),
        "admin": admin_user,
    }
    world["teachers"] = [teacher(truong, pid, name) for pid, name in TEACHERS]
    for dossier in world["teachers"]:
        raise_step(dossier, world["clerk"], 4)
    today = timezone.localdate()
    approval_override_grant(actor=admin_user, unit=giao_duc, starts_on=today, ends_on=today, reason="Thử nghiệm")
    return world


@pytest.fixture
def trusted(pki, admin_user):
    return trust_root_upload(actor=admin_user, certificate=pki.root.der, name="CA gốc thử nghiệm")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def ids(dossiers):
    return [d.pk for d in dossiers]


def new_act(school, dossiers=None) -> ApprovalAct:
    return approval_act_create(approver=school["principal"], dossier_ids=ids(dossiers or school["teachers"]))


def post_json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


# -- the queue -------------------------------------------------------------------------------------


def test_the_queue_lists_the_principals_dossiers_with_window_and_capacity(school):
    response = login(school["principal"]).get(reverse("records_approvals:queue"))
    assert response.status_code == 200
    page = text(response)
    rows = response.context["table"].rows
    assert [row.record.dossier.personal_id for row in rows] == [pid for pid, _name in TEACHERS]
    for personal_id, name in TEACHERS:
        assert name in page and personal_id in page
    first, last = approval_window(timezone.localdate())
    assert f"Thời gian phê duyệt tháng này: từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}." in page
    assert "Theo thẩm quyền của mình (người phê duyệt của đơn vị)" in page
    assert "Trường THPT Thành phố Cao Lãnh" in page
    assert "30. Tiền lương" in page  # the section changed
    dossier = school["teachers"][0]
    diff = f"{reverse('records_dossiers:compare', args=[dossier.pk])}?base=1&amp;to=2"
    assert diff in response.content.decode()
    assert 'value="create"' in page and "Lập văn bản phê duyệt" in page and "Trả lại" in page


def test_the_queue_says_in_which_act_a_dossier_is_listed_and_the_whole_queue_skips_it(school):
    act = new_act(school, school["teachers"][:1])
    client = login(school["principal"])
    page = text(client.get(reverse("records_approvals:queue")))
    assert f"Thuộc văn bản số {act.pk}" in page
    # "The whole queue" (every page) lists the dossiers no other act lists yet.
    response = client.post(reverse("records_approvals:queue"), {"action": "create", "all": "1"})
    second = ApprovalAct.objects.exclude(pk=act.pk).get()
    assert response["Location"] == reverse("records_approvals:act", args=[second.pk])
    assert sorted(second.items.values_list("dossier_id", flat=True)) == ids(school["teachers"][1:])


def test_only_approvers_open_the_queue(school, client):
    url = reverse("records_approvals:queue")
    assert client.get(url).status_code == 302  # anonymous: the login page
    assert client.get(url)["Location"].startswith("/admin/login/")
    for user in (school["clerk"], school["person"], school["admin"]):
        response = login(user).get(url)
        assert response.status_code == 403
        assert "Trần Thị Đào" not in text(response)
    other = login(school["other_principal"]).get(url)
    assert other.status_code == 200 and "Trần Thị Đào" not in text(other)
    assert "Không có hồ sơ nào chờ bạn phê duyệt." in text(other)


def test_the_menu_shows_the_queue_to_approvers_and_the_acts_to_readers(school):
    queue, acts = (f'"url": "{reverse(name)}"' for name in ("records_approvals:queue", "records_approvals:acts"))
    principal = text(login(school["principal"]).get(reverse("wagtailadmin_home")))
    assert queue in principal and acts in principal
    clerk = text(login(school["clerk"]).get(reverse("wagtailadmin_home")))
    assert queue not in clerk and acts in clerk


def test_a_delegate_approves_with_the_capacity_shown(school, django_user_model):
    from portal.services.approvals import approval_delegation_create

    # The head of the organisation section: reads the school's dossiers (approval rules never widen that).
    deputy = django_user_model.objects.create_user(username="truong.to.tc", unit=school["truong"], first_name="Võ Bé")
    Grant.objects.create(user=deputy, role=Role.HR_CLERK, unit=school["truong"], starts_on=datetime.date(2025, 1, 1))
    today = timezone.localdate()
    approval_delegation_create(
        actor=school["principal"],
        delegator=school["principal"],
        delegate=deputy,
        unit=school["truong"],
        starts_on=today,
        ends_on=today,
        reason="Đi công tác",
    )
    response = login(django_user_model.objects.get(pk=deputy.pk)).get(reverse("records_approvals:queue"))
    assert response.status_code == 200
    assert f"Được Nguyễn Văn An ủy quyền đến ngày {today:%d/%m/%Y}" in text(response)
    assert len(response.context["table"].rows) == 3


# The queue page: 27 queries with 3 dossiers or 30 (session, user, permissions and grants; the
# approver's units and delegations, asked by the page and again by the selector; the selector's
# candidates, own dossier, rules, unit chain, approvers and delegations, pending versions and open
# acts; the window policy (twice) and override; Wagtail's locale and permission lookups; the session).
QUEUE_PAGE_QUERIES = 27


def test_the_queue_query_count_does_not_grow_with_the_dossiers(school, django_assert_max_num_queries):
    client = login(school["principal"])
    url = reverse("records_approvals:queue")
    client.get(url)  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for number in range(27):
        dossier = teacher(school["truong"], f"0870900002{number:02d}", f"Giáo viên số {number}")
        raise_step(dossier, school["clerk"], 4)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["table"].rows) == 30
    assert few <= QUEUE_PAGE_QUERIES
    with django_assert_max_num_queries(QUEUE_PAGE_QUERIES):
        client.get(url)


# -- creating an act, returning -------------------------------------------------------------------


def test_create_an_act_from_the_queue_then_its_page(school, settings):
    settings.HOSO_LOCAL_SIGNER_URL = "http://127.0.0.1:18987"
    client = login(school["principal"])
    response = client.post(reverse("records_approvals:queue"), {"action": "create", "dossier": ids(school["teachers"])})
    act = ApprovalAct.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("records_approvals:act", args=[act.pk])
    page = text(client.get(response["Location"]))
    assert f"Văn bản phê duyệt số {act.pk} gồm 3 hồ sơ; hãy ký số để công bố các hồ sơ này." in page
    assert "Chờ người phê duyệt ký số" in page
    for item in act.items.all():
        assert item.sha256 in page and item.dossier.personal_id in page
    assert "Ký số bằng thiết bị ký số" in page
    assert 'data-signer-url="http://127.0.0.1:18987"' in page
    assert reverse("records_approvals:act_sign_prepare", args=[act.pk]) in page
    assert "Hủy văn bản" in page
    assert "Bằng chứng thư số lưu trên máy chủ" not in page  # no credential registered
    today = f"{timezone.localdate():%d/%m/%Y}"
    if act.override:  # today is outside the window: the act records the override
        assert f"Ngoài thời gian phê duyệt, theo cho phép từ {today} đến {today} (Thử nghiệm)" in page
    else:
        assert "Trong thời gian phê duyệt" in page
    # The manifest is served as an attachment.
    manifest = client.get(reverse("records_approvals:act_manifest", args=[act.pk]))
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/pdf"
    assert manifest["Content-Disposition"] == f'attachment; filename="van-ban-phe-duyet-{act.pk}.pdf"'
    assert manifest.content == bytes(act.manifest)
    # No signed PDF yet.
    assert client.get(reverse("records_approvals:act_signed", args=[act.pk])).status_code == 404
    # The act list shows it.
    listing = text(client.get(reverse("records_approvals:acts")))
    assert f"Văn bản số {act.pk}" in listing and "Trường THPT Thành phố Cao Lãnh" in listing


def test_refused_dossiers_are_named_and_nothing_is_written(school):
    unchanged = teacher(school["truong"], "087090000127", "Đỗ Văn Đức")
    response = login(school["principal"]).post(
        reverse("records_approvals:queue"),
        {"action": "create", "dossier": [unchanged.pk, school["teachers"][0].pk]},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Chưa lập được văn bản phê duyệt:" in page
    assert "Đỗ Văn Đức (087090000127): không có thay đổi đã chấp nhận nào chờ phê duyệt." in page
    assert ApprovalAct.objects.count() == 0
    # The selection is kept for the next try.
    assert f'value="{school["teachers"][0].pk}" aria-label="Chọn" checked' in page
    # Another school's principal cannot list these teachers (and does not see them).
    response = login(school["other_principal"]).post(
        reverse("records_approvals:queue"), {"action": "create", "dossier": ids(school["teachers"][:1])}
    )
    assert "Trần Thị Đào (087090000124): bạn không có thẩm quyền phê duyệt hồ sơ này" not in text(response)
    assert "1 hồ sơ đã chọn không thuộc phạm vi của bạn hoặc không tồn tại." in text(response)
    assert ApprovalAct.objects.count() == 0


def test_returning_needs_a_reason(school):
    client = login(school["principal"])
    url = reverse("records_approvals:queue")
    dossier = school["teachers"][0]
    response = client.post(url, {"action": "return", "dossier": [dossier.pk], "reason": "  "})
    assert response.status_code == 200
    page = text(response)
    assert "Chưa trả lại hồ sơ nào:" in page
    assert "Nhập lý do trả lại; cán bộ tổ chức và người có hồ sơ sẽ thấy lý do này." in page
    assert DossierVersion.objects.get(dossier=dossier, number=2).status == VersionStatus.PENDING
    response = client.post(
        url, {"action": "return", "dossier": [dossier.pk], "reason": "Thiếu quyết định"}, follow=True
    )
    assert "Đã trả lại 1 hồ sơ kèm lý do của bạn." in text(response)
    assert DossierVersion.objects.get(dossier=dossier, number=2).status == VersionStatus.RETURNED
    assert [e.dossier.pk for e in response.context["table"].rows.data] == ids(school["teachers"][1:])


# -- the act page: who may read it ---------------------------------------------------------------


def test_the_act_and_its_pdfs_only_for_its_readers(school):
    act = new_act(school)
    urls = [reverse(name, args=[act.pk]) for name in ("records_approvals:act", "records_approvals:act_manifest")]
    for url in urls:
        # Another school's approver guessing the URL: as if it did not exist.
        response = login(school["other_principal"]).get(url)
        assert response.status_code == 404 and "Trần Thị Đào" not in text(response)
        assert login(school["person"]).get(url).status_code == 403
        assert login(school["clerk"]).get(url).status_code == 200  # the unit's clerk reads the act
    clerk_page = text(login(school["clerk"]).get(urls[0]))
    assert "Ký số bằng thiết bị ký số" not in clerk_page  # only the approver signs
    progress = login(school["other_principal"]).get(reverse("records_approvals:act_progress", args=[act.pk]))
    assert progress.status_code == 404 and progress.json() == {"errors": ["Văn bản phê duyệt này không tồn tại."]}


# -- signing with a credential the server holds ---------------------------------------------------


def test_sign_with_the_approvers_server_held_credential_then_publish(school, pki, trusted, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    credential = signing_credential_register(
        actor=school["admin"],
        kind="pkcs12",
        label="Chữ ký số Hiệu trưởng",
        signer_role="Hiệu trưởng",
        user=school["principal"],
        pkcs12=pki.person.pkcs12(PASSPHRASE),
        passphrase_env=PASSPHRASE_ENV,
    )
    act = new_act(school)
    client = login(school["principal"])
    url = reverse("records_approvals:act", args=[act.pk])
    page = text(client.get(url))
    assert f'<option value="{credential.pk}">Chữ ký số Hiệu trưởng — Hiệu trưởng' in page
    # A choice that is not offered: refused, nothing signed.
    response = client.post(reverse("records_approvals:act_sign", args=[act.pk]), {"credential": "999999"}, follow=True)
    assert "Hãy chọn một trong các chứng thư số được liệt kê." in text(response)
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE
    # The clerk may read the act but not sign it.
    refused = login(school["clerk"]).post(
        reverse("records_approvals:act_sign", args=[act.pk]), {"credential": credential.pk}
    )
    assert refused.status_code == 403
    assert "Chỉ người phê duyệt đã lập văn bản này mới được ký hoặc hủy." in text(refused)

    response = client.post(reverse("records_approvals:act_sign", args=[act.pk]), {"credential": credential.pk})
    assert response.status_code == 302 and response["Location"] == url
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.PUBLISHING and act.signing_backend == "Pkcs12Signer"
    verification = pdf_verify(bytes(act.signed_pdf))
    assert verification.ok, verification.messages
    # While publishing: the progress bar and its endpoint.
    page = text(client.get(url))
    assert "Văn bản đã được ký số; các hồ sơ đang được công bố." in page
    assert reverse("records_approvals:act_progress", args=[act.pk]) in page and "<progress" in page
    assert "Đang công bố: đã xử lý 0/3 hồ sơ." in page
    progress = client.get(reverse("records_approvals:act_progress", args=[act.pk])).json()
    assert (progress["status"], progress["done"], progress["total"], progress["finished"]) == (
        "publishing",
        0,
        3,
        False,
    )
    signed = client.get(reverse("records_approvals:act_signed", args=[act.pk]))
    assert signed["Content-Disposition"] == f'attachment; filename="van-ban-phe-duyet-{act.pk}-da-ky.pdf"'
    assert signed.content == bytes(act.signed_pdf)

    # A change arrives for one teacher before publication: that dossier is not published.
    raise_step(school["teachers"][1], school["clerk"], 5)
    approval_act_publish(act_id=act.pk)
    progress = client.get(reverse("records_approvals:act_progress", args=[act.pk])).json()
    assert (progress["finished"], progress["published"], progress["percent"]) == (True, 2, 100)
    page = text(client.get(url))
    assert "Đã công bố: 2 hồ sơ. Không công bố: 1 hồ sơ." in page
    assert "Hồ sơ đã thay đổi sau khi được đưa vào danh sách (danh sách ghi phiên bản 2, hiện là phiên bản 3)" in page
    assert "<progress" not in page and "Ký số bằng thiết bị ký số" not in page


# -- signing through the browser's signing service: the JSON endpoints ----------------------------


def test_the_signing_endpoints_refuse_and_write_nothing_then_sign(school, pki, trusted):
    act = new_act(school)
    prepare = reverse("records_approvals:act_sign_prepare", args=[act.pk])
    complete = reverse("records_approvals:act_sign_complete", args=[act.pk])
    identity = {
        "certificate": base64.b64encode(pki.person.der).decode(),
        "chain": [base64.b64encode(der).decode() for der in pki.person.chain_der],
    }
    # A reader who is not the act's approver, and another school's approver.
    refused = post_json(login(school["clerk"]), prepare, identity)
    assert refused.status_code == 403
    assert refused.json() == {"errors": ["Chỉ người phê duyệt đã lập văn bản này mới được ký hoặc hủy."]}
    assert post_json(login(school["other_principal"]), prepare, identity).status_code == 404
    assert PendingSignature.objects.count() == 0
    # Only POST.
    client = login(school["principal"])
    assert client.get(prepare).status_code == 405
    # Nonsense in, Vietnamese out.
    bad = client.post(prepare, data="{not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json() == {"errors": ["Yêu cầu gửi lên không phải JSON hợp lệ."]}
    bad = post_json(client, prepare, {"certificate": "***"})
    assert bad.json() == {"errors": ["Phần mềm ký số gửi về chứng thư số không đúng định dạng base64."]}
    untrusted = post_json(client, prepare, {"certificate": base64.b64encode(pki.rogue.der).decode()})
    assert untrusted.status_code == 400 and untrusted.json()["errors"]
    assert PendingSignature.objects.count() == 0

    prepared = post_json(client, prepare, identity)
    assert prepared.status_code == 200
    data = prepared.json()
    assert set(data) == {"pending_id", "digest", "digest_algorithm"}
    assert data["digest_algorithm"] == "sha256" and re.fullmatch(r"[0-9a-f]{64}", data["digest"])

    # A signature made with another key: refused with the message, nothing written.
    wrong = sign_digest(private_key_pem=pki.other_person.key_pem, digest=data["digest"])
    response = post_json(
        client, complete, {"pending_id": data["pending_id"], "signature": base64.b64encode(wrong).decode()}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            "Chữ ký không được tạo bằng khóa của chứng thư số của Nguyễn Văn An: hãy kiểm tra đã cắm đúng token chưa."
        ]
    }
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE and act.signed_pdf is None
    assert PendingSignature.objects.get().used_at is None
    bad_id = post_json(client, complete, {"pending_id": "not-a-uuid", "signature": "AAAA"})
    assert bad_id.json() == {"errors": ["Yêu cầu ký này không tồn tại; hãy chuẩn bị lại tài liệu."]}
    # The clerk cannot complete the approver's signature either.
    right = base64.b64encode(sign_digest(private_key_pem=pki.person.key_pem, digest=data["digest"])).decode()
    assert (
        post_json(login(school["clerk"]), complete, {"pending_id": data["pending_id"], "signature": right}).status_code
        == 403
    )
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE

    done = post_json(client, complete, {"pending_id": data["pending_id"], "signature": right})
    assert done.status_code == 200
    assert done.json() == {"status": "publishing", "redirect": reverse("records_approvals:act", args=[act.pk])}
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.PUBLISHING and act.signing_backend == "external"
    assert pdf_verify(bytes(act.signed_pdf)).ok
    # The same signature again: the act no longer awaits one.
    replay = post_json(client, complete, {"pending_id": data["pending_id"], "signature": right})
    assert replay.status_code == 400 and replay.json()["errors"]


def test_the_signing_endpoints_need_the_csrf_token(school, pki, trusted):
    act = new_act(school)
    client = Client(enforce_csrf_checks=True)
    client.force_login(school["principal"])
    response = post_json(
        client,
        reverse("records_approvals:act_sign_prepare", args=[act.pk]),
        {"certificate": base64.b64encode(pki.person.der).decode()},
    )
    assert response.status_code == 403
    assert PendingSignature.objects.count() == 0


# -- cancelling ----------------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_frees_the_dossiers(school):
    act = new_act(school)
    client = login(school["principal"])
    cancel = reverse("records_approvals:act_cancel", args=[act.pk])
    response = client.post(cancel, {"reason": " "}, follow=True)
    assert "Văn bản chưa được hủy:" in text(response)
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE
    assert login(school["clerk"]).post(cancel, {"reason": "Nhầm"}).status_code == 403
    response = client.post(cancel, {"reason": "Chọn nhầm hồ sơ"}, follow=True)
    assert "Văn bản đã bị hủy; các hồ sơ có thể được đưa vào văn bản phê duyệt khác." in text(response)
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.CANCELLED and act.cancelled_reason == "Chọn nhầm hồ sơ"
    assert set(act.items.values_list("outcome", flat=True)) == {ApprovalItemOutcome.SKIPPED}
    assert set(Dossier.objects.filter(pk__in=ids(school["teachers"])).values_list("live_version", flat=True)) == {1}
    assert "Ký số bằng thiết bị ký số" not in text(client.get(reverse("records_approvals:act", args=[act.pk])))


# -- query counts of the act pages ---------------------------------------------------------------

# The act list: 16 queries (the scope's own-acts lookup, count, page; the approver's units for the
# queue link come from the request's cached grants); an act's page: 19 (the own-acts lookup, the act,
# its override, the items' count and page, the two lists of server-held credentials); both besides the
# session, user, grants and Wagtail's lookups.
ACT_LIST_QUERIES = 16
ACT_PAGE_QUERIES = 19


def test_the_act_list_and_page_queries_do_not_grow_with_acts_and_dossiers(school, django_assert_max_num_queries):
    client = login(school["principal"])
    first = new_act(school, school["teachers"][:1])
    listing, page = reverse("records_approvals:acts"), reverse("records_approvals:act", args=[first.pk])
    client.get(listing)  # warm the session

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = (queries(listing), queries(page))
    more = []
    for number in range(12):
        more.append(teacher(school["truong"], f"0870900003{number:02d}", f"Giáo viên số {number}"))
        raise_step(more[-1], school["clerk"], 4)
        cancelled = new_act(school, more[-1:])
        approval_act_cancel(act_id=cancelled.pk, actor=school["principal"], reason="Lập lại")
    bigger = new_act(school, [*school["teachers"][1:], *more])
    with django_assert_max_num_queries(few[0]):
        response = client.get(listing)
    assert len(response.context["table"].rows) == 14
    with django_assert_max_num_queries(few[1]):
        response = client.get(reverse("records_approvals:act", args=[bigger.pk]))
    assert len(response.context["table"].rows) == 14
    assert few == (ACT_LIST_QUERIES, ACT_PAGE_QUERIES)
