"""The sections of a dossier, in the order of the TT 06/2023 résumé (domain.md §1.2–1.3).

A section is the unit of declaration, review, comparison and completeness: the person
declares a new "32.1 Professional training", the clerk accepts or returns it, two
versions are compared section by section. ``SECTIONS`` is the one description of them:
the admin and portal forms, the API, imports, the résumé and the diff all read it.

Single sections are groups of columns of ``Dossier``; row sections are child tables
(``records.models.sections``). Field kinds come from the model fields; catalogue-backed
fields name their catalogue kind here. ``required`` marks the template items counted by
completeness (domain.md does not say which items are mandatory: this list is the
product's choice, kept in one place so a province profile can change it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from records import models as records_models
from records.choices import FamilySide

SINGLE, ROWS = "single", "rows"
TEXT, LONG_TEXT, DATE, MONTH, INTEGER, DECIMAL, CODE, CHOICE = (
    "text",
    "long_text",
    "date",
    "month",
    "integer",
    "decimal",
    "code",
    "choice",
)
MONTH_FIELDS = {"period_from", "period_to"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: object  # lazy translation
    kind: str
    catalogue: str = ""
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    # Decimals: the column's scale and precision (values are kept with exactly ``decimal_places``).
    decimal_places: int | None = None
    max_digits: int | None = None
    # Whole numbers: the largest value the column holds (a bigger one is refused, not a server error).
    max_value: int | None = None


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: object  # lazy translation
    kind: str
    field_names: tuple[str, ...]
    catalogues: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    model_name: str = "Dossier"
    row_filter: dict[str, str] = field(default_factory=dict)
    # Only clerks change these sections (the person declares everything else).
    clerk_only: bool = False

    @property
    def model(self) -> type[models.Model]:
        return getattr(records_models, self.model_name)

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else str(self.title)

    @cached_property
    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(
            _field_spec(self.model._meta.get_field(name), self.catalogues.get(name, "")) for name in self.field_names
        )

    def field(self, name: str) -> FieldSpec:
        """The field ``name`` of the section; ``KeyError`` if the section has none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


def _field_spec(model_field: models.Field, catalogue: str) -> FieldSpec:
    label = model_field.verbose_name  # lazy: shown in the language of each request
    max_length = getattr(model_field, "max_length", None)
    if catalogue:
        kind = CODE
    elif model_field.choices:
        return FieldSpec(model_field.name, label, CHOICE, choices=tuple((str(k), v) for k, v in model_field.choices))
    elif model_field.name in MONTH_FIELDS:
        kind = MONTH
    elif isinstance(model_field, models.DateField):
        kind = DATE
    elif isinstance(model_field, models.DecimalField):
        return FieldSpec(
            model_field.name,
            label,
            DECIMAL,
            decimal_places=model_field.decimal_places,
            max_digits=model_field.max_digits,
        )
    elif isinstance(model_field, models.IntegerField):
        _low, high = connection.ops.integer_field_range(model_field.get_internal_type())
        return FieldSpec(model_field.name, label, INTEGER, max_value=high)
    elif isinstance(model_field, models.TextField):
        kind = LONG_TEXT
    else:
        kind = TEXT
    return FieldSpec(model_field.name, label, kind, catalogue=catalogue, max_length=max_length)


PERIOD = ("period_from", "period_to")

