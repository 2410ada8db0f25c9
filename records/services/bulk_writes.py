"""Writing many dossiers at once (the seed, bulk imports) with a constant number of statements.

The callers have already checked every value with the same functions the forms use
(``records.services.content``); these functions only write, inside the caller's
transaction, and keep the same invariants as the one-dossier services: every write is a
version (append-only, hashed), new dossiers get a published first version, changes wait as
pending versions unless the caller publishes (the system administrator's initial migration),
and the live rows follow the published version. The dossier row's audit triggers record
each insert and update like any other write.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field

import orjson
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import get_language
from psycopg.types.json import Jsonb

from portal.text import fold, person_name_sort_key
from records.choices import VersionStatus
from records.models import Dossier, DossierVersion
from records.sections.registry import SECTION_BY_KEY, SECTIONS
from records.sections.spec import ROWS, SINGLE
from records.services.bulk import copy_values
from records.services.completeness import completeness, required_custom_keys
from records.services.content_hash import canonical_bytes
from records.services.live_rows import section_row_columns, section_row_values

SINGLE_KEYS = frozenset(section.key for section in SECTIONS if section.kind == SINGLE)


@dataclass
class CheckedDossier:
    """A new dossier whose ``content`` is already cleaned and whose ``personal_id`` is checked."""

    unit: object
    personal_id: str
    content: dict
    account: object = None


@dataclass
class CheckedUpdate:
    """A new content for an existing dossier, checked against version ``base_version``."""

    dossier_id: int
    base_version: int
    content: dict
    sections: list[str] = field(default_factory=list)


def _immediate_constraints() -> None:
    # Django declares foreign keys DEFERRABLE INITIALLY DEFERRED: in one long transaction
    # every inserted row would queue a check until COMMIT, and PostgreSQL slows down as that
    # queue grows. Parents are inserted before children here, so checks run statement by statement.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class _CustomRequired(dict):
    def __missing__(self, category):
        self[category] = required_custom_keys(category)
        return self[category]


@functools.cache
def _dossier_layout() -> tuple[list[models.Field], dict[str, str]]:
    """The dossier's columns (primary key excepted) and {field name: single section key}."""
    fields = [field for field in Dossier._meta.concrete_fields if not field.primary_key]
    single = {name: section.key for section in SECTIONS if section.kind == SINGLE for name in section.field_names}
    return fields, single


def _live_values(content: dict, custom_required, *, language: str, columns: bool = True) -> dict:
    """The live columns a content gives the dossier row, as COPY reads them: content values are
    already in PostgreSQL's text forms (ISO dates, plain decimals), JSON wrapped for psycopg."""
    values: dict = {}
    percent, missing = completeness(content, custom_required=custom_required, language=language)
    values["completeness"], values["missing_items"] = percent, _jsonb(missing)
    if not columns:
        return values
    fields, single = _dossier_layout()
    for column in fields:
        section = single.get(column.name)
        if section is None:
            continue
        value = (content.get(section) or {}).get(column.name)
        values[column.attname] = value if value is not None else (None if column.null else "")
    name = values.get("full_name") or ""
    values["custom_fields"] = _jsonb(dict(content.get("custom") or {}))
    values["name_folded"] = fold(name)
    values["name_sort_key"] = person_name_sort_key(name)
    return values


