"""Dossier content for tests: a valid résumé to start from, changed per test."""

from __future__ import annotations

import copy

from records.services.dossiers import dossier_create

BASE_CONTENT = {
    "header": {"personnel_category": "CC", "staff_number": "SNV-001"},
    "identity": {
        "full_name": "Nguyễn Văn Thắng",
        "sex": "1",
        "birth_date": "1990-05-17",
        "birth_place": "Xã Mỹ An, tỉnh Đồng Tháp",
        "hometown": "Xã Mỹ An, tỉnh Đồng Tháp",
        "ethnicity": "01",
        "religion": "00",
        "current_address": "Phường Cao Lãnh, tỉnh Đồng Tháp",
    },
    "education": {"general_education": "12_12", "highest_qualification": "DAI_HOC"},
    "salary": {
        "grade": "01.003",
        "salary_step": 3,
        "salary_coefficient": "3.00",
        "salary_effective_on": "2024-01-01",
    },
    "training_professional": [
        {
            "period_from": "2008-09",
            "period_to": "2012-06",
            "institution": "Trường Đại học Cần Thơ",
            "major": "Luật",
            "qualification": "DAI_HOC",
        }
    ],
    "work_history": [
        {"period_from": "2013-03", "workplace": "Sở Nội vụ tỉnh Đồng Tháp", "title": "Chuyên viên"},
    ],
    "family_own": [
        {"relation": "CHA_DE", "full_name": "Nguyễn Văn Hai", "birth_year": 1960, "details": "Nông dân"},
        {"relation": "ME_DE", "full_name": "Lê Thị Ba", "birth_year": 1963},
    ],
}
# Male, born 1990, birth registered in Đồng Tháp (087): 087 0 90 xxxxxx.
PERSONAL_ID = "087090000123"


def content(**sections) -> dict:
    """A copy of ``BASE_CONTENT`` with ``sections`` replaced (None removes a section)."""
    data = copy.deepcopy(BASE_CONTENT)
    for key, value in sections.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def make_dossier(unit, *, personal_id: str = PERSONAL_ID, account=None, **sections):
    return dossier_create(unit=unit, personal_id=personal_id, content=content(**sections), account=account)
