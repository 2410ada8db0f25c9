"""``python manage.py export_resume``: write a résumé PDF, unsigned or signed, from the command line.

    python manage.py export_resume --id <personal id> [--version N]
        [--sign --signer <credential> --seal <credential>] --out FILE.pdf [--as <username>]

Writes a résumé (sơ yếu lý lịch) PDF through the same services as the admin
(``reports.services.exports``), so every export is recorded (channel "command line").

- Without ``--sign``: the résumé of version N (default: the approved version, or the latest
  when none is approved yet).
- With ``--sign``: the approved version signed by the authorized person (``--signer``) and
  sealed by the agency (``--seal``); a credential is named by its id or its exact label.
  ``--version`` is then only accepted if it names the approved version.
- ``--as USER``: act as that account, with its permissions (scope, role, which credentials
  it may use). Without it the command acts as the system: no permission check, and the
  export is recorded without an account (``exported_by`` empty); only the approvers'
  personal credentials can then sign (nobody is "yourself").

Exits 0 after writing the file; non-zero with a Vietnamese message on any refusal (unknown
id, out of scope, no approved version, unusable credential, a signature that does not verify).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from records.models import DossierVersion
from records.selectors import version_get
from reports.models import ExportChannel
from reports.selectors import dossier_by_personal_id, signing_credentials_by_reference
from reports.services.exports import resume_export_signed, resume_export_unsigned


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Export a résumé as a PDF, optionally digitally signed. / Xuất sơ yếu lý lịch ra tệp PDF, có thể ký số."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # ``--version`` is the dossier version here, not Django's own version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--id", dest="personal_id", required=True, help="Personal identification number (12 digits)."
        )
        parser.add_argument("--version", dest="version_number", type=int, help="Version number (default: approved).")
        parser.add_argument("--sign", action="store_true", help="Sign by the authorized person, then seal.")
        parser.add_argument("--signer", help="The authorized person's credential: id or label.")
        parser.add_argument("--seal", help="The agency seal credential: id or label.")
        parser.add_argument("--out", required=True, help="The PDF file to write.")
        parser.add_argument("--as", dest="as_user", help="Act as this account (default: the system).")

    def handle(self, *args, **options):
        user = self._user(options["as_user"])
        dossier = dossier_by_personal_id(user=user, personal_id=options["personal_id"])
        if dossier is None:
            raise CommandError(
                _("No dossier with personal identification number %(id)s (or it is outside your scope).")
                % {"id": options["personal_id"]}
            )
        out = Path(options["out"])
        try:
            if options["sign"]:
                if not options["signer"] or not options["seal"]:
                    raise CommandError(_("--sign needs --signer and --seal (a credential id or label)."))
                pdf, export = resume_export_signed(
                    user=user,
                    dossier=dossier,
                    person_signer=self._credential(options["signer"], "--signer"),
                    seal_signer=self._credential(options["seal"], "--seal"),
                    version=options["version_number"],
                    channel=ExportChannel.COMMAND,
                )
            else:
                if options["signer"] or options["seal"]:
                    raise CommandError(_("--signer and --seal are used only with --sign."))
                pdf, export = resume_export_unsigned(
                    user=user,
                    dossier=dossier,
                    version=self._version(dossier, options["version_number"]),
                    channel=ExportChannel.COMMAND,
                )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(
                _("Cannot write file %(path)s: %(problem)s") % {"path": out, "problem": exc.strerror}
            ) from None
        message = _("%(path)s: résumé of %(name)s (%(id)s), version %(number)s, %(kind)s; SHA-256 %(sha)s.") % {
            "path": out,
            "name": dossier.full_name,
            "id": dossier.personal_id,
            "number": export.version_number,
            "kind": _("signed by %(signers)s") % {"signers": export.signer_summary} if export.signed else _("unsigned"),
            "sha": export.pdf_sha256,
        }
        self.stdout.write(self.style.SUCCESS(message))

    def _user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account '%(username)s'.") % {"username": username})
        return user

    def _credential(self, reference: str, option: str):
        found = signing_credentials_by_reference(reference)
        if not found:
            raise CommandError(
                _("No signing credential with id or label '%(reference)s' (%(option)s).")
                % {"reference": reference, "option": option}
            )
        if len(found) > 1:
            raise CommandError(
                _("%(count)s signing credentials are labelled '%(reference)s' (%(option)s): give the id.")
                % {"count": len(found), "reference": reference, "option": option}
            )
        return found[0]

    def _version(self, dossier, number: int | None) -> DossierVersion:
        number = number or dossier.live_version or dossier.latest_version
        try:
            return version_get(dossier=dossier, number=number)
        except DossierVersion.DoesNotExist:
            raise CommandError(
                _("Dossier %(id)s has no version %(number)s.") % {"id": dossier.personal_id, "number": number}
            ) from None
