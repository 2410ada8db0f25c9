"""The repeating sections of the résumé (TT 06/2023 items 32–37) and NĐ 111 labour contracts.

One child table per section, each row with its ``position`` in the section. "Từ/Đến"
are month/year on the template: they are stored as text ``yyyy-mm`` (or ``yyyy`` when
only the year is known), which sorts and compares correctly and prints as mm/yyyy.
The pay history keeps full dates because item 30.1 needs the exact date.

These rows are the live (approved) content: they are rewritten from a version's
content when that version is published (``records.services.versions``); a section's
history lives in the versions, not here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from records.choices import FamilySide
from records.models.dossiers import code_field, date_field, decimal_field, small_field, text_field


def month_field(label) -> models.CharField:
    return models.CharField(label, max_length=7, blank=True)


class SectionRow(models.Model):
    dossier = models.ForeignKey("records.Dossier", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["dossier_id", "position"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.position} ({self.dossier_id})"


class PeriodRow(SectionRow):
    period_from = month_field(_("from"))
    period_to = month_field(_("to"))

    class Meta(SectionRow.Meta):
        abstract = True


class ProfessionalTraining(PeriodRow):
    """32.1 Professional training (intermediate level and above)."""

    institution = text_field(_("training institution"))
    major = text_field(_("major"), max_length=200)
    training_form = text_field(_("form of training"), max_length=100)
    qualification = code_field(_("qualification"))
    degree = text_field(_("diploma"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("professional training")


class PoliticalTraining(PeriodRow):
    """32.2 Political theory."""

    institution = text_field(_("training institution"))
    training_form = text_field(_("form of training"), max_length=100)
    level = code_field(_("political theory level"))
    degree = text_field(_("diploma"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("political theory training")


class ManagementTraining(PeriodRow):
    """32.3 State management, professional-title and specialist refresher training."""

    institution = text_field(_("training institution"))
    level = code_field(_("state management level"))
    certificate = text_field(_("certificate"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("state management training")


class DefenceTraining(PeriodRow):
    """32.4 Defence and security knowledge."""

    institution = text_field(_("training institution"))
    certificate = text_field(_("certificate"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("defence and security training")


class ItTraining(PeriodRow):
    """32.5 Information technology."""

    institution = text_field(_("training institution"))
    level = code_field(_("IT level"))
    certificate = text_field(_("certificate"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("IT training")


class LanguageTraining(PeriodRow):
    """32.6 Foreign language or ethnic-minority language, with the score."""

    institution = text_field(_("training institution"))
    language = code_field(_("language"))
    level = code_field(_("language level"))
    certificate = text_field(_("certificate"), max_length=200)
    score = text_field(_("score"), max_length=20)

    class Meta(PeriodRow.Meta):
        verbose_name = _("language training")


class WorkHistory(PeriodRow):
    """33 Work history: unit and title for each period."""

    workplace = text_field(_("agency, unit"))
    title = text_field(_("title, position"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("work history")


class FormerRegimeService(PeriodRow):
    """34.2 Work for the former regime."""

    description = text_field(_("title, position, unit, place"))

    class Meta(PeriodRow.Meta):
        verbose_name = _("former regime service")


class ForeignOrganisation(PeriodRow):
    """34.3 Membership of or links with foreign organisations."""

    description = text_field(_("organisation, address, work done"))

    class Meta(PeriodRow.Meta):
        verbose_name = _("foreign organisation")


class RewardRating(SectionRow):
    """35.1 Emulation, rewards and the annual rating, one row per year."""

    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    professional_rating = code_field(_("professional rating"))
    emulation_rating = text_field(_("emulation rating"), max_length=200)
    reward_form = code_field(_("form of reward"))
    reward_detail = text_field(_("reward details"))

    class Meta(SectionRow.Meta):
        verbose_name = _("reward and rating")


class Discipline(PeriodRow):
    """35.2 Party or administrative discipline."""

    form = code_field(_("form of discipline"))
    violation = text_field(_("main violation"))
    deciding_body = text_field(_("deciding body"), max_length=200)

    class Meta(PeriodRow.Meta):
        verbose_name = _("discipline")


class FamilyMember(SectionRow):
    """36.1 (own family) and 36.2 (the spouse's family)."""

    side = models.CharField(_("family"), max_length=10, choices=FamilySide.choices, default=FamilySide.OWN)
    relation = code_field(_("relation"))
    full_name = text_field(_("full name"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    details = models.TextField(_("home town, occupation, position, workplace, residence, organisations"), blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("family member")


class SalaryHistory(SectionRow):
    """37.1 The person's pay history."""

    date_from = date_field(_("from"))
    date_to = date_field(_("to"))
    grade = code_field(_("grade or title code"))
    step = small_field(_("salary step"))
    coefficient = decimal_field(_("salary coefficient"))
    job_position_amount = models.PositiveBigIntegerField(_("pay by job position (VND)"), null=True, blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("salary history")


class AllowanceHistory(PeriodRow):
    """37.2 Other allowances."""

    allowance_type = code_field(_("allowance type"))
    percent = decimal_field(_("percentage (%)"))
    coefficient = decimal_field(_("coefficient"))
    form = text_field(_("form of receipt"), max_length=100)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)

    class Meta(PeriodRow.Meta):
        verbose_name = _("allowance")


class LabourContract(SectionRow):
    """A labour contract under NĐ 111/2022/NĐ-CP (domain.md §4; fields [U] until checked against the template)."""

    number = text_field(_("contract number"), max_length=50)
    contract_type = text_field(_("contract type"), max_length=100)
    signed_on = date_field(_("signed on"))
    date_from = date_field(_("effective from"))
    date_to = date_field(_("effective until"))
    work_type = text_field(_("NĐ 111 work type"), max_length=100)
    job_position = text_field(_("job position"), max_length=200)
    reference_grade = code_field(_("reference grade or title"))
    step = small_field(_("salary step"))
    coefficient = decimal_field(_("salary coefficient"))
    amount = models.PositiveBigIntegerField(_("agreed pay (VND)"), null=True, blank=True)
    pay_source = text_field(_("pay source"), max_length=100)
    terminated_on = date_field(_("terminated on"))
    termination_reason = text_field(_("termination reason"))

    class Meta(SectionRow.Meta):
        verbose_name = _("labour contract")
