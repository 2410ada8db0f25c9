"""What an import run gives back: one ``RowResult`` per non-empty row (new / update / unchanged /
error, the errors per cell, the fields an update changes) and the run's summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imports.choices import RowOutcome


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
    # Cells typed in an old encoding and read as Unicode, by the encoding's key (``portal.legacy_text``):
    # how many, and the first one (row, column, as typed, converted).
    legacy_cells: dict[str, int] = field(default_factory=dict)
    legacy_examples: dict[str, tuple[int, str, str, str]] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    def counts(self) -> Counter:
        """{outcome: rows} in one pass over the results."""
        return Counter(result.outcome for result in self.results)

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
class ParsedRow:
    """A row as read: its result so far, the raw personal id and the converted values."""

    result: RowResult
    raw_id: object
    values: dict  # column key -> converted value
    unit_code: str = ""
    cleared: bool = False  # a cell holds the erase marker (``imports.cells.CLEAR``)
