"""imports/services/section_rows.py: section rows matched by their natural key, published or pending,
several rows of one person in one version."""

from __future__ import annotations

import pytest

from imports.choices import ImportMode, ImportStatus, RowOutcome
from imports.services import engine
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
from tests.records.factories import BASE_CONTENT, make_dossier

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


# --- a natural key several stored rows share ------------------------------------------------------

FAMILY_HEADERS = [
    "Số CCCD",
    "Mối quan hệ",
    "Họ và tên",
    "Năm sinh",
    "Quê quán, nghề nghiệp, chức vụ, nơi công tác, nơi ở, tổ chức tham gia",
]
TWINS = [
    {"relation": "CON", "full_name": "Nguyễn Văn An", "birth_year": 2015, "details": "Học sinh"},
    {"relation": "CON", "full_name": "Nguyễn Văn An", "birth_year": 2018},
]


@pytest.fixture
def twins(units):
    """A dossier with two family rows of the same relation and name (the natural key), as migrated data has."""
    return make_dossier(units["a"], personal_id=MAN_1990, family_own=[*BASE_CONTENT["family_own"], *TWINS])


def test_rows_equal_to_stored_rows_of_a_shared_key_are_unchanged(units, system_admin, twins):
    content = workbook(
        [
            [MAN_1990, "Con", "Nguyễn Văn An", 2018, ""],
            [MAN_1990, "Con", "Nguyễn Văn An", 2015, "Học sinh"],
            [MAN_1990, "Cha đẻ", "Nguyễn Văn Hai", 1960, "Nông dân"],
        ],
        FAMILY_HEADERS,
    )
    before = written_counts()
    job, rows = run_job(actor=system_admin, unit=units["a"], content=content, target="family_own", commit=True)
    assert job.status == ImportStatus.DONE, job.message
    assert job.columns_ignored == []
    assert outcomes(rows) == [(2, "unchanged"), (3, "unchanged"), (4, "unchanged")]
    assert written_counts() == before


def test_a_shared_key_matched_more_often_than_stored_or_changed_is_an_error(units, system_admin, twins):
    content = workbook(
        [
            [MAN_1990, "Con", "Nguyễn Văn An", 2015, ""],  # the first twin: its empty cell keeps the value
            [MAN_1990, "Con", "Nguyễn Văn An", 2015, "Học sinh"],  # the first twin again
            [MAN_1990, "Con", "Nguyễn Văn An", 2016, ""],  # neither of them
            [MAN_1990, "Con", "Nguyễn Văn An", "", ""],  # the second twin (2018 kept)
        ],
        FAMILY_HEADERS,
    )
    before = written_counts()
    job, rows = run_job(actor=system_admin, unit=units["a"], content=content, target="family_own", commit=True)
    assert job.status == ImportStatus.FAILED
    assert outcomes(rows) == [(2, "unchanged"), (3, "error"), (4, "error"), (5, "unchanged")]
    assert row_messages(rows[1]) == [
        "Row 3: row 2 has the same personal identification number and the same 'Mối quan hệ', 'Họ và tên'."
    ]
    assert row_messages(rows[2]) == [
        "Row 4: the dossier has 2 rows with the same 'Mối quan hệ', 'Họ và tên' and this row is not the "
        "same as any of them, so the import cannot tell which one to change; correct them in the dossier before "
        "importing."
    ]
    assert written_counts() == before


# --- one person's rows across chunks ----------------------------------------------------------------


@pytest.mark.parametrize("publish", [True, False])
def test_a_persons_rows_across_chunks_all_land_in_order(units, system_admin, dossier_a, monkeypatch, publish):
    # While a chunk is written the next one is checked; a dossier both name is taken with the content
    # the first one writes, so no row is lost and no version conflict is reported.
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    existing = BASE_CONTENT["work_history"][0]
    content = workbook(
        [
            [MAN_1990, "", "01/2014", "12/2015", "UBND xã A", "Công chức"],
            [MAN_1990, "", "01/2016", "12/2017", "UBND xã B", "Công chức"],
            [MAN_1990, "", "01/2018", "12/2019", "UBND xã C", "Phó Chủ tịch"],
            [MAN_1990, "", "03/2013", "", existing["workplace"], "Trưởng phòng"],  # the stored row, updated
            [MAN_1990, "", "01/2020", "", "UBND xã D", "Chủ tịch"],
        ],
        WORK_HEADERS,
    )
    job, rows = run_job(
        actor=system_admin, unit=units["a"], content=content, target="work_history", commit=True, publish=publish
    )
    assert job.status == ImportStatus.DONE, job.message
    assert outcomes(rows) == [(2, "new"), (3, "new"), (4, "new"), (5, "update"), (6, "new")]
    dossier = Dossier.objects.get(pk=dossier_a.pk)
    assert dossier.latest_version == 4  # one version per chunk, each on the one before
    latest = dossier.versions.get(number=4).content["work_history"]
    assert [(row["workplace"], row["title"]) for row in latest] == [
        (existing["workplace"], "Trưởng phòng"),
        ("UBND xã A", "Công chức"),
        ("UBND xã B", "Công chức"),
        ("UBND xã C", "Phó Chủ tịch"),
        ("UBND xã D", "Chủ tịch"),
    ]
    live = WorkHistory.objects.filter(dossier=dossier_a).count()
    assert (dossier.live_version, live) == ((4, 5) if publish else (1, 1))
