"""What can be imported and exported, and in which columns: one spec per target.

A target is the dossiers' general information (``dossiers``: every single-value item of
the TT 06/2023 résumé and the custom fields of the field catalogue) or one repeating
section (``training_professional``, ``work_history``, ``family_own``…, the keys of
``records.sections``). The spec is the one description the template, the reader, the
checks, the error workbook and the export all use, so a column cannot be written one way
and read another.

Rows are matched to what exists by the personal identification number (a dossier), or by
that number and the section's natural key (a section row, ``NATURAL_KEYS``): a match is
updated, anything else is created. Columns are recognised by their header whatever its
case, accents, spacing and punctuation, in Vietnamese or English, or by a common synonym
(``SYNONYMS``); a saved column mapping (``imports.models.ColumnMapping``) covers sheets
with other headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from portal.services.fields.access import field_definitions
from portal.text import fold
from records.sections.registry import SECTIONS
from records.sections.spec import CHOICE, CODE, DATE, DECIMAL, INTEGER, LONG_TEXT, MONTH, ROWS, SINGLE, TEXT
from records.services.dossiers import CREATE_REQUIRED

DOSSIERS = "dossiers"
PERSONAL_ID = "personal_id"
UNIT = "unit"
PERSON_NAME = "person_name"
ID_KIND = "identifier"  # text that Excel must not turn into a number (ids, codes, phone numbers)
FILE_KIND = "file"
# Fields of the template that hold identifiers: typed as text in the template, and a number
# read back from a sheet is reported instead of silently converted.
IDENTIFIER_FIELDS = {
    "phone",
    "social_insurance_number",
    "health_insurance_number",
    "staff_number",
    "job_position_code",
    "number",
}
# Dates that may lie in the future (an end of contract, a period still running); every
# other date in a row must not: a future date of birth or signature is a typing mistake.
FUTURE_ALLOWED = {
    "period_to",
    "date_to",
    "position_reappointed_on",
    "seniority_excess_from",
    "job_seniority_excess_from",
}

# How a section row is recognised again (create-or-update): the personal id plus these fields.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "training_professional": ("period_from", "institution", "major"),
    "training_political": ("period_from", "institution"),
    "training_management": ("period_from", "institution"),
    "training_defence": ("period_from", "institution"),
    "training_it": ("period_from", "level"),
    "training_language": ("period_from", "language"),
    "work_history": ("period_from", "workplace"),
    "former_regime": ("period_from", "description"),
    "foreign_organisations": ("period_from", "description"),
    "rewards": ("year",),
    "discipline": ("period_from", "form"),
    "family_own": ("relation", "full_name"),
    "family_spouse": ("relation", "full_name"),
    "salary_history": ("date_from",),
    "allowances": ("period_from", "allowance_type"),
    "contracts": ("number",),
}

# Headers found in the sheets provinces keep today, by column key ("section.field" for the
# dossiers target, the field name for a section target, or a fixed key). Compared folded.
SYNONYMS: dict[str, tuple[str, ...]] = {
    PERSONAL_ID: (
        "Số CCCD",
        "CCCD",
        "Số căn cước",
        "Số căn cước công dân",
        "Số định danh",
        "Số định danh cá nhân",
        "Mã định danh",
        "Số CMND/CCCD",
        "CMND/CCCD",
        "Personal ID",
    ),
    UNIT: ("Mã đơn vị", "Đơn vị (mã)", "Mã cơ quan", "Mã định danh đơn vị", "Unit code"),
    PERSON_NAME: ("Họ và tên", "Họ tên", "Họ và tên khai sinh", "Họ tên cán bộ", "Tên cán bộ"),
    "identity.full_name": ("Họ tên", "Họ và tên", "Họ và tên khai sinh", "Tên khai sinh", "Họ tên khai sinh"),
    "identity.birth_date": ("Ngày sinh", "Sinh ngày", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Date of birth"),
    "identity.sex": ("Giới tính", "Nam/Nữ", "Nam nữ", "Sex"),
    "identity.other_names": ("Tên gọi khác", "Bí danh"),
    "identity.birth_place": ("Nơi sinh", "Sinh tại"),
    "identity.hometown": ("Quê quán", "Nguyên quán"),
    "identity.ethnicity": ("Dân tộc",),
    "identity.religion": ("Tôn giáo",),
    "identity.phone": ("Số điện thoại", "Điện thoại", "SĐT", "Di động"),
    "identity.current_address": ("Nơi ở hiện nay", "Chỗ ở hiện nay", "Địa chỉ", "Nơi ở"),
    "identity.id_issued_on": ("Ngày cấp CCCD", "Ngày cấp"),
    "identity.social_insurance_number": ("Số BHXH", "Số sổ BHXH", "Mã số BHXH"),
    "identity.health_insurance_number": ("Số thẻ BHYT", "Số BHYT"),
    "header.personnel_category": ("Loại cán bộ", "Đối tượng", "Phân loại", "Loại CBCCVC"),
    "header.staff_number": ("Số hiệu cán bộ", "Số hiệu CBCCVC", "Mã cán bộ"),
    "background.first_recruited_on": ("Ngày tuyển dụng", "Ngày tuyển dụng lần đầu", "Ngày vào ngành"),
    "background.recruiting_body": ("Cơ quan tuyển dụng",),
    "background.joined_current_agency_on": ("Ngày về cơ quan hiện nay", "Ngày vào cơ quan"),
    "background.party_joined_on": ("Ngày vào Đảng", "Ngày vào đảng CSVN"),
    "background.party_official_on": ("Ngày chính thức", "Ngày vào Đảng chính thức"),
    "education.general_education": ("Trình độ phổ thông", "Giáo dục phổ thông", "Văn hóa"),
    "education.highest_qualification": ("Trình độ chuyên môn", "Trình độ chuyên môn cao nhất", "Trình độ"),
    "positions.position": ("Chức vụ", "Chức vụ hiện tại", "Chức vụ chính quyền"),
    "positions.main_work": ("Công việc chính", "Công việc chính được giao"),
    "salary.grade": ("Mã ngạch", "Ngạch", "Ngạch/chức danh", "Mã ngạch/chức danh nghề nghiệp", "Mã CDNN"),
    "salary.salary_step": ("Bậc", "Bậc lương"),
    "salary.salary_coefficient": ("Hệ số", "Hệ số lương", "HSL"),
    "salary.salary_effective_on": ("Ngày hưởng", "Ngày hưởng lương", "Thời điểm hưởng"),
    "health.health_status": ("Sức khỏe", "Tình trạng sức khỏe", "Tình trạng sức khoẻ"),
    "period_from": ("Từ", "Từ tháng", "Từ tháng năm", "Thời gian từ", "Bắt đầu"),
    "period_to": ("Đến", "Đến tháng", "Đến tháng năm", "Thời gian đến", "Kết thúc"),
    "date_from": ("Từ ngày", "Ngày bắt đầu", "Hiệu lực từ"),
    "date_to": ("Đến ngày", "Ngày kết thúc", "Hiệu lực đến"),
    "institution": ("Cơ sở đào tạo", "Trường", "Nơi đào tạo", "Tên trường"),
    "year": ("Năm", "Năm đánh giá"),
    "relation": ("Quan hệ", "Mối quan hệ"),
    "birth_year": ("Năm sinh",),
    "coefficient": ("Hệ số", "Hệ số lương"),
    "step": ("Bậc", "Bậc lương"),
    "grade": ("Mã ngạch", "Ngạch"),
    "number": ("Số hợp đồng", "Số HĐ"),
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a target's sheet.

    ``key``: ``personal_id``, ``unit``, ``person_name``, ``<section>.<field>`` (dossiers target),
    ``custom.<key>`` (a custom field) or ``<field>`` (a section target). ``kind`` is a field kind
    of ``records.sections`` or ``ID_KIND``; ``catalogue`` names the catalogue kind of a code.
    """

    key: str
    header: str
    kind: str
    section: str = ""
    field: str = ""
    catalogue: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    decimal_places: int | None = None
    help: str = ""

    @property
    def is_text(self) -> bool:
        """Formatted as text in the template (Excel must keep leading zeros)."""
        return self.kind in (ID_KIND, CODE, TEXT, LONG_TEXT, CHOICE, MONTH)


