"""Serializers of the dossier API: they parse input and render output, the services decide."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.serializers.common import unit_field
from portal.api.serializers.units import UnitRefSerializer
from records.choices import DossierStatus
from records.models import Declaration, Dossier, DossierVersion, Evidence
from records.sections.registry import SECTION_KEYS
from records.selectors import AGE_BANDS


class DossierRowsSerializer(serializers.ListSerializer):
    """A page of the dossier list, written row by row without DRF's per-field machinery (at 100
    rows that machinery cost more than the queries: bench/RESULTS.md). The output is exactly
    ``DossierListSerializer``'s, which stays the declared schema (tests compare the two)."""

    def to_representation(self, data):
        statuses = {value: str(label) for value, label in DossierStatus.choices}
        rows = data.all() if hasattr(data, "all") else data
        return [
            {
                "id": dossier.pk,
                "personal_id": dossier.personal_id,
                "full_name": dossier.full_name,
                "sex": dossier.sex,
                "birth_date": dossier.birth_date.isoformat() if dossier.birth_date else None,
                "unit": {"id": dossier.unit.pk, "name": dossier.unit.name, "code": dossier.unit.code},
                "personnel_category": dossier.personnel_category,
                "grade": dossier.grade,
                "highest_qualification": dossier.highest_qualification,
                "status": dossier.status,
                "status_label": statuses.get(dossier.status, dossier.status),
                "completeness": dossier.completeness,
                "live_version": dossier.live_version,
                "latest_version": dossier.latest_version,
            }
            for dossier in rows
        ]


class DossierListSerializer(serializers.ModelSerializer):
    """One line of the dossier list (a page of them: ``DossierRowsSerializer``)."""

    unit = UnitRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "personal_id",
            "full_name",
            "sex",
            "birth_date",
            "unit",
            "personnel_category",
            "grade",
            "highest_qualification",
            "status",
            "status_label",
            "completeness",
            "live_version",
            "latest_version",
        ]
        read_only_fields = fields
        list_serializer_class = DossierRowsSerializer


# Fields the list reads from the dossier row (the rest of the wide row is not loaded).
LIST_COLUMNS = [name for name in DossierListSerializer.Meta.fields if name not in ("id", "unit", "status_label")] + [
    "unit__id",
    "unit__name",
    "unit__code",
]


class DossierDetailSerializer(DossierListSerializer):
    """A dossier: its summary, the approved content (every section), what is missing."""

    content = serializers.SerializerMethodField(help_text=_("The approved content, section by section."))

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "status_effective_on",
            "status_decision",
            "missing_items",
            "content",
        ]
        list_serializer_class = serializers.ListSerializer
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, dossier: Dossier) -> dict:
        return self.context["content"]


class DossierFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, help_text=_("Name (accents ignored) or id."))
    unit = serializers.IntegerField(required=False, help_text=_("A unit: its whole subtree."))
    personnel_category = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=DossierStatus.choices, required=False)
    grade = serializers.CharField(required=False, allow_blank=True)
    qualification = serializers.CharField(required=False, allow_blank=True)
    age_band = serializers.ChoiceField(choices=[(key, key) for key in AGE_BANDS], required=False)
    sex = serializers.CharField(required=False, allow_blank=True)
    ethnicity = serializers.CharField(required=False, allow_blank=True)
    party_member = serializers.BooleanField(required=False, allow_null=True, default=None)
    completeness_below = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text=_("Dossiers less complete than this percentage.")
    )


class DossierCreateSerializer(serializers.Serializer):
    unit = unit_field()
    personal_id = serializers.CharField(max_length=40)
    content = serializers.DictField(
        help_text=_(
            "Sections {key: value}: header, identity, background, education, positions, salary, health, "
            "training_professional … (see the README)."
        )
    )


class DossierChangeSerializer(serializers.Serializer):
    sections = serializers.DictField(help_text=_("The sections to replace, {key: value}."))
    expected_version = serializers.IntegerField(
        min_value=0, help_text=_("The latest version when the change was prepared (conflict detection).")
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    decision_number = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)


class DossierStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)
    decision = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class VersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DossierVersion
        fields = [
            "number",
            "status",
            "status_label",
            "source",
            "sections",
            "reason",
            "decision_number",
            "decision_date",
            "sha256",
            "created_by",
            "created_at",
            "published_by",
            "published_at",
        ]
        read_only_fields = fields


class VersionContentSerializer(VersionSerializer):
    content = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "content"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, version: DossierVersion) -> dict:
        return self.context["content"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class DeclarationSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    dossier_name = serializers.CharField(source="dossier.full_name", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    result_version = serializers.IntegerField(source="result_version.number", read_only=True, allow_null=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "id",
            "dossier",
            "dossier_name",
            "section",
            "proposed",
            "note",
            "base_version",
            "status",
            "status_label",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_reason",
            "result_version",
            "evidence",
        ]
        read_only_fields = fields


class DeclarationSubmitSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=[(key, key) for key in SECTION_KEYS])
    proposed = serializers.JSONField(help_text=_("The new value of the section (object, or list of rows)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class DeclarationReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    override_conflict = serializers.BooleanField(required=False, default=False)


class CompareQuerySerializer(serializers.Serializer):
    base = serializers.IntegerField(min_value=1, source="from_number")
    to = serializers.IntegerField(min_value=1, source="to_number")
