"""Catalogue xlsx export and import in the admin: dry run, apply by token, errors."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.models import CatalogueKind
from tests.portal.admin_catalogues.conftest import (
    XLSX,
    entry,
    kind,
    text_of,
)

pytestmark = pytest.mark.django_db


# --- xlsx ---------------------------------------------------------------------------------------


def test_export_returns_a_workbook(admin_client, django_assert_max_num_queries):
    ngach = kind("ngach_cdnn")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("portal_catalogues:export", args=[ngach.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="ngach_cdnn.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == ngach.entries.count() + 1
    assert "01.001" in [row[0] for row in rows]


def _edited_workbook(admin_client, kind_obj: CatalogueKind, edit) -> bytes:
    response = admin_client.get(reverse("portal_catalogues:export", args=[kind_obj.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    edit(workbook.worksheets[0])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _upload(content: bytes, name: str = "ton_giao.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_import_dry_run_then_apply(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    first = ton_giao.entries.order_by("order", "code", "valid_from").first()
    count = ton_giao.entries.count()

    def edit(sheet):
        sheet.cell(row=2, column=3, value="Nhãn đã sửa")
        sheet.append(["TG_MOI", None, "Tôn giáo mới", None, None, None, None, 99])

    content = _edited_workbook(admin_client, ton_giao, edit)
    import_url = reverse("portal_catalogues:import", args=[ton_giao.pk])
    response = admin_client.post(import_url, {"file": _upload(content), "dry_run": "on"})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    # Nothing written by the dry run.
    first.refresh_from_db()
    assert first.label != "Nhãn đã sửa"
    assert ton_giao.entries.count() == count
    token = response.context["token"]
    assert token and token not in content.decode("latin-1")
    assert list(tmp_path.glob("uploads/catalogue-import/*.xlsx"))
    apply_url = reverse("portal_catalogues:import_apply", args=[ton_giao.pk])
    assert apply_url in text_of(response)
    applied = admin_client.post(apply_url, {"token": token})
    assert applied.status_code == 302
    first.refresh_from_db()
    assert first.label == "Nhãn đã sửa"
    assert entry("ton_giao", "TG_MOI").label == "Tôn giáo mới"
    assert ton_giao.entries.count() == count + 1
    assert not list(tmp_path.glob("uploads/catalogue-import/*.xlsx"))
    # The token cannot be used twice.
    again = admin_client.post(apply_url, {"token": token})
    assert again.status_code == 302
    assert again["Location"] == import_url


def test_import_with_errors_shows_the_error_table_and_writes_nothing(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    count = ton_giao.entries.count()

    def edit(sheet):
        sheet.append(["TG_LOI", None, None, None, None, None, None, 1])  # no label

    content = _edited_workbook(admin_client, ton_giao, edit)
    response = admin_client.post(
        reverse("portal_catalogues:import", args=[ton_giao.pk]), {"file": _upload(content)}
    )  # dry run unchecked: a real import, refused as a whole
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.ok
    error = result.errors[0]
    assert error.row == count + 2
    text = text_of(response)
    assert escape(error.message) in text
    assert f"<td>{error.row}</td>" in text
    assert ton_giao.entries.count() == count
    assert not response.context["token"]


def test_import_of_a_file_that_is_not_a_workbook(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    response = admin_client.post(
        reverse("portal_catalogues:import", args=[ton_giao.pk]), {"file": _upload(b"not a workbook"), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_apply_with_a_token_from_another_session_is_refused(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    response = admin_client.post(
        reverse("portal_catalogues:import_apply", args=[ton_giao.pk]), {"token": "../../etc/passwd-aaaaaaaaaaaaaaa"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_catalogues:import", args=[ton_giao.pk])


def test_import_form_has_dry_run_checked_by_default(admin_client):
    response = admin_client.get(reverse("portal_catalogues:import", args=[kind("ton_giao").pk]))
    assert response.context["form"]["dry_run"].value() is True
    assert 'name="dry_run"' in text_of(response)
    assert "checked" in text_of(response).split('name="dry_run"')[1].split(">")[0]
