"""Forms of the admin screens for the unit tree and the catalogues.

Forms only parse and type what the clerk typed. Every rule (identifier codes and
their nesting, overlapping periods, required decision numbers, attribute values)
lives in ``portal.services``; the views put the services' ``ValidationError``
messages back on these forms with ``apply_service_errors``.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from portal.choices import AttributeType, Verification
from portal.models import CatalogueEntry, CatalogueKind, Unit
from portal.selectors import catalogue_entries, unit_list
from portal.services.units import QUOTA_FIELDS, UNIT_TYPE_KIND, Decision, SplitPart

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_HELP = _("dd/mm/yyyy")
ATTRIBUTE_PREFIX = "attr_"


# --- helpers --------------------------------------------------------------------------------


class VietnameseDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (ISO is accepted too), with Wagtail's date picker."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", AdminDateInput(format="%d/%m/%Y"))
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)


def unit_label(unit: Unit, *, indent: bool = False) -> str:
    """'Sở Nội vụ (000.00.05.H20)', indented by depth in tree-ordered selects."""
    text = f"{unit.name} ({unit.code})" if unit.code else unit.name
    if unit.dissolved_on is not None:
        text = _("%(unit)s – dissolved") % {"unit": text}
    if indent and unit.depth > 1:
        text = "\u2003" * (unit.depth - 1) + "└ " + text
    return text


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked from a select. Any unit validates (dissolved ones too, so that the
    service can explain why it refuses them); the options shown are set by the view,
    usually the search results for the clerk's query."""

    def __init__(self, **kwargs):
        super().__init__(queryset=unit_list(include_dissolved=True), **kwargs)

    def label_from_instance(self, obj):
        return unit_label(obj)

    def show_options(self, units) -> None:
        self.widget.choices = [("", "---------"), *((unit.pk, unit_label(unit, indent=True)) for unit in units)]


