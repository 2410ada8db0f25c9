"""Step 3 of the monthly approval (``records.services.approvals``): the signed act's listed versions go live.

Each listed version is published if, and only if, the dossier still stands at that version, the
version's content still hashes to what was signed, and no unique custom value it brings has been
published for another dossier since it was checked; otherwise the item is skipped with the reason.
Each item runs in its own transaction; progress is kept on the act; rerunning continues where it stopped.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services.fields.values import FieldBook, unique_values_taken
from records.choices import ApprovalActStatus, ApprovalItemOutcome, VersionStatus
from records.models import ApprovalAct, ApprovalItem, Dossier, DossierVersion
from records.sections.registry import CUSTOM
from records.services.content import DOSSIER_TARGET
from records.services.content_hash import content_sha256
from records.services.versions import version_publish

PROGRESS_EVERY = 50


def _publish_item(act: ApprovalAct, item: ApprovalItem, book: FieldBook) -> tuple[str, str]:
    """Publish one listed version, or say why not. Runs in its own transaction."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=item.dossier_id)
        version = DossierVersion.objects.get(pk=item.version_id)
        if dossier.latest_version != item.number:
            return ApprovalItemOutcome.SKIPPED, _(
                "The dossier changed after it was listed (version %(listed)s listed, now version %(now)s): "
                "approve it again."
            ) % {"listed": item.number, "now": dossier.latest_version}
        if dossier.live_version >= item.number or version.status == VersionStatus.PUBLISHED:
            return ApprovalItemOutcome.SKIPPED, _("Version %(number)s was already published by another act.") % {
                "number": item.number
            }
        if version.sha256 != item.sha256 or content_sha256(version.content) != item.sha256:
            return ApprovalItemOutcome.SKIPPED, _(
                "The content of version %(number)s no longer matches the signed hash: not published."
            ) % {"number": item.number}
        # Checked against the live dossiers when it was written, a unique custom value may since have
        # been published for another dossier (two pending changes, each checked alone).
        taken = unique_values_taken(
            target=DOSSIER_TARGET,
            values=version.content.get(CUSTOM) or {},
            owner_pk=dossier.pk,
            held=dossier.custom_fields,
            book=book,
        )
        if taken:
            return ApprovalItemOutcome.SKIPPED, " ".join(
                _(
                    "'%(label)s' %(value)s now belongs to %(other)s, published after this version was checked: "
                    "not published; correct one of the two dossiers, then approve again."
                )
                % {"label": definition.label, "value": value, "other": other}
                for definition, value, other in taken
            )
        version_publish(version=version, actor=act.approver)
        return ApprovalItemOutcome.PUBLISHED, ""


def approval_act_publish(*, act_id: int) -> ApprovalAct:
    """Publish the listed versions of a signed act (step 3). Idempotent: decided items are skipped."""
    act = ApprovalAct.objects.get(pk=act_id)
    if act.status != ApprovalActStatus.PUBLISHING:
        return act
    pending = list(act.items.filter(outcome=ApprovalItemOutcome.LISTED).order_by("id"))
    book = FieldBook()
    for index, item in enumerate(pending, 1):
        outcome, note = _publish_item(act, item, book)
        ApprovalItem.objects.filter(pk=item.pk).update(outcome=outcome, note=note[:500])
        if index % PROGRESS_EVERY == 0:
            _record_progress(act)
    _record_progress(act)
    ApprovalAct.objects.filter(pk=act.pk).update(status=ApprovalActStatus.PUBLISHED, finished_at=timezone.now())
    act.refresh_from_db()
    return act


def _record_progress(act: ApprovalAct) -> None:
    decided = act.items.exclude(outcome=ApprovalItemOutcome.LISTED)
    ApprovalAct.objects.filter(pk=act.pk).update(
        done=decided.count(), published_count=decided.filter(outcome=ApprovalItemOutcome.PUBLISHED).count()
    )


__all__ = ["PROGRESS_EVERY", "approval_act_publish"]
