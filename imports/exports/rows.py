"""The columns and rows of an export, read in batches, and the cells they hold.

Each dossier is written as the import compares it, its latest version (the approved live
rows, or, for the few dossiers with a change awaiting approval, that version's content).
Cell values are text, ``int``, ``datetime.date`` or None (empty): months as mm/yyyy or yyyy,
decimals exactly as stored with a decimal comma ("3,00"), catalogue values as their codes,
custom fields from ``Dossier.custom_fields``.

Reads go through ``records.selectors.dossier_list`` (the scoping primitive), narrowed to a
unit's subtree, and are streamed from the database in batches (a server-side cursor), so
memory stays flat whatever the number of dossiers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from imports.cells import is_clear, month_text
from imports.exports.periods import Period, period_check, period_matcher, section_period
from imports.specs import (
    DATE,
    DECIMAL,
    DOSSIERS,
    INTEGER,
    MONTH,
    PERSON_NAME,
    PERSONAL_ID,
    UNIT,
    ColumnSpec,
    ImportSpec,
    UnknownTarget,
    import_spec,
    targets,
)
from portal import scoping
from portal.services.fields.access import hidden_custom_keys
from records.models import Dossier, DossierVersion
from records.sections.registry import SECTION_BY_KEY
from records.selectors import DossierFilters, dossier_list

BATCH = 2000  # rows fetched from the database at a time, and rows per chunk of output


def system_reader():
    """The actor of the command line and other system jobs (``actor=None`` elsewhere): an unsaved
    superuser account, so the system reads through the same selector with the primitive's
    superuser semantics (every dossier, secret custom fields included)."""
    return get_user_model()(username="system", is_superuser=True, is_active=True)


def _spec(target: str) -> ImportSpec:
    try:
        return import_spec(target)
    except UnknownTarget:
        raise ValidationError(
            {
                "target": _("There is nothing to export under the name '%(target)s'; the targets are: %(targets)s.")
                % {"target": target, "targets": ", ".join(name for name, _title in targets())}
            }
        ) from None


def export_columns(*, user, target: str, columns: list[str] | None = None) -> list[ColumnSpec]:
    """The columns of ``target`` to export, in template order: all of them, or those named in
    ``columns`` (column keys) plus the ones the file needs to be imported again (the personal id,
    and a section's natural key). Custom fields ``user`` may not read are left out.

    Raises ``ValidationError`` (keyed ``target`` or ``columns``) for an unknown target or column."""
    return _chosen(_spec(target), user=user, columns=columns)


def _chosen(spec: ImportSpec, *, user, columns: list[str] | None) -> list[ColumnSpec]:
    hidden = {f"custom.{key}" for key in hidden_custom_keys(target="dossier", user=user or system_reader())}
    available = [column for column in spec.columns if column.key not in hidden]
    if columns is None:
        return available
    wanted = [key.strip() for key in columns if key and key.strip()]
    known = {column.key for column in available}
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise ValidationError(
            {
                "columns": _("Unknown columns for '%(target)s': %(columns)s. The columns are: %(known)s.")
                % {
                    "target": spec.target,
                    "columns": ", ".join(unknown),
                    "known": ", ".join(column.key for column in available),
                }
            }
        )
    kept = {PERSONAL_ID, *spec.natural_key, *wanted}
    return [column for column in available if column.key in kept]


def export_rows(
    *,
    user,
    target: str,
    unit=None,
    columns: list[str] | None = None,
    filters: DossierFilters | None = None,
    approved: bool = False,
    period: Period | None = None,
) -> tuple[list[ColumnSpec], Iterator[list]]:
    """The columns and the rows (lists of cell values) of an export of ``target``.

    By default a dossier with a change awaiting approval is exported with that change (its latest
    version: what an import compares with, so the file imports back unchanged); ``approved``
    exports the approved content only (the live rows), e.g. for a list handed to the leaders.

    ``user``: whose scope applies (``dossier_list``: what they may view); None is the system
    (every dossier). ``unit``: only dossiers in its subtree; ``filters``: the dossier list's
    filters; ``period``: a section's rows whose time overlaps it (``imports.exports.periods``; refused
    for the dossiers and the family). Rows come in the list's order (Vietnamese name order), a section's rows within a
    dossier in their order. Cell values: text, ``int``, ``datetime.date`` or None (empty).
    The rows are read lazily, in batches, when the iterator is consumed. Raises
    ``ValidationError`` for an unknown target or column."""
    spec = _spec(target)
    chosen = _chosen(spec, user=user, columns=columns)
    period_check(None if spec.target == DOSSIERS else spec.section, period)
    dossiers = dossier_list(user=user if user is not None else system_reader(), filters=filters)
    if unit is not None:
        dossiers = dossiers.filter(scoping.subtree_condition(Dossier, "unit_path", unit.path))
    if spec.target == DOSSIERS:
        return chosen, _dossier_rows(dossiers, chosen, approved=approved)
    return chosen, _section_rows(dossiers, spec, chosen, approved=approved, period=period)


def _cell_converter(column: ColumnSpec) -> Callable:
    """The function turning a stored value of ``column`` into its cell (None for empty)."""
    kind = column.kind
    if kind == DATE:
        return _date_cell
    if kind == MONTH:
        return _month_cell
    if kind == DECIMAL:
        return _decimal_cell
    if kind == INTEGER:
        return _integer_cell
    return _text_cell


def _date_cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _month_cell(value):
    return month_text(value) if value else None


def _decimal_cell(value):
    # Exactly the stored digits (the column's scale: "3.00" stays "3,00"), with a decimal comma.
    if value is None or value == "":
        return None
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def _integer_cell(value):
    if value is None or value == "":
        return None
    return int(value)


def _text_cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # a yes/no custom field
        return "Có" if value else "Không"
    if isinstance(value, list):  # a multiple-choice custom field: its codes
        return "; ".join(str(item) for item in value) or None
    text = str(value)
    # A stored text that is itself the erase marker: an apostrophe in front, which the import
    # takes off, so that the file imports back unchanged instead of erasing the item.
    return "'" + text if "[" in text and is_clear(text) else text


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


def _latest_contents(dossier_ids: list[int]) -> dict[int, dict]:
    """{dossier id: content of its latest version} (one query; empty list, no query)."""
    if not dossier_ids:
        return {}
    return dict(
        DossierVersion.objects.filter(dossier_id__in=dossier_ids, number=F("dossier__latest_version"))
        .values_list("dossier_id", "content")
        .order_by()
    )


# Read with every dossier row: which version the live row is, and the latest one.
_VERSION_FIELDS = ("pk", "live_version", "latest_version")


def _dossier_rows(dossiers, columns: list[ColumnSpec], *, approved: bool) -> Iterator[list]:
    """One row per dossier: its live row, or (unless ``approved``) the content of its latest
    version when a change awaits approval (what the import compares with), a batch at a time."""
    fields = list(_VERSION_FIELDS)
    live_getters: list[Callable] = []
    content_getters: list[Callable] = []
    has_custom = any(column.section == "custom" for column in columns)
    for column in columns:
        convert = _cell_converter(column)
        if column.section == "custom":
            live_getters.append(_custom_getter(column.field, convert))
            content_getters.append(_content_getter("custom", column.field, convert))
            continue
        fields.append({PERSONAL_ID: "personal_id", UNIT: "unit__code"}.get(column.key, column.field))
        live_getters.append(_field_getter(len(fields) - 1, convert))
        if column.key in (PERSONAL_ID, UNIT):
            content_getters.append(live_getters[-1])
        else:
            content_getters.append(_content_getter(column.section, column.field, convert))
    if has_custom:
        fields.append("custom_fields")
    custom_index = len(fields) - 1
    rows = dossiers.values_list(*fields).iterator(chunk_size=BATCH)
    for batch in _batches(rows, BATCH):
        contents = {} if approved else _latest_contents([values[0] for values in batch if values[1] != values[2]])
        for values in batch:
            content = contents.get(values[0])
            if content is None:
                custom = (values[custom_index] or {}) if has_custom else {}
                yield [getter(values, custom) for getter in live_getters]
            else:
                yield [getter(values, content) for getter in content_getters]


def _field_getter(index: int, convert: Callable) -> Callable:
    return lambda values, extra: convert(values[index])


def _custom_getter(key: str, convert: Callable) -> Callable:
    return lambda values, custom: convert(custom.get(key))


def _content_getter(section: str, name: str, convert: Callable) -> Callable:
    return lambda values, content: convert((content.get(section) or {}).get(name))


def _section_rows(
    dossiers, spec: ImportSpec, columns: list[ColumnSpec], *, approved: bool, period: Period | None = None
) -> Iterator[list]:
    """The section's rows of each scoped dossier, in the dossiers' order: the live rows (one
    query per batch of dossiers), or (unless ``approved``) the latest version's rows when a change
    awaits approval; with ``period``, only the rows whose time overlaps it."""
    section = SECTION_BY_KEY[spec.section]
    own = [(index, column.field, _cell_converter(column)) for index, column in enumerate(columns)]
    own = [item for item in own if columns[item[0]].key not in (PERSONAL_ID, PERSON_NAME)]
    fields = [name for _index, name, _convert in own]
    keep = None
    if period is not None:  # the time fields are read even when they are not exported
        start, end, _kind = section_period(section.key)
        fields += [name for name in (start, end) if name and name not in fields]
        keep = period_matcher(section.key, period, fields)
    width = len(columns)
    id_at = next(i for i, column in enumerate(columns) if column.key == PERSONAL_ID)
    name_at = next((i for i, column in enumerate(columns) if column.key == PERSON_NAME), None)
    people = dossiers.values_list(*_VERSION_FIELDS, "personal_id", "full_name").iterator(chunk_size=BATCH)
    for batch in _batches(people, BATCH):
        live = [values[0] for values in batch if approved or values[1] == values[2]]
        contents = {} if approved else _latest_contents([values[0] for values in batch if values[1] != values[2]])
        live_rows: dict[int, list[tuple]] = {}
        if live:
            query = (
                section.model.objects.filter(**section.row_filter, dossier_id__in=live)
                .order_by("dossier_id", "position", "pk")
                .values_list("dossier_id", *fields)
            )
            for values in query:
                live_rows.setdefault(values[0], []).append(values[1:])
        for pk, _live, _latest, personal_id, full_name, *_rest in batch:
            if pk in contents:
                stored = [tuple(row.get(name) for name in fields) for row in contents[pk].get(section.key) or []]
                # The import checks the name against the latest version: a renaming may be pending.
                full_name = (contents[pk].get("identity") or {}).get("full_name") or full_name
            else:
                stored = live_rows.get(pk, ())
            for values in stored:
                if keep is not None and not keep(values):
                    continue
                row = [None] * width
                row[id_at] = personal_id
                if name_at is not None:
                    row[name_at] = full_name
                for position, (index, _name, convert) in enumerate(own):
                    row[index] = convert(values[position])
                yield row
