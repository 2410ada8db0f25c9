"""The dossier API: reads through ``records.selectors`` (scoped), writes through ``records.services``.

Every signed-in account may call the read endpoints; what it sees is what
``portal.scoping`` gives it (a leader sees no individual dossier, a person only their
own). A dossier, version or declaration outside the caller's scope answers 404.
Service refusals answer 403 with their message, validation problems 400 keyed by field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal import scoping
from portal.api.views.common import BAD_REQUEST, service_error_detail
from portal.models import Unit
from records import selectors
from records.api import serializers as api
from records.models import Declaration, DossierVersion
from records.services.common import DossierPermissionDenied
from records.services.declarations import (
    declaration_accept,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from records.services.dossiers import dossier_change, dossier_create, dossier_status_change
from records.services.live_rows import content_of

DENIED = {403: None, 404: None}
WRITE_ERRORS = {**BAD_REQUEST, **DENIED}
CUSTOM_FILTER = OpenApiParameter("cf_<key>", str, description="Filter on a custom field of the dossiers.")


class RecordsServiceMixin:
    permission_classes = [IsAuthenticated]

    def call_service(self, service, /, **kwargs):
        try:
            return service(actor=self.request.user, **kwargs)
        except DossierPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(service_error_detail(exc)) from exc

    def parse(self, serializer_class, data=None):
        serializer = serializer_class(
            data=self.request.data if data is None else data, context={"request": self.request}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class DossierViewSet(RecordsServiceMixin, viewsets.GenericViewSet):
    """Dossiers (hồ sơ): list with filters, detail with the approved content, versions, compare;
    create, clerk changes and status changes through the services."""

    serializer_class = api.DossierListSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.dossier_list(user=self.request.user)

    def get_dossier(self, action_name: str = scoping.VIEW):
        return selectors.access_dossier(user=self.request.user, pk=self.kwargs["pk"], action=action_name)

    @extend_schema(
        parameters=[api.DossierFilterSerializer, OpenApiParameter("cf_<key>", str, description="Custom field filter")]
    )
    def list(self, request):
        query = api.DossierFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        unit_id = data.pop("unit", None)
        if unit_id is not None:
            data["unit"] = Unit.objects.filter(pk=unit_id).first()
            if data["unit"] is None:
                raise serializers.ValidationError({"unit": [str(_unknown_unit(unit_id))]})
        custom = {key[3:]: value for key, value in request.query_params.items() if key.startswith("cf_")}
        try:
            dossiers = selectors.dossier_list(
                user=request.user, filters=selectors.DossierFilters(**data, custom=custom)
            )
        except ValueError as exc:
            raise serializers.ValidationError({f"cf_{exc}": [str(_unknown_filter(exc))]}) from exc
        page = self.paginate_queryset(dossiers.only(*api.LIST_COLUMNS))
        return self.get_paginated_response(api.DossierListSerializer(page, many=True).data)

    @extend_schema(responses={200: api.DossierDetailSerializer, **DENIED})
    def retrieve(self, request, pk=None):
        dossier = self.get_dossier()
        content = selectors.content_for(user=request.user, content=content_of(dossier))
        return Response(api.DossierDetailSerializer(dossier, context={"content": content}).data)

    @extend_schema(request=api.DossierCreateSerializer, responses={201: api.DossierDetailSerializer, **BAD_REQUEST})
    def create(self, request):
        data = self.parse(api.DossierCreateSerializer)
        dossier = self.call_service(
            dossier_create, unit=data["unit"], personal_id=data["personal_id"], content=data["content"]
        )
        content = selectors.content_for(user=request.user, content=content_of(dossier))
        return Response(api.DossierDetailSerializer(dossier, context={"content": content}).data, status=201)

    @extend_schema(request=api.DossierChangeSerializer, responses={201: api.VersionSerializer, **BAD_REQUEST, **DENIED})
    @action(detail=True, methods=["post"])
    def changes(self, request, pk=None):
        """A clerk's change: the next pending version (refused if ``expected_version`` is stale)."""
        dossier = self.get_dossier()
        data = self.parse(api.DossierChangeSerializer)
        version = self.call_service(dossier_change, dossier=dossier, **data)
        return Response(api.VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=api.DossierStatusSerializer, responses={200: api.DossierListSerializer, **BAD_REQUEST, **DENIED}
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        dossier = self.get_dossier()
        data = self.parse(api.DossierStatusSerializer)
        dossier = self.call_service(dossier_status_change, dossier=dossier, **data)
        return Response(api.DossierListSerializer(dossier).data)

    @extend_schema(responses=api.VersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        dossier = self.get_dossier()
        page = self.paginate_queryset(selectors.dossier_versions(dossier=dossier))
        return self.get_paginated_response(api.VersionSerializer(page, many=True).data)

    @extend_schema(responses={200: api.VersionContentSerializer, **DENIED})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, pk=None, number=None):
        dossier = self.get_dossier()
        version = _version_or_404(dossier, int(number))
        content = selectors.content_for(user=request.user, content=version.content)
        return Response(api.VersionContentSerializer(version, context={"content": content}).data)

    @extend_schema(parameters=[api.CompareQuerySerializer], responses={200: dict, **DENIED})
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """Section-by-section differences between two versions (?base=1&to=3)."""
        dossier = self.get_dossier()
        query = api.CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            diffs = selectors.version_compare(
                user=request.user,
                dossier=dossier,
                base=query.validated_data["from_number"],
                to=query.validated_data["to_number"],
            )
        except DossierVersion.DoesNotExist:
            raise Http404 from None
        return Response(
            {
                "sections": [
                    {
                        "key": diff.key,
                        "title": diff.title,
                        "kind": diff.kind,
                        "changes": [
                            {"field": str(label), "before": before, "after": after}
                            for label, before, after in diff.changes
                        ],
                        "added_rows": diff.added,
                        "removed_rows": diff.removed,
                        "rows_before": diff.rows_before,
                        "rows_after": diff.rows_after,
                    }
                    for diff in diffs
                ]
            }
        )

    @extend_schema(methods=["get"], responses=api.DeclarationSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=api.DeclarationSubmitSerializer,
        responses={201: api.DeclarationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def declarations(self, request, pk=None):
        """The dossier's declarations (GET), or declare a section with evidence files (POST, multipart or JSON)."""
        dossier = self.get_dossier()
        if request.method == "GET":
            page = self.paginate_queryset(
                selectors.declarations_of(user=request.user, dossier=dossier).prefetch_related("evidence")
            )
            return self.get_paginated_response(api.DeclarationSerializer(page, many=True).data)
        data = self.parse(api.DeclarationSubmitSerializer)
        files = request.FILES.getlist("files") if request.FILES else []
        declaration = self.call_service(
            declaration_submit,
            dossier=dossier,
            section=data["section"],
            proposed=data["proposed"],
            note=data["note"],
            files=files,
        )
        return Response(api.DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)


class DeclarationViewSet(RecordsServiceMixin, viewsets.GenericViewSet):
    """The review queue (declarations awaiting review in the caller's scope) and the review actions."""

    serializer_class = api.DeclarationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.declaration_queue(user=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="A unit: its whole subtree."),
            OpenApiParameter("section", str),
            OpenApiParameter("older_than_days", int),
        ]
    )
    def list(self, request):
        params = request.query_params
        unit = Unit.objects.filter(pk=params["unit"]).first() if params.get("unit", "").isdigit() else None
        older = int(params["older_than_days"]) if params.get("older_than_days", "").isdigit() else None
        queue = selectors.declaration_queue(
            user=request.user, unit=unit, section=params.get("section", ""), older_than_days=older
        ).prefetch_related("evidence")
        page = self.paginate_queryset(queue)
        return self.get_paginated_response(api.DeclarationSerializer(page, many=True).data)

    def get_declaration(self, action_name: str = scoping.VIEW) -> Declaration:
        qs = Declaration.objects.select_related("dossier")
        return scoping.access(user=self.request.user, queryset=qs, pk=self.kwargs["pk"], action=action_name)

    @extend_schema(responses={200: api.DeclarationSerializer, **DENIED})
    def retrieve(self, request, pk=None):
        return Response(api.DeclarationSerializer(self.get_declaration()).data)

    @extend_schema(
        request=api.DeclarationReviewSerializer, responses={200: api.DeclarationSerializer, **BAD_REQUEST, **DENIED}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        declaration = self.get_declaration(scoping.CHANGE)
        data = self.parse(api.DeclarationReviewSerializer)
        declaration = self.call_service(
            declaration_accept,
            declaration=declaration,
            override_conflict=data["override_conflict"],
            reason=data["reason"],
        )
        return Response(api.DeclarationSerializer(declaration).data)

    @extend_schema(
        request=api.DeclarationReviewSerializer, responses={200: api.DeclarationSerializer, **BAD_REQUEST, **DENIED}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        declaration = self.get_declaration(scoping.CHANGE)
        data = self.parse(api.DeclarationReviewSerializer)
        declaration = self.call_service(declaration_return, declaration=declaration, reason=data["reason"])
        return Response(api.DeclarationSerializer(declaration).data)

    @extend_schema(request=None, responses={200: api.DeclarationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        declaration = self.get_declaration()
        declaration = self.call_service(declaration_withdraw, declaration=declaration)
        return Response(api.DeclarationSerializer(declaration).data)


def _version_or_404(dossier, number: int) -> DossierVersion:
    try:
        return selectors.version_get(dossier=dossier, number=number)
    except DossierVersion.DoesNotExist:
        raise Http404 from None


def _unknown_unit(unit_id):
    return gettext("There is no unit %(id)s.") % {"id": unit_id}


def _unknown_filter(key):
    return gettext("There is no custom field '%(key)s' to filter on.") % {"key": key}
