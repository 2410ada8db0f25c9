"""The accounts endpoints: list and detail through the scoping primitive, writes through the services.

Reads need the "view accounts" capability (an individual sees only their own
account); writes need "manage accounts". Every object is looked up with
``scoping.access``, so an account or grant outside the caller's subtrees answers
404 exactly like a missing one. ``AccountPermissionDenied`` answers 403 with the
service's message.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from portal import scoping
from portal.api.serializers import accounts as api
from portal.api.views.common import BAD_REQUEST, ServiceCallMixin
from portal.models import Grant
from portal.selectors_accounts import access_account, account_list, active_grants_prefetch
from portal.services.accounts import (
    AccountPermissionDenied,
    account_create,
    account_lock,
    account_reset_password,
    account_revoke,
    account_unlock,
    grant_create,
    grant_revoke,
)

DENIED = {403: None, 404: None}


class ScopedAccountPermission(BasePermission):
    """Signed in, and able to view (reads) or manage (writes) some accounts at all."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return scoping.can(user, scoping.VIEW if request.method in SAFE_METHODS else scoping.MANAGE, get_user_model())


class AccountServiceMixin(ServiceCallMixin):
    permission_classes = [ScopedAccountPermission]

    def call_service(self, service, /, **kwargs):
        try:
            return super().call_service(service, **kwargs)
        except AccountPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc

    def render(self, account, serializer_class=None, **extra):
        account = (
            get_user_model()
            .objects.prefetch_related(active_grants_prefetch())
            .select_related("unit")
            .get(pk=account.pk)
        )
        for key, value in extra.items():
            setattr(account, key, value)
        return (serializer_class or api.AccountSerializer)(account, context=self.get_serializer_context()).data


@extend_schema(tags=["accounts"])
class AccountViewSet(AccountServiceMixin, viewsets.GenericViewSet):
    """Accounts in the caller's subtrees. Accounts are revoked, never deleted (DELETE answers 405)."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = api.AccountSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return account_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list" and getattr(self.request, "method", "GET") == "POST":
            return api.AccountCreateSerializer
        return {
            "create": api.AccountCreateSerializer,
            "lock": api.AccountLockSerializer,
        }.get(self.action, self.serializer_class)

    @extend_schema(parameters=[api.AccountListQuerySerializer], responses=api.AccountSerializer(many=True))
    def list(self, request):
        query = self.parse(api.AccountListQuerySerializer, data=request.query_params).validated_data
        accounts = account_list(user=request.user, search=query["search"], unit=query.get("unit"))
        page = self.paginate_queryset(accounts)
        return self.get_paginated_response(api.AccountSerializer(page, many=True).data)

    @extend_schema(responses={200: api.AccountSerializer, **DENIED})
    def retrieve(self, request, pk=None):
        return Response(self.render(access_account(user=request.user, pk=pk)))

    @extend_schema(
        request=api.AccountCreateSerializer, responses={201: api.AccountCreatedSerializer, **BAD_REQUEST, **DENIED}
    )
    def create(self, request):
        data = self.parse(api.AccountCreateSerializer).validated_data
        created = self.call_service(account_create, request=request, **data)
        body = self.render(created.user, api.AccountCreatedSerializer, initial_password=created.initial_password)
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(request=api.AccountLockSerializer, responses={200: api.AccountSerializer, **DENIED})
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        """Lock the account until an administrator unlocks it."""
        account = access_account(user=request.user, pk=pk, action=scoping.MANAGE)
        reason = self.parse(api.AccountLockSerializer).validated_data["reason"]
        return Response(self.render(self.call_service(account_lock, user=account, reason=reason, request=request)))

    @extend_schema(request=None, responses={200: api.AccountSerializer, **DENIED})
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        account = access_account(user=request.user, pk=pk, action=scoping.MANAGE)
        return Response(self.render(self.call_service(account_unlock, user=account, request=request)))

    @extend_schema(request=None, responses={200: api.PasswordSerializer, **DENIED})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        """A new password, answered once, to be changed at the next sign-in."""
        account = access_account(user=request.user, pk=pk, action=scoping.MANAGE)
        password = self.call_service(account_reset_password, user=account, request=request)
        return Response({"password": password}, headers={"Cache-Control": "no-store"})

    @extend_schema(request=None, responses={200: api.AccountSerializer, **DENIED})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Deactivate the account and revoke all its grants."""
        account = access_account(user=request.user, pk=pk, action=scoping.MANAGE)
        return Response(self.render(self.call_service(account_revoke, user=account, request=request)))


@extend_schema(tags=["accounts"])
class GrantViewSet(AccountServiceMixin, viewsets.GenericViewSet):
    """The grants of one account (in force and past); created and revoked, never deleted."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = api.GrantSerializer
    lookup_value_regex = r"\d+"

    def get_account(self, action: str = scoping.VIEW):
        return access_account(user=self.request.user, pk=self.kwargs["account_pk"], action=action)

    def get_queryset(self):
        return scoping.restrict(self.request.user, scoping.VIEW, Grant.objects.select_related("unit")).filter(
            user_id=self.kwargs.get("account_pk")
        )

    def get_serializer_class(self):
        if self.action in ("create",) or (self.action == "list" and getattr(self.request, "method", "GET") == "POST"):
            return api.GrantCreateSerializer
        return self.serializer_class

    @extend_schema(responses={200: api.GrantSerializer(many=True), **DENIED})
    def list(self, request, account_pk=None):
        account = self.get_account()
        page = self.paginate_queryset(self.get_queryset().filter(user=account).order_by("revoked_at", "role", "pk"))
        return self.get_paginated_response(api.GrantSerializer(page, many=True).data)

    @extend_schema(responses={200: api.GrantSerializer, **DENIED})
    def retrieve(self, request, account_pk=None, pk=None):
        self.get_account()
        grant = scoping.access(user=request.user, queryset=self.get_queryset(), pk=pk)
        return Response(api.GrantSerializer(grant).data)

    @extend_schema(request=api.GrantCreateSerializer, responses={201: api.GrantSerializer, **BAD_REQUEST, **DENIED})
    def create(self, request, account_pk=None):
        account = self.get_account(scoping.MANAGE)
        data = self.parse(api.GrantCreateSerializer).validated_data
        grant = self.call_service(grant_create, user=account, **data)
        return Response(api.GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: api.GrantSerializer, **DENIED})
    @action(detail=True, methods=["post"])
    def revoke(self, request, account_pk=None, pk=None):
        account = self.get_account(scoping.MANAGE)
        grant = scoping.access(
            user=request.user,
            queryset=Grant.objects.filter(user=account).select_related("unit"),
            pk=pk,
            action=scoping.MANAGE,
        )
        return Response(api.GrantSerializer(self.call_service(grant_revoke, grant=grant)).data)
