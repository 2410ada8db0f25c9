"""The field catalogue (custom fields): definitions as content, and THE validation of values.

A ``FieldDefinition`` adds a field to units (now) or dossiers (when they land)
without a migration: values live in the ``custom_fields`` JSONB column of the
object, keyed by the definition's ``key``. ``custom_fields_clean`` is the one
function that checks and converts those values; the admin forms, the API (through
``portal.services.units``) and the imports all call it, so they agree.

Decisions kept here:
- ``min_value``/``max_value`` bound the number of an integer or decimal field only
  (text length is not bounded by them; use a pattern such as ``.{0,20}``);
- a pattern (``regex``) only applies to text and long text, and must match the
  whole value (``re.fullmatch``);
- a field's type, key, target and catalogue cannot change once values are stored;
- values are stored JSON-ready: dates ISO ``yyyy-mm-dd``, decimals as strings in
  plain notation, booleans, integers, catalogue codes (a list for multiple choice),
  and for files the path of the file in the default storage.

Write access to definitions is for system administrators (``is_system_admin``);
the views and the API check it before calling these services.

Who reads which values: "secret" (state secret) values are read and written only by
system administrators, one object at a time (detail page, edit form, API); they never
appear in lists, filters or exports, for anyone (``readable_definitions``).
"""

from __future__ import annotations

import datetime
import posixpath
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from portal.choices import FieldSensitivity, FieldTarget, FieldType
from portal.models import CatalogueEntry, CatalogueKind, FieldDefinition, Unit
from portal.scoping import is_system_admin
from portal.services.catalogue_attributes import parse_boolean, parse_date, parse_decimal
from portal.text import fold, nfc

PERSONNEL_CATEGORY_KIND = "loai_nhan_su"
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
TEXT_TYPES = {FieldType.TEXT, FieldType.LONG_TEXT}
NUMBER_TYPES = {FieldType.INTEGER, FieldType.DECIMAL}
CHOICE_TYPES = {FieldType.CHOICE, FieldType.MULTIPLE_CHOICE}
# A unique value must be one comparable value.
UNIQUE_TYPES = {FieldType.TEXT, FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE, FieldType.CHOICE}
TEXT_MAX_LENGTH = {FieldType.TEXT: 1000, FieldType.LONG_TEXT: 20000}
FILE_MAX_BYTES = 20 * 1024 * 1024
FILE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".txt"}
FILE_ROOT = "custom_fields"

# Names a dossier custom field may not take. The Dossier model lands with the records
# app; once it exists its concrete fields and attributes are added automatically
# (``_target_model``), this list keeps the names the API and imports already use.
DOSSIER_RESERVED_KEYS = {
    "id",
    "pk",
    "unit",
    "person",
    "full_name",
    "birth_name",
    "birth_date",
    "gender",
    "identity_number",
    "personal_id",
    "status",
    "personnel_category",
    "custom_fields",
    "created_at",
    "updated_at",
}

# Every key is a JSON key transform in queries (``custom_fields__<key>``): a lookup name
# there would be read as the lookup instead.
LOOKUP_NAMES = set(models.JSONField.get_lookups()) | set(KeyTransform.get_lookups())

DEFINITION_FIELDS = (
    "target",
    "key",
    "label",
    "label_en",
    "help_text",
    "field_type",
    "required",
    "regex",
    "min_value",
    "max_value",
    "unique",
    "catalogue",
    "section",
    "personnel_categories",
    "sensitivity",
    "order",
)


def _target_model(target: str) -> type[models.Model] | None:
    """The model a target extends; None while it does not exist yet (dossiers before ``records``)."""
    if target == FieldTarget.UNIT:
        return Unit
    if target == FieldTarget.DOSSIER:
        try:
            return apps.get_model("records", "Dossier")
        except LookupError:
            return None
    return None


def reserved_keys(target: str) -> set[str]:
    """Names a custom field of ``target`` may not use: the model's fields and attributes."""
    names = set(LOOKUP_NAMES) | {"pk", "id", "custom_fields"}
    if target == FieldTarget.DOSSIER:
        names |= DOSSIER_RESERVED_KEYS
    model = _target_model(target)
    if model is not None:
        for model_field in model._meta.get_fields():
            names.add(model_field.name)
            if getattr(model_field, "attname", None):
                names.add(model_field.attname)
        names |= {name for name in dir(model) if not name.startswith("_")}
    return names


