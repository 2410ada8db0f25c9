"""What the sheets of the template share: number formats, styles and the key of a column's list."""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill

from imports.specs import CODE, ColumnSpec

TEXT_FORMAT = "@"
DATE_FORMAT = "DD/MM/YYYY"

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")


def list_key(column: ColumnSpec) -> str:
    """Columns sharing a catalogue share its list; a choice column has a list of its own."""
    return f"catalogue:{column.catalogue}" if column.kind == CODE else f"choice:{column.key}"
