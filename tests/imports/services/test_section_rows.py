"""imports/services/section_rows.py: section rows matched by their natural key, published or pending,
several rows of one person in one version."""

from __future__ import annotations

import pytest

from imports.choices import ImportMode, ImportStatus, RowOutcome
from records.choices import VersionStatus
from records.models import Dossier, DossierVersion, RewardRating, WorkHistory
from tests.imports.conftest import (
    MAN_1990,
    person_id,
    row_messages,
    run_job,
    workbook,
)
from tests.imports.services.conftest import outcomes, written_counts
from tests.records.factories import BASE_CONTENT

pytestmark = pytest.mark.django_db


# --- section targets ----------------------------------------------------------------------------

WORK_HEADERS = ["Số CCCD", "Họ và tên", "Từ", "Đến", "Cơ quan, đơn vị", "Chức danh, chức vụ"]


def test_section_rows_are_matched_by_their_natural_key(units, clerk, dossier_a, same_as_file):
    existing = BASE_CONTENT["work_history"][0]  # 03/2013, Sở Nội vụ tỉnh Đồng Tháp, Chuyên viên
    content = workbook(
        [
            [MAN_1990, "NGUYEN VAN THANG", "03/2013", "", existing["workplace"], "Trưởng phòng"],
            [MAN_1990, "", "01/2020", "12/2022", "UBND xã Mỹ An", "Phó Chủ tịch"],
            [MAN_1990, "", "01/2020", "", "UBND xã Mỹ An", "Chủ tịch"],
            [MAN_1990, "Lê Văn Khác", "05/2023", "", "UBND tỉnh", "Chuyên viên"],
            [person_id(9), "", "05/2023", "", "UBND tỉnh", "Chuyên viên"],
            [person_id(7), "Nguyễn Văn Thắng", "3/2013", "", existing["workplace"], "Chuyên viên"],
        ],
        WORK_HEADERS,
    )
    before = written_counts()
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content, target="work_history")
    assert written_counts() == before
    assert outcomes(rows) == [(2, "update"), (3, "new"), (4, "error"), (5, "error"), (6, "error"), (7, "unchanged")]
    assert rows[0].changes == ["Chức danh, chức vụ"]
    assert row_messages(rows[2]) == [
        "Row 4: row 3 has the same personal identification number and the same 'Từ', 'Cơ quan, đơn vị'."
    ]
    assert row_messages(rows[3]) == [
        f"Row 5, column 'Họ và tên': 'Lê Văn Khác' is not the name on the dossier {MAN_1990} (Nguyễn Văn Thắng); "
        "check the id."
    ]
    assert row_messages(rows[4]) == [
        f"Row 6, column 'Số CCCD': there is no dossier with personal identification number {person_id(9)}; "
        "import the dossier first."
    ]


def test_a_section_import_published_rewrites_the_sections_rows(units, system_admin, dossier_a):
    existing = BASE_CONTENT["work_history"][0]
    content = workbook(
        [
            [MAN_1990, "", "03/2013", "", existing["workplace"], "Trưởng phòng"],
            [MAN_1990, "", "01/2020", "12/2022", "UBND xã Mỹ An", "Phó Chủ tịch"],
        ],
        WORK_HEADERS,
    )
    job, _rows = run_job(
        actor=system_admin, unit=units["a"], content=content, target="work_history", commit=True, publish=True
    )
    assert job.status == ImportStatus.DONE and job.dossiers_written == 1
    assert sorted(
        WorkHistory.objects.filter(dossier=dossier_a).values_list("period_from", "period_to", "workplace", "title")
    ) == [
        ("2013-03", "", existing["workplace"], "Trưởng phòng"),
        ("2020-01", "2022-12", "UBND xã Mỹ An", "Phó Chủ tịch"),
    ]
    dossier = Dossier.objects.get(pk=dossier_a.pk)
    assert (dossier.live_version, dossier.latest_version) == (2, 2)
    assert dossier.versions.get(number=2).content["training_professional"] == BASE_CONTENT["training_professional"]


def test_a_clerks_section_import_waits_for_approval(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "01/2020", "", "UBND xã Mỹ An", "Phó Chủ tịch"]], WORK_HEADERS)
    job, [row] = run_job(actor=clerk, unit=units["a"], content=content, target="work_history", commit=True)
    assert job.status == ImportStatus.DONE and row.outcome == RowOutcome.NEW
    assert WorkHistory.objects.filter(dossier=dossier_a).count() == 1  # the live rows wait
    pending = DossierVersion.objects.get(dossier=dossier_a, number=2)
    assert pending.status == VersionStatus.PENDING and pending.sections == ["work_history"]
    assert [item["workplace"] for item in pending.content["work_history"]] == [
        "Sở Nội vụ tỉnh Đồng Tháp",
        "UBND xã Mỹ An",
    ]


def test_several_rows_of_one_person_make_one_version(units, system_admin, dossier_a):
    headers = ["Số CCCD", "Năm", "Xếp loại chuyên môn", "Hình thức khen thưởng"]
    content = workbook(
        [
            [MAN_1990, 2023, "Hoàn thành tốt nhiệm vụ", ""],
            [MAN_1990, "2024", "HTXSNV", "giấy khen"],
            [MAN_1990, 2024.0, "HTNV", ""],
        ],
        headers,
    )
    _job, rows = run_job(
        actor=system_admin, unit=units["a"], content=content, target="rewards", commit=True, publish=True,
        mode=ImportMode.VALID,
    )  # fmt: skip
    assert outcomes(rows) == [(2, "new"), (3, "new"), (4, "error")]
    assert row_messages(rows[2]) == ["Row 4: row 3 has the same personal identification number and the same 'Năm'."]
    assert DossierVersion.objects.filter(dossier=dossier_a).count() == 2  # one version for both rows
    assert sorted(
        RewardRating.objects.filter(dossier=dossier_a).values_list("year", "professional_rating", "reward_form")
    ) == [(2023, "HTTNV", ""), (2024, "HTXSNV", "GIAY_KHEN")]


def test_a_rows_dates_in_the_wrong_order_are_reported_at_the_cell(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "05/2020", "01/2019", "UBND xã Mỹ An", "Phó Chủ tịch"]], WORK_HEADERS)
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content, target="work_history")
    assert row.outcome == RowOutcome.ERROR
    assert row_messages(row) == ["Row 2, column 'Đến': 'to' is before 'from'."]
