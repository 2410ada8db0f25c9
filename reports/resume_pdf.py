"""The résumé as a PDF: A4, the TT 06/2023 layout, Vietnamese font embedded.

Built with reportlab's platypus from ``reports.resume.resume_context``, the same
structure the HTML page renders, so both always print the same data. Layout: the
header lines, the 4×6 cm photo box beside the title "SƠ YẾU LÝ LỊCH" and items 1–5,
the numbered items, bordered tables whose header row repeats on each page, the
signature block; a footer with the identifier, the version and "Trang x/y".
Pure Python: no system library, no browser (``portal.pdf_fonts`` for the font).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.models import Unit
from portal.pdf_fonts import register_fonts
from records.models import Dossier
from reports.resume import resume_context

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGINS = {"leftMargin": 25 * mm, "rightMargin": 15 * mm, "topMargin": 15 * mm, "bottomMargin": 18 * mm}
FRAME_WIDTH = PAGE_WIDTH - MARGINS["leftMargin"] - MARGINS["rightMargin"]
COLUMN_WIDTHS = {"period": 21 * mm, "narrow": 16 * mm, "number": 22 * mm}
GRID = 0.5


def _styles(fonts) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=11, leading=14.5, alignment=TA_LEFT)
    return {
        "body": base,
        "header": ParagraphStyle("header", parent=base, fontSize=10.5, leading=13.5),
        "title": ParagraphStyle(
            "title", parent=base, fontName=fonts.bold, fontSize=16, leading=20, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=fonts.bold,
            alignment=TA_CENTER,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, spaceBefore=4, spaceAfter=2, keepWithNext=1),
        "lead": ParagraphStyle("lead", parent=base, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=11.5),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName=fonts.bold, fontSize=8.5, leading=10.5, alignment=TA_CENTER
        ),
        "photo": ParagraphStyle("photo", parent=base, fontSize=10, leading=13, alignment=TA_CENTER),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=base, fontName=fonts.bold, alignment=TA_CENTER),
        "center_italic": ParagraphStyle("center_italic", parent=base, fontName=fonts.italic, alignment=TA_CENTER),
    }


def _table_style(font: str, *commands) -> TableStyle:
    """A table style in ``font``: reportlab sets every cell's font, Helvetica unless told, and
    would reference that unembedded font in the PDF even when the cells hold only paragraphs."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands])


