from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import Verification


class CatalogueKind(models.Model):
    """A catalogue (danh mục): ethnicity, grades, unit types, salary groups, ...

    Kinds are content: the Sở Nội vụ creates new ones in the admin. Each kind can
    declare typed extra attributes (``attribute_schema``) that its entries carry,
    e.g. a grade's salary group or a salary group's step coefficients; the schema is
    validated by ``portal.services.catalogues.validate_attribute_schema`` and entry
    values by ``validate_entry_attributes``.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    code_system = models.CharField(_("code system"), max_length=64, default="HSCBCCVC")
    hierarchical = models.BooleanField(_("hierarchical"), default=False)
    attribute_schema = models.JSONField(_("attribute schema"), default=list, blank=True)
    is_standard = models.BooleanField(_("standard catalogue"), default=False, editable=False)
    data_version = models.CharField(_("data version"), max_length=20, blank=True, editable=False)
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("catalogue")
        verbose_name_plural = _("catalogues")

    def __str__(self) -> str:
        return self.name


class CatalogueEntry(models.Model):
    """One value of a catalogue, valid over a period.

    Invariants (kept by the services, not by ``save()``): for one kind and code
    system, periods of the same code never overlap; an entry that anything refers to
    is retired (``active=False``), never deleted; a parent belongs to the same kind.
    ``valid_to`` is exclusive: the first day the entry no longer applies.
    """

    kind = models.ForeignKey(CatalogueKind, on_delete=models.PROTECT, related_name="entries")
    code = models.CharField(_("code"), max_length=64)
    code_system = models.CharField(_("code system"), max_length=64)
    label = models.CharField(_("label"), max_length=500)
    label_en = models.CharField(_("English label"), max_length=500, blank=True)
    label_folded = models.CharField(max_length=500, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, editable=False)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    verification = models.CharField(_("verification"), max_length=2, choices=Verification.choices, blank=True)
    data_version = models.CharField(_("data version"), max_length=20, blank=True, editable=False)
    locally_modified = models.BooleanField(_("edited locally"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code_system", "code", "valid_from"],
                name="catalogue_entry_unique_period_start",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="catalogue_entry_valid_period",
            ),
        ]
        indexes = [models.Index(fields=["kind", "code"], name="catalogue_entry_kind_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)
