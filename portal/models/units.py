from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from portal.choices import UnitEventKind
from portal.scoping import ScopeSpec


class Unit(MP_Node):
    """An agency or unit of the province (UBND, sở, phòng, school, commune...).

    A materialised-path tree. Units are never deleted: a merged, split or
    dissolved unit keeps its row, its ``dissolved_on`` date and, where it has one,
    its ``successor``; events and later personnel histories keep pointing at it.
    Invariants (kept by ``portal.services.units``): an active unit's identifier
    code is unique among active units and nests under the code of its nearest
    coded ancestor (domain.md §6); an active unit never sits under a dissolved one.
    """

    node_order_by = None
    steplen = 4
    scope = ScopeSpec(unit_path="path", readable_by_all=True)

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    unit_type = models.ForeignKey(
        "portal.CatalogueEntry",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit type"),
        limit_choices_to={"kind__code": "loai_don_vi"},
    )
    code = models.CharField(_("electronic identifier code"), max_length=13, blank=True, db_index=True)
    admin_area_code = models.CharField(_("administrative area code"), max_length=10, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    quota_civil_servants = models.PositiveIntegerField(_("civil-servant positions"), default=0)
    quota_public_employees = models.PositiveIntegerField(_("public-employee positions"), default=0)
    quota_contracts_111 = models.PositiveIntegerField(_("NĐ 111 contracts"), default=0)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(dissolved_on__isnull=True) & ~Q(code=""),
                name="unit_active_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class UnitEvent(models.Model):
    """One entry of a unit's history: created, renamed, moved, merged, split, dissolved...

    ``details`` keeps the before/after values (names, codes, parents, moved
    sub-units) as they were at the time, so history reads correctly after later
    changes. Written only by ``portal.services.units``; never edited.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events", verbose_name=_("unit"))
    kind = models.CharField(_("event"), max_length=20, choices=UnitEventKind.choices)
    effective_on = models.DateField(_("effective on"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    related_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("related unit"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")
        indexes = [models.Index(fields=["unit", "-effective_on"], name="unit_event_unit_date")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.get_kind_display()} ({self.effective_on:%d/%m/%Y})"
