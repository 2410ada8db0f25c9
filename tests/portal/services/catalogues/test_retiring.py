"""Retiring catalogue entries instead of deleting them, and deletion refused while an entry is in use."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal import selectors
from portal.models import CatalogueEntry
from portal.services.catalogue_data import catalogues_load_standard
from portal.services.catalogues import (
    entry_create,
    entry_delete,
    entry_retire,
)
from tests.conftest import make_unit
from tests.portal.services.catalogues.conftest import (
    d,
    entry,
    kind,
    make,
)

pytestmark = pytest.mark.django_db


# --- retire and delete ---------------------------------------------------------------------------


def test_retire_keeps_the_row_and_closes_the_period():
    foreigner = entry("dan_toc", "55")
    count = CatalogueEntry.objects.count()
    entry_retire(entry=foreigner, retired_on=d(2026))
    foreigner.refresh_from_db()
    assert CatalogueEntry.objects.count() == count
    assert foreigner.active is False
    assert foreigner.retired_at is not None
    assert foreigner.valid_to == d(2026)
    assert foreigner.locally_modified is True  # a later load must not bring it back
    assert "55" not in {e.code for e in selectors.catalogue_entries(kind="dan_toc")}
    report = catalogues_load_standard()
    assert "dan_toc:55" in report.kept_local
    foreigner.refresh_from_db()
    assert foreigner.active is False


def test_retire_without_a_date_keeps_the_period():
    female = entry("gioi_tinh", "2")
    entry_retire(entry=female)
    female.refresh_from_db()
    assert female.active is False
    assert female.valid_to is None


def test_retire_date_must_be_after_the_start():
    base = entry("luong_co_so", "2024-07")
    with pytest.raises(ValidationError) as excinfo:
        entry_retire(entry=base, retired_on=d(2024, 7, 1))
    assert list(excinfo.value.message_dict) == ["retired_on"]
    base.refresh_from_db()
    assert base.active is True
    assert base.valid_to == d(2026, 7, 1)


def test_delete_refused_when_a_unit_uses_the_entry(province):
    so = entry("loai_don_vi", "SO")
    with pytest.raises(ValidationError) as excinfo:
        entry_delete(entry=so)
    assert "2" in excinfo.value.messages[0]  # Sở Nội vụ and Sở Tài chính
    assert CatalogueEntry.objects.filter(pk=so.pk).exists()


def test_delete_refused_when_used_by_an_entry_attribute_of_another_catalogue():
    a1 = entry("nhom_luong", "A1")
    users = CatalogueEntry.objects.filter(kind__code="ngach_cdnn", attributes__salary_group="A1").count()
    assert users > 0
    with pytest.raises(ValidationError) as excinfo:
        entry_delete(entry=a1)
    message = excinfo.value.messages[0]
    assert "Ngạch công chức, chức danh nghề nghiệp viên chức" in message
    assert "Nhóm lương" in message
    assert f": {users}" in message
    assert CatalogueEntry.objects.filter(pk=a1.pk).exists()


def test_delete_refused_when_used_by_an_entry_list_attribute():
    category = entry_create(kind=kind("loai_nhan_su"), values={"code": "TN", "label": "Thử nghiệm"})
    entry_create(
        kind=kind("hinh_thuc_ky_luat"),
        values={"code": "TN_KL", "label": "Kỷ luật thử", "attributes": {"applies_to": "CC; TN"}},
    )
    assert entry("hinh_thuc_ky_luat", "TN_KL").attributes["applies_to"] == ["CC", "TN"]
    with pytest.raises(ValidationError) as excinfo:
        entry_delete(entry=category)
    assert "Hình thức kỷ luật".lower() in excinfo.value.messages[0].lower()
    assert CatalogueEntry.objects.filter(pk=category.pk).exists()


def test_delete_refused_when_the_entry_has_sub_entries(test_kind):
    parent = make(test_kind, "P")
    make(test_kind, "P.1", parent=parent)
    with pytest.raises(ValidationError):
        entry_delete(entry=parent)
    assert CatalogueEntry.objects.filter(pk=parent.pk).exists()


def test_delete_allowed_when_unused(test_kind):
    unused = make(test_kind, "T1")
    entry_delete(entry=unused)
    assert not CatalogueEntry.objects.filter(pk=unused.pk).exists()
    # the same for a type no unit uses
    hoi = entry("loai_don_vi", "HOI")
    entry_delete(entry=hoi)
    assert not CatalogueEntry.objects.filter(kind__code="loai_don_vi", code="HOI").exists()


def test_a_type_in_use_can_be_retired(province):
    truong = entry("loai_don_vi", "TRUONG_THPT")
    make_unit("Trường THPT Lấp Vò 1", parent=province["root"], type_code="TRUONG_THPT")
    entry_retire(entry=truong)
    truong.refresh_from_db()
    assert truong.active is False
    assert CatalogueEntry.objects.filter(pk=truong.pk).exists()
