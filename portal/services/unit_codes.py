"""Identifier codes in the unit tree: nesting, uniqueness and re-basing when units move.

Used by ``portal.services.units``. A code must sit exactly one level below the code
of its nearest coded (active) ancestor and be unique among active units; when a
subtree moves, its codes are re-based onto the new ancestor's code (domain.md §6).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.identifiers import IdentifierCode, normalize_code, parse_code
from portal.models import Unit


def nearest_coded_ancestor(
    unit: Unit | None, *, skip_ids: set[int] = frozenset(), active_only: bool = True
) -> Unit | None:
    """``unit`` itself or its closest ancestor that carries a code (and is active, by default)."""
    if unit is None:
        return None
    chain = [*unit.get_ancestors(), unit]
    for candidate in reversed(chain):
        if candidate.pk in skip_ids:
            continue
        if candidate.code and (candidate.dissolved_on is None or not active_only):
            return candidate
    return None


def parse_code_or_error(code: str, field_name: str = "code") -> IdentifierCode:
    try:
        return parse_code(code)
    except ValueError as exc:
        raise ValidationError({field_name: str(exc)}) from exc


def check_code_nesting(code: str, anchor: Unit | None, *, unit_name: str, field_name: str = "code") -> None:
    """A code must sit exactly one level below its nearest coded ancestor's code."""
    parsed = parse_code_or_error(code, field_name)
    if anchor is None:
        return
    anchor_code = parse_code(anchor.code)
    if not parsed.nests_under(anchor_code):
        raise ValidationError(
            {
                field_name: _(
                    "Identifier code %(code)s of '%(name)s' does not nest under %(anchor_code)s of '%(anchor)s': "
                    "it must keep the groups of the parent's code and fill level %(level)s."
                )
                % {
                    "code": code,
                    "name": unit_name,
                    "anchor_code": anchor.code,
                    "anchor": anchor.name,
                    "level": anchor_code.level + 1,
                }
            }
        )


def check_codes_unique(codes: dict[str, str], *, exclude_ids: set[int], field_name: str = "code") -> None:
    """``codes`` maps a code to the name of the unit that will carry it."""
    seen: dict[str, str] = {}
    for code, name in codes.items():
        if code in seen:
            raise ValidationError({field_name: _("Identifier code %(code)s would be used twice.") % {"code": code}})
        seen[code] = name
    clash = Unit.objects.filter(code__in=list(codes), dissolved_on__isnull=True).exclude(pk__in=exclude_ids).first()
    if clash is not None:
        raise ValidationError(
            {
                field_name: _("Identifier code %(code)s is already used by active unit '%(name)s'.")
                % {"code": clash.code, "name": clash.name}
            }
        )


def plan_subtree_codes(
    *,
    roots: list[Unit],
    new_parent: Unit,
    code_map: dict[int, str] | None,
) -> dict[int, tuple[str, str]]:
    """New codes for the active coded units of the subtrees under ``roots`` once moved under ``new_parent``.

    Returns {unit id: (old code, new code)} for every coded unit of the subtrees. A code is taken
    from ``code_map`` when given; otherwise it is rebased from its old anchor onto its
    new one when both are of the same level. Raises ``ValidationError`` listing the
    units whose code cannot be derived.
    """
    code_map = {key: normalize_code(value) for key, value in (code_map or {}).items()}
    moving_ids: set[int] = set()
    members: list[Unit] = []
    for root in roots:
        subtree = [unit for unit in Unit.get_tree(root) if unit.dissolved_on is None]
        members.extend(subtree)
        moving_ids.update(unit.pk for unit in subtree)
    outside_anchor = nearest_coded_ancestor(new_parent, skip_ids=moving_ids)

    new_codes: dict[int, str] = {}
    old_codes: dict[int, str] = {unit.pk: unit.code for unit in members}
    by_id = {unit.pk: unit for unit in members}
    problems: list[str] = []
    for unit in members:  # get_tree yields parents before children
        old = unit.code
        if not old and unit.pk not in code_map:
            new_codes[unit.pk] = ""
            continue
        # The anchors before and after the move.
        # The anchor the code was built on, even if that unit is being dissolved (split).
        old_anchor = nearest_coded_ancestor(unit.get_parent(), active_only=False)
        new_anchor_code, new_anchor_old_code = None, None
        cursor = unit.get_parent()
        while cursor is not None and cursor.pk in by_id:
            if new_codes.get(cursor.pk):
                new_anchor_code, new_anchor_old_code = new_codes[cursor.pk], old_codes[cursor.pk]
                break
            cursor = cursor.get_parent()
        if new_anchor_code is None and outside_anchor is not None:
            new_anchor_code = outside_anchor.code
            new_anchor_old_code = old_anchor.code if old_anchor else None
        if unit.pk in code_map:
            new_codes[unit.pk] = code_map[unit.pk]
            continue
        if new_anchor_code is None:
            new_codes[unit.pk] = old  # no coded ancestor above: nothing to nest under
            continue
        if not new_anchor_old_code:
            problems.append(unit.name)
            continue
        old_code = parse_code(old)
        anchor_before, anchor_after = parse_code(new_anchor_old_code), parse_code(new_anchor_code)
        if anchor_before.level != anchor_after.level or not old_code.nests_under(anchor_before):
            problems.append(unit.name)
            continue
        new_codes[unit.pk] = str(old_code.rebased(anchor_before, anchor_after))
    if problems:
        raise ValidationError(
            {
                "code_map": _(
                    "The new identifier code of these units cannot be derived automatically; "
                    "enter it for each: %(units)s."
                )
                % {"units": ", ".join(problems)}
            }
        )
    # Every coded unit is returned, changed or not, so that each is checked where it lands.
    return {pk: (old_codes.get(pk, ""), code) for pk, code in new_codes.items() if code or old_codes.get(pk)}


