"""``python manage.py import_records FILE --target dossiers --unit CODE [--mapping NAME] [--dry-run]
[--mode all|valid] [--errors OUT.xlsx] [--sheet NAME] [--publish]``

Runs the same job as the admin's import screen (``imports.services.jobs``), as the system
(every unit in scope), and records it in the import history. Exit status: 0 when every row is
valid (dry run) or was imported; 1 when rows failed (their messages are printed, and the error
workbook is written to ``--errors`` when given); 2 for a file that cannot be used (not a
spreadsheet, encrypted, unsafe, no usable header) or a wrong argument.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.choices import ImportMode, ImportStatus
from imports.models import ColumnMapping, ImportRow
from imports.services.jobs import import_job_create, import_job_run
from imports.specs import targets
from portal.models import Unit

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import dossiers or a section from an xlsx/csv file. / Nhập hồ sơ hoặc một mục từ tệp xlsx/csv."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--target", required=True, help="dossiers, or a section: " + ", ".join(t for t, _ in targets()[1:])
        )
        parser.add_argument("--unit", required=True, help="The code of the unit the dossiers belong to.")
        parser.add_argument("--mapping", default="", help="The name of a saved column mapping.")
        parser.add_argument("--sheet", default="", help="The sheet to read (when the workbook has several).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.ALL)
        parser.add_argument("--errors", default="", help="Write the error workbook (failed rows) to this file.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish changes directly instead of waiting for the monthly approval (initial migration).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read file %(path)s.") % {"path": path}, returncode=2) from None
        units = list(Unit.objects.filter(code=options["unit"])[:2])
        if len(units) != 1:
            raise CommandError(
                _("There is no unit with code '%(code)s'.") % {"code": options["unit"]}
                if not units
                else _("Several units have the code '%(code)s'.") % {"code": options["unit"]},
                returncode=2,
            )
        mapping = None
        if options["mapping"]:
            mapping = ColumnMapping.objects.filter(name=options["mapping"]).first()
            if mapping is None:
                raise CommandError(
                    _("There is no column mapping named '%(name)s'.") % {"name": options["mapping"]}, returncode=2
                )
        try:
            job = import_job_create(
                actor=None,
                target=options["target"],
                unit=units[0],
                filename=path.name,
                content=content,
                mapping=mapping,
                mode=options["mode"],
                publish=options["publish"],
                sheet=options["sheet"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from None
        job = import_job_run(job=job, commit=not options["dry_run"])
        if job.status == ImportStatus.REFUSED:
            raise CommandError(f"{path.name}: {job.message}", returncode=2)
        self.stdout.write(
            _("Import #%(job)s, sheet '%(sheet)s', %(rows)s rows.")
            % {"job": job.pk, "sheet": job.sheet, "rows": job.rows_total}
        )
        if job.columns_ignored:
            self.stdout.write(
                _("Columns not used: %(columns)s") % {"columns": ", ".join(f"'{c}'" for c in job.columns_ignored)}
            )
        shown = 0
        for row in ImportRow.objects.filter(job=job, outcome="error").order_by("row_number"):
            for error in row.errors:
                if shown < SHOWN_ERRORS:
                    self.stderr.write(error["message"])
                shown += 1
        if shown > SHOWN_ERRORS:
            self.stderr.write(_("… and %(count)s more errors.") % {"count": shown - SHOWN_ERRORS})
        if job.error_file and options["errors"]:
            with default_storage.open(job.error_file, "rb") as handle:
                Path(options["errors"]).write_bytes(handle.read())
            self.stderr.write(_("Error workbook written to %(path)s.") % {"path": options["errors"]})
        self.stdout.write(job.message)
        if job.rows_error:
            raise CommandError(
                _("%(count)s rows have errors.") % {"count": job.rows_error},
                returncode=1,
            )
