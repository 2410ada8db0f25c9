"""Forms of the records admin: they parse input; the selectors and services decide."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.choices import FieldType
from portal.forms.fields import CUSTOM_PREFIX
from portal.models import CatalogueEntry, Unit
from portal.services.fields.access import choice_labels, field_definitions
from portal.services.fields.values import custom_field_filter
from records.choices import DossierStatus
from records.selectors import AGE_BANDS, DossierFilters

AGE_BAND_LABELS = {
    "under_30": _("Under 30"),
    "30_39": _("30–39"),
    "40_49": _("40–49"),
    "50_59": _("50–59"),
    "60_plus": _("60 and over"),
}
PARTY_CHOICES = [("", "—"), ("1", _("Party members")), ("0", _("Not Party members"))]
COMPLETENESS_CHOICES = [
    ("", "—"),
    ("50", _("Less than 50% complete")),
    ("80", _("Less than 80% complete")),
    ("100", _("Not complete")),
]

# Columns a clerk may export, in order: (key, label, value of a dossier).
EXPORT_COLUMNS = {
    "personal_id": _("Personal identification number"),
    "full_name": _("Full name"),
    "sex": _("Sex"),
    "birth_date": _("Date of birth"),
    "unit": _("Unit"),
    "personnel_category": _("Personnel category"),
    "grade": _("Grade or professional title"),
    "salary_step": _("Salary step"),
    "salary_coefficient": _("Salary coefficient"),
    "highest_qualification": _("Highest qualification"),
    "ethnicity": _("Ethnicity"),
    "party_joined_on": _("Joined the Party on"),
    "phone": _("Phone"),
    "status": _("Status"),
    "completeness": _("Completeness (%)"),
}
DEFAULT_EXPORT = ["personal_id", "full_name", "birth_date", "unit", "grade", "status"]


FILTER_CATALOGUES = {
    "personnel_category": "loai_nhan_su",
    "grade": "ngach_cdnn",
    "qualification": "trinh_do_chuyen_mon",
    "sex": "gioi_tinh",
    "ethnicity": "dan_toc",
}


def catalogue_choices(kinds) -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[str, str]]]:
    """({kind: [("", "—"), (code, label)…] of the entries in use, in catalogue order},
    {kind: {code: label} of every entry, retired ones included, to print stored codes}), one query."""
    choices: dict[str, list[tuple[str, str]]] = {kind: [("", "—")] for kind in kinds}
    labels: dict[str, dict[str, str]] = {kind: {} for kind in kinds}
    best: dict[tuple[str, str], tuple] = {}
    seen: set[tuple[str, str]] = set()
    entries = CatalogueEntry.objects.filter(kind__code__in=list(kinds)).order_by("order", "code")
    for kind, code, label, active, valid_from in entries.values_list(
        "kind__code", "code", "label", "active", "valid_from"
    ):
        # A code's label is its entry in use, the latest period first (as ``views.common.labels``).
        rank = (active, valid_from or datetime.date.min)
        if best.get((kind, code), (False, datetime.date.min)) <= rank:
            best[(kind, code)] = rank
            labels[kind][code] = label
        if active and (kind, code) not in seen:
            seen.add((kind, code))
            choices[kind].append((code, label))
    return choices, labels


class DossierFilterForm(forms.Form):
    """The filters of the clerk's dossier list (and of its export)."""

    q = forms.CharField(label=_("Search by name or personal id"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False)
    personnel_category = forms.ChoiceField(label=_("Personnel category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *DossierStatus.choices])
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    qualification = forms.ChoiceField(label=_("Qualification"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", "—"), *((k, AGE_BAND_LABELS[k]) for k in AGE_BANDS)]
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False)
    party = forms.ChoiceField(label=_("Party membership"), required=False, choices=PARTY_CHOICES)
    completeness = forms.ChoiceField(label=_("Completeness"), required=False, choices=COMPLETENESS_CHOICES)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        choices, self.labels = catalogue_choices(FILTER_CATALOGUES.values())
        for name, kind in FILTER_CATALOGUES.items():
            self.fields[name].choices = choices[kind]

    def filters(self, custom: dict[str, str]) -> DossierFilters:
        data = self.cleaned_data if self.is_valid() else {}
        party = data.get("party")
        return DossierFilters(
            search=data.get("q") or "",
            unit=data.get("unit"),
            personnel_category=data.get("personnel_category") or "",
            status=data.get("status") or "",
            grade=data.get("grade") or "",
            qualification=data.get("qualification") or "",
            age_band=data.get("age_band") or "",
            sex=data.get("sex") or "",
            ethnicity=data.get("ethnicity") or "",
            party_member=None if not party else party == "1",
            completeness_below=int(data["completeness"]) if data.get("completeness") else None,
            custom=custom,
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the person will read it)"), widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(forms.Form):
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_conflict = forms.BooleanField(
        label=_("I have compared the current values and accept the declaration anyway"), required=False
    )


class CompareForm(forms.Form):
    base = forms.IntegerField(label=_("From version"), min_value=1)
    to = forms.IntegerField(label=_("To version"), min_value=1)


# The list's filters other than the unit (an export of "this list" has its own unit field).
LIST_FILTERS = (
    "q",
    "personnel_category",
    "status",
    "grade",
    "qualification",
    "age_band",
    "sex",
    "ethnicity",
    "party",
    "completeness",
)


@dataclass(frozen=True)
class ListFilters:
    """The dossier list's filters read from a query string: what ``dossier_list`` takes, what the screen
    shows ((label, value) of each filter in use) and the parameters that carry them on."""

    filters: DossierFilters
    shown: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str], ...] = ()


def list_filters(params) -> ListFilters:
    """The dossier list's filters in ``params`` (its query string: ``q``, ``status``…, ``cf_<key>`` for a
    custom field), without its unit, for exporting "this list". A value the list would ignore (an
    unknown code, a custom value that does not convert) is refused here, ``ValidationError`` naming the
    filter: an export must never silently hold more dossiers than the list showed."""
    given = {name: params.get(name, "").strip() for name in LIST_FILTERS if params.get(name, "").strip()}
    form = DossierFilterForm(given)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        for name, messages in form.errors.items():
            label = form.fields[name].label
            errors[name] = [
                gettext("Filter '%(label)s': %(problem)s") % {"label": label, "problem": m} for m in messages
            ]
    shown = []
    for name, value in given.items():
        if name in errors:
            continue
        choices = dict(getattr(form.fields[name], "choices", ()) or ())
        shown.append((str(form.fields[name].label), str(choices.get(value, value))))
    custom: dict[str, str] = {}
    definitions = list(field_definitions(target="dossier", include_secret=False).exclude(field_type=FieldType.FILE))
    names = choice_labels([d for d in definitions if d.catalogue_id])
    for definition in definitions:
        raw = (params.get(CUSTOM_PREFIX + definition.key) or "").strip()
        if not raw:
            continue
        try:
            custom_field_filter(definition, raw)
        except ValueError as exc:
            errors[CUSTOM_PREFIX + definition.key] = [
                gettext("Filter '%(label)s': the value %(problem)s.") % {"label": definition.label, "problem": exc}
            ]
            continue
        custom[definition.key] = raw
        given[CUSTOM_PREFIX + definition.key] = raw
        shown.append((definition.label, names.get(definition.catalogue_id, {}).get(raw, raw)))
    known = {CUSTOM_PREFIX + definition.key for definition in definitions}
    for name in sorted(key for key in params if key.startswith(CUSTOM_PREFIX) and key not in known):
        if (params.get(name) or "").strip():
            errors[name] = [
                gettext("There is no filter '%(name)s' (a custom field in use, not secret).") % {"name": name}
            ]
    if errors:
        raise ValidationError(errors)
    return ListFilters(filters=form.filters(custom=custom), shown=tuple(shown), params=tuple(given.items()))
