"""Accounts and grants in the API: rendering, and parsing request bodies into service arguments.

Scope and rank rules stay in ``portal.services.accounts``; a unit given here may be
any unit, and the service refuses those outside the actor's subtrees.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.serializers.units import UnitRefSerializer
from portal.choices import Role
from portal.forms.common import DATE_INPUT_FORMATS
from portal.models import Grant, Unit

DATE_FORMATS = ["iso-8601", *DATE_INPUT_FORMATS]


class GrantSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "user",
            "role",
            "role_label",
            "unit",
            "starts_on",
            "ends_on",
            "granted_at",
            "revoked_at",
            "note",
        ]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    """An account with its unit and the grants in force (prefetched as ``active_grants``)."""

    unit = UnitRefSerializer(read_only=True, allow_null=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    is_locked = serializers.BooleanField(read_only=True)
    roles = GrantSerializer(source="active_grants", many=True, read_only=True)

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "username",
            "full_name",
            "first_name",
            "last_name",
            "email",
            "unit",
            "birth_date",
            "personal_id",
            "is_active",
            "is_locked",
            "locked_at",
            "lock_reason",
            "must_change_password",
            "last_login",
            "roles",
        ]
        read_only_fields = fields


class AccountCreatedSerializer(AccountSerializer):
    """The created account and its initial password (answered once, never stored)."""

    initial_password = serializers.CharField(read_only=True)

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "initial_password"]
        read_only_fields = fields


class AccountListQuerySerializer(serializers.Serializer):
    search = serializers.CharField(required=False, default="", allow_blank=True)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, help_text=_("Only this unit's subtree.")
    )


class AccountCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    first_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None, input_formats=DATE_FORMATS)
    personal_id = serializers.CharField(max_length=12, required=False, default="", allow_blank=True)


class AccountLockSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(read_only=True, help_text=_("Shown once; must be changed at the next sign-in."))


class GrantCreateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), allow_null=True, help_text=_("Null: the whole province (system administrators).")
    )
    starts_on = serializers.DateField(required=False, allow_null=True, default=None, input_formats=DATE_FORMATS)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None, input_formats=DATE_FORMATS)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
