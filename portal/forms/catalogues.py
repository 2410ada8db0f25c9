"""Forms of the catalogue screens: kinds, entries with their typed attributes, retire, xlsx import."""

from __future__ import annotations

import datetime
import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.choices import AttributeType, Verification
from portal.forms.common import VietnameseDateField, decimal_text
from portal.models import CatalogueEntry, CatalogueKind
from portal.selectors import catalogue_entries

ATTRIBUTE_PREFIX = "attr_"


class CatalogueKindForm(forms.Form):
    """A catalogue kind (``kind_save``); the attribute schema is edited as JSON."""

    code = forms.CharField(
        label=_("Code"), max_length=64, required=False, help_text=_("Lowercase letters, digits and _, e.g. dan_toc.")
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    code_system = forms.CharField(label=_("Code system"), max_length=64, required=False, initial="HSCBCCVC")
    hierarchical = forms.BooleanField(label=_("Entries form a hierarchy"), required=False)
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attribute_schema = forms.CharField(
        label=_("Attribute schema (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "w-font-mono", "spellcheck": "false"}),
        help_text=_(
            'A list of attributes, e.g. [{"key": "salary_group", "label": "Nhóm lương", "type": "entry", '
            '"kind": "nhom_luong", "required": true}]. Types: text, integer, decimal, decimal_list, date, '
            'boolean, choice (with "choices": [[code, label], ...]), entry and entry_list (with "kind").'
        ),
    )

    def __init__(self, *args, kind: CatalogueKind | None = None, **kwargs):
        if kind is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("code", "name", "name_en", "description", "code_system", "hierarchical", "source"):
                initial.setdefault(name, getattr(kind, name))
            initial.setdefault("attribute_schema", json.dumps(kind.attribute_schema, ensure_ascii=False, indent=2))
        super().__init__(*args, **kwargs)

    def clean_attribute_schema(self):
        text = (self.cleaned_data.get("attribute_schema") or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The attribute schema is not valid JSON: %(problem)s (line %(line)s, column %(column)s).")
                % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno}
            ) from None

    def values(self) -> dict:
        return dict(self.cleaned_data)


class BooleanChoiceField(forms.TypedChoiceField):
    """Có / Không, or nothing: keeps "not stated" apart from "no"."""

    def __init__(self, **kwargs):
        choices = [("true", _("Yes")), ("false", _("No"))]
        if not kwargs.get("required"):
            choices = [("", "—"), *choices]
        super().__init__(choices=choices, coerce=lambda value: value == "true", empty_value=None, **kwargs)


def attribute_field(spec: dict, *, entry_options: dict[str, list[tuple[str, str]]]) -> forms.Field:
    """The form field for one attribute of a kind's schema, typed by its ``type``.

    Numbers are typed as text and converted by the service, which reads the
    Vietnamese decimal comma ("2,34"); Django's localized number fields would read
    "2.34" as 234 under the ``vi`` locale.
    """
    kind = spec["type"]
    options = {"label": spec.get("label") or spec["key"], "required": bool(spec.get("required"))}
    if kind == AttributeType.TEXT:
        return forms.CharField(**options)
    if kind == AttributeType.INTEGER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **options)
    if kind == AttributeType.DECIMAL:
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), help_text=_("e.g. 2,34"), **options
        )
    if kind == AttributeType.DECIMAL_LIST:
        return forms.CharField(help_text=_("Numbers separated by ';', e.g. 2,34; 2,67; 3,00"), **options)
    if kind == AttributeType.DATE:
        return VietnameseDateField(**options)
    if kind == AttributeType.BOOLEAN:
        return BooleanChoiceField(**options)
    if kind == AttributeType.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *[tuple(choice) for choice in spec["choices"]]], **options)
    choices = entry_options.get(spec["kind"], [])
    if kind == AttributeType.ENTRY:
        return forms.ChoiceField(choices=[("", "---------"), *choices], **options)
    widget = forms.CheckboxSelectMultiple if len(choices) <= 12 else forms.SelectMultiple(attrs={"size": 8})
    return forms.MultipleChoiceField(choices=choices, widget=widget, **options)


