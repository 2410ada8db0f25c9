"""The reusable permission battery (house style §9): every view and endpoint, four ways.

``check_four_ways`` asks one URL as

1. **anonymous**: the admin sends the visitor to its login page; the API answers
   403 (session authentication sends no ``WWW-Authenticate`` header, so DRF
   answers 403 rather than 401);
2. **no permission**: a signed-in account that lacks the capability gets the
   status the project gives (asserted exactly) and a body without the object's data;
3. **permitted**: the expected status;
4. **permitted but in another unit**: an account holding the same capability over
   another subtree gets 404 on an object outside it (never "403, it exists") and
   the object's data appears nowhere in the body.

Each way is also a function of its own so that a battery can parametrize over
(entry, way) and mark a single way as an expected failure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from portal.models import Grant

LOGIN_PREFIX = "/admin/login/"
API_ANONYMOUS_STATUS = 403
WAYS = ("anonymous", "no_permission", "permitted", "other_unit")


def perm(codename: str, app_label: str = "portal") -> Permission:
    """A permission by codename (a Django one, e.g. ``access_admin`` of ``wagtailadmin``)."""
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def make_account(username: str, *, unit=None, role=None, over="same", active=True, grant=None, **fields):
    """An account in ``unit``; with ``role``, a grant over ``over`` (default: its own unit).

    ``grant``: more fields of the grant (``ends_on``, ``revoked_at``...)."""
    grant = dict(grant or {})
    user = get_user_model().objects.create_user(username=username, password=None, unit=unit, is_active=active, **fields)
    if role is not None:
        Grant.objects.create(
            user=user,
            role=role,
            unit=unit if over == "same" else over,
            starts_on=grant.pop("starts_on", datetime.date(2025, 1, 1)),
            **grant,
        )
    return get_user_model().objects.get(pk=user.pk)  # fresh: no permission cache


def admin_client_for(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _request(client, method: str, url: str, data):
    if isinstance(client, APIClient):
        return getattr(client, method)(url, data, format="json")
    return getattr(client, method)(url, data or {})


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode(errors="replace")


def _assert_no_leak(response, secrets: Iterable[str], way: str, url: str) -> None:
    body = _body(response)
    for secret in secrets:
        assert secret not in body, f"{way}: {url} leaks {secret!r}"


def check_anonymous(
    *, url: str, method: str = "get", data=None, api: bool = False, secrets=(), login_prefix: str = LOGIN_PREFIX
) -> None:
    client = api_client_for() if api else admin_client_for()
    response = _request(client, method, url, data)
    if api:
        assert response.status_code == API_ANONYMOUS_STATUS, f"anonymous {method} {url}: {response.status_code}"
    else:
        assert response.status_code == 302, f"anonymous {method} {url}: {response.status_code}"
        assert response["Location"].startswith(login_prefix)
    _assert_no_leak(response, secrets, "anonymous", url)


def check_no_permission(
    *, url: str, user, method: str = "get", data=None, api: bool = False, expect=None, secrets=()
) -> None:
    """``expect``: the project's answer; default 403, or the login redirect (302) for an
    account the admin does not let in at all."""
    client = api_client_for(user) if api else admin_client_for(user)
    response = _request(client, method, url, data)
    expected = expect if expect is not None else 403
    assert response.status_code == expected, f"no permission {method} {url}: {response.status_code} != {expected}"
    if not api and expected == 302:
        assert response["Location"].startswith(LOGIN_PREFIX)
    _assert_no_leak(response, secrets, "no permission", url)


def check_permitted(*, url: str, user, method: str = "get", data=None, api: bool = False, expect=(200,)):
    client = api_client_for(user) if api else admin_client_for(user)
    response = _request(client, method, url, data)
    assert response.status_code in expect, f"permitted {method} {url}: {response.status_code} not in {expect}"
    return response


def check_other_unit(
    *, url: str, user, method: str = "get", data=None, api: bool = False, expect=(404,), secrets=()
) -> None:
    client = api_client_for(user) if api else admin_client_for(user)
    response = _request(client, method, url, data)
    assert response.status_code in expect, f"other unit {method} {url}: {response.status_code} not in {expect}"
    _assert_no_leak(response, secrets, "other unit", url)


def check_four_ways(
    *,
    url: str,
    method: str = "get",
    data=None,
    api: bool = False,
    permitted,
    no_permission,
    other_unit=None,
    expect_permitted=(200,),
    expect_no_permission=None,
    expect_other_unit=(404,),
    secrets: Iterable[str] = (),
):
    """All four ways for one URL; ``other_unit`` None when the object belongs to no unit."""
    secrets = tuple(secrets)
    check_anonymous(url=url, method=method, data=data, api=api, secrets=secrets)
    check_no_permission(
        url=url, user=no_permission, method=method, data=data, api=api, expect=expect_no_permission, secrets=secrets
    )
    response = check_permitted(url=url, user=permitted, method=method, data=data, api=api, expect=expect_permitted)
    if other_unit is not None:
        check_other_unit(
            url=url, user=other_unit, method=method, data=data, api=api, expect=expect_other_unit, secrets=secrets
        )
    return response


@dataclass
class Entry:
    """One battery line: a URL name, how to build its URL from the scenario, who is who."""

    name: str
    url: Callable[[dict], str]
    permitted: str
    no_permission: str
    other_unit: str | None = None
    method: str = "get"
    data: Callable[[dict], dict] | None = None
    api: bool = False
    expect_permitted: tuple[int, ...] = (200,)
    expect_no_permission: int | None = None
    expect_other_unit: tuple[int, ...] = (404,)
    secrets: Callable[[dict], list[str]] = field(default=lambda s: [])
    xfail: dict[str, str] = field(default_factory=dict)  # way → reason
    variant: str = ""  # tells apart entries of one URL name (e.g. the history of each kind of object)
    login_prefix: str = LOGIN_PREFIX  # where anonymous visitors are sent (the self-service portal has its own)

    @property
    def label(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def run(self, way: str, scenario: dict):
        url = self.url(scenario)
        data = self.data(scenario) if self.data else None
        secrets = self.secrets(scenario)
        common = {"url": url, "method": self.method, "data": data, "api": self.api}
        if way == "anonymous":
            return check_anonymous(**common, secrets=secrets, login_prefix=self.login_prefix)
        if way == "no_permission":
            return check_no_permission(
                **common, user=scenario[self.no_permission], expect=self.expect_no_permission, secrets=secrets
            )
        if way == "permitted":
            return check_permitted(**common, user=scenario[self.permitted], expect=self.expect_permitted)
        assert self.other_unit is not None
        return check_other_unit(
            **common, user=scenario[self.other_unit], expect=self.expect_other_unit, secrets=secrets
        )


ADMIN_NAMESPACE_PREFIXES = ("portal_", "records_", "reports_", "imports_")


def project_url_names(*, admin_namespaces_prefix=ADMIN_NAMESPACE_PREFIXES, api_prefix: str = "api/") -> set[str]:
    """Every URL name the project registers: its admin namespaces and its API routes."""
    names: set[str] = set()

    def walk(patterns, route: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                full_route = route + str(pattern.pattern)
                if namespace and namespace.split(":")[-1].startswith(admin_namespaces_prefix):
                    names.add(f"{namespace.split(':')[-1]}:{pattern.name}")
                elif full_route.startswith(api_prefix):
                    names.add(pattern.name)

    walk(get_resolver().url_patterns, "", None)
    return names


def battery_cases(entries):
    """pytest params (entry, way) for a battery module: every way each entry declares."""
    import pytest

    for entry in entries:
        for way in WAYS:
            if way == "no_permission" and entry.no_permission is None:
                continue
            if way == "other_unit" and entry.other_unit is None:
                continue
            marks = [pytest.mark.xfail(strict=True, reason=entry.xfail[way])] if way in entry.xfail else []
            yield pytest.param(entry, way, id=f"{entry.label}-{entry.method}-{way}", marks=marks)
