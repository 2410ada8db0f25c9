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
