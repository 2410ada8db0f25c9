"""API views: parse the request with a serializer, call one selector or service, render.

No business rule lives here. Every write goes through ``ServiceCallMixin.call_service``,
which passes the signed-in user as the actor and answers a service's
``ValidationError`` with HTTP 400, keeping its field keys and messages.
"""

from portal.api.views.catalogues import CatalogueEntryViewSet, CatalogueKindViewSet
from portal.api.views.common import BAD_REQUEST, ServiceCallMixin, service_error_detail
from portal.api.views.units import UnitViewSet

__all__ = [
    "BAD_REQUEST",
    "CatalogueEntryViewSet",
    "CatalogueKindViewSet",
    "ServiceCallMixin",
    "UnitViewSet",
    "service_error_detail",
]
