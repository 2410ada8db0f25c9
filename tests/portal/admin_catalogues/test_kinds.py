"""Catalogue kinds in the admin: the list, new catalogues with an attribute schema, and edits."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.models import CatalogueKind
from tests.portal.admin_catalogues.conftest import (
    kind,
    text_of,
    vi,
)

pytestmark = pytest.mark.django_db


# --- kinds --------------------------------------------------------------------------------------


def test_kind_list_shows_counts_origin_and_version(admin_client):
    response = admin_client.get(reverse("portal_catalogues:index"))
    text = text_of(response)
    ngach = kind("ngach_cdnn")
    assert escape(ngach.name) in text
    assert reverse("portal_catalogues:kind", args=[ngach.pk]) in text
    row = next(k for k in response.context["kinds"] if k.code == "ngach_cdnn")
    assert row.entry_count == ngach.entries.count()
    assert f"{row.active_count} / {row.entry_count}" in text
    assert ngach.data_version in text
    assert vi("Standard") in text


def test_new_catalogue_with_attribute_schema(admin_client):
    response = admin_client.post(
        reverse("portal_catalogues:kind_add"),
        {
            "code": "chuc_danh_khoa_hoc",
            "name": "Chức danh khoa học",
            "code_system": "HSCBCCVC",
            "attribute_schema": '[{"key": "bac", "label": "Bậc", "type": "integer", "required": true}]',
        },
    )
    assert response.status_code == 302
    created = kind("chuc_danh_khoa_hoc")
    assert created.attribute_schema[0]["key"] == "bac"
    assert created.attribute_schema[0]["type"] == "integer"
    assert not created.is_standard
    assert response["Location"] == reverse("portal_catalogues:kind", args=[created.pk])


def test_new_catalogue_with_broken_json_shows_the_error(admin_client):
    response = admin_client.post(
        reverse("portal_catalogues:kind_add"),
        {"code": "thu", "name": "Thử", "attribute_schema": '[{"key": "a", "type": "text"'},
    )
    assert response.status_code == 200
    assert "attribute_schema" in response.context["form"].errors
    assert not CatalogueKind.objects.filter(code="thu").exists()


def test_new_catalogue_with_unknown_attribute_type_shows_the_service_message(admin_client):
    response = admin_client.post(
        reverse("portal_catalogues:kind_add"),
        {"code": "thu", "name": "Thử", "attribute_schema": '[{"key": "so_tien", "type": "money"}]'},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["attribute_schema"]
    assert "money" in errors[0]
    assert escape(errors[0]) in text_of(response)
    assert not CatalogueKind.objects.filter(code="thu").exists()


def test_edit_catalogue_code_with_entries_is_refused(admin_client):
    dan_toc = kind("dan_toc")
    response = admin_client.post(
        reverse("portal_catalogues:kind_edit", args=[dan_toc.pk]),
        {"code": "dan_toc_moi", "name": dan_toc.name, "attribute_schema": "[]"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert kind("dan_toc").pk == dan_toc.pk
