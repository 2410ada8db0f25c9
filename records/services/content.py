"""A dossier's content: THE validation of section values (the consistency between them:
``records.services.consistency``; the catalogue codes accepted: ``records.services.codes``; canonical
form and hash: ``records.services.content_hash``; diff: ``records.services.content_diff``;
completeness: ``records.services.completeness``; live rows: ``records.services.live_rows``).

Content is a dict ``{section key: value}`` (``records.sections``): a single section's
value is ``{field: value}``, a row section's a list of such dicts in order, the custom
fields ``{key: value}``. Values are JSON-ready: text NFC-stripped, dates ``yyyy-mm-dd``,
months ``yyyy-mm`` (or ``yyyy``), decimals as plain strings, integers, catalogue codes.
Empty values are left out, so two contents that print the same are equal and hash the
same (``content_hash.canonical_bytes``): the SHA-256 the approval manifest will sign.

``section_clean`` is used by every writer (admin and portal forms, API, imports, seed):
its messages name the section, the row and the field in Vietnamese.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.services.catalogue_attributes import parse_date, parse_decimal
from portal.services.fields.values import custom_fields_clean
from portal.text import nfc
from records.sections.registry import CUSTOM, SECTION_BY_KEY, section_title
from records.sections.spec import CHOICE, CODE, DATE, DECIMAL, INTEGER, LONG_TEXT, MONTH, SINGLE, TEXT, Section
from records.services.codes import CodeBook
from records.services.consistency import content_consistency

MONTH_RE = re.compile(r"^(?:(?P<m1>\d{1,2})[/.-](?P<y1>\d{4})|(?P<y2>\d{4})-(?P<m2>\d{1,2})|(?P<y3>\d{4}))$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ROWS = 200
DOSSIER_TARGET = "dossier"


def _held(previous, name: str) -> set:
    """The values of field ``name`` in ``previous`` (a section's stored value: an object or a list of rows)."""
    rows = previous if isinstance(previous, list) else [previous]
    return {row.get(name) for row in rows if isinstance(row, dict)}


def parse_month(value) -> str:
    """``mm/yyyy``, ``yyyy-mm`` or ``yyyy`` → ``yyyy-mm`` / ``yyyy``."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    match = MONTH_RE.match(nfc(str(value)))
    if not match:
        raise ValueError(_("must be a month mm/yyyy or a year yyyy"))
    year = int(match["y1"] or match["y2"] or match["y3"])
    month = match["m1"] or match["m2"]
    if not 1900 <= year <= 2100:
        raise ValueError(_("has a year outside 1900–2100"))
    if month is None:
        return f"{year:04d}"
    if not 1 <= int(month) <= 12:
        raise ValueError(_("has a month outside 1–12"))
    return f"{year:04d}-{int(month):02d}"


def month_text(value: str) -> str:
    """``yyyy-mm`` → ``mm/yyyy`` for display."""
    if value and len(value) == 7:
        return f"{value[5:7]}/{value[:4]}"
    return value or ""


def _integer(spec, value) -> int:
    if isinstance(value, bool):
        raise ValueError(_("must be a whole number"))
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(" ", "")
        if not re.fullmatch(r"\d+", text):
            raise ValueError(_("must be a whole number"))
        number = int(text)
    if number < 0:
        raise ValueError(_("must not be negative"))
    if spec.max_value is not None and number > spec.max_value:
        raise ValueError(_("is too large (at most %(max)s)") % {"max": spec.max_value})
    return number


def _decimal(spec, value) -> str:
    """A decimal written with exactly the column's decimal places ("100" → "100.00"), so a version's
    content and the live row read back (``live_rows.content_of``) are the same text and hash alike."""
    number = parse_decimal(value)
    if number < 0:
        raise ValueError(_("must not be negative"))
    if spec.decimal_places is None:
        return format(number, "f")
    step = Decimal(1).scaleb(-spec.decimal_places)
    try:
        rounded = number.quantize(step)
    except InvalidOperation:  # more digits than the decimal context holds: far past any column's size
        raise ValueError(_("is too large")) from None
    if number != rounded:
        raise ValueError(_("has more than %(places)s decimal places") % {"places": spec.decimal_places})
    number = rounded
    if spec.max_digits is not None and len(number.as_tuple().digits) > spec.max_digits:
        raise ValueError(_("is too large"))
    return format(number, "f")


def _convert(section: Section, spec, value, codes: CodeBook, previous=None):
    """One field's value, JSON-ready; ``ValueError`` with the problem in Vietnamese.

    ``previous``: the section's stored value. A code no longer in use (its entry retired) that the
    dossier already holds in this field is kept: history written under the old catalogue stays valid
    and does not block other changes; entering it anew is refused."""
    if spec.kind == DATE:
        if isinstance(value, str) and ISO_DATE_RE.match(value):
            try:  # the form every writer but a sheet gives: no need to try other patterns first
                return datetime.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        return parse_date(value).isoformat()
    if spec.kind == MONTH:
        return parse_month(value)
    if spec.kind == INTEGER:
        return _integer(spec, value)
    if spec.kind == DECIMAL:
        return _decimal(spec, value)
    text = nfc(str(value))
    if spec.kind == CODE:
        if text not in codes.codes(spec.catalogue):
            if previous and text in _held(previous, spec.name):
                return text
            if text in codes.retired(spec.catalogue):
                raise ValueError(
                    _(
                        "'%(code)s' is a retired code of the catalogue: it stays where the dossier already holds "
                        "it, but cannot be entered anew"
                    )
                    % {"code": text}
                )
            raise ValueError(_("'%(code)s' is not a code in use in the catalogue") % {"code": text})
        return text
    if spec.kind == CHOICE:
        if text not in {key for key, _label in spec.choices}:
            raise ValueError(_("'%(value)s' is not one of the allowed values") % {"value": text})
        return text
    if spec.max_length and len(text) > spec.max_length:
        raise ValueError(_("is longer than %(max)s characters") % {"max": spec.max_length})
    return text


def is_empty_value(value) -> bool:
    """None, blank text, an empty list or object: a value a content leaves out."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


class _Title:
    """The section's title, translated only when a message needs it (most values are valid)."""

    def __init__(self, key: str):
        self.key = key

    def __str__(self) -> str:
        return section_title(self.key)


# The kinds whose sheet reading (``imports.cells.convert``, built from the same field specs) already
# gives the stored form and enforces every rule ``_convert`` has: ISO dates and months, codes in use,
# choice keys, NFC text within the field's length. Numbers still get the field's rules below.
READ_AS_STORED = frozenset({TEXT, LONG_TEXT, DATE, MONTH, CODE, CHOICE})


def add_problem(errors: dict, bare: dict | None, key: str, message: str, problem: str) -> None:
    """``message`` (the whole sentence: section, row, field, problem) under ``key``; with ``bare``, the
    problem alone under the same key too, for a caller that names the place itself (a sheet's cell)."""
    errors.setdefault(key, []).append(message)
    if bare is not None:
        bare.setdefault(key, []).append(problem)


def _clean_fields(
    section: Section,
    values,
    codes: CodeBook,
    errors: dict,
    *,
    row: int | None = None,
    converted: bool = False,
    previous=None,
    bare: dict | None = None,
) -> dict:
    where = _Title(section.key)
    if not isinstance(values, dict):
        key = f"{section.key}" if row is None else f"{section.key}[{row}]"
        errors.setdefault(key, []).append(_("%(section)s: the values must be given as an object.") % {"section": where})
        return {}
    cleaned: dict = {}
    for name in sorted(set(values).difference(section.field_names)):
        key = f"{section.key}.{name}" if row is None else f"{section.key}[{row}].{name}"
        errors.setdefault(key, []).append(
            _("%(section)s: there is no field '%(field)s'.") % {"section": where, "field": name}
        )
    # Called for every row of every import: the fields absent from ``values`` (most of a wide
    # section) are skipped before any other work.
    for spec in section.fields:
        value = values.get(spec.name)
        if value is None:
            continue
        if (value.__class__ is not str or not value or value[0].isspace()) and is_empty_value(value):
            continue  # (text that starts with a letter, most values, is filled: no call)
        if converted and spec.kind in READ_AS_STORED and type(value) is str:
            cleaned[spec.name] = value  # read once by the sheet reader: not converted a second time
            continue
        try:
            cleaned[spec.name] = _convert(section, spec, value, codes, previous)
        except ValueError as exc:
            key = f"{section.key}.{spec.name}" if row is None else f"{section.key}[{row}].{spec.name}"
            if row is None:
                message = _("%(section)s, '%(field)s': the value %(problem)s.") % {
                    "section": where,
                    "field": spec.label,
                    "problem": exc,
                }
            else:
                message = _("%(section)s, row %(row)s, '%(field)s': the value %(problem)s.") % {
                    "section": where,
                    "row": row,
                    "field": spec.label,
                    "problem": exc,
                }
            add_problem(errors, bare, key, message, _("the value %(problem)s") % {"problem": exc})
    if row is not None:
        for name in section.required:
            if name not in cleaned and f"{section.key}[{row}].{name}" not in errors:
                message = _("%(section)s, row %(row)s: '%(field)s' is required.") % {
                    "section": where,
                    "row": row,
                    "field": section.field(name).label,
                }
                add_problem(errors, bare, f"{section.key}[{row}].{name}", message, required_here())
        _check_period(section, cleaned, errors, row=row, bare=bare)
    return cleaned


def required_here() -> str:
    """A required item's problem without its place (``bare``)."""
    return _("a value is required here")


def _check_period(section: Section, cleaned: dict, errors: dict, *, row: int, bare: dict | None = None) -> None:
    for start, end in (("period_from", "period_to"), ("date_from", "date_to")):
        if start in cleaned and end in cleaned and cleaned[end] < cleaned[start]:
            labels = {"end": section.field(end).label, "start": section.field(start).label}
            message = _("%(section)s, row %(row)s: '%(end)s' is before '%(start)s'.") % {
                "section": section_title(section.key),
                "row": row,
                **labels,
            }
            add_problem(
                errors, bare, f"{section.key}[{row}].{end}", message, _("'%(end)s' is before '%(start)s'") % labels
            )


def section_clean(
    key: str,
    value,
    *,
    codes: CodeBook | None = None,
    personnel_category: str | None = None,
    converted: bool = False,
    previous=None,
    bare: dict | None = None,
    dossier_id: int | None = None,
):
    """Check and convert the value of section ``key``; raise ``ValidationError`` keyed
    ``<section>.<field>`` or ``<section>[<row>].<field>`` (rows count from 1) with one
    Vietnamese sentence per problem. The custom section goes through the field catalogue
    (``portal.services.fields.values.custom_fields_clean``), required custom fields included.

    ``converted``: every value was just read from a sheet cell by ``imports.cells.convert`` for
    this very field (the bulk import): the ``READ_AS_STORED`` kinds are taken as read, the rest
    (numbers, required items, periods, unknown fields) checked as always.

    ``previous``: the section's stored value, when the dossier has one. A retired catalogue code it
    holds in a field may stay in that field (any row of a row section); a retired code anywhere else
    is refused with its own message.

    ``bare``: a dict that also receives, under the same keys, each field's problem without its place
    ("the value … is …"), for a caller that names the place itself (the bulk import's cell).

    ``dossier_id``: the dossier whose section this is (None for a new one): a unique custom value
    it already has is not another dossier's."""
    codes = codes or CodeBook()
    if key == CUSTOM:
        problems = {} if bare is not None else None
        try:
            return custom_fields_clean(
                target=DOSSIER_TARGET,
                values=value or {},
                personnel_category=personnel_category,
                bare=problems,
                owner_pk=dossier_id,
                book=codes.fields,
            )
        except ValidationError as exc:
            for field_key, field_problems in (problems or {}).items():
                bare.setdefault(f"{CUSTOM}.{field_key[len('custom_fields.') :]}", []).extend(field_problems)
            raise ValidationError(
                {f"{CUSTOM}.{k[len('custom_fields.') :]}": v for k, v in exc.message_dict.items()}
            ) from None
    section = SECTION_BY_KEY.get(key)
    if section is None:
        raise ValidationError({"section": _("There is no section '%(key)s'.") % {"key": key}})
    errors: dict[str, list[str]] = {}
    if section.kind == SINGLE:
        cleaned = _clean_fields(section, value or {}, codes, errors, converted=converted, previous=previous, bare=bare)
    else:
        rows = value or []
        if not isinstance(rows, list):
            raise ValidationError({key: _("%(section)s: give a list of rows.") % {"section": section_title(key)}})
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                {key: _("%(section)s: at most %(max)s rows.") % {"section": section_title(key), "max": MAX_ROWS}}
            )
        cleaned = [
            _clean_fields(section, row, codes, errors, row=number, converted=converted, previous=previous, bare=bare)
            for number, row in enumerate(rows, start=1)
        ]
        cleaned = [row for row in cleaned if row]
    if errors:
        raise ValidationError(errors)
    return cleaned


def content_clean(
    content: dict, *, codes: CodeBook | None = None, converted: bool = False, bare: dict | None = None
) -> dict:
    """Every section of ``content`` cleaned; all problems of all sections in one ``ValidationError``
    (``converted``, ``bare``: as for ``section_clean``)."""
    codes = codes or CodeBook()
    unknown = sorted(set(content) - set(SECTION_BY_KEY) - {CUSTOM})
    errors: dict[str, list[str]] = {}
    for key in unknown:
        errors.setdefault("section", []).append(_("There is no section '%(key)s'.") % {"key": key})
    category = (content.get("header") or {}).get("personnel_category")
    cleaned: dict = {}
    for key in (*SECTION_BY_KEY, CUSTOM):
        if key not in content:
            continue
        try:
            value = section_clean(
                key, content[key], codes=codes, personnel_category=category, converted=converted, bare=bare
            )
        except ValidationError as exc:
            for field_key, messages in exc.message_dict.items():
                errors.setdefault(field_key, []).extend(messages)
            continue
        if not is_empty_value(value):
            cleaned[key] = value
    if not errors:
        errors.update(content_consistency(cleaned))
    if errors:
        raise ValidationError(errors)
    return cleaned