def dossiers_bulk_insert(*, people: list[CheckedDossier], actor=None, source: str, reason: str = "") -> list[int]:
    """Insert ``people`` (checked) with a published first version each; return their ids, in order
    (plain ids: building a model instance of the wide dossier row per person cost seconds).

    Rows are streamed with COPY (the unit-path and audit triggers fire as for any insert). Must
    run inside the caller's transaction. Raises ``IntegrityError`` if a personal id was taken in
    between (the caller checked; the unique constraint keeps the invariant)."""
    if not people:
        return []
    _immediate_constraints()
    now = timezone.now()
    custom_required = _CustomRequired()
    language = get_language()  # once for all the dossiers (the missing items' labels)
    fields, _single = _dossier_layout()
    defaults = {field.attname: field.get_default() for field in fields}
    rows = []
    for person in people:
        category = (person.content.get("header") or {}).get("personnel_category")
        values = dict(defaults)
        values.update(_live_values(person.content, custom_required[category], language=language))
        values.update(
            personal_id=person.personal_id,
            unit_id=person.unit.pk,
            account_id=getattr(person.account, "pk", None),
            live_version=1,
            latest_version=1,
            created_at=now,
            updated_at=now,
        )
        rows.append(tuple(values[field.attname] for field in fields))
    _copy_rows(Dossier, [field.attname for field in fields], rows)
    ids = dict(
        Dossier.objects.filter(personal_id__any_of=[person.personal_id for person in people])
        .values_list("personal_id", "pk")
        .order_by()
    )
    dossier_ids = [ids[person.personal_id] for person in people]
    creator = getattr(actor, "pk", None)
    copy_values(
        DossierVersion,
        ["dossier", "number", "unit", "content", "sha256", "status", "source", "sections", "reason",
         "decision_number", "decision_date", "created_by", "created_at", "published_at", "published_by"],
        [
            (
                dossier_id, 1, person.unit.pk, *_hashed_json(person.content),
                VersionStatus.PUBLISHED, source, _jsonb(sorted(person.content)), reason[:500], "", None,
                creator, now, now, creator,
            )
            for dossier_id, person in zip(dossier_ids, people, strict=True)
        ],
    )  # fmt: skip
    by_section: dict[str, list[tuple]] = {}
    for dossier_id, person in zip(dossier_ids, people, strict=True):
        section_row_values(dossier_id, person.content, by_section)
    for key, section_rows in by_section.items():
        section = SECTION_BY_KEY[key]
        copy_values(section.model, section_row_columns(section), section_rows)
    return dossier_ids


def _hashed_json(content: dict) -> tuple[Jsonb, str]:
    """The content for COPY and its SHA-256, from one serialisation: the canonical JSON is what
    is hashed, and PostgreSQL's jsonb does not care about key order (psycopg sends the bytes as they are)."""
    data = canonical_bytes(content)
    return Jsonb(content, dumps=lambda _obj: data), hashlib.sha256(data).hexdigest()


def _json_dumps(value) -> bytes:
    # orjson for the small JSON columns written per dossier (missing items, custom fields, sections);
    # what it refuses (integers past 64 bits) goes through ``json``, psycopg's default.
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value).encode()


def _jsonb(value) -> Jsonb:
    return Jsonb(value, dumps=_json_dumps)


