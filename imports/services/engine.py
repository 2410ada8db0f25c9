"""The import run: every row checked as a real import checks it, and written only when asked.

One pass over the sheet, in chunks of ``CHUNK_ROWS`` rows, with a constant number of queries
per chunk (the dossiers of the chunk, their latest versions, the ones in the actor's scope)
and the catalogues read once per run:

1. each cell is read tolerantly (``imports.cells``); a formula cell is refused;
2. the personal id is checked (12 digits, birth-registration code, century and sex digit
   against the row's or the dossier's date of birth and sex; Excel's damage diagnosed), and
   must not appear twice in the file (for a section: the same natural key twice);
3. the row becomes the dossier's next content: a new dossier, or the latest version with the
   row's non-empty cells applied (an empty cell keeps the value), or for a section target the
   matching row (personal id + natural key) updated or a new row appended;
4. that content goes through the same checks as the forms (``records.services.content``:
   catalogues in use, lengths, decimals, required items, dates that cannot all be true,
   custom fields; the values the reader already gave in their stored form — dates, months,
   codes, choices, text — are not converted a second time), and the dossier must be in the
   actor's scope (``portal.scoping``);
5. when writing, the chunk's valid dossiers are written in bulk (``records.services.bulk_writes``)
   inside the caller's transaction: all-or-nothing stops writing at the first error and the
   caller rolls back; "valid rows" writes every valid dossier.

The result is one ``RowResult`` per non-empty row: new / update / unchanged / error, the
errors per cell ("Dòng 14, cột 'Ngày sinh': …") and the labels of the fields an update changes.
"""

from __future__ import annotations

import datetime
import functools
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from imports.cells import CatalogueBook, convert, is_empty
from imports.choices import ImportMode, RowOutcome
from imports.readers import Table
from imports.specs import PERSON_NAME, PERSONAL_ID, UNIT, ColumnSpec, ImportSpec
from portal import scoping
from portal.models import Unit
from portal.text import fold
from records.identity import birth_place_codes, personal_id_clean
from records.models import Dossier, DossierVersion
from records.sections import SECTION_BY_KEY
from records.services.bulk_writes import (
    CheckedDossier,
    CheckedUpdate,
    VersionConflict,
    dossiers_bulk_insert,
    dossiers_bulk_update,
)
from records.services.common import DossierPermissionDenied, require_unit
from records.services.content import MAX_ROWS, CodeBook, content_clean, content_consistency, section_clean
from records.services.dossiers import _identity_checked_id, require_minimum

CHUNK_ROWS = 5000


class ImportCancelled(Exception):
    """The job was cancelled while running; the caller rolls back."""


@dataclass
class RowResult:
    row: int
    personal_id: str = ""
    outcome: str = RowOutcome.NEW
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    changes: list[str] = field(default_factory=list)

    def fail(self, column: str, message: str) -> None:
        self.outcome = RowOutcome.ERROR
        self.errors.append((column, message))


@dataclass
class RunSummary:
    results: list[RowResult]
    written: int = 0  # dossiers written (created or given a version)

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def errors(self) -> int:
        return self.count(RowOutcome.ERROR)


def cell_message(row: int, column: str, problem: str) -> str:
    """ "Row 14, column 'Date of birth': <problem>." in the active language."""
    if column:
        text = _("Row %(row)s, column '%(column)s': %(problem)s") % {"row": row, "column": column, "problem": problem}
    else:
        text = _("Row %(row)s: %(problem)s") % {"row": row, "problem": problem}
    return text if text.endswith((".", "!", "?")) else text + "."


@dataclass
class _Parsed:
    result: RowResult
    raw_id: object
    values: dict  # column key -> converted value
    unit_code: str = ""


