"""Accounts and grants: created, locked, unlocked, reset and revoked down the unit tree.

Rules (QĐ 37/2024 Đồng Tháp; Kon Tum 2025): the Sở Nội vụ issues unit-admin
accounts; unit admins manage accounts and grants only inside their subtree and
never grant a role above the one they hold there; nobody raises their own role.
Every service checks the actor through ``portal.scoping`` and raises
``AccountPermissionDenied`` (a ``PermissionDenied``) for an action outside the
actor's reach, or ``ValidationError`` keyed by field for correctable input.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import scoping
from portal.choices import Role
from portal.models import Grant, Unit
from portal.models.audit import SecurityEventKind
from portal.services.audit import security_event_record
from portal.services.passwords import password_generate, password_set
from portal.text import nfc

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


class AccountPermissionDenied(PermissionDenied):
    """The actor may not manage this account, unit or role."""


def _require_manage_unit(actor, unit: Unit | None) -> None:
    roots = scoping.managed_units(actor)
    if not roots or not scoping.unit_in_scope(unit, roots):
        raise AccountPermissionDenied(_("You can only manage accounts in the units you administer."))


def _require_manage_account(actor, user) -> None:
    if actor.pk == user.pk:
        raise AccountPermissionDenied(_("You cannot lock, unlock, reset or revoke your own account."))
    if user.is_superuser and not actor.is_superuser:
        raise AccountPermissionDenied(_("Only a superuser can manage a superuser account."))
    _require_manage_unit(actor, user.unit)
    # A unit admin cannot manage an account that holds a role above theirs.
    held = max((scoping.ROLE_RANK[g.role] for g in scoping.active_grants(user)), default=0)
    if held > scoping.highest_rank_over(actor, user.unit):
        raise AccountPermissionDenied(_("This account holds a role above yours; ask a higher-level administrator."))


def _clean_username(username: str) -> str:
    username = nfc(username).lower()
    if not username or not set(username) <= USERNAME_CHARS:
        raise ValidationError(
            {"username": _("A user name uses only unaccented letters, digits and . _ - @ (for example nguyenvana).")}
        )
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("User name '%(username)s' is already taken.") % {"username": username}})
    return username


def _clean_personal_id(personal_id: str) -> str:
    personal_id = nfc(personal_id)
    if personal_id and (len(personal_id) != 12 or not personal_id.isdigit()):
        raise ValidationError({"personal_id": _("The personal identification number has exactly 12 digits.")})
    return personal_id


@dataclass
class NewAccount:
    user: object
    initial_password: str


def account_create(
    *,
    actor,
    username: str,
    unit: Unit,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    birth_date: datetime.date | None = None,
    personal_id: str = "",
    request=None,
) -> NewAccount:
    """Create an account in ``unit`` with a random initial password it must change at first login.

    The initial password is returned once (to be handed over) and never stored in clear.
    """
    _require_manage_unit(actor, unit)
    if unit is None:
        raise ValidationError({"unit": _("Choose the unit the account belongs to.")})
    if unit.dissolved_on is not None:
        raise ValidationError({"unit": _("Unit '%(name)s' is dissolved.") % {"name": unit.name}})
    with transaction.atomic():
        user = get_user_model()(
            username=_clean_username(username),
            first_name=nfc(first_name),
            last_name=nfc(last_name),
            email=nfc(email),
            birth_date=birth_date,
            personal_id=_clean_personal_id(personal_id),
            unit=unit,
            is_staff=True,
            created_by=actor,
        )
        user.set_unusable_password()
        user.save()
        initial = password_generate()
        password_set(user=user, raw_password=initial, temporary=True, validate=False)
    return NewAccount(user=user, initial_password=initial)


def _field_label(name: str) -> str:
    """The account field's label as the admin shows it ("tên đăng nhập", not "username")."""
    try:
        return str(get_user_model()._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def accounts_create_individuals(*, actor, unit: Unit, people: list[dict], request=None) -> list[NewAccount]:
    """Bulk-create individual accounts for the people of a unit (all or nothing).

    Each person: ``username``, ``full_name`` (or first/last), ``birth_date``,
    ``personal_id``, ``email``. Each account gets the individual role over its unit
    and an initial password to change at first login.
    """
    created: list[NewAccount] = []
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        for index, person in enumerate(people, start=1):
            full = nfc(person.get("full_name", ""))
            last, _sep, first = full.rpartition(" ") if full else (person.get("last_name", ""), "", "")
            try:
                with transaction.atomic():
                    account = account_create(
                        actor=actor,
                        username=person.get("username", ""),
                        unit=unit,
                        first_name=person.get("first_name") or first,
                        last_name=person.get("last_name") or last,
                        email=person.get("email", ""),
                        birth_date=person.get("birth_date"),
                        personal_id=person.get("personal_id", ""),
                        request=request,
                    )
                    grant_create(actor=actor, user=account.user, role=Role.INDIVIDUAL, unit=unit)
            except ValidationError as exc:
                row = person.get("row", index)  # the file's row number when the list came from a file
                for field, messages in exc.message_dict.items():
                    errors.setdefault(f"row {row}", []).extend(
                        _("Row %(row)s, %(field)s: %(message)s")
                        % {"row": row, "field": _field_label(field), "message": m}
                        for m in messages
                    )
                continue
            created.append(account)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return created


def account_lock(*, actor, user, reason: str = "", request=None):
    """Lock an account (it can no longer sign in) until an administrator unlocks it."""
    _require_manage_account(actor, user)
    with transaction.atomic():
        user.locked_at = timezone.now()
        user.locked_by = actor
        user.lock_reason = nfc(reason)[:200] or _("Locked by an administrator")
        user.save(update_fields=["locked_at", "locked_by", "lock_reason"])
        security_event_record(
            kind=SecurityEventKind.LOCKED, user=user, actor=actor, request=request, detail={"reason": user.lock_reason}
        )
    return user


def account_unlock(*, actor, user, request=None):
    """Unlock an account (by an administrator above it) and clear its failed-login counter."""
    _require_manage_account(actor, user)
    with transaction.atomic():
        user.locked_at = None
        user.locked_by = None
        user.lock_reason = ""
        user.failed_login_count = 0
        user.save(update_fields=["locked_at", "locked_by", "lock_reason", "failed_login_count"])
        security_event_record(kind=SecurityEventKind.UNLOCKED, user=user, actor=actor, request=request)
    return user


def account_reset_password(*, actor, user, request=None) -> str:
    """Give the account a new random password to be changed at next login; returns it once."""
    _require_manage_account(actor, user)
    with transaction.atomic():
        new = password_generate()
        password_set(user=user, raw_password=new, temporary=True, validate=False)
        security_event_record(kind=SecurityEventKind.PASSWORD_RESET, user=user, actor=actor, request=request)
    return new


def account_revoke(*, actor, user, request=None):
    """Deactivate an account and revoke all its grants (the row stays for history)."""
    _require_manage_account(actor, user)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        Grant.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=actor)
    scoping.forget_grants()
    return user


