"""Creating dossiers, clerk changes and the status lifecycle.

Every write creates a version (``records.services.versions``) in the same transaction,
so the history of a dossier is complete whatever wrote it (admin, portal, API, import,
seed). Pending versions wait for the monthly approval; only a new dossier's first
version is published at once (there is nothing approved to keep).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import scoping
from portal.text import fold, nfc, person_name_sort_key
from records.choices import END_STATUSES, DossierStatus, VersionSource
from records.identity import birth_place_codes, personal_id_clean
from records.models import Dossier, DossierVersion
from records.sections.registry import CUSTOM, SECTION_BY_KEY, section_title
from records.services.bulk_writes import CheckedDossier, dossiers_bulk_insert
from records.services.codes import CodeBook
from records.services.common import require_dossier, require_unit
from records.services.consistency import content_consistency
from records.services.content import (
    add_problem,
    content_clean,
    required_here,
    section_clean,
)
from records.services.evidence import evidence_check, evidence_store
from records.services.versions import version_next, version_publish

# The least a new dossier needs: who the person is and what kind of staff.
CREATE_REQUIRED = (
    ("identity", "full_name"),
    ("identity", "sex"),
    ("identity", "birth_date"),
    ("header", "personnel_category"),
)


def _identity_checked_id(personal_id, content: dict, *, field: str = "personal_id", known_codes=None) -> str:
    identity = content.get("identity") or {}
    birth = identity.get("birth_date")
    return personal_id_clean(
        personal_id,
        birth_date=datetime.date.fromisoformat(birth) if birth else None,
        sex=identity.get("sex") or None,
        field=field,
        known_codes=known_codes,
    )


def duplicate_message(personal_id: str) -> str:
    return _("A dossier with personal identification number %(id)s already exists.") % {"id": personal_id}


def require_minimum(content: dict, errors: dict, *, prefix: str = "", bare: dict | None = None) -> None:
    """Add to ``errors`` the missing items every dossier must keep (``CREATE_REQUIRED``); ``bare``: as
    for ``section_clean``."""
    for key, name in CREATE_REQUIRED:
        if not (content.get(key) or {}).get(name):
            label = SECTION_BY_KEY[key].field(name).label
            message = _("%(section)s: '%(field)s' is required.") % {"section": section_title(key), "field": label}
            add_problem(errors, bare, f"{prefix}{key}.{name}", message, required_here())


def dossier_create(
    *,
    unit,
    personal_id: str,
    content: dict,
    actor=None,
    account=None,
    source: str = VersionSource.INITIAL,
    reason: str = "",
) -> Dossier:
    """Create the dossier of one person in ``unit`` and publish its first version.

    Checks: the actor may change dossiers of ``unit``; the content (``content_clean``);
    the minimum (name, sex, date of birth, personnel category); the personal id (12
    digits, birth-registration code, century/sex digit and birth year consistent with the
    content) and its uniqueness. Raises ``ValidationError`` keyed by field, or
    ``DossierPermissionDenied``; nothing is written on error.
    """
    require_unit(actor, unit)
    errors: dict[str, list[str]] = {}
    try:
        cleaned = content_clean(content)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = {}
    require_minimum(content if errors else cleaned, errors)
    try:
        personal_id = _identity_checked_id(personal_id, cleaned)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Dossier.objects.filter(personal_id=personal_id).exists():
            raise ValidationError(
                {
                    "personal_id": _("A dossier with personal identification number %(id)s already exists.")
                    % {"id": personal_id}
                }
            )
        name = cleaned["identity"]["full_name"]
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    personal_id=personal_id,
                    unit=unit,
                    account=account,
                    full_name=name,
                    name_folded=fold(name),
                    name_sort_key=person_name_sort_key(name),
                )
        except IntegrityError:
            raise ValidationError(
                {
                    "personal_id": _("A dossier with personal identification number %(id)s already exists.")
                    % {"id": personal_id}
                }
            ) from None
        version = version_next(
            dossier=dossier, content=cleaned, sections=sorted(cleaned), source=source, actor=actor, reason=reason
        )
        return version_publish(version=version, actor=actor)


@dataclass
class NewDossier:
    """One person for ``dossiers_bulk_create``."""

    unit: object
    personal_id: str
    content: dict
    account: object = None


def dossiers_bulk_create(*, people: list[NewDossier], actor=None, source: str = VersionSource.IMPORT) -> int:
    """Create many dossiers at once, all or nothing, each with a published first version.

    Same checks as ``dossier_create`` (errors keyed ``row <n>.<field>``, rows counted
    from 1 in the order given), but a constant number of queries per batch: catalogue
    codes are read once, rows, versions and section rows are inserted in bulk. Used by
    the demo seed and the bulk import.
    """
    codes = CodeBook()
    known_codes = birth_place_codes()
    errors: dict[str, list[str]] = {}
    prepared: list[tuple[NewDossier, dict, str]] = []
    seen: dict[str, int] = {}
    for row, person in enumerate(people, start=1):
        require_unit(actor, person.unit)
        row_errors: dict[str, list[str]] = {}
        try:
            cleaned = content_clean(person.content, codes=codes)
        except ValidationError as exc:
            row_errors.update(exc.message_dict)
            cleaned = {}
        require_minimum(person.content if row_errors else cleaned, row_errors)
        try:
            personal_id = _identity_checked_id(person.personal_id, cleaned, known_codes=known_codes)
        except ValidationError as exc:
            row_errors.update(exc.message_dict)
            personal_id = str(person.personal_id)
        if personal_id in seen:
            row_errors.setdefault("personal_id", []).append(
                _("The personal identification number %(id)s is also on row %(row)s.")
                % {"id": personal_id, "row": seen[personal_id]}
            )
        seen.setdefault(personal_id, row)
        for key, messages in row_errors.items():
            errors.setdefault(f"row {row}.{key}", []).extend(
                _("Row %(row)s: %(message)s") % {"row": row, "message": message} for message in messages
            )
        prepared.append((person, cleaned, personal_id))
    existing = set(Dossier.objects.filter(personal_id__in=list(seen)).values_list("personal_id", flat=True))
    for personal_id in sorted(existing):
        row = seen[personal_id]
        errors.setdefault(f"row {row}.personal_id", []).append(
            _("Row %(row)s: a dossier with personal identification number %(id)s already exists.")
            % {"row": row, "id": personal_id}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inserted = dossiers_bulk_insert(
            people=[
                CheckedDossier(unit=person.unit, personal_id=personal_id, content=cleaned, account=person.account)
                for person, cleaned, personal_id in prepared
            ],
            actor=actor,
            source=source,
        )
    return len(inserted)


def dossier_change(
    *,
    dossier: Dossier,
    sections: dict,
    actor,
    expected_version: int,
    reason: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    source: str = VersionSource.CLERK,
    files=(),
) -> DossierVersion:
    """A clerk's change (appointment, salary step, reward, discipline, corrections): the next
    pending version with ``sections`` replaced, waiting for approval.

    ``expected_version`` is the version the clerk's form was opened on: if someone has
    created a later version since, nothing is written and the ``ValidationError`` says who
    changed the dossier and when (never a silent overwrite). Needs CHANGE on the dossier.
    ``files``: the decision document(s), checked and stored like evidence, linked to the version.
    """
    require_dossier(actor, dossier, scoping.CHANGE)
    if not sections:
        raise ValidationError({"sections": _("Nothing to change: give at least one section.")})
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.latest_version != expected_version:
            raise ValidationError({"expected_version": conflict_message(dossier, since=expected_version)})
        current = dossier.versions.get(number=dossier.latest_version).content
        category = (sections.get("header") or current.get("header") or {}).get("personnel_category")
        codes = CodeBook()
        errors: dict[str, list[str]] = {}
        content = dict(current)
        for key, value in sections.items():
            try:
                cleaned = section_clean(
                    key,
                    value,
                    codes=codes,
                    personnel_category=category,
                    previous=current.get(key),
                    dossier_id=dossier.pk,
                )
            except ValidationError as exc:
                for field_key, messages in exc.message_dict.items():
                    errors.setdefault(field_key, []).extend(messages)
                continue
            if cleaned in (None, {}, []):
                content.pop(key, None)
            else:
                content[key] = cleaned
        if not errors:
            require_minimum(content, errors)
            errors.update(content_consistency(content))
        if not errors and "identity" in sections:
            try:
                _identity_checked_id(dossier.personal_id, content, field="identity.birth_date")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        try:
            checked = evidence_check(files)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        changed = sorted(key for key in sections if current.get(key) != content.get(key))
        if not changed:
            raise ValidationError({"sections": _("The values given are the same as the dossier's: nothing changed.")})
        version = version_next(
            dossier=dossier,
            content=content,
            sections=changed,
            source=source,
            actor=actor,
            reason=nfc(reason),
            decision_number=nfc(decision_number),
            decision_date=decision_date,
        )
        evidence_store(dossier=dossier, checked=checked, actor=actor, version=version)
        return version


def person_label(user) -> str:
    """An account's name in Vietnamese order (family name first), or its user name."""
    return user.get_full_name() or user.get_username()


