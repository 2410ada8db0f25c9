"""Fields and forms shared by the admin forms: Vietnamese dates, decimals, the legal decision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from portal.services.units.common import Decision

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_HELP = _("dd/mm/yyyy")


class VietnameseDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (ISO is accepted too), with Wagtail's date picker."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", AdminDateInput(format="%d/%m/%Y"))
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)


def decimal_text(value) -> str:
    """A stored decimal ('2.34') shown the Vietnamese way ('2,34')."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(number, use_l10n=True)


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
