"""The one scoping primitive: what an account may see and do, over which units.

Every read of data that belongs to units (accounts, grants, and later dossiers,
declarations, reports, exports, choosers, workflow queues) goes through
``restrict(user, action, queryset)``; single objects through
``access(user=..., queryset=..., pk=..., action=...)``, which answers 404 both for
"missing" and "out of scope" (never "403, it exists").

Rules:
- anonymous or inactive accounts see nothing;
- superusers and system administrators (a grant with no unit, or over a root
  unit) see everything their role allows;
- everyone else sees the rows of the unit subtrees their active grants cover,
  for the actions their role allows on that kind of object (``CAPABILITIES``);
- an individual sees only their own rows (``self_field``).

A model takes part by declaring ``scope`` on its class: ``ScopeSpec(unit_path=
"unit__path", self_field="pk")`` says how a row reaches its unit's tree path and
how it matches the account itself.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.choices import Role

VIEW, CHANGE, MANAGE = "view", "change", "manage"

# What each role may do with each kind of object. "manage" covers creating, locking,
# unlocking and revoking accounts and grants; it implies "view".
CAPABILITIES: dict[str, dict[str, set[str]]] = {
    "portal.unit": {
        Role.SYSTEM_ADMIN: {VIEW, CHANGE},
        Role.UNIT_ADMIN: {VIEW, CHANGE},
        Role.HR_CLERK: {VIEW},
        Role.APPROVER: {VIEW},
        Role.LEADER: {VIEW},
        Role.INDIVIDUAL: {VIEW},
    },
    "portal.user": {
        Role.SYSTEM_ADMIN: {VIEW, CHANGE, MANAGE},
        Role.UNIT_ADMIN: {VIEW, CHANGE, MANAGE},
        Role.INDIVIDUAL: {VIEW},
    },
    "portal.grant": {
        Role.SYSTEM_ADMIN: {VIEW, MANAGE},
        Role.UNIT_ADMIN: {VIEW, MANAGE},
        Role.INDIVIDUAL: {VIEW},
    },
    # Delegations of approval: administrators manage them over their subtree; approvers see
    # those of their subtree (their own are made through ``approval_delegation_create``).
    "portal.approvaldelegation": {
        Role.SYSTEM_ADMIN: {VIEW, MANAGE},
        Role.UNIT_ADMIN: {VIEW, MANAGE},
        Role.APPROVER: {VIEW},
    },
}


def register_capabilities(model_label: str, capabilities: dict[str, set[str]]) -> None:
    """Declare what each role may do with another app's model (from its ``AppConfig.ready``),
    so ``portal`` never imports the apps built on it."""
    CAPABILITIES[model_label] = {role: set(actions) for role, actions in capabilities.items()}


# A role may be granted by someone holding a role of at least the same rank.
ROLE_RANK = {
    Role.SYSTEM_ADMIN: 100,
    Role.UNIT_ADMIN: 50,
    Role.HR_CLERK: 20,
    Role.APPROVER: 20,
    Role.LEADER: 20,
    Role.INDIVIDUAL: 10,
}


@dataclass(frozen=True)
class ScopeSpec:
    """How rows of a model reach the unit tree (``unit_path``) and the account itself."""

    unit_path: str | None = "unit__path"
    self_field: str | None = None
    # Units and catalogues are configuration: every signed-in account may read them.
    readable_by_all: bool = False


# Grants read during one request, by (account id, day): a page asks "what may this account do"
# from its menu, its view and its selectors, and the answer cannot change in between unless a
# grant service writes (which calls ``forget_grants``). Outside a request nothing is kept.
_grant_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar("scoping_grant_cache", default=None)


@contextlib.contextmanager
def grant_cache():
    """Keep the grants read inside the block (``portal.middleware.ScopingCacheMiddleware``: one request)."""
    token = _grant_cache.set({})
    try:
        yield
    finally:
        _grant_cache.reset(token)


def request_cached(key: tuple, compute):
    """``compute()`` once per request for ``key`` (inside ``grant_cache``; outside it, every time).
    For answers derived from grants that menus ask on every page; ``forget_grants`` drops them."""
    cache = _grant_cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget_grants() -> None:
    """Drop the grants kept for the current request (after a grant is created or revoked)."""
    cache = _grant_cache.get()
    if cache is not None:
        cache.clear()


def active_grants(user, *, on: datetime.date | None = None) -> list:
    """The user's grants in force on a day (default today), with their units."""
    from portal.models import Grant

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    day = on or timezone.localdate()
    cache = _grant_cache.get()
    key = (user.pk, day)
    if cache is not None and key in cache:
        return cache[key]
    grants = list(
        Grant.objects.filter(user=user, revoked_at__isnull=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("unit")
    )
    if cache is not None:
        cache[key] = grants
    return grants


def is_system_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        grant.role == Role.SYSTEM_ADMIN and (grant.unit is None or grant.unit.depth == 1)
        for grant in active_grants(user)
    )


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _spec(model: type[Model]) -> ScopeSpec:
    spec = getattr(model, "scope", None)
    if spec is None:
        raise TypeError(f"{_label(model)} declares no scope")
    return spec


