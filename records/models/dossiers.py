"""The dossier: one row per person, keyed by the 12-digit personal identification number.

The row holds the **approved (live)** content of the TT 06/2023 résumé: the header and
the single-value items 1–31, 34.1, 37.3 and 38. The repeating sections (32.x, 33, 34.2,
34.3, 35.x, 36.x, 37.1, 37.2, NĐ 111 contracts) are child tables
(``records.models.sections``). Every version of the whole dossier, children included,
is a ``DossierVersion`` (``records.models.versions``); the live row and its children are
rewritten only when a version is published (``records.services.versions``).

Catalogue-backed items store the entry's code (what reports group by and the national
database receives), never a foreign key: a catalogue entry's periods are rows of their
own, and a code stays meaningful when an entry is retired. Dossiers are never deleted:
a person leaving keeps a readable dossier in an end state (``records.choices``).
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopeSpec
from records.choices import BloodGroup, DossierStatus

MONTH_HELP = _("Month and year, mm/yyyy (or only the year).")


def code_field(label, *, max_length: int = 20) -> models.CharField:
    """A catalogue code (the catalogue is named in ``records.sections``)."""
    return models.CharField(label, max_length=max_length, blank=True)


def text_field(label, *, max_length: int = 300) -> models.CharField:
    return models.CharField(label, max_length=max_length, blank=True)


def date_field(label) -> models.DateField:
    return models.DateField(label, null=True, blank=True)


def decimal_field(label, *, digits: int = 5, places: int = 2) -> models.DecimalField:
    return models.DecimalField(label, max_digits=digits, decimal_places=places, null=True, blank=True)


def small_field(label) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class Dossier(models.Model):
    """One person's dossier (hồ sơ), the approved content of the TT 06/2023 résumé.

    Invariants: ``personal_id`` is 12 digits, valid and unique (``records.identity``);
    the row changes only through ``records.services`` (publishing a version, or a status
    change), never by editing fields directly; rows are never deleted.
    Read through ``portal.scoping`` (``scope``): clerks and admins see their unit
    subtrees, an individual their own dossier (``account``).
    """

    # --- header ---------------------------------------------------------------------------------
    personal_id = models.CharField(_("personal identification number"), max_length=12, unique=True)
    # No index of its own: "dossier_unit_sort" (unit, name_sort_key) serves every lookup by unit.
    unit = models.ForeignKey(
        "portal.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("using unit"),
        db_index=False,
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossier",
        verbose_name=_("account"),
    )
    personnel_category = code_field(_("personnel category"))
    staff_number = text_field(_("staff number"), max_length=30)
    status = models.CharField(
        _("status"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.WORKING, db_index=True
    )
    status_effective_on = date_field(_("status effective on"))
    status_decision = text_field(_("status decision"), max_length=100)

    # --- items 1–10: identity ---------------------------------------------------------------------
    full_name = models.CharField(_("full name at birth"), max_length=150)
    sex = code_field(_("sex"), max_length=2)
    other_names = text_field(_("other names"), max_length=150)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, db_index=True)
    birth_place = text_field(_("place of birth"))
    hometown = text_field(_("home town"))
    ethnicity = code_field(_("ethnicity"), max_length=10)
    religion = code_field(_("religion"), max_length=10)
    id_issued_on = date_field(_("identity card issued on"))
    phone = text_field(_("phone"), max_length=20)
    social_insurance_number = text_field(_("social insurance number"), max_length=20)
    health_insurance_number = text_field(_("health insurance card number"), max_length=20)
    current_address = text_field(_("current address"))

    # --- items 11–18: background ------------------------------------------------------------------
    family_background = text_field(_("family background"), max_length=100)
    occupation_before_recruitment = text_field(_("occupation before recruitment"), max_length=200)
    first_recruited_on = date_field(_("first recruited on"))
    recruiting_body = text_field(_("recruiting agency"))
    joined_current_agency_on = date_field(_("joined the current agency on"))
    party_joined_on = date_field(_("joined the Communist Party on"))
    party_official_on = date_field(_("full Party member since"))
    socio_political_joined_on = date_field(_("joined the first socio-political organisation on"))
    socio_political_organisation = text_field(_("first socio-political organisation"), max_length=200)
    military_enlisted_on = date_field(_("enlisted on"))
    military_discharged_on = date_field(_("discharged on"))
    military_rank = text_field(_("highest military rank"), max_length=100)
    policy_beneficiary = text_field(_("policy beneficiary status"), max_length=200)

    # --- items 19–22: education -------------------------------------------------------------------
    general_education = code_field(_("general education"))
    highest_qualification = code_field(_("highest professional qualification"))
    academic_title = code_field(_("academic title"))
    honorary_title = text_field(_("state honorary title"), max_length=200)

    # --- items 23–29: positions and work ----------------------------------------------------------
    position = code_field(_("current position"))
    position_appointed_on = date_field(_("appointed (approved) on"))
    position_reappointed_on = date_field(_("reappointed for the next term on"))
    succession_plan = text_field(_("title in the succession plan"), max_length=200)
    concurrent_position = text_field(_("concurrent position"), max_length=200)
    party_position = code_field(_("current Party position"))
    party_concurrent_position = text_field(_("concurrent Party position"), max_length=200)
    main_work = text_field(_("main assigned work"))
    strengths = text_field(_("work strengths"))
    longest_job = text_field(_("longest-held job"))

    # --- item 30: pay -----------------------------------------------------------------------------
    grade = code_field(_("grade or professional title"))
    grade_appointed_on = date_field(_("appointed to the grade on"))
    salary_step = small_field(_("salary step"))
    salary_coefficient = decimal_field(_("salary coefficient"))
    salary_effective_on = date_field(_("salary effective on"))
    salary_percent = decimal_field(_("percentage received (%)"))
    seniority_excess_percent = small_field(_("over-ceiling seniority allowance (%)"))
    seniority_excess_from = date_field(_("over-ceiling seniority allowance from"))
    position_allowance = decimal_field(_("position allowance coefficient"), digits=4)
    concurrent_allowance = decimal_field(_("concurrent-post allowance coefficient"), digits=4)
    other_allowances = text_field(_("other allowances"))
    job_position = text_field(_("job position"), max_length=200)
    job_position_code = text_field(_("job position code"), max_length=30)
    job_salary_step = small_field(_("job-position pay step"))
    job_salary_amount = models.PositiveBigIntegerField(_("job-position pay (VND)"), null=True, blank=True)
    job_salary_effective_on = date_field(_("job-position pay effective on"))
    job_salary_percent = decimal_field(_("job-position pay percentage received (%)"))
    job_seniority_excess_percent = small_field(_("job-position over-ceiling seniority allowance (%)"))
    job_seniority_excess_from = date_field(_("job-position over-ceiling seniority allowance from"))

    # --- item 31: health --------------------------------------------------------------------------
    health_status = text_field(_("health"), max_length=100)
    height_cm = small_field(_("height (cm)"))
    weight_kg = small_field(_("weight (kg)"))
    blood_group = models.CharField(_("blood group"), max_length=2, choices=BloodGroup.choices, blank=True)

    # --- items 34.1, 37.3, 38 ---------------------------------------------------------------------
    arrest_history = models.TextField(_("arrests or imprisonment"), blank=True)
    income_salary = models.PositiveBigIntegerField(_("annual income from salary (VND)"), null=True, blank=True)
    income_other = text_field(_("other income sources"))
    housing_allocated = text_field(_("housing allocated or rented"))
    housing_owned = text_field(_("housing bought or built"))
    land_allocated = text_field(_("residential land allocated"))
    land_owned = text_field(_("residential land bought"))
    land_business = text_field(_("production and business land"))
    remarks = models.TextField(_("remarks and evaluation of the using agency"), blank=True)

    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    # --- kept by the services ---------------------------------------------------------------------
    # Searched by word prefix through the full-text index below (``records.selectors.name_search``).
    name_folded = models.CharField(max_length=150, editable=False)
    # Compared byte by byte (the key is built for that in Python), whatever the database's collation.
    name_sort_key = models.CharField(max_length=400, editable=False, db_collation="C")
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    missing_items = models.JSONField(_("missing items"), default=list, blank=True, editable=False)
    live_version = models.PositiveIntegerField(_("approved version"), default=0)
    latest_version = models.PositiveIntegerField(_("latest version"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The unit's tree path, copied onto the row by database triggers (migration 0005) whenever the
    # dossier's unit or a unit's path changes (a move, a merge, a transfer), so a subtree is one
    # indexed prefix match on this table, with no join to the units.
    unit_path = models.CharField(max_length=255, db_collation="C", default="", editable=False)

    scope = ScopeSpec(unit_path="unit_path", self_field="account")
    # What the planner needs right after a bulk load (``records.services.bulk.statistics_refresh``):
    # the columns of scoping, lookups, joins, the list's order and its filters.
    PLANNER_COLUMNS = (
        "id", "unit", "unit_path", "status", "personal_id", "account", "name_sort_key", "name_folded",
        "birth_date", "personnel_category", "grade", "highest_qualification", "sex", "ethnicity",
        "party_joined_on", "completeness", "live_version", "latest_version",
    )  # fmt: skip

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["name_sort_key", "personal_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(personal_id__regex=r"^[0-9]{12}$"), name="dossier_personal_id_12")
        ]
        indexes = [
            models.Index(fields=["unit", "name_sort_key"], name="dossier_unit_sort"),
            models.Index(fields=["unit_path", "status"], name="dossier_unit_path"),
            # The lists' default order: a page is read from the index instead of sorting every row.
            models.Index(fields=["name_sort_key", "personal_id"], name="dossier_name_order"),
            # Word-prefix search on the folded name ("nguy van" finds "Nguyễn Văn …"): PostgreSQL's
            # own full-text search with the "simple" configuration, no extension needed.
            GinIndex(SearchVector("name_folded", config="simple"), name="dossier_name_search"),
            # A prefix search on the id (LIKE '0790%') uses the varchar_pattern_ops index Django
            # creates beside the unique constraint on PostgreSQL; a second one only slowed writes.
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"

    @property
    def is_active(self) -> bool:
        return self.status == DossierStatus.WORKING
