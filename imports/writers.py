"""The error workbook: the rows that failed, as they were uploaded, with their errors.

Horilla's habit, which clerks like: they fix the rows in this workbook and upload it again
(the header is the uploaded one, so the same column mapping applies). Each failed row keeps
its cells as read and gains two columns: its row number in the uploaded sheet and the errors,
one sentence per line. Cells with an error are highlighted and carry the message as a comment.

The SpreadsheetML is written here, streamed into the zip (as the exports' writer does): the
sheet row by row, the comments and their VML shapes into temporary files copied in at the end.
openpyxl's write-only mode took 57 s and 930 MB for 50,000 failed rows of 78 columns: it makes
an object per cell and holds every comment until the workbook is saved.
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
import zipfile
from typing import BinaryIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from imports.exports.xlsx import (
    COMPRESS_LEVEL,
    CONTENT_TYPES,
    EXCEL_EPOCH,
    ILLEGAL_XML,
    ROOT_RELS,
    WORKBOOK_RELS,
    inline_cell,
    workbook_xml,
)
from imports.readers import Table
from imports.services.results import RowResult

# The fill of a cell in error and of the header (RGB).
ERROR_FILL = "FFC7CE"
HEADER_FILL = "DDEBF7"
MESSAGE_COLOR = "9C0006"
AUTHOR = "Hồ sơ CBCCVC"
# Styles (cellXfs): 0 default, 1 header, 2 date, 3 text, 4–6 the same in error, 7 the errors column.
HEADER, DATE, TEXT, ERROR_GENERAL, ERROR_DATE, ERROR_TEXT, MESSAGE = 1, 2, 3, 4, 5, 6, 7
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    f'<font><sz val="11"/><color rgb="FF{MESSAGE_COLOR}"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{HEADER_FILL}"/><bgColor indexed="64"/></patternFill>'
    f'</fill><fill><patternFill patternType="solid"><fgColor rgb="FF{ERROR_FILL}"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_COMMENT_TYPES = CONTENT_TYPES.replace(
    "</Types>",
    '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
    '<Override PartName="/xl/comments1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>',
)
_SHEET_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
    'Target="../comments1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" '
    'Target="../drawings/vmlDrawing1.vml"/></Relationships>'
)
_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
# A comment's box, hidden until the cell is pointed at (Excel shows the red corner).
_VML_SHAPE = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
    'margin-top:1.5pt;width:216pt;height:80pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:Anchor>{left}, 15, {top}, 2, {right}, 15, {bottom}, 16</x:Anchor><x:AutoFill>False</x:AutoFill>"
    "<x:Row>{row}</x:Row><x:Column>{column}</x:Column></x:ClientData></v:shape>"
)
# VML shape ids come in blocks of 1,024 that the drawing declares; the first block is 1.
_FIRST_SHAPE = 1025
_CHUNK_ROWS = 500


def error_workbook_write(*, table: Table, results: list[RowResult], out: BinaryIO) -> None:
    """Write to ``out`` an xlsx of the rows of ``table`` named in ``results`` (failed rows), in sheet
    order. Memory holds one batch of rows: the comments go through temporary files."""
    by_row = {result.row: result for result in results}
    # A csv's sheet is named after the file, whose name may hold what a sheet title may not.
    title = re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_XML.sub("", table.name))[:31].strip("' ") or _("Errors")
    with (
        zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive,
        tempfile.TemporaryFile() as comments,
        tempfile.TemporaryFile() as shapes,
    ):
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(title))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        sheet = _ErrorSheet(list(table.header), comments=comments, shapes=shapes)
        with archive.open("xl/worksheets/sheet1.xml", mode="w") as member:
            member.write(sheet.start())
            for number, cells in table.rows():
                result = by_row.get(number)
                if result is not None:
                    sheet.add(number, cells, result)
                    if len(sheet.pending) >= _CHUNK_ROWS:
                        member.write(sheet.take())
            member.write(sheet.take() + sheet.end())
        # The parts listed last (as openpyxl does): the comments only when a cell has one.
        archive.writestr("[Content_Types].xml", _COMMENT_TYPES if sheet.count else CONTENT_TYPES)
        if sheet.count:
            archive.writestr("xl/worksheets/_rels/sheet1.xml.rels", _SHEET_RELS)
            last_block = (_FIRST_SHAPE + sheet.count - 1) // 1024
            _copy_part(archive, "xl/comments1.xml", _COMMENTS_HEAD, comments, b"</commentList></comments>")
            _copy_part(
                archive,
                "xl/drawings/vmlDrawing1.vml",
                _VML_HEAD.format(blocks=",".join(str(block) for block in range(1, last_block + 1))),
                shapes,
                b"</xml>",
            )


_COMMENTS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f"<authors><author>{escape(AUTHOR)}</author></authors><commentList>"
)


def _copy_part(archive: zipfile.ZipFile, name: str, head: str, body, tail: bytes) -> None:
    with archive.open(name, mode="w") as member:
        member.write(head.encode())
        body.seek(0)
        shutil.copyfileobj(body, member)
        member.write(tail)


class _ErrorSheet:
    """The sheet's XML, a batch of rows at a time (``take``); each cell in error gets a comment and
    its VML box, written to the ``comments`` and ``shapes`` files as the rows are taken."""

    def __init__(self, header: list[str], *, comments, shapes):
        self.width = len(header)
        self.titles = [*header, _("Row in the uploaded file"), _("Errors")]
        self.refs = [get_column_letter(index + 1) for index in range(self.width + 2)]
        self.column_of = {text: index for index, text in enumerate(header) if text}
        self.comments, self.shapes = comments, shapes
        self.line = 1  # the sheet's last row written
        self.count = 0  # comments
        self.pending: list[str] = []
        self.notes: list[str] = []
        self.boxes: list[str] = []

    def start(self) -> bytes:
        cols = "".join(
            f'<col min="{index}" max="{index}" width="{_width(text, last=index == self.width + 2)}" customWidth="1"/>'
            for index, text in enumerate(self.titles, start=1)
        )
        titles = "".join(
            inline_cell(f"{ref}1", str(text), f' s="{HEADER}"')
            for ref, text in zip(self.refs, self.titles, strict=True)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{titles}</row>'
        ).encode()

    def add(self, number: int, cells: list, result: RowResult) -> None:
        """The uploaded row ``number`` with its errors: its cells as read, the number, the messages."""
        self.line += 1
        line, refs, width = self.line, self.refs, self.width
        errors_by_column: dict[int, list[str]] = {}
        for column, message in result.errors:
            if column in self.column_of:
                errors_by_column.setdefault(self.column_of[column], []).append(message)
        row = [
            _cell(f"{ref}{line}", value, index in errors_by_column)
            for index, (ref, value) in enumerate(zip(refs, _padded(cells, width), strict=False))
        ]
        row.append(f'<c r="{refs[width]}{line}"><v>{number}</v></c>')
        message = "\n".join(text for _column, text in result.errors)
        row.append(inline_cell(f"{refs[width + 1]}{line}", message, f' s="{MESSAGE}"'))
        self.pending.append(f'<row r="{line}">{"".join(row)}</row>')
        for index, messages in sorted(errors_by_column.items()):
            self.notes.append(
                f'<comment ref="{refs[index]}{line}" authorId="0"><text><t xml:space="preserve">'
                f"{_escaped(chr(10).join(messages))}</t></text></comment>"
            )
            self.boxes.append(
                _VML_SHAPE.format(
                    id=_FIRST_SHAPE + self.count,
                    row=line - 1,
                    column=index,
                    left=index + 1,
                    top=max(line - 2, 0),
                    right=index + 4,
                    bottom=line + 3,
                )
            )
            self.count += 1

    def take(self) -> bytes:
        """The rows added since the last call (their comments and boxes to their files)."""
        rows = "".join(self.pending).encode()
        self.comments.write("".join(self.notes).encode())
        self.shapes.write("".join(self.boxes).encode())
        self.pending.clear()
        self.notes.clear()
        self.boxes.clear()
        return rows

    def end(self) -> bytes:
        return ("</sheetData>" + ('<legacyDrawing r:id="rId2"/>' if self.count else "") + "</worksheet>").encode()


def _padded(cells: list, width: int) -> list:
    """The row's first ``width`` cells, missing ones None."""
    row = list(cells[:width])
    row.extend([None] * (width - len(row)))
    return row