def has_stored_values(definition: FieldDefinition) -> bool:
    model = _target_model(definition.target)
    if model is None or not definition.pk:
        return False
    return model.objects.filter(custom_fields__has_key=definition.key).exists()


# --- definitions -------------------------------------------------------------------------


def _decimal_or_none(value, *, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return parse_decimal(value)
    except ValueError:
        raise ValidationError({field_name: _("Enter a number.")}) from None


def _catalogue(value) -> CatalogueKind | None:
    if value in (None, ""):
        return None
    if isinstance(value, CatalogueKind):
        return value
    kind = CatalogueKind.objects.filter(code=str(value)).first()
    if kind is None:
        raise ValidationError({"catalogue": _("Catalogue '%(code)s' does not exist.") % {"code": value}})
    return kind


def _personnel_categories(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [item for item in re.split(r"[;,\s]+", value) if item]
    if not isinstance(value, list | tuple):
        raise ValidationError({"personnel_categories": _("Give the personnel categories as a list of codes.")})
    codes = list(dict.fromkeys(nfc(str(item)) for item in value))
    known = set(
        CatalogueEntry.objects.filter(kind__code=PERSONNEL_CATEGORY_KIND, code__in=codes).values_list("code", flat=True)
    )
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(
            {
                "personnel_categories": _("Personnel category %(codes)s is not in catalogue loai_nhan_su.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return codes


def field_definition_save(*, values: dict, instance: FieldDefinition | None = None, actor=None) -> FieldDefinition:
    """Create (``instance`` None) or change a custom field definition.

    ``values`` holds the model's fields (``catalogue`` as a ``CatalogueKind`` or its
    code); keys left out keep the instance's value. Raises ``ValidationError`` keyed by
    field, saving nothing, when: the key is not a lowercase slug, clashes with a field
    or attribute of the target model or is taken for the target; the pattern does not
    compile or is set on a non-text type; min/max are set on a non-number type or
    min > max; a choice type has no (existing) catalogue; a personnel category code is
    not in ``loai_nhan_su``; or the type, key, target or catalogue of a field with
    stored values would change. Permission (system administrator) is the caller's.
    """
    errors: dict[str, list[str]] = {}

    def current(name: str, default=None):
        if name in values:
            return values[name]
        return getattr(instance, name) if instance is not None else default

    def fail(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    target = current("target", "")
    if target not in FieldTarget.values:
        fail("target", _("Choose what the field applies to (units or dossiers)."))
    key = nfc(current("key", "") or "")
    if not KEY_RE.match(key):
        fail("key", _("The key must be lowercase letters, digits and single underscores, starting with a letter."))
    elif target in FieldTarget.values:
        if key in reserved_keys(target):
            fail(
                "key",
                _("'%(key)s' is already a built-in field or attribute of %(target)s; choose another key.")
                % {"key": key, "target": FieldTarget(target).label},
            )
        elif FieldDefinition.objects.filter(target=target, key=key).exclude(pk=getattr(instance, "pk", None)).exists():
            fail(
                "key",
                _("A custom field with key '%(key)s' already exists for %(target)s.")
                % {
                    "key": key,
                    "target": FieldTarget(target).label,
                },
            )
    label = nfc(current("label", "") or "")
    if not label:
        fail("label", _("Enter the field's label."))
    field_type = current("field_type", "")
    if field_type not in FieldType.values:
        fail("field_type", _("Choose the field's type."))
    sensitivity = current("sensitivity", FieldSensitivity.INTERNAL) or FieldSensitivity.INTERNAL
    if sensitivity not in FieldSensitivity.values:
        fail("sensitivity", _("Choose the sensitivity level."))

    regex = current("regex", "") or ""
    if regex:
        if field_type not in TEXT_TYPES:
            fail("regex", _("A pattern applies only to text fields."))
        else:
            try:
                re.compile(regex)
            except re.error as exc:
                fail("regex", _("The pattern is not a valid regular expression: %(error)s.") % {"error": exc})

    try:
        min_value = _decimal_or_none(current("min_value"), field_name="min_value")
        max_value = _decimal_or_none(current("max_value"), field_name="max_value")
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            errors.setdefault(field_name, []).extend(messages)
        min_value = max_value = None
    if (min_value is not None or max_value is not None) and field_type not in NUMBER_TYPES:
        fail("min_value", _("A minimum or maximum applies only to integer and decimal fields."))
    elif min_value is not None and max_value is not None and min_value > max_value:
        fail("max_value", _("The maximum must not be less than the minimum."))

    catalogue = None
    try:
        catalogue = _catalogue(current("catalogue"))
    except ValidationError as exc:
        errors.setdefault("catalogue", []).extend(exc.message_dict["catalogue"])
    if field_type in CHOICE_TYPES and catalogue is None and "catalogue" not in errors:
        fail("catalogue", _("A choice field needs the catalogue its options come from."))
    if field_type not in CHOICE_TYPES:
        catalogue = None

    unique = bool(current("unique", False))
    if unique and field_type not in UNIQUE_TYPES:
        fail("unique", _("Only text, number, date and single-choice fields can be unique."))

    try:
        categories = _personnel_categories(current("personnel_categories", []))
    except ValidationError as exc:
        errors.setdefault("personnel_categories", []).extend(exc.message_dict["personnel_categories"])
        categories = []

    order = current("order", 0)
    try:
        order = int(order or 0)
        if order < 0:
            raise ValueError
    except (TypeError, ValueError):
        fail("order", _("The order must be a whole number, 0 or more."))

    if instance is not None and instance.pk and has_stored_values(instance):
        fixed = {
            "field_type": (field_type, instance.field_type),
            "key": (key, instance.key),
            "target": (target, instance.target),
            "catalogue": (getattr(catalogue, "pk", None), instance.catalogue_id),
        }
        for field_name, (new, old) in fixed.items():
            if new != old:
                fail(
                    field_name,
                    _("Values of '%(label)s' are already stored; its %(what)s cannot change.")
                    % {"label": instance.label, "what": FieldDefinition._meta.get_field(field_name).verbose_name},
                )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        definition = instance or FieldDefinition()
        definition.target = target
        definition.key = key
        definition.label = label
        definition.label_en = nfc(current("label_en", "") or "")
        definition.help_text = nfc(current("help_text", "") or "")
        definition.field_type = field_type
        definition.required = bool(current("required", False))
        definition.regex = regex if field_type in TEXT_TYPES else ""
        definition.min_value = min_value
        definition.max_value = max_value
        definition.unique = unique
        definition.catalogue = catalogue
        definition.section = nfc(current("section", "") or "")
        definition.personnel_categories = categories
        definition.sensitivity = sensitivity
        definition.order = order
        definition.save()
    return definition


def field_definition_retire(*, definition: FieldDefinition, actor=None) -> FieldDefinition:
    """Take a custom field out of use: it leaves forms, lists, exports and the API.

    Stored values stay in the objects' ``custom_fields`` (never deleted), so
    reactivating the field brings them back. Permission is the caller's.
    """
    with transaction.atomic():
        definition = FieldDefinition.objects.select_for_update().get(pk=definition.pk)
        if definition.active:
            definition.active = False
            definition.save(update_fields=["active", "updated_at"])
    return definition


def field_definition_reactivate(*, definition: FieldDefinition, actor=None) -> FieldDefinition:
    """Put a retired custom field back in use. Refused if a built-in field took its key meanwhile."""
    if definition.key in reserved_keys(definition.target):
        raise ValidationError(
            {
                "key": _("'%(key)s' is now a built-in field; the custom field cannot be used again.")
                % {"key": definition.key}
            }
        )
    with transaction.atomic():
        definition = FieldDefinition.objects.select_for_update().get(pk=definition.pk)
        if not definition.active:
            definition.active = True
            definition.save(update_fields=["active", "updated_at"])
    return definition


# --- reads -------------------------------------------------------------------------------


def field_definitions(*, target: str, include_retired: bool = False, include_secret: bool = True) -> QuerySet:
    """Definitions of a target in display order (section, order, key)."""
    qs = FieldDefinition.objects.filter(target=target).select_related("catalogue")
    if not include_retired:
        qs = qs.filter(active=True)
    if not include_secret:
        qs = qs.exclude(sensitivity=FieldSensitivity.SECRET)
    return qs.order_by("section", "order", "key")


def can_read_secret_fields(user) -> bool:
    """Whether ``user`` reads and writes "secret" custom field values (system administrators)."""
    return user is not None and is_system_admin(user)


def hidden_custom_keys(*, target: str, user) -> set[str]:
    """Keys of ``target``'s "secret" fields (retired ones too) whose values ``user`` may not read,
    to be removed from histories and audit diffs (``without_keys``); empty for system administrators."""
    secret = FieldDefinition.objects.filter(target=target, sensitivity=FieldSensitivity.SECRET)
    keys = set(secret.values_list("key", flat=True))
    if not keys or can_read_secret_fields(user):
        return set()
    return keys


def without_keys(values, hidden: set[str]):
    """``values`` (a stored ``custom_fields`` object) without the ``hidden`` keys."""
    if not hidden or not isinstance(values, dict):
        return values
    return {key: value for key, value in values.items() if key not in hidden}


def readable_definitions(*, target: str, user, include_retired: bool = False) -> list[FieldDefinition]:
    """The definitions of ``target`` whose values ``user`` may read on one object (detail, form, API)."""
    return list(
        field_definitions(target=target, include_retired=include_retired, include_secret=can_read_secret_fields(user))
    )


def applies_to(definition: FieldDefinition, personnel_category: str | None) -> bool:
    """A definition restricted to personnel categories applies only to those (all when None)."""
    if personnel_category is None or not definition.personnel_categories:
        return True
    return personnel_category in definition.personnel_categories


def choice_labels(definitions: Iterable[FieldDefinition]) -> dict[int, dict[str, str]]:
    """{catalogue kind id: {code: label}} for the choice definitions (one query)."""
    kind_ids = {d.catalogue_id for d in definitions if d.field_type in CHOICE_TYPES and d.catalogue_id}
    labels: dict[int, dict[str, str]] = {kind_id: {} for kind_id in kind_ids}
    if kind_ids:
        for kind_id, code, label in CatalogueEntry.objects.filter(kind_id__in=kind_ids).values_list(
            "kind_id", "code", "label"
        ):
            labels[kind_id].setdefault(code, label)
    return labels


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


def custom_field_text(definition: FieldDefinition, value, *, labels: dict[int, dict[str, str]]) -> str:
    """A stored value as shown in lists and exports (dates dd/mm/yyyy, labels for codes)."""
    if value in (None, "", []):
        return ""
    kind = definition.field_type
    if kind == FieldType.DATE:
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if kind == FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if kind == FieldType.DECIMAL:
        return str(value).replace(".", ",")
    if kind in CHOICE_TYPES:
        names = labels.get(definition.catalogue_id, {})
        codes = value if isinstance(value, list) else [value]
        return "; ".join(names.get(code, str(code)) for code in codes)
    if kind == FieldType.FILE:
        return posixpath.basename(str(value))
    return str(value)


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


def _any_code(raw: str) -> dict[str, str]:
    # Filters accept any code as typed: a retired code may still be stored.
    return {raw: raw}


# --- values ------------------------------------------------------------------------------


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
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationError({"custom_fields": _("Custom fields must be given as an object {key: value}.")})
    model = _target_model(target)
    stored = dict(getattr(instance, "custom_fields", None) or {})
    all_definitions = {d.key: d for d in FieldDefinition.objects.filter(target=target).select_related("catalogue")}
    definitions = [d for d in all_definitions.values() if d.active]
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(f"custom_fields.{key}", []).append(message)

    for key in sorted(set(values) - {d.key for d in definitions}):
        definition = all_definitions.get(key)
        if definition is None:
            fail(key, _("There is no custom field '%(key)s'.") % {"key": key})
        else:
            fail(key, _("Custom field '%(label)s' is no longer in use.") % {"label": definition.label})

    codes = _active_codes(definitions)
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
                fail(key, _("'%(label)s' is required.") % {"label": definition.label})
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
            fail(key, _("'%(label)s' %(problem)s.") % {"label": definition.label, "problem": exc})
            continue
        if cleaned in (None, "", []):
            result.pop(key, None)
            if check_required and definition.required:
                fail(key, _("'%(label)s' is required.") % {"label": definition.label})
            continue
        if definition.unique and model is not None:
            others = model.objects.filter(**{f"custom_fields__{key}": cleaned})
            if instance is not None and instance.pk:
                others = others.exclude(pk=instance.pk)
            other = others.first()
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
