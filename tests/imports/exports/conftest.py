"""What the export tests share: four people's personal ids, the Vietnamese locale, the custom
fields, four dossiers with varied content and changes awaiting approval, a clerk of Sở Nội vụ, and
readers of the exported rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from imports.exports.rows import export_rows
from portal.choices import Role
from portal.models import Grant, Unit
from portal.services.fields.definitions import field_definition_save
from records.services.dossiers import dossier_change, dossier_create
from tests.records.factories import BASE_CONTENT, content

THANG, BINH, CUONG, DUNG = "087090000201", "087190000202", "087090000203", "087090000204"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def custom_fields(db):
    for values in (
        {"key": "so_the_dang", "label": "Số thẻ đảng", "field_type": "text"},
        {"key": "ngay_vao_doan", "label": "Ngày vào Đoàn", "field_type": "date"},
        {"key": "he_so_uu_dai", "label": "Hệ số ưu đãi", "field_type": "decimal"},
        {"key": "so_con", "label": "Số con", "field_type": "integer"},
        {"key": "xep_loai_2024", "label": "Xếp loại 2024", "field_type": "choice", "catalogue": "xep_loai_danh_gia"},
        {"key": "ma_bi_mat", "label": "Mã bí mật", "field_type": "text", "sensitivity": "secret"},
    ):
        field_definition_save(values={"target": "dossier", **values})


def identity(name: str, *, sex: str = "1", **extra) -> dict:
    return {**BASE_CONTENT["identity"], "full_name": name, "sex": sex, **extra}


@pytest.fixture
def people(province, custom_fields):
    """Four dossiers: three in Sở Nội vụ's subtree (one in its coded sub-unit, one in a division
    without a code), one in Sở Tài chính; varied content (a natural key two family rows share), and
    one change awaiting approval."""
    division = Unit.objects.get(name="Phòng Tổ chức biên chế")
    thang = dossier_create(
        unit=province["noi_vu"],
        personal_id=THANG,
        content=content(
            identity=identity(
                "Nguyễn Văn Thắng",
                phone="0912000111",
                social_insurance_number="0123456789",
                id_issued_on="2021-08-10",
            ),
            background={
                "first_recruited_on": "2013-03-01",
                "recruiting_body": "Sở Nội vụ tỉnh Đồng Tháp",
                "joined_current_agency_on": "2013-03-01",
                "party_joined_on": "2016-05-19",
            },
            salary={
                "grade": "01.003",
                "salary_step": 3,
                "salary_coefficient": "3.33",
                "salary_effective_on": "2024-01-01",
                "salary_percent": "85.00",
                "position_allowance": "0.30",
                "job_salary_amount": 5200000,
            },
            health={"health_status": "Tốt", "height_cm": 168, "blood_group": "AB"},
            remarks={"remarks": "Dòng một\nDòng hai & <ba>"},
            custom={
                "so_the_dang": "=79.123",
                "ngay_vao_doan": "2006-03-26",
                "he_so_uu_dai": "2,5",
                "so_con": 2,
                "xep_loai_2024": "HTTNV",
                "ma_bi_mat": "BM-01",
            },
            work_history=[
                {"period_from": "2013", "workplace": "Sở Nội vụ tỉnh Đồng Tháp", "title": "Chuyên viên"},
                {"period_from": "2010-09", "period_to": "2013-02", "workplace": "UBND xã Mỹ An"},
            ],
            salary_history=[
                {
                    "date_from": "2021-01-01",
                    "date_to": "2023-12-31",
                    "grade": "01.003",
                    "step": 2,
                    "coefficient": "2.67",
                },
                {
                    "date_from": "2024-01-01",
                    "grade": "01.003",
                    "step": 3,
                    "coefficient": "3.00",
                    "job_position_amount": 5200000,
                },
            ],
            rewards=[
                {"year": 2023, "professional_rating": "HTTNV", "emulation_rating": "Lao động tiên tiến"},
                {
                    "year": 2024,
                    "professional_rating": "HTXSNV",
                    "reward_form": "GIAY_KHEN",
                    "reward_detail": "Giấy khen",
                },
            ],
            contracts=[
                {
                    "number": "01/2024/HĐLĐ",
                    "signed_on": "2023-12-25",
                    "date_from": "2024-01-01",
                    "date_to": "2026-12-31",
                    "coefficient": "2.05",
                    "amount": 7000000,
                }
            ],
        ),
    )
    binh = dossier_create(
        unit=province["chi_cuc"],
        personal_id=BINH,
        content=content(identity=identity("Trần Thị Bình", sex="2"), header={"personnel_category": "VC"}),
    )
    cuong = dossier_create(unit=division, personal_id=CUONG, content=content(identity=identity("Lê Văn Cường")))
    # Two family rows with the same relation and name (the section's natural key), as migrated data
    # has: the round trip must bring both back unchanged.
    twins = [
        {"relation": "CON", "full_name": "Phạm Văn An", "birth_year": 2015, "details": "Học sinh"},
        {"relation": "CON", "full_name": "Phạm Văn An", "birth_year": 2018},
    ]
    dung = dossier_create(
        unit=province["tai_chinh"],
        personal_id=DUNG,
        content=content(identity=identity("Phạm Văn Dũng"), family_own=[*BASE_CONTENT["family_own"], *twins]),
    )
    # A change awaiting approval: Bình's salary step 4 (live row: step 3).
    dossier_change(
        dossier=binh,
        sections={"salary": {**BASE_CONTENT["salary"], "salary_step": 4, "salary_coefficient": "3.66"}},
        actor=None,
        expected_version=1,
        reason="Nâng bậc lương",
    )
    # A renaming awaiting approval: the import checks a section row's name against it.
    dossier_change(
        dossier=cuong,
        sections={"identity": identity("Lê Minh Cường")},
        actor=None,
        expected_version=1,
        reason="Cải chính họ tên",
    )
    return {"thang": thang, "binh": binh, "cuong": cuong, "dung": dung}


@pytest.fixture
def clerk(province, django_user_model):
    user = django_user_model.objects.create_user(username="tccb.snv", password="Mk@2026-x", unit=province["noi_vu"])
    Grant.objects.create(user=user, role=Role.HR_CLERK, unit=province["noi_vu"], starts_on=datetime.date(2025, 1, 1))
    return user


def rows_of(**kwargs) -> tuple[list, list[list]]:
    columns, rows = export_rows(**kwargs)
    return columns, list(rows)


def by_id(columns, rows) -> dict[str, dict]:
    keys = [column.key for column in columns]
    return {row[0]: dict(zip(keys, row, strict=True)) for row in rows}