_TEXT_STYLE = {False: f' s="{TEXT}"', True: f' s="{ERROR_TEXT}"'}


def _cell(ref: str, value, error: bool) -> str:
    """One cell as uploaded: text stays text (formatted as Text, so an id keeps its zeros when the
    clerk saves again; text that looks like a formula stays text), dates shown dd/mm/yyyy."""
    if type(value) is str:  # most cells (``inline_cell`` drops the characters XML cannot carry)
        return inline_cell(ref, value, _TEXT_STYLE[error])
    if value is None:
        return f'<c r="{ref}" s="{ERROR_GENERAL}"/>' if error else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{_style(ERROR_GENERAL, error)} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value - datetime.datetime.combine(EXCEL_EPOCH, datetime.time())).total_seconds() / 86400
        return f'<c r="{ref}" s="{ERROR_DATE if error else DATE}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{ERROR_DATE if error else DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{_style(ERROR_GENERAL, error)}><v>{value!r}</v></c>'
    return inline_cell(ref, str(value), _TEXT_STYLE[error])  # times, and anything else, as text


def _style(style: int, error: bool) -> str:
    return f' s="{style}"' if error else ""


def _escaped(text: str) -> str:
    """Comment text: without the characters XML cannot carry (control characters of a csv)."""
    return escape(ILLEGAL_XML.sub("", text)).replace("\r", "&#13;")


def _width(text, *, last: bool) -> int:
    return 60 if last else max(10, min(40, len(str(text or "")) + 2))
