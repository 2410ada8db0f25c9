"""Admin screens of the signing configuration (portal/views/signing.py): upload → service → list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.choices import Role
from portal.models import SigningCredential, TrustRoot
from portal.wagtail_hooks.signing import register_signing_menu_item
from tests.permissions import admin_client_for, make_account

pytestmark = pytest.mark.django_db

PASSPHRASE = "Bi-mat-cua-con-dau"


@pytest.fixture
def system_admin(province):
    return make_account("qt.tinh", unit=province["noi_vu"], role=Role.SYSTEM_ADMIN, over=None)


def text(response) -> str:
    return response.content.decode()


def test_upload_a_trust_root_and_see_it_listed(system_admin, pki):
    client = admin_client_for(system_admin)
    response = client.post(
        reverse("portal_signing:trust_root_add"),
        {"certificate": SimpleUploadedFile("goc.cer", pki.root.der), "name": ""},
    )
    root = TrustRoot.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal_signing:trust_root_detail", args=[root.pk]
    )
    assert root.uploaded_by == system_admin
    listing = text(client.get(reverse("portal_signing:trust_roots")))
    assert "CA Gốc Thử nghiệm Hồ sơ CBCCVC" in listing and root.fingerprint_sha256 in listing
    detail = text(client.get(reverse("portal_signing:trust_root_detail", args=[root.pk])))
    assert root.serial_number in detail and "ký chứng thư số" in detail  # key usage, in Vietnamese
    client.post(reverse("portal_signing:trust_root_status", args=[root.pk]), {"active": "0"})
    root.refresh_from_db()
    assert root.active is False


def test_a_wrong_file_is_refused_on_the_form(system_admin, pki):
    response = admin_client_for(system_admin).post(
        reverse("portal_signing:trust_root_add"),
        {"certificate": SimpleUploadedFile("anh.png", b"\x89PNG not a certificate")},
    )
    assert response.status_code == 200
    assert "Tệp không phải là chứng thư số X.509" in text(response)
    assert not TrustRoot.objects.exists()


def test_register_a_pkcs12_seal_without_showing_any_secret(system_admin, province, pki, monkeypatch):
    monkeypatch.setenv("HOSO_TEST_SEAL_PASSPHRASE", PASSPHRASE)
    client = admin_client_for(system_admin)
    p12 = pki.seal.pkcs12(PASSPHRASE)
    response = client.post(
        reverse("portal_signing:credential_add"),
        {
            "kind": "pkcs12",
            "label": "Con dấu Sở Nội vụ",
            "signer_role": "Con dấu cơ quan",
            "unit": province["noi_vu"].pk,
            "pkcs12": SimpleUploadedFile("condau.p12", p12),
            "passphrase_env": "HOSO_TEST_SEAL_PASSPHRASE",
        },
    )
    credential = SigningCredential.objects.get()
    assert response.status_code == 302
    pages = [
        text(client.get(reverse("portal_signing:credentials"))),
        text(client.get(reverse("portal_signing:credential_detail", args=[credential.pk]))),
    ]
    assert "Con dấu Sở Nội vụ" in pages[0] and "ký số, chống chối bỏ" in pages[0]
    assert credential.fingerprint_sha256 in pages[1] and "HOSO_TEST_SEAL_PASSPHRASE" in pages[1]
    for page in pages:
        assert PASSPHRASE not in page
        assert p12.hex() not in page


def test_registration_errors_come_back_on_the_form(system_admin, province, pki):
    response = admin_client_for(system_admin).post(
        reverse("portal_signing:credential_add"),
        {
            "kind": "pkcs12",
            "label": "Con dấu",
            "signer_role": "Con dấu cơ quan",
            "unit": province["noi_vu"].pk,
            "pkcs12": SimpleUploadedFile("condau.p12", pki.seal.pkcs12(PASSPHRASE)),
            "passphrase_env": "HOSO_BIEN_KHONG_CO",
        },
    )
    assert response.status_code == 200
    assert "Biến môi trường HOSO_BIEN_KHONG_CO chưa được đặt trên máy chủ" in text(response)
    assert not SigningCredential.objects.exists()


def test_the_menu_and_the_screens_are_for_system_administrators_only(system_admin, province, rf):
    unit_admin = make_account("qt.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)
    menu = register_signing_menu_item()
    shown = {}
    for user in (system_admin, unit_admin):
        request = rf.get("/admin/")
        request.user = user
        shown[user.username] = menu.is_shown(request)
    assert shown == {"qt.tinh": True, "qt.snv": False}
    assert admin_client_for(unit_admin).get(reverse("portal_signing:credentials")).status_code == 403
