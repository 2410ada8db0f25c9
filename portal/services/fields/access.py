"""Who reads which custom fields, whom a definition applies to, and how stored values are shown.

"Secret" (state secret) values are read and written only by system administrators,
one object at a time (detail page, edit form, API); they never appear in lists,
filters or exports, for anyone (``readable_definitions``). ``hidden_custom_keys``
and ``without_keys`` take them out of histories and audit diffs.
"""

from __future__ import annotations

import datetime
import posixpath
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.choices import FieldSensitivity, FieldType
from portal.models import CatalogueEntry, FieldDefinition
from portal.scoping import is_system_admin
from portal.services.fields.definitions import CHOICE_TYPES


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