def grant_create(
    *,
    actor,
    user,
    role: str,
    unit: Unit | None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> Grant:
    """Give ``user`` a role over the subtree of ``unit``.

    Refused when the actor does not administer ``unit`` or the account's unit, when
    the role ranks above what the actor holds over ``unit``, when the actor grants
    to themselves, or for a system-administrator grant by anyone but a superuser
    or system administrator.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if actor.pk == user.pk and not actor.is_superuser:
        raise AccountPermissionDenied(_("You cannot grant a role to yourself."))
    if unit is None and role != Role.SYSTEM_ADMIN:
        raise ValidationError({"unit": _("Choose the unit whose subtree the role covers.")})
    if unit is not None and unit.dissolved_on is not None:
        raise ValidationError({"unit": _("Unit '%(name)s' is dissolved.") % {"name": unit.name}})
    _require_manage_unit(actor, unit)
    _require_manage_unit(actor, user.unit)
    if scoping.ROLE_RANK[role] > scoping.highest_rank_over(actor, unit):
        raise AccountPermissionDenied(_("You cannot grant a role above the one you hold over this unit."))
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date must not be before the start date.")})
    grant = Grant.objects.create(
        user=user, role=role, unit=unit, starts_on=starts_on, ends_on=ends_on, granted_by=actor, note=nfc(note)
    )
    scoping.forget_grants()
    return grant


def grant_revoke(*, actor, grant: Grant) -> Grant:
    """Revoke a grant (kept for history)."""
    if grant.user_id == actor.pk and not actor.is_superuser:
        raise AccountPermissionDenied(_("You cannot revoke your own role; ask a higher-level administrator."))
    _require_manage_unit(actor, grant.unit)
    if scoping.ROLE_RANK[grant.role] > scoping.highest_rank_over(actor, grant.unit):
        raise AccountPermissionDenied(_("This grant is above your role; ask a higher-level administrator."))
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        scoping.forget_grants()
    return grant