def validate_planned_codes(plan: dict[int, tuple[str, str]], *, anchors: dict[int, Unit | None]) -> None:
    names = dict(Unit.objects.filter(pk__in=list(plan)).values_list("pk", "name"))
    for pk, (_old, new) in plan.items():
        if new:
            check_code_nesting(new, anchors.get(pk), unit_name=names.get(pk, ""), field_name="code_map")
    check_codes_unique(
        {new: names.get(pk, "") for pk, (_old, new) in plan.items() if new},
        exclude_ids=set(plan),
        field_name="code_map",
    )


def anchors_after(plan_ids: Iterable[int], plan: dict[int, tuple[str, str]]) -> dict[int, Unit | None]:
    """Nearest coded ancestor of each planned unit, with the planned codes applied."""
    anchors: dict[int, Unit | None] = {}
    for pk in plan_ids:
        unit = Unit.objects.get(pk=pk)
        anchor = None
        for ancestor in reversed(unit.get_ancestors()):
            code = plan[ancestor.pk][1] if ancestor.pk in plan else ancestor.code
            if code and ancestor.dissolved_on is None:
                ancestor.code = code
                anchor = ancestor
                break
        anchors[pk] = anchor
    return anchors


def plan_code_change(unit: Unit, new_code: str) -> dict[int, tuple[str, str]]:
    """Check a unit's new code and plan the rebasing of its coded sub-units."""
    anchor = nearest_coded_ancestor(unit.get_parent())
    if new_code:
        check_code_nesting(new_code, anchor, unit_name=unit.name)
        check_codes_unique({new_code: unit.name}, exclude_ids={unit.pk})
    children = [child for child in unit.get_children() if child.dissolved_on is None]
    if not children:
        return {unit.pk: (unit.code, new_code)}
    if not new_code or not unit.code:
        coded = [c for child in children for c in Unit.get_tree(child) if c.code and c.dissolved_on is None]
        if coded:
            raise ValidationError(
                {"code": _("Sub-units of '%(name)s' carry identifier codes; change them first.") % {"name": unit.name}}
            )
        return {unit.pk: (unit.code, new_code)}
    old, new = parse_code(unit.code), parse_code(new_code)
    if old.level != new.level:
        raise ValidationError(
            {
                "code": _(
                    "The new code changes the level of '%(name)s' while its sub-units carry codes; "
                    "move or recode the sub-units first."
                )
                % {"name": unit.name}
            }
        )
    plan = {unit.pk: (unit.code, new_code)}
    for child in children:
        for member in Unit.get_tree(child):
            if member.code and member.dissolved_on is None:
                member_code = parse_code(member.code)
                plan[member.pk] = (member.code, str(member_code.rebased(old, new)))
    check_codes_unique({code: str(pk) for pk, (_o, code) in plan.items() if code}, exclude_ids=set(plan))
    return plan
