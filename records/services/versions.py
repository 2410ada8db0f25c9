"""Versions: the next version of a dossier, and publishing a version to the live rows.

Versions are linear: version N+1 is version N with some sections replaced. A version is
pending until published; publishing version N makes its content the live dossier (row
and section rows), and every earlier pending version is published with it (its changes
are contained in N). The monthly approval (issue 5) calls ``version_publish``; until then
only the initial record is published directly.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.text import fold, person_name_sort_key
from records.choices import VersionSource, VersionStatus
from records.models import Dossier, DossierVersion
from records.services.completeness import completeness
from records.services.content_hash import content_sha256
from records.services.live_rows import apply_single_sections, replace_section_rows


def latest_version(dossier: Dossier) -> DossierVersion:
    return dossier.versions.get(number=dossier.latest_version)


def version_next(
    *,
    dossier: Dossier,
    content: dict,
    sections: list[str],
    source: str,
    actor=None,
    reason: str = "",
    decision_number: str = "",
    decision_date=None,
) -> DossierVersion:
    """Add version ``latest + 1`` with ``content`` (already cleaned) as a pending version.

    The caller holds the dossier row locked (``select_for_update``) inside its transaction,
    so two writers cannot both create the same number. The version records the dossier's
    unit at this moment (an old version's résumé prints the unit it was made in).
    """
    version = DossierVersion.objects.create(
        dossier=dossier,
        number=dossier.latest_version + 1,
        unit_id=dossier.unit_id,
        content=content,
        sha256=content_sha256(content),
        status=VersionStatus.PENDING,
        source=source,
        sections=sections,
        reason=reason[:500],
        decision_number=decision_number[:100],
        decision_date=decision_date,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    dossier.latest_version = version.number
    dossier.save(update_fields=["latest_version", "updated_at"])
    return version


def version_publish(*, version: DossierVersion, actor=None) -> Dossier:
    """Make ``version`` the live dossier: rewrite the row's columns and the section rows from
    its content, recompute completeness, mark it (and earlier pending versions) published.

    Raises ``ValueError`` if a later version is already published (publishing goes forward only).
    """
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=version.dossier_id)
        if dossier.live_version > version.number:
            raise ValueError("a later version is already published")
        content = version.content
        apply_single_sections(dossier, content)
        dossier.name_folded = fold(dossier.full_name)
        dossier.name_sort_key = person_name_sort_key(dossier.full_name)
        dossier.completeness, dossier.missing_items = completeness(content)
        dossier.live_version = version.number
        dossier.save()
        replace_section_rows(dossier, content)
        now = timezone.now()
        DossierVersion.objects.filter(dossier=dossier, number__lte=version.number, status=VersionStatus.PENDING).update(
            status=VersionStatus.PUBLISHED, published_at=now, published_by=actor if getattr(actor, "pk", None) else None
        )
    return dossier


__all__ = ["VersionSource", "latest_version", "version_next", "version_publish"]
