"""`manage.py verify_pdf FILE.pdf`: exit 0 only when every signature is intact and trusted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.signing.backends import Pkcs12Signer
from tests.portal.signing.conftest import make_pdf
from tests.portal.signing.helpers import append_content_update, raw_sign

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def two_signatures(pki) -> bytes:
    person = Pkcs12Signer(pki.person.pkcs12("x"), "x", role="Giám đốc")
    seal = Pkcs12Signer(pki.seal.pkcs12("x"), "x", role="Con dấu cơ quan")
    signed = person.sign_pdf(make_pdf(), field_name="NguoiKy", reason="Ký duyệt", timestamp_url="")
    return seal.sign_pdf(signed, field_name="ConDau", reason="Đóng dấu", timestamp_url="")


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_every_signature_intact_and_trusted(two_signatures, trusted_root, tmp_path, capsys):
    call_command("verify_pdf", write(tmp_path, "hoso.pdf", two_signatures))
    out = capsys.readouterr().out
    assert "Chữ ký 1 (trường NguoiKy): Nguyễn Văn An" in out
    assert "Chữ ký 2 (trường ConDau): Sở Nội vụ tỉnh Đồng Tháp" in out
    assert "  Vai trò: Giám đốc" in out and "  Vai trò: Con dấu cơ quan" in out
    assert "  Toàn vẹn: có" in out and "  Tin cậy: có" in out
    assert out.rstrip().endswith("hoso.pdf: cả 2 chữ ký đều toàn vẹn và tin cậy.")


def test_untrusted_without_a_trust_root(two_signatures, tmp_path, capsys):
    with pytest.raises(CommandError) as failed:
        call_command("verify_pdf", write(tmp_path, "hoso.pdf", two_signatures))
    assert str(failed.value) == "hoso.pdf: KHÔNG phải mọi chữ ký đều toàn vẹn và tin cậy."
    assert "chưa có chứng thư gốc tin cậy nên không chứng thư số nào được tin cậy" in capsys.readouterr().out


def test_modified_untrusted_unsigned_and_not_a_pdf(pki, two_signatures, trusted_root, sample_pdf, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("verify_pdf", write(tmp_path, "sua.pdf", append_content_update(two_signatures)))
    assert "tài liệu đã bị sửa đổi sau chữ ký này" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify_pdf", write(tmp_path, "gia.pdf", raw_sign(sample_pdf, pki.rogue)))
    assert "do CA Gốc Giả mạo cấp" in capsys.readouterr().out
    with pytest.raises(CommandError) as unsigned:
        call_command("verify_pdf", write(tmp_path, "trong.pdf", sample_pdf))
    assert str(unsigned.value) == "Tài liệu PDF không có chữ ký số nào."
    with pytest.raises(CommandError) as not_pdf:
        call_command("verify_pdf", write(tmp_path, "anh.pdf", b"\x89PNG\r\n"))
    assert str(not_pdf.value) == "Tệp không phải là tài liệu PDF."
    with pytest.raises(CommandError) as missing:
        call_command("verify_pdf", str(tmp_path / "khong-co.pdf"))
    assert str(missing.value).startswith("Không đọc được tệp ")


def test_exit_status_from_the_command_line(sample_pdf, tmp_path):
    """The real process: non-zero exit status and the message on stderr (no database needed)."""
    path = write(tmp_path, "trong.pdf", sample_pdf)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "verify_pdf", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert completed.returncode != 0
    assert "Tài liệu PDF không có chữ ký số nào." in completed.stderr
