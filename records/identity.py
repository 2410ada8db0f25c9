"""The 12-digit personal identification number (số định danh cá nhân, the CCCD number): clean, check, decode.

Layout per Nghị định 137/2015/NĐ-CP and Thông tư 59/2021/TT-BCA:

* digits 1–3: code of the province/city where the birth was registered (a country code if registered abroad);
* digit 4: century and sex — 1900–1999 male 0 / female 1, 2000–2099 2 / 3, 2100–2199 4 / 5, 2200–2299 6 / 7,
  2300–2399 8 / 9 (even = male, odd = female);
* digits 5–6: the last two digits of the birth year;
* digits 7–12: a random number.

The number is the key people are matched on across dossiers and imports, so a wrong one silently merges or splits
people. Most wrong numbers come from spreadsheets: Excel stores the column as a number, dropping the leading zero
that every domestic birth-registration code has, or showing it in scientific notation. Those values are refused with
a message that says so and how to fix the sheet, instead of a bare "must be 12 digits" that users cannot act on.

The known birth-registration codes come from the catalogue ``ma_noi_dang_ky_khai_sinh`` (read on every call, so an
admin's additions — e.g. country codes for births registered abroad — apply at once); while that catalogue is empty
the code check is skipped rather than refusing every number.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Collection
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal import selectors

ID_LENGTH = 12
BIRTH_PLACE_KIND = "ma_noi_dang_ky_khai_sinh"
# Codes of the sex catalogue (``gioi_tinh``).
SEX_MALE = "1"
SEX_FEMALE = "2"

_ID_RE = re.compile(r"[0-9]{12}")
# Whitespace of any kind (NBSP comes with text copied from Word or web pages) is never part of the number.
_WHITESPACE_RE = re.compile(r"\s+")
# People group the digits as they read them off the card: "001.090.000.001", "001-090-000-001".
_SEPARATOR_RE = re.compile(r"[.\-‐‑–—]")
# "1.2345E+11", "1,2345E+11" (Vietnamese decimal comma), "1.23457e+11": a number cell shown in scientific notation.
_SCIENTIFIC_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")
# "1090000001.0": a number cell turned back into text by a program that writes floats. At most two zeros, so a
# number grouped in threes ("001090000.000") is not taken for it.
_DECIMAL_ZERO_RE = re.compile(r"([0-9]+)[.,]0{1,2}")


def _text(value: object) -> str:
    """The value as NFC text without any whitespace, and without the apostrophe Excel users type to force text."""
    text = unicodedata.normalize("NFC", str(value))
    text = _WHITESPACE_RE.sub("", text)
    return text.removeprefix("'").removeprefix("’")


def _digits(text: str) -> str:
    return _SEPARATOR_RE.sub("", text)


def _is_number(value: object) -> bool:
    # bool is an int subclass but no spreadsheet cell produces it for a number column.
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_blank(value: object) -> bool:
    # An empty cell comes back as None, or as NaN from readers that build float columns.
    return value is None or (isinstance(value, float) and math.isnan(value))


def _padded_original(digits: str, known_codes: Collection[str] | None) -> str | None:
    """The 12-digit number ``digits`` would be if a spreadsheet dropped its leading zeros, or None.

    Every domestic birth-registration code starts with 0 (001–096), so a stripped number has 10 or 11 digits and
    does not itself start with 0. When the known codes are given, the restored code must be one of them.
    """
    if not (digits.isascii() and digits.isdigit()) or not 10 <= len(digits) <= 11 or digits.startswith("0"):
        return None
    original = digits.zfill(ID_LENGTH)
    if known_codes and original[:3] not in known_codes:
        return None
    return original


def _excel_diagnosis(value: object, known_codes: Collection[str] | None) -> tuple[bool, str | None]:
    """Whether ``value`` was mangled by a spreadsheet, and the original number when it can be recovered."""
    if _is_blank(value):
        return False, None
    if _is_number(value):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            return True, None
        if value != int(value):
            return True, None
        return True, _padded_original(str(int(value)), known_codes)
    text = _text(value)
    if _SCIENTIFIC_RE.fullmatch(text):
        return True, None
    match = _DECIMAL_ZERO_RE.fullmatch(text)
    if match:
        return True, _padded_original(match.group(1), known_codes)
    original = _padded_original(_digits(text), known_codes)
    return original is not None, original


def looks_mangled_by_excel(value: object, *, known_codes: Collection[str] | None = None) -> bool:
    """Whether ``value`` is a personal identification number damaged by a spreadsheet storing it as a number.

    True for a cell read as a number (an ``int``, ``float`` or ``Decimal``), scientific notation ("1.2345E+11",
    "1,2345E+11"), a trailing ".0", and 10 or 11 digits that look like a 12-digit number with its leading zero(s)
    lost. Pass ``known_codes`` (birth-registration codes) to count the last case only when the restored first three
    digits are a known code. Needs no database, so the bulk importer can use it per cell.
    """
    return _excel_diagnosis(value, known_codes)[0]


def birth_place_codes() -> set[str]:
    """The birth-registration codes in the catalogue (one query), for ``personal_id_clean(known_codes=)``."""
    return _known_birth_place_codes()


def _known_birth_place_codes() -> set[str]:
    # Retired codes stay valid: numbers already issued keep the code of the place that registered the birth.
    return set(selectors.catalogue_entries(kind=BIRTH_PLACE_KIND, include_retired=True).values_list("code", flat=True))


def _century_start(digit: int) -> int:
    """First year of the century encoded by the 4th digit (0/1 → 1900, 2/3 → 2000, …, 8/9 → 2300)."""
    return 1900 + 100 * (digit // 2)


def personal_id_birth_year(value: str) -> int | None:
    """The birth year a 12-digit personal identification number encodes (digits 4–6), or None if it is not one."""
    digits = _digits(_text(value))
    if not _ID_RE.fullmatch(digits):
        return None
    return _encoded_year(digits)


def _encoded_year(digits: str) -> int:
    return _century_start(int(digits[3])) + int(digits[4:6])


def _encoded_sex(digits: str) -> str:
    return SEX_MALE if int(digits[3]) % 2 == 0 else SEX_FEMALE


def personal_id_sex(value: str) -> str | None:
    """The sex a 12-digit personal identification number encodes, as a ``gioi_tinh`` code ("1" male, "2" female).

    None if ``value`` is not a 12-digit number.
    """
    digits = _digits(_text(value))
    if not _ID_RE.fullmatch(digits):
        return None
    return _encoded_sex(digits)


def _excel_message(shown: str, original: str | None) -> str:
    if original is None:
        return _(
            "The personal identification number '%(value)s' was mangled by a spreadsheet program such as Excel, "
            "which stored it as a number. Format the column as Text, then type or paste the 12-digit number again."
        ) % {"value": shown}
    return _(
        "The personal identification number '%(value)s' was mangled by a spreadsheet program such as Excel, "
        "which stored it as a number and dropped its leading zero(s); it was probably %(original)s. "
        "Format the column as Text, then type or paste the 12-digit number again."
    ) % {"value": shown, "original": original}


def personal_id_clean(
    value: object,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    field: str = "personal_id",
    known_codes: set[str] | None = None,
) -> str:
    """Return ``value`` as a normalized 12-digit personal identification number, or raise ``ValidationError``.

    Whitespace, dots and dashes typed between digit groups are removed and the text is NFC-normalized. Refused, in
    this order: an empty value; a value mangled by a spreadsheet (see ``looks_mangled_by_excel``); anything that is
    not exactly 12 digits. Then, all reported together: first three digits that are not a known birth-registration
    code (skipped while the ``ma_noi_dang_ky_khai_sinh`` catalogue is empty); a century/year (digits 4–6) that
    differs from the year of ``birth_date``; a 4th digit whose parity differs from ``sex`` ("1" male, "2" female;
    other values are not checked). Errors are keyed by ``field``. ``known_codes``: the birth-registration
    codes read once by a caller checking many ids (``birth_place_codes``); read from the catalogue when None.
    """
    # Already clean (most cells of an import): nothing to strip, nothing a spreadsheet did to it.
    clean = isinstance(value, str) and len(value) == ID_LENGTH and value.isascii() and value.isdigit()
    if not clean and (_is_blank(value) or not _text(value)):
        raise ValidationError({field: [_("Enter the personal identification number (12 digits).")]})
    if known_codes is None:
        known_codes = _known_birth_place_codes()
    digits = value if clean else _digits_checked(value, field, known_codes)
    return _digits_consistent(digits, birth_date=birth_date, sex=sex, field=field, known_codes=known_codes)


def _digits_checked(value: object, field: str, known_codes: set[str]) -> str:
    """The 12 digits of a non-empty value typed or pasted in any way; ``ValidationError`` saying what is wrong."""
    mangled, original = _excel_diagnosis(value, known_codes)
    shown = str(value) if _is_number(value) else unicodedata.normalize("NFC", str(value)).strip()
    if mangled:
        raise ValidationError({field: [_excel_message(shown, original)]})
    text = _text(value)
    digits = _digits(text)
    if not _ID_RE.fullmatch(digits):
        if digits.isascii() and digits.isdigit():
            message = _("The personal identification number must be exactly 12 digits (digits given: %(count)s).") % {
                "count": len(digits)
            }
        else:
            message = _(
                "The personal identification number must be exactly 12 digits, without letters or other signs "
                "(given: '%(value)s', length %(count)s)."
            ) % {"value": shown, "count": len(digits)}
        raise ValidationError({field: [message]})
    return digits


def _digits_consistent(
    digits: str, *, birth_date: datetime.date | None, sex: str | None, field: str, known_codes: set[str]
) -> str:
    errors: list[str] = []
    if known_codes and digits[:3] not in known_codes:
        errors.append(
            _(
                "The first 3 digits of the personal identification number, %(code)s, are not a known "
                "birth-registration place code. Check the number; if the birth was registered abroad, the Department "
                "of Home Affairs must add that country code to the catalogue of birth-registration place codes."
            )
            % {"code": digits[:3]}
        )
    encoded_year = _encoded_year(digits)
    if birth_date is not None and encoded_year != birth_date.year:
        errors.append(
            _(
                "The personal identification number encodes the birth year %(encoded)s, but the date of birth given "
                "is in %(year)s."
            )
            % {"encoded": encoded_year, "year": birth_date.year}
        )
    encoded_sex = _encoded_sex(digits)
    if sex in (SEX_MALE, SEX_FEMALE) and encoded_sex != sex:
        if encoded_sex == SEX_MALE:
            message = _(
                "The personal identification number belongs to a man (its 4th digit, %(digit)s, is even), "
                "but the sex given is female."
            )
        else:
            message = _(
                "The personal identification number belongs to a woman (its 4th digit, %(digit)s, is odd), "
                "but the sex given is male."
            )
        errors.append(message % {"digit": digits[3]})
    if errors:
        raise ValidationError({field: errors})
    return digits
