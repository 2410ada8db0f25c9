"""Unit serializers: units, their subtree and history as rendered; the bodies of the tree operations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.helpers import lazy_serializer
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers.common import DecisionSerializer, UnitIdKeyedField, UnitTypeField, unit_field
from portal.api.serializers.fields import CustomFieldsReadField, custom_fields_write_field
from portal.models import CatalogueEntry, Unit, UnitEvent
from portal.services.fields.access import without_keys
from portal.services.units.common import SplitPart

# --- reads -----------------------------------------------------------------------------------


class UnitRefSerializer(serializers.ModelSerializer):
    """A unit named in another object: id, name, identifier code."""

    class Meta:
        model = Unit
        fields = ["id", "name", "code"]
        read_only_fields = fields


class UnitTypeSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("Code in the unit-type catalogue (loai_don_vi)."))
    label = serializers.CharField(read_only=True)

    class Meta:
        model = CatalogueEntry
        fields = ["code", "label"]


class QuotasSerializer(serializers.Serializer):
    """Staffing quotas (chỉ tiêu biên chế) of a unit."""

    quota_civil_servants = serializers.IntegerField(required=False, label=_("Civil-servant positions"))
    quota_public_employees = serializers.IntegerField(required=False, label=_("Public-employee positions"))
    quota_contracts_111 = serializers.IntegerField(required=False, label=_("NĐ 111 contracts"))


class UnitSerializer(serializers.ModelSerializer):
    """A unit of the tree (agency, department, division, school, commune...)."""

    # ``parent`` and ``children_count`` come from the context (``parent_ids``,
    # ``children_counts``), computed once per page so queries do not grow with rows.
    unit_type = UnitTypeSerializer(read_only=True)
    parent = serializers.SerializerMethodField(help_text=_("Id of the parent unit; null for a root."))
    children_count = serializers.SerializerMethodField(help_text=_("Number of direct sub-units."))
    is_active = serializers.BooleanField(read_only=True, help_text=_("False once the unit is dissolved."))
    quotas = QuotasSerializer(source="*", read_only=True)
    custom_fields = CustomFieldsReadField(target="unit")

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "admin_area_code",
            "unit_type",
            "parent",
            "depth",
            "established_on",
            "dissolved_on",
            "successor",
            "is_active",
            "children_count",
            "quotas",
            "custom_fields",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent(self, unit: Unit) -> int | None:
        return self.context.get("parent_ids", {}).get(unit.pk)

    @extend_schema_field(serializers.IntegerField())
    def get_children_count(self, unit: Unit) -> int:
        return self.context.get("children_counts", {}).get(unit.pk, 0)


class UnitDetailSerializer(UnitSerializer):
    """A unit with its ancestors from the root down."""

    ancestors = serializers.SerializerMethodField(help_text=_("Ancestors from the root down to the parent."))

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "ancestors"]
        read_only_fields = fields

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_ancestors(self, unit: Unit) -> list[dict]:
        return UnitRefSerializer(self.context.get("ancestors", {}).get(unit.pk, []), many=True).data


class UnitTreeSerializer(serializers.ModelSerializer):
    """A unit with its sub-units, nested."""

    # The view sets ``tree_children`` on every node and passes ``children_counts``.
    unit_type = UnitTypeSerializer(read_only=True)
    children_count = serializers.SerializerMethodField(help_text=_("Number of direct sub-units."))
    children = serializers.SerializerMethodField(help_text=_("Sub-units, down to the requested depth."))

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "unit_type",
            "depth",
            "dissolved_on",
            "children_count",
            "children",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_children_count(self, unit: Unit) -> int:
        return self.context.get("children_counts", {}).get(unit.pk, 0)

    @extend_schema_field(lazy_serializer("portal.api.serializers.units.UnitTreeSerializer")(many=True))
    def get_children(self, unit: Unit) -> list[dict]:
        return UnitTreeSerializer(getattr(unit, "tree_children", []), many=True, context=self.context).data


SIDES = ("before", "after")


class UnitEventSerializer(serializers.ModelSerializer):
    """One history entry of a unit; "secret" custom values are left out unless the context's
    ``hidden_custom`` (a function, called once when needed) says the reader may see them."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("Event"))
    related_unit = serializers.SerializerMethodField(help_text=_("The other unit of a move, merge or split."))

    class Meta:
        model = UnitEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "effective_on",
            "decision_number",
            "decision_date",
            "related_unit",
            "actor_name",
            "details",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields

    def to_representation(self, event: UnitEvent) -> dict:
        data = super().to_representation(event)
        details = data.get("details")
        if not isinstance(details, dict) or not any("custom_fields" in (details.get(side) or {}) for side in SIDES):
            return data
        hidden = self.context["hidden_custom"]() if "hidden_custom" in self.context else set()
        if hidden:
            details = dict(details)
            for side in SIDES:
                values = details.get(side)
                if isinstance(values, dict) and "custom_fields" in values:
                    details[side] = {**values, "custom_fields": without_keys(values["custom_fields"], hidden)}
            data["details"] = details
        return data

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_related_unit(self, event: UnitEvent) -> dict | None:
        if event.related_unit is None:
            return None
        return UnitRefSerializer(event.related_unit).data


