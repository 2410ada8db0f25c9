"""Reading one cell into the value a dossier's content holds, tolerantly.

What a sheet may hold, and what it becomes (the JSON-ready form of
``records.services.content``):

- dates: a date cell, an Excel serial number, ``dd/mm/yyyy``, ``d/m/yy``, ``yyyy-mm-dd``,
  with ``/``, ``-`` or ``.`` → ``yyyy-mm-dd``; a date in the future is refused except for the
  fields that may lie ahead (``imports.specs.FUTURE_ALLOWED``);
- months ("từ/đến" of the history sections): ``mm/yyyy``, ``m/yyyy``, ``yyyy``, a date or a
  full date → ``yyyy-mm`` or ``yyyy``;
- numbers: Vietnamese decimal commas ("2,34"), dots or spaces between thousands
  ("4.680.000"), or a number cell;
- catalogue values by code, by label (compared folded) or as "code - label" (the template's
  dropdowns);
- identifiers as text: a number where an identifier with leading zeros belongs (a phone, a
  social-insurance number) is refused with how to fix it, never silently converted.

Every problem is a ``ValueError`` whose text completes "Dòng N, cột 'X': …".
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from imports.specs import CHOICE, CODE, DATE, DECIMAL, FUTURE_ALLOWED, ID_KIND, INTEGER, MONTH, ColumnSpec
from portal.models import CatalogueEntry
from portal.text import fold, nfc

FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
MONTH_RE = re.compile(r"^(\d{1,2})[/.\-](\d{4}|\d{2})$")
YEAR_RE = re.compile(r"^(\d{4})$")
ISO_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
# Identifiers whose leading zeros matter: a number cell has already lost them.
LEADING_ZERO_FIELDS = {"phone", "social_insurance_number", "health_insurance_number"}


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# An empty cell keeps the stored value (a sheet of a few columns must not erase the others); this
# marker erases it. Compared folded and without spaces: "[XÓA]", "[xoá]", "[ xoa ]", "[clear]".
CLEAR_MARKER = "[xóa]"
CLEAR_WORDS = frozenset({"[xoa]", "[clear]"})


class _Clear:
    """The value of a cell that erases the stored item (``CLEAR``): never stored, never cleaned."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR = _Clear()


def is_clear(value) -> bool:
    """Whether a cell holds the erase marker (``CLEAR_MARKER``, any case, accents and spacing)."""
    return type(value) is str and "[" in value and fold(value).replace(" ", "") in CLEAR_WORDS


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain(value) -> str:
    """A cell as text: integral floats without ".0", dates as dd/mm/yyyy."""
    if value.__class__ is not str:  # (text, most cells, goes straight to the end)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, datetime.time | datetime.timedelta):
            return str(value)
        value = str(value)
    text = nfc(value)
    if text[:1] == "'" and (text[1:2] in FORMULA_STARTS or is_clear(text[1:])):
        # The apostrophe our csv export (and Excel) puts before text that would run as a formula, and
        # our exports before a stored text that is itself the erase marker (kept as that text).
        return text[1:]
    return text


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: up to this year's two digits in this century, otherwise the last.
        this = datetime.date.today().year
        year += 2000 if year <= this % 100 else 1900
    return year


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2100:
        raise ValueError(_("has a year outside 1900–2100"))


def parse_cell_date(value) -> datetime.date:
    """A date from a date cell, an Excel serial, or text; ``ValueError`` otherwise."""
    if isinstance(value, datetime.date):
        # A date cell is held to the same years as a date typed as text.
        _check_year(value.year)
        return value.date() if isinstance(value, datetime.datetime) else value
    if _is_number(value):
        if isinstance(value, float) and (not math.isfinite(value) or (not value.is_integer() and value < 1)):
            raise ValueError(_("is not a date"))
        serial = int(value)
        if not 1 <= serial <= 73050:  # 1900 … 2099
            raise ValueError(_("is a number (%(value)s), not a date dd/mm/yyyy") % {"value": _plain(value)})
        # Excel's serial 60 is 29/02/1900, a day that never was; serials after it are one day ahead.
        return EXCEL_EPOCH + datetime.timedelta(days=serial if serial > 60 else serial + 1)
    text = nfc(str(value))
    match = DATE_RE.match(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), _full_year(match[3])
    else:
        match = ISO_RE.match(text)
        if not match:
            raise ValueError(_("'%(value)s' is not a date dd/mm/yyyy") % {"value": text})
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    _check_year(year)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a date that exists") % {"value": text}) from None


