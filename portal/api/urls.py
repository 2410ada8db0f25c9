"""API routes, included at /api/ by ``portal.urls``.

/api/v1/ holds the endpoints (browsable with a signed-in session); /api/schema/
serves the OpenAPI document, /api/docs/ Swagger UI and /api/redoc/ ReDoc, both
from the locally served sidecar assets (no CDN on closed networks).
"""

import importlib
import importlib.util

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from portal.api.views import CatalogueEntryViewSet, CatalogueKindViewSet, UnitViewSet
from portal.api.views.accounts import AccountViewSet, GrantViewSet
from portal.api.views.fields import FieldDefinitionViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("catalogues", CatalogueKindViewSet, basename="catalogue")
router.register("custom-fields", FieldDefinitionViewSet, basename="custom-field")
router.register(r"catalogues/(?P<kind_code>[a-z][a-z0-9_]*)/entries", CatalogueEntryViewSet, basename="catalogue-entry")
router.register("accounts", AccountViewSet, basename="account")
router.register(r"accounts/(?P<account_pk>\d+)/grants", GrantViewSet, basename="account-grant")


def register_app_routes(router) -> None:
    """Apps built on the platform add their endpoints here: ``<app>.api.routes.register(router)``."""
    for app_config in apps.get_app_configs():
        if app_config.name == "portal":
            continue
        package = importlib.util.find_spec(f"{app_config.name}.api")
        if package is None or package.submodule_search_locations is None:
            continue  # no api package (some third-party apps have a plain ``api`` module)
        if importlib.util.find_spec(f"{app_config.name}.api.routes") is not None:
            importlib.import_module(f"{app_config.name}.api.routes").register(router)


register_app_routes(router)


def only_api_endpoints(endpoints):
    """drf-spectacular preprocessing hook: document this API, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


# Used by the schema view and by ``manage.py spectacular --custom-settings portal.api.urls.SCHEMA_SETTINGS``.
SCHEMA_SETTINGS = {"PREPROCESSING_HOOKS": ["portal.api.urls.only_api_endpoints"]}
signed_in = [IsAuthenticated]

urlpatterns = [
    path("v1/", include(router.urls)),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=signed_in, custom_settings=SCHEMA_SETTINGS),
        name="api-schema",
    ),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=signed_in), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema", permission_classes=signed_in), name="api-redoc"),
]
