"""The monthly approval act: the versions an approver signs for, and what it published.

An ``ApprovalAct`` lists, for each dossier it covers, the version the approver saw and the
SHA-256 of that version's canonical content (``ApprovalItem``). Its manifest (a PDF of
that list) is signed by the approver; only then are the listed versions published, and
only those: a dossier that changed after it was listed is skipped, with the reason kept
on its item. The unsigned manifest and the signed PDF are kept in the row (immutable once
signed), so an act and its proof are written and backed up together.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopeSpec
from records.choices import ApprovalActStatus, ApprovalItemOutcome


class ApprovalAct(models.Model):
    """One signing act of one approver for one approving unit and month.

    Invariants (kept by ``records.services.approvals``): items are fixed when the act is
    created; ``signed_pdf`` is set once, after its signatures were verified, and never
    changed; ``manifest_sha256`` is the hash of ``manifest``; an item's outcome moves from
    listed to published or skipped exactly once; ``done`` counts decided items.
    """

    unit = models.ForeignKey(
        "portal.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("approving unit")
    )
    period = models.DateField(_("month"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver")
    )
    approver_name = models.CharField(_("approver's name"), max_length=200)
    approver_title = models.CharField(_("approver's title"), max_length=200, blank=True)
    rule = models.ForeignKey("portal.ApprovalRule", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    delegation = models.ForeignKey(
        "portal.ApprovalDelegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by delegation"),
    )
    override = models.ForeignKey(
        "portal.ApprovalWindowOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outside the window under"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=ApprovalActStatus.choices, default=ApprovalActStatus.AWAITING_SIGNATURE
    )
    total = models.PositiveIntegerField(_("dossiers listed"), default=0)
    done = models.PositiveIntegerField(_("dossiers decided"), default=0)
    published_count = models.PositiveIntegerField(_("dossiers published"), default=0)
    manifest = models.BinaryField(_("manifest (PDF)"))
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64)
    signed_pdf = models.BinaryField(_("signed manifest (PDF)"), null=True, blank=True)
    # Looked up by the verification page (is this uploaded PDF one of our acts?).
    signed_sha256 = models.CharField(_("SHA-256 of the signed manifest"), max_length=64, blank=True, db_index=True)
    signing_backend = models.CharField(_("signing backend"), max_length=20, blank=True)
    signature_level = models.CharField(_("signature level"), max_length=10, blank=True)
    signer_subject = models.CharField(_("signing certificate"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    scope = ScopeSpec(unit_path="unit__path", self_field="approver")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("approval act")
        verbose_name_plural = _("approval acts")

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit_id} {self.period:%m/%Y}"

    @property
    def purpose(self) -> str:
        """What a signature for this act is bound to (refused for any other act or document)."""
        return f"approval_act:{self.pk}:{self.manifest_sha256}"


class ApprovalItem(models.Model):
    """One dossier of an act: the version listed, its content hash, and what became of it."""

    act = models.ForeignKey(ApprovalAct, on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="approval_items")
    version = models.ForeignKey("records.DossierVersion", on_delete=models.PROTECT, related_name="approval_items")
    number = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256 of the version"), max_length=64)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ApprovalItemOutcome.choices, default=ApprovalItemOutcome.LISTED
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope = ScopeSpec(unit_path="dossier__unit_path", self_field="dossier__account")

    class Meta:
        ordering = ["act_id", "id"]
        verbose_name = _("approval act item")
        verbose_name_plural = _("approval act items")
        constraints = [models.UniqueConstraint(fields=["act", "dossier"], name="approval_item_unique")]

    def __str__(self) -> str:
        return f"{self.act_id}/{self.dossier_id} v{self.number}"