class UnitListQuerySerializer(serializers.Serializer):
    """Query parameters of the unit list."""

    parent = unit_field(required=False, help_text=_("Only the direct sub-units of this unit id."))
    root = serializers.BooleanField(required=False, default=False, help_text=_("Only root units."))
    search = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Name (accents optional) or code prefix.")
    )
    code = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Exact identifier code."))
    include_dissolved = serializers.BooleanField(
        required=False, default=False, help_text=_("Also list dissolved units.")
    )


class UnitTreeQuerySerializer(serializers.Serializer):
    depth = serializers.IntegerField(
        required=False, default=2, min_value=1, max_value=5, help_text=_("Levels below the unit (1 to 5).")
    )
    include_dissolved = serializers.BooleanField(
        required=False, default=False, help_text=_("Also show dissolved units.")
    )


# --- writes ----------------------------------------------------------------------------------


class UnitCreateSerializer(DecisionSerializer):
    name = serializers.CharField(allow_blank=True, label=_("Name"))
    short_name = serializers.CharField(required=False, allow_blank=True, default="", label=_("Short name"))
    unit_type = UnitTypeField(label=_("Unit type code"), help_text=_("Code in the loai_don_vi catalogue, e.g. SO."))
    parent = unit_field(required=False, allow_null=True, default=None, label=_("Parent unit id"))
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        label=_("Electronic identifier code"),
        help_text=_("Form NNN.NN.NN.Xnn, nested under the nearest coded ancestor."),
    )
    admin_area_code = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("Administrative area code")
    )
    established_on = serializers.DateField(required=False, allow_null=True, default=None, label=_("Established on"))
    quotas = QuotasSerializer(required=False, label=_("Staffing quotas"))
    custom_fields = custom_fields_write_field()


class UnitUpdateSerializer(DecisionSerializer):
    """A partial change: only the fields sent are passed to ``unit_update``."""

    name = serializers.CharField(required=False, allow_blank=True, label=_("Name"))
    short_name = serializers.CharField(required=False, allow_blank=True, label=_("Short name"))
    unit_type = UnitTypeField(required=False, label=_("Unit type code"))
    code = serializers.CharField(required=False, allow_blank=True, label=_("Electronic identifier code"))
    admin_area_code = serializers.CharField(required=False, allow_blank=True, label=_("Administrative area code"))
    established_on = serializers.DateField(required=False, allow_null=True, label=_("Established on"))
    quotas = QuotasSerializer(required=False, label=_("Staffing quotas"))
    custom_fields = custom_fields_write_field()

    def changes(self) -> dict:
        data = dict(self.validated_data)
        for key in ("effective_on", "decision_number", "decision_date", "note"):
            data.pop(key, None)
        data.update(data.pop("quotas", {}))
        return data


class UnitMoveSerializer(DecisionSerializer):
    new_parent = unit_field(label=_("New parent unit id"))
    code_map = UnitIdKeyedField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        label=_("New identifier codes"),
        help_text=_("{unit id: new code} for codes that cannot be derived automatically."),
    )


class UnitMergeSerializer(DecisionSerializer):
    target = unit_field(label=_("Target unit id"), help_text=_("The unit that absorbs this one."))
    code_map = UnitIdKeyedField(
        child=serializers.CharField(allow_blank=True), required=False, label=_("New identifier codes")
    )
    combine_quotas = serializers.BooleanField(
        required=False, default=True, label=_("Add the staffing quotas to the target's")
    )


class SplitPartSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, label=_("Name"))
    short_name = serializers.CharField(required=False, allow_blank=True, default="", label=_("Short name"))
    code = serializers.CharField(required=False, allow_blank=True, default="", label=_("Electronic identifier code"))
    unit_type = UnitTypeField(
        required=False,
        allow_null=True,
        default=None,
        label=_("Unit type code"),
        help_text=_("The source's type when left empty."),
    )
    parent = unit_field(
        required=False,
        allow_null=True,
        default=None,
        label=_("Parent unit id"),
        help_text=_("The source's parent when left empty."),
    )
    quotas = QuotasSerializer(required=False, label=_("Staffing quotas"))


class UnitSplitSerializer(DecisionSerializer):
    parts = SplitPartSerializer(many=True, label=_("New units"))
    child_assignment = UnitIdKeyedField(
        child=serializers.IntegerField(),
        required=False,
        label=_("Sub-unit assignment"),
        help_text=_("{sub-unit id: index of the new unit in parts}."),
    )
    code_map = UnitIdKeyedField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        label=_("New identifier codes"),
        help_text=_("{unit id: new code} for moved sub-units whose code cannot be derived."),
    )
    dissolve_source = serializers.BooleanField(required=False, default=True, label=_("Dissolve the source unit"))

    def parts_list(self) -> list[SplitPart]:
        return [
            SplitPart(**{**part, "quotas": dict(part.get("quotas") or {})}) for part in self.validated_data["parts"]
        ]


class UnitDissolveSerializer(DecisionSerializer):
    pass
