"""A dossier's live rows and its content: the content read back from the dossier row and its
section rows (``content_of``), and a published content written to them (single sections onto the
row, repeating sections as rows), one by one or as COPY-ready values for the bulk writes.

The content's form is ``records.services.content``'s: the live rows hold the **published** version.
"""

from __future__ import annotations

import datetime
import functools
import json
from decimal import Decimal

from django.db import connection, models

from records.models import Dossier
from records.sections.registry import CUSTOM, SECTIONS
from records.sections.spec import ROWS, SINGLE, Section
from records.services.content import is_empty_value


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _model_value(model_field: models.Field, value):
    if value is None:
        return None if model_field.null else ""
    if isinstance(model_field, models.DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(model_field, models.DecimalField):
        return Decimal(value)
    return value


def content_of(dossier: Dossier) -> dict:
    """The live content of ``dossier`` read from its row and section rows (one query for every
    repeating section: ``_section_rows``)."""
    rows = _section_rows(dossier)
    content: dict = {}
    for section in SECTIONS:
        if section.kind == SINGLE:
            values = {name: _json_value(getattr(dossier, name)) for name in section.field_names}
            values = {name: value for name, value in values.items() if not is_empty_value(value)}
            if values:
                content[section.key] = values
        elif rows.get(section.key):
            ordered = sorted(rows[section.key], key=lambda row: (row[0], row[1]))
            content[section.key] = [
                {name: value for name, value in data.items() if not is_empty_value(value)} for _, _, data in ordered
            ]
    if dossier.custom_fields:
        content[CUSTOM] = dict(dossier.custom_fields)
    return content


def _section_rows(dossier: Dossier) -> dict[str, list[tuple[int, int, dict]]]:
    """{section key: [(position, pk, values as JSON)]} of every repeating section, in one query: a
    UNION ALL of one ``json_build_object`` per section table (15 round trips, and as many ORM
    compilations, made the dossier page miss its target: bench/RESULTS.md). Decimals are read as
    text, which is what ``_json_value`` writes; dates come as ISO text, integers and text as they are."""
    sql, filters = _section_rows_sql()
    params: list = []
    for key, values in filters:
        params += [key, dossier.pk, *values]
    rows: dict[str, list[tuple[int, int, dict]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, position, pk, data in cursor.fetchall():
            rows.setdefault(key, []).append((position, pk, json.loads(data) if isinstance(data, str) else data))
    return rows


@functools.cache
def _section_rows_sql() -> tuple[str, list[tuple[str, list]]]:
    """The statement of ``_section_rows`` (built once from the models) and, per part, the section
    key and its row-filter values, in parameter order."""
    quote = connection.ops.quote_name
    parts, filters = [], []
    for section in SECTIONS:
        if section.kind == SINGLE:
            continue
        meta = section.model._meta
        pairs = []
        for name in section.field_names:
            field = meta.get_field(name)
            column = quote(field.column)
            pairs.append(
                f"'{name}', {column}::text" if isinstance(field, models.DecimalField) else f"'{name}', {column}"
            )
        where = [f"{quote(meta.get_field('dossier').column)} = %s"]
        where += [f"{quote(meta.get_field(name).column)} = %s" for name in section.row_filter]
        parts.append(
            f"SELECT %s::text, {quote(meta.get_field('position').column)}, {quote(meta.pk.column)}, "
            f"json_build_object({', '.join(pairs)}) FROM {quote(meta.db_table)} WHERE {' AND '.join(where)}"
        )
        filters.append((section.key, [str(value) for value in section.row_filter.values()]))
    return " UNION ALL ".join(parts), filters


def apply_single_sections(dossier: Dossier, content: dict) -> None:
    """Set the dossier row's columns from ``content`` (not saved)."""
    for section in SECTIONS:
        if section.kind != SINGLE:
            continue
        values = content.get(section.key) or {}
        for name in section.field_names:
            setattr(dossier, name, _model_value(dossier._meta.get_field(name), values.get(name)))
    dossier.custom_fields = dict(content.get(CUSTOM) or {})


def section_rows(dossier_id: int, content: dict) -> list[models.Model]:
    """Unsaved section rows of ``content`` for ``bulk_create``."""
    objects: list[models.Model] = []
    for section in SECTIONS:
        if section.kind != ROWS:
            continue
        model = section.model
        for position, values in enumerate(content.get(section.key) or [], start=1):
            fields = {name: _model_value(model._meta.get_field(name), values.get(name)) for name in section.field_names}
            objects.append(model(dossier_id=dossier_id, position=position, **section.row_filter, **fields))
    return objects


ROW_MODELS = tuple(dict.fromkeys(section.model for section in SECTIONS if section.kind == ROWS))


def _column_default(model_field: models.Field):
    return None if model_field.null else ""


def section_row_values(dossier_id: int, content: dict, into: dict) -> None:
    """Add the section rows of ``content`` to ``into`` as ``{section key: [tuple, ...]}`` in the
    column order of ``section_row_columns`` (values are already in the form PostgreSQL reads:
    ISO dates, plain decimals), for ``records.services.bulk.copy_values``."""
    for section in SECTIONS:
        if section.kind != ROWS:
            continue
        rows = content.get(section.key)
        if not rows:
            continue
        fixed = tuple(section.row_filter.values())
        defaults = [_column_default(section.model._meta.get_field(name)) for name in section.field_names]
        target = into.setdefault(section.key, [])
        for position, values in enumerate(rows, start=1):
            target.append(
                (
                    dossier_id,
                    position,
                    *fixed,
                    *(values.get(name, default) for name, default in zip(section.field_names, defaults, strict=True)),
                )
            )


def section_row_columns(section: Section) -> list[str]:
    return ["dossier", "position", *section.row_filter, *section.field_names]


def replace_section_rows(dossier: Dossier, content: dict) -> None:
    """Rewrite the dossier's section rows from ``content`` (the live rows follow the published version)."""
    for model in ROW_MODELS:
        model.objects.filter(dossier=dossier).delete()
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for obj in section_rows(dossier.pk, content):
        by_model.setdefault(type(obj), []).append(obj)
    for model, objects in by_model.items():
        model.objects.bulk_create(objects)
