"""Forms of the import and export screens: they parse what the clerk chose, nothing more.

The unit selects offer only the units the account may import into (or export from), the
mapping select only the saved mappings; the services check everything again
(``imports.services.jobs_queue``, ``imports.services.mappings``, ``imports.exports.rows``).
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.choices import ImportMode
from imports.exports.periods import period_check, period_parse, section_period
from imports.exports.responses import FORMATS
from imports.exports.rows import export_columns
from imports.models import ColumnMapping
from imports.selectors import column_mapping_list, export_units, import_units
from imports.specs import DOSSIERS, UnknownTarget, header_index, header_key, import_spec, target_title, targets
from portal import scoping
from portal.forms.units import unit_label

# The short default set of an export of dossiers (house style: a short default column set);
# a section exports all its columns by default (they are few).
DEFAULT_EXPORT_COLUMNS = (
    "personal_id",
    "unit",
    "identity.full_name",
    "identity.birth_date",
    "identity.sex",
    "header.personnel_category",
    "positions.position",
    "salary.grade",
    "salary.salary_step",
    "salary.salary_coefficient",
)
# "Header in the sheet => column": the arrow, a tab, or an equals sign separates the two.
MAPPING_LINE = re.compile(r"\s*(?:=>|→|\t|=)\s*")


def known_target(value) -> str:
    """``value`` if it names a target, else the dossiers."""
    return value if value in dict(targets()) else DOSSIERS


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return unit_label(obj, indent=True)


class MappingField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {target_title(obj.target)}"


class ImportUploadForm(forms.Form):
    """The upload (``import_job_start``). ``publish`` is offered to system administrators only; the
    service refuses it from anyone else."""

    target = forms.ChoiceField(label=_("What the file holds"))
    unit = UnitField(
        label=_("Unit"),
        queryset=None,
        help_text=_(
            "New dossiers go into this unit, or into the sub-unit a row names in the column 'Unit code'. "
            "Rows of dossiers outside its subtree are refused."
        ),
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    mapping = MappingField(
        label=_("Saved column mapping"),
        queryset=None,
        required=False,
        empty_label=_("None: recognise the headers"),
        help_text=_("For a sheet whose headers differ from the template's."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_("Only for a workbook with several sheets of data: the name of the sheet to read."),
    )
    mode = forms.ChoiceField(
        label=_("When some rows have errors"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL,
        widget=forms.RadioSelect,
    )
    publish = forms.BooleanField(
        label=_("Publish directly (initial migration)"),
        required=False,
        help_text=_(
            "The imported versions are published without waiting for the head of unit's monthly "
            "approval. For the first migration of a province's data only; the choice is recorded."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets()
        self.fields["unit"].queryset = import_units(user=user)
        self.fields["mapping"].queryset = column_mapping_list(user=user)
        self.can_publish = scoping.is_system_admin(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                gettext("The file is %(size)s MB, over the limit of %(limit)s MB; split it into several files.")
                % {"size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
            )
        return upload

    def visible_fields_shown(self):
        """The fields the page shows (``publish`` only to system administrators)."""
        return [field for field in self.visible_fields() if field.name != "publish" or self.can_publish]


LATEST, APPROVED = "latest", "approved"  # what an export holds (``ExportForm.content``)


class ExportForm(forms.Form):
    """What to export (``imports.exports.responses.export_response``); the columns offered are those of the
    chosen target that ``user`` may read."""

    target = forms.ChoiceField(label=_("What to export"))
    unit = UnitField(label=_("Unit (with its sub-units)"), queryset=None)
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The personal identification number (and, for a section, the columns that identify a row) "
            "is always exported, so that the file can be imported again."
        ),
    )
    fmt = forms.ChoiceField(label=_("Format"), choices=[(fmt, fmt) for fmt in FORMATS], initial="xlsx")
    content = forms.ChoiceField(
        label=_("Content"),
        widget=forms.RadioSelect,
        choices=[
            (LATEST, _("Latest, with the changes awaiting approval (to correct and import again)")),
            (
                APPROVED,
                _(
                    "Approved only, as the head of the unit approved it (to read; imported again it would undo "
                    "the changes awaiting approval)"
                ),
            ),
        ],
        initial=LATEST,
        required=False,  # absent: the latest content
    )
    period_from = forms.CharField(
        label=_("Rows from (month)"),
        required=False,
        max_length=10,
        help_text=_(
            "A section only (not the family): the rows whose time overlaps the period, e.g. from 01/2025 "
            "to 12/2025, or the year 2025 in both. mm/yyyy or yyyy; either may be left empty."
        ),
    )
    period_to = forms.CharField(label=_("Rows until (month)"), required=False, max_length=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else self.initial
        self.target = known_target(data.get("target"))
        self.fields["target"].choices = targets()
        self.fields["target"].initial = self.target
        self.fields["unit"].queryset = export_units(user=user)
        available = export_columns(user=user, target=self.target)
        self.fields["columns"].choices = [(column.key, column.header) for column in available]
        keys = [column.key for column in available]
        self.fields["columns"].initial = (
            [key for key in keys if key in DEFAULT_EXPORT_COLUMNS] if self.target == DOSSIERS else keys
        )
        # The period is offered for the sections whose rows have dates (``imports.exports.periods``).
        self.offers_period = self.target != DOSSIERS and section_period(import_spec(self.target).section) is not None

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["period"] = period_parse(cleaned.get("period_from"), cleaned.get("period_to"))
            period_check(None if self.target == DOSSIERS else import_spec(self.target).section, cleaned["period"])
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(key, message)
        return cleaned


class ColumnMappingForm(forms.Form):
    """A saved mapping as the admin edits it: one line per column, "header in the sheet => column",
    the column given by its key or its header in the template (``column_mapping_save`` validates)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    target = forms.ChoiceField(label=_("What the sheets hold"))
    lines = forms.CharField(
        label=_("Columns"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One line per column: the header as written in your sheet, then '=>', then the column as "
            "named in the template (or its key), e.g. 'Số CMND => Số định danh cá nhân'."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance: ColumnMapping | None = None, **kwargs):
        self.instance = instance if instance is not None else ColumnMapping()
        if self.instance.pk and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": self.instance.name,
                "target": self.instance.target,
                "lines": mapping_lines(self.instance),
                "note": self.instance.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets()

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("lines")
        target = cleaned.get("target")
        if text is None or not target:
            return cleaned
        try:
            spec = import_spec(target)
        except UnknownTarget:
            return cleaned
        keys = {column.key for column in spec.columns}
        index = header_index(spec)
        columns: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = MAPPING_LINE.split(line.strip(), maxsplit=1)
            if len(parts) != 2 or not parts[1].strip():
                self.add_error(
                    "lines",
                    gettext(
                        "Line %(number)s: write the header of your sheet, then '=>', then the column "
                        "(e.g. 'Số CMND => Số định danh cá nhân')."
                    )
                    % {"number": number},
                )
                continue
            header, column = parts[0].strip(), parts[1].strip()
            # Unknown names go to the service as they are: it names them in its refusal.
            columns[header] = column if column in keys else index.get(header_key(column), column)
        cleaned["columns"] = columns
        return cleaned


def mapping_lines(mapping: ColumnMapping) -> str:
    """The mapping as the form's lines: each column by its header in the template when that header
    names it unambiguously, else by its key."""
    try:
        spec = import_spec(mapping.target)
    except UnknownTarget:
        return "\n".join(f"{header} => {key}" for header, key in mapping.columns.items())
    index = header_index(spec)
    headers = {column.key: column.header for column in spec.columns}
    lines = []
    for header, key in mapping.columns.items():
        shown = headers.get(key, key)
        lines.append(f"{header} => {shown if index.get(header_key(shown)) == key else key}")
    return "\n".join(lines)
