"""Extension points that let apps built on the platform add to its screens without ``portal``
importing them (the layer rule): they register from their ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class UnitPanel:
    """A block on the unit page: a title, lines of facts and an optional link."""

    title: str
    facts: list[tuple[str, str]]
    link_url: str = ""
    link_label: str = ""


UnitPanelProvider = Callable[..., "UnitPanel | None"]  # (unit=, user=) -> panel or None
_unit_panels: list[UnitPanelProvider] = []


def register_unit_panel(provider: UnitPanelProvider) -> None:
    if provider not in _unit_panels:
        _unit_panels.append(provider)


def unit_panels(*, unit, user) -> list[UnitPanel]:
    """The panels the registered providers give for ``unit`` as ``user`` sees it."""
    panels = (provider(unit=unit, user=user) for provider in _unit_panels)
    return [panel for panel in panels if panel is not None]


ExportValue = int | float | str | None


@dataclass
class UnitExportColumn:
    """A column of the unit lists' xlsx export: its header and a typed cell per unit id
    (numbers stay numbers in the workbook; missing ids get ``default``, None: an empty cell)."""

    label: str
    values: dict[int, ExportValue]
    default: ExportValue = None


@dataclass
class UnitColumn:
    """A column of the unit lists: its label and the text per unit id (missing ids print "—").

    ``export``: the columns the xlsx export carries in its place, e.g. a count and a percentage
    as numbers where the screen shows "12 · 80%"; None exports the screen text under ``label``."""

    label: str
    values: dict[int, str]
    export: list[UnitExportColumn] | None = None

    def export_columns(self) -> list[UnitExportColumn]:
        if self.export is not None:
            return self.export
        return [UnitExportColumn(label=self.label, values=dict(self.values))]


UnitColumnProvider = Callable[..., "UnitColumn | None"]  # (units=, user=) -> column or None
_unit_columns: list[UnitColumnProvider] = []


def register_unit_column(provider: UnitColumnProvider) -> None:
    if provider not in _unit_columns:
        _unit_columns.append(provider)


def unit_columns(*, units, user) -> list[UnitColumn]:
    """The extra columns for a page of ``units`` (providers should cost one query per page)."""
    columns = (provider(units=units, user=user) for provider in _unit_columns)
    return [column for column in columns if column is not None]


def unit_export_columns(*, units, user) -> list[UnitExportColumn]:
    """The extra export columns for a chunk of ``units``, providers in order. Which columns a
    provider gives may depend on ``user`` only, never on the units: the export takes its headers
    from the first chunk (an empty one if nothing is exported) and lines up the later chunks."""
    return [export for column in unit_columns(units=units, user=user) for export in column.export_columns()]
