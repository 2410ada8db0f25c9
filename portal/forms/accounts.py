"""Forms of the accounts admin: they parse what the administrator typed, nothing more.

The unit choosers offer only the units the actor manages and the role select only
the roles the actor may grant; the services (``portal.services.accounts``) check
both again and raise ``AccountPermissionDenied`` or ``ValidationError``.
"""

from __future__ import annotations

import csv
import datetime
import io

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import scoping
from portal.choices import Role
from portal.forms.common import DATE_INPUT_FORMATS, VietnameseDateField
from portal.forms.units import unit_label
from portal.models import Unit
from portal.text import fold, nfc

BULK_COLUMNS = ("username", "full_name", "birth_date", "personal_id", "email")
BULK_MAX_ROWS = 2000
# A first row whose first cell reads like one of these is a header, not a person.
HEADER_WORDS = {"username", "ten dang nhap", "tai khoan", "user name"}


def managed_unit_queryset(user):
    """Active units inside the subtrees ``user`` manages accounts in, in tree order."""
    roots = scoping.managed_units(user)
    units = Unit.objects.filter(dissolved_on__isnull=True).order_by("path")
    if None in roots:
        return units
    if not roots:
        return units.none()
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root.path)
    return units.filter(condition)


def grantable_roles(user) -> list[tuple[str, str]]:
    """The roles ``user`` may grant somewhere: none ranked above what they hold over a managed unit."""
    roots = scoping.managed_units(user)
    best = max((scoping.highest_rank_over(user, root) for root in roots), default=0)
    return [(value, label) for value, label in Role.choices if scoping.ROLE_RANK[value] <= best]


class ManagedUnitField(forms.ModelChoiceField):
    """A unit among those the actor manages (anything else is an invalid choice)."""

    def __init__(self, *, user, **kwargs):
        super().__init__(queryset=managed_unit_queryset(user), **kwargs)

    def label_from_instance(self, obj):
        return unit_label(obj, indent=True)


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = managed_unit_queryset(user)
        self.fields["unit"].label_from_instance = lambda unit: unit_label(unit, indent=True)


class AccountCreateForm(forms.Form):
    """One account (``account_create``)."""

    username = forms.CharField(label=_("User name"), max_length=150)
    last_name = forms.CharField(label=_("Family and middle name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    birth_date = VietnameseDateField(label=_("Date of birth"))
    personal_id = forms.CharField(label=_("Personal identification number"), max_length=12, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = ManagedUnitField(user=user, label=_("Unit"))


class GrantForm(forms.Form):
    """A role over a unit subtree (``grant_create``)."""

    role = forms.ChoiceField(label=_("Role"))
    starts_on = VietnameseDateField(label=_("Starts on"))
    ends_on = VietnameseDateField(label=_("Ends on (inclusive)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(user)
        self.fields["unit"] = ManagedUnitField(
            user=user,
            label=_("Over the unit (and its sub-units)"),
            required=not scoping.is_system_admin(user),
            help_text=_("Empty: the whole province (system administrators only)."),
        )
        self.order_fields(["role", "unit", "starts_on", "ends_on", "note"])


class ConfirmForm(forms.Form):
    """A button that posts (unlock, reset password, revoke); the actor needs no choices."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class LockForm(ConfirmForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


def _parse_date(text: str):
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _read_rows(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds of errors for a broken file
            raise forms.ValidationError(gettext("The file is not a readable .xlsx workbook.")) from exc
        return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(gettext("Save the CSV file as UTF-8.")) from exc
        return _csv_rows(text)
    raise forms.ValidationError(gettext("Upload a .csv or .xlsx file."))


def _csv_rows(text: str) -> list[list[str]]:
    # Spreadsheets saved under a Vietnamese locale separate cells with ";".
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [[nfc(cell) for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def parse_people(rows: list[list[str]]) -> tuple[list[dict], list[str]]:
    """People from rows of (username, full name, birth date dd/mm/yyyy, personal id, email).

    Blank rows are skipped and a header row is recognised. Returns the people and one
    message per row that cannot be read; the row numbers are those of the file.
    """
    people: list[dict] = []
    errors: list[str] = []
    for number, row in enumerate(rows, start=1):
        cells = [*(cell.strip() for cell in row), *[""] * len(BULK_COLUMNS)][: len(BULK_COLUMNS)]
        if not any(cells):
            continue
        if number == 1 and fold(cells[0]) in HEADER_WORDS:
            continue
        person = dict(zip(BULK_COLUMNS, cells, strict=True))
        person["row"] = number
        if person["birth_date"]:
            parsed = _parse_date(person["birth_date"])
            if parsed is None:
                errors.append(
                    gettext("Row %(row)s: date of birth '%(value)s' is not a date dd/mm/yyyy.")
                    % {"row": number, "value": person["birth_date"]}
                )
            person["birth_date"] = parsed
        else:
            person["birth_date"] = None
        if not person["full_name"]:
            errors.append(gettext("Row %(row)s: the full name is missing.") % {"row": number})
        people.append(person)
    return people, errors


class BulkIndividualsForm(forms.Form):
    """Individual accounts for the people of a unit, from a file or pasted CSV lines."""

    upload = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        required=False,
        help_text=_("Columns: user name, full name, date of birth (dd/mm/yyyy), personal id, email."),
    )
    lines = forms.CharField(
        label=_("Or paste CSV lines"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One person per line: nguyenvana,Nguyễn Văn A,01/02/1990,001090000001,a@example.vn"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = ManagedUnitField(user=user, label=_("Unit"))
        self.order_fields(["unit", "upload", "lines"])

    def clean(self):
        data = super().clean()
        upload, lines = data.get("upload"), (data.get("lines") or "").strip()
        if upload and lines:
            raise forms.ValidationError(gettext("Upload a file or paste lines, not both."))
        if upload:
            rows = _read_rows(upload)
        elif lines:
            rows = _csv_rows(lines)
        else:
            raise forms.ValidationError(gettext("Upload a file or paste the lines of people."))
        people, errors = parse_people(rows)
        if errors:
            raise forms.ValidationError(errors)
        if not people:
            raise forms.ValidationError(gettext("The list holds no people."))
        if len(people) > BULK_MAX_ROWS:
            raise forms.ValidationError(
                gettext("At most %(max)s people at a time; split the list.") % {"max": BULK_MAX_ROWS}
            )
        data["people"] = people
        return data
