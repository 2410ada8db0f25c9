"""Forms of the approval-authority screens: they collect what the administrator typed, nothing more.

Catalogue codes are offered as checkbox lists of the catalogue's entries but any code is
accepted here: ``portal.services.approvals`` checks them, so an unknown code gets the
service's Vietnamese message on its field, the same answer the API and imports would give.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.choices import FieldTarget
from portal.forms.common import VietnameseDateField
from portal.forms.units import UnitChoiceField, unit_label
from portal.models import ApprovalRule, Unit
from portal.models.approvals import ApprovingUnitMode
from portal.selectors import catalogue_entries, unit_list
from portal.services.fields.access import field_definitions
from portal.services.fields.definitions import PERSONNEL_CATEGORY_KIND
from portal.services.units.common import UNIT_TYPE_KIND


def entry_choices(kind: str, selected=()) -> list[tuple[str, str]]:
    """(code, 'label (code)') of the entries in use of catalogue ``kind``, plus any ``selected`` code
    no longer among them (so that editing a rule never silently drops a code)."""
    choices = [(entry.code, f"{entry.label} ({entry.code})") for entry in catalogue_entries(kind=kind)]
    known = {code for code, _label in choices}
    return [*choices, *((code, code) for code in selected if code not in known)]


class CodesField(forms.MultipleChoiceField):
    """Catalogue codes ticked in a list; unknown codes pass through to the service."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return True


class OpenChoiceField(forms.ChoiceField):
    """A select whose value the service checks (a tier field that does not exist, for instance)."""

    def valid_value(self, value) -> bool:
        return True