def _decimal_text(value) -> str:
    """A stored decimal ('2.34') shown the Vietnamese way ('2,34')."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(number, use_l10n=True)


# --- unit actions ---------------------------------------------------------------------------


class DecisionForm(forms.Form):
    """The legal act behind a change to the tree; every unit action carries it."""

    effective_on = VietnameseDateField(label=_("Effective date"), initial=timezone.localdate)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = VietnameseDateField(label=_("Decision date"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    decision_fields = ("effective_on", "decision_number", "decision_date", "note")

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            effective_on=data.get("effective_on"),
            number=data.get("decision_number") or "",
            date=data.get("decision_date"),
            note=data.get("note") or "",
        )

    def unit_fields(self):
        return [self[name] for name in self.fields if name not in self.decision_fields]

    def decision_bound_fields(self):
        return [self[name] for name in self.decision_fields]


def unit_type_choices():
    return catalogue_entries(kind=UNIT_TYPE_KIND, include_retired=True)


class UnitTypeField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=unit_type_choices(), **kwargs)

    def label_from_instance(self, obj):
        if not obj.active:
            return _("%(label)s (retired)") % {"label": obj.label}
        return obj.label


class UnitForm(DecisionForm):
    """Create a unit or change its details (``unit_create`` / ``unit_update``)."""

    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    unit_type = UnitTypeField(label=_("Unit type"), required=False)
    code = forms.CharField(
        label=_("Electronic identifier code"),
        max_length=13,
        required=False,
        help_text=_("Format NNN.NN.NN.Xnn (QĐ 20/2020/QĐ-TTg), e.g. 000.00.05.H20."),
    )
    admin_area_code = forms.CharField(label=_("Administrative area code"), max_length=10, required=False)
    established_on = VietnameseDateField(label=_("Established on"))
    quota_civil_servants = forms.IntegerField(label=_("Civil-servant positions"), required=False, initial=0)
    quota_public_employees = forms.IntegerField(label=_("Public-employee positions"), required=False, initial=0)
    quota_contracts_111 = forms.IntegerField(label=_("NĐ 111 contracts"), required=False, initial=0)

    field_order = [
        "name",
        "short_name",
        "unit_type",
        "code",
        "admin_area_code",
        "established_on",
        *QUOTA_FIELDS,
        *DecisionForm.decision_fields,
    ]

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        if unit is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("name", "short_name", "code", "admin_area_code", "established_on", *QUOTA_FIELDS):
                initial.setdefault(name, getattr(unit, name))
            initial.setdefault("unit_type", unit.unit_type_id)
        super().__init__(*args, **kwargs)

    def quotas(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in QUOTA_FIELDS if self.cleaned_data.get(key) is not None}

    def changes(self) -> dict:
        """Everything editable, for ``unit_update`` (which records only what changed)."""
        data = self.cleaned_data
        values = {
            "name": data.get("name") or "",
            "short_name": data.get("short_name") or "",
            "code": data.get("code") or "",
            "admin_area_code": data.get("admin_area_code") or "",
            "established_on": data.get("established_on"),
            **self.quotas(),
        }
        if data.get("unit_type") is not None:
            values["unit_type"] = data["unit_type"]
        return values


def parse_code_map(text: str) -> dict[int, str]:
    """'12=001.05.00.H20' lines → {12: '001.05.00.H20'}."""
    result: dict[int, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isdigit() or not value.strip():
            raise ValidationError(
                _("Line %(line)s: write the unit number, '=' and the new code, e.g. 125=001.05.00.H20.")
                % {"line": number}
            )
        result[int(key.strip())] = value.strip()
    return result


class CodeMapField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault(
            "help_text",
            _(
                "Only when a sub-unit's new code cannot be derived: one line per unit, "
                "'unit number=new code' (the number is shown on the unit's page)."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_code_map(super().clean(value))


class UnitMoveForm(DecisionForm):
    new_parent = UnitChoiceField(label=_("New parent unit"), required=True)
    code_map = CodeMapField(label=_("New identifier codes"))

    field_order = ["new_parent", "code_map", *DecisionForm.decision_fields]


class UnitMergeForm(DecisionForm):
    target = UnitChoiceField(label=_("Merge into"), required=True)
    combine_quotas = forms.BooleanField(
        label=_("Add the staffing quotas to the receiving unit's"), required=False, initial=True
    )
    code_map = CodeMapField(label=_("New identifier codes"))

    field_order = ["target", "combine_quotas", "code_map", *DecisionForm.decision_fields]


class UnitDissolveForm(DecisionForm):
    pass


class SplitPartForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    code = forms.CharField(label=_("Electronic identifier code"), max_length=13, required=False)
    unit_type = UnitTypeField(label=_("Unit type"), required=False, empty_label=_("Same as the source unit"))

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in ("name", "short_name", "code", "unit_type"))

    def part(self) -> SplitPart:
        data = self.cleaned_data
        return SplitPart(
            name=data.get("name") or "",
            short_name=data.get("short_name") or "",
            code=data.get("code") or "",
            unit_type=data.get("unit_type"),
        )


SPLIT_MIN_PARTS = 2
SPLIT_MAX_PARTS = 20


def split_part_formset(*, data=None, parts: int = SPLIT_MIN_PARTS):
    """The new units of a split: ``parts`` blank forms (data decides when bound)."""
    formset_class = forms.formset_factory(
        SplitPartForm, extra=parts, max_num=SPLIT_MAX_PARTS, absolute_max=SPLIT_MAX_PARTS
    )
    return formset_class(data, prefix="parts")


CHILD_PREFIX = "child_"


class UnitSplitForm(DecisionForm):
    """The split itself; the parts come from ``split_part_formset`` and each active sub-unit
    gets a select saying which new unit it goes to."""

    dissolve_source = forms.BooleanField(
        label=_("Dissolve the source unit after the split"), required=False, initial=True
    )

    field_order = ["dissolve_source", *DecisionForm.decision_fields]

    def __init__(self, *args, children=(), part_count: int = SPLIT_MIN_PARTS, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        choices = [("", _("Stays in the source unit"))] + [
            (str(index), _("New unit %(number)s") % {"number": index + 1}) for index in range(part_count)
        ]
        for child in self.children:
            self.fields[f"{CHILD_PREFIX}{child.pk}"] = forms.ChoiceField(
                label=unit_label(child), choices=choices, required=False
            )

    def unit_fields(self):
        return [self["dissolve_source"]]

    def assignment_fields(self):
        return [self[f"{CHILD_PREFIX}{child.pk}"] for child in self.children]

    def assignment(self, index_map: dict[int, int]) -> dict[int, int]:
        """{sub-unit id: part index}; ``index_map`` maps a form number to its part index
        (blank part forms are dropped, so later parts shift)."""
        result = {}
        for child in self.children:
            value = self.cleaned_data.get(f"{CHILD_PREFIX}{child.pk}")
            if value not in (None, ""):
                # A sub-unit sent to a blank part gets an index the service reports as missing.
                result[child.pk] = index_map.get(int(value), SPLIT_MAX_PARTS + 1)
        return result


# --- catalogues -----------------------------------------------------------------------------


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
        return _decimal_text(value)
    if kind == AttributeType.DECIMAL_LIST:
        return "; ".join(_decimal_text(item) for item in value) if isinstance(value, list) else value
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