def restrict(user, action: str, queryset: QuerySet) -> QuerySet:
    """``queryset`` filtered to the rows ``user`` may ``action``. See the module docstring."""
    model = queryset.model
    spec = _spec(model)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if action == VIEW and spec.readable_by_all:
        return queryset
    if user.is_superuser:
        return queryset
    allowed = CAPABILITIES.get(_label(model), {})
    paths: list[str] = []
    sees_self = False
    for grant in active_grants(user):
        actions = allowed.get(grant.role, set())
        if action not in actions and not (action == VIEW and MANAGE in actions):
            continue
        if grant.role == Role.INDIVIDUAL:
            sees_self = sees_self or bool(spec.self_field)
            continue
        if grant.unit is None or (grant.unit.depth == 1 and grant.role == Role.SYSTEM_ADMIN):
            return queryset
        if spec.unit_path is not None:
            paths.append(grant.unit.path)
    # An account always sees itself (its own profile), whatever its role.
    sees_self = sees_self or (action == VIEW and bool(spec.self_field))
    condition = Q()
    for path in paths:
        condition |= subtree_condition(model, spec.unit_path, path)
    if sees_self:
        condition |= _own_rows_outside(model, spec, user, paths)
    if not paths and not sees_self:
        return queryset.none()
    return queryset.filter(condition).distinct() if _needs_distinct(spec) else queryset.filter(condition)


def subtree_condition(model: type[Model], field: str, path: str) -> Q:
    """Rows whose tree path ``field`` starts with ``path``.

    On a column compared byte by byte (``db_collation="C"``, as ``Dossier.unit_path``) this is the
    range ``path <= value < next(path)``: the index answers it alone, where ``LIKE 'path%'`` makes
    PostgreSQL recheck every row it counts (100,000 dossiers: 20 → 13 ms, bench/RESULTS.md).
    Elsewhere (a path reached through a join, or another collation) it is ``startswith``."""
    column = model._meta.get_field(field) if "__" not in field else None
    if path and getattr(column, "db_collation", None) == "C":
        following = path[:-1] + chr(ord(path[-1]) + 1)
        return Q(**{f"{field}__gte": path, f"{field}__lt": following})
    return Q(**{f"{field}__startswith": path})


def _own_rows_outside(model: type[Model], spec: ScopeSpec, user, paths: list[str]) -> Q:
    """The account's own rows that the subtrees ``paths`` do not already cover.

    With no subtree this is the plain "own rows" condition. With subtrees, the own rows are
    looked up first (one indexed query) and only those outside are added, by primary key: an
    ``OR account = me`` beside ``unit path LIKE …`` stops PostgreSQL from using the indexes
    and reads the whole table (bench/RESULTS.md, 100,000 dossiers: 30 ms → 330 ms for a count)."""
    own = Q(**{spec.self_field: _self_value(user, spec.self_field)})
    if not paths:
        return own
    cache = _grant_cache.get()
    key = ("own", _label(model), user.pk)
    if cache is not None and key in cache:
        rows = cache[key]
    else:
        rows = list(model._default_manager.filter(own).values_list("pk", spec.unit_path))
        if cache is not None:
            cache[key] = rows
    prefixes = tuple(paths)
    outside = [pk for pk, path in rows if not (path and path.startswith(prefixes))]
    return Q(pk__in=outside) if outside else Q()


def _self_value(user, field: str):
    # "pk", "user", "account", "dossier__account", "recipient"…: a path ending at the account itself.
    last = field.split("__")[-1]
    if last in ("pk", "id", "user", "user_id", "account", "account_id", "delegate", "recipient", "approver"):
        return user.pk
    return getattr(user, last)


def _needs_distinct(spec: ScopeSpec) -> bool:
    # Paths through to-many relations would duplicate rows.
    return False


def can(user, action: str, model: type[Model]) -> bool:
    """Whether ``user`` may ``action`` some objects of ``model`` at all (menus, buttons)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    spec = _spec(model)
    if user.is_superuser or (action == VIEW and spec.readable_by_all):
        return True
    allowed = CAPABILITIES.get(_label(model), {})
    return any(
        action in allowed.get(grant.role, set()) or (action == VIEW and MANAGE in allowed.get(grant.role, set()))
        for grant in active_grants(user)
    )


def access(*, user, queryset: QuerySet, pk, action: str = VIEW):
    """The object ``pk`` if ``user`` may ``action`` it; ``Http404`` if missing or out of scope."""
    try:
        return restrict(user, action, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def managed_units(user, action: str = MANAGE, model_label: str = "portal.user"):
    """Root units of the subtrees where ``user`` may ``action`` (None in the list: the whole province)."""
    if user.is_superuser:
        return [None]
    roots = []
    allowed = CAPABILITIES.get(model_label, {})
    for grant in active_grants(user):
        if action in allowed.get(grant.role, set()) and grant.role != Role.INDIVIDUAL:
            if grant.unit is None or (grant.role == Role.SYSTEM_ADMIN and grant.unit.depth == 1):
                return [None]
            roots.append(grant.unit)
    return roots


def unit_in_scope(unit, roots) -> bool:
    """Whether ``unit`` lies in one of the subtrees rooted at ``roots`` (None: everywhere)."""
    if unit is None:
        return None in roots
    return any(root is None or unit.path.startswith(root.path) for root in roots)


def highest_rank_over(user, unit) -> int:
    """The highest role rank ``user`` holds over ``unit`` (superuser: above every role)."""
    if user.is_superuser:
        return 1000
    best = 0
    for grant in active_grants(user):
        covers = grant.unit is None or (unit is not None and unit.path.startswith(grant.unit.path))
        if grant.role == Role.SYSTEM_ADMIN and grant.unit is not None and grant.unit.depth == 1:
            covers = True
        if covers:
            best = max(best, ROLE_RANK[grant.role])
    return best
