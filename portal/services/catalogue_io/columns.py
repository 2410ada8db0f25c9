"""The columns of a catalogue workbook: one spec shared by the export and the import.

Fixed columns for the entry fields, then one column per attribute of the kind's schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.models import CatalogueKind

SHEET_NAME = "Danh mục"


@dataclass(frozen=True)
class Column:
    key: str  # entry field or "attr:<key>"
    header: str
    kind: str = "text"  # text, date, integer, boolean, attribute
    spec: dict | None = None


def catalogue_columns(kind: CatalogueKind) -> list[Column]:
    """The workbook columns for a kind: the spec shared by export and import."""
    columns = [
        Column("code", _("Code")),
        Column("code_system", _("Code system")),
        Column("label", _("Label")),
        Column("label_en", _("English label")),
        Column("parent", _("Parent code")),
        Column("valid_from", _("Valid from"), "date"),
        Column("valid_to", _("Valid until (exclusive)"), "date"),
        Column("order", _("Order"), "integer"),
        Column("active", _("In use"), "boolean"),
        Column("verification", _("Verification")),
    ]
    for spec in kind.attribute_schema or []:
        columns.append(Column(f"attr:{spec['key']}", f"{spec['label']} [{spec['key']}]", "attribute", spec))
    return columns
