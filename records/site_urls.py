"""Public-site routes of the records app (outside the admin), included by ``portal.urls``."""

from records.selfservice import urlpatterns as self_service_urls

urlpatterns = self_service_urls()
