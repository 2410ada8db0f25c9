"""The people of units, for the unit services (merge moves them, dissolve refuses while any remain)."""

from __future__ import annotations

import datetime

from records.choices import DossierStatus
from records.models import Dossier


class DossierMembers:
    """``portal.services.units.common.UnitMemberHandler`` for dossiers of working people."""

    def count_members(self, unit_ids: list[int]) -> int:
        return Dossier.objects.filter(unit_id__in=unit_ids, status=DossierStatus.WORKING).count()

    def move_members(self, *, source, target, effective_on: datetime.date, actor) -> int:
        # Every dossier of the merged unit follows it, closed ones included: their history
        # then points at the successor (the source unit row keeps its own history).
        return Dossier.objects.filter(unit=source).update(unit=target)

    def __eq__(self, other) -> bool:
        return isinstance(other, DossierMembers)

    def __hash__(self) -> int:
        return hash(DossierMembers)
