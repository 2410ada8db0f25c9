"""django-tables2 tables of the records admin (the review queue)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from records.models import Declaration
from records.sections import section_title


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