class ImportRun:
    """One run of ``spec`` over ``table`` (see the module docstring).

    ``columns``: {sheet column index: column spec}; ``unit``: the job's unit (new dossiers go
    there unless the row names a unit of its subtree); ``actor``: whose scope applies (None:
    the system, e.g. the CLI). ``write``: False for a dry run. ``progress(done, total)`` is
    called after each chunk and returns True to cancel (``ImportCancelled``).
    """

    def __init__(
        self,
        *,
        spec: ImportSpec,
        table: Table,
        columns: dict[int, ColumnSpec],
        unit: Unit,
        actor=None,
        write: bool = False,
        mode: str = ImportMode.ALL,
        publish: bool = False,
        source: str = "import",
        reason: str = "",
        progress: Callable[[int, int], bool] | None = None,
        today: datetime.date | None = None,
    ):
        self.spec, self.table, self.columns, self.unit, self.actor = spec, table, columns, unit, actor
        self.write, self.mode, self.publish, self.source, self.reason = write, mode, publish, source, reason
        self.progress = progress
        self.today = today or datetime.date.today()
        self.book = CatalogueBook()
        self.codes = CodeBook()
        self.known_codes = birth_place_codes()
        self.headers = {column.key: table.header[index] or column.header for index, column in columns.items()}
        self.column_items = list(columns.items())
        self.seen: dict[object, int] = {}
        self.units: dict[str, Unit | None] = {}
        self.units_allowed: dict[int, bool] = {}
        self.failed = False  # an error was found (all-or-nothing stops writing)
        self.written = 0

    # --- driving -------------------------------------------------------------------------------

    def execute(self) -> RunSummary:
        # The run allocates millions of small objects and creates no reference cycles: without the
        # cyclic collector's repeated passes over them it is markedly faster (bench/RESULTS.md).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._execute()
        finally:
            if enabled:
                gc.enable()

    def _execute(self) -> RunSummary:
        results: list[RowResult] = []
        rows = self.table.rows()
        done = 0
        while True:
            chunk = list(islice(rows, CHUNK_ROWS))
            if not chunk:
                break
            parsed = [self._parse(number, cells) for number, cells in chunk]
            if self.spec.is_dossiers:
                writes = self._dossiers_chunk(parsed)
            else:
                writes = self._section_chunk(parsed)
            if any(p.result.outcome == RowOutcome.ERROR for p in parsed):
                self.failed = True
            if self.write and (self.mode == ImportMode.VALID or not self.failed):
                self._write(*writes, parsed)
            results.extend(p.result for p in parsed)
            done += len(chunk)
            if self.progress is not None and self.progress(done, max(done, self.table.row_count)):
                raise ImportCancelled
        return RunSummary(results=results, written=self.written)

    def header(self, key: str) -> str:
        if key in self.headers:
            return self.headers[key]
        try:
            return self.spec.column(key).header
        except KeyError:
            return ""

    # --- cells ---------------------------------------------------------------------------------

    def _parse(self, number: int, cells: list) -> _Parsed:
        result = RowResult(row=number)
        values: dict = {}
        raw_id = None
        formulas = self.table.formulas.get(number, ())
        width = len(cells)
        for index, column in self.column_items:
            raw = cells[index] if index < width else None
            if (raw is None or raw == "") and index not in formulas:
                continue  # most cells of a wide sheet are empty: skip them before any work
            header = self.headers[column.key]
            if index in formulas:
                result.fail(
                    header,
                    cell_message(
                        number,
                        header,
                        _("the cell holds a formula; copy the column and paste it back as values (Paste Special)"),
                    ),
                )
                continue
            if column.key == PERSONAL_ID:
                raw_id = raw
                continue
            try:
                value = convert(column, raw, book=self.book, today=self.today)
            except ValueError as exc:
                result.fail(header, cell_message(number, header, _("the value %(problem)s") % {"problem": exc}))
                continue
            if value is not None:
                values[column.key] = value
        parsed = _Parsed(result=result, raw_id=raw_id, values=values)
        if is_empty(raw_id):
            header = self.header(PERSONAL_ID)
            result.fail(header, cell_message(number, header, _("the personal identification number is missing")))
            return parsed
        try:
            result.personal_id = personal_id_clean(raw_id, known_codes=self.known_codes)
        except ValidationError as exc:
            header = self.header(PERSONAL_ID)
            for message in _messages(exc):
                result.fail(header, cell_message(number, header, message))
            result.personal_id = str(raw_id)[:40]
        return parsed

    def _load(self, parsed: list[_Parsed]) -> dict[str, tuple]:
        """{personal id: (pk, latest_version, unit_id, content)} of the chunk's existing dossiers
        in the actor's scope; ids that exist outside it are reported on their rows."""
        ids = {p.result.personal_id for p in parsed if len(p.result.personal_id) == 12}
        if not ids:
            return {}
        found = dict(
            Dossier.objects.filter(personal_id__any_of=ids).values_list("personal_id", "pk").order_by()
        )  # every dossier, to tell "exists elsewhere" from "new"
        if self.actor is not None:
            allowed = set(
                scoping.restrict(self.actor, scoping.CHANGE, Dossier.objects.filter(personal_id__any_of=list(found)))
                .values_list("personal_id", flat=True)
                .order_by()
            )
        else:
            allowed = set(found)
        versions = DossierVersion.objects.filter(
            dossier__personal_id__any_of=list(allowed), number=F("dossier__latest_version")
        ).order_by()
        if self.write or self.spec.is_dossiers:
            rows = versions.values_list("dossier__personal_id", "dossier_id", "number", "dossier__unit_id", "content")
            existing = {pid: (pk, number, unit_id, content) for pid, pk, number, unit_id, content in rows}
        else:
            # A dry run of a section reads only that section and the name (not the whole content).
            section = self.spec.section
            rows = versions.values_list(
                "dossier__personal_id",
                "dossier_id",
                "number",
                "dossier__unit_id",
                f"content__{section}",
                "content__identity__full_name",
            )
            existing = {
                pid: (pk, number, unit_id, {section: section_rows or [], "identity": {"full_name": name or ""}})
                for pid, pk, number, unit_id, section_rows, name in rows
            }
        header = self.header(PERSONAL_ID)
        for p in parsed:
            pid = p.result.personal_id
            if pid in found and pid not in allowed:
                p.result.fail(
                    header,
                    cell_message(
                        p.result.row,
                        header,
                        _(
                            "the dossier with personal identification number %(id)s belongs to a unit outside "
                            "your scope; it can be moved only by a transfer"
                        )
                        % {"id": pid},
                    ),
                )
        return existing

    # --- dossiers target -----------------------------------------------------------------------

    def _row_unit(self, p: _Parsed) -> Unit | None:
        code = p.values.pop(UNIT, None)
        if not code:
            return self.unit
        p.unit_code = code
        if code not in self.units:
            unit = Unit.objects.filter(code=code).first()
            self.units[code] = unit if unit is not None and unit.path.startswith(self.unit.path) else None
        unit = self.units[code]
        if unit is None:
            header = self.header(UNIT)
            p.result.fail(
                header,
                cell_message(
                    p.result.row,
                    header,
                    _("there is no unit with code '%(code)s' under %(unit)s") % {"code": code, "unit": self.unit.name},
                ),
            )
        return unit

    def _unit_allowed(self, unit: Unit) -> bool:
        if unit.pk not in self.units_allowed:
            try:
                require_unit(self.actor, unit)
                self.units_allowed[unit.pk] = True
            except DossierPermissionDenied:
                self.units_allowed[unit.pk] = False
        return self.units_allowed[unit.pk]

    def _dossiers_chunk(self, parsed: list[_Parsed]):
        existing = self._load(parsed)
        creates: list[CheckedDossier] = []
        updates: list[CheckedUpdate] = []
        header_id = self.header(PERSONAL_ID)
        for p in parsed:
            result = p.result
            unit = self._row_unit(p)
            if result.outcome == RowOutcome.ERROR:
                self._mark_seen(p, result.personal_id)
                continue
            if self._mark_seen(p, result.personal_id):
                continue
            given = _content_from(p.values)
            if result.personal_id in existing:
                pk, number, unit_id, current = existing[result.personal_id]
                if p.unit_code and unit is not None and unit.pk != unit_id:
                    result.fail(
                        self.header(UNIT),
                        cell_message(
                            result.row,
                            self.header(UNIT),
                            _("the dossier is in another unit; moving it is a transfer, not an import"),
                        ),
                    )
                    continue
                update = self._update(p, current, given)
                if update is not None:
                    updates.append(CheckedUpdate(dossier_id=pk, base_version=number, **update))
                continue
            if not self._unit_allowed(unit):
                result.fail(
                    header_id,
                    cell_message(result.row, header_id, _("you may not create dossiers in %(unit)s") % {"unit": unit}),
                )
                continue
            created = self._create(p, given)
            if created is not None:
                creates.append(CheckedDossier(unit=unit, personal_id=result.personal_id, content=created))
        return creates, updates

    def _mark_seen(self, p: _Parsed, key) -> bool:
        """Record the row's key; report and return True if an earlier row had it."""
        if not key:
            return False
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = p.result.row
            return False
        header = self.header(PERSONAL_ID)
        if isinstance(key, str):
            problem = _("the personal identification number %(id)s is also on row %(other)s") % {
                "id": p.result.personal_id,
                "other": earlier,
            }
        else:
            header = ""
            problem = _("row %(other)s has the same personal identification number and the same %(key)s") % {
                "other": earlier,
                "key": ", ".join(f"'{self.header(name)}'" for name in self.spec.natural_key),
            }
        p.result.fail(header, cell_message(p.result.row, header, problem))
        return True

    def _create(self, p: _Parsed, given: dict) -> dict | None:
        result = p.result
        errors: dict[str, list[str]] = {}
        try:
            cleaned = content_clean(given, codes=self.codes, converted=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            cleaned = {}
        require_minimum(given if errors else cleaned, errors)
        if not errors:
            try:
                result.personal_id = _identity_checked_id(result.personal_id, cleaned, known_codes=self.known_codes)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            self._report(result, errors)
            return None
        result.outcome = RowOutcome.NEW
        return cleaned

    def _update(self, p: _Parsed, current: dict, given: dict) -> dict | None:
        result = p.result
        content = {key: (dict(value) if isinstance(value, dict) else value) for key, value in current.items()}
        for key, values in given.items():
            merged = dict(content.get(key) or {})
            merged.update(values)
            content[key] = merged
        candidates = sorted(key for key in given if (current.get(key) or {}) != content.get(key))
        category = (content.get("header") or {}).get("personnel_category")
        errors: dict[str, list[str]] = {}
        for key in candidates:
            try:
                content[key] = section_clean(key, content[key], codes=self.codes, personnel_category=category)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        # Compared once cleaned: "2,50" against a stored "2.50", "Có" against true are no change.
        changed = [key for key in candidates if (current.get(key) or {}) != (content.get(key) or {})]
        if not errors and not changed:
            result.outcome = RowOutcome.UNCHANGED
            return None
        if not errors:
            require_minimum(content, errors)
            errors.update(content_consistency(content))
        if not errors and "identity" in changed:
            try:
                _identity_checked_id(
                    result.personal_id, content, field="identity.birth_date", known_codes=self.known_codes
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            self._report(result, errors)
            return None
        result.outcome = RowOutcome.UPDATE
        for key in changed:
            before, after = current.get(key) or {}, content.get(key) or {}
            for name in sorted(set(before) | set(after)):
                if before.get(name) != after.get(name):
                    result.changes.append(self.header(f"{key}.{name}"))
        return {"content": content, "sections": changed}

    def _report(self, result: RowResult, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            column = self._column_for_error(key)
            for message in messages:
                result.fail(column, cell_message(result.row, column, message))

    def _column_for_error(self, key: str) -> str:
        """The header of the column an error key ("identity.birth_date", "custom.x",
        "training_it[2].level", "personal_id") is about, or '' for the row as a whole."""
        if key == PERSONAL_ID:
            return self.header(PERSONAL_ID)
        if "[" in key:  # a section row: "<section>[n].<field>"
            name = key.split(".", 1)[1] if "." in key else ""
            return self.header(name) if name else ""
        return self.header(key) if "." in key else ""

    # --- section targets -----------------------------------------------------------------------

    def _section_chunk(self, parsed: list[_Parsed]):
        existing = self._load(parsed)
        key_fields = self.spec.natural_key
        section = SECTION_BY_KEY[self.spec.section]
        contents: dict[str, dict] = {}  # personal id -> working content
        touched: dict[str, list[_Parsed]] = {}
        for p in parsed:
            result = p.result
            if result.outcome == RowOutcome.ERROR:
                continue
            pid = result.personal_id
            if pid not in existing:
                header = self.header(PERSONAL_ID)
                result.fail(
                    header,
                    cell_message(
                        result.row,
                        header,
                        _("there is no dossier with personal identification number %(id)s; import the dossier first")
                        % {"id": pid},
                    ),
                )
                continue
            _pk, _number, _unit_id, current = existing[pid]
            name = p.values.pop(PERSON_NAME, None)
            if name and fold(name) != fold((current.get("identity") or {}).get("full_name", "")):
                header = self.header(PERSON_NAME)
                result.fail(
                    header,
                    cell_message(
                        result.row,
                        header,
                        _("'%(name)s' is not the name on the dossier %(id)s (%(actual)s); check the id")
                        % {"name": name, "id": pid, "actual": (current.get("identity") or {}).get("full_name", "")},
                    ),
                )
                continue
            row_values = {key: value for key, value in p.values.items()}
            try:
                cleaned_rows = section_clean(section.key, [row_values], codes=self.codes, converted=True)
            except ValidationError as exc:
                self._report(result, exc.message_dict)
                continue
            row = cleaned_rows[0] if cleaned_rows else {}
            natural = tuple(str(row.get(name, "")) for name in key_fields)
            if self._mark_seen(p, (pid, natural)):
                continue
            content = contents.setdefault(pid, {**current, section.key: list(current.get(section.key) or [])})
            rows = content[section.key]
            matches = [i for i, old in enumerate(rows) if tuple(str(old.get(n, "")) for n in key_fields) == natural]
            if len(matches) > 1:
                result.fail(
                    "",
                    cell_message(
                        result.row,
                        "",
                        _(
                            "the dossier has %(count)s rows with the same %(key)s; correct them in the dossier "
                            "before importing"
                        )
                        % {"count": len(matches), "key": ", ".join(self.header(n) for n in key_fields)},
                    ),
                )
                continue
            if matches:
                old = rows[matches[0]]
                new = {**old, **row}
                if new == old:
                    result.outcome = RowOutcome.UNCHANGED
                    continue
                rows[matches[0]] = new
                result.outcome = RowOutcome.UPDATE
                result.changes = [self.header(n) for n in section.field_names if old.get(n) != new.get(n)]
            else:
                rows.append(row)
                result.outcome = RowOutcome.NEW
            touched.setdefault(pid, []).append(p)
        # Each row was cleaned alone above and the dossier's other rows come from its version:
        # the merged list is clean as it stands (a second pass over every row would double the cost).
        updates = [
            CheckedUpdate(
                dossier_id=existing[pid][0],
                base_version=existing[pid][1],
                content=contents[pid],
                sections=[section.key],
            )
            for pid in touched
            if len(contents[pid][section.key]) <= MAX_ROWS or self._too_many(touched[pid], section)
        ]
        return [], updates

    def _too_many(self, rows: list[_Parsed], section) -> bool:
        for p in rows:
            p.result.fail(
                "",
                cell_message(
                    p.result.row,
                    "",
                    _("the dossier would have more than %(max)s rows in %(section)s")
                    % {"max": MAX_ROWS, "section": section.label},
                ),
            )
        return False

    # --- writing -------------------------------------------------------------------------------

    def _write(self, creates: list[CheckedDossier], updates: list[CheckedUpdate], parsed: list[_Parsed]) -> None:
        if creates:
            dossiers_bulk_insert(people=creates, actor=self.actor, source=self.source, reason=self.reason)
            self.written += len(creates)
        if updates:
            try:
                self.written += dossiers_bulk_update(
                    updates=updates, actor=self.actor, source=self.source, reason=self.reason, publish=self.publish
                )
            except VersionConflict as conflict:
                stale = set(conflict.dossier_ids)
                by_pk = {}
                for update in updates:
                    by_pk[update.dossier_id] = update
                message = _("the dossier was changed by someone else during the import; import this row again")
                pids = set(Dossier.objects.filter(pk__in=list(stale)).values_list("personal_id", flat=True).order_by())
                for p in parsed:
                    if p.result.personal_id in pids:
                        p.result.fail("", cell_message(p.result.row, "", message))
                self.failed = True
                if self.mode == ImportMode.VALID:
                    self.written += dossiers_bulk_update(
                        updates=[u for u in updates if u.dossier_id not in stale],
                        actor=self.actor,
                        source=self.source,
                        reason=self.reason,
                        publish=self.publish,
                    )


def _content_from(values: dict) -> dict:
    """{"identity.full_name": …, "custom.x": …} → {"identity": {"full_name": …}, "custom": {"x": …}}."""
    content: dict = {}
    for key, value in values.items():
        place = _content_place(key)
        if place is not None:
            content.setdefault(place[0], {})[place[1]] = value
    return content


@functools.cache
def _content_place(key: str) -> tuple[str, str] | None:
    """(section, field) of a column key, None for the columns that are not content."""
    if key in (UNIT, PERSON_NAME) or "." not in key:
        return None
    section, name = key.split(".", 1)
    return section, name


def _messages(exc: ValidationError) -> Iterable[str]:
    if hasattr(exc, "message_dict"):
        for messages in exc.message_dict.values():
            yield from messages
    else:
        yield from exc.messages