def parse_cell_month(value) -> str:
    """``yyyy-mm`` or ``yyyy`` from a date, a year, ``mm/yyyy`` or a full date."""
    if isinstance(value, datetime.date):
        _check_year(value.year)
        return f"{value.year:04d}-{value.month:02d}"
    if _is_number(value):
        if (isinstance(value, int) or value.is_integer()) and 1900 <= value <= 2100:
            return f"{int(value):04d}"
        date = parse_cell_date(value)
        return f"{date.year:04d}-{date.month:02d}"
    text = nfc(str(value))
    for regex, order in ((MONTH_RE, "my"), (ISO_MONTH_RE, "ym")):
        match = regex.match(text)
        if match:
            month, year = (match[1], match[2]) if order == "my" else (match[2], match[1])
            year_number = _full_year(year)
            _check_year(year_number)
            if not 1 <= int(month) <= 12:
                raise ValueError(_("has a month outside 1–12"))
            return f"{year_number:04d}-{int(month):02d}"
    match = YEAR_RE.match(text)
    if match:
        _check_year(int(match[1]))
        return match[1]
    try:
        date = parse_cell_date(text)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a month mm/yyyy or a year yyyy") % {"value": text}) from None
    return f"{date.year:04d}-{date.month:02d}"


def parse_cell_decimal(value) -> Decimal:
    """A number with a Vietnamese decimal comma, thousands dots or spaces, or a number cell."""
    if _is_number(value):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = nfc(str(value)).replace(" ", "").replace("\u00a0", "")
        number = _decimal_text(text, value)
    # NaN and infinities are no amount; an exponent past any column's range ("1e999999999")
    # would be written out digit by digit.
    if not number.is_finite():
        raise ValueError(_("'%(value)s' is not a number") % {"value": nfc(str(value))})
    if number.is_zero():
        return number if number.as_tuple().exponent >= -30 else Decimal(0)
    if number.adjusted() > 30:
        raise ValueError(_("is too large"))
    if number.adjusted() < -30:
        raise ValueError(_("'%(value)s' is not a number") % {"value": nfc(str(value))})
    return number


def _decimal_text(text: str, value) -> Decimal:
    if "," in text and "." in text:
        # Whichever comes last is the decimal separator: "1.234,5" or "1,234.5".
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or (re.fullmatch(r"\d{1,3}(\.\d{3})+", text) and len(text) > 5):
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(_("'%(value)s' is not a number") % {"value": nfc(str(value))}) from None


def parse_cell_integer(value) -> int:
    if _is_number(value):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("'%(value)s' is not a whole number") % {"value": _plain(value)})
        return int(value)
    text = nfc(str(value)).replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = text.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(_("'%(value)s' is not a whole number") % {"value": nfc(str(value))})
    return int(text)


class RetiredCode(str):
    """The code of a retired catalogue entry, read from a cell. Not refused here: the dossier's checks
    (``records.services.content.section_clean`` with the stored section) keep it where the dossier
    already holds it, so an exported dossier re-imports, and refuse it anywhere else."""


