"""Columns other apps register (portal.extensions) on the unit screens and in the unit export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from portal import extensions
from portal.extensions import UnitColumn, UnitExportColumn
from portal.models import Unit
from tests.portal.admin_units.conftest import (
    url,
)

pytestmark = pytest.mark.django_db


# --- columns other apps register (portal.extensions) ---------------------------------------------


def _export_rows(client, unit: Unit, query: str = "") -> list[tuple]:
    response = client.get(url("export", unit) + query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def registered_columns(monkeypatch):
    """Only the columns of this test: a typed one and a text-only one, each seeing its chunk."""
    chunks: list[list[str]] = []

    def typed(*, units, user):
        chunks.append([unit.name for unit in units])
        return UnitColumn(
            label="Mã · số",
            values={unit.pk: f"{unit.depth} · {len(unit.name)}" for unit in units},
            export=[
                UnitExportColumn(label="Cấp", values={unit.pk: unit.depth for unit in units if unit.code}),
                UnitExportColumn(label="Độ dài tên", values={unit.pk: len(unit.name) / 2 for unit in units}),
            ],
        )

    def text_only(*, units, user):
        return UnitColumn(label="Ghi chú", values={unit.pk: f"={unit.name}" for unit in units if unit.code})

    monkeypatch.setattr(extensions, "_unit_columns", [typed, text_only])
    return chunks


def test_export_carries_the_registered_columns_as_typed_cells(admin_client, province, registered_columns):
    rows = _export_rows(admin_client, province["root"])
    assert rows[0][6:] == ("Cấp", "Độ dài tên", "Ghi chú")  # no custom field is defined here
    cells = {row[0]: row[6:] for row in rows[1:]}
    assert cells == {
        "Sở Nội vụ": (2, 4.5, "'=Sở Nội vụ"),  # the text-only column: the screen text, formula-guarded
        "Sở Tài chính": (2, 6.0, "'=Sở Tài chính"),
    }
    # The screen keeps the provider's combined text.
    page = admin_client.get(url("detail", province["root"]))
    assert {row["unit"].name: row["extra"] for row in page.context["rows"]} == {
        "Sở Nội vụ": ["2 · 9", "=Sở Nội vụ"],
        "Sở Tài chính": ["2 · 12", "=Sở Tài chính"],
    }


def test_export_asks_the_registered_columns_once_per_chunk(admin_client, province, registered_columns, monkeypatch):
    monkeypatch.setattr("portal.views.units.explorer.EXPORT_CHUNK", 2)
    rows = _export_rows(admin_client, province["root"], "?q=n")  # the whole subtree, two depths
    names = [row[0] for row in rows[1:]]
    assert registered_columns == [names[:2], names[2:4], names[4:]] and len(names) == 5
    # Each chunk's cells on their own rows; a unit the provider leaves out gets the default (empty).
    assert {row[0]: row[6] for row in rows[1:]} == {
        "Sở Nội vụ": 2,
        "Phòng Tổ chức biên chế": None,
        "Chi cục Văn thư - Lưu trữ": 3,
        "Sở Tài chính": 2,
        "Phòng Ngân sách": None,
    }


def test_export_of_an_empty_list_still_has_the_registered_headers(admin_client, province, registered_columns):
    rows = _export_rows(admin_client, province["chi_cuc"])
    assert rows == [rows[0]] and rows[0][6:] == ("Cấp", "Độ dài tên", "Ghi chú")
    assert registered_columns == [[]]