def _copy_rows(model, attnames: list[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    columns = ", ".join(quote(by_attname[name].column) for name in attnames)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class VersionConflict(Exception):
    """Some dossiers got a new version after they were checked: ``dossier_ids``; nothing was written."""

    def __init__(self, dossier_ids: list[int]):
        super().__init__(dossier_ids)
        self.dossier_ids = dossier_ids


def dossiers_bulk_update(
    *, updates: list[CheckedUpdate], actor=None, source: str, reason: str = "", publish: bool = False
) -> int:
    """Add version ``base_version + 1`` with the checked content to each dossier of ``updates``.

    Pending (awaiting the monthly approval) unless ``publish``: then the versions are published
    and the live rows rewritten (row columns, completeness, and the rows of the repeating
    sections that changed). The dossier rows are locked first; if any has a version other than
    its ``base_version`` (someone wrote in between), ``VersionConflict`` is raised before
    anything is written. Must run inside the caller's transaction. Returns the count written.
    """
    if not updates:
        return 0
    _immediate_constraints()
    ids = [update.dossier_id for update in updates]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, latest_version, unit_id FROM {Dossier._meta.db_table} "
            "WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            [ids],
        )
        current = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    stale = [u.dossier_id for u in updates if current.get(u.dossier_id, (None,))[0] != u.base_version]
    if stale:
        raise VersionConflict(stale)
    now = timezone.now()
    creator = getattr(actor, "pk", None)
    status = VersionStatus.PUBLISHED if publish else VersionStatus.PENDING
    copy_values(
        DossierVersion,
        ["dossier", "number", "unit", "content", "sha256", "status", "source", "sections", "reason",
         "decision_number", "decision_date", "created_by", "created_at", "published_at", "published_by"],
        [
            (
                update.dossier_id, update.base_version + 1, current[update.dossier_id][1],
                *_hashed_json(update.content), status, source, _jsonb(sorted(update.sections)), reason[:500], "",
                None, creator, now, now if publish else None, creator if publish else None,
            )
            for update in updates
        ],
    )  # fmt: skip
    if not publish:
        _rows_update(Dossier, ["latest_version"], [(u.dossier_id, u.base_version + 1) for u in updates])
        return len(updates)
    # Publishing: earlier pending versions are contained in the new one (versions are linear).
    DossierVersion.objects.filter(dossier_id__any_of=ids, status=VersionStatus.PENDING).update(
        status=VersionStatus.PUBLISHED, published_at=now, published_by=creator
    )
    custom_required = _CustomRequired()
    language = get_language()
    fields, single = _dossier_layout()
    touches_row_columns = any(key in SINGLE_KEYS or key == "custom" for u in updates for key in u.sections)
    # Only repeating sections changed: the row keeps its columns; completeness and versions move.
    names = [f.attname for f in fields if f.name in single] + ["custom_fields", "name_folded", "name_sort_key"]
    names = (names if touches_row_columns else []) + ["completeness", "missing_items", "live_version", "latest_version"]
    values = []
    for update in updates:
        category = (update.content.get("header") or {}).get("personnel_category")
        live = _live_values(update.content, custom_required[category], language=language, columns=touches_row_columns)
        live["live_version"] = live["latest_version"] = update.base_version + 1
        values.append((update.dossier_id, *(live[name] for name in names)))
    _rows_update(Dossier, names, values)
    changed_sections = {key for update in updates for key in update.sections}
    for section in SECTIONS:
        if section.kind != ROWS or section.key not in changed_sections:
            continue
        touched = [u for u in updates if section.key in u.sections]
        section.model.objects.filter(dossier_id__any_of=[u.dossier_id for u in touched], **section.row_filter).delete()
        section_rows: dict[str, list[tuple]] = {}
        for update in touched:
            section_row_values(update.dossier_id, {section.key: update.content.get(section.key) or []}, section_rows)
        copy_values(section.model, section_row_columns(section), section_rows.get(section.key, []))
    return len(updates)


def _rows_update(model, columns: list[str], rows: list[tuple]) -> None:
    """``UPDATE model SET columns`` from ``rows`` ((pk, *values) tuples, values as COPY reads
    them) in two statements: COPY into a temporary table shaped like the model's, then one
    ``UPDATE … FROM`` (Django's ``bulk_update`` writes a CASE per column per row, far slower
    for wide rows). The model must have ``updated_at``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    by_attname = {field.attname: field for field in meta.concrete_fields}
    db_columns = [by_attname[name].column for name in columns]
    temp = quote(f"tmp_update_{meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {quote(meta.pk.column)}, "
            + ", ".join(quote(c) for c in db_columns)
            + f" FROM {table} WITH NO DATA"
        )
        column_list = ", ".join(quote(c) for c in [meta.pk.column, *db_columns])
        with cursor.cursor.copy(f"COPY {temp} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        assignments = ", ".join(f"{quote(c)} = t.{quote(c)}" for c in db_columns)
        cursor.execute(
            f"UPDATE {table} AS d SET {assignments}, {quote('updated_at')} = now() FROM {temp} AS t "
            f"WHERE d.{quote(meta.pk.column)} = t.{quote(meta.pk.column)}"
        )
        cursor.execute(f"DROP TABLE {temp}")
