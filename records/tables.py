"""django-tables2 tables of the records admin (dense screens: the dossier list, the review queue)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.services.fields import custom_field_text
from records.models import Declaration, Dossier
from records.sections import section_title


class CustomFieldColumn(tables.Column):
    """A column of one custom field (the field catalogue), printed like in the unit lists."""

    def __init__(self, definition, choice_labels: dict, **kwargs):
        self.definition, self.choice_labels = definition, choice_labels
        super().__init__(verbose_name=definition.label, empty_values=(), orderable=False, **kwargs)

    def render(self, record):
        value = (record.custom_fields or {}).get(self.definition.key)
        return custom_field_text(self.definition, value, labels=self.choice_labels) or "—"


class DossierTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Full name"), orderable=False)
    personal_id = tables.Column(verbose_name=_("Personal identification number"), orderable=False)
    birth_date = tables.DateColumn(format="d/m/Y", verbose_name=_("Date of birth"), orderable=False)
    unit = tables.Column(accessor="unit__name", verbose_name=_("Unit"), orderable=False)
    grade = tables.Column(verbose_name=_("Grade"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    completeness = tables.Column(verbose_name=_("Completeness"), orderable=False)

    class Meta:
        model = Dossier
        fields = ("full_name", "personal_id", "birth_date", "unit", "grade", "status", "completeness")
        attrs = {"class": "listing"}
        template_name = "django_tables2/table.html"

    def __init__(self, *args, grade_labels: dict[str, str] | None = None, **kwargs):
        self.grade_labels = grade_labels or {}
        super().__init__(*args, **kwargs)

    def render_full_name(self, record: Dossier):
        return format_html(
            '<a href="{}">{}</a>', reverse("records_dossiers:detail", args=[record.pk]), record.full_name
        )

    def render_grade(self, value):
        return self.grade_labels.get(value, value)

    def render_status(self, record: Dossier):
        return record.get_status_display()

    def render_completeness(self, value):
        return f"{value}%"


class DeclarationTable(tables.Table):
    dossier = tables.Column(accessor="dossier__full_name", verbose_name=_("Person"), orderable=False)
    unit = tables.Column(accessor="dossier__unit__name", verbose_name=_("Unit"), orderable=False)
    section = tables.Column(verbose_name=_("Section"), orderable=False)
    submitted_at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Submitted at"), orderable=False)
    review = tables.Column(empty_values=(), verbose_name="", orderable=False)

    class Meta:
        model = Declaration
        fields = ("dossier", "unit", "section", "submitted_at", "review")
        attrs = {"class": "listing"}
        template_name = "django_tables2/table.html"

    def render_section(self, value):
        return section_title(value)

    def render_review(self, record: Declaration):
        url = reverse("records_reviews:review", args=[record.pk])
        return format_html('<a class="button button-small" href="{}">{}</a>', url, _("Review"))