SECTIONS: tuple[Section, ...] = (
    Section(
        "header",
        "",
        _("Record header"),
        SINGLE,
        ("personnel_category", "staff_number"),
        catalogues={"personnel_category": "loai_nhan_su"},
        required=("personnel_category",),
        clerk_only=True,
    ),
    Section(
        "identity",
        "1–10",
        _("Identity and contact"),
        SINGLE,
        (
            "full_name",
            "sex",
            "other_names",
            "birth_date",
            "birth_place",
            "hometown",
            "ethnicity",
            "religion",
            "id_issued_on",
            "phone",
            "social_insurance_number",
            "health_insurance_number",
            "current_address",
        ),
        catalogues={"sex": "gioi_tinh", "ethnicity": "dan_toc", "religion": "ton_giao"},
        required=("full_name", "sex", "birth_date", "birth_place", "hometown", "ethnicity", "current_address"),
    ),
    Section(
        "background",
        "11–18",
        _("Background, recruitment, Party and military service"),
        SINGLE,
        (
            "family_background",
            "occupation_before_recruitment",
            "first_recruited_on",
            "recruiting_body",
            "joined_current_agency_on",
            "party_joined_on",
            "party_official_on",
            "socio_political_joined_on",
            "socio_political_organisation",
            "military_enlisted_on",
            "military_discharged_on",
            "military_rank",
            "policy_beneficiary",
        ),
        required=("first_recruited_on", "recruiting_body", "joined_current_agency_on"),
    ),
    Section(
        "education",
        "19–22",
        _("Education and titles"),
        SINGLE,
        ("general_education", "highest_qualification", "academic_title", "honorary_title"),
        catalogues={
            "general_education": "giao_duc_pho_thong",
            "highest_qualification": "trinh_do_chuyen_mon",
            "academic_title": "hoc_ham",
        },
        required=("general_education", "highest_qualification"),
    ),
    Section(
        "positions",
        "23–29",
        _("Positions and work"),
        SINGLE,
        (
            "position",
            "position_appointed_on",
            "position_reappointed_on",
            "succession_plan",
            "concurrent_position",
            "party_position",
            "party_concurrent_position",
            "main_work",
            "strengths",
            "longest_job",
        ),
        catalogues={"position": "chuc_vu_chinh_quyen", "party_position": "chuc_vu_dang"},
        required=("main_work",),
    ),
    Section(
        "salary",
        "30",
        _("Pay"),
        SINGLE,
        (
            "grade",
            "grade_appointed_on",
            "salary_step",
            "salary_coefficient",
            "salary_effective_on",
            "salary_percent",
            "seniority_excess_percent",
            "seniority_excess_from",
            "position_allowance",
            "concurrent_allowance",
            "other_allowances",
            "job_position",
            "job_position_code",
            "job_salary_step",
            "job_salary_amount",
            "job_salary_effective_on",
            "job_salary_percent",
            "job_seniority_excess_percent",
            "job_seniority_excess_from",
        ),
        catalogues={"grade": "ngach_cdnn"},
        required=("grade", "salary_step", "salary_coefficient", "salary_effective_on"),
        clerk_only=True,
    ),
    Section(
        "health",
        "31",
        _("Health"),
        SINGLE,
        ("health_status", "height_cm", "weight_kg", "blood_group"),
        required=("health_status",),
    ),
    Section(
        "training_professional",
        "32.1",
        _("Professional training"),
        ROWS,
        (*PERIOD, "institution", "major", "training_form", "qualification", "degree"),
        catalogues={"qualification": "trinh_do_chuyen_mon"},
        required=("period_from", "institution", "major"),
        model_name="ProfessionalTraining",
    ),
    Section(
        "training_political",
        "32.2",
        _("Political theory"),
        ROWS,
        (*PERIOD, "institution", "training_form", "level", "degree"),
        catalogues={"level": "ly_luan_chinh_tri"},
        required=("period_from", "institution"),
        model_name="PoliticalTraining",
    ),
    Section(
        "training_management",
        "32.3",
        _("State management and refresher training"),
        ROWS,
        (*PERIOD, "institution", "level", "certificate"),
        catalogues={"level": "quan_ly_nha_nuoc"},
        required=("period_from", "institution"),
        model_name="ManagementTraining",
    ),
    Section(
        "training_defence",
        "32.4",
        _("Defence and security knowledge"),
        ROWS,
        (*PERIOD, "institution", "certificate"),
        required=("period_from", "institution"),
        model_name="DefenceTraining",
    ),
    Section(
        "training_it",
        "32.5",
        _("Information technology"),
        ROWS,
        (*PERIOD, "institution", "level", "certificate"),
        catalogues={"level": "tin_hoc"},
        required=("period_from",),
        model_name="ItTraining",
    ),
    Section(
        "training_language",
        "32.6",
        _("Foreign and ethnic-minority languages"),
        ROWS,
        (*PERIOD, "institution", "language", "level", "certificate", "score"),
        catalogues={"language": "ngoai_ngu", "level": "trinh_do_ngoai_ngu"},
        required=("period_from", "language"),
        model_name="LanguageTraining",
    ),
    Section(
        "work_history",
        "33",
        _("Work history"),
        ROWS,
        (*PERIOD, "workplace", "title"),
        required=("period_from", "workplace"),
        model_name="WorkHistory",
    ),
    Section("arrests", "34.1", _("Arrests or imprisonment"), SINGLE, ("arrest_history",)),
    Section(
        "former_regime",
        "34.2",
        _("Work for the former regime"),
        ROWS,
        (*PERIOD, "description"),
        required=("description",),
        model_name="FormerRegimeService",
    ),
    Section(
        "foreign_organisations",
        "34.3",
        _("Links with foreign organisations"),
        ROWS,
        (*PERIOD, "description"),
        required=("description",),
        model_name="ForeignOrganisation",
    ),
    Section(
        "rewards",
        "35.1",
        _("Emulation, rewards and annual ratings"),
        ROWS,
        ("year", "professional_rating", "emulation_rating", "reward_form", "reward_detail"),
        catalogues={"professional_rating": "xep_loai_danh_gia", "reward_form": "hinh_thuc_khen_thuong"},
        required=("year",),
        model_name="RewardRating",
        clerk_only=True,
    ),
    Section(
        "discipline",
        "35.2",
        _("Discipline"),
        ROWS,
        (*PERIOD, "form", "violation", "deciding_body"),
        catalogues={"form": "hinh_thuc_ky_luat"},
        required=("period_from", "form"),
        model_name="Discipline",
        clerk_only=True,
    ),
    Section(
        "family_own",
        "36.1",
        _("Family: parents, spouse, children, siblings"),
        ROWS,
        ("relation", "full_name", "birth_year", "details"),
        catalogues={"relation": "quan_he_gia_dinh"},
        required=("relation", "full_name"),
        model_name="FamilyMember",
        row_filter={"side": FamilySide.OWN},
    ),
    Section(
        "family_spouse",
        "36.2",
        _("The spouse's parents and siblings"),
        ROWS,
        ("relation", "full_name", "birth_year", "details"),
        catalogues={"relation": "quan_he_gia_dinh"},
        required=("relation", "full_name"),
        model_name="FamilyMember",
        row_filter={"side": FamilySide.SPOUSE},
    ),
    Section(
        "salary_history",
        "37.1",
        _("Pay history"),
        ROWS,
        ("date_from", "date_to", "grade", "step", "coefficient", "job_position_amount"),
        catalogues={"grade": "ngach_cdnn"},
        required=("date_from",),
        model_name="SalaryHistory",
        clerk_only=True,
    ),
    Section(
        "allowances",
        "37.2",
        _("Other allowances"),
        ROWS,
        (*PERIOD, "allowance_type", "percent", "coefficient", "form", "amount"),
        catalogues={"allowance_type": "loai_phu_cap"},
        required=("period_from", "allowance_type"),
        model_name="AllowanceHistory",
        clerk_only=True,
    ),
    Section(
        "assets",
        "37.3",
        _("Income, housing and land"),
        SINGLE,
        (
            "income_salary",
            "income_other",
            "housing_allocated",
            "housing_owned",
            "land_allocated",
            "land_owned",
            "land_business",
        ),
    ),
    Section(
        "contracts",
        "",
        _("Labour contracts (NĐ 111/2022/NĐ-CP)"),
        ROWS,
        (
            "number",
            "contract_type",
            "signed_on",
            "date_from",
            "date_to",
            "work_type",
            "job_position",
            "reference_grade",
            "step",
            "coefficient",
            "amount",
            "pay_source",
            "terminated_on",
            "termination_reason",
        ),
        catalogues={"reference_grade": "ngach_cdnn"},
        required=("number", "date_from"),
        model_name="LabourContract",
        clerk_only=True,
    ),
    Section("remarks", "38", _("Remarks and evaluation of the using agency"), SINGLE, ("remarks",), clerk_only=True),
)
# The custom fields of the field catalogue (target "dossier") form one more section.
CUSTOM = "custom"
SECTION_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
SECTION_KEYS: tuple[str, ...] = (*SECTION_BY_KEY, CUSTOM)


def section_get(key: str) -> Section:
    """The section ``key``; ``KeyError`` for an unknown key."""
    return SECTION_BY_KEY[key]


def section_title(key: str) -> str:
    if key == CUSTOM:
        return str(_("Other information (custom fields)"))
    return section_get(key).label
