"""The field catalogue endpoint: custom field definitions (read by all signed-in accounts)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from portal.api.serializers.fields import (
    FieldDefinitionListQuerySerializer,
    FieldDefinitionSerializer,
    FieldDefinitionWriteSerializer,
)
from portal.api.views.common import BAD_REQUEST, ServiceCallMixin
from portal.models import FieldDefinition
from portal.scoping import is_system_admin
from portal.services.fields.access import field_definitions
from portal.services.fields.definitions import (
    field_definition_reactivate,
    field_definition_retire,
    field_definition_save,
)


class ReadSignedInWriteSystemAdmin(BasePermission):
    """Reads: any signed-in account. Writes: system administrators (configuration)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_system_admin(user)


@extend_schema(tags=["custom fields"])
class FieldDefinitionViewSet(ServiceCallMixin, viewsets.GenericViewSet):
    """Custom field definitions (``?target=unit``): every signed-in account reads the fields
    in use; system administrators also see retired ones and write through
    ``field_definition_save``. Definitions are retired, never deleted."""

    permission_classes = [ReadSignedInWriteSystemAdmin]
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = FieldDefinitionSerializer

    def get_queryset(self):
        if is_system_admin(self.request.user):
            return FieldDefinition.objects.select_related("catalogue")
        return FieldDefinition.objects.filter(active=True).select_related("catalogue")

    def get_serializer_class(self):
        if getattr(self.request, "method", "GET") in ("POST", "PATCH") and self.action in (
            "list",
            "retrieve",
            "create",
            "partial_update",
        ):
            return FieldDefinitionWriteSerializer
        return FieldDefinitionSerializer

    @extend_schema(parameters=[FieldDefinitionListQuerySerializer], responses=FieldDefinitionSerializer(many=True))
    def list(self, request):
        query = self.parse(FieldDefinitionListQuerySerializer, data=request.query_params).validated_data
        include_retired = query["include_retired"] and is_system_admin(request.user)
        definitions = field_definitions(target=query["target"], include_retired=include_retired)
        page = self.paginate_queryset(definitions)
        return self.get_paginated_response(FieldDefinitionSerializer(page, many=True).data)

    @extend_schema(responses=FieldDefinitionSerializer)
    def retrieve(self, request, pk=None):
        return Response(FieldDefinitionSerializer(self.get_object()).data)

    @extend_schema(request=FieldDefinitionWriteSerializer, responses={201: FieldDefinitionSerializer, **BAD_REQUEST})
    def create(self, request):
        form = self.parse(FieldDefinitionWriteSerializer)
        definition = self.call_service(field_definition_save, values=dict(form.validated_data), instance=None)
        return Response(FieldDefinitionSerializer(definition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FieldDefinitionWriteSerializer, responses={200: FieldDefinitionSerializer, **BAD_REQUEST})
    def partial_update(self, request, pk=None):
        definition = self.get_object()
        form = self.parse(FieldDefinitionWriteSerializer, partial=True)
        definition = self.call_service(field_definition_save, values=dict(form.validated_data), instance=definition)
        return Response(FieldDefinitionSerializer(definition).data)

    @extend_schema(request=None, responses={200: FieldDefinitionSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Take the field out of use (stored values are kept)."""
        definition = self.call_service(field_definition_retire, definition=self.get_object())
        return Response(FieldDefinitionSerializer(definition).data)

    @extend_schema(request=None, responses={200: FieldDefinitionSerializer, **BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Put a retired field back in use."""
        definition = self.call_service(field_definition_reactivate, definition=self.get_object())
        return Response(FieldDefinitionSerializer(definition).data)
