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


@dataclass
class UnitColumn:
    """A column of the unit lists: its label and the text per unit id (missing ids print "—")."""

    label: str
    values: dict[int, str]


UnitColumnProvider = Callable[..., "UnitColumn | None"]  # (units=, user=) -> column or None
_unit_columns: list[UnitColumnProvider] = []


def register_unit_column(provider: UnitColumnProvider) -> None:
    if provider not in _unit_columns:
        _unit_columns.append(provider)


def unit_columns(*, units, user) -> list[UnitColumn]:
    """The extra columns for a page of ``units`` (providers should cost one query per page)."""
    columns = (provider(units=units, user=user) for provider in _unit_columns)
    return [column for column in columns if column is not None]
