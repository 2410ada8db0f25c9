"""THE validation of custom field values, and the conversion behind list filters.

``custom_fields_clean`` is the one function that checks and converts custom field
values; the admin forms, the API (through ``portal.services.units``) and the imports
all call it, so they agree. Values are stored JSON-ready: dates ISO ``yyyy-mm-dd``,
decimals as strings in plain notation, booleans, integers, catalogue codes (a list
for multiple choice), and for files the path of the file in the default storage.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from portal.choices import FieldType
from portal.models import CatalogueEntry, FieldDefinition
from portal.services.catalogue_attributes import parse_boolean, parse_date, parse_decimal
from portal.services.fields.access import applies_to
from portal.services.fields.definitions import (
    CHOICE_TYPES,
    NUMBER_TYPES,
    TEXT_TYPES,
    _target_model,
)
from portal.text import fold, nfc

TEXT_MAX_LENGTH = {FieldType.TEXT: 1000, FieldType.LONG_TEXT: 20000}
FILE_MAX_BYTES = 20 * 1024 * 1024
FILE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".txt"}
FILE_ROOT = "custom_fields"


def custom_field_filter(definition: FieldDefinition, raw: str) -> Q:
    """The queryset condition for a list filter ``?cf_<key>=raw``.

    Text matches a part of the value (case-insensitive); multiple choice contains the
    code; other types match the converted value exactly. Raises ``ValueError`` (with a
    message) when ``raw`` does not convert.
    """
    lookup = f"custom_fields__{definition.key}"
    kind = definition.field_type
    raw = nfc(raw)
    if kind in TEXT_TYPES or kind == FieldType.FILE:
        return Q(**{f"{lookup}__icontains": raw})
    if kind == FieldType.MULTIPLE_CHOICE:
        return Q(**{f"{lookup}__contains": raw})
    return Q(**{lookup: _convert(definition, raw, codes={definition.catalogue_id: _any_code(raw)})})


class FieldBook:
    """The custom field definitions of each target and the catalogue codes their choices accept, read
    once (two queries per target) for a caller that checks many objects in turn: a bulk import passes
    one to ``custom_fields_clean`` for a whole file, instead of two queries per row."""

    def __init__(self):
        self._targets: dict[str, tuple[dict[str, FieldDefinition], dict[int, dict[str, str]]]] = {}
        # (target, key) -> {stored value: the pks of the objects holding it}, for the values asked.
        self._holders: dict[tuple[str, str], dict] = {}

    def of(self, target: str) -> tuple[dict[str, FieldDefinition], dict[int, dict[str, str]]]:
        """({key: definition} of every definition of ``target``, retired ones included; the codes in use)."""
        if target not in self._targets:
            definitions = {d.key: d for d in FieldDefinition.objects.filter(target=target).select_related("catalogue")}
            self._targets[target] = (definitions, _active_codes(d for d in definitions.values() if d.active))
        return self._targets[target]

    def hold(self, target: str, candidates: dict[str, Iterable]) -> None:
        """Read at once which objects hold the ``candidates`` of the target's unique fields
        ({key: values as typed or as stored}; one query per field), replacing what was read before
        for those fields: ``custom_fields_clean`` then answers those values from here instead of
        one query each (a bulk import calls this for each chunk of rows). Values that do not
        convert are left out; they fail the check anyway."""
        definitions, codes = self.of(target)
        model = _target_model(target)
        for key, values in candidates.items():
            definition = definitions.get(key)
            if definition is None or not definition.unique or not definition.active or model is None:
                continue
            asked = set()
            for value in values:
                try:
                    converted = _convert(definition, value, codes=codes)
                except ValueError:
                    continue
                if converted not in (None, "", []):
                    asked.add(converted)
            holders: dict = {value: [] for value in asked}
            if asked:
                lookup = f"custom_fields__{key}"
                for pk, value in (
                    model.objects.filter(**{f"{lookup}__in": list(asked)}).order_by("pk").values_list("pk", lookup)
                ):
                    if value in holders:
                        holders[value].append(pk)
            self._holders[(target, key)] = holders

    def holders(self, target: str, key: str, value) -> list[int] | None:
        """The pks of the objects holding ``value`` in unique field ``key`` as read by ``hold``;
        None when it was not asked there."""
        held = self._holders.get((target, key))
        return None if held is None else held.get(value)


def unique_values_taken(
    *, target: str, values: dict, owner_pk: int | None, held: dict | None = None, book: FieldBook | None = None
) -> list[tuple[FieldDefinition, object, models.Model]]:
    """The values of ``values`` (custom values as stored) in the target's unique fields in use that an
    object other than ``owner_pk`` holds: (definition, value, that object) each. ``held``: the owner's
    stored values; one it already holds is not looked up (it was checked when written). For a write
    that comes long after the check: publishing a version approved a month later."""
    model = _target_model(target)
    if model is None:
        return []
    definitions, _codes = (book or FieldBook()).of(target)
    taken = []
    for key, definition in sorted(definitions.items()):
        value = values.get(key)
        if not (definition.unique and definition.active) or value in (None, "", []):
            continue
        if (held or {}).get(key) == value:
            continue
        other = _unique_holder(model, target, key, value, owner_pk, book)
        if other is not None:
            taken.append((definition, value, other))
    return taken


def _unique_holder(model, target: str, key: str, value, owner: int | None, book: FieldBook | None):
    """Another object than ``owner`` that holds ``value`` in unique field ``key``, or None: from what
    the book read ahead, else one query."""
    held = book.holders(target, key, value) if book is not None else None
    if held is not None:
        other = next((pk for pk in held if pk != owner), None)
        return None if other is None else model.objects.filter(pk=other).first()
    others = model.objects.filter(**{f"custom_fields__{key}": value})
    if owner is not None:
        others = others.exclude(pk=owner)
    return others.order_by("pk").first()


def _any_code(raw: str) -> dict[str, str]:
    # Filters accept any code as typed: a retired code may still be stored.
    return {raw: raw}


def _active_codes(definitions: Iterable[FieldDefinition]) -> dict[int, dict[str, str]]:
    """{kind id: {code: label}} of the entries in use, for checking choices (one query)."""
    kind_ids = {d.catalogue_id for d in definitions if d.field_type in CHOICE_TYPES and d.catalogue_id}
    codes: dict[int, dict[str, str]] = {kind_id: {} for kind_id in kind_ids}
    if kind_ids:
        for kind_id, code, label in CatalogueEntry.objects.filter(kind_id__in=kind_ids, active=True).values_list(
            "kind_id", "code", "label"
        ):
            codes[kind_id].setdefault(code, label)
    return codes


def _parse_integer(value) -> int:
    if isinstance(value, bool):
        raise ValueError(_("must be a whole number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise ValueError(_("must be a whole number"))
        return int(value)
    text = str(value).strip().replace(" ", "")
    # "1.000" is the Vietnamese way of writing a thousand; "2.5" is not a whole number.
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return int(text)
    except ValueError:
        raise ValueError(_("must be a whole number")) from None


def _convert(definition: FieldDefinition, value, *, codes: dict[int, dict[str, str]]):
    """One value converted to its stored JSON form, or ``ValueError`` with the problem."""
    kind = definition.field_type
    if kind in TEXT_TYPES:
        if not isinstance(value, str | int | float | Decimal) or isinstance(value, bool):
            raise ValueError(_("must be text"))
        text = nfc(str(value))
        if kind == FieldType.TEXT:
            text = " ".join(text.split())
        if len(text) > TEXT_MAX_LENGTH[kind]:
            raise ValueError(_("is longer than %(max)s characters") % {"max": TEXT_MAX_LENGTH[kind]})
        if definition.regex and not re.fullmatch(definition.regex, text):
            raise ValueError(_("does not have the required form"))
        return text
    if kind in NUMBER_TYPES:
        number = _parse_integer(value) if kind == FieldType.INTEGER else parse_decimal(value)
        if definition.min_value is not None and number < definition.min_value:
            raise ValueError(_("must be at least %(min)s") % {"min": _number_text(definition.min_value)})
        if definition.max_value is not None and number > definition.max_value:
            raise ValueError(_("must be at most %(max)s") % {"max": _number_text(definition.max_value)})
        if kind == FieldType.INTEGER:
            return number
        # One spelling per number, so that unique checks and filters compare equal values.
        return _plain_number(number)
    if kind == FieldType.DATE:
        return parse_date(value).isoformat()
    if kind == FieldType.BOOLEAN:
        return parse_boolean(value)
    if kind in CHOICE_TYPES:
        known = codes.get(definition.catalogue_id, {})
        if kind == FieldType.CHOICE:
            items = [value]
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            items = [item for item in re.split(r"[;,]\s*", nfc(str(value))) if item]
        result = []
        for item in items:
            result.append(_choice_code(nfc(str(item)), known, definition))
        result = list(dict.fromkeys(result))
        return result[0] if kind == FieldType.CHOICE else result
    raise ValueError(_("unknown type"))


def _plain_number(number) -> str:
    """One spelling per number ("2.50" and "2,5" are both "2.5"; 100 stays "100")."""
    return format(Decimal(number).normalize(), "f")


def _number_text(number) -> str:
    return _plain_number(number).replace(".", ",")


def _choice_code(text: str, known: dict[str, str], definition: FieldDefinition) -> str:
    if text in known:
        return text
    for code, label in known.items():
        if fold(text) == fold(label):
            return code
    catalogue = definition.catalogue.name if definition.catalogue else ""
    raise ValueError(
        _("'%(value)s' is not an entry in use of catalogue '%(catalogue)s'") % {"value": text, "catalogue": catalogue}
    )


def _is_upload(value) -> bool:
    return hasattr(value, "read") and hasattr(value, "name")


def _check_file(definition: FieldDefinition, value):
    """A file value: an upload (stored later) or the path of a file already in storage."""
    prefix = f"{FILE_ROOT}/{definition.target}/{definition.key}/"
    if _is_upload(value):
        extension = posixpath.splitext(value.name or "")[1].lower()
        if extension not in FILE_EXTENSIONS:
            raise ValueError(
                _("must be a file of type %(types)s") % {"types": ", ".join(sorted(e[1:] for e in FILE_EXTENSIONS))}
            )
        if (getattr(value, "size", 0) or 0) > FILE_MAX_BYTES:
            raise ValueError(_("must be at most %(size)s MB") % {"size": FILE_MAX_BYTES // (1024 * 1024)})
        return value
    path = str(value)
    if not path.startswith(prefix) or ".." in path.split("/") or not default_storage.exists(path):
        raise ValueError(_("must be the path of a file uploaded for this field (%(prefix)s…)") % {"prefix": prefix})
    return path


def _store_file(definition: FieldDefinition, upload) -> str:
    name = get_valid_filename(posixpath.basename(upload.name or "file")) or "file"
    path = f"{FILE_ROOT}/{definition.target}/{definition.key}/{uuid.uuid4().hex}/{name}"
    return default_storage.save(path, upload)


def custom_fields_clean(
    *,
    target: str,
    values: dict | None,
    instance: models.Model | None = None,
    personnel_category: str | None = None,
    check_required: bool = True,
    bare: dict | None = None,
    owner_pk: int | None = None,
    book: FieldBook | None = None,
) -> dict:
    """Check and convert custom field values; return the object's new ``custom_fields``.

    ``values`` are the values given ({key: value}); keys left out keep what
    ``instance`` has stored, ``None``/``""``/``[]`` clears a value. Every active
    definition of ``target`` that applies to ``personnel_category`` (all when None)
    is checked: required, type (``parse_*`` helpers), pattern, min/max, catalogue
    entries in use (one code, or a list for multiple choice), files (an upload, or
    the path of a file already stored under ``custom_fields/<target>/<key>/``) and
    uniqueness among the other objects of the target (a JSONB lookup). Values of
    retired definitions already stored are kept untouched.

    Raises ``ValidationError`` keyed ``custom_fields.<key>`` with one message per
    problem, before anything is written (uploads are stored only when all values are
    valid). Unknown keys, keys of retired fields and keys of fields that do not apply
    to the personnel category are refused.

    ``bare``: a dict that also receives, under the same keys, each problem without the field's label
    ("the value must be at most 20", "a value is required here"), for a caller that names the field
    itself (the bulk import's cell).

    ``owner_pk``: the object the values belong to when it is not given as ``instance`` (a dossier
    whose custom values come whole from its version): a unique value it already has is its own.

    ``book``: the definitions and codes read once for many calls (``FieldBook``); read here when None.
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationError({"custom_fields": _("Custom fields must be given as an object {key: value}.")})
    model = _target_model(target)
    stored = dict(getattr(instance, "custom_fields", None) or {})
    all_definitions, codes = (book or FieldBook()).of(target)
    definitions = [d for d in all_definitions.values() if d.active]
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str, problem: str | None = None) -> None:
        errors.setdefault(f"custom_fields.{key}", []).append(message)
        if bare is not None:
            bare.setdefault(f"custom_fields.{key}", []).append(problem or message)

    for key in sorted(set(values) - {d.key for d in definitions}):
        definition = all_definitions.get(key)
        if definition is None:
            fail(key, _("There is no custom field '%(key)s'.") % {"key": key})
        else:
            fail(key, _("Custom field '%(label)s' is no longer in use.") % {"label": definition.label})

    result = dict(stored)
    uploads: dict[str, object] = {}
    for definition in sorted(definitions, key=lambda d: (d.section, d.order, d.key)):
        key = definition.key
        given = key in values
        value = values[key] if given else stored.get(key)
        if isinstance(value, str) and not value.strip():
            value = None
        if value in (None, []):
            result.pop(key, None)
            if check_required and definition.required and applies_to(definition, personnel_category):
                fail(key, _("'%(label)s' is required.") % {"label": definition.label}, _("a value is required here"))
            continue
        if not applies_to(definition, personnel_category):
            if given:
                fail(
                    key,
                    _("'%(label)s' does not apply to personnel category %(category)s.")
                    % {"label": definition.label, "category": personnel_category},
                )
            continue
        if not given:
            # Stored and unchanged: kept as is (it was checked when written).
            continue
        try:
            if definition.field_type == FieldType.FILE:
                cleaned = _check_file(definition, value)
                if _is_upload(cleaned):
                    uploads[key] = cleaned
                    continue
            else:
                cleaned = _convert(definition, value, codes=codes)
        except ValueError as exc:
            fail(
                key,
                _("'%(label)s' %(problem)s.") % {"label": definition.label, "problem": exc},
                _("the value %(problem)s") % {"problem": exc},
            )
            continue
        if cleaned in (None, "", []):
            result.pop(key, None)
            if check_required and definition.required:
                fail(key, _("'%(label)s' is required.") % {"label": definition.label}, _("a value is required here"))
            continue
        if definition.unique and model is not None:
            owner = instance.pk if instance is not None and instance.pk else owner_pk
            other = _unique_holder(model, target, key, cleaned, owner, book)
            if other is not None:
                fail(
                    key,
                    _("'%(label)s' must be unique: '%(other)s' already has the value %(value)s.")
                    % {"label": definition.label, "other": other, "value": cleaned},
                )
                continue
        result[key] = cleaned
    if errors:
        raise ValidationError(errors)
    for key, upload in uploads.items():
        result[key] = _store_file(all_definitions[key], upload)
    return result
