"""The import run: every row checked as a real import checks it, and written only when asked
(reading the cells: ``imports.services.cell_reading``; the dossiers target:
``imports.services.dossier_rows``; the section targets: ``imports.services.section_rows``; what a
run gives back: ``imports.services.results``).

One pass over the sheet, in chunks of ``CHUNK_ROWS`` rows, with a constant number of queries
per chunk (the dossiers of the chunk, their latest versions, the ones in the actor's scope)
and the catalogues read once per run:

1. each cell is read tolerantly (``imports.cells``); a formula cell is refused;
2. the personal id is checked (12 digits, birth-registration code, century and sex digit
   against the row's or the dossier's date of birth and sex; Excel's damage diagnosed), and
   must not appear twice in the file (for a section: the same natural key twice, unless the
   dossier itself holds that key that often and each row is one of its rows unchanged);
3. the row becomes the dossier's next content: a new dossier, or the latest version with the
   row's non-empty cells applied (an empty cell keeps the value; ``[xóa]`` erases it, except in the
   columns that identify the row), or for a section target the
   matching row (personal id + natural key) updated or a new row appended;
4. that content goes through the same checks as the forms (``records.services.content``:
   catalogues in use, lengths, decimals, required items, dates that cannot all be true,
   custom fields; the values the reader already gave in their stored form — dates, months,
   codes, choices, text — are not converted a second time), and the dossier must be in the
   actor's scope (``portal.scoping``);
5. when writing, the chunk's valid dossiers are written in bulk (``records.services.bulk_writes``)
   inside the caller's transaction, while the next chunk is read and checked in a second thread
   (``ImportRun._written_chunks``): all-or-nothing stops writing at the first error and the
   caller rolls back; "valid rows" writes every valid dossier.

The result is one ``RowResult`` per non-empty row: new / update / unchanged / error, the
errors per cell ("Dòng 14, cột 'Ngày sinh': …") and the labels of the fields an update changes.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.translation import gettext as _

from imports.cells import CatalogueBook
from imports.choices import ImportMode, RowOutcome
from imports.readers import Table
from imports.services.cell_reading import CellReading
from imports.services.dossier_rows import DossierRows
from imports.services.results import ImportCancelled, ParsedRow, RowResult, RunSummary, cell_message
from imports.services.section_rows import SectionRows
from imports.specs import PERSONAL_ID, UNIT, ColumnSpec, ImportSpec
from portal import scoping
from portal.models import Unit
from records.identity import birth_place_codes
from records.models import Dossier, DossierVersion
from records.services.bulk_writes import (
    CheckedDossier,
    CheckedUpdate,
    VersionConflict,
    dossiers_bulk_insert,
    dossiers_bulk_update,
)
from records.services.codes import CodeBook
from records.services.content_hash import content_loads

CHUNK_ROWS = 5000
# While an import writes one chunk and checks the next in a second thread, the writing thread wakes up
# from each wait on PostgreSQL and must get the interpreter back from the checking one: at Python's
# default 5 ms it waits for it too long, too often (an A/B of 50,000 rows, bench/RESULTS.md: the overlap
# gained ~5 % at 5 ms, ~15 % at 0.5 ms).
SWITCH_INTERVAL = 0.0005


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (restored after). An import allocates
    millions of small objects (the sheet's cells, the parsed rows, the results) and creates no
    reference cycles: without the collector's repeated passes over them it is markedly faster
    (bench/RESULTS.md). Nested uses leave it to the outermost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Checked(NamedTuple):
    """A chunk checked and waiting for its write."""

    chunk: list  # rows as read
    parsed: list[ParsedRow]
    writes: tuple[list, list]  # (creates, updates)
    write: bool  # whether it is written: "valid rows", or no row in error so far


def _carry(existing: dict[str, tuple], updates: list[CheckedUpdate]) -> None:
    """The dossiers of a chunk (``ImportRun._load``) that the chunk before it is about to update: their
    next version and its content, as if that chunk had been written."""
    pending = {update.dossier_id: update for update in updates}
    if not pending:
        return
    for pid, (pk, _number, unit_id, _content) in list(existing.items()):
        update = pending.get(pk)
        if update is not None:
            existing[pid] = (pk, update.base_version + 1, unit_id, update.content)


class ImportRun(CellReading, DossierRows, SectionRows):
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
        self.fixed_columns = spec.identifying_keys
        self.seen: dict[object, int] = {}
        # A natural key several rows of a dossier share: the stored rows already matched, with the row number.
        self.repeated: dict[tuple, list[tuple[dict, int]]] = {}
        # The values of unique custom fields the rows write: (key, value) -> (row, personal id).
        self.unique_values: dict[tuple, tuple[int, str]] = {}
        self.units: dict[str, Unit | None] = {}
        self.units_allowed: dict[int, bool] = {}
        self.failed = False  # an error was found (all-or-nothing stops writing)
        # Cells typed in an old encoding (``portal.legacy_text``), by its key ("tcvn3", "vni"): how many
        # were converted, the sheet columns where a cell clearly in it was seen, the first one
        # (row, column, as typed, converted).
        self.legacy_cells: dict[str, int] = {}
        self.legacy_columns: dict[str, set[int]] = {}
        self.legacy_examples: dict[str, tuple[int, str, str, str]] = {}
        self.written = 0

    # --- driving -------------------------------------------------------------------------------

    def execute(self) -> RunSummary:
        with collector_paused():
            return self._execute()

    def _execute(self) -> RunSummary:
        results: list[RowResult] = []
        done = 0
        for chunk, parsed in self._written_chunks() if self.write else self._checked_chunks():
            results.extend(p.result for p in parsed)
            done += len(chunk)
            if self.progress is not None and self.progress(done, max(done, self.table.row_count)):
                raise ImportCancelled
        return RunSummary(
            results=results, written=self.written, legacy_cells=self.legacy_cells, legacy_examples=self.legacy_examples
        )

    def _checked(self, parsed: list[ParsedRow], existing: dict[str, tuple]) -> tuple[list, list]:
        """Check a chunk against the dossiers it names (``existing``: ``_load``); (creates, updates)."""
        if self.spec.is_dossiers:
            writes = self._dossiers_chunk(parsed, existing)
        else:
            writes = self._section_chunk(parsed, existing)
        if any(p.result.outcome == RowOutcome.ERROR for p in parsed):
            self.failed = True
        return writes

    def _chunks(self) -> Iterator[list]:
        """The sheet's rows, (number, cells), in chunks of ``CHUNK_ROWS``."""
        rows = self.table.rows()
        return iter(lambda: list(islice(rows, CHUNK_ROWS)), [])

    def _parsed(self, chunk: list) -> list[ParsedRow]:
        return [self._parse(number, cells) for number, cells in chunk]

    def _checked_chunks(self) -> Iterator[tuple[list, list[ParsedRow]]]:
        """A check (nothing written): each chunk read, loaded and checked in turn."""
        for chunk in self._chunks():
            parsed = self._parsed(chunk)
            self._checked(parsed, self._load(parsed))
            yield chunk, parsed

    def _written_chunks(self) -> Iterator[tuple[list, list[ParsedRow]]]:
        """An import: chunk N+1 is read, loaded and checked in a second thread while this one writes
        chunk N.

        Reading and checking are Python and a write mostly waits for PostgreSQL, so on two cores
        they overlap (bench/RESULTS.md). Both threads use this thread's connection, in the run's
        transaction — psycopg runs one statement at a time on it, a COPY whole — so the checks see
        what the run has written (a catalogue, a unit code, the scope, a unique custom value). A
        dossier that chunk N is about to update and chunk N+1 names too (a section file, one
        person's rows across the boundary) is taken with the content chunk N writes (``_carry``),
        whether or not the load saw that write. Whether chunk N is written is decided when its
        check ends, as when the chunks ran one after the other. The second thread gets the run's
        language, for its messages."""
        connection = connections[DEFAULT_DB_ALIAS]
        language = translation.get_language()

        def check(chunk: list, carried: list[CheckedUpdate]) -> tuple[list[ParsedRow], tuple[list, list]]:
            connections[DEFAULT_DB_ALIAS] = connection  # (this thread's own slot for the alias)
            try:
                with translation.override(language):
                    parsed = self._parsed(chunk)
                    existing = self._load(parsed)
                    _carry(existing, carried)
                    return parsed, self._checked(parsed, existing)
            finally:
                del connections[DEFAULT_DB_ALIAS]

        connection.inc_thread_sharing()
        interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as pool:
                ready: _Checked | None = None  # the chunk checked last, not yet written
                for chunk in self._chunks():
                    carried = ready.writes[1] if ready is not None and ready.write else []
                    checking = pool.submit(check, chunk, carried)
                    if ready is not None:
                        # (should the write fail, leaving the pool waits for the check: the connection is shared)
                        yield self._written(ready)
                    ready = _Checked(chunk, *checking.result(), self.mode == ImportMode.VALID or not self.failed)
                if ready is not None:
                    yield self._written(ready)
        finally:
            sys.setswitchinterval(interval)
            connection.dec_thread_sharing()

    def _written(self, checked: _Checked) -> tuple[list, list[ParsedRow]]:
        """Write a checked chunk if it is to be written; (rows as read, parsed rows)."""
        if checked.write:
            self._write(*checked.writes, checked.parsed)
        return checked.chunk, checked.parsed

    def header(self, key: str) -> str:
        if key in self.headers:
            return self.headers[key]
        try:
            return self.spec.column(key).header
        except KeyError:
            return ""

    def _load(self, parsed: list[ParsedRow]) -> dict[str, tuple]:
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
        # The contents are read as JSON text and decoded with orjson (``content_loads``): Django's
        # JSONField decodes with ``json``, a second or two per 50,000 dossiers more.
        if self.write or self.spec.is_dossiers:
            rows = versions.annotate(text=Cast("content", TextField())).values_list(
                "dossier__personal_id", "dossier_id", "number", "dossier__unit_id", "text"
            )
            existing = {pid: (pk, number, unit_id, content_loads(text)) for pid, pk, number, unit_id, text in rows}
        else:
            # A dry run of a section reads only that section and the name (not the whole content).
            section = self.spec.section
            rows = versions.annotate(
                section_text=Cast(KeyTransform(section, "content"), TextField()),
                name=KeyTextTransform("full_name", KeyTransform("identity", "content")),
            ).values_list("dossier__personal_id", "dossier_id", "number", "dossier__unit_id", "section_text", "name")
            existing = {
                pid: (
                    pk,
                    number,
                    unit_id,
                    {section: (content_loads(text) if text else None) or [], "identity": {"full_name": name or ""}},
                )
                for pid, pk, number, unit_id, text, name in rows
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

    def _mark_seen(self, p: ParsedRow, key) -> bool:
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

    def _checked_further(self, p: ParsedRow) -> bool:
        """Whether a row some of whose cells could not be read is still checked, so that the clerk
        learns every problem of the row at once: yes, unless a cell that identifies the row (the
        personal id, the unit, a section's natural key) is among them. Its outcome stays an error."""
        identifying = {self.header(PERSONAL_ID), self.header(UNIT)}
        identifying.update(self.header(name) for name in self.spec.natural_key)
        identifying.discard("")  # (a column the target does not have)
        return not any(column in identifying for column, _message in p.result.errors)

    def _report(self, result: RowResult, errors: dict[str, list[str]], bare: dict | None = None) -> None:
        """Each error at its cell. ``bare``: the same problems without their place (``section_clean``'s),
        used where the cell names the place, so that a message reads "Row 2, column 'Dân tộc': the
        value '05' is …" rather than naming the section and field a second time. A cell already
        reported (it could not be read: "not a date") gets no second message ("a value is required")."""
        reported = {column for column, _message in result.errors if column}
        for key, messages in errors.items():
            column = self._column_for_error(key)
            if column in reported:
                continue
            short = (bare or {}).get(key) if column else None
            if short is not None and len(short) == len(messages):
                messages = short
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

    # --- writing -------------------------------------------------------------------------------

    def _write(self, creates: list[CheckedDossier], updates: list[CheckedUpdate], parsed: list[ParsedRow]) -> None:
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
