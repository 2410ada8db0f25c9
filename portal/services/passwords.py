"""Passwords and sign-in: initial passwords, the one way a password is set, the
user's own change, and the failed-login counter that locks an account.

Every password change goes through ``password_set`` so that the policy (validators
in settings.AUTH_PASSWORD_VALIDATORS), the history of previous passwords and the
forced-change flag are applied the same way for the admin, the API and the CLI.
Locking after repeated failures is written here; unlocking is an administrator's
act (``portal.services.accounts.account_unlock``).
"""

from __future__ import annotations

import datetime
import secrets
import string

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from portal.models import PasswordHistory, SecurityPolicy
from portal.models.audit import SecurityEventKind
from portal.services.audit import security_event_record

SPECIALS = "!@#$%^&*-_=+?"
LOCK_REASON_FAILURES = "too_many_failed_logins"


def password_generate(length: int = 14) -> str:
    """A random password that satisfies the policy's character classes."""
    alphabet = string.ascii_letters + string.digits + SPECIALS
    while True:
        candidate = [secrets.choice(alphabet) for _ in range(length)]
        text = "".join(candidate)
        if (
            any(c.islower() for c in text)
            and any(c.isupper() for c in text)
            and any(c.isdigit() for c in text)
            and any(c in SPECIALS for c in text)
        ):
            return text


def password_set(
    *,
    user,
    raw_password: str,
    temporary: bool = False,
    validate: bool = True,
    actor=None,
    request=None,
) -> None:
    """Set a password: validate it against the policy, keep the previous hash in the
    history, and mark it temporary (to be changed at next login) or fresh.

    Writes a ``PASSWORD_CHANGED`` security event when the account holder sets their
    own password (``actor`` is the user, or no actor and not temporary). A reset by
    an administrator (temporary, or another actor) writes no event here: the reset
    service records ``PASSWORD_RESET`` itself.

    Raises ``ValidationError`` (the validators' messages) when ``validate`` and the
    password breaks the policy; nothing is written then.
    """
    if validate:
        password_validation.validate_password(raw_password, user)
    own_change = (actor is not None and getattr(actor, "pk", None) == user.pk) or (actor is None and not temporary)
    with transaction.atomic():
        # 1. The current hash joins the history (the no-reuse rule reads it from there).
        if user.pk and user.password:
            PasswordHistory.objects.create(user=user, password=user.password)
        # 2. The new password, its date and the forced-change flag.
        user.set_password(raw_password)
        user.password_changed_at = timezone.now()
        user.must_change_password = temporary
        user.save()
        # 3. The audit entry, in the same transaction.
        if own_change and user.pk:
            security_event_record(kind=SecurityEventKind.PASSWORD_CHANGED, user=user, actor=user, request=request)


def password_change(*, user, old_password: str, new_password: str, request=None) -> None:
    """The account holder changes their own password (old one required).

    Raises ``ValidationError`` keyed ``old_password`` when the current password is
    wrong, keyed ``new_password`` when the new one breaks the policy (including
    reuse of a recent password). On success the forced-change flag is cleared and
    ``PASSWORD_CHANGED`` is recorded (``password_set``).
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": gettext("Your current password is not correct.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    password_set(user=user, raw_password=new_password, validate=False, actor=user, request=request)


def password_change_required(*, user, max_age_days: int | None = None) -> bool:
    """True when a signed-in account must change its password before going on.

    That is when an administrator set a temporary password (``must_change_password``)
    or the password is older than ``SecurityPolicy.password_max_age_days`` (0: never
    expires). An account with no recorded change date (created before the policy
    existed) is not treated as expired, so that switching the policy on does not
    lock everyone out at once; its first change starts the clock. ``max_age_days``
    None reads it from the policy.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.must_change_password:
        return True
    if max_age_days is None:
        max_age_days = SecurityPolicy.load().password_max_age_days
    if max_age_days <= 0 or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > datetime.timedelta(days=max_age_days)


def login_failure_record(*, username: str, request=None) -> None:
    """Count a failed sign-in for ``username`` and lock the account at the threshold.

    Always writes ``LOGIN_FAILED`` (also for unknown names, which have no user row).
    When the count reaches ``SecurityPolicy.lockout_threshold`` (0: never lock) the
    account is locked (``locked_at``, ``lock_reason``) and ``LOCKED`` is written. An
    already locked account is not counted again. Only an administrator unlocks it.
    """
    User = get_user_model()
    policy = SecurityPolicy.load()
    with transaction.atomic():
        # Row lock: concurrent failures must not lose increments.
        user = User._default_manager.select_for_update().filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username=username, request=request)
            return
        if user.locked_at is not None:
            security_event_record(
                kind=SecurityEventKind.LOGIN_FAILED, user=user, request=request, detail={"locked": True}
            )
            return
        user.failed_login_count += 1
        fields = ["failed_login_count"]
        threshold = policy.lockout_threshold
        locks = bool(threshold) and user.failed_login_count >= threshold
        if locks:
            user.locked_at = timezone.now()
            user.locked_by = None
            user.lock_reason = gettext("Locked after %(count)d failed sign-in attempts.") % {
                "count": user.failed_login_count
            }
            fields += ["locked_at", "locked_by", "lock_reason"]
        user.save(update_fields=fields)
        security_event_record(
            kind=SecurityEventKind.LOGIN_FAILED,
            user=user,
            request=request,
            detail={"failed_login_count": user.failed_login_count},
        )
        if locks:
            security_event_record(
                kind=SecurityEventKind.LOCKED,
                user=user,
                request=request,
                detail={"reason": LOCK_REASON_FAILURES, "failed_login_count": user.failed_login_count},
            )


def login_success_record(*, user, request=None) -> None:
    """Record a successful sign-in (``LOGIN``) and reset the failed-login counter."""
    with transaction.atomic():
        if user.failed_login_count:
            user.failed_login_count = 0
            user.save(update_fields=["failed_login_count"])
        security_event_record(kind=SecurityEventKind.LOGIN, user=user, request=request)


def is_account_locked(*, username: str, password: str) -> bool:
    """True when the account ``username`` is locked and ``password`` is its password.

    Only someone who knows the password learns that the account is locked: anyone else
    gets the ordinary "wrong user name or password", so the answer never tells whether
    a user name exists."""
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username, "locked_at__isnull": False}).first()
    return user is not None and bool(password) and user.check_password(password)