@dataclass(frozen=True)
class ImportSpec:
    """The columns of one target, in template order, and how its rows are matched."""

    target: str
    title: str
    sheet_name: str
    columns: tuple[ColumnSpec, ...]
    section: str = ""  # the section key of a section target
    natural_key: tuple[str, ...] = ()

    @property
    def is_dossiers(self) -> bool:
        return self.target == DOSSIERS

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def required_keys(self) -> list[str]:
        return [column.key for column in self.columns if column.required]

    @property
    def identifying_keys(self) -> frozenset[str]:
        """The columns that identify a row (personal id, unit, name, natural key): never erased."""
        return frozenset({PERSONAL_ID, UNIT, PERSON_NAME, *self.natural_key})


def targets() -> list[tuple[str, str]]:
    """(target, title) of every target, the dossiers first, then the sections in template order."""
    result = [(DOSSIERS, _("Dossiers (general information)"))]
    result += [(section.key, section.label) for section in SECTIONS if section.kind == ROWS]
    return result


def target_title(target: str) -> str:
    return dict(targets()).get(target, target)


class UnknownTarget(ValueError):
    pass


def _field_column(key: str, section, spec, *, required: bool) -> ColumnSpec:
    kind = ID_KIND if spec.name in IDENTIFIER_FIELDS else spec.kind
    return ColumnSpec(
        key=key,
        header=str(spec.label)[:1].upper() + str(spec.label)[1:],
        kind=kind,
        section=section.key,
        field=spec.name,
        catalogue=spec.catalogue,
        required=required,
        choices=spec.choices,
        max_length=spec.max_length,
        decimal_places=spec.decimal_places,
    )


