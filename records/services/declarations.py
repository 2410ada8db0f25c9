"""Self-declaration and its review, section by section.

The person (or a clerk on their behalf) declares the new content of one section with
evidence; the clerk accepts it (the next pending version, waiting for approval) or
returns it with a reason the person sees. A declaration remembers the version and the
hash of the section it was made against: if the section changed in between, accepting
is refused with the reason unless the clerk, having seen both, confirms
(``override_conflict``) — never a silent overwrite.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import scoping
from portal.text import nfc
from records.choices import DeclarationStatus, VersionSource
from records.models import Declaration, Dossier
from records.sections.registry import CUSTOM, SECTION_BY_KEY, section_title
from records.services.common import DossierPermissionDenied, require_dossier
from records.services.consistency import content_consistency
from records.services.content import section_clean
from records.services.content_hash import section_sha256
from records.services.dossiers import require_minimum
from records.services.evidence import evidence_check, evidence_store
from records.services.versions import version_next


def _is_own(actor, dossier: Dossier) -> bool:
    return actor is not None and dossier.account_id is not None and dossier.account_id == actor.pk


def declaration_submit(*, dossier: Dossier, section: str, proposed, actor, note: str = "", files=()) -> Declaration:
    """Declare the new content of ``section`` of ``dossier``, with evidence files.

    The person may declare on their own dossier (not the clerk-only sections: pay,
    rewards, discipline, contracts, remarks, header); a clerk with CHANGE on the dossier
    may declare any section on someone's behalf. The value is checked like every other
    write (``section_clean``) and the files by content. One open declaration per section:
    a second one is refused until the first is reviewed or withdrawn.
    """
    own = _is_own(actor, dossier)
    if not own:
        require_dossier(actor, dossier, scoping.CHANGE)
    if section not in SECTION_BY_KEY and section != CUSTOM:
        raise ValidationError({"section": _("There is no section '%(key)s'.") % {"key": section}})
    if own and section != CUSTOM and SECTION_BY_KEY[section].clerk_only:
        raise DossierPermissionDenied(
            _("%(section)s is kept by the HR clerk from decisions; it cannot be declared.")
            % {"section": section_title(section)}
        )
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        current = dossier.versions.get(number=dossier.latest_version).content
        category = (current.get("header") or {}).get("personnel_category")
        errors: dict[str, list[str]] = {}
        try:
            cleaned = section_clean(
                section, proposed, personnel_category=category, previous=current.get(section), dossier_id=dossier.pk
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
            cleaned = None
        try:
            checked = evidence_check(files)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            checked = []
        if cleaned is not None and not errors:
            if (current.get(section) or None) == (cleaned or None):
                errors["section"] = [_("The declared values are the same as the dossier's: nothing to declare.")]
            else:
                require_minimum({**current, section: cleaned}, errors)
                errors.update(content_consistency({**current, section: cleaned}))
        if Declaration.objects.filter(dossier=dossier, section=section, status=DeclarationStatus.SUBMITTED).exists():
            errors.setdefault("section", []).append(
                _("%(section)s already has a declaration awaiting review; wait for it or withdraw it first.")
                % {"section": section_title(section)}
            )
        if errors:
            raise ValidationError(errors)
        declaration = Declaration.objects.create(
            dossier=dossier,
            section=section,
            proposed=cleaned,
            note=nfc(note)[:1000],
            base_version=dossier.latest_version,
            base_sha256=section_sha256(current, section),
            submitted_by=actor,
        )
        evidence_store(dossier=dossier, checked=checked, actor=actor, declaration=declaration)
    return declaration


def _require_reviewer(actor, declaration: Declaration) -> None:
    require_dossier(actor, declaration.dossier, scoping.CHANGE)
    if declaration.submitted_by_id == actor.pk and not actor.is_superuser:
        raise DossierPermissionDenied(_("A declaration is reviewed by someone other than its author."))


def _open(declaration: Declaration) -> Declaration:
    declaration = Declaration.objects.select_for_update().select_related("dossier").get(pk=declaration.pk)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise ValidationError(
            {"declaration": _("This declaration is already %(status)s.") % {"status": declaration.get_status_display()}}
        )
    return declaration


def declaration_accept(*, declaration: Declaration, actor, override_conflict: bool = False, reason: str = ""):
    """Accept a declared section: the next pending version of the dossier, with that section
    replaced. If the section changed since the declaration was made, refuse with the
    reason unless ``override_conflict`` (the clerk has seen both)."""
    _require_reviewer(actor, declaration)
    with transaction.atomic():
        declaration = _open(declaration)
        dossier = Dossier.objects.select_for_update().get(pk=declaration.dossier_id)
        current = dossier.versions.get(number=dossier.latest_version).content
        if section_sha256(current, declaration.section) != declaration.base_sha256 and not override_conflict:
            raise ValidationError(
                {
                    "override_conflict": _(
                        "%(section)s has changed since the person declared it (version %(base)s, now %(now)s). "
                        "Compare the current values with the declaration, then confirm to accept it anyway."
                    )
                    % {
                        "section": section_title(declaration.section),
                        "base": declaration.base_version,
                        "now": dossier.latest_version,
                    }
                }
            )
        content = dict(current)
        if declaration.proposed in (None, {}, []):
            content.pop(declaration.section, None)
        else:
            content[declaration.section] = declaration.proposed
        version = version_next(
            dossier=dossier,
            content=content,
            sections=[declaration.section],
            source=VersionSource.DECLARATION,
            actor=actor,
            reason=nfc(reason) or declaration.note,
        )
        declaration.status = DeclarationStatus.ACCEPTED
        declaration.reviewed_by = actor
        declaration.reviewed_at = timezone.now()
        declaration.review_reason = nfc(reason)[:1000]
        declaration.result_version = version
        declaration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "result_version"])
        declaration.evidence.update(version=version)
    return declaration


def declaration_return(*, declaration: Declaration, actor, reason: str) -> Declaration:
    """Return a declared section to the person with a reason they will see (required)."""
    _require_reviewer(actor, declaration)
    if not nfc(reason):
        raise ValidationError({"reason": _("Say why the declaration is returned: the person will read it.")})
    with transaction.atomic():
        declaration = _open(declaration)
        declaration.status = DeclarationStatus.RETURNED
        declaration.reviewed_by = actor
        declaration.reviewed_at = timezone.now()
        declaration.review_reason = nfc(reason)[:1000]
        declaration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    return declaration


def declaration_withdraw(*, declaration: Declaration, actor) -> Declaration:
    """The author withdraws a declaration still awaiting review."""
    if declaration.submitted_by_id != getattr(actor, "pk", None):
        raise DossierPermissionDenied(_("Only the author can withdraw a declaration."))
    with transaction.atomic():
        declaration = _open(declaration)
        declaration.status = DeclarationStatus.WITHDRAWN
        declaration.save(update_fields=["status"])
    return declaration
