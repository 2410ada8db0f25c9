"""The catalogue endpoints: catalogues (kinds) and the entries of one catalogue."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import selectors
from portal.api import serializers as api
from portal.api.views.common import BAD_REQUEST, ServiceCallMixin
from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogues import (
    entry_create,
    entry_delete,
    entry_reactivate,
    entry_retire,
    entry_update,
    kind_save,
)


@extend_schema(tags=["catalogues"])
class CatalogueKindViewSet(ServiceCallMixin, viewsets.GenericViewSet):
    """Catalogues (danh mục): every signed-in account reads; ``portal.change_cataloguekind`` writes."""

    write_permission = "portal.change_cataloguekind"
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_field = "code"
    serializer_class = api.CatalogueKindSerializer
    serializer_classes = {
        "retrieve": api.CatalogueKindDetailSerializer,
        "create": api.CatalogueKindWriteSerializer,
        "partial_update": api.CatalogueKindWriteSerializer,
    }

    def get_queryset(self):
        return selectors.catalogue_kinds()

    def get_serializer_class(self):
        if getattr(self.request, "method", "GET") in ("POST", "PATCH"):
            return api.CatalogueKindWriteSerializer
        return self.serializer_classes.get(self.action, self.serializer_class)

    def render_detail(self, kind: CatalogueKind) -> dict:
        return api.CatalogueKindDetailSerializer(self.get_queryset().get(pk=kind.pk)).data

    @extend_schema(responses=api.CatalogueKindSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(api.CatalogueKindSerializer(page, many=True).data)

    @extend_schema(responses=api.CatalogueKindDetailSerializer)
    def retrieve(self, request, code=None):
        return Response(api.CatalogueKindDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=api.CatalogueKindWriteSerializer,
        responses={201: api.CatalogueKindDetailSerializer, **BAD_REQUEST},
    )
    def create(self, request):
        form = self.parse(api.CatalogueKindWriteSerializer)
        kind = self.call_service(kind_save, values=dict(form.validated_data), instance=None)
        return Response(self.render_detail(kind), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=api.CatalogueKindWriteSerializer,
        responses={200: api.CatalogueKindDetailSerializer, **BAD_REQUEST},
    )
    def partial_update(self, request, code=None):
        kind = self.get_object()
        form = self.parse(api.CatalogueKindWriteSerializer, partial=True)
        kind = self.call_service(kind_save, values=dict(form.validated_data), instance=kind)
        return Response(self.render_detail(kind))


@extend_schema(tags=["catalogues"])
@extend_schema_view(
    **{
        name: extend_schema(
            parameters=[
                OpenApiParameter(
                    "kind_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Catalogue code, e.g. dan_toc."
                )
            ]
        )
        for name in ("list", "retrieve", "create", "partial_update", "destroy", "retire", "reactivate")
    }
)
class CatalogueEntryViewSet(ServiceCallMixin, viewsets.GenericViewSet):
    """Entries of one catalogue. Entries in use are retired, never deleted (DELETE answers 400)."""

    write_permission = "portal.change_catalogueentry"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    serializer_class = api.CatalogueEntrySerializer

    def get_kind(self) -> CatalogueKind:
        if not hasattr(self, "_kind"):
            self._kind = get_object_or_404(CatalogueKind, code=self.kwargs["kind_code"])
        return self._kind

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no kind in the URL
            return CatalogueEntry.objects.none()
        return selectors.catalogue_entries(kind=self.get_kind(), include_retired=True)

    def get_serializer_class(self):
        method = getattr(self.request, "method", "GET")
        if method in ("POST", "PATCH") and self.action in ("list", "retrieve", "create", "partial_update"):
            return api.CatalogueEntryWriteSerializer
        if self.action == "retire":
            return api.CatalogueEntryRetireSerializer
        return self.serializer_class

    def render_entry(self, entry: CatalogueEntry) -> dict:
        return api.CatalogueEntrySerializer(self.get_queryset().get(pk=entry.pk)).data

    @extend_schema(
        parameters=[api.CatalogueEntryListQuerySerializer], responses=api.CatalogueEntrySerializer(many=True)
    )
    def list(self, request, kind_code=None):
        kind = self.get_kind()
        query = self.parse(api.CatalogueEntryListQuerySerializer, data=request.query_params).validated_data
        entries = selectors.catalogue_entries(
            kind=kind, on=query["on"], include_retired=query["include_retired"], search=query["search"]
        )
        if query["parent"]:
            entries = entries.filter(parent__code=query["parent"])
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(api.CatalogueEntrySerializer(page, many=True).data)

    @extend_schema(responses=api.CatalogueEntrySerializer)
    def retrieve(self, request, kind_code=None, pk=None):
        return Response(api.CatalogueEntrySerializer(self.get_object()).data)

    @extend_schema(
        request=api.CatalogueEntryWriteSerializer,
        responses={201: api.CatalogueEntrySerializer, **BAD_REQUEST},
    )
    def create(self, request, kind_code=None):
        kind = self.get_kind()
        form = self.parse(api.CatalogueEntryWriteSerializer)
        entry = self.call_service(entry_create, kind=kind, values=dict(form.validated_data))
        return Response(self.render_entry(entry), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=api.CatalogueEntryWriteSerializer,
        responses={200: api.CatalogueEntrySerializer, **BAD_REQUEST},
    )
    def partial_update(self, request, kind_code=None, pk=None):
        entry = self.get_object()
        form = self.parse(api.CatalogueEntryWriteSerializer, partial=True)
        entry = self.call_service(entry_update, entry=entry, values=dict(form.validated_data))
        return Response(self.render_entry(entry))

    @extend_schema(request=None, responses={204: None, **BAD_REQUEST})
    def destroy(self, request, kind_code=None, pk=None):
        entry = self.get_object()
        self.call_service(entry_delete, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=api.CatalogueEntryRetireSerializer,
        responses={200: api.CatalogueEntrySerializer, **BAD_REQUEST},
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, kind_code=None, pk=None):
        """Take the entry out of use; it stays for history and existing references."""
        entry = self.get_object()
        form = self.parse(api.CatalogueEntryRetireSerializer)
        entry = self.call_service(entry_retire, entry=entry, retired_on=form.validated_data["retired_on"])
        return Response(self.render_entry(entry))

    @extend_schema(request=None, responses={200: api.CatalogueEntrySerializer, **BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, kind_code=None, pk=None):
        """Put a retired entry back in use."""
        entry = self.call_service(entry_reactivate, entry=self.get_object())
        return Response(self.render_entry(entry))
