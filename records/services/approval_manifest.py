"""The manifest of an approval act as a PDF: what the approver's signature covers.

A4, Vietnamese (Noto Serif embedded, ``portal.pdf_fonts``): the approving unit, the month,
the approver and in what capacity (own right or delegation, and an out-of-window override
when there is one), then one row per dossier: personal id, name, unit, the version
approved and the SHA-256 of that version's canonical content. The table is drawn with
plain cells (no per-cell paragraphs), so a 2,000-dossier manifest renders in about a second.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from portal.pdf_fonts import register_fonts
from portal.services.common import format_date

MARGINS = {"leftMargin": 15 * mm, "rightMargin": 12 * mm, "topMargin": 15 * mm, "bottomMargin": 15 * mm}
COLUMNS = [10 * mm, 26 * mm, 46 * mm, 11 * mm, 90 * mm]


def _page_footer(text: str, font: str):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGINS["leftMargin"], 8 * mm, text)
        canvas.drawRightString(A4[0] - MARGINS["rightMargin"], 8 * mm, f"Trang {document.page}")
        canvas.restoreState()

    return draw


def manifest_pdf(*, act, rows: list[tuple[str, str, int, str]]) -> bytes:
    """The manifest of ``act`` for ``rows`` (personal id, full name, version number, SHA-256).

    Deterministic for the same act and rows (no creation date beyond the act's own), so the
    manifest can be rebuilt and compared when an act is verified.
    """
    fonts = register_fonts()
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10.5, leading=14)
    title = ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=14, leading=18, alignment=TA_CENTER)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    period = f"{act.period:%m/%Y}"
    story: list = [
        Paragraph(escape(act.unit.name.upper()), center),
        Spacer(1, 4 * mm),
        Paragraph("DANH SÁCH HỒ SƠ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG ĐƯỢC PHÊ DUYỆT", title),
        Paragraph(f"Kỳ phê duyệt: tháng {period}", center),
        Spacer(1, 5 * mm),
        Paragraph(f"Văn bản phê duyệt số: {act.pk}, lập ngày {format_date(act.created_at.date())}", base),
        Paragraph(
            f"Người phê duyệt: {escape(act.approver_name)}"
            + (f", {escape(act.approver_title)}" if act.approver_title else ""),
            base,
        ),
    ]
    if act.delegation_id:
        delegation = act.delegation
        story.append(
            Paragraph(
                "Phê duyệt theo ủy quyền của "
                f"{escape(delegation.delegator.get_full_name() or delegation.delegator.get_username())}"
                + (f" (văn bản số {escape(delegation.decision_number)})" if delegation.decision_number else "")
                + f", từ {format_date(delegation.starts_on)} đến {format_date(delegation.ends_on)}.",
                base,
            )
        )
    if act.override_id:
        override = act.override
        story.append(
            Paragraph(
                f"Phê duyệt ngoài thời hạn theo cho phép của Sở Nội vụ: {escape(override.reason)} "
                f"(từ {format_date(override.starts_on)} đến {format_date(override.ends_on)}).",
                base,
            )
        )
    story += [
        Paragraph(
            f"Số hồ sơ: {len(rows)}. Mỗi dòng ghi phiên bản hồ sơ được phê duyệt và mã băm SHA-256 của nội dung "
            "phiên bản đó; chữ ký số trên văn bản này xác nhận đúng các phiên bản được liệt kê.",
            base,
        ),
        Spacer(1, 4 * mm),
    ]
    data = [["STT", "Số định danh", "Họ và tên", "P.bản", "SHA-256 của nội dung phiên bản"]]
    data += [[str(i), pid, name, str(number), digest] for i, (pid, name, number, digest) in enumerate(rows, 1)]
    table = LongTable(data, colWidths=COLUMNS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.bold, 8),
                ("FONT", (0, 1), (3, -1), fonts.regular, 8),
                ("FONT", (4, 1), (4, -1), "Courier", 6.6),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story += [table, Spacer(1, 8 * mm)]
    story.append(
        Paragraph(
            (escape(act.approver_title).upper() + "<br/>" if act.approver_title else "")
            + "(Ký số)<br/><br/>"
            + escape(act.approver_name),
            ParagraphStyle("sign", parent=base, alignment=TA_CENTER, leftIndent=90 * mm),
        )
    )
    buffer = io.BytesIO()
    footer = f"Phê duyệt dữ liệu hồ sơ CBCCVC · {act.unit.name} · tháng {period} · văn bản số {act.pk}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Phê duyệt dữ liệu hồ sơ tháng {period} – {act.unit.name}",
        author=act.approver_name,
        subject="Danh sách phiên bản hồ sơ được phê duyệt",
        creator="Hồ sơ CBCCVC",
        lang="vi-VN",
        invariant=1,
        **MARGINS,
    )
    draw = _page_footer(footer, fonts.regular)
    document.build(story, onFirstPage=draw, onLaterPages=draw)
    return buffer.getvalue()
