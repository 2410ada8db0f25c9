"""django-tables2 tables of the records admin (the review queue, the approval queue and acts)."""

from __future__ import annotations

from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from records.choices import ApprovalActStatus
from records.models import ApprovalAct, ApprovalItem, Declaration
from records.sections.registry import section_title


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


# --- the monthly approval (records/views/approvals/) --------------------------------------------


def _person_link(dossier) -> str:
    url = reverse("records_dossiers:detail", args=[dossier.pk])
    return format_html(
        '<a href="{}">{}</a><div class="portal-muted">{}</div>', url, dossier.full_name, dossier.personal_id
    )


class ApprovalQueueTable(tables.Table):
    """The approver's queue: one row per ``records.selectors_approvals.QueueEntry``."""

    select = tables.CheckBoxColumn(
        accessor="dossier__pk",
        attrs={"th__input": {"data-approval-select-all": "dossier", "aria-label": _("Select every dossier")}},
    )
    person = tables.Column(accessor="dossier", verbose_name=_("Full name"), orderable=False)
    unit = tables.Column(accessor="dossier__unit__name", verbose_name=_("Unit"), orderable=False)
    sections = tables.Column(accessor="section_titles", verbose_name=_("Sections changed"), orderable=False)
    versions = tables.Column(accessor="versions", verbose_name=_("Versions awaiting approval"), orderable=False)
    oldest = tables.Column(verbose_name=_("Oldest change"), orderable=False)
    open_act = tables.Column(verbose_name=_("Approval act"), orderable=False, default="—")
    diff = tables.Column(accessor="dossier", empty_values=(), verbose_name="", orderable=False)

    class Meta:
        sequence = ("select", "person", "unit", "sections", "versions", "oldest", "open_act", "diff")
        attrs = {"class": "listing", "id": "approval-queue"}
        template_name = "django_tables2/table.html"
        empty_text = _("No dossier awaits your approval.")

    def __init__(self, *args, selected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = {int(pk) for pk in selected}

    def render_select(self, value):
        checked = mark_safe(" checked") if value in self.selected else ""
        return format_html(
            '<input type="checkbox" name="dossier" value="{}" aria-label="{}"{}>', value, _("Select"), checked
        )

    def render_person(self, value):
        return _person_link(value)

    def render_sections(self, value):
        return ", ".join(value)

    def render_versions(self, value):
        return len(value)

    def render_oldest(self, value):
        return format_html(
            '{}<div class="portal-muted">{}</div>',
            timesince(value, depth=1),
            date_format(timezone.localtime(value), "d/m/Y H:i"),
        )

    def render_open_act(self, value):
        url = reverse("records_approvals:act", args=[value])
        return format_html('<a href="{}">{}</a>', url, _("In act no. %(number)s") % {"number": value})

    def render_diff(self, value):
        url = reverse("records_dossiers:compare", args=[value.pk])
        query = urlencode({"base": value.live_version, "to": value.latest_version})
        return format_html('<a class="button button-small button-secondary" href="{}?{}">{}</a>', url, query, _("Diff"))


class ApprovalActTable(tables.Table):
    """The acts an account may read (``approval_act_list``), newest first."""

    number = tables.Column(accessor="pk", verbose_name=_("Act"), orderable=False)
    unit = tables.Column(accessor="unit__name", verbose_name=_("Approving unit"), orderable=False)
    period = tables.DateColumn(format="m/Y", verbose_name=_("Month"), orderable=False)
    approver_name = tables.Column(verbose_name=_("Approver"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    total = tables.Column(verbose_name=_("Dossiers listed"), orderable=False)
    published_count = tables.Column(verbose_name=_("Dossiers published"), orderable=False)
    created_at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Created at"), orderable=False)

    class Meta:
        model = ApprovalAct
        fields = ("number", "unit", "period", "approver_name", "status", "total", "published_count", "created_at")
        attrs = {"class": "listing", "id": "approval-acts"}
        template_name = "django_tables2/table.html"
        empty_text = _("No approval acts.")

    def render_number(self, value):
        url = reverse("records_approvals:act", args=[value])
        return format_html('<a href="{}">{}</a>', url, _("Act no. %(number)s") % {"number": value})

    def render_status(self, record):
        return record.get_status_display()

    def render_published_count(self, record):
        if record.status in (ApprovalActStatus.PUBLISHED, ApprovalActStatus.PUBLISHING):
            return record.published_count
        return "—"


class ApprovalItemTable(tables.Table):
    """The dossiers of one act: the version listed, its hash, and what became of it."""

    person = tables.Column(accessor="dossier", verbose_name=_("Full name"), orderable=False)
    number = tables.Column(verbose_name=_("Version"), orderable=False)
    sha256 = tables.Column(verbose_name=_("SHA-256 of the version"), orderable=False)
    outcome = tables.Column(verbose_name=_("Outcome"), orderable=False)
    note = tables.Column(verbose_name=_("Note"), orderable=False, default="")

    class Meta:
        model = ApprovalItem
        fields = ("person", "number", "sha256", "outcome", "note")
        attrs = {"class": "listing", "id": "approval-items"}
        template_name = "django_tables2/table.html"

    def render_person(self, value):
        return _person_link(value)

    def render_sha256(self, value):
        return format_html('<code class="approval-hash">{}</code>', value)

    def render_outcome(self, record):
        return record.get_outcome_display()
