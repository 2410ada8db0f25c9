"""Fast inserts for bulk paths (seed, imports): PostgreSQL COPY instead of INSERT.

Django's ``bulk_create`` on PostgreSQL binds every column as an array and, with client-side
binding, escapes each text value in Python; for the tens of rows of a dossier's sections
that is most of the time of a bulk creation. ``copy_insert`` streams the rows with COPY
(psycopg adapts each value, JSON included). Rows get no primary key back: use it only for
rows nothing refers to within the same call (section rows, versions).
"""

from __future__ import annotations

from django.db import connection, models


def copy_insert(model: type[models.Model], objects: list[models.Model]) -> int:
    """Insert ``objects`` (unsaved instances of ``model``) with COPY; return how many."""
    if not objects:
        return 0
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    for obj in objects:
        for field in fields:  # auto_now_add and other pre_save defaults, as save() would set them
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                field.pre_save(obj, add=True)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields])
    return len(objects)


def copy_values(model: type[models.Model], columns: list[str], rows: list[tuple]) -> int:
    """COPY already-prepared ``rows`` (tuples in the order of ``columns``, field names) into ``model``'s table."""
    if not rows:
        return 0
    names = [model._meta.get_field(name).column for name in columns]
    column_list = ", ".join(connection.ops.quote_name(name) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return len(rows)


def statistics_refresh(models_analyzed=None, *, planner_columns: bool = False) -> None:
    """``ANALYZE`` the dossier tables after a bulk load, so the planner knows their new sizes.

    Without it, pages right after seeding 100,000 dossiers were planned on the statistics of
    the empty tables until autovacuum caught up (dossier page p95 200 ms instead of 47 ms:
    bench/RESULTS.md). ANALYZE samples each table; it runs inside the caller's transaction.
    ``models_analyzed``: only those tables (an import of one section analyzes its section's table alone).

    ``planner_columns``: for a model that names them (``PLANNER_COLUMNS``), only the columns that
    scoping, the dossier list's filters, its order and the joins use (with the row count, which
    any ANALYZE sets); autovacuum's analyze fills in the others soon after. A full ANALYZE of the
    77-column dossier table took 0.9–1.0 s per 50,000 dossiers, these columns 0.15 s (bench/RESULTS.md).
    """
    from django.apps import apps

    models_analyzed = models_analyzed or apps.get_app_config("records").get_models()
    quote = connection.ops.quote_name
    targets = []
    for table, columns in sorted(
        {(model._meta.db_table, _planner_columns(model, planner_columns)) for model in models_analyzed}
    ):
        targets.append(quote(table) + (f" ({', '.join(quote(column) for column in columns)})" if columns else ""))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(targets))


def _planner_columns(model, wanted: bool) -> tuple[str, ...]:
    names = getattr(model, "PLANNER_COLUMNS", ()) if wanted else ()
    return tuple(model._meta.get_field(name).column for name in names)
