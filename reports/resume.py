"""The résumé (sơ yếu lý lịch) of a dossier as the TT 06/2023 template prints it (domain.md §1.2–1.3).

``resume_context`` turns a dossier's content (the live rows' or any version's:
``records.services.content``) into everything the template prints, in the template's
order: the header lines, the photo box, items 1–38 with the tables 32.1–37.2, and the
signature block. The HTML page and the PDF (``reports.resume_pdf``) both render this
one structure, so they always print the same data. The form itself (wording, items,
columns) is data in ``reports.resume_template`` (built of ``reports.resume_blocks``).

Decisions:
- the résumé is a Vietnamese legal document: its labels are the template's Vietnamese
  wording whatever the reader's interface language, and values are formatted the
  Vietnamese way (dd/mm/yyyy, mm/yyyy, "3,33", "2.340.000") whatever the locale;
- catalogue codes print as their labels, retired entries included, so an old version
  still prints what it meant; a code no catalogue knows prints as itself;
- every item is present even when empty: an empty value is ``""`` (a dotted leader on
  paper), an empty table has no rows (one blank row on paper).

Shape of the result (plain dicts and lists, ready for templates): ``header``
``[{"label", "value"}]``; ``items`` one dict per item ``{"number", "title", "kind",
"heading", ...}`` with ``kind`` ``fields`` (``lines``: lists of ``{"label", "value",
"suffix", "sep"}``), ``text`` (``value``), ``table`` (``columns`` ``[{"label", "cls"}]``,
``rows`` lists of strings) or ``group`` (``parts``: sub-items of those shapes);
``signature`` ``{"declarant": ..., "head": ...}``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from portal.models import Unit
from portal.selectors import catalogue_entries
from portal.text import nfc
from records.models import Dossier, DossierVersion
from records.sections.registry import SECTION_BY_KEY, SECTIONS
from records.sections.spec import CODE, DATE, DECIMAL, MONTH
from reports import resume_blocks as blocks
from reports import resume_template as form
from reports.formatting import date_vi, decimal_vi, money_vi, month_vi, percent_vi, place_date_vi

# Integer and decimal fields whose kind alone does not say how they print.
MONEY = frozenset({"job_salary_amount", "income_salary", "job_position_amount", "amount"})
PERCENT = frozenset(
    {"salary_percent", "seniority_excess_percent", "job_salary_percent", "job_seniority_excess_percent", "percent"}
)
# The sections the résumé prints (not the header's personnel category, not NĐ 111 contracts).
PRINTED_SECTIONS = tuple(section for section in SECTIONS if section.key not in ("header", "contracts"))


def catalogue_labels(content: dict) -> dict[str, dict[str, str]]:
    """{kind: {code: label}} for every code ``content`` uses: one query per catalogue kind in use.

    Retired entries are read too (an old version's code still prints its label). When a code
    has several entries (periods), an entry in use wins over a retired one, then the latest."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for section in PRINTED_SECTIONS:
        value = content.get(section.key)
        rows = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for spec in section.fields:
            if spec.kind == CODE:
                wanted[spec.catalogue].update(
                    str(row[spec.name])
                    for row in rows
                    if isinstance(row, dict) and row.get(spec.name) not in (None, "")
                )
    labels: dict[str, dict[str, str]] = {}
    for kind, codes in sorted(wanted.items()):
        if not codes:
            continue
        entries = catalogue_entries(kind=kind, include_retired=True).filter(code__in=sorted(codes))
        ranked = sorted(entries, key=lambda entry: (entry.active, entry.valid_from or datetime.date.min))
        labels[kind] = {entry.code: entry.label for entry in ranked}  # the best entry comes last and wins
    return labels


def managing_agency(unit: Unit) -> Unit:
    """The agency that manages the staff of ``unit``: its ancestor just below the province root
    (a department, a commune…), the unit itself at that level, or the province for the root."""
    if unit.depth <= 2:
        return unit
    return Unit.objects.only("name", "path", "depth").get(path=unit.path[: 2 * Unit.steplen])


def version_unit(*, dossier: Dossier, version: DossierVersion) -> Unit:
    """The unit ``version`` of ``dossier`` was made in (``DossierVersion.unit``), which its
    résumé prints; the dossier's current unit when the version records none. No query when
    the two are the same unit (the dossier's unit is already loaded)."""
    if version.unit_id is None or version.unit_id == dossier.unit_id:
        return dossier.unit
    return version.unit


def _birth_part(value, how: str) -> str:
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return ""
    return {blocks.DAY: f"{day:%d}", blocks.MONTH: f"{day:%m}", blocks.YEAR: f"{day:%Y}"}[how]


class _Printer:
    """Formats the values of one content; knows the catalogue labels it needs."""

    def __init__(self, dossier: Dossier, content: dict):
        self.dossier = dossier
        self.content = content
        self.labels = catalogue_labels(content)

    def single(self, key: str) -> dict:
        value = self.content.get(key)
        return value if isinstance(value, dict) else {}

    def rows(self, key: str) -> list[dict]:
        value = self.content.get(key)
        return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []

    def value(self, section_key: str, name: str, raw, how: str = "") -> str:
        """One field's value as the form prints it ('' when empty)."""
        if raw is None or raw == "":
            return ""
        spec = SECTION_BY_KEY[section_key].field(name)
        if how == blocks.CODE_ITSELF:
            return nfc(str(raw))
        if how in (blocks.DAY, blocks.MONTH, blocks.YEAR):
            return _birth_part(raw, how)
        if how == blocks.AS_MONTH or spec.kind == MONTH:
            return month_vi(raw)
        if spec.kind == CODE:
            return self.labels.get(spec.catalogue, {}).get(str(raw), str(raw))
        if name in MONEY:
            return money_vi(raw)
        if name in PERCENT:
            return percent_vi(raw)
        if spec.kind == DATE:
            return date_vi(raw)
        if spec.kind == DECIMAL:
            return decimal_vi(raw, places=2)  # coefficients: 3,00
        text = nfc(str(raw))
        return text.upper() if how == blocks.UPPER else text

    def joined(self, section_key: str, values: dict, fields: tuple[str, ...], how: str = "") -> str:
        texts = (self.value(section_key, name, values.get(name), how) for name in fields)
        return ", ".join(text for text in texts if text)

    def render(self, item) -> dict:
        if isinstance(item, blocks.Lines):
            lines = [[self.render_value(value) for value in line] for line in item.lines]
            return {"number": item.number, "title": item.title, "kind": "fields", "heading": False, "lines": lines}
        if isinstance(item, blocks.Rows):
            return {
                "number": item.number,
                "title": item.title,
                "kind": "table",
                "heading": item.heading,
                "columns": [{"label": column.label, "cls": column.cls} for column in item.columns],
                "rows": [
                    [self.joined(item.section, row, column.fields, column.how) for column in item.columns]
                    for row in self.rows(item.section)
                ],
            }
        if isinstance(item, blocks.Text):
            value = self.value(item.section, item.field, self.single(item.section).get(item.field))
            return {"number": item.number, "title": item.title, "kind": "text", "heading": item.heading, "value": value}
        return {
            "number": item.number,
            "title": item.title,
            "kind": "group",
            "heading": item.heading,
            "parts": [self.render(part) for part in item.parts],
        }

    def render_value(self, value: blocks.Value) -> dict:
        if value.how == blocks.PERSONAL_ID:
            text = self.dossier.personal_id
        else:
            text = self.joined(value.section, self.single(value.section), value.fields, value.how)
        return {"label": value.label, "value": text, "suffix": value.suffix if text else "", "sep": value.sep}


def resume_context(
    *,
    dossier: Dossier,
    content: dict,
    version: int | None = None,
    unit: Unit | None = None,
    place: str = "",
    on: datetime.date | None = None,
) -> dict:
    """Everything the TT 06/2023 résumé prints for ``dossier`` with ``content`` (the live
    content or any version's), in the template's order (see the module docstring).

    ``version``: the version number, printed in the PDF's footer when given. ``unit``: the
    unit the header prints with its managing agency, the one the version was made in
    (``version_unit``); the dossier's current unit when not given. ``place`` and ``on``:
    the place and date of the signature lines (dotted leaders when not given).
    Reads the managing agency (one query when the unit lies below a department) and the
    catalogue labels (one query per catalogue kind in use). Checks no permission: the
    caller got the dossier from ``records.selectors.access_dossier`` or ``own_dossier``.
    """
    printer = _Printer(dossier, content or {})
    identity = printer.single("identity")
    full_name = nfc(identity.get("full_name")) or dossier.full_name
    items = [printer.render(item) for item in form.ITEMS]
    unit = unit or dossier.unit
    header_values = (
        managing_agency(unit).name,
        unit.name,
        nfc(printer.single("header").get("staff_number")),
        dossier.personal_id,
    )
    place_date = place_date_vi(place, on)
    signature = {
        side: {
            **wording,
            "lines": list(wording["lines"]),
            "place_date": place_date,
            "name": full_name if side == "declarant" else "",
        }
        for side, wording in form.SIGNATURE.items()
    }
    return {
        "title": form.TITLE,
        "full_name": full_name,
        "personal_id": dossier.personal_id,
        "version": version,
        "header": [
            {"label": label, "value": value} for label, value in zip(form.HEADER_LABELS, header_values, strict=True)
        ],
        "photo": dict(form.PHOTO),
        "items": items,
        # Items 1–5 stand beside the photo box on the form; the rest follow below it.
        "items_beside_photo": items[: form.ITEMS_BESIDE_PHOTO],
        "items_below": items[form.ITEMS_BESIDE_PHOTO :],
        "signature": signature,
        "dots": form.DOTS,
    }
