"""Fields and request parts shared by the write serializers: unit references, unit types, the decision."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal import selectors
from portal.models import CatalogueEntry
from portal.services.units.common import UNIT_TYPE_KIND, Decision


@extend_schema_field(OpenApiTypes.STR)
class UnitTypeField(serializers.Field):
    """A unit type given by its code in the ``loai_don_vi`` catalogue.

    The entry valid today is preferred; a retired type is still resolved so that the
    service can refuse it with its own message.
    """

    default_error_messages = {
        "unknown": _("No unit type has the code '{code}'."),
        "invalid": _("Give the unit type as a code, for example SO."),
    }

    def to_internal_value(self, data) -> CatalogueEntry:
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        code = data.strip()
        entry = selectors.catalogue_entry_get(
            kind=UNIT_TYPE_KIND, code=code, on=timezone.localdate()
        ) or selectors.catalogue_entry_get(kind=UNIT_TYPE_KIND, code=code)
        if entry is None:
            self.fail("unknown", code=code)
        return entry

    def to_representation(self, value) -> str:
        return value.code


class UnitIdKeyedField(serializers.DictField):
    """A JSON object keyed by unit ids (JSON keys are strings); returns {int: value}."""

    default_error_messages = {"unit_id": _("Keys must be unit ids (whole numbers); '{value}' is not.")}

    def to_internal_value(self, data) -> dict:
        values = super().to_internal_value(data)
        converted = {}
        for key, value in values.items():
            try:
                converted[int(key)] = value
            except (TypeError, ValueError):
                self.fail("unit_id", value=key)
        return converted


def _unit_queryset():
    return selectors.unit_list(include_dissolved=True)


def unit_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=_unit_queryset(), **kwargs)


class DecisionSerializer(serializers.Serializer):
    """The legal act behind a change, shared by every unit write."""

    effective_on = serializers.DateField(
        required=False, allow_null=True, label=_("Effective on"), help_text=_("Today when left empty.")
    )
    decision_number = serializers.CharField(
        required=False, allow_blank=True, max_length=100, label=_("Decision number")
    )
    decision_date = serializers.DateField(required=False, allow_null=True, label=_("Decision date"))
    note = serializers.CharField(required=False, allow_blank=True, label=_("Note"))

    def decision(self, *, default_effective_on=None) -> Decision:
        data = self.validated_data
        return Decision(
            effective_on=data.get("effective_on") or default_effective_on,
            number=data.get("decision_number", ""),
            date=data.get("decision_date"),
            note=data.get("note", ""),
        )
