from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import FieldSensitivity, FieldTarget, FieldType


class FieldDefinition(models.Model):
    """A custom field (field catalogue) that the Sở Nội vụ adds without a deploy.

    Values live in the ``custom_fields`` JSONB column of the object the field
    extends (units now, dossiers later), keyed by ``key``. One validation function,
    ``portal.services.fields.values.custom_fields_clean``, serves forms, imports and the API.
    """

    target = models.CharField(_("applies to"), max_length=20, choices=FieldTarget.choices)
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=False)
    regex = models.CharField(_("pattern (regular expression)"), max_length=300, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=6, null=True, blank=True)
    unique = models.BooleanField(_("unique"), default=False)
    catalogue = models.ForeignKey(
        "portal.CatalogueKind",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalogue (for choices)"),
    )
    section = models.CharField(_("section"), max_length=100, blank=True)
    personnel_categories = models.JSONField(
        _("personnel categories"), default=list, blank=True, help_text=_("Codes of catalogue loai_nhan_su; empty: all.")
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=20, choices=FieldSensitivity.choices, default=FieldSensitivity.INTERNAL
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target", "section", "order", "key"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [models.UniqueConstraint(fields=["target", "key"], name="field_definition_unique_key")]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"
