"""``python manage.py unit <action>``: the unit-tree services from the command line.

The same services as the admin and the API (portal.services.units); a unit is
named by its id (``#12`` or ``12``) or its identifier code (``000.00.05.H20``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.models import Unit
from portal.selectors import catalogue_entry_get, unit_children_counts, unit_list
from portal.services.units.common import Decision
from portal.services.units.editing import unit_create, unit_update
from portal.services.units.reorganising import unit_dissolve, unit_merge, unit_move


def parse_day(value: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(_("Date '%(value)s' must be dd/mm/yyyy.") % {"value": value})


def find_unit(reference: str) -> Unit:
    """A unit by id (``12``/``#12``) or by identifier code (active units first)."""
    text = reference.strip().lstrip("#")
    if text.isdigit():
        unit = Unit.objects.filter(pk=int(text)).first()
    else:
        # The active holder of a code first; otherwise the most recently dissolved one.
        unit = Unit.objects.filter(code=text.upper()).order_by("-dissolved_on").first()
    if unit is None:
        raise CommandError(_("No unit '%(reference)s' (give an id or an identifier code).") % {"reference": reference})
    return unit


class Command(BaseCommand):
    help = "Unit tree operations: tree, create, rename, move, merge, dissolve. / Thao tác trên cây đơn vị."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)

        def decision_args(sub, required: bool = False):
            sub.add_argument("--effective", help="Effective date dd/mm/yyyy (default: today).")
            sub.add_argument("--decision", required=required, default="", help="Decision number.")
            sub.add_argument("--decision-date", help="Decision date dd/mm/yyyy.")
            sub.add_argument("--note", default="")

        tree = actions.add_parser("tree", help="Print the tree (or a subtree).")
        tree.add_argument("--root", help="Unit id or code (default: every root).")
        tree.add_argument("--depth", type=int, default=2)
        tree.add_argument("--include-dissolved", action="store_true")

        create = actions.add_parser("create", help="Create a unit.")
        create.add_argument("--parent", help="Parent unit id or code (none: a root unit).")
        create.add_argument("--name", required=True)
        create.add_argument("--short-name", default="")
        create.add_argument("--type", required=True, help="Unit type code (catalogue loai_don_vi), e.g. SO, PHONG.")
        create.add_argument("--code", default="", help="Identifier code NNN.NN.NN.Xnn.")
        decision_args(create)

        rename = actions.add_parser("rename", help="Rename a unit.")
        rename.add_argument("unit")
        rename.add_argument("--name", required=True)
        rename.add_argument("--short-name")
        decision_args(rename)

        move = actions.add_parser("move", help="Move a unit under another.")
        move.add_argument("unit")
        move.add_argument("--parent", required=True)
        decision_args(move)

        merge = actions.add_parser("merge", help="Merge a unit into another.")
        merge.add_argument("unit")
        merge.add_argument("--into", required=True)
        merge.add_argument("--keep-quotas", action="store_true", help="Do not add the quotas to the target's.")
        decision_args(merge, required=True)

        dissolve = actions.add_parser("dissolve", help="Dissolve a unit.")
        dissolve.add_argument("unit")
        decision_args(dissolve, required=True)

    def decision(self, options) -> Decision:
        return Decision(
            effective_on=parse_day(options["effective"]) if options.get("effective") else None,
            number=options.get("decision") or "",
            date=parse_day(options["decision_date"]) if options.get("decision_date") else None,
            note=options.get("note") or "",
        )

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "tree":
                self.print_tree(options)
                return
            if action == "create":
                unit_type = catalogue_entry_get(kind="loai_don_vi", code=options["type"])
                if unit_type is None:
                    raise CommandError(_("Unknown unit type '%(code)s'.") % {"code": options["type"]})
                unit = unit_create(
                    name=options["name"],
                    short_name=options["short_name"],
                    unit_type=unit_type,
                    parent=find_unit(options["parent"]) if options.get("parent") else None,
                    code=options["code"],
                    decision=self.decision(options),
                )
            elif action == "rename":
                changes = {"name": options["name"]}
                if options.get("short_name") is not None:
                    changes["short_name"] = options["short_name"]
                unit = unit_update(unit=find_unit(options["unit"]), changes=changes, decision=self.decision(options))
            elif action == "move":
                unit = unit_move(
                    unit=find_unit(options["unit"]),
                    new_parent=find_unit(options["parent"]),
                    decision=self.decision(options),
                )
            elif action == "merge":
                unit = unit_merge(
                    source=find_unit(options["unit"]),
                    target=find_unit(options["into"]),
                    decision=self.decision(options),
                    combine_quotas=not options["keep_quotas"],
                )
            else:
                unit = unit_dissolve(unit=find_unit(options["unit"]), decision=self.decision(options))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            _("Done: %(name)s (#%(id)s) %(code)s") % {"name": unit.name, "id": unit.pk, "code": unit.code}
        )

    def print_tree(self, options) -> None:
        include_dissolved = options["include_dissolved"]
        if options.get("root"):
            roots = [find_unit(options["root"])]
        else:
            roots = list(Unit.get_root_nodes())
        max_depth = options["depth"]

        def walk(units, level):
            counts = unit_children_counts(units, include_dissolved=include_dissolved)
            for unit in units:
                status = "" if unit.dissolved_on is None else f" [giải thể {unit.dissolved_on:%d/%m/%Y}]"
                self.stdout.write(
                    f"{'  ' * level}#{unit.pk} {unit.code or '-'} {unit.name}{status} ({counts[unit.pk]})"
                )
                if level + 1 < max_depth:
                    walk(list(unit_list(parent=unit, include_dissolved=include_dissolved)), level + 1)

        walk(roots, 0)
