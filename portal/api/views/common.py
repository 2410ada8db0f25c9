"""What every API viewset shares: service calls on behalf of the user, their errors as HTTP 400."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.settings import api_settings

from portal.api.permissions import ReadSignedInWriteWithPermission

# The schema of the 400 answer of every write (``service_error_detail``'s shape).
BAD_REQUEST = {400: OpenApiTypes.OBJECT}


def service_error_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ``ValidationError`` as DRF error detail: {field: [messages]}.

    Errors without a field (Django's ``__all__`` or a plain message) go under DRF's
    ``non_field_errors`` key so that every 400 body has the same shape.
    """
    if hasattr(exc, "error_dict"):
        detail = {}
        for field_name, messages in exc.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field_name == NON_FIELD_ERRORS else field_name
            detail.setdefault(key, []).extend(str(message) for message in messages)
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in exc.messages]}


class ServiceCallMixin:
    """Runs write services on behalf of the signed-in user; answers their errors with 400."""

    permission_classes = [ReadSignedInWriteWithPermission]

    def call_service(self, service, /, **kwargs):
        try:
            return service(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(service_error_detail(exc)) from exc

    def parse(self, serializer_class, *, data=None, partial: bool = False):
        """Validate ``data`` (the request body by default) or answer 400."""
        serializer = serializer_class(
            data=self.request.data if data is None else data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer
