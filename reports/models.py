"""The record of every résumé (sơ yếu lý lịch) exported as a PDF, signed or not.

``ResumeExport`` answers "who printed which version of whose résumé, when, and which file
came out": the dossier and version number, the SHA-256 of that version's canonical content,
the SHA-256 of the PDF bytes handed out, and for a signed export the signers and the
credentials used. The PDF itself is not kept (it is rebuilt from the version on demand);
its hash lets the verification page recognise a file we issued
(``reports.selectors.verification_for``).
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopeSpec


class ExportChannel(models.TextChoices):
    """Where the export was asked for."""

    ADMIN = "admin", _("Admin")
    SELF_SERVICE = "self_service", _("Self-service portal")
    COMMAND = "command", _("Command line")


class ResumeExport(models.Model):
    """One résumé PDF handed out.

    Invariants (kept by ``reports.services.exports``): written once, never changed or
    deleted (a database trigger refuses UPDATE and DELETE); ``content_sha256`` is the
    version's ``sha256`` as checked against its content at export time; ``pdf_sha256`` is
    the hash of exactly the bytes handed out; a signed export names its two credentials
    and its ``signatures`` passed ``portal.signing.verify.pdf_verify`` before the row was
    written. ``exported_by`` is None for the system (``manage.py export_resume`` without
    ``--as``). Read through ``portal.scoping`` (``scope``): the exports of the dossiers of
    one's subtree (capabilities in ``reports.apps``).
    """

    dossier = models.ForeignKey(
        "records.Dossier", on_delete=models.PROTECT, related_name="resume_exports", verbose_name=_("dossier")
    )
    version = models.ForeignKey(
        "records.DossierVersion", on_delete=models.PROTECT, related_name="resume_exports", verbose_name=_("version")
    )
    version_number = models.PositiveIntegerField(_("version"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    pdf_size = models.PositiveIntegerField(_("size (bytes)"))
    signed = models.BooleanField(_("digitally signed"), default=False)
    # [{"field", "signer_name", "role", "level", "signing_time", "credential_id", "credential_label",
    #   "certificate_fingerprint"}], in signing order (the person, then the agency seal).
    signatures = models.JSONField(_("signatures"), default=list, blank=True)
    person_credential = models.ForeignKey(
        "portal.SigningCredential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authorized person's credential"),
    )
    seal_credential = models.ForeignKey(
        "portal.SigningCredential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency seal"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ExportChannel.choices)
    # PROTECT: the row cannot be updated (the trigger), so an account that exported is kept.
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    # The name as it was at the time (accounts get renamed).
    exported_by_name = models.CharField(_("exported by"), max_length=200, blank=True)
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    scope = ScopeSpec(unit_path="dossier__unit_path")

    class Meta:
        ordering = ["-exported_at", "-id"]
        verbose_name = _("résumé export")
        verbose_name_plural = _("résumé exports")
        indexes = [models.Index(fields=["dossier", "-exported_at"], name="resume_export_dossier")]
        triggers = [pgtrigger.Protect(name="resume_export_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.dossier_id} v{self.version_number} {self.exported_at:%d/%m/%Y %H:%M}"

    @property
    def signer_summary(self) -> str:
        """The signers as "name (role), name (role)", for lists."""
        return ", ".join(
            f"{item.get('signer_name') or '—'} ({item['role']})" if item.get("role") else item.get("signer_name") or "—"
            for item in self.signatures
        )
