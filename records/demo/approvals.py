"""The "approvals" step of ``seed_demo``: the monthly approval ready to try in the demo province.

1. The shipped approval rules (Đồng Tháp QĐ 37/2024 Điều 11), as editable rows.
2. A throwaway CA (``portal.signing.demo_pki``): its root as a trust root; the demo approver's
   certificate as an external credential (the key is in ``var/demo-signing/``, used by the
   reference local signing service that ``make run`` starts); the department's seal as a
   PKCS#12 credential (passphrase in ``HOSO_DEMO_SEAL_PASSPHRASE``).
3. A dozen accepted changes (a health check-up, item 31) in the department's civil servants,
   entered by the demo clerk, so the approver's queue is not empty.
Rerunning adds nothing that is already there.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F

from portal.models import Unit
from portal.models.signing import SigningCredential, TrustRoot
from portal.selectors_approvals.authority import ApprovalResolver
from portal.services.approvals import approval_rules_load_default
from portal.services.signing import signing_credential_register, trust_root_upload
from portal.signing.certificates import certificate_info, load_certificate
from portal.signing.demo_pki import SEAL_PASSPHRASE_ENV, demo_pki_ensure
from records.models import Dossier
from records.services.dossiers import dossier_change

APPROVER = "giamdoc.sgddt"  # portal.demo.DEMO_ACCOUNTS
CLERK = "canbo.sgddt"
PENDING_CHANGES = 12


def seed_approvals(context) -> None:
    approval_rules_load_default()
    users = get_user_model().objects.filter(username__in=[APPROVER, CLERK]).select_related("unit")
    accounts = {user.username: user for user in users}
    approver, clerk = accounts.get(APPROVER), accounts.get(CLERK)
    if approver is None or clerk is None or approver.unit is None:
        return
    department: Unit = approver.unit
    paths = demo_pki_ensure(
        person_name=approver.get_full_name() or approver.username,
        organization=department.name,
        seal_name=department.name,
    )
    root = load_certificate(paths["root"].read_bytes())
    if not TrustRoot.objects.filter(fingerprint_sha256=certificate_info(root).fingerprint_sha256).exists():
        trust_root_upload(actor=None, certificate=paths["root"].read_bytes(), name="CA gốc demo (không dùng thật)")
    if not SigningCredential.objects.filter(user=approver).exists():
        signing_credential_register(
            actor=None,
            kind="external",
            label=f"Chứng thư số của {approver.get_full_name()} (demo, ký qua dịch vụ ký số cục bộ)",
            signer_role="Giám đốc",
            user=approver,
            certificate=paths["person_cert"].read_bytes(),
        )
    if not SigningCredential.objects.filter(unit=department).exists():
        signing_credential_register(
            actor=None,
            kind="pkcs12",
            label=f"Con dấu {department.name} (demo)",
            signer_role="Con dấu cơ quan",
            unit=department,
            pkcs12=paths["seal_p12"].read_bytes(),
            passphrase_env=SEAL_PASSPHRASE_ENV,
        )
    _pending_changes(approver, clerk, department)
    context.log("Phê duyệt mẫu: quy tắc thẩm quyền, chứng thư số demo và hồ sơ chờ phê duyệt đã sẵn sàng.")


def _pending_changes(approver, clerk, department: Unit) -> None:
    in_department = Dossier.objects.filter(unit_path__startswith=department.path)
    if in_department.filter(latest_version__gt=F("live_version")).exists():
        return
    resolver = ApprovalResolver()
    made = 0
    for dossier in in_department.select_related("unit").order_by("pk").iterator():
        if made >= PENDING_CHANGES:
            break
        if resolver.approver(approver, dossier) is None:
            continue
        dossier_change(
            dossier=dossier,
            sections={"health": {"health_status": "Tốt", "height_cm": 165, "weight_kg": 58, "blood_group": "O"}},
            actor=clerk,
            expected_version=dossier.latest_version,
            reason="Cập nhật kết quả khám sức khỏe định kỳ",
        )
        made += 1
