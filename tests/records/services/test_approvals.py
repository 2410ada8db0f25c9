"""The monthly approval act: list → sign → publish exactly the listed versions."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError

from portal.services.approvals import ApprovalOutsideWindow, approval_override_grant
from portal.services.fields.definitions import field_definition_save
from portal.signing.backends import Pkcs12Signer
from portal.signing.reference_client import sign_digest
from portal.signing.verify import pdf_verify
from records.choices import ApprovalActStatus, ApprovalItemOutcome, VersionStatus
from records.models import ApprovalAct, Dossier, DossierVersion
from records.services.approvals import (
    ApprovalActPermissionDenied,
    approval_act_cancel,
    approval_act_create,
    approval_act_publish,
    approval_act_sign,
    approval_act_signature_complete,
    approval_act_signature_prepare,
)
from records.services.dossiers import dossier_change
from tests.records.services.conftest import IN_WINDOW, OUTSIDE, raise_step, teacher


def ids(dossiers):
    return [d.pk for d in dossiers]


def test_listed_versions_signed_and_published_exactly(school, teachers, seal_signer):
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=IN_WINDOW)
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE
    assert (act.unit, act.total, act.approver_title) == (school["truong"], 3, "Thủ trưởng đơn vị sự nghiệp công lập")
    items = list(act.items.order_by("dossier__name_sort_key"))
    assert [(i.number, i.outcome) for i in items] == [(2, ApprovalItemOutcome.LISTED)] * 3
    for item in items:
        assert item.sha256 == DossierVersion.objects.get(dossier=item.dossier, number=2).sha256
    manifest = bytes(act.manifest)
    assert manifest.startswith(b"%PDF") and hashlib.sha256(manifest).hexdigest() == act.manifest_sha256
    # Nothing is live before the signature.
    assert set(Dossier.objects.filter(pk__in=ids(teachers)).values_list("live_version", flat=True)) == {1}

    # A change arrives for one teacher after the listing: that dossier must not be published by this act.
    late = teachers[1]
    raise_step(late, school["clerk"], 5)

    act = approval_act_sign(act_id=act.pk, actor=school["principal"], signer=seal_signer)
    assert act.status == ApprovalActStatus.PUBLISHING
    signed = bytes(act.signed_pdf)
    assert signed.startswith(manifest)  # an incremental update of exactly the manifest
    verification = pdf_verify(signed)
    assert verification.ok, verification.messages
    assert verification.signatures[0].signer_name == "Nguyễn Văn An"

    act = approval_act_publish(act_id=act.pk)
    assert (act.status, act.done, act.published_count) == (ApprovalActStatus.PUBLISHED, 3, 2)
    live = {
        d.pk: (d.live_version, d.latest_version, d.salary_step) for d in Dossier.objects.filter(pk__in=ids(teachers))
    }
    assert live[teachers[0].pk] == (2, 2, 4)
    assert live[teachers[2].pk] == (2, 2, 4)
    assert live[late.pk] == (1, 3, 3)  # untouched: still the approved version 1
    skipped = act.items.get(dossier=late)
    assert skipped.outcome == ApprovalItemOutcome.SKIPPED
    assert skipped.note == (
        "Hồ sơ đã thay đổi sau khi được đưa vào danh sách (danh sách ghi phiên bản 2, hiện là phiên bản 3): "
        "cần phê duyệt lại."
    )
    published = DossierVersion.objects.get(dossier=teachers[0], number=2)
    assert (published.status, published.published_by) == (VersionStatus.PUBLISHED, school["principal"])
    # Publishing again changes nothing.
    assert approval_act_publish(act_id=act.pk).published_count == 2


def test_pdfsig_reports_the_approval_signature_valid(school, teachers, seal_signer):
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig is missing (Debian package 'poppler-utils')")
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=IN_WINDOW)
    act = approval_act_sign(act_id=act.pk, actor=school["principal"], signer=seal_signer)
    from portal.signing.pdfsig import pdfsig_signatures

    signatures = pdfsig_signatures(bytes(act.signed_pdf))
    assert len(signatures) == 1
    assert signatures[0]["Signature Validation"] == "Signature is Valid."


def test_interrupted_signing_with_the_reference_client(school, teachers, pki, trusted):
    principal = school["principal"]
    act = approval_act_create(approver=principal, dossier_ids=ids(teachers[:2]), on=IN_WINDOW)
    pending = approval_act_signature_prepare(
        act_id=act.pk, actor=principal, certificate_der=pki.person.der, chain_der=pki.person.chain_der
    )
    signature = sign_digest(private_key_pem=pki.person.key_pem, digest=pending.digest)
    act = approval_act_signature_complete(
        act_id=act.pk, actor=principal, pending_id=pending.pk, signature=base64.b64encode(signature).decode()
    )
    assert act.status == ApprovalActStatus.PUBLISHING and act.signing_backend == "external"
    assert pdf_verify(bytes(act.signed_pdf)).ok
    assert approval_act_publish(act_id=act.pk).published_count == 2


def test_a_signature_made_for_another_act_is_refused(school, teachers, pki, trusted):
    principal = school["principal"]
    first = approval_act_create(approver=principal, dossier_ids=ids(teachers[:1]), on=IN_WINDOW)
    second = approval_act_create(approver=principal, dossier_ids=ids(teachers[1:2]), on=IN_WINDOW)
    pending = approval_act_signature_prepare(
        act_id=first.pk, actor=principal, certificate_der=pki.person.der, chain_der=pki.person.chain_der
    )
    signature = sign_digest(private_key_pem=pki.person.key_pem, digest=pending.digest)
    with pytest.raises(ValidationError):  # replayed onto the second act
        approval_act_signature_complete(act_id=second.pk, actor=principal, pending_id=pending.pk, signature=signature)
    # A signature by a key other than the certificate's is refused.
    wrong = sign_digest(private_key_pem=pki.other_person.key_pem, digest=pending.digest)
    with pytest.raises(ValidationError):
        approval_act_signature_complete(act_id=first.pk, actor=principal, pending_id=pending.pk, signature=wrong)
    for act in (first, second):
        act.refresh_from_db()
        assert act.status == ApprovalActStatus.AWAITING_SIGNATURE and act.signed_pdf is None
    assert set(Dossier.objects.filter(pk__in=ids(teachers)).values_list("live_version", flat=True)) == {1}
    # The right signature still completes the first act; used once, it cannot be replayed.
    approval_act_signature_complete(act_id=first.pk, actor=principal, pending_id=pending.pk, signature=signature)
    with pytest.raises(ValidationError):
        approval_act_signature_complete(act_id=first.pk, actor=principal, pending_id=pending.pk, signature=signature)


def test_untrusted_or_expired_certificates_are_refused(school, teachers, pki, trusted):
    principal = school["principal"]
    act = approval_act_create(approver=principal, dossier_ids=ids(teachers[:1]), on=IN_WINDOW)
    for identity in (pki.rogue, pki.expired, pki.no_signing_usage):
        with pytest.raises(ValidationError):
            approval_act_sign(act_id=act.pk, actor=principal, signer=Pkcs12Signer(identity.pkcs12("x"), "x"))
    act.refresh_from_db()
    assert act.status == ApprovalActStatus.AWAITING_SIGNATURE and act.signed_pdf is None


def test_approving_outside_ones_authority_is_refused_and_nothing_is_listed(school, teachers):
    # Another school's principal, the department's director, a clerk: none approves these teachers.
    for user in (school["other_principal"], school["director"], school["clerk"]):
        with pytest.raises(ValidationError) as error:
            approval_act_create(approver=user, dossier_ids=ids(teachers), on=IN_WINDOW)
        assert error.value.messages
    error_text = " ".join(error.value.messages)
    assert "Trần Thị Đào (087090000124)" in error_text
    assert ApprovalAct.objects.count() == 0
    # The director sees the teachers (his grant covers the school) but the rules give them to the principal.
    with pytest.raises(ValidationError) as error:
        approval_act_create(approver=school["director"], dossier_ids=ids(teachers[:1]), on=IN_WINDOW)
    assert error.value.messages == [
        "Trần Thị Đào (087090000124): bạn không có thẩm quyền phê duyệt hồ sơ này; hồ sơ do "
        "Thủ trưởng đơn vị sự nghiệp công lập của Trường THPT Thành phố Cao Lãnh phê duyệt."
    ]


def test_dossiers_without_pending_changes_or_out_of_scope_are_named(school, teachers):
    unchanged = teacher(school["truong"], "087090000127", "Đỗ Văn Đức")
    elsewhere = teacher(school["other"], "087090000128", "Võ Thị Ửng")
    raise_step(elsewhere, school["clerk_other"], 4)
    with pytest.raises(ValidationError) as error:
        approval_act_create(approver=school["principal"], dossier_ids=[unchanged.pk, elsewhere.pk], on=IN_WINDOW)
    assert error.value.messages == [
        "1 hồ sơ đã chọn không thuộc phạm vi của bạn hoặc không tồn tại.",
        "Đỗ Văn Đức (087090000127): không có thay đổi đã chấp nhận nào chờ phê duyệt.",
    ]
    assert ApprovalAct.objects.count() == 0


def test_outside_the_window_needs_the_override_which_the_act_records(school, teachers, admin_user):
    with pytest.raises(ApprovalOutsideWindow):
        approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=OUTSIDE)
    assert ApprovalAct.objects.count() == 0
    override = approval_override_grant(
        actor=admin_user, unit=school["giao_duc"], starts_on=OUTSIDE, ends_on=OUTSIDE, reason="Thi tuyển viên chức"
    )
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=OUTSIDE)
    assert act.override == override


def test_only_the_approver_signs_or_cancels_and_a_cancelled_act_publishes_nothing(school, teachers, seal_signer):
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=IN_WINDOW)
    with pytest.raises(ApprovalActPermissionDenied):
        approval_act_sign(act_id=act.pk, actor=school["director"], signer=seal_signer)
    with pytest.raises(ValidationError):
        approval_act_cancel(act_id=act.pk, actor=school["principal"], reason=" ")
    act = approval_act_cancel(act_id=act.pk, actor=school["principal"], reason="Chọn nhầm")
    assert act.status == ApprovalActStatus.CANCELLED
    with pytest.raises(ValidationError):
        approval_act_sign(act_id=act.pk, actor=school["principal"], signer=seal_signer)
    assert approval_act_publish(act_id=act.pk).published_count == 0
    assert set(Dossier.objects.filter(pk__in=ids(teachers)).values_list("live_version", flat=True)) == {1}


def test_manifest_text_lists_every_version_and_hash(school, teachers):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (Debian package 'poppler-utils')")
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=IN_WINDOW)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=bytes(act.manifest), capture_output=True, check=True
    ).stdout.decode()
    assert "TRƯỜNG THPT THÀNH PHỐ CAO LÃNH" in text
    assert "tháng 12/2026" in text
    assert "Nguyễn Văn An" in text
    for item in act.items.all():
        assert item.sha256 in text
        assert item.dossier.personal_id in text


def test_returning_changes_keeps_the_live_dossier_and_tells_the_person(school, teachers):
    from records.choices import DeclarationStatus, VersionSource
    from records.models import Declaration
    from records.services.approvals import approval_return

    with pytest.raises(ValidationError) as error:
        approval_return(approver=school["principal"], dossier_ids=ids(teachers[:1]), reason="")
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError):  # not his to return
        approval_return(approver=school["director"], dossier_ids=ids(teachers[:1]), reason="Sai bậc")
    # A declaration accepted by the clerk, then returned by the approver: the person sees why.
    dossier = teachers[0]
    declaration = Declaration.objects.create(
        dossier=dossier,
        section="salary",
        proposed={},
        base_version=1,
        base_sha256="",
        status=DeclarationStatus.ACCEPTED,
        result_version=DossierVersion.objects.get(dossier=dossier, number=2),
    )
    assert (
        approval_return(
            approver=school["principal"],
            dossier_ids=ids(teachers[:1]),
            reason="Chưa có quyết định nâng bậc",
            on=OUTSIDE,
        )
        == 1
    )
    versions = {v.number: v for v in DossierVersion.objects.filter(dossier=dossier)}
    assert versions[2].status == VersionStatus.RETURNED
    assert (versions[3].status, versions[3].source) == (VersionStatus.PUBLISHED, VersionSource.RETURN)
    assert versions[3].content == versions[1].content and versions[3].sha256 == versions[1].sha256
    assert versions[3].reason == "Người phê duyệt trả lại: Chưa có quyết định nâng bậc"
    live = Dossier.objects.get(pk=dossier.pk)
    assert (live.live_version, live.latest_version, live.salary_step) == (3, 3, 3)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.review_reason) == (
        DeclarationStatus.RETURNED,
        "Người phê duyệt trả lại: Chưa có quyết định nâng bậc",
    )
    # Nothing is left to approve for that dossier; the next change starts from the approved content.
    with pytest.raises(ValidationError):
        approval_act_create(approver=school["principal"], dossier_ids=ids(teachers[:1]), on=IN_WINDOW)
    assert raise_step(dossier, school["clerk"], 5).number == 4


def test_the_queue_shows_only_what_the_approver_may_approve(school, teachers, django_assert_max_num_queries):
    from records.selectors_approvals import approval_queue

    elsewhere = teacher(school["other"], "087090000128", "Võ Thị Ửng")
    raise_step(elsewhere, school["clerk_other"], 4)
    teacher(school["truong"], "087090000127", "Đỗ Văn Đức")  # no change: not in the queue
    with django_assert_max_num_queries(12):
        queue = approval_queue(user=school["principal"], on=IN_WINDOW)
    assert sorted(e.dossier.personal_id for e in queue) == ["087090000124", "087090000125", "087090000126"]
    assert all(e.sections == ["salary"] and [v.number for v in e.versions] == [2] for e in queue)
    assert [e.dossier.personal_id for e in approval_queue(user=school["other_principal"], on=IN_WINDOW)] == [
        "087090000128"
    ]
    # The director reads these dossiers but approves none of them; a clerk approves nothing.
    assert approval_queue(user=school["director"], on=IN_WINDOW) == []
    assert approval_queue(user=school["clerk"], on=IN_WINDOW) == []
    # Once listed in an act awaiting the signature, the entry says so and cannot be listed again.
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers[:1]), on=IN_WINDOW)
    entry = next(e for e in approval_queue(user=school["principal"], on=IN_WINDOW) if e.dossier.pk == teachers[0].pk)
    assert entry.open_act == act.pk
    with pytest.raises(ValidationError) as error:
        approval_act_create(approver=school["principal"], dossier_ids=ids(teachers[:1]), on=IN_WINDOW)
    assert error.value.messages == [
        f"Trần Thị Đào (087090000124) đã nằm trong văn bản phê duyệt số {act.pk} (đang chờ ký số hoặc đang công bố)."
    ]


def test_a_unique_value_published_meanwhile_for_another_dossier_is_not_published(school, teachers, seal_signer):
    # Two pending changes give two teachers the same party card: each was checked alone against the
    # live dossiers, where nobody held it yet. The act publishes the first and holds back the second.
    field_definition_save(
        values={"target": "dossier", "key": "so_the", "label": "Số thẻ đảng", "field_type": "text", "unique": True}
    )
    first, second, third = teachers
    for person, card in ((first, "T-9"), (second, "T-9"), (third, "T-7")):
        dossier_change(
            dossier=person,
            sections={"custom": {"so_the": card}},
            actor=school["clerk"],
            expected_version=Dossier.objects.get(pk=person.pk).latest_version,
        )
    act = approval_act_create(approver=school["principal"], dossier_ids=ids(teachers), on=IN_WINDOW)
    first_listed = act.items.order_by("id").first().dossier_id
    act = approval_act_sign(act_id=act.pk, actor=school["principal"], signer=seal_signer)
    act = approval_act_publish(act_id=act.pk)
    assert (act.status, act.done, act.published_count) == (ApprovalActStatus.PUBLISHED, 3, 2)
    cards = dict(Dossier.objects.filter(pk__in=ids(teachers)).values_list("pk", "custom_fields"))
    held_back = second.pk if first_listed == first.pk else first.pk
    winner = first if held_back == second.pk else second
    assert cards[winner.pk] == {"so_the": "T-9"} and cards[third.pk] == {"so_the": "T-7"}
    assert cards[held_back] == {}
    item = act.items.get(dossier_id=held_back)
    assert item.outcome == ApprovalItemOutcome.SKIPPED
    assert item.note == (
        f"'Số thẻ đảng' T-9 nay đã thuộc về {Dossier.objects.get(pk=winner.pk)}, được công bố sau khi phiên bản "
        "này được kiểm tra: không công bố; hãy sửa một trong hai hồ sơ rồi phê duyệt lại."
    )
