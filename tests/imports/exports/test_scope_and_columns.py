"""What an export holds: the dossiers of the user's subtree, the chosen columns with those the
import needs, refused names, and secret custom fields for the system only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from imports.exports.rows import export_rows
from tests.imports.exports.conftest import (
    BINH,
    CUONG,
    DUNG,
    THANG,
    by_id,
    rows_of,
)

# --- scope and columns ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_clerk_exports_only_their_subtree(people, clerk, province):
    _columns, rows = rows_of(user=clerk, target="dossiers")
    assert sorted(row[0] for row in rows) == sorted([THANG, BINH, CUONG])
    assert rows_of(user=clerk, target="dossiers", unit=province["tai_chinh"])[1] == []
    assert [row[0] for row in rows_of(user=clerk, target="dossiers", unit=province["chi_cuc"])[1]] == [BINH]
    _columns, history = rows_of(user=clerk, target="work_history", unit=province["root"])
    assert {row[0] for row in history} == {THANG, BINH, CUONG}
    assert DUNG not in {row[0] for row in rows_of(user=clerk, target="salary_history")[1]}


@pytest.mark.django_db
def test_system_reads_every_dossier_of_the_unit(people, province):
    assert [row[0] for row in rows_of(user=None, target="dossiers", unit=province["tai_chinh"])[1]] == [DUNG]
    assert len(rows_of(user=None, target="dossiers", unit=province["root"])[1]) == 4


@pytest.mark.django_db
def test_a_user_without_grant_exports_nothing(people, plain_user):
    assert rows_of(user=plain_user, target="dossiers")[1] == []


@pytest.mark.django_db
def test_chosen_columns_keep_what_reimport_needs(people, province):
    columns, rows = rows_of(
        user=None,
        target="dossiers",
        unit=province["noi_vu"],
        columns=["salary.salary_coefficient", "identity.full_name"],
    )
    assert [column.key for column in columns] == ["personal_id", "identity.full_name", "salary.salary_coefficient"]
    assert by_id(columns, rows)[THANG] == {
        "personal_id": THANG,
        "identity.full_name": "Nguyễn Văn Thắng",
        "salary.salary_coefficient": "3,33",
    }
    columns, rows = rows_of(user=None, target="work_history", unit=province["noi_vu"], columns=["title"])
    assert [column.key for column in columns] == ["personal_id", "period_from", "workplace", "title"]
    assert [row for row in rows if row[0] == THANG] == [
        [THANG, "2013", "Sở Nội vụ tỉnh Đồng Tháp", "Chuyên viên"],
        [THANG, "09/2010", "UBND xã Mỹ An", None],
    ]


@pytest.mark.django_db
def test_unknown_target_or_column_is_refused(people):
    with pytest.raises(ValidationError) as error:
        export_rows(user=None, target="luong", columns=None)
    assert "luong" in error.value.message_dict["target"][0]
    with pytest.raises(ValidationError) as error:
        export_rows(user=None, target="dossiers", columns=["identity.full_name", "khong_co"])
    assert "khong_co" in error.value.message_dict["columns"][0]


@pytest.mark.django_db
def test_secret_custom_field_only_for_the_system(people, clerk):
    columns, rows = rows_of(user=clerk, target="dossiers")
    assert "custom.ma_bi_mat" not in [column.key for column in columns]
    with pytest.raises(ValidationError):
        export_rows(user=clerk, target="dossiers", columns=["custom.ma_bi_mat"])
    columns, rows = rows_of(user=None, target="dossiers", columns=["custom.ma_bi_mat"])
    assert by_id(columns, rows)[THANG]["custom.ma_bi_mat"] == "BM-01"
