"""API views: parse the request with a serializer, call one selector or service, render.

No business rule lives here. Every write goes through ``ServiceCallMixin.call_service``,
which passes the signed-in user as the actor and answers a service's
``ValidationError`` with HTTP 400, keeping its field keys and messages.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal import selectors
from portal.api import serializers as api
from portal.api.permissions import ReadSignedInWriteWithPermission
from portal.identifiers import normalize_code
from portal.models import CatalogueEntry, CatalogueKind, Unit
from portal.services.catalogues import (
    entry_create,
    entry_delete,
    entry_reactivate,
    entry_retire,
    entry_update,
    kind_save,
)
from portal.services.units import unit_create, unit_dissolve, unit_merge, unit_move, unit_split, unit_update


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


# --- units -------------------------------------------------------------------------------------


_BAD_REQUEST = {400: OpenApiTypes.OBJECT}


@extend_schema(tags=["units"])
class UnitViewSet(ServiceCallMixin, viewsets.GenericViewSet):
    """The unit tree: every signed-in account reads; ``portal.change_unit`` writes.

    Units are never deleted (DELETE answers 405): they are merged, split or dissolved.
    """

    write_permission = "portal.change_unit"
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = api.UnitSerializer
    serializer_classes = {
        "retrieve": api.UnitDetailSerializer,
        "create": api.UnitCreateSerializer,
        "partial_update": api.UnitUpdateSerializer,
        "move": api.UnitMoveSerializer,
        "merge": api.UnitMergeSerializer,
        "split": api.UnitSplitSerializer,
        "dissolve": api.UnitDissolveSerializer,
        "tree": api.UnitTreeSerializer,
        "events": api.UnitEventSerializer,
    }

    def get_queryset(self):
        return selectors.unit_list(include_dissolved=True)

    def get_serializer_class(self):
        # The browsable API asks the list and detail views for their POST / PATCH forms.
        method = getattr(self.request, "method", "GET")
        if self.action == "list" and method == "POST":
            return api.UnitCreateSerializer
        if self.action == "retrieve" and method == "PATCH":
            return api.UnitUpdateSerializer
        return self.serializer_classes.get(self.action, self.serializer_class)

    # rendering helpers: a fixed number of queries whatever the number of rows

    def row_context(self, units: list[Unit], *, include_dissolved: bool = False) -> dict:
        parent_paths = {Unit._get_basepath(unit.path, unit.depth - 1) for unit in units if unit.depth > 1}
        by_path = (
            dict(self.get_queryset().filter(path__in=parent_paths).values_list("path", "pk")) if parent_paths else {}
        )
        return {
            **self.get_serializer_context(),
            "parent_ids": {unit.pk: by_path.get(Unit._get_basepath(unit.path, unit.depth - 1)) for unit in units},
            "children_counts": selectors.unit_children_counts(units, include_dissolved=include_dissolved),
        }

    def render_detail(self, unit: Unit) -> dict:
        ancestors = list(unit.get_ancestors())
        context = {
            **self.get_serializer_context(),
            "parent_ids": {unit.pk: ancestors[-1].pk if ancestors else None},
            "ancestors": {unit.pk: ancestors},
            "children_counts": selectors.unit_children_counts([unit]),
        }
        return api.UnitDetailSerializer(unit, context=context).data

    # reads

    @extend_schema(parameters=[api.UnitListQuerySerializer], responses=api.UnitSerializer(many=True))
    def list(self, request):
        query = self.parse(api.UnitListQuerySerializer, data=request.query_params).validated_data
        units = selectors.unit_list(
            include_dissolved=query["include_dissolved"], search=query["search"], parent=query.get("parent")
        )
        if query["root"]:
            units = units.filter(depth=1)
        if query["code"]:
            units = units.filter(code=normalize_code(query["code"]))
        page = self.paginate_queryset(units)
        context = self.row_context(page, include_dissolved=query["include_dissolved"])
        return self.get_paginated_response(api.UnitSerializer(page, many=True, context=context).data)

    @extend_schema(responses=api.UnitDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self.render_detail(self.get_object()))

    @extend_schema(parameters=[api.UnitTreeQuerySerializer], responses=api.UnitTreeSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def tree(self, request, pk=None):
        """The subtree under a unit, nested to ``depth`` levels (active units unless asked)."""
        unit = self.get_object()
        query = self.parse(api.UnitTreeQuerySerializer, data=request.query_params).validated_data
        bottom = unit.depth + query["depth"]
        nodes = list(
            selectors.unit_list(include_dissolved=query["include_dissolved"]).filter(
                path__startswith=unit.path, depth__gt=unit.depth, depth__lte=bottom
            )
        )
        unit.tree_children = []
        by_path = {unit.path: unit}
        for node in nodes:  # tree order: a parent always comes before its children
            node.tree_children = []
            parent = by_path.get(Unit._get_basepath(node.path, node.depth - 1))
            if parent is not None:
                parent.tree_children.append(node)
                by_path[node.path] = node
        placed = list(by_path.values())
        frontier = [node for node in placed if node.depth == bottom]
        counts = {node.pk: len(node.tree_children) for node in placed if node.depth < bottom}
        counts.update(selectors.unit_children_counts(frontier, include_dissolved=query["include_dissolved"]))
        context = {**self.get_serializer_context(), "children_counts": counts}
        return Response(api.UnitTreeSerializer(unit, context=context).data)

    @extend_schema(responses=api.UnitEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The unit's history, newest first."""
        page = self.paginate_queryset(selectors.unit_events(unit=self.get_object()))
        return self.get_paginated_response(api.UnitEventSerializer(page, many=True).data)

    # writes

    @extend_schema(request=api.UnitCreateSerializer, responses={201: api.UnitDetailSerializer, **_BAD_REQUEST})
    def create(self, request):
        form = self.parse(api.UnitCreateSerializer)
        data = form.validated_data
        unit = self.call_service(
            unit_create,
            name=data["name"],
            unit_type=data["unit_type"],
            parent=data["parent"],
            short_name=data["short_name"],
            code=data["code"],
            admin_area_code=data["admin_area_code"],
            established_on=data["established_on"],
            quotas=dict(data.get("quotas") or {}),
            decision=form.decision(default_effective_on=data["established_on"]),
        )
        return Response(self.render_detail(unit), status=status.HTTP_201_CREATED)

    @extend_schema(request=api.UnitUpdateSerializer, responses={200: api.UnitDetailSerializer, **_BAD_REQUEST})
    def partial_update(self, request, pk=None):
        unit = self.get_object()
        form = self.parse(api.UnitUpdateSerializer, partial=True)
        unit = self.call_service(unit_update, unit=unit, changes=form.changes(), decision=form.decision())
        return Response(self.render_detail(unit))

    @extend_schema(request=api.UnitMoveSerializer, responses={200: api.UnitDetailSerializer, **_BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the unit (with its sub-units) under another unit."""
        unit = self.get_object()
        form = self.parse(api.UnitMoveSerializer)
        data = form.validated_data
        unit = self.call_service(
            unit_move,
            unit=unit,
            new_parent=data["new_parent"],
            code_map=data.get("code_map"),
            decision=form.decision(),
        )
        return Response(self.render_detail(unit))

    @extend_schema(request=api.UnitMergeSerializer, responses={200: api.UnitDetailSerializer, **_BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge the unit into ``target``; answers the target."""
        source = self.get_object()
        form = self.parse(api.UnitMergeSerializer)
        data = form.validated_data
        target = self.call_service(
            unit_merge,
            source=source,
            target=data["target"],
            code_map=data.get("code_map"),
            combine_quotas=data["combine_quotas"],
            decision=form.decision(),
        )
        return Response(self.render_detail(target))

    @extend_schema(request=api.UnitSplitSerializer, responses={201: api.UnitSerializer(many=True), **_BAD_REQUEST})
    @action(detail=True, methods=["post"], pagination_class=None)
    def split(self, request, pk=None):
        """Split the unit into new units; answers the new units."""
        source = self.get_object()
        form = self.parse(api.UnitSplitSerializer)
        data = form.validated_data
        created = self.call_service(
            unit_split,
            source=source,
            parts=form.parts_list(),
            child_assignment=data.get("child_assignment"),
            code_map=data.get("code_map"),
            dissolve_source=data["dissolve_source"],
            decision=form.decision(),
        )
        created = list(self.get_queryset().filter(pk__in=[unit.pk for unit in created]))
        return Response(
            api.UnitSerializer(created, many=True, context=self.row_context(created)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=api.UnitDissolveSerializer, responses={200: api.UnitDetailSerializer, **_BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        """Dissolve the unit (refused while it has active sub-units or people)."""
        unit = self.get_object()
        form = self.parse(api.UnitDissolveSerializer)
        unit = self.call_service(unit_dissolve, unit=unit, decision=form.decision())
        return Response(self.render_detail(unit))


# --- catalogues ----------------------------------------------------------------------------------


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
        responses={201: api.CatalogueKindDetailSerializer, 400: OpenApiTypes.OBJECT},
    )
    def create(self, request):
        form = self.parse(api.CatalogueKindWriteSerializer)
        kind = self.call_service(kind_save, values=dict(form.validated_data), instance=None)
        return Response(self.render_detail(kind), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=api.CatalogueKindWriteSerializer,
        responses={200: api.CatalogueKindDetailSerializer, 400: OpenApiTypes.OBJECT},
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
        responses={201: api.CatalogueEntrySerializer, 400: OpenApiTypes.OBJECT},
    )
    def create(self, request, kind_code=None):
        kind = self.get_kind()
        form = self.parse(api.CatalogueEntryWriteSerializer)
        entry = self.call_service(entry_create, kind=kind, values=dict(form.validated_data))
        return Response(self.render_entry(entry), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=api.CatalogueEntryWriteSerializer,
        responses={200: api.CatalogueEntrySerializer, 400: OpenApiTypes.OBJECT},
    )
    def partial_update(self, request, kind_code=None, pk=None):
        entry = self.get_object()
        form = self.parse(api.CatalogueEntryWriteSerializer, partial=True)
        entry = self.call_service(entry_update, entry=entry, values=dict(form.validated_data))
        return Response(self.render_entry(entry))

    @extend_schema(request=None, responses={204: None, 400: OpenApiTypes.OBJECT})
    def destroy(self, request, kind_code=None, pk=None):
        entry = self.get_object()
        self.call_service(entry_delete, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=api.CatalogueEntryRetireSerializer,
        responses={200: api.CatalogueEntrySerializer, 400: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, kind_code=None, pk=None):
        """Take the entry out of use; it stays for history and existing references."""
        entry = self.get_object()
        form = self.parse(api.CatalogueEntryRetireSerializer)
        entry = self.call_service(entry_retire, entry=entry, retired_on=form.validated_data["retired_on"])
        return Response(self.render_entry(entry))

    @extend_schema(request=None, responses={200: api.CatalogueEntrySerializer, 400: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, kind_code=None, pk=None):
        """Put a retired entry back in use."""
        entry = self.call_service(entry_reactivate, entry=self.get_object())
        return Response(self.render_entry(entry))
