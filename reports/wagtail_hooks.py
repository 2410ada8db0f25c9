"""Admin hooks of the reports app: the résumé pages under /admin/ho-so/<pk>/so-yeu-ly-lich…"""

from __future__ import annotations

from django.urls import include, path
from wagtail import hooks

from reports import views


@hooks.register("register_admin_urls")
def register_resume_urls():
    return [path("", include((views.urlpatterns(), "reports_resume"), namespace="reports_resume"))]