class CatalogueBook:
    """Catalogue entries in use, by code and by folded label, and the codes of retired entries (by
    code only), read once per kind for a whole file."""

    def __init__(self):
        self._kinds: dict[str, tuple[set[str], dict[str, str | None], set[str]]] = {}

    def _load(self, kind: str):
        if kind not in self._kinds:
            codes: set[str] = set()
            labels: dict[str, str | None] = {}
            retired: set[str] = set()
            entries = CatalogueEntry.objects.filter(kind__code=kind).values_list("code", "label", "label_en", "active")
            for code, label, label_en, active in entries:
                if not active:
                    retired.add(code)
                    continue
                codes.add(code)
                for text in (label, label_en, f"{code} - {label}"):
                    if not text:
                        continue
                    key = fold(text)
                    # A label shared by two codes cannot pick one: it is then refused as ambiguous.
                    labels[key] = code if labels.get(key, code) == code else None
            self._kinds[kind] = (codes, labels, retired - codes)
        return self._kinds[kind]

    def code_for(self, kind: str, value) -> str:
        codes, labels, retired = self._load(kind)
        text = _plain(value)
        if text in codes:
            return text
        key = fold(text)
        if key in labels:
            code = labels[key]
            if code is None:
                raise ValueError(
                    _("'%(value)s' names several entries of the catalogue; give the code") % {"value": text}
                )
            return code
        if " - " in text and text.split(" - ", 1)[0].strip() in codes:
            return text.split(" - ", 1)[0].strip()
        if text in retired:
            return RetiredCode(text)
        raise ValueError(_("'%(value)s' is neither a code nor a label in use in the catalogue") % {"value": text})

    def options(self, kind: str) -> list[tuple[str, str]]:
        """(code, label) of the entries in use, for the template's dropdowns."""
        return list(
            CatalogueEntry.objects.filter(kind__code=kind, active=True)
            .order_by("order", "code")
            .values_list("code", "label")
        )


def convert(column: ColumnSpec, value, *, book: CatalogueBook, today: datetime.date):
    """The content value of ``value`` for ``column`` (None when empty); ``ValueError`` with the problem."""
    if value is None or (value.__class__ is str and not value.strip()):  # ``is_empty``, without the call
        return None
    kind = column.kind
    if kind == DATE:
        date = parse_cell_date(value)
        if date > today and column.field not in FUTURE_ALLOWED:
            raise ValueError(_("%(date)s is in the future") % {"date": date.strftime("%d/%m/%Y")})
        return date.isoformat()
    if kind == MONTH:
        month = parse_cell_month(value)
        if column.field not in FUTURE_ALLOWED and month > today.strftime("%Y-%m" if len(month) == 7 else "%Y"):
            raise ValueError(_("%(month)s is in the future") % {"month": month_text(month)})
        return month
    if kind == INTEGER:
        return parse_cell_integer(value)
    if kind == DECIMAL:
        number = parse_cell_decimal(value)
        return format(number, "f")
    if kind == CODE:
        return book.code_for(column.catalogue, value)
    if kind == CHOICE:
        text = _plain(value)
        for key, label in column.choices:
            if text == key or fold(text) in (fold(key), fold(str(label))):
                return key
        allowed = ", ".join(str(label) for _key, label in column.choices)
        raise ValueError(_("'%(value)s' is not one of: %(allowed)s") % {"value": text, "allowed": allowed})
    if kind == ID_KIND and _is_number(value) and column.field in LEADING_ZERO_FIELDS:
        raise ValueError(
            _(
                "was turned into a number (%(value)s) by Excel and may have lost its leading zeros; format the "
                "column as Text and type it again"
            )
            % {"value": _plain(value)}
        )
    text = _plain(value)
    if column.max_length and len(text) > column.max_length:
        raise ValueError(
            _("is %(length)s characters long, over the limit of %(max)s")
            % {"length": len(text), "max": column.max_length}
        )
    return text


def month_text(value: str) -> str:
    """A stored month ("yyyy-mm", or a whole year "yyyy") as the clerk types it: mm/yyyy or yyyy."""
    return f"{value[5:7]}/{value[:4]}" if len(value) == 7 else value
