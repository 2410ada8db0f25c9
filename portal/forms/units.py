"""Forms of the unit-tree screens: unit details and the tree operations (move, merge, split, dissolve)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms.common import DecisionForm, VietnameseDateField
from portal.forms.fields import CustomFieldsMixin
from portal.models import Unit
from portal.selectors import catalogue_entries, unit_list
from portal.services.units.common import QUOTA_FIELDS, UNIT_TYPE_KIND, SplitPart


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


def unit_type_choices():
    return catalogue_entries(kind=UNIT_TYPE_KIND, include_retired=True)


class UnitTypeField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=unit_type_choices(), **kwargs)

    def label_from_instance(self, obj):
        if not obj.active:
            return _("%(label)s (retired)") % {"label": obj.label}
        return obj.label


class UnitForm(CustomFieldsMixin, DecisionForm):
    """Create a unit or change its details (``unit_create`` / ``unit_update``), with one
    field per active unit custom field (``CustomFieldsMixin``)."""

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

    def __init__(self, *args, unit: Unit | None = None, user=None, **kwargs):
        if unit is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("name", "short_name", "code", "admin_area_code", "established_on", *QUOTA_FIELDS):
                initial.setdefault(name, getattr(unit, name))
            initial.setdefault("unit_type", unit.unit_type_id)
        super().__init__(*args, **kwargs)
        self.add_custom_fields(unit.custom_fields if unit is not None else {}, user=user)

    def unit_fields(self):
        custom = self.custom_field_names()
        return [field for field in super().unit_fields() if field.name not in custom]

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
        values["custom_fields"] = self.custom_field_values()
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