class UnitField(UnitChoiceField):
    """A unit of the tree (optional unless said); the options are set by ``show_units``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def show_units(form: forms.Form, *names: str) -> None:
    """Offer the active units, in tree order and indented by depth, in the unit fields ``names``
    (one query; a dissolved unit still validates, so that the service can say why it refuses it)."""
    units = list(unit_list())
    for name in names:
        form.fields[name].show_options(units)


class ApprovalRuleForm(forms.Form):
    """Create or change an approval rule (``approval_rule_save``)."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("For example 'QĐ 37/2024/QĐ-UBND Đồng Tháp, Điều 11 khoản 2'."),
    )
    priority = forms.IntegerField(
        label=_("Priority"), min_value=0, initial=100, help_text=_("Rules are tried from the lowest number up.")
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    unit = UnitField(label=_("Within the subtree of"), help_text=_("Empty: the whole province."))
    unit_types = CodesField(
        label=_("Unit types"),
        help_text=_("The person's unit, or a unit above it, must be of one of these types. None ticked: any."),
    )
    personnel_categories = CodesField(label=_("Personnel categories"), help_text=_("None ticked: all categories."))
    tier_field = OpenChoiceField(
        label=_("Management tier: custom field"),
        required=False,
        help_text=_("The dossier custom field holding the management tier; empty: any tier."),
    )
    tier_values = forms.CharField(
        label=_("Management tier: values"),
        required=False,
        max_length=500,
        help_text=_("Codes separated by commas, for example BTV_TU."),
    )
    approver_mode = forms.ChoiceField(
        label=_("Approving unit"), choices=ApprovingUnitMode.choices, widget=forms.RadioSelect
    )
    approver_unit_types = CodesField(
        label=_("Approving unit types"),
        help_text=_("The nearest unit of one of these types (the person's own unit or one above it) approves."),
    )
    approver_unit = UnitField(label=_("Fixed approving unit"), help_text=_("Only for rules with a fixed unit."))
    approver_title = forms.CharField(
        label=_("Approver's title"), max_length=200, required=False, help_text=_("As printed on the approval act.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rule: ApprovalRule | None = None, **kwargs):
        if rule is not None:
            initial = kwargs.setdefault("initial", {})
            for name in self.base_fields:
                initial.setdefault(name, getattr(rule, name))
            initial["unit"] = rule.unit_id
            initial["approver_unit"] = rule.approver_unit_id
            initial["tier_values"] = ", ".join(rule.tier_values)
        else:
            kwargs.setdefault("initial", {}).setdefault("approver_mode", ApprovingUnitMode.NEAREST_OF_TYPE)
        super().__init__(*args, **kwargs)
        selected = self.data if self.is_bound else self.initial

        def chosen(name):
            values = selected.getlist(name) if hasattr(selected, "getlist") else selected.get(name)
            return list(values or [])

        for name in ("unit_types", "approver_unit_types"):
            self.fields[name].choices = entry_choices(UNIT_TYPE_KIND, chosen(name))
        self.fields["personnel_categories"].choices = entry_choices(
            PERSONNEL_CATEGORY_KIND, chosen("personnel_categories")
        )
        tier_fields = [(d.key, f"{d.label} ({d.key})") for d in field_definitions(target=FieldTarget.DOSSIER)]
        current = rule.tier_field if rule is not None else ""
        if current and current not in {key for key, _label in tier_fields}:
            tier_fields.append((current, current))
        self.fields["tier_field"].choices = [("", _("— any tier —")), *tier_fields]
        show_units(self, "unit", "approver_unit")

    sections = (
        (_("The rule"), ("name", "legal_basis", "priority", "active")),
        (_("Whose data: the conditions"), ("unit", "unit_types", "personnel_categories", "tier_field", "tier_values")),
        (_("Who approves"), ("approver_mode", "approver_unit_types", "approver_unit", "approver_title", "note")),
    )

    def field_sections(self) -> list[tuple[str, list]]:
        """[(heading, bound fields)] in display order, for the template."""
        return [(heading, [self[name] for name in names]) for heading, names in self.sections]

    def values(self) -> dict:
        return dict(self.cleaned_data)


class LoadDefaultRulesForm(forms.Form):
    replace = forms.BooleanField(
        label=_("Replace the current rules"),
        required=False,
        help_text=_("The current rules are switched off (kept for the record) and the default set is loaded."),
    )


class ApprovalCheckForm(forms.Form):
    """The "who approves?" tester: a unit, a personnel category, optionally a management tier."""

    unit = UnitField(label=_("Unit"), required=True)
    category = forms.ChoiceField(label=_("Personnel category"))
    tier = forms.ChoiceField(label=_("Management tier"), required=False)

    def __init__(self, *args, tiers: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = entry_choices(PERSONNEL_CATEGORY_KIND)
        self.fields["tier"].choices = [("", _("— not set —")), *((code, label) for code, label in tiers.items())]
        show_units(self, "unit")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class DelegationUnitForm(forms.Form):
    """Step one of a delegation: the unit whose approval is delegated (GET)."""

    unit = forms.ModelChoiceField(label=_("Approving unit"), queryset=Unit.objects.none())

    def __init__(self, *args, units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units]).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit_label(unit)


class ApprovalDelegationForm(forms.Form):
    """A delegation of ``unit``'s approval (``approval_delegation_create``)."""

    delegator = UserChoiceField(label=_("Delegating approver"), queryset=None)
    delegate = UserChoiceField(label=_("Delegate"), queryset=None)
    starts_on = VietnameseDateField(label=_("From"))
    ends_on = VietnameseDateField(label=_("To (inclusive)"))
    decision_number = forms.CharField(label=_("Delegation document number"), max_length=100, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example 'đi công tác từ … đến …'."),
    )

    def __init__(self, *args, delegators: list, delegates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegator"].queryset = get_user_model().objects.filter(pk__in=[user.pk for user in delegators])
        self.fields["delegate"].queryset = delegates


class ApprovalOverrideForm(forms.Form):
    """Permission to approve outside the window (``approval_override_grant``)."""

    unit = UnitField(label=_("Unit (and the units under it)"), help_text=_("Empty: every unit."))
    starts_on = VietnameseDateField(label=_("From"))
    ends_on = VietnameseDateField(label=_("To (inclusive)"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with every approval made under this permission."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_units(self, "unit")


class ConfirmForm(forms.Form):
    """A confirmation button (revoke a delegation or an override)."""
