"""The unit-tree endpoints: list, detail, subtree, history and the tree operations."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from portal import selectors
from portal.api import serializers as api
from portal.api.views.common import BAD_REQUEST, ServiceCallMixin
from portal.choices import FieldTarget
from portal.identifiers import normalize_code
from portal.models import Unit
from portal.scoping import CHANGE, is_system_admin, restrict
from portal.services.fields.access import hidden_custom_keys
from portal.services.units.editing import unit_create, unit_update
from portal.services.units.reorganising import unit_dissolve, unit_merge, unit_move
from portal.services.units.splitting import unit_split


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
        units = selectors.unit_list(include_dissolved=True)
        if self.request.method not in SAFE_METHODS:
            # Writes reach only the units the account may change: others answer 404.
            return restrict(self.request.user, CHANGE, units)
        return units

    def require_in_scope(self, unit: Unit | None) -> None:
        """A target unit (parent, new parent, merge target) outside the account's scope answers 404."""
        if unit is None:
            if not is_system_admin(self.request.user):
                raise PermissionDenied(_("Only the system administrator can add a root unit."))
            return
        if not restrict(self.request.user, CHANGE, Unit.objects.filter(pk=unit.pk)).exists():
            raise Http404

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
        """The unit's history, newest first ("secret" custom values only for system administrators)."""
        page = self.paginate_queryset(selectors.unit_events(unit=self.get_object()))
        hidden = functools.cache(lambda: hidden_custom_keys(target=FieldTarget.UNIT, user=request.user))
        context = {**self.get_serializer_context(), "hidden_custom": hidden}
        return self.get_paginated_response(api.UnitEventSerializer(page, many=True, context=context).data)

    # writes

    def refuse_hidden_custom(self, values: dict | None) -> None:
        """Only system administrators set "secret" custom fields (they alone read them)."""
        hidden = hidden_custom_keys(target=FieldTarget.UNIT, user=self.request.user) if values else set()
        refused = sorted(set(values or {}) & hidden)
        if refused:
            message = _("Only the system administrator can set this field (state secret).")
            raise ValidationError({f"custom_fields.{key}": [message] for key in refused})

    @extend_schema(request=api.UnitCreateSerializer, responses={201: api.UnitDetailSerializer, **BAD_REQUEST})
    def create(self, request):
        form = self.parse(api.UnitCreateSerializer)
        data = form.validated_data
        self.require_in_scope(data["parent"])
        self.refuse_hidden_custom(data.get("custom_fields"))
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
            custom_fields=dict(data.get("custom_fields") or {}),
            decision=form.decision(default_effective_on=data["established_on"]),
        )
        return Response(self.render_detail(unit), status=status.HTTP_201_CREATED)

    @extend_schema(request=api.UnitUpdateSerializer, responses={200: api.UnitDetailSerializer, **BAD_REQUEST})
    def partial_update(self, request, pk=None):
        unit = self.get_object()
        form = self.parse(api.UnitUpdateSerializer, partial=True)
        changes = form.changes()
        self.refuse_hidden_custom(changes.get("custom_fields"))
        unit = self.call_service(unit_update, unit=unit, changes=changes, decision=form.decision())
        return Response(self.render_detail(unit))

    @extend_schema(request=api.UnitMoveSerializer, responses={200: api.UnitDetailSerializer, **BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the unit (with its sub-units) under another unit."""
        unit = self.get_object()
        form = self.parse(api.UnitMoveSerializer)
        data = form.validated_data
        self.require_in_scope(data["new_parent"])
        unit = self.call_service(
            unit_move,
            unit=unit,
            new_parent=data["new_parent"],
            code_map=data.get("code_map"),
            decision=form.decision(),
        )
        return Response(self.render_detail(unit))

    @extend_schema(request=api.UnitMergeSerializer, responses={200: api.UnitDetailSerializer, **BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge the unit into ``target``; answers the target."""
        source = self.get_object()
        form = self.parse(api.UnitMergeSerializer)
        data = form.validated_data
        self.require_in_scope(data["target"])
        target = self.call_service(
            unit_merge,
            source=source,
            target=data["target"],
            code_map=data.get("code_map"),
            combine_quotas=data["combine_quotas"],
            decision=form.decision(),
        )
        return Response(self.render_detail(target))

    @extend_schema(request=api.UnitSplitSerializer, responses={201: api.UnitSerializer(many=True), **BAD_REQUEST})
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

    @extend_schema(request=api.UnitDissolveSerializer, responses={200: api.UnitDetailSerializer, **BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        """Dissolve the unit (refused while it has active sub-units or people)."""
        unit = self.get_object()
        form = self.parse(api.UnitDissolveSerializer)
        unit = self.call_service(unit_dissolve, unit=unit, decision=form.decision())
        return Response(self.render_detail(unit))
