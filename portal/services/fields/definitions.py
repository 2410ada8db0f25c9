"""Custom field definitions as content: the constants, and save / retire / reactivate.

A ``FieldDefinition`` adds a field to units or dossiers without a migration: values
live in the ``custom_fields`` JSONB column of the object, keyed by the definition's
``key``.

Decisions kept here:
- ``min_value``/``max_value`` bound the number of an integer or decimal field only
  (text length is not bounded by them; use a pattern such as ``.{0,20}``);
- a pattern (``regex``) only applies to text and long text, and must match the
  whole value (``re.fullmatch``);
- a field's type, key, target and catalogue cannot change once values are stored.

Write access to definitions is for system administrators (``is_system_admin``);
the views and the API check it before calling these services.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _

from portal.choices import FieldSensitivity, FieldTarget, FieldType
from portal.models import CatalogueEntry, CatalogueKind, FieldDefinition, Unit
from portal.services.catalogue_attributes import parse_decimal
from portal.text import nfc

PERSONNEL_CATEGORY_KIND = "loai_nhan_su"
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
TEXT_TYPES = {FieldType.TEXT, FieldType.LONG_TEXT}
NUMBER_TYPES = {FieldType.INTEGER, FieldType.DECIMAL}
CHOICE_TYPES = {FieldType.CHOICE, FieldType.MULTIPLE_CHOICE}
# A unique value must be one comparable value.
UNIQUE_TYPES = {FieldType.TEXT, FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE, FieldType.CHOICE}

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
