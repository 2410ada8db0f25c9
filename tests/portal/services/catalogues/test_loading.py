"""Loading the standard catalogue data: idempotence, the management command, locally edited
entries, retired and changed shipped entries, refusal of invalid data."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from portal import selectors
from portal.models import CatalogueEntry
from portal.services.catalogue_data import STANDARD_DATA_DIR, catalogues_load_standard
from portal.services.catalogues import entry_update
from tests.portal.services.catalogues.conftest import (
    catalogue_state,
    d,
    edit_json,
    entry,
    kind,
    standard_entry_count,
)

pytestmark = pytest.mark.django_db


# --- loading the standard data ----------------------------------------------------------------


def test_loading_twice_changes_nothing():
    before = catalogue_state()
    report = catalogues_load_standard()
    assert report.kinds_created == []
    assert report.created == 0
    assert report.updated == 0
    assert report.retired == 0
    assert report.kept_local == []
    assert report.unchanged == standard_entry_count()
    assert report.unchanged > 400
    assert catalogue_state() == before


def test_load_catalogues_command_reports_the_same():
    out = io.StringIO()
    call_command("load_catalogues", stdout=out)
    text = out.getvalue()
    assert "mục mới: 0;" in text
    assert "cập nhật: 0;" in text
    assert f"không đổi: {standard_entry_count()};" in text


def test_standard_kinds_are_marked_and_typed():
    ngach = kind("ngach_cdnn")
    assert ngach.is_standard is True
    assert ngach.data_version
    assert ngach.code_system == "BNV-NGACH-CDNN"
    chuyen_vien = entry("ngach_cdnn", "01.003")
    assert chuyen_vien.attributes["salary_group"] == "A1"
    assert chuyen_vien.data_version == ngach.data_version
    assert chuyen_vien.locally_modified is False
    assert entry("luong_co_so", "2024-07").attributes["amount"] == 2340000


def test_locally_edited_entry_is_kept_by_a_later_load():
    kinh = entry("dan_toc", "01")
    entry_update(entry=kinh, values={"label": "Kinh (Việt)"})
    kinh.refresh_from_db()
    assert kinh.label == "Kinh (Việt)"
    assert kinh.label_folded == "kinh (viet)"
    assert kinh.locally_modified is True

    report = catalogues_load_standard()

    assert report.kept_local == ["dan_toc:01"]
    assert report.updated == 0
    assert report.unchanged == standard_entry_count() - 1
    kinh.refresh_from_db()
    assert kinh.label == "Kinh (Việt)"
    assert kinh.locally_modified is True


def test_update_without_a_change_does_not_mark_the_entry_edited():
    kinh = entry("dan_toc", "01")
    entry_update(entry=kinh, values={"label": "Kinh"})
    kinh.refresh_from_db()
    assert kinh.locally_modified is False


def test_shipped_entry_removed_from_the_data_is_retired_not_deleted(data_dir):
    edit_json(data_dir, "dan_toc", lambda doc: doc.update(entries=[e for e in doc["entries"] if e["code"] != "55"]))
    count = CatalogueEntry.objects.count()

    report = catalogues_load_standard(directory=data_dir)

    assert report.retired == 1
    assert report.created == 0
    assert report.updated == 0
    assert CatalogueEntry.objects.count() == count
    foreigner = entry("dan_toc", "55")
    assert foreigner.active is False
    assert foreigner.retired_at is not None
    # kinds that are not in the directory are left alone
    assert not CatalogueEntry.objects.filter(kind__code="ngach_cdnn", active=False).exists()
    assert "55" not in {e.code for e in selectors.catalogue_entries(kind="dan_toc")}
    assert "55" in {e.code for e in selectors.catalogue_entries(kind="dan_toc", include_retired=True)}

    # back in the data: back in use
    shutil.copy(STANDARD_DATA_DIR / "dan_toc.json", data_dir / "dan_toc.json")
    report = catalogues_load_standard(directory=data_dir)
    assert report.updated == 1
    assert report.retired == 0
    foreigner.refresh_from_db()
    assert foreigner.active is True
    assert foreigner.retired_at is None


def test_changed_shipped_label_and_new_version_update_entries(data_dir):
    def change(doc):
        doc["version"] = "2027.1"
        doc["entries"][0]["label"] = "Giới tính nam"
        doc["entries"].append({"code": "3", "label": "Khác", "order": 3})

    edit_json(data_dir, "gioi_tinh", change)
    report = catalogues_load_standard(directory=data_dir)
    assert report.created == 1
    assert report.updated == 2  # the renamed entry and the one whose version changed
    assert kind("gioi_tinh").data_version == "2027.1"
    assert entry("gioi_tinh", "1").label == "Giới tính nam"
    assert entry("gioi_tinh", "2").data_version == "2027.1"
    assert entry("gioi_tinh", "3").data_version == "2027.1"


def test_a_corrected_start_date_in_the_data_updates_the_shipped_entry_in_place(tmp_path):
    shutil.copy(STANDARD_DATA_DIR / "luong_co_so.json", tmp_path / "luong_co_so.json")

    def change(doc):
        by_code = {item["code"]: item for item in doc["entries"]}
        by_code["2024-07"]["valid_to"] = "2026-08-01"
        by_code["2026-07"]["valid_from"] = "2026-08-01"

    edit_json(tmp_path, "luong_co_so", change)
    before = CatalogueEntry.objects.get(kind__code="luong_co_so", code="2026-07")
    report = catalogues_load_standard(directory=tmp_path)
    # The same entry (same row, so references to it stay valid) gets its corrected start date.
    assert (report.created, report.updated, report.retired) == (0, 2, 0)
    moved = CatalogueEntry.objects.get(kind__code="luong_co_so", code="2026-07")
    assert moved.pk == before.pk and moved.valid_from == d(2026, 8, 1) and moved.active
    [base] = selectors.catalogue_entries(kind="luong_co_so", on=d(2026, 7, 15))
    assert base.attributes["amount"] == 2340000
    [base] = selectors.catalogue_entries(kind="luong_co_so", on=d(2026, 8, 1))
    assert (base.code, base.valid_from, base.attributes["amount"]) == ("2026-07", d(2026, 8, 1), 2530000)


def test_invalid_standard_data_is_refused_as_a_whole(data_dir):
    edit_json(data_dir, "gioi_tinh", lambda doc: doc["entries"][0].update(label="Đã đổi"))
    edit_json(data_dir, "nhom_luong", lambda doc: doc["entries"][1]["attributes"].update(step_interval_months="ba"))
    before = catalogue_state()
    with pytest.raises(ValidationError) as excinfo:
        catalogues_load_standard(directory=data_dir)
    assert "nhom_luong" in excinfo.value.messages[0]
    assert "A3.1" in excinfo.value.messages[0]
    assert catalogue_state() == before
    assert entry("gioi_tinh", "1").label == "Nam"