def _custom_columns() -> list[ColumnSpec]:
    from portal.choices import FieldType

    columns = []
    kinds = {
        FieldType.DATE: DATE,
        FieldType.INTEGER: INTEGER,
        FieldType.DECIMAL: DECIMAL,
        FieldType.CHOICE: CODE,
    }
    for definition in field_definitions(target="dossier").select_related("catalogue"):
        if definition.field_type == FieldType.FILE:
            continue  # a file cannot travel in a cell
        columns.append(
            ColumnSpec(
                key=f"custom.{definition.key}",
                header=f"{definition.label} [{definition.key}]",
                kind=kinds.get(definition.field_type, TEXT),
                section="custom",
                field=definition.key,
                catalogue=definition.catalogue.code if definition.catalogue_id else "",
                required=definition.required,
                help=definition.help_text,
            )
        )
    return columns


def import_spec(target: str) -> ImportSpec:
    """The spec of ``target``; ``UnknownTarget`` for a name that is not one. Built on each call in
    the current language: custom fields are content and may have changed."""
    if target == DOSSIERS:
        columns = [
            ColumnSpec(PERSONAL_ID, _("Personal identification number"), ID_KIND, required=True),
            ColumnSpec(
                UNIT,
                _("Unit code"),
                ID_KIND,
                help=_("The code of the using unit; empty: the unit chosen for the import."),
            ),
        ]
        for section in SECTIONS:
            if section.kind != SINGLE:
                continue
            for spec in section.fields:
                required = (section.key, spec.name) in CREATE_REQUIRED
                columns.append(_field_column(f"{section.key}.{spec.name}", section, spec, required=required))
        columns += _custom_columns()
        return ImportSpec(DOSSIERS, _("Dossiers (general information)"), _("Dossiers"), tuple(columns))
    section = next((s for s in SECTIONS if s.key == target and s.kind == ROWS), None)
    if section is None:
        raise UnknownTarget(target)
    columns = [
        ColumnSpec(PERSONAL_ID, _("Personal identification number"), ID_KIND, required=True),
        ColumnSpec(
            PERSON_NAME,
            _("Full name of the person"),
            TEXT,
            help=_("Optional; when given it must match the dossier's name (a guard against a mistyped id)."),
        ),
    ]
    for spec in section.fields:
        columns.append(_field_column(spec.name, section, spec, required=spec.name in section.required))
    sheet = re.sub(r"[\[\]:*?/\\]", "-", section.label)[:31].rstrip(" ,.-")
    return ImportSpec(
        target, section.label, sheet, tuple(columns), section=section.key, natural_key=NATURAL_KEYS[section.key]
    )


def header_key(text) -> str:
    """A header folded for matching: case, accents, spacing and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


def header_index(spec: ImportSpec) -> dict[str, str]:
    """{folded header: column key}: each column's header in every language, its key, the
    synonyms of ``SYNONYMS`` (a synonym never overrides a column's own header) and a custom
    field's label alone (after all of them)."""
    from django.conf import settings

    index: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in import_spec(spec.target).columns:
                index.setdefault(header_key(column.header), column.key)
    for column in spec.columns:
        index.setdefault(header_key(column.key), column.key)
        if column.field:
            index.setdefault(header_key(column.field), column.key)
    for column in spec.columns:
        for synonym in SYNONYMS.get(column.key, ()):
            index.setdefault(header_key(synonym), column.key)
    # A custom field's header is "label [key]"; a sheet of the province's own has the label alone.
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in import_spec(spec.target).columns:
                if column.section == "custom" and column.header.endswith(f" [{column.field}]"):
                    index.setdefault(header_key(column.header[: -len(column.field) - 3]), column.key)
    return index


__all__ = [
    "CHOICE",
    "CODE",
    "DATE",
    "DECIMAL",
    "DOSSIERS",
    "FILE_KIND",
    "ID_KIND",
    "INTEGER",
    "LONG_TEXT",
    "MONTH",
    "PERSONAL_ID",
    "PERSON_NAME",
    "TEXT",
    "UNIT",
    "ColumnSpec",
    "ImportSpec",
    "UnknownTarget",
    "header_index",
    "header_key",
    "import_spec",
    "target_title",
    "targets",
]
