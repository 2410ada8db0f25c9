"""The catalogue API (portal/api, catalogues): permissions, reads, writes through the services."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from portal.models import CatalogueEntry, CatalogueKind, Unit
from portal.services.catalogues import entry_create, entry_retire, kind_save
from tests.conftest import make_unit, unit_type

pytestmark = pytest.mark.django_db

CATALOGUES = "/api/v1/catalogues/"
# Every signed-in request reads the session and the user and saves the session back
# (SESSION_SAVE_EVERY_REQUEST: a savepoint, an update, a release).
SESSION_QUERIES = 5


def kind_url(code: str) -> str:
    return f"{CATALOGUES}{code}/"


def entries_url(code: str, entry_id=None, suffix: str = "") -> str:
    base = f"{CATALOGUES}{code}/entries/"
    return base if entry_id is None else f"{base}{entry_id}/{suffix}"


@pytest.fixture
def awards(db):
    """A hierarchical catalogue of our own: two groups, each with entries; one period-bound entry."""
    kind = kind_save(
        values={
            "code": "khen_thuong_thu",
            "name": "Khen thưởng (thử)",
            "hierarchical": True,
            "attribute_schema": [{"key": "points", "label": "Điểm", "type": "integer"}],
        }
    )
    state = entry_create(kind=kind, values={"code": "NN", "label": "Khen thưởng Nhà nước", "order": 1})
    local = entry_create(kind=kind, values={"code": "DP", "label": "Khen thưởng địa phương", "order": 2})
    entries = {
        "state": state,
        "local": local,
        "medal": entry_create(
            kind=kind,
            values={
                "code": "HC",
                "label": "Huân chương Lao động",
                "parent": state,
                "order": 3,
                "attributes": {"points": "10"},
            },
        ),
        "merit": entry_create(
            kind=kind, values={"code": "BK", "label": "Bằng khen của Chủ tịch UBND tỉnh", "parent": local, "order": 4}
        ),
        "old": entry_create(
            kind=kind,
            values={
                "code": "GK",
                "label": "Giấy khen (mẫu cũ)",
                "parent": local,
                "order": 5,
                "valid_to": datetime.date(2025, 7, 1),
            },
        ),
    }
    return {"kind": kind, **entries}


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def entry_snapshot() -> list[tuple]:
    return list(
        CatalogueEntry.objects.order_by("pk").values_list("pk", "code", "label", "active", "valid_from", "valid_to")
    )


# --- permissions: anonymous, no permission, permitted, missing ----------------------------------------------

READS = {
    "kinds": lambda a: CATALOGUES,
    "kind": lambda a: kind_url("khen_thuong_thu"),
    "entries": lambda a: entries_url("khen_thuong_thu"),
    "entry": lambda a: entries_url("khen_thuong_thu", a["medal"].pk),
}


@pytest.mark.parametrize("name", list(READS))
def test_reads_need_a_signed_in_user(name, awards, anon, reader, admin):
    url = READS[name](awards)
    response = anon.get(url)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert reader.get(url).status_code == 200
    assert admin.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        kind_url("khong_co"),
        entries_url("khong_co"),
        entries_url("khen_thuong_thu", 999_999),
        entries_url("loai_don_vi", "{medal}"),  # an entry of another catalogue
    ],
)
def test_reads_of_missing_objects_are_404(url, awards, reader):
    assert reader.get(url.replace("{medal}", str(awards["medal"].pk))).status_code == 404


def _write_cases(a):
    return {
        "create kind": ("post", CATALOGUES, {"code": "danh_hieu", "name": "Danh hiệu thi đua"}, 201),
        "update kind": ("patch", kind_url("khen_thuong_thu"), {"name": "Khen thưởng"}, 200),
        "create entry": ("post", entries_url("khen_thuong_thu"), {"code": "CS", "label": "Chiến sĩ thi đua"}, 201),
        "update entry": ("patch", entries_url("khen_thuong_thu", a["merit"].pk), {"label": "Bằng khen UBND tỉnh"}, 200),
        "retire entry": ("post", entries_url("khen_thuong_thu", a["merit"].pk, "retire/"), {}, 200),
        "reactivate entry": ("post", entries_url("khen_thuong_thu", a["merit"].pk, "reactivate/"), {}, 200),
        "delete entry": ("delete", entries_url("khen_thuong_thu", a["old"].pk), None, 204),
    }


WRITES = [
    "create kind",
    "update kind",
    "create entry",
    "update entry",
    "retire entry",
    "reactivate entry",
    "delete entry",
]


def catalogue_snapshot():
    return entry_snapshot(), list(CatalogueKind.objects.order_by("pk").values_list("pk", "code", "name"))


@pytest.mark.parametrize("name", WRITES)
def test_writes_four_ways(name, awards, anon, reader, admin):
    method, url, body, ok_status = _write_cases(awards)[name]
    before = catalogue_snapshot()
    assert getattr(anon, method)(url, body, format="json").status_code == 403
    assert getattr(reader, method)(url, body, format="json").status_code == 403
    assert catalogue_snapshot() == before
    response = getattr(admin, method)(url, body, format="json")
    assert response.status_code == ok_status, response.content
    if name != "reactivate entry":  # reactivating an entry in use changes no column we snapshot
        assert catalogue_snapshot() != before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("patch", kind_url("khong_co")),
        ("post", entries_url("khong_co")),
        ("patch", entries_url("khen_thuong_thu", 999_999)),
        ("post", entries_url("khen_thuong_thu", 999_999, "retire/")),
        ("post", entries_url("khen_thuong_thu", 999_999, "reactivate/")),
        ("delete", entries_url("khen_thuong_thu", 999_999)),
    ],
)
def test_writes_to_missing_objects_are_404_for_admins_and_403_for_others(method, url, awards, reader, admin):
    assert getattr(admin, method)(url, {"label": "X", "code": "X"}, format="json").status_code == 404
    assert getattr(reader, method)(url, {"label": "X", "code": "X"}, format="json").status_code == 403


def test_entry_and_kind_permissions_are_separate(awards, django_user_model):
    clerk = django_user_model.objects.create_user(username="danhmuc", password="Mk@2026-danhmuc")
    clerk.user_permissions.add(
        Permission.objects.get(codename="change_catalogueentry", content_type__app_label="portal")
    )
    client = APIClient()
    client.force_login(clerk)
    response = client.patch(entries_url("khen_thuong_thu", awards["merit"].pk), {"label": "Bằng khen"}, format="json")
    assert response.status_code == 200
    assert client.patch(kind_url("khen_thuong_thu"), {"name": "Khác"}, format="json").status_code == 403
    assert client.post("/api/v1/units/", {"name": "X", "unit_type": "SO"}, format="json").status_code == 403
    assert CatalogueKind.objects.get(code="khen_thuong_thu").name == "Khen thưởng (thử)"


# --- kinds ------------------------------------------------------------------------------------------------


def test_kind_list_has_entry_counts(awards, reader):
    entry_retire(entry=awards["old"])
    response = reader.get(CATALOGUES, {"limit": 500})
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["khen_thuong_thu"]["entry_count"] == 5
    assert rows["khen_thuong_thu"]["active_count"] == 4
    assert rows["khen_thuong_thu"]["hierarchical"] is True
    assert rows["loai_don_vi"]["is_standard"] is True
    assert rows["loai_don_vi"]["entry_count"] == CatalogueEntry.objects.filter(kind__code="loai_don_vi").count()


def test_kind_detail_has_the_attribute_schema(awards, reader):
    body = reader.get(kind_url("khen_thuong_thu")).json()
    assert body["code"] == "khen_thuong_thu"
    assert body["attribute_schema"] == [
        {"key": "points", "label": "Điểm", "label_en": "", "type": "integer", "required": False}
    ]
    assert body["entry_count"] == 5


def test_create_kind(admin, db):
    response = admin.post(
        CATALOGUES,
        {
            "code": "danh_hieu",
            "name": " Danh hiệu thi đua ",
            "attribute_schema": [{"key": "cap", "type": "choice", "choices": [["T", "Tỉnh"], ["X", "Xã"]]}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    kind = CatalogueKind.objects.get(code="danh_hieu")
    assert kind.name == "Danh hiệu thi đua"
    assert kind.attribute_schema[0]["choices"] == [["T", "Tỉnh"], ["X", "Xã"]]
    assert response.json()["entry_count"] == 0


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"code": "Danh Hieu", "name": "X"}, "code"),
        ({"code": "loai_don_vi", "name": "X"}, "code"),  # exists
        ({"code": "danh_hieu", "name": ""}, "name"),
        ({"code": "danh_hieu", "name": "X", "attribute_schema": [{"key": "a", "type": "nope"}]}, "attribute_schema"),
        ({"name": "X"}, "code"),
    ],
)
def test_create_kind_refused(body, key, admin, db):
    before = CatalogueKind.objects.count()
    response = admin.post(CATALOGUES, body, format="json")
    assert response.status_code == 400
    assert key in response.json()
    assert CatalogueKind.objects.count() == before


def test_update_kind(awards, admin):
    response = admin.patch(kind_url("khen_thuong_thu"), {"name": "Khen thưởng", "description": "Mô tả"}, format="json")
    assert response.status_code == 200
    kind = CatalogueKind.objects.get(pk=awards["kind"].pk)
    assert (kind.name, kind.description, kind.hierarchical) == ("Khen thưởng", "Mô tả", True)
    response = admin.patch(kind_url("khen_thuong_thu"), {"code": "khac"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["code"]
    assert CatalogueKind.objects.filter(code="khen_thuong_thu").exists()


def test_kinds_are_not_deleted(awards, admin):
    assert admin.delete(kind_url("khen_thuong_thu")).status_code == 405
    assert CatalogueKind.objects.filter(code="khen_thuong_thu").exists()


# --- entries: reads ---------------------------------------------------------------------------------------


def test_entry_list_and_filters(awards, reader):
    url = entries_url("khen_thuong_thu")
    assert codes(reader.get(url)) == ["NN", "DP", "HC", "BK", "GK"]
    assert codes(reader.get(url, {"parent": "DP"})) == ["BK", "GK"]
    assert codes(reader.get(url, {"search": "huan chuong"})) == ["HC"]
    assert codes(reader.get(url, {"search": "BK"})) == ["BK"]
    assert codes(reader.get(url, {"on": "2025-06-30"})) == ["NN", "DP", "HC", "BK", "GK"]
    assert codes(reader.get(url, {"on": "2025-07-01"})) == ["NN", "DP", "HC", "BK"]  # valid_to is exclusive
    assert codes(reader.get(url, {"on": "01/07/2025"})) == ["NN", "DP", "HC", "BK"]
    response = reader.get(url, {"on": "not a date"})
    assert response.status_code == 400
    assert "on" in response.json()


def test_entry_detail(awards, reader):
    body = reader.get(entries_url("khen_thuong_thu", awards["medal"].pk)).json()
    assert body["kind"] == "khen_thuong_thu"
    assert body["code"] == "HC"
    assert body["label"] == "Huân chương Lao động"
    assert body["parent"] == awards["state"].pk
    assert body["parent_code"] == "NN"
    assert body["attributes"] == {"points": 10}
    assert body["active"] is True
    assert body["code_system"] == "HSCBCCVC"
    top = reader.get(entries_url("khen_thuong_thu", awards["state"].pk)).json()
    assert (top["parent"], top["parent_code"]) == (None, None)


# --- entries: writes --------------------------------------------------------------------------------------


def test_create_entry(awards, admin):
    response = admin.post(
        entries_url("khen_thuong_thu"),
        {
            "code": "CSTD",
            "label": "Chiến sĩ thi đua cơ sở",
            "parent": awards["local"].pk,
            "attributes": {"points": "3"},
            "valid_from": "01/01/2026",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = CatalogueEntry.objects.get(kind=awards["kind"], code="CSTD")
    assert entry.parent == awards["local"]
    assert entry.attributes == {"points": 3}
    assert entry.valid_from == datetime.date(2026, 1, 1)
    assert entry.label_folded == "chien si thi dua co so"
    assert response.json()["id"] == entry.pk


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"code": "a b", "label": "X"}, "code"),
        ({"code": "", "label": "X"}, "code"),
        ({"code": "X1", "label": ""}, "label"),
        ({"code": "X1", "label": "X", "attributes": {"points": "mười"}}, "attributes"),
        ({"code": "X1", "label": "X", "attributes": {"unknown": 1}}, "attributes"),
        ({"code": "X1", "label": "X", "valid_from": "2026-01-01", "valid_to": "2025-01-01"}, "valid_to"),
        ({"code": "X1", "label": "X", "parent": "{so}"}, "parent"),  # an entry of another catalogue
        ({"code": "X1", "label": "X", "verification": "ZZ"}, "verification"),
    ],
)
def test_create_entry_refused(body, key, awards, admin):
    body = {k: (unit_type("SO").pk if v == "{so}" else v) for k, v in body.items()}
    before = entry_snapshot()
    response = admin.post(entries_url("khen_thuong_thu"), body, format="json")
    assert response.status_code == 400
    assert key in response.json()
    assert all(isinstance(message, str) and message for message in response.json()[key])
    assert entry_snapshot() == before


def test_overlapping_validity_for_the_same_code_is_400(awards, admin):
    url = entries_url("khen_thuong_thu")
    before = entry_snapshot()
    # GK is valid until 01/07/2025 (exclusive): a new period from 30/06/2025 overlaps it.
    response = admin.post(url, {"code": "GK", "label": "Giấy khen", "valid_from": "2025-06-30"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["valid_from"]
    assert entry_snapshot() == before
    # HC has no end: any second period of HC overlaps.
    response = admin.post(url, {"code": "HC", "label": "Huân chương", "valid_from": "2030-01-01"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["valid_from"]
    # From the end date on, a new GK period is fine.
    response = admin.post(url, {"code": "GK", "label": "Giấy khen", "valid_from": "2025-07-01"}, format="json")
    assert response.status_code == 201
    assert CatalogueEntry.objects.filter(kind=awards["kind"], code="GK").count() == 2


def test_update_entry_into_an_overlap_is_400(awards, admin):
    new = entry_create(
        kind=awards["kind"], values={"code": "GK", "label": "Giấy khen", "valid_from": datetime.date(2025, 7, 1)}
    )
    response = admin.patch(entries_url("khen_thuong_thu", new.pk), {"valid_from": "2025-01-01"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["valid_from"]
    new.refresh_from_db()
    assert new.valid_from == datetime.date(2025, 7, 1)


def test_update_entry(awards, admin):
    response = admin.patch(
        entries_url("khen_thuong_thu", awards["merit"].pk),
        {"label": "Bằng khen UBND tỉnh", "parent": awards["state"].pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    merit = CatalogueEntry.objects.get(pk=awards["merit"].pk)
    assert (merit.label, merit.parent_id, merit.code) == ("Bằng khen UBND tỉnh", awards["state"].pk, "BK")
    assert response.json()["parent_code"] == "NN"


def test_an_entry_cannot_go_under_its_own_sub_entry(awards, admin):
    response = admin.patch(
        entries_url("khen_thuong_thu", awards["local"].pk), {"parent": awards["merit"].pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["parent"]
    assert CatalogueEntry.objects.get(pk=awards["local"].pk).parent is None


def test_updating_a_shipped_entry_marks_it_edited_locally(admin, db):
    so = unit_type("SO")
    assert not so.locally_modified
    response = admin.patch(entries_url("loai_don_vi", so.pk), {"label": "Sở (tên mới)"}, format="json")
    assert response.status_code == 200
    assert response.json()["locally_modified"] is True


def test_retire_hides_the_entry_from_the_default_list(awards, admin, reader):
    url = entries_url("khen_thuong_thu", awards["merit"].pk, "retire/")
    response = admin.post(url, {}, format="json")
    assert response.status_code == 200
    assert response.json()["active"] is False
    merit = CatalogueEntry.objects.get(pk=awards["merit"].pk)
    assert merit.active is False
    assert merit.retired_at is not None
    assert "BK" not in codes(reader.get(entries_url("khen_thuong_thu")))
    assert "BK" in codes(reader.get(entries_url("khen_thuong_thu"), {"include_retired": "true"}))
    assert reader.get(entries_url("khen_thuong_thu", merit.pk)).json()["active"] is False  # detail still answers

    response = admin.post(entries_url("khen_thuong_thu", merit.pk, "reactivate/"), format="json")
    assert response.status_code == 200
    assert CatalogueEntry.objects.get(pk=merit.pk).active is True
    assert "BK" in codes(reader.get(entries_url("khen_thuong_thu")))


def test_retire_on_a_date_closes_the_validity(awards, admin):
    url = entries_url("khen_thuong_thu", awards["merit"].pk, "retire/")
    response = admin.post(url, {"retired_on": "2026-01-01"}, format="json")
    assert response.status_code == 200
    assert CatalogueEntry.objects.get(pk=awards["merit"].pk).valid_to == datetime.date(2026, 1, 1)


def test_retire_before_the_start_of_validity_is_400(awards, admin):
    entry = entry_create(
        kind=awards["kind"], values={"code": "MOI", "label": "Mới", "valid_from": datetime.date(2026, 1, 1)}
    )
    response = admin.post(
        entries_url("khen_thuong_thu", entry.pk, "retire/"), {"retired_on": "2025-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["retired_on"]
    entry.refresh_from_db()
    assert (entry.active, entry.valid_to) == (True, None)


def test_delete_an_unused_entry(awards, admin):
    response = admin.delete(entries_url("khen_thuong_thu", awards["old"].pk))
    assert response.status_code == 204
    assert not CatalogueEntry.objects.filter(pk=awards["old"].pk).exists()


def test_delete_an_entry_in_use_is_400_and_keeps_it(admin, db):
    make_unit("Sở Nội vụ", type_code="SO")
    so = unit_type("SO")
    response = admin.delete(entries_url("loai_don_vi", so.pk))
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"]
    message = body["non_field_errors"][0]
    assert so.label in message
    assert str(Unit._meta.verbose_name_plural) in message  # the service names where it is used
    assert CatalogueEntry.objects.filter(pk=so.pk).exists()


def test_delete_an_entry_with_sub_entries_is_400(awards, admin):
    response = admin.delete(entries_url("khen_thuong_thu", awards["local"].pk))
    assert response.status_code == 400
    assert CatalogueEntry.objects.filter(pk=awards["local"].pk).exists()


# --- query counts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 40])
def test_entry_list_queries_do_not_grow_with_rows(extra, awards, reader, django_assert_max_num_queries):
    for index in range(extra):
        entry_create(
            kind=awards["kind"],
            values={"code": f"X{index}", "label": f"Mục {index}", "parent": awards["local"], "order": 10 + index},
        )
    with django_assert_max_num_queries(SESSION_QUERIES + 3):  # kind, count, page (parents joined)
        response = reader.get(entries_url("khen_thuong_thu"))
    assert response.json()["count"] == 5 + extra
    assert all(row["parent_code"] for row in response.json()["results"][2:])


@pytest.mark.parametrize("extra", [0, 10])
def test_kind_list_queries_do_not_grow_with_rows(extra, db, reader, django_assert_max_num_queries):
    for index in range(extra):
        kind_save(values={"code": f"thu_{index}", "name": f"Danh mục {index}"})
    with django_assert_max_num_queries(SESSION_QUERIES + 2):  # count, page with entry counts
        response = reader.get(CATALOGUES)
    assert response.json()["count"] == CatalogueKind.objects.count()


def test_browsable_api_renders_for_admins(awards, admin):
    for url in (
        CATALOGUES,
        kind_url("khen_thuong_thu"),
        entries_url("khen_thuong_thu"),
        entries_url("khen_thuong_thu", awards["medal"].pk),
    ):
        response = admin.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert b"<html" in response.content
