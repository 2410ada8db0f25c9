import importlib
import importlib.util

from django.apps import apps
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include(api_urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Until dashboards are published as pages, the site root leads to the portal.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]


def app_site_urls() -> list:
    """Routes of the apps built on the platform (``<app>.site_urls``), found without importing them here."""
    patterns = []
    for app_config in apps.get_app_configs():
        if app_config.name != "portal" and importlib.util.find_spec(f"{app_config.name}.site_urls") is not None:
            patterns += importlib.import_module(f"{app_config.name}.site_urls").urlpatterns
    return patterns


urlpatterns += app_site_urls()
# Uploaded files (custom-field files, evidence) are never served from MEDIA_URL:
# each is downloaded through a view that checks who may read it.
urlpatterns.append(path("", include(wagtail_urls)))
