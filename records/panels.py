"""The records block on the unit page (``portal.extensions.register_unit_panel``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.extensions import UnitColumn, UnitExportColumn, UnitPanel
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
    """People and average completeness of each listed unit's subtree: one column on screen, two
    numeric columns in the export (the people as an integer, the mean completeness in percent, blank
    without dossiers). None when ``user`` reads no dossier (``units_dossier_summary``)."""
    summary = units_dossier_summary(user=user, units=units)
    if summary is None:
        return None
    values = {
        unit.pk: (
            f"{summary[unit.pk]['count']} · {round(summary[unit.pk]['completeness'])}%" if unit.pk in summary else "0"
        )
        for unit in units
    }
    people = {unit.pk: summary[unit.pk]["count"] if unit.pk in summary else 0 for unit in units}
    completeness = {
        unit.pk: round(float(summary[unit.pk]["completeness"]), 1)
        for unit in units
        if unit.pk in summary and summary[unit.pk]["completeness"] is not None
    }
    return UnitColumn(
        label=_("People · completeness"),
        values=values,
        export=[
            UnitExportColumn(label=_("Working people (including sub-units)"), values=people, default=0),
            UnitExportColumn(label=_("Average dossier completeness (%)"), values=completeness),
        ],
    )
