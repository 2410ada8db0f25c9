"""``python manage.py verify_pdf FILE.pdf``: verify every signature of a PDF against the trust roots.

Prints each signature's report in Vietnamese (signer, role, reason, signing time,
timestamp, integrity, modifications, certificate, trust) and exits 0 only when every
signature is intact, untampered and trusted; otherwise it exits non-zero with the reason
(also for a PDF without any signature and for a file that is not a PDF).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.signing.verify import SignatureReport, pdf_verify


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else "—"


def report_lines(number: int, report: SignatureReport) -> list[str]:
    """The lines printed for one signature."""
    source = _("timestamp") if report.signing_time_source == "timestamp" else _("claimed by the signer's computer")
    lines = [
        _("Signature %(number)s (field %(field)s): %(name)s")
        % {"number": number, "field": report.field_name, "name": report.signer_name or "—"},
        "  " + _("Organization: %(value)s") % {"value": report.signer_organization or "—"},
        "  " + _("Role: %(value)s") % {"value": report.role or "—"},
        "  " + _("Reason: %(value)s") % {"value": report.reason or "—"},
        "  " + _("Signing time: %(time)s (%(source)s)") % {"time": _time(report.signing_time), "source": source},
        "  "
        + _("Timestamp: %(value)s") % {"value": _time(report.timestamp_time) if report.timestamp_time else _("none")},
        "  " + _("Level: %(value)s") % {"value": report.level or "—"},
        "  " + _("Intact: %(value)s") % {"value": _yes_no(report.intact)},
        "  " + _("Modified after signing: %(value)s") % {"value": _yes_no(report.modified_after)},
        "  " + _("Certificate valid at signing time: %(value)s") % {"value": _yes_no(report.certificate_valid)},
        "  " + _("Key usage allows signing: %(value)s") % {"value": _yes_no(report.key_usage_ok)},
        "  " + _("Trusted: %(value)s") % {"value": _yes_no(report.trusted and report.chain_valid)},
        "  " + _("SHA-256 fingerprint: %(value)s") % {"value": report.certificate_fingerprint or "—"},
        "  " + report.summary,
    ]
    return lines


class Command(BaseCommand):
    help = "Verify the digital signatures of a PDF file. / Kiểm tra chữ ký số của tệp PDF."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The PDF file to verify.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError:
            raise CommandError(_("Cannot read file %(path)s.") % {"path": path}) from None
        verification = pdf_verify(data)
        for problem in verification.problems:
            self.stdout.write(problem)
        for number, report in enumerate(verification.signatures, start=1):
            for line in report_lines(number, report):
                self.stdout.write(line)
        if not verification.ok:
            raise CommandError(
                _("%(path)s: the signatures are NOT all intact and trusted.") % {"path": path.name}
                if verification.signatures
                else " ".join(verification.problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(path)s: all %(count)s signatures are intact and trusted.")
                % {"path": path.name, "count": len(verification.signatures)}
            )
        )
