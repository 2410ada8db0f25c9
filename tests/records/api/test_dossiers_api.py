"""The dossier API (records/api): scoped reads, filters, versions and compare, writes through the services."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from portal.choices import Role
from portal.services.fields.definitions import field_definition_save
from records.models import Declaration, DossierVersion
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, content, make_dossier

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def people(province):
    person = make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    thang = make_dossier(province["chi_cuc"], account=person)
    lan = make_dossier(
        province["tai_chinh"],
        personal_id="087190000456",
        identity={**BASE_CONTENT["identity"], "full_name": "Trần Thị Lan", "sex": "2"},
        header={"personnel_category": "VC"},
    )
    return {"person": person, "thang": thang, "lan": lan}


@pytest.fixture
def clerk(province):
    return client_for(make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK))


def names(response) -> list[str]:
    return [row["full_name"] for row in response.json()["results"]]


def test_scoped_list_detail_and_404_outside(clerk, people):
    assert names(clerk.get(URL)) == ["Nguyễn Văn Thắng"]  # Trần Thị Lan is in Sở Tài chính
    detail = clerk.get(f"{URL}{people['thang'].pk}/").json()
    assert detail["content"]["identity"]["full_name"] == "Nguyễn Văn Thắng"
    assert detail["content"]["work_history"][0]["workplace"] == "Sở Nội vụ tỉnh Đồng Tháp"
    assert clerk.get(f"{URL}{people['lan'].pk}/").status_code == 404
    assert clerk.get(f"{URL}999999/").status_code == 404


def test_a_person_sees_only_their_own_and_a_leader_sees_none(people, province):
    mine = client_for(people["person"])
    assert names(mine.get(URL)) == ["Nguyễn Văn Thắng"]
    assert mine.get(f"{URL}{people['lan'].pk}/").status_code == 404
    leader = client_for(make_account("lanhdao", unit=province["root"], role=Role.LEADER))
    assert names(leader.get(URL)) == []
    assert APIClient().get(URL).status_code == 403


def test_filters_and_accent_insensitive_search(people, admin_user):
    admin = client_for(admin_user)
    assert names(admin.get(URL, {"search": "tran thi lan"})) == ["Trần Thị Lan"]
    assert names(admin.get(URL, {"search": "0870900"})) == ["Nguyễn Văn Thắng"]
    assert names(admin.get(URL, {"sex": "2"})) == ["Trần Thị Lan"]
    assert names(admin.get(URL, {"personnel_category": "CC"})) == ["Nguyễn Văn Thắng"]
    # Vietnamese name order: by given name — Lan before Thắng.
    assert names(admin.get(URL)) == ["Trần Thị Lan", "Nguyễn Văn Thắng"]
    assert admin.get(URL, {"cf_khong_co": "1"}).status_code == 400


def test_list_rows_are_exactly_the_declared_serializer_output(people, admin_user):
    """The list's fast row writer (``DossierRowsSerializer``) gives what the per-field serializer
    (the OpenAPI schema) declares, field for field, on the loaded subset of columns."""
    from records.api.serializers import DossierListSerializer
    from records.models import Dossier

    admin = client_for(admin_user)
    rows = admin.get(URL).json()["results"]
    expected = [DossierListSerializer(Dossier.objects.get(pk=row["id"])).data for row in rows]
    assert rows == [dict(item) for item in expected]
    assert rows[0]["unit"] == {"id": people["lan"].unit.pk, "name": "Sở Tài chính", "code": people["lan"].unit.code}
    assert rows[0]["status_label"] == "Đang công tác"
    assert rows[0]["birth_date"] == str(people["lan"].birth_date)


def test_custom_field_filter(people, admin_user):
    field_definition_save(
        values={"target": "dossier", "key": "so_the_dang", "label": "Số thẻ đảng", "field_type": "text"}
    )
    admin = client_for(admin_user)
    version = admin.post(
        f"{URL}{people['thang'].pk}/changes/",
        {"sections": {"custom": {"so_the_dang": "79.123"}}, "expected_version": 1},
        format="json",
    )
    assert version.status_code == 201, version.json()
    from records.services.versions import version_publish

    version_publish(version=DossierVersion.objects.get(dossier=people["thang"], number=2))
    assert names(admin.get(URL, {"cf_so_the_dang": "79.1"})) == ["Nguyễn Văn Thắng"]


def test_create_and_change_with_conflict_through_the_api(clerk, province):
    body = {"unit": province["chi_cuc"].pk, "personal_id": "087090000777", "content": content()}
    created = clerk.post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert clerk.post(URL, body, format="json").json()["personal_id"]  # duplicate → message on the field
    change = {"sections": {"health": {"health_status": "Tốt"}}, "expected_version": 1}
    first = clerk.post(f"{URL}{pk}/changes/", change, format="json")
    assert first.status_code == 201 and first.json()["number"] == 2
    stale = clerk.post(
        f"{URL}{pk}/changes/", {**change, "sections": {"health": {"health_status": "Yếu"}}}, format="json"
    )
    assert stale.status_code == 400 and "expected_version" in stale.json()
    elsewhere = {**body, "unit": province["tai_chinh"].pk, "personal_id": "087090000778"}
    outside = clerk.post(URL, elsewhere, format="json")
    assert outside.status_code == 403


def test_versions_and_compare(clerk, people):
    pk = people["thang"].pk
    clerk.post(
        f"{URL}{pk}/changes/",
        {"sections": {"identity": {**BASE_CONTENT["identity"], "phone": "0912000111"}}, "expected_version": 1},
        format="json",
    )
    versions = clerk.get(f"{URL}{pk}/versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    assert clerk.get(f"{URL}{pk}/versions/2/").json()["content"]["identity"]["phone"] == "0912000111"
    assert clerk.get(f"{URL}{pk}/versions/9/").status_code == 404
    diff = clerk.get(f"{URL}{pk}/compare/", {"base": 1, "to": 2}).json()["sections"]
    assert [(s["key"], s["changes"][0]["after"]) for s in diff] == [("identity", "0912000111")]


def test_declare_with_a_file_and_review(people, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mine = client_for(people["person"])
    pk = people["thang"].pk
    rows = '[{"period_from": "2019-03", "institution": "ĐH Cần Thơ", "language": "ANH"}]'
    response = mine.post(
        f"{URL}{pk}/declarations/",
        {"section": "training_language", "proposed": rows, "files": [SimpleUploadedFile("cc.pdf", b"%PDF-1.4 x")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    declaration = response.json()
    assert declaration["evidence"][0]["content_type"] == "application/pdf"
    queue = clerk.get("/api/v1/declarations/").json()["results"]
    assert [d["id"] for d in queue] == [declaration["id"]]
    assert client_for(people["person"]).get("/api/v1/declarations/").json()["results"] == []  # not a reviewer
    returned = clerk.post(f"/api/v1/declarations/{declaration['id']}/return/", {"reason": ""}, format="json")
    assert returned.status_code == 400
    accepted = clerk.post(f"/api/v1/declarations/{declaration['id']}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["result_version"] == 2
    assert Declaration.objects.get(pk=declaration["id"]).status == "accepted"
    salary = mine.post(f"{URL}{pk}/declarations/", {"section": "salary", "proposed": {}}, format="json")
    assert salary.status_code == 403
