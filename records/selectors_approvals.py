"""Reads of the monthly approval: the approver's queue and the acts.

Every read starts from ``portal.scoping.restrict``: an approver sees, among the dossiers
their grants let them read, those with accepted changes awaiting approval whose approval
rule (``portal.selectors_approvals.authority``) names them today, in their own right or by
delegation. (An approver whose rule reaches beyond their own subtree, such as the
director of the Sở Nội vụ for people under the Provincial Party Standing Committee's
management, needs a read grant over those units; approval rules never widen what an
account can read.)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.utils import timezone

from portal import scoping
from portal.selectors_approvals.authority import ApprovalResolver, Approver, approving_units
from records.choices import ApprovalActStatus, ApprovalItemOutcome, VersionStatus
from records.models import ApprovalAct, ApprovalItem, Dossier, DossierVersion
from records.sections.registry import section_title


@dataclass
class QueueEntry:
    """A dossier awaiting the approver: the versions since the live one and what they change."""

    dossier: Dossier
    approver: Approver
    versions: list[DossierVersion] = field(default_factory=list)
    open_act: int | None = None

    @property
    def sections(self) -> list[str]:
        seen: dict[str, None] = {}
        for version in self.versions:
            for key in version.sections:
                seen.setdefault(key)
        return list(seen)

    @property
    def section_titles(self) -> list[str]:
        return [section_title(key) for key in self.sections]

    @property
    def oldest(self) -> datetime.datetime | None:
        return min((v.created_at for v in self.versions), default=None)


def approval_queue(*, user, on: datetime.date | None = None, unit=None) -> list[QueueEntry]:
    """Dossiers ``user`` may approve today, with their pending versions (oldest change first).

    ``unit`` narrows to one approving unit (the user's own or delegated). Queries: the
    candidates, the rules, each unit chain and approver list once, the pending versions,
    the open acts: constant in the number of dossiers except one chain per distinct unit.
    """
    day = on or timezone.localdate()
    units = approving_units(user, on=day)
    if not units:
        return []
    candidates = scoping.restrict(
        user, scoping.VIEW, Dossier.objects.filter(latest_version__gt=F("live_version"))
    ).select_related("unit", "unit__unit_type")
    resolver = ApprovalResolver(on=day)
    entries: dict[int, QueueEntry] = {}
    for dossier in candidates.order_by("name_sort_key", "personal_id"):
        approver = resolver.approver(user, dossier)
        if approver is None or (unit is not None and approver.unit.pk != unit.pk):
            continue
        entries[dossier.pk] = QueueEntry(dossier=dossier, approver=approver)
    if not entries:
        return []
    pending = (
        DossierVersion.objects.filter(dossier_id__in=list(entries), status=VersionStatus.PENDING)
        .defer("content")
        .select_related("created_by")
        .order_by("dossier_id", "number")
    )
    for version in pending:
        if version.number > entries[version.dossier_id].dossier.live_version:
            entries[version.dossier_id].versions.append(version)
    open_items = ApprovalItem.objects.filter(
        dossier_id__in=list(entries),
        outcome=ApprovalItemOutcome.LISTED,
        act__status=ApprovalActStatus.AWAITING_SIGNATURE,
    ).values_list("dossier_id", "act_id", "number")
    for dossier_id, act_id, number in open_items:
        if number == entries[dossier_id].dossier.latest_version:
            entries[dossier_id].open_act = act_id
    result = list(entries.values())
    result.sort(key=lambda e: (e.oldest or timezone.now(), e.dossier.name_sort_key))
    return result


def approval_act_list(*, user) -> QuerySet[ApprovalAct]:
    """Acts ``user`` may read (their own, and those of the units in their scope), newest first."""
    qs = ApprovalAct.objects.defer("manifest", "signed_pdf").select_related("unit", "approver")
    return scoping.restrict(user, scoping.VIEW, qs).order_by("-created_at", "-id")


def access_approval_act(*, user, pk) -> ApprovalAct:
    """One act as ``user`` may read it; 404 for missing and out of scope alike."""
    # The PDFs are read only by the downloads (the progress poll asks every second).
    qs = ApprovalAct.objects.defer("manifest", "signed_pdf").select_related("unit", "approver")
    return scoping.access(user=user, queryset=qs, pk=pk)


def approval_act_items(*, act: ApprovalAct) -> QuerySet[ApprovalItem]:
    """The items of an act the caller obtained through ``access_approval_act``."""
    return act.items.select_related("dossier").order_by("dossier__name_sort_key", "dossier__personal_id")


def approval_act_progress(*, act: ApprovalAct) -> dict:
    """What the act's page polls: status, counts and percentage."""
    act.refresh_from_db(fields=["status", "done", "published_count", "total"])
    percent = round(100 * act.done / act.total) if act.total else 100
    return {
        "status": act.status,
        "status_label": act.get_status_display(),
        "done": act.done,
        "total": act.total,
        "published": act.published_count,
        "percent": percent,
        "finished": act.status in (ApprovalActStatus.PUBLISHED, ApprovalActStatus.CANCELLED),
    }
