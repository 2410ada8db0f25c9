"""Public-site routes of the reports app (outside the admin), included by ``portal.urls``:
the person's own résumé in the self-service portal."""

from reports.selfservice import urlpatterns as self_service_urls

urlpatterns = self_service_urls()
