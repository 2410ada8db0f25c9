"""Reads of accounts and their grants, always through the scoping primitive.

Used by the accounts admin (``portal.views.accounts``) and the accounts API
(``portal.api.views.accounts``), so both list and find exactly the same accounts.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F, Func, Prefetch, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from portal import scoping
from portal.models import Grant
from portal.text import fold


def _fold_table() -> tuple[str, str]:
    # PostgreSQL here has no unaccent (architecture.md §5): fold with translate() instead.
    source, target = [], []
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != char:
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


FOLD_FROM, FOLD_TO = _fold_table()


def folded(expression):
    """``expression`` lower-cased without diacritics, computed by the database."""
    return Func(expression, Value(FOLD_FROM), Value(FOLD_TO), function="translate")


def active_grants_prefetch() -> Prefetch:
    today = timezone.localdate()
    return Prefetch(
        "grants",
        queryset=Grant.objects.filter(revoked_at__isnull=True, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("unit"),
        to_attr="active_grants",
    )


def account_list(*, user, search: str = "", unit=None):
    """Accounts ``user`` may see, optionally matching ``search`` (name or user name, accents
    ignored) and inside the subtree of ``unit``; with their units and active grants."""
    accounts = scoping.restrict(user, scoping.VIEW, get_user_model().objects.all())
    if search:
        name = Concat(F("last_name"), Value(" "), F("first_name"), Value(" "), F("username"))
        accounts = accounts.annotate(search_text=folded(name))
        for word in fold(search).split():
            accounts = accounts.filter(search_text__contains=word)
    if unit is not None:
        accounts = accounts.filter(unit__path__startswith=unit.path)
    return (
        accounts.select_related("unit")
        .prefetch_related(active_grants_prefetch())
        .order_by("unit__path", "last_name", "first_name", "username")
    )


def access_account(*, user, pk, action: str = scoping.VIEW):
    """The account ``pk`` if ``user`` may ``action`` it; 404 when missing or out of scope."""
    return scoping.access(user=user, queryset=get_user_model().objects.select_related("unit"), pk=pk, action=action)
