"""Reading a row's cells for an import run (``imports.services.engine.ImportRun`` mixes this in):
each cell converted tolerantly (``imports.cells``), formulas and the erase marker handled, the
personal id checked, rows typed in an old encoding (TCVN3 or VNI) converted. Needs no database: the run
reads the catalogues first, so the next chunk can be read in a second thread while one is written."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.cells import CLEAR, CLEAR_MARKER, convert, is_clear, is_empty
from imports.services.results import ParsedRow, RowResult, cell_message
from imports.specs import PERSONAL_ID
from portal.legacy_text import LegacyEncoding, row_encoding
from records.identity import personal_id_clean


class CellReading:
    """``_parse``: one sheet row (its number, its cells) → ``ParsedRow``."""

    def _parse(self, number: int, cells: list) -> ParsedRow:
        encoding = row_encoding(cells)
        if encoding is not None:
            cells = self._from_legacy(number, cells, encoding)
        result = RowResult(row=number)
        values: dict = {}
        raw_id = None
        cleared = False  # a cell holds the erase marker
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
            if raw.__class__ is str and "[" in raw and is_clear(raw):
                if column.key in self.fixed_columns:
                    result.fail(header, cell_message(number, header, _erase_refused()))
                    if column.key == PERSONAL_ID:
                        raw_id = raw
                else:
                    values[column.key] = CLEAR
                    cleared = True
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
        parsed = ParsedRow(result=result, raw_id=raw_id, values=values, cleared=cleared)
        if is_clear(raw_id):
            result.personal_id = ""
            return parsed
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

    def _from_legacy(self, number: int, cells: list, encoding: LegacyEncoding) -> list:
        """The cells of a row with clear evidence of an old encoding (``portal.legacy_text``: TCVN3
        or VNI), converted: a cell that holds a sign of it, and, in a column where clear evidence of
        it was seen (in this row or an earlier one), any cell that may be in it ("Lý Tó" = Lý Tú in
        TCVN3, "Hoàng" = Hồng in VNI). A row without evidence is never touched, so a name typed in
        Unicode below such rows ("Tô Hoài") stays as it is. The erase marker is left as it is.
        Counted per encoding; the first one is the example the job's message shows."""
        cells = list(cells)
        width = len(cells)
        columns = self.legacy_columns.setdefault(encoding.key, set())
        for index, _column in self.column_items:
            if index < width and cells[index].__class__ is str and encoding.looks(cells[index]):
                columns.add(index)
        for index, column in self.column_items:
            raw = cells[index] if index < width else None
            if raw.__class__ is not str or is_clear(raw):
                continue
            if encoding.holds(raw) or (index in columns and encoding.may_be(raw)):
                cells[index] = encoding.to_unicode(raw)
                self.legacy_cells[encoding.key] = self.legacy_cells.get(encoding.key, 0) + 1
                if encoding.key not in self.legacy_examples:
                    self.legacy_examples[encoding.key] = (number, self.headers[column.key], raw, cells[index])
        return cells


def _erase_refused() -> str:
    return _(
        "this column identifies the row and cannot be erased; '%(marker)s' erases a value only in the other columns"
    ) % {"marker": CLEAR_MARKER}


def _messages(exc: ValidationError) -> Iterable[str]:
    if hasattr(exc, "message_dict"):
        for messages in exc.message_dict.values():
            yield from messages
    else:
        yield from exc.messages
