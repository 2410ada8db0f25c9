"""What the unit API tests (portal/api, units) share: the URLs, clients signed in three ways, and
readers of the tree."""

from __future__ import annotations

from portal.models import Unit

UNITS = "/api/v1/units/"
DECISION = {"effective_on": "2025-09-01", "decision_number": "123/QĐ-UBND", "decision_date": "2025-08-25"}


def unit_url(unit_id, suffix: str = "") -> str:
    return f"{UNITS}{unit_id}/{suffix}"


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def tree_snapshot() -> list[tuple]:
    return list(Unit.objects.order_by("pk").values_list("pk", "path", "code", "dissolved_on", "successor_id"))


def children_of(unit: Unit):
    # Re-read first: treebeard answers "no children" from a stale ``numchild``.
    return fresh(unit).get_children()


def parent_of(unit: Unit) -> Unit | None:
    return fresh(unit).get_parent()


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]
