"""Versions of a dossier and the changes that produce them.

``DossierVersion``: the whole dossier (every section, children included, and the custom
fields) as canonical JSON, numbered 1, 2, 3… per dossier, with the SHA-256 of that
canonical content, who made it, when, why and from what (a declaration, a clerk's
entry, an import). Versions are append-only. A version is *pending* (accepted,
awaiting the head of unit's approval) until it is published; publishing a version
rewrites the live dossier row and its section rows from its content.

``Declaration``: one section of the dossier as the person (or a clerk) proposes it,
with the version it was based on, its evidence and its review. The clerk accepts or
returns each declared section; accepting creates the next pending version.

``Evidence``: a file attached to a declaration (PDF/JPEG/PNG checked by content,
size-limited, SHA-256 of the bytes), stored outside any public URL.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopeSpec
from records.choices import DeclarationStatus, VersionSource, VersionStatus


class DossierVersion(models.Model):
    """One version of a whole dossier. Invariant: ``sha256`` is the hash of ``content``'s
    canonical JSON (``records.services.versions.canonical_bytes``); ``unit`` is the dossier's
    unit at the moment the version was created (set by every service that creates one);
    rows are never changed except ``status`` (pending → published) and ``published_*``."""

    # No index of its own: the unique (dossier, number) serves every lookup by dossier, and the latest
    # version (number = the dossier's latest_version) in one index probe instead of a visit to every version.
    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="versions", db_index=False)
    number = models.PositiveIntegerField(_("version"))
    # The dossier's unit when the version was made: an old version's résumé prints it, not
    # the unit the person works in now. Null only for rows older than this column that the
    # migration could not place.
    unit = models.ForeignKey(
        "portal.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.PENDING)
    source = models.CharField(_("source"), max_length=20, choices=VersionSource.choices)
    sections = models.JSONField(_("sections changed"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope = ScopeSpec(unit_path="dossier__unit_path", self_field="dossier__account")
    # Every column but the contents (``records.services.bulk.statistics_refresh``).
    PLANNER_COLUMNS = (
        "id", "dossier", "number", "unit", "status", "source", "created_by", "created_at", "published_by",
        "published_at", "decision_date",
    )  # fmt: skip

    class Meta:
        verbose_name = _("dossier version")
        verbose_name_plural = _("dossier versions")
        ordering = ["dossier_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="dossier_version_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id} v{self.number}"


class Declaration(models.Model):
    """A proposed new content of one section of a dossier, and its review.

    ``base_version`` and ``base_sha256`` record the version the proposal was made
    against and the hash of that section in it, so a review can tell whether someone
    else changed the section in between (the reviewer is told; nothing is overwritten
    silently). Written only by ``records.services.declarations``.
    """

    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="declarations")
    section = models.CharField(_("section"), max_length=40)
    proposed = models.JSONField(_("proposed content"))
    note = models.CharField(_("note from the declarant"), max_length=1000, blank=True)
    base_version = models.PositiveIntegerField(_("based on version"))
    base_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=DeclarationStatus.choices, default=DeclarationStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("reason given by the reviewer"), max_length=1000, blank=True)
    result_version = models.ForeignKey(
        DossierVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )

    scope = ScopeSpec(unit_path="dossier__unit_path", self_field="dossier__account")

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="declaration_queue")]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.section} #{self.pk}"

    @property
    def section_label(self) -> str:
        from records.sections.registry import section_title  # the registry imports the models

        return section_title(self.section)


class Evidence(models.Model):
    """A file supporting a declaration (or a clerk's change). Never served from a public URL."""

    dossier = models.ForeignKey("records.Dossier", on_delete=models.PROTECT, related_name="evidence")
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    version = models.ForeignKey(
        DossierVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    file = models.CharField(_("stored file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope = ScopeSpec(unit_path="dossier__unit_path", self_field="dossier__account")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
