"""Forms generated from ``records.sections``: one form per single section, a formset per row
section. Used by the self-service portal (the person declares) and the admin (the clerk's
change). They only collect input; ``records.services.content.section_clean`` (called by the
service) checks and converts it, so the forms, the API and imports give the same answers.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import catalogue_choices
from records.sections.spec import CHOICE, CODE, DATE, DECIMAL, INTEGER, LONG_TEXT, MONTH, ROWS, Section
from records.services.content import month_text

MAX_EXTRA_ROWS = 5


def _options(kinds: set[str], held: dict[str, set[str]] | None = None) -> dict[str, list[tuple[str, str]]]:
    """Active entries of the catalogues a section uses, then the codes the dossier already holds that
    are no longer in use, marked so: such a value stays selected and can be kept (the service refuses
    it anywhere else). One query (``records.forms.catalogue_choices``)."""
    if not kinds:
        return {}
    choices, labels = catalogue_choices(kinds)
    options = {kind: choices[kind][1:] for kind in kinds}  # without the empty choice: ``_field`` adds it
    for kind, codes in (held or {}).items():
        in_use = {code for code, _label in options.get(kind, [])}
        for code in sorted(codes - in_use):
            label = labels.get(kind, {}).get(code) or code
            options.setdefault(kind, []).append((code, _("%(label)s (no longer in use)") % {"label": label}))
    return options


def _held_codes(section: Section, value) -> dict[str, set[str]]:
    """The catalogue codes ``value`` (the section's stored value) holds, by catalogue kind."""
    rows = value if isinstance(value, list) else [value or {}]
    held: dict[str, set[str]] = {}
    for spec in section.fields:
        if spec.kind == CODE:
            codes = {row.get(spec.name) for row in rows if isinstance(row, dict) and row.get(spec.name)}
            if codes:
                held.setdefault(spec.catalogue, set()).update(codes)
    return held


def _field(spec, options: dict[str, list[tuple[str, str]]], *, mobile: bool) -> forms.Field:
    common = {"label": spec.label, "required": False}
    if spec.kind == CODE:
        return forms.ChoiceField(choices=[("", "—"), *options.get(spec.catalogue, [])], **common)
    if spec.kind == CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *spec.choices], **common)
    if spec.kind == DATE:
        if mobile:
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        else:
            widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy"})
        return forms.CharField(widget=widget, **common)
    if spec.kind == MONTH:
        return forms.CharField(widget=forms.TextInput(attrs={"placeholder": "mm/yyyy", "size": 8}), **common)
    if spec.kind in (INTEGER, DECIMAL):
        mode = "numeric" if spec.kind == INTEGER else "decimal"
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": mode, "size": 10}), **common)
    if spec.kind == LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=spec.max_length, **common)


def section_form_class(section: Section, *, mobile: bool = False, held: dict | None = None) -> type[forms.Form]:
    """A form with one field per field of ``section``; ``held``: the codes the dossier holds, by catalogue
    kind (those no longer in use are offered too, marked)."""
    options = _options({spec.catalogue for spec in section.fields if spec.kind == CODE}, held)
    fields = {spec.name: _field(spec, options, mobile=mobile) for spec in section.fields}
    return type(f"{section.model_name}{section.key.title()}Form", (forms.Form,), fields)


def _initial_value(spec, value, *, mobile: bool):
    if value in (None, ""):
        return ""
    if spec.kind == DATE:
        day = datetime.date.fromisoformat(value)
        return day.isoformat() if mobile else day.strftime("%d/%m/%Y")
    if spec.kind == MONTH:
        return month_text(value)
    if spec.kind == DECIMAL:
        return str(value).replace(".", ",")
    return value


def section_initial(section: Section, value, *, mobile: bool = False):
    """The stored value of a section as form initial data (a dict, or a list for a formset)."""

    def one(values: dict) -> dict:
        return {spec.name: _initial_value(spec, values.get(spec.name), mobile=mobile) for spec in section.fields}

    if section.kind == ROWS:
        return [one(row) for row in value or []]
    return one(value or {})


class SectionRowFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        """The row forms that make the section, in order: not deleted, not left empty."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if data.get("DELETE"):
                continue
            if any(value not in (None, "") for key, value in data.items() if key != "DELETE"):
                kept.append(form)
        return kept

    def row_values(self) -> list[dict]:
        return [
            {key: value for key, value in form.cleaned_data.items() if key != "DELETE" and value not in (None, "")}
            for form in self.kept_forms()
        ]


def section_editor(section: Section, value, *, data=None, mobile: bool = False, extra: int = 1):
    """A bound or unbound form (single section) or formset (row section) for ``section``
    prefilled with ``value``; ``section_value(editor)`` reads the input back."""
    form_class = section_form_class(section, mobile=mobile, held=_held_codes(section, value))
    initial = section_initial(section, value, mobile=mobile)
    if section.kind == ROWS:
        formset_class = forms.formset_factory(
            form_class, formset=SectionRowFormSet, extra=min(extra, MAX_EXTRA_ROWS), can_delete=True
        )
        return formset_class(data=data, initial=initial, prefix=section.key)
    return form_class(data=data, initial=initial, prefix=section.key)


def section_value(section: Section, editor):
    """The section's value from a valid editor, as the services take it (raw, unconverted)."""
    if section.kind == ROWS:
        return editor.row_values()
    return {key: value for key, value in editor.cleaned_data.items() if value not in (None, "")}


def apply_section_errors(editor, section: Section, message_dict: dict[str, list[str]]) -> list[str]:
    """Put a service's errors (``<section>.<field>`` / ``<section>[<row>].<field>``) on the editor;
    return the messages that belong to no field (shown above it)."""
    rest: list[str] = []
    for key, messages in message_dict.items():
        placed = False
        if key.startswith(f"{section.key}[") and section.kind == ROWS:
            row_text, _sep, name = key[len(section.key) + 1 :].partition("].")
            kept = editor.kept_forms()
            index = int(row_text) - 1 if row_text.isdigit() else -1
            if 0 <= index < len(kept) and name in kept[index].fields:
                for message in messages:
                    kept[index].add_error(name, message)
                placed = True
        elif key.startswith(f"{section.key}.") and section.kind != ROWS:
            name = key[len(section.key) + 1 :]
            if name in editor.fields:
                for message in messages:
                    editor.add_error(name, message)
                placed = True
        if not placed:
            rest.extend(messages)
    return rest


EVIDENCE_HELP = _("PDF, JPEG or PNG, at most 10 MB each.")
