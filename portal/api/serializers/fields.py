"""Serializers of the field catalogue: definitions (read and write) and custom values of objects.

Values of custom fields are checked only by ``portal.services.fields.values.custom_fields_clean``
(through the object's service); here they are passed on as a JSON object.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.choices import FieldSensitivity, FieldTarget, FieldType
from portal.models import FieldDefinition
from portal.services.fields.access import can_read_secret_fields, field_definitions
from portal.services.fields.definitions import DEFINITION_FIELDS

CUSTOM_FIELDS_HELP = _(
    "Custom field values {key: value} (see /api/v1/custom-fields/). Dates yyyy-mm-dd or dd/mm/yyyy, "
    "decimals as text, catalogue codes (a list for multiple choice), files as the path of a file "
    "already stored under custom_fields/<target>/<key>/ (uploads are done in the admin). "
    "On PATCH only the keys sent change; null clears a value."
)


class FieldDefinitionSerializer(serializers.ModelSerializer):
    """A custom field definition."""

    catalogue = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Catalogue code."))
    field_type_label = serializers.CharField(source="get_field_type_display", read_only=True)

    class Meta:
        model = FieldDefinition
        # The same fields the service writes, plus the id, the type label and the state.
        fields = ["id", *DEFINITION_FIELDS, "field_type_label", "active"]
        read_only_fields = fields


class FieldDefinitionWriteSerializer(serializers.Serializer):
    """The body of a create or change; every rule is checked by ``field_definition_save``."""

    target = serializers.ChoiceField(choices=FieldTarget.choices, required=False)
    key = serializers.CharField(max_length=64, required=False)
    label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    label_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    help_text = serializers.CharField(max_length=500, required=False, allow_blank=True)
    field_type = serializers.ChoiceField(choices=FieldType.choices, required=False)
    required = serializers.BooleanField(required=False)
    regex = serializers.CharField(max_length=300, required=False, allow_blank=True)
    min_value = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    max_value = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    unique = serializers.BooleanField(required=False)
    catalogue = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text=_("Catalogue code, for choice types.")
    )
    section = serializers.CharField(max_length=100, required=False, allow_blank=True)
    personnel_categories = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Codes of catalogue loai_nhan_su; empty: all.")
    )
    sensitivity = serializers.ChoiceField(choices=FieldSensitivity.choices, required=False)
    order = serializers.IntegerField(required=False, min_value=0)


class FieldDefinitionListQuerySerializer(serializers.Serializer):
    target = serializers.ChoiceField(
        choices=FieldTarget.choices, required=False, default=FieldTarget.UNIT, help_text=_("unit or dossier.")
    )
    include_retired = serializers.BooleanField(
        required=False, default=False, help_text=_("Also list retired fields (system administrators).")
    )


def visible_custom_keys(context: dict, target: str) -> set[str] | None:
    """Keys of ``target``'s custom fields the request's user may read (None: all of them).

    System administrators read everything stored; others the keys of non-secret
    definitions. Worked out once per request (one query, two when there are secret
    fields and the user is not a superuser) and kept in the serializer context.
    """
    cache_key = f"_custom_keys_{target}"
    if cache_key not in context:
        definitions = list(field_definitions(target=target, include_retired=True).values_list("key", "sensitivity"))
        secret = {key for key, sensitivity in definitions if sensitivity == FieldSensitivity.SECRET}
        request = context.get("request")
        user = getattr(request, "user", None)
        if secret and can_read_secret_fields(user):
            context[cache_key] = None
        else:
            context[cache_key] = {key for key, _sensitivity in definitions if key not in secret}
    return context[cache_key]


@extend_schema_field(OpenApiTypes.OBJECT)
class CustomFieldsReadField(serializers.Field):
    """The object's ``custom_fields`` (declare it as ``custom_fields``) without what the user may not read."""

    def __init__(self, *, target: str, **kwargs):
        self.target = target
        kwargs.setdefault("read_only", True)
        kwargs.setdefault(
            "help_text", _("Custom field values {key: value}; 'secret' fields for system administrators only.")
        )
        super().__init__(**kwargs)

    def to_representation(self, value) -> dict:
        if not value:
            return {}  # nothing stored: no need to read the definitions
        keys = visible_custom_keys(self.context, self.target)
        if keys is None:
            return dict(value)
        return {key: item for key, item in value.items() if key in keys}


def custom_fields_write_field(**kwargs) -> serializers.DictField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("label", _("Custom fields"))
    kwargs.setdefault("help_text", CUSTOM_FIELDS_HELP)
    return serializers.DictField(child=serializers.JSONField(allow_null=True), **kwargs)
