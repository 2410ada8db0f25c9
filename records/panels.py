"""The records block on the unit page (``portal.extensions.register_unit_panel``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.extensions import UnitColumn, UnitPanel
from records.selectors import unit_dossier_summary, units_dossier_summary


def unit_dossiers_panel(*, unit, user) -> UnitPanel | None:
    summary = unit_dossier_summary(user=user, unit=unit)
    if summary is None:
        return None
    average = summary["completeness"]
    return UnitPanel(
        title=_("Personnel dossiers"),
        facts=[
            (_("Working people (with sub-units)"), f"{summary['count']:,}".replace(",", ".")),
            (_("Average completeness"), f"{round(average)}%" if average is not None else "—"),
        ],
        link_url=f"{reverse('records_dossiers:index')}?{urlencode({'unit': unit.pk})}",
        link_label=_("Open the dossier list of this unit"),
    )


def unit_dossier_columns(*, units, user) -> UnitColumn | None:
    """People and average completeness of each listed unit's subtree, as one column."""
    summary = units_dossier_summary(user=user, units=units)
    if summary is None:
        return None
    values = {
        unit.pk: (
            f"{summary[unit.pk]['count']} · {round(summary[unit.pk]['completeness'])}%" if unit.pk in summary else "0"
        )
        for unit in units
    }
    return UnitColumn(label=_("People · completeness"), values=values)