def _text(value: str) -> str:
    """Text for a Paragraph: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _field_markup(field: dict, dots: str) -> str:
    value = _text(field["value"] + field["suffix"]) if field["value"] else dots
    return f"{_text(field['label'])}{_text(field['sep'])}{value}"


def _fields_flowables(item: dict, styles, dots: str) -> list:
    """An item of labelled values: "N) label: value   label: value" per line; an item with a
    title (37.3) prints it first and its lines as a dashed list, as the form does."""
    number = f"<b>{item['number']})</b> "
    flowables = []
    if item.get("title"):
        flowables.append(Paragraph(f"{number}{_text(item['title'])}:", styles["lead"]))
    for index, line in enumerate(item["lines"]):
        prefix = "- " if item.get("title") else (number if index == 0 else "")
        fields = "&nbsp;&nbsp;&nbsp; ".join(_field_markup(field, dots) for field in line)
        flowables.append(Paragraph(prefix + fields, styles["body"]))
    return flowables


def _column_widths(columns: list[dict]) -> list[float]:
    fixed = sum(COLUMN_WIDTHS.get(column["cls"], 0) for column in columns)
    weights = [2 if column["cls"] == "wide" else 1 for column in columns if column["cls"] not in COLUMN_WIDTHS]
    unit = (FRAME_WIDTH - fixed) / (sum(weights) or 1)
    widths = []
    for column in columns:
        if column["cls"] in COLUMN_WIDTHS:
            widths.append(COLUMN_WIDTHS[column["cls"]])
        else:
            widths.append(unit * (2 if column["cls"] == "wide" else 1))
    return widths


def _table(item: dict, styles) -> Table:
    head = [Paragraph(_text(column["label"]), styles["cell_head"]) for column in item["columns"]]
    rows = [[Paragraph(_text(cell), styles["cell"]) for cell in row] for row in item["rows"]]
    # An empty table keeps one blank row to fill by hand, as on the printed form.
    heights = None if rows else [None, 7 * mm]
    rows = rows or [["" for _column in item["columns"]]]
    table = Table([head, *rows], colWidths=_column_widths(item["columns"]), rowHeights=heights, repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), GRID, colors.black),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(_table_style(styles["cell"].fontName, *commands))
    return table


def _part_flowables(part: dict, styles, dots: str) -> list:
    kind = part["kind"]
    if kind == "fields":
        return _fields_flowables(part, styles, dots)
    if kind == "table":
        if part.get("heading"):
            title = Paragraph(f"{part['number']}) {_text(part['title'])}", styles["heading"])
        else:
            title = Paragraph(f"<b>{part['number']}-</b> {_text(part['title'])}", styles["subtitle"])
        # No KeepTogether here: the title's keepWithNext binds it to the table (and a group's
        # heading to both); reportlab does not chain keepWithNext through a KeepTogether.
        return [title, _table(part, styles), Spacer(1, 3)]
    if kind == "text":
        value = _text(part["value"]) if part["value"] else dots * 6
        if part.get("heading"):
            return [
                Paragraph(f"{part['number']}) {_text(part['title'])}", styles["heading"]),
                Paragraph(value, styles["body"]),
            ]
        return [Paragraph(f"<b>{part['number']}-</b> {_text(part['title'])}: {value}", styles["subtitle"])]
    # a group: its heading, then its parts
    if part.get("heading"):
        heading = Paragraph(f"{part['number']}) {_text(part['title'])}", styles["heading"])
    else:
        heading = Paragraph(f"<b>{part['number']}) {_text(part['title'])}</b>", styles["lead"])
    flowables = [heading]
    for child in part["parts"]:
        flowables.extend(_part_flowables(child, styles, dots))
    return flowables


def _signature(signature: dict, styles) -> Table:
    def block(side: dict) -> list:
        flowables = [
            Paragraph(_text(side["place_date"]), styles["center_italic"]),
            Paragraph(_text(side["title"]), styles["center_bold"]),
        ]
        flowables += [Paragraph(_text(line), styles["center"]) for line in side["lines"]]
        flowables += [Paragraph(_text(side["hint"]), styles["center_italic"]), Spacer(1, 24 * mm)]
        if side["name"]:
            flowables.append(Paragraph(_text(side["name"]), styles["center_bold"]))
        return flowables

    table = Table(
        [[block(signature["declarant"]), block(signature["head"])]], colWidths=[FRAME_WIDTH / 2, FRAME_WIDTH / 2]
    )
    table.setStyle(_table_style(styles["body"].fontName, ("VALIGN", (0, 0), (-1, -1), "TOP")))
    return table


def _numbered_canvas(footer: str, font: str):
    """A canvas class that writes "footer · Trang x/y" at the bottom of every page once the
    number of pages is known (platypus lays pages out one by one)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(MARGINS["leftMargin"], 10 * mm, footer)
                self.drawRightString(PAGE_WIDTH - MARGINS["rightMargin"], 10 * mm, f"Trang {number}/{total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def resume_pdf_from_context(context: dict) -> bytes:
    """The PDF of a ``resume_context`` result."""
    fonts = register_fonts()
    styles = _styles(fonts)
    dots = context["dots"]
    story: list = [
        Paragraph(f"{_text(line['label'])}: {_text(line['value']) or dots}", styles["header"])
        for line in context["header"]
    ]
    story.append(Spacer(1, 4 * mm))

    photo = Table(
        [[Paragraph(f"{_text(context['photo']['label'])}<br/>{_text(context['photo']['size'])}", styles["photo"])]],
        colWidths=[40 * mm],
        rowHeights=[60 * mm],
    )
    photo.setStyle(
        _table_style(
            fonts.regular, ("BOX", (0, 0), (-1, -1), GRID, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")
        )
    )
    beside = [Paragraph(_text(context["title"]), styles["title"]), Spacer(1, 3 * mm)]
    for item in context["items_beside_photo"]:
        beside.extend(_fields_flowables(item, styles, dots))
    top = Table([[photo, beside]], colWidths=[45 * mm, FRAME_WIDTH - 45 * mm])
    top.setStyle(
        _table_style(
            fonts.regular,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, 0), 0),
            ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        )
    )
    story += [top, Spacer(1, 3 * mm)]
    for item in context["items_below"]:
        story.extend(_part_flowables(item, styles, dots))
    story += [Spacer(1, 6 * mm), _signature(context["signature"], styles)]

    footer = f"Sơ yếu lý lịch · Mã số định danh: {context['personal_id']}"
    if context.get("version"):
        footer += f" · Phiên bản {context['version']}"
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Sơ yếu lý lịch – {context['full_name']}",
        author="",
        subject="Sơ yếu lý lịch theo Thông tư 06/2023/TT-BNV",
        creator="Hồ sơ CBCCVC",
        lang="vi-VN",
        initialFontName=fonts.regular,
        **MARGINS,
    )
    document.build(story, canvasmaker=_numbered_canvas(footer, fonts.regular))
    return buffer.getvalue()


def resume_pdf(*, dossier: Dossier, content: dict, version: int | None = None, unit: Unit | None = None) -> bytes:
    """The résumé of ``dossier`` with ``content`` (live or any version's) as PDF bytes.

    Same data as the HTML page (``resume_context``, which ``version`` and ``unit`` are passed
    to: the header prints ``unit``, the version's, or the dossier's current unit when not
    given); the font is embedded (Noto Serif subsets with ToUnicode maps). Checks no
    permission: the caller has the dossier from ``records.selectors.access_dossier`` or
    ``own_dossier``."""
    return resume_pdf_from_context(resume_context(dossier=dossier, content=content, version=version, unit=unit))