def conflict_message(dossier: Dossier, *, since: int) -> str:
    """ "Changed by X at hh:mm dd/mm/yyyy (version N) since you opened it" for a stale writer."""
    later = dossier.versions.filter(number__gt=since).select_related("created_by").order_by("-number").first()
    if later is None:
        return _("The dossier has changed since you opened it; reload it and enter your change again.")
    who = person_label(later.created_by) if later.created_by else _("the system")
    return _(
        "The dossier was changed by %(who)s at %(when)s (version %(number)s) after you opened it (version "
        "%(since)s). Nothing was saved: reload the dossier, check that change and enter yours again."
    ) % {
        "who": who,
        "when": timezone.localtime(later.created_at).strftime("%H:%M %d/%m/%Y"),
        "number": later.number,
        "since": since,
    }


def dossier_status_change(
    *,
    dossier: Dossier,
    status: str,
    actor,
    effective_on: datetime.date | None,
    decision: str = "",
) -> Dossier:
    """Move a dossier to a status. End states (retired, resigned, dismissed, deceased,
    transferred out, moved to the Party bloc) need the effective date and the decision;
    a dossier in an end state stays readable and is never deleted, and cannot be put back
    to "working" here (a return is a new recruitment or a transfer in). Needs CHANGE.
    """
    require_dossier(actor, dossier, scoping.CHANGE)
    if status not in DossierStatus.values:
        raise ValidationError({"status": _("Unknown status '%(status)s'.") % {"status": status}})
    errors: dict[str, list[str]] = {}
    if status in END_STATUSES:
        if effective_on is None:
            errors["effective_on"] = [_("Enter the date the status takes effect.")]
        if not nfc(decision):
            errors["decision"] = [_("Enter the number of the decision (or the document) behind this status.")]
    if dossier.status in END_STATUSES and status == DossierStatus.WORKING:
        errors["status"] = [
            _("The dossier is closed (%(status)s); a return to work is recorded as a new recruitment or a transfer.")
            % {"status": dossier.get_status_display()}
        ]
    if dossier.status == status:
        errors["status"] = [_("The dossier already has this status.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier.status = status
        dossier.status_effective_on = effective_on
        dossier.status_decision = nfc(decision)[:100]
        dossier.save(update_fields=["status", "status_effective_on", "status_decision", "updated_at"])
    return dossier


__all__ = [
    "CUSTOM",
    "NewDossier",
    "conflict_message",
    "dossier_change",
    "dossier_create",
    "dossier_status_change",
    "dossiers_bulk_create",
]
