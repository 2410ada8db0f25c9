"""Catalogue serializers: catalogues and entries as rendered, and the bodies of their writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.models import CatalogueEntry, CatalogueKind


class CatalogueKindSerializer(serializers.ModelSerializer):
    """A catalogue as listed, with its entry counts."""

    entry_count = serializers.IntegerField(read_only=True, help_text=_("All entries, retired ones included."))
    active_count = serializers.IntegerField(read_only=True, help_text=_("Entries in use."))

    class Meta:
        model = CatalogueKind
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "description",
            "code_system",
            "hierarchical",
            "is_standard",
            "data_version",
            "entry_count",
            "active_count",
        ]
        read_only_fields = fields


class CatalogueKindDetailSerializer(CatalogueKindSerializer):
    class Meta(CatalogueKindSerializer.Meta):
        fields = [*CatalogueKindSerializer.Meta.fields, "source", "attribute_schema"]
        read_only_fields = fields


class CatalogueKindWriteSerializer(serializers.Serializer):
    """Values for ``kind_save``; on PATCH only the fields sent."""

    code = serializers.CharField(label=_("Code"), help_text=_("Lowercase letters, digits and _, e.g. dan_toc."))
    name = serializers.CharField(allow_blank=True, label=_("Name"))
    name_en = serializers.CharField(required=False, allow_blank=True, label=_("English name"))
    description = serializers.CharField(required=False, allow_blank=True, label=_("Description"))
    code_system = serializers.CharField(required=False, allow_blank=True, label=_("Code system"))
    hierarchical = serializers.BooleanField(required=False, label=_("Hierarchical"))
    attribute_schema = serializers.JSONField(
        required=False,
        label=_("Attribute schema"),
        help_text=_("List of {key, label, type, required, kind?, choices?}."),
    )
    source = serializers.CharField(required=False, allow_blank=True, label=_("Source"))


class CatalogueEntrySerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Catalogue code."))
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CatalogueEntry
        fields = [
            "id",
            "kind",
            "code",
            "code_system",
            "label",
            "label_en",
            "parent",
            "parent_code",
            "valid_from",
            "valid_to",
            "order",
            "active",
            "retired_at",
            "attributes",
            "verification",
            "data_version",
            "locally_modified",
        ]
        read_only_fields = fields


class CatalogueEntryWriteSerializer(serializers.Serializer):
    """Values for ``entry_create`` / ``entry_update``; on PATCH only the fields sent."""

    code = serializers.CharField(allow_blank=True, label=_("Code"))
    code_system = serializers.CharField(required=False, allow_blank=True, label=_("Code system"))
    label = serializers.CharField(allow_blank=True, label=_("Label"))
    label_en = serializers.CharField(required=False, allow_blank=True, label=_("English label"))
    parent = serializers.PrimaryKeyRelatedField(
        queryset=CatalogueEntry.objects.select_related("kind"),
        required=False,
        allow_null=True,
        label=_("Parent entry id"),
    )
    valid_from = serializers.DateField(required=False, allow_null=True, label=_("Valid from"))
    valid_to = serializers.DateField(
        required=False,
        allow_null=True,
        label=_("Valid until"),
        help_text=_("Exclusive: the first day it no longer applies."),
    )
    order = serializers.IntegerField(required=False, min_value=0, label=_("Order"))
    active = serializers.BooleanField(required=False, label=_("In use"))
    attributes = serializers.JSONField(required=False, label=_("Attributes"))
    verification = serializers.CharField(required=False, allow_blank=True, label=_("Verification"))


class CatalogueEntryListQuerySerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("Only entries valid on this day.")
    )
    include_retired = serializers.BooleanField(required=False, default=False, help_text=_("Also list retired entries."))
    search = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Label (accents optional) or code prefix.")
    )
    parent = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Code of the parent entry.")
    )


class CatalogueEntryRetireSerializer(serializers.Serializer):
    retired_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        label=_("Retired on"),
        help_text=_("Closes the validity on this day when given."),
    )
