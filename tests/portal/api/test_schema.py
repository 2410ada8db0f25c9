"""The OpenAPI schema and the documentation pages (portal/api/urls.py)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.validation import validate_schema

from portal.api.urls import SCHEMA_SETTINGS

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/accounts/": {"get", "post"},
    "/api/v1/accounts/{account_pk}/grants/": {"get", "post"},
    "/api/v1/accounts/{account_pk}/grants/{id}/": {"get"},
    "/api/v1/accounts/{account_pk}/grants/{id}/revoke/": {"post"},
    "/api/v1/accounts/{id}/": {"get"},
    "/api/v1/accounts/{id}/lock/": {"post"},
    "/api/v1/accounts/{id}/reset-password/": {"post"},
    "/api/v1/accounts/{id}/revoke/": {"post"},
    "/api/v1/accounts/{id}/unlock/": {"post"},
    "/api/v1/units/": {"get", "post"},
    "/api/v1/units/{id}/": {"get", "patch"},
    "/api/v1/units/{id}/tree/": {"get"},
    "/api/v1/units/{id}/events/": {"get"},
    "/api/v1/units/{id}/move/": {"post"},
    "/api/v1/units/{id}/merge/": {"post"},
    "/api/v1/units/{id}/split/": {"post"},
    "/api/v1/units/{id}/dissolve/": {"post"},
    "/api/v1/catalogues/": {"get", "post"},
    "/api/v1/catalogues/{code}/": {"get", "patch"},
    "/api/v1/catalogues/{kind_code}/entries/": {"get", "post"},
    "/api/v1/catalogues/{kind_code}/entries/{id}/": {"get", "patch", "delete"},
    "/api/v1/catalogues/{kind_code}/entries/{id}/retire/": {"post"},
    "/api/v1/catalogues/{kind_code}/entries/{id}/reactivate/": {"post"},
    "/api/v1/custom-fields/": {"get", "post"},
    "/api/v1/custom-fields/{id}/": {"get", "patch"},
    "/api/v1/custom-fields/{id}/retire/": {"post"},
    "/api/v1/custom-fields/{id}/reactivate/": {"post"},
    # records (registered through records.api.routes)
    "/api/v1/dossiers/": {"get", "post"},
    "/api/v1/dossiers/{id}/": {"get"},
    "/api/v1/dossiers/{id}/changes/": {"post"},
    "/api/v1/dossiers/{id}/status/": {"post"},
    "/api/v1/dossiers/{id}/versions/": {"get"},
    "/api/v1/dossiers/{id}/versions/{number}/": {"get"},
    "/api/v1/dossiers/{id}/compare/": {"get"},
    "/api/v1/dossiers/{id}/declarations/": {"get", "post"},
    "/api/v1/declarations/": {"get"},
    "/api/v1/declarations/{id}/": {"get"},
    "/api/v1/declarations/{id}/accept/": {"post"},
    "/api/v1/declarations/{id}/return/": {"post"},
    "/api/v1/declarations/{id}/withdraw/": {"post"},
}


def test_schema_endpoint_serves_json(reader):
    response = reader.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Hồ sơ CBCCVC API"
    assert {path: set(methods) - {"parameters"} for path, methods in schema["paths"].items()} == EXPECTED_PATHS
    # Only this API is documented, not Wagtail's internal admin API.
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_schema_describes_requests_and_responses(reader):
    schema = json.loads(reader.get("/api/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]
    move = schema["paths"]["/api/v1/units/{id}/move/"]["post"]
    assert move["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/UnitMoveRequest")
    assert move["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/UnitDetail")
    assert set(components["UnitMoveRequest"]["required"]) == {"new_parent"}
    assert components["UnitTree"]["properties"]["children"]["items"]["$ref"].endswith("/UnitTree")
    events = schema["paths"]["/api/v1/units/{id}/events/"]["get"]
    assert events["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedUnitEventList"
    )
    list_params = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"parent", "root", "search", "include_dissolved", "code", "limit", "offset"} <= list_params
    entry_params = {p["name"] for p in schema["paths"]["/api/v1/catalogues/{kind_code}/entries/"]["get"]["parameters"]}
    assert {"kind_code", "on", "include_retired", "search", "parent"} <= entry_params
    assert components["UnitCreateRequest"]["properties"]["unit_type"]["type"] == "string"


def test_schema_needs_a_signed_in_user(client):
    assert client.get("/api/schema/", {"format": "json"}).status_code == 403


def test_schema_generates_without_warnings_or_errors():
    with patched_settings(SCHEMA_SETTINGS):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache
    assert not GENERATOR_STATS._error_cache
    validate_schema(schema)
    assert "/api/v1/units/" in schema["paths"]


def test_spectacular_command_validates_and_fails_on_no_warning(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--custom-settings",
        "portal.api.urls.SCHEMA_SETTINGS",
        "--file",
        str(target),
    )
    assert "/api/v1/catalogues/{kind_code}/entries/" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(("url", "marker"), [("/api/docs/", b"swagger-ui"), ("/api/redoc/", b"redoc")])
def test_documentation_pages(url, marker, reader, client):
    response = reader.get(url)
    assert response.status_code == 200
    assert marker in response.content.lower()
    assert b"cdn" not in response.content.lower()  # assets come from the sidecar, not a CDN
    assert client.get(url).status_code == 403
