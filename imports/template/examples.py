"""The example person of the template: a realistic value the import accepts for every column."""

from __future__ import annotations

import datetime

from imports.specs import (
    CODE,
    DATE,
    DECIMAL,
    DOSSIERS,
    ID_KIND,
    INTEGER,
    LONG_TEXT,
    MONTH,
    PERSON_NAME,
    PERSONAL_ID,
    TEXT,
    ColumnSpec,
    ImportSpec,
)
from imports.template.common import list_key

# The example person: a man born in 1990 whose birth was registered in Hồ Chí Minh City (079),
# so the example id, date of birth and sex agree (``records.identity.personal_id_clean``).
EXAMPLE_ID = "079090001234"
EXAMPLE_NAME = "Nguyễn Văn An"
EXAMPLE_CATEGORY = "CC"  # a civil servant (công chức)
# Example values by column key: "<section>.<field>" for the dossiers target, "<section>:<field>"
# for a section target, or the bare field name shared by the sections. Codes are written as the
# dropdown shows them ("code - label"), taken from the catalogue when the code is in use there.
EXAMPLES: dict[str, object] = {
    PERSONAL_ID: EXAMPLE_ID,
    PERSON_NAME: EXAMPLE_NAME,
    "header.personnel_category": EXAMPLE_CATEGORY,
    "header.staff_number": "SNV-0123",
    "identity.full_name": EXAMPLE_NAME,
    "identity.sex": "1",
    "identity.birth_date": datetime.date(1990, 3, 15),
    "identity.birth_place": "Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "identity.hometown": "Xã Mỹ An, tỉnh Đồng Tháp",
    "identity.ethnicity": "01",
    "identity.religion": "00",
    "identity.id_issued_on": datetime.date(2021, 8, 10),
    "identity.phone": "0912345678",
    "identity.social_insurance_number": "7912345678",
    "identity.current_address": "Phường Cao Lãnh, tỉnh Đồng Tháp",
    "background.family_background": "Nông dân",
    "background.occupation_before_recruitment": "Sinh viên",
    "background.first_recruited_on": datetime.date(2013, 3, 1),
    "background.recruiting_body": "Sở Nội vụ tỉnh Đồng Tháp",
    "background.joined_current_agency_on": datetime.date(2013, 3, 1),
    "background.party_joined_on": datetime.date(2016, 5, 19),
    "background.party_official_on": datetime.date(2017, 5, 19),
    "background.socio_political_joined_on": datetime.date(2006, 3, 26),
    "background.socio_political_organisation": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "education.general_education": "12_12",
    "education.highest_qualification": "DAI_HOC",
    "positions.main_work": "Tham mưu công tác tổ chức bộ máy, biên chế",
    "positions.strengths": "Tổng hợp, soạn thảo văn bản",
    "positions.longest_job": "Chuyên viên",
    "salary.grade": "01.003",
    "salary.grade_appointed_on": datetime.date(2014, 3, 1),
    "salary.salary_step": 3,
    "salary.salary_coefficient": "3,00",
    "salary.salary_effective_on": datetime.date(2022, 3, 1),
    "health.health_status": "Tốt",
    "health.height_cm": 168,
    "health.weight_kg": 62,
    "health.blood_group": "O",
    # Section targets.
    "training_professional:period_from": "09/2008",
    "training_professional:period_to": "06/2012",
    "training_professional:institution": "Trường Đại học Cần Thơ",
    "training_professional:major": "Luật",
    "training_professional:training_form": "Chính quy",
    "training_professional:qualification": "DAI_HOC",
    "training_professional:degree": "Cử nhân Luật",
    "training_political:period_from": "03/2018",
    "training_political:period_to": "09/2018",
    "training_political:institution": "Trường Chính trị tỉnh Đồng Tháp",
    "training_political:training_form": "Tập trung",
    "training_political:level": "TRUNG_CAP",
    "training_political:degree": "Bằng Trung cấp lý luận chính trị - hành chính",
    "training_management:period_from": "05/2019",
    "training_management:period_to": "07/2019",
    "training_management:institution": "Trường Chính trị tỉnh Đồng Tháp",
    "training_management:level": "CV",
    "training_management:certificate": "Chứng chỉ bồi dưỡng ngạch chuyên viên",
    "training_defence:period_from": "10/2020",
    "training_defence:period_to": "11/2020",
    "training_defence:institution": "Trường Quân sự tỉnh Đồng Tháp",
    "training_defence:certificate": "Chứng chỉ bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4",
    "training_it:period_from": "06/2014",
    "training_it:period_to": "08/2014",
    "training_it:institution": "Trường Đại học Đồng Tháp",
    "training_it:level": "UD_CNTT_CO_BAN",
    "training_it:certificate": "Chứng chỉ ứng dụng CNTT cơ bản",
    "training_language:period_from": "2015",
    "training_language:institution": "Trường Đại học Cần Thơ",
    "training_language:language": "ANH",
    "training_language:level": "BAC_3",
    "training_language:certificate": "Chứng chỉ tiếng Anh bậc 3",
    "training_language:score": "6,5",
    "work_history:period_from": "03/2013",
    "work_history:workplace": "Sở Nội vụ tỉnh Đồng Tháp",
    "work_history:title": "Chuyên viên phòng Tổ chức - Biên chế",
    "former_regime:description": "Không",
    "foreign_organisations:description": "Không",
    "rewards:year": 2024,
    "rewards:professional_rating": "HTTNV",
    "rewards:emulation_rating": "Lao động tiên tiến",
    "rewards:reward_form": "GIAY_KHEN",
    "rewards:reward_detail": "Giấy khen của Giám đốc Sở Nội vụ",
    "discipline:period_from": "06/2020",
    "discipline:form": "KHIEN_TRACH",
    "discipline:violation": "Chậm nộp báo cáo định kỳ",
    "discipline:deciding_body": "Sở Nội vụ tỉnh Đồng Tháp",
    "family_own:relation": "CHA_DE",
    "family_own:full_name": "Nguyễn Văn Hai",
    "family_own:birth_year": 1960,
    "family_own:details": "Nông dân, xã Mỹ An, tỉnh Đồng Tháp",
    "family_spouse:relation": "CHA_VO_CHONG",
    "family_spouse:full_name": "Trần Văn Bình",
    "family_spouse:birth_year": 1962,
    "family_spouse:details": "Hưu trí, phường Cao Lãnh, tỉnh Đồng Tháp",
    "salary_history:date_from": datetime.date(2022, 3, 1),
    "salary_history:grade": "01.003",
    "salary_history:step": 3,
    "salary_history:coefficient": "3,00",
    "allowances:period_from": "01/2023",
    "allowances:allowance_type": "TRACH_NHIEM",
    "allowances:coefficient": "0,10",
    "allowances:form": "Hằng tháng",
    "contracts:number": "12/2025/HĐLĐ",
    "contracts:contract_type": "Hợp đồng lao động xác định thời hạn",
    "contracts:signed_on": datetime.date(2024, 12, 25),
    "contracts:date_from": datetime.date(2025, 1, 1),
    "contracts:date_to": datetime.date(2026, 12, 31),
    "contracts:work_type": "Lái xe",
    "contracts:job_position": "Lái xe cơ quan",
    "contracts:reference_grade": "01.010",
    "contracts:step": 2,
    "contracts:coefficient": "2,05",
    "contracts:pay_source": "Ngân sách nhà nước",
}
# Required custom fields have no example of their own; a value of the right kind stands in.
KIND_EXAMPLES: dict[str, object] = {
    TEXT: "Ví dụ",
    LONG_TEXT: "Ví dụ",
    ID_KIND: "0123",
    DATE: datetime.date(2024, 1, 1),
    MONTH: "01/2024",
    INTEGER: 1,
    DECIMAL: "1,5",
}


def example_value(spec: ImportSpec, column: ColumnSpec, book_options: dict[str, list[str]], custom_examples: set[str]):
    """The example of ``column``: a realistic value that the import accepts, or None."""
    if spec.target == DOSSIERS or column.key in (PERSONAL_ID, PERSON_NAME):
        value = EXAMPLES.get(column.key)
    else:
        value = EXAMPLES.get(f"{spec.section}:{column.field}")
    if value is None and column.key in custom_examples:
        if column.kind == CODE:
            values = book_options.get(list_key(column)) or [None]
            return values[0]
        return KIND_EXAMPLES.get(column.kind, KIND_EXAMPLES[TEXT])
    if value is None:
        return None
    if column.kind == CODE:
        # "code - label" as in the dropdown; a code no longer in use falls back to the first entry.
        values = book_options.get(list_key(column), [])
        shown = next((text for text in values if text.split(" - ", 1)[0] == value), None)
        return shown or (values[0] if values else None)
    return value
