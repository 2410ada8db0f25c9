"""What the catalogue service tests share: readers of kinds and entries, the shipped data files,
a local test catalogue, a date shorthand and a maker of entries with a validity period."""

from __future__ import annotations

import datetime
import json
import shutil

import pytest

from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_data import STANDARD_DATA_DIR
from portal.services.catalogues import entry_create, kind_save


def entry(kind: str, code: str) -> CatalogueEntry:
    return CatalogueEntry.objects.get(kind__code=kind, code=code)


def kind(code: str) -> CatalogueKind:
    return CatalogueKind.objects.get(code=code)


def standard_entry_count() -> int:
    return sum(
        len(json.loads(path.read_text(encoding="utf-8"))["entries"]) for path in STANDARD_DATA_DIR.glob("*.json")
    )


def catalogue_state() -> list[dict]:
    return list(CatalogueEntry.objects.order_by("pk").values())


@pytest.fixture
def data_dir(tmp_path):
    """A private copy of a few shipped catalogue files, for the ``directory=`` argument."""
    for name in ("dan_toc", "gioi_tinh", "nhom_luong"):
        shutil.copy(STANDARD_DATA_DIR / f"{name}.json", tmp_path / f"{name}.json")
    return tmp_path


def edit_json(directory, name: str, change) -> None:
    path = directory / f"{name}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def test_kind():
    """A locally defined catalogue without attributes, for period rules."""
    return kind_save(values={"code": "thu_nghiem", "name": "Danh mục thử nghiệm"})


def d(year: int, month: int = 1, day: int = 1) -> datetime.date:
    return datetime.date(year, month, day)


def make(kind_obj, code, start=None, end=None, **values):
    return entry_create(
        kind=kind_obj,
        values={"code": code, "label": f"{code} {start}–{end}", "valid_from": start, "valid_to": end, **values},
    )
