"""Consistency between the sections of a cleaned content: dates that cannot all be true
(``content_consistency``; ``records.services.content.content_clean`` and every writer call it)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

# Product choices (domain.md gives no figure): the Labour Code's minimum working age is 15 and
# no one is recruited past the retirement ages; the Party admits members from 18 (Điều lệ Đảng).
RECRUITMENT_AGE = (15, 65)
PARTY_MIN_AGE = 18


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _vi(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def content_consistency(content: dict) -> dict[str, list[str]]:
    """Problems between items of a cleaned content (dates that cannot all be true), keyed like
    ``section_clean``'s errors. Dates are the ISO strings of a cleaned content."""
    errors: dict[str, list[str]] = {}
    birth_text = (content.get("identity") or {}).get("birth_date")
    if not birth_text:
        return errors
    birth = datetime.date.fromisoformat(birth_text)
    if birth > datetime.date.today():
        errors["identity.birth_date"] = [_("The date of birth is in the future.")]
        return errors
    background = content.get("background") or {}
    recruited = background.get("first_recruited_on")
    if recruited:
        age = _age_on(birth, datetime.date.fromisoformat(recruited))
        low, high = RECRUITMENT_AGE
        if not low <= age <= high:
            errors["background.first_recruited_on"] = [
                _(
                    "With the date of birth %(birth)s, the person would have been %(age)s at the first "
                    "recruitment (%(date)s); a recruitment age is between %(low)s and %(high)s. Check both dates."
                )
                % {"birth": _vi(birth_text), "age": age, "date": _vi(recruited), "low": low, "high": high}
            ]
    for name in ("party_joined_on", "party_official_on"):
        value = background.get(name)
        if value and _age_on(birth, datetime.date.fromisoformat(value)) < PARTY_MIN_AGE:
            errors[f"background.{name}"] = [
                _(
                    "The Party admits members from the age of %(age)s: on %(date)s the person was younger "
                    "(date of birth %(birth)s). Check both dates."
                )
                % {"age": PARTY_MIN_AGE, "date": _vi(value), "birth": _vi(birth_text)}
            ]
    joined, official = background.get("party_joined_on"), background.get("party_official_on")
    if joined and official and official < joined:
        errors.setdefault("background.party_official_on", []).append(
            _("The date of full Party membership is before the date of admission.")
        )
    return errors
