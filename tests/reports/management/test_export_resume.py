"""`manage.py export_resume`: writes a verifiable résumé through the export services (recorded),
and fails with a Vietnamese message (a non-zero exit status) on any refusal."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.choices import Role
from portal.signing.verify import pdf_verify
from reports.models import ResumeExport
from tests.permissions import make_account
from tests.records.factories import PERSONAL_ID

pytestmark = pytest.mark.django_db


def run(*args) -> None:
    call_command("export_resume", *args)


def test_signed_export_as_a_clerk_writes_a_verifiable_file(signing, trusted_root, tmp_path, capsys):
    out = tmp_path / "syll.pdf"
    run(
        "--id",
        PERSONAL_ID,
        "--sign",
        "--signer",
        "Giám đốc Sở Nội vụ",
        "--seal",
        str(signing["seal_credential"].pk),
        "--out",
        str(out),
        "--as",
        "canbo.snv",
    )
    data = out.read_bytes()
    verification = pdf_verify(data)
    assert verification.ok and [r.field_name for r in verification.signatures] == ["NguoiCoThamQuyen", "DauCoQuan"]
    export = ResumeExport.objects.get()
    assert (export.signed, export.channel, export.exported_by, export.version_number) == (
        True,
        "command",
        signing["clerk"],
        1,
    )
    assert export.pdf_sha256 == hashlib.sha256(data).hexdigest()
    message = capsys.readouterr().out
    assert f"sơ yếu lý lịch của Nguyễn Văn Thắng ({PERSONAL_ID}), phiên bản 1, có chữ ký số của " in message
    assert "Nguyễn Văn An (Giám đốc), Sở Nội vụ tỉnh Đồng Tháp (Con dấu cơ quan)" in message
    assert export.pdf_sha256 in message


def test_unsigned_export_by_the_system(signing, tmp_path):
    out = tmp_path / "syll.pdf"
    run("--id", PERSONAL_ID, "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    export = ResumeExport.objects.get()
    assert (export.signed, export.exported_by, export.exported_by_name, export.channel) == (False, None, "", "command")


def test_the_system_signs_with_an_approver_credential(signing, trusted_root, tmp_path):
    out = tmp_path / "syll.pdf"
    person, seal = signing["person_credential"].pk, signing["seal_credential"].pk
    run("--id", PERSONAL_ID, "--sign", "--signer", str(person), "--seal", str(seal), "--out", str(out))
    assert pdf_verify(out.read_bytes()).ok
    assert ResumeExport.objects.get().exported_by is None


def test_refusals_exit_non_zero_with_a_message(signing, province, trusted_root, tmp_path):
    out = str(tmp_path / "syll.pdf")
    with pytest.raises(CommandError) as unknown:
        run("--id", "087090999999", "--out", out)
    assert str(unknown.value) == (
        "Không có hồ sơ nào có số định danh cá nhân 087090999999 (hoặc hồ sơ nằm ngoài phạm vi của bạn)."
    )
    make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    with pytest.raises(CommandError) as out_of_scope:
        run("--id", PERSONAL_ID, "--out", out, "--as", "canbo.stc")
    assert str(out_of_scope.value) == unknown.value.args[0].replace("087090999999", PERSONAL_ID)
    with pytest.raises(CommandError) as no_account:
        run("--id", PERSONAL_ID, "--out", out, "--as", "khong.co")
    assert str(no_account.value) == "Không có tài khoản đang hoạt động 'khong.co'."
    with pytest.raises(CommandError) as missing_seal:
        run("--id", PERSONAL_ID, "--sign", "--signer", "Giám đốc Sở Nội vụ", "--out", out)
    assert str(missing_seal.value) == "--sign cần --signer và --seal (mã số hoặc nhãn của khóa ký số)."
    with pytest.raises(CommandError) as unknown_credential:
        run("--id", PERSONAL_ID, "--sign", "--signer", "Không tồn tại", "--seal", "9999", "--out", out)
    assert str(unknown_credential.value) == "Không có khóa ký số nào có mã số hoặc nhãn 'Không tồn tại' (--signer)."
    with pytest.raises(CommandError) as approver:
        run(
            "--id", PERSONAL_ID, "--sign", "--signer", "Giám đốc Sở Nội vụ", "--seal", "Con dấu Sở Nội vụ",
            "--out", out, "--as", "giamdoc.snv",
        )  # fmt: skip
    assert str(approver.value).startswith("Chỉ cán bộ tổ chức, quản trị đơn vị hoặc quản trị hệ thống")
    with pytest.raises(CommandError) as pending:
        run(
            "--id", PERSONAL_ID, "--version", "2", "--sign", "--signer", "Giám đốc Sở Nội vụ",
            "--seal", "Con dấu Sở Nội vụ", "--out", out,
        )  # fmt: skip
    assert str(pending.value) == f"Hồ sơ {PERSONAL_ID} không có phiên bản 2."
    assert not ResumeExport.objects.exists()
    assert not (tmp_path / "syll.pdf").exists()
