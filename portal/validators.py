"""Password validators of the login policy (Đồng Tháp QĐ 37/2024 Điều 10; Kon Tum Điều 15).

Wired into ``settings.AUTH_PASSWORD_VALIDATORS``, so every password set through
``portal.services.passwords.password_set`` (and any Django or Wagtail form that
calls ``validate_password``) is checked the same way. Limits come from the
``SecurityPolicy`` setting, read at validation time so that an edit takes effect
at once.

Comparisons with the person's name, birth date and unit are case- and
accent-insensitive: both sides go through ``portal.text.fold`` ("Thắng" and
"THANG" are the same word).
"""

from __future__ import annotations

import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

from portal.text import fold

# Shorter name words ("An", "Lê", "Hà") would refuse far too many harmless passwords.
NAME_WORD_MIN = 3
# Unit words shorter than this ("sở", "nội", "vụ") are caught by the whole name and the short name.
UNIT_WORD_MIN = 4
UNIT_SHORT_NAME_MIN = 3
# Generic words of unit names (unit types, "nhân dân", "hội đồng"): not what identifies a unit.
UNIT_GENERIC_WORDS = frozenset(
    {
        "tinh",
        "huyen",
        "thanh",
        "quan",
        "phong",
        "nhan",
        "truong",
        "trung",
        "dong",
        "cong",
        "doan",
        "nghiep",
        "vien",
        "hanh",
        "chinh",
        "khoa",
    }
)
_WORDS = re.compile(r"[a-z0-9]+")


def _policy():
    # Imported here: validators are loaded with the settings, before the apps are ready.
    from portal.models import SecurityPolicy

    return SecurityPolicy.load()


def _folded(text: str | None) -> str:
    """Folded and without spaces: what a fragment is looked for in."""
    return fold(text).replace(" ", "")


def _words(text: str | None, min_length: int) -> list[str]:
    return [word for word in _WORDS.findall(fold(text)) if len(word) >= min_length and not word.isdigit()]


class PolicyMinimumLengthValidator:
    """At least ``SecurityPolicy.password_min_length`` characters."""

    def min_length(self) -> int:
        return _policy().password_min_length

    def validate(self, password, user=None):
        min_length = self.min_length()
        if len(password) < min_length:
            raise ValidationError(
                ngettext(
                    "This password is too short. It must contain at least %(min_length)d character.",
                    "This password is too short. It must contain at least %(min_length)d characters.",
                    min_length,
                ),
                code="password_too_short",
                params={"min_length": min_length},
            )

    def get_help_text(self):
        min_length = self.min_length()
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            min_length,
        ) % {"min_length": min_length}


class CharacterClassesValidator:
    """At least one uppercase letter, one lowercase letter, one digit and one special character."""

    def validate(self, password, user=None):
        errors = []
        if not any(char.isupper() for char in password):
            errors.append(
                ValidationError(gettext("The password must contain an uppercase letter."), code="password_no_upper")
            )
        if not any(char.islower() for char in password):
            errors.append(
                ValidationError(gettext("The password must contain a lowercase letter."), code="password_no_lower")
            )
        if not any(char.isdigit() for char in password):
            errors.append(ValidationError(gettext("The password must contain a digit."), code="password_no_digit"))
        if not any(not char.isalnum() and not char.isspace() for char in password):
            errors.append(
                ValidationError(
                    gettext("The password must contain a special character such as ! @ # $ % & *."),
                    code="password_no_special",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return gettext(
            "Your password must mix uppercase and lowercase letters, digits and special characters (! @ # $ % & *)."
        )


class PersonNameValidator:
    """Must not contain the person's user name or a word (3+ letters) of their name."""

    def fragments(self, user) -> list[str]:
        fragments = _words(f"{user.first_name} {user.last_name}", NAME_WORD_MIN)
        username = _folded(user.get_username())
        if len(username) >= NAME_WORD_MIN:
            fragments.append(username)
        return fragments

    def validate(self, password, user=None):
        if user is None:
            return
        folded = _folded(password)
        if any(fragment in folded for fragment in self.fragments(user)):
            raise ValidationError(
                gettext("The password must not contain your name or your user name."), code="password_contains_name"
            )

    def get_help_text(self):
        return gettext("Your password must not contain your name or your user name.")


class BirthDateValidator:
    """Must not contain the person's date of birth in a common form, nor the birth year."""

    def fragments(self, birth_date) -> list[str]:
        day, month, year = f"{birth_date.day:02d}", f"{birth_date.month:02d}", f"{birth_date.year:04d}"
        return [
            f"{day}{month}{year}",
            f"{day}{month}{year[2:]}",
            f"{year}{month}{day}",
            f"{day}/{month}/{year}",
            f"{day}-{month}-{year}",
            f"{day}.{month}.{year}",
            f"{year}-{month}-{day}",
            year,
        ]

    def validate(self, password, user=None):
        birth_date = getattr(user, "birth_date", None)
        if not birth_date:
            return
        if any(fragment in password for fragment in self.fragments(birth_date)):
            raise ValidationError(
                gettext("The password must not contain your date or year of birth."),
                code="password_contains_birth_date",
            )

    def get_help_text(self):
        return gettext("Your password must not contain your date or year of birth.")


class UnitNameValidator:
    """Must not contain the name of the person's unit: its distinctive words (4+ letters),
    the whole name without spaces, or its short name."""

    def fragments(self, unit) -> list[str]:
        fragments = [word for word in _words(unit.name, UNIT_WORD_MIN) if word not in UNIT_GENERIC_WORDS]
        whole = _folded(unit.name)
        if whole:
            fragments.append(whole)
        short = _folded(unit.short_name)
        if len(short) >= UNIT_SHORT_NAME_MIN:
            fragments.append(short)
        return fragments

    def validate(self, password, user=None):
        unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
        if unit is None:
            return
        folded = _folded(password)
        if any(fragment in folded for fragment in self.fragments(unit)):
            raise ValidationError(
                gettext("The password must not contain the name of your unit."), code="password_contains_unit"
            )

    def get_help_text(self):
        return gettext("Your password must not contain the name or short name of your unit.")


class PasswordHistoryValidator:
    """Must differ from the last ``SecurityPolicy.password_history_count`` passwords.

    "The last N" counts the current password and the N − 1 most recent entries of
    ``PasswordHistory`` (``password_set`` moves the current hash there on each change).
    """

    def count(self) -> int:
        return _policy().password_history_count

    def recent_hashes(self, user, count: int) -> list[str]:
        from portal.models import PasswordHistory

        hashes = [user.password] if user.password else []
        if count > 1:
            hashes += list(
                PasswordHistory.objects.filter(user=user)
                .order_by("-created_at", "-id")
                .values_list("password", flat=True)[: count - 1]
            )
        return hashes

    def validate(self, password, user=None):
        count = self.count()
        if user is None or not user.pk or count <= 0:
            return
        if any(check_password(password, encoded) for encoded in self.recent_hashes(user, count)):
            raise ValidationError(
                ngettext(
                    "The password must differ from your last password.",
                    "The password must differ from your last %(count)d passwords.",
                    count,
                ),
                code="password_reused",
                params={"count": count},
            )

    def get_help_text(self):
        count = self.count()
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(count)d passwords.",
            count,
        ) % {"count": count}
