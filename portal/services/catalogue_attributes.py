"""Typed attributes of catalogue entries: the kind's schema and the values' validation.

A kind declares extra columns (e.g. a grade's salary group, a salary group's step
coefficients); ``validate_entry_attributes`` converts and checks values for the
admin, the API, the xlsx import and the standard-data loader alike.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.choices import AttributeType
from portal.models import CatalogueEntry, CatalogueKind
from portal.text import fold, nfc

ATTRIBUTE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def validate_attribute_schema(schema) -> list[dict]:
    """Check a kind's attribute schema; return it normalised. Raises ``ValidationError``."""
    if schema in (None, ""):
        return []
    if not isinstance(schema, list):
        raise ValidationError({"attribute_schema": _("The attribute schema must be a list of attributes.")})
    keys: set[str] = set()
    cleaned = []
    for position, item in enumerate(schema, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"attribute_schema": _("Attribute %(n)s must be an object.") % {"n": position}})
        key = str(item.get("key", ""))
        if not ATTRIBUTE_KEY_RE.match(key):
            raise ValidationError(
                {
                    "attribute_schema": _("Attribute %(n)s: the key '%(key)s' must be lowercase letters, digits and _.")
                    % {"n": position, "key": key}
                }
            )
        if key in keys:
            raise ValidationError({"attribute_schema": _("Attribute key '%(key)s' appears twice.") % {"key": key}})
        keys.add(key)
        kind = item.get("type")
        if kind not in AttributeType.values:
            raise ValidationError(
                {"attribute_schema": _("Attribute '%(key)s': unknown type '%(type)s'.") % {"key": key, "type": kind}}
            )
        entry = {
            "key": key,
            "label": nfc(item.get("label") or key),
            "label_en": nfc(item.get("label_en") or ""),
            "type": kind,
            "required": bool(item.get("required", False)),
        }
        if kind in (AttributeType.ENTRY, AttributeType.ENTRY_LIST):
            if not item.get("kind"):
                raise ValidationError(
                    {
                        "attribute_schema": _("Attribute '%(key)s' refers to entries: name their catalogue.")
                        % {"key": key}
                    }
                )
            entry["kind"] = item["kind"]
        if kind == AttributeType.CHOICE:
            choices = item.get("choices") or []
            if not choices or not all(isinstance(c, list | tuple) and len(c) == 2 for c in choices):
                raise ValidationError(
                    {"attribute_schema": _("Attribute '%(key)s' needs choices as [code, label] pairs.") % {"key": key}}
                )
            entry["choices"] = [[str(code), nfc(label)] for code, label in choices]
        cleaned.append(entry)
    return cleaned


def _attribute_value(spec: dict, value, *, entry_codes: dict[str, set[str]]):
    """Convert one attribute value to its stored JSON form, or raise ``ValueError`` (Vietnamese)."""
    kind = spec["type"]
    if kind == AttributeType.TEXT:
        return nfc(value)
    if kind == AttributeType.INTEGER:
        if isinstance(value, bool):
            raise ValueError(_("must be a whole number"))
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("must be a whole number"))
        try:
            return int(str(value).strip().replace(".", "").replace(" ", "")) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise ValueError(_("must be a whole number")) from None
    if kind == AttributeType.DECIMAL:
        return format(parse_decimal(value), "f")
    if kind == AttributeType.DECIMAL_LIST:
        items = value if isinstance(value, list) else [v for v in re.split(r"[;\s]+", str(value)) if v]
        if not items:
            raise ValueError(_("needs at least one number"))
        return [format(parse_decimal(item), "f") for item in items]
    if kind == AttributeType.DATE:
        return parse_date(value).isoformat()
    if kind == AttributeType.BOOLEAN:
        return parse_boolean(value)
    if kind == AttributeType.CHOICE:
        codes = {code: label for code, label in spec["choices"]}
        text = nfc(value)
        for code, label in codes.items():
            if text == code or fold(text) == fold(label):
                return code
        raise ValueError(_("must be one of: %(choices)s") % {"choices": ", ".join(codes)})
    if kind in (AttributeType.ENTRY, AttributeType.ENTRY_LIST):
        known = entry_codes.get(spec["kind"], set())
        items = value if isinstance(value, list) else [v for v in re.split(r"[;,]\s*", nfc(value)) if v]
        if kind == AttributeType.ENTRY:
            items = [nfc(value)]
        unknown = [item for item in items if item not in known]
        if unknown:
            raise ValueError(
                _("code %(codes)s is not in catalogue '%(kind)s'") % {"codes": ", ".join(unknown), "kind": spec["kind"]}
            )
        return items[0] if kind == AttributeType.ENTRY else items
    raise ValueError(_("unknown type"))


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("must be a number"))
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(" ", "")
    # Vietnamese decimal comma ("2,34") is accepted; thousands separators are not guessed.
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("must be a number (for example 2,34)")) from None
    if not number.is_finite():
        raise ValueError(_("must be a number (for example 2,34)"))
    # Plain notation as written ("10.00" stays "10.00", never "1E+1").
    return Decimal(format(number, "f"))


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = nfc(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("must be a date dd/mm/yyyy"))


def parse_boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(str(value))
    if text in {"1", "co", "true", "yes", "x", "dung"}:
        return True
    if text in {"0", "khong", "false", "no", "", "sai"}:
        return False
    raise ValueError(_("must be Có or Không"))


def kind_entry_codes(kind_codes: set[str]) -> dict[str, set[str]]:
    """Codes of the entries of the given kinds (for validating entry-typed attributes)."""
    codes: dict[str, set[str]] = {code: set() for code in kind_codes}
    for kind_code, code in CatalogueEntry.objects.filter(kind__code__in=kind_codes).values_list("kind__code", "code"):
        codes[kind_code].add(code)
    return codes


def validate_entry_attributes(kind: CatalogueKind, attributes, *, entry_codes=None) -> dict:
    """Check and convert an entry's attribute values against its kind's schema."""
    attributes = attributes or {}
    if not isinstance(attributes, dict):
        raise ValidationError({"attributes": _("Attributes must be an object.")})
    schema = kind.attribute_schema or []
    known = {spec["key"] for spec in schema}
    unknown = sorted(set(attributes) - known)
    if unknown:
        raise ValidationError(
            {
                "attributes": _("Catalogue '%(kind)s' has no attribute '%(key)s'.")
                % {"kind": kind.name, "key": unknown[0]}
            }
        )
    if entry_codes is None:
        entry_codes = kind_entry_codes({spec["kind"] for spec in schema if "kind" in spec})
    cleaned = {}
    errors = []
    for spec in schema:
        value = attributes.get(spec["key"])
        if value in (None, "", []):
            if spec.get("required"):
                errors.append(_("'%(label)s' is required.") % {"label": spec["label"]})
            continue
        try:
            cleaned[spec["key"]] = _attribute_value(spec, value, entry_codes=entry_codes)
        except ValueError as exc:
            errors.append(_("'%(label)s' %(problem)s.") % {"label": spec["label"], "problem": exc})
    if errors:
        raise ValidationError({"attributes": errors})
    return cleaned


# --- entries -----------------------------------------------------------------------------