def attribute_initial(spec: dict, value):
    """A stored attribute value as the form shows it."""
    if value in (None, ""):
        return None
    kind = spec["type"]
    if kind == AttributeType.DECIMAL:
        return decimal_text(value)
    if kind == AttributeType.DECIMAL_LIST:
        return "; ".join(decimal_text(item) for item in value) if isinstance(value, list) else value
    if kind == AttributeType.DATE:
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            return value
    if kind == AttributeType.BOOLEAN:
        return "true" if value else "false"
    if kind == AttributeType.INTEGER:
        return str(value)
    return value


class CatalogueEntryForm(forms.Form):
    """An entry of one catalogue, with one field per attribute of the kind's schema."""

    code = forms.CharField(label=_("Code"), max_length=64, required=False)
    code_system = forms.CharField(label=_("Code system"), max_length=64, required=False)
    label = forms.CharField(label=_("Label"), max_length=500, required=False)
    label_en = forms.CharField(label=_("English label"), max_length=500, required=False)
    parent = forms.ModelChoiceField(label=_("Parent entry"), queryset=CatalogueEntry.objects.none(), required=False)
    valid_from = VietnameseDateField(label=_("Valid from"))
    valid_to = VietnameseDateField(
        label=_("Valid until (exclusive)"), help_text=_("dd/mm/yyyy – the first day the entry no longer applies.")
    )
    order = forms.IntegerField(label=_("Order"), required=False, initial=0, min_value=0)
    verification = forms.ChoiceField(
        label=_("Verification"), required=False, choices=[("", "—"), *Verification.choices]
    )

    base_fields_order = (
        "code",
        "code_system",
        "label",
        "label_en",
        "parent",
        "valid_from",
        "valid_to",
        "order",
        "verification",
    )

    def __init__(
        self,
        *args,
        kind: CatalogueKind,
        entry: CatalogueEntry | None = None,
        entry_options: dict[str, list[tuple[str, str]]] | None = None,
        **kwargs,
    ):
        self.kind = kind
        self.entry = entry
        initial = kwargs.setdefault("initial", {})
        if entry is not None:
            for name in self.base_fields_order:
                initial.setdefault(name, getattr(entry, name))
            initial["parent"] = entry.parent_id
            for spec in kind.attribute_schema or []:
                initial.setdefault(
                    ATTRIBUTE_PREFIX + spec["key"], attribute_initial(spec, entry.attributes.get(spec["key"]))
                )
        else:
            initial.setdefault("code_system", kind.code_system)
        super().__init__(*args, **kwargs)
        parents = catalogue_entries(kind=kind, include_retired=True)
        if entry is not None:
            parents = parents.exclude(pk=entry.pk)
        self.fields["parent"].queryset = parents
        for spec in kind.attribute_schema or []:
            self.fields[ATTRIBUTE_PREFIX + spec["key"]] = attribute_field(spec, entry_options=entry_options or {})

    def entry_fields(self):
        return [self[name] for name in self.base_fields_order]

    def attribute_fields(self):
        return [self[ATTRIBUTE_PREFIX + spec["key"]] for spec in self.kind.attribute_schema or []]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.base_fields_order}
        for name in ("code", "code_system", "label", "label_en", "verification"):
            values[name] = values[name] or ""
        if values["order"] is None:
            values["order"] = 0
        values["attributes"] = {
            spec["key"]: data.get(ATTRIBUTE_PREFIX + spec["key"])
            for spec in self.kind.attribute_schema or []
            if data.get(ATTRIBUTE_PREFIX + spec["key"]) not in (None, "", [])
        }
        return values


class EntryRetireForm(forms.Form):
    retired_on = VietnameseDateField(
        label=_("No longer valid from"),
        help_text=_("Optional, dd/mm/yyyy: closes the entry's validity on this day."),
    )


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    dry_run = forms.BooleanField(
        label=_("Check only (dry run)"),
        required=False,
        initial=True,
        help_text=_("Reads and checks every row without writing anything; you can apply the same file afterwards."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CATALOGUE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
            )
        return upload
