"""``python manage.py export_records --target dossiers --unit CODE --out FILE.xlsx [--columns k1,k2]
[--format xlsx|csv] [--as USER] [--approved] [--filter NAME=VALUE …] [--period-from MM/YYYY] [--period-to MM/YYYY]``

Writes the dossiers (or one repeating section) of a unit's subtree through the same export as
the admin (``imports.exports``): the import's columns, a file that imports back unchanged.
Without ``--as`` the command reads as the system (every dossier of the subtree); with it, as
that account (its scope). The file is written under a temporary name and renamed when
complete, so an interrupted export leaves no half file. ``--filter`` narrows the export as the
dossier list's filters do (``status=…``, ``personnel_category=VC``, ``cf_<key>=…``; the names of
its query string, ``records.forms.list_filters``). ``--period-from`` / ``--period-to`` keep only the
rows of a section whose time overlaps the period (``imports.exports.periods``). Exits non-zero with
a Vietnamese message for an unknown target, unit, column, format, account, filter or period.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.exports.csv_stream import export_csv_stream
from imports.exports.periods import period_parse
from imports.exports.responses import FORMATS
from imports.exports.rows import export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.specs import import_spec, targets
from portal.forms.fields import CUSTOM_PREFIX
from portal.models import Unit
from records.forms import LIST_FILTERS, list_filters


class Command(BaseCommand):
    help = "Export dossiers or a section to xlsx/csv (re-importable). / Xuất hồ sơ hoặc một mục ra tệp xlsx/csv."

    def add_arguments(self, parser):
        parser.add_argument(
            "--target", default="dossiers", help="dossiers, or a section: " + ", ".join(t for t, _ in targets()[1:])
        )
        parser.add_argument("--unit", required=True, help="The code of the unit (its whole subtree is exported).")
        parser.add_argument("--out", required=True, help="The file to write (.xlsx or .csv).")
        parser.add_argument("--columns", default="", help="Column keys separated by commas (default: all).")
        parser.add_argument("--format", dest="fmt", default="", help="xlsx or csv (default: from the file name).")
        parser.add_argument("--as", dest="as_user", default="", help="Read as this account (default: the system).")
        parser.add_argument(
            "--filter",
            dest="filters",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A filter of the dossier list, repeatable: " + ", ".join(LIST_FILTERS) + ", cf_<custom field key>.",
        )
        parser.add_argument("--period-from", default="", metavar="MM/YYYY", help="A section's rows from this month.")
        parser.add_argument("--period-to", default="", metavar="MM/YYYY", help="A section's rows until this month.")
        parser.add_argument(
            "--approved",
            action="store_true",
            help="The approved content only (default: with the changes awaiting approval, as an import compares).",
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        fmt = (options["fmt"] or out.suffix.lstrip(".") or "xlsx").lower()
        if fmt not in FORMATS:
            raise CommandError(_("Unknown export format '%(format)s' (xlsx or csv).") % {"format": fmt})
        units = list(Unit.objects.filter(code=options["unit"])[:2])
        if len(units) != 1:
            raise CommandError(
                _("There is no unit with code '%(code)s'.") % {"code": options["unit"]}
                if not units
                else _("Several units have the code '%(code)s'.") % {"code": options["unit"]}
            )
        user = self._user(options["as_user"])
        columns = [key.strip() for key in options["columns"].split(",") if key.strip()] or None
        filters = self._filters(options["filters"])
        try:
            period = period_parse(options["period_from"], options["period_to"])
            chosen, rows = export_rows(
                user=user,
                target=options["target"],
                unit=units[0],
                columns=columns,
                approved=options["approved"],
                filters=filters,
                period=period,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        counted = _Counter(rows)
        if fmt == "xlsx":
            stream = export_xlsx_stream(chosen, counted, sheet_name=import_spec(options["target"]).sheet_name)
        else:
            stream = export_csv_stream(chosen, counted)
        partial = out.with_name(out.name + ".part")
        try:
            with partial.open("wb") as handle:
                for chunk in stream:
                    handle.write(chunk)
            os.replace(partial, out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(
                _("Cannot write file %(path)s: %(problem)s") % {"path": out, "problem": exc.strerror}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(path)s: %(rows)s rows of '%(target)s' from %(unit)s, %(columns)s columns.")
                % {
                    "path": out,
                    "rows": counted.count,
                    "target": options["target"] + (f" ({period.label()})" if period else ""),
                    "unit": units[0].name,
                    "columns": len(chosen),
                }
            )
        )

    def _filters(self, given: list[str]):
        params = {}
        for item in given:
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or not name:
                raise CommandError(_("Write a filter as NAME=VALUE: '%(filter)s'.") % {"filter": item})
            if name not in LIST_FILTERS and not name.startswith(CUSTOM_PREFIX):
                raise CommandError(
                    _("There is no filter '%(name)s' (%(names)s, or cf_<custom field key>).")
                    % {"name": name, "names": ", ".join(LIST_FILTERS)}
                )
            params[name] = value.strip()
        if not params:
            return None
        try:
            return list_filters(params).filters
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _user(self, username: str):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account '%(username)s'.") % {"username": username})
        return user


class _Counter:
    """Passes the rows through, counting them."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
