"""Property-based tests: whatever a cell or a sheet holds, reading it is a per-cell error at worst,
never a server error."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imports.cells import CatalogueBook, RetiredCode, convert
from imports.choices import ImportStatus, RowOutcome
from imports.models import ImportRow
from imports.services.jobs import import_job_create, import_job_run
from imports.specs import (
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    ID_KIND,
    INTEGER,
    LONG_TEXT,
    MONTH,
    SYNONYMS,
    TEXT,
    ColumnSpec,
    import_spec,
    targets,
)
from records.models import Dossier, DossierVersion
from records.sections.registry import SECTION_BY_KEY
from records.sections.spec import SINGLE
from records.services.codes import CodeBook
from records.services.content import section_clean
from tests.imports.conftest import MAN_1990

TODAY = datetime.date(2026, 6, 15)
# What a Python built-in says when it is handed something it cannot take: never shown to a clerk.
INTERNAL_WORDS = (
    "int()",
    "float()",
    "base 10",
    "Exceeds the limit",
    "could not convert",
    "invalid literal",
    "NoneType",
)

# What calamine and the csv reader can hand over: None, text, numbers, booleans, dates and times.
texts = st.text(max_size=40)
vietnamese = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ĐÂ-,./",
    max_size=30,
)
numbers_as_text = st.from_regex(r"\A-?[0-9]{1,12}([.,][0-9]{1,6})*([eE][+-]?[0-9]{1,12})?\Z")
dates_as_text = st.from_regex(r"\A[0-9]{1,4}[/.\-][0-9]{1,4}([/.\-][0-9]{1,5})?\Z")
formulas = st.from_regex(r"\A=[A-Z]{1,3}[0-9]{1,4}([+*/-][0-9]{1,3})?\Z")
long_texts = st.one_of(st.text(min_size=300, max_size=3000), st.text(alphabet="0123456789", min_size=20, max_size=5000))
cells = st.one_of(
    st.none(),
    texts,
    vietnamese,
    numbers_as_text,
    dates_as_text,
    formulas,
    long_texts,
    st.sampled_from(
        [
            "",
            " ",
            "Kinh",
            "Nam",
            "nữ",
            "CC",
            "01 - Kinh",
            "1e999999999",
            "NaN",
            "-inf",
            "29/02/1900",
            "[xóa]",
            "[ XOÁ ]",
            "[clear]",
        ]
    ),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


class FakeBook(CatalogueBook):
    """Catalogues without a database, for the fast property."""

    def __init__(self):
        super().__init__()
        self._kinds["gioi_tinh"] = ({"1", "2"}, {"nam": "1", "nu": "2", "male": "1", "female": "2", "1 - nam": "1"})
        self._kinds["dan_toc"] = ({"01", "05"}, {"kinh": "01", "kho-me": "05", "khmer": "05", "hoa": None})


FAKE_COLUMNS = [
    ColumnSpec("identity.birth_date", "Ngày sinh", DATE, field="birth_date"),
    ColumnSpec("date_to", "Đến ngày", DATE, field="date_to"),
    ColumnSpec("period_from", "Từ", MONTH, field="period_from"),
    ColumnSpec("period_to", "Đến", MONTH, field="period_to"),
    ColumnSpec("salary.salary_step", "Bậc", INTEGER, field="salary_step"),
    ColumnSpec("salary.salary_coefficient", "Hệ số", DECIMAL, field="salary_coefficient", decimal_places=2),
    ColumnSpec("identity.sex", "Giới tính", CODE, field="sex", catalogue="gioi_tinh"),
    ColumnSpec("identity.ethnicity", "Dân tộc", CODE, field="ethnicity", catalogue="dan_toc"),
    ColumnSpec("health.blood_group", "Nhóm máu", CHOICE, field="blood_group", choices=(("A", "A"), ("AB", "AB"))),
    ColumnSpec("identity.phone", "Điện thoại", ID_KIND, field="phone", max_length=20),
    ColumnSpec("header.staff_number", "Số hiệu", ID_KIND, field="staff_number", max_length=30),
    ColumnSpec("identity.full_name", "Họ tên", TEXT, field="full_name", max_length=150),
    ColumnSpec("arrests.arrest_history", "Bị bắt", LONG_TEXT, field="arrest_history"),
]


def assert_converted(column: ColumnSpec, value, book) -> None:
    """``convert`` gives a value of the column's kind or a ValueError with a sentence of ours."""
    try:
        result = convert(column, value, book=book, today=TODAY)
    except ValueError as exc:
        message = str(exc)
        assert message.strip(), (column.key, value)
        assert not any(word in message for word in INTERNAL_WORDS), (column.key, value, message)
        return
    if result is None:
        return
    if column.kind == DATE:
        day = datetime.date.fromisoformat(result)
        assert 1900 <= day.year <= 2100
    elif column.kind == MONTH:
        assert len(result) in (4, 7) and 1900 <= int(result[:4]) <= 2100
        assert column.field == "period_to" or result <= TODAY.strftime("%Y-%m")
    elif column.kind == INTEGER:
        assert isinstance(result, int) and not isinstance(result, bool)
    elif column.kind == DECIMAL:
        number = Decimal(result)
        # Never written out far past what the cell holds ("1e999999999", "0E-700000").
        assert number.is_finite() and len(result) <= len(str(value)) + 40
    elif column.kind == CODE:
        codes, _labels, retired = book._load(column.catalogue)
        # A retired entry's code comes back marked, for the dossier's checks to keep or refuse.
        assert result in codes if type(result) is str else (type(result) is RetiredCode and result in retired)
    elif column.kind == CHOICE:
        assert result in {key for key, _label in column.choices}
    else:
        assert isinstance(result, str)
        assert column.max_length is None or len(result) <= column.max_length


@settings(max_examples=300, deadline=None)
@given(value=cells)
def test_any_cell_in_any_kind_of_column_is_a_value_or_a_value_error(value):
    book = FakeBook()
    with translation.override("en"):
        for column in FAKE_COLUMNS:
            assert_converted(column, value, book)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=cells)
def test_any_cell_in_every_real_column_is_a_value_or_a_value_error(value):
    book = CatalogueBook()
    columns = [column for target, _title in targets() for column in import_spec(target).columns]
    for column in columns:
        assert_converted(column, value, book)


def _clean_both_ways(column: ColumnSpec, value, codes: CodeBook):
    """section_clean of the converted value read once (``converted=True``) and the usual way."""
    section = SECTION_BY_KEY[column.section]
    given = {column.field: value} if section.kind == SINGLE else [{column.field: value}]
    outcomes = []
    for converted in (True, False):
        try:
            outcomes.append(("ok", section_clean(section.key, given, codes=codes, converted=converted)))
        except ValidationError as exc:
            outcomes.append(("error", exc.message_dict))
    return outcomes


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=cells)
def test_a_value_read_by_the_sheet_reader_cleans_the_same_read_once_or_twice(value):
    # The bulk import does not convert a second time what the reader gave in its stored form: for
    # every real column of every target, that shortcut must give exactly the forms' result.
    book, codes = CatalogueBook(), CodeBook()
    columns = [column for target, _title in targets() for column in import_spec(target).columns]
    for column in columns:
        if column.section not in SECTION_BY_KEY or not column.field:
            continue
        try:
            read = convert(column, value, book=book, today=TODAY)
        except ValueError:
            continue
        if read is None:
            continue
        once, twice = _clean_both_ways(column, read, codes)
        assert once == twice, (column.key, value, read)


# --- whole sheets -----------------------------------------------------------------------------

PERSONAL_IDS = st.one_of(
    st.just(MAN_1990),
    st.from_regex(r"\A0870[89][0-9]{7}\Z"),
    st.from_regex(r"\A[0-9]{9,13}\Z"),
    st.integers(min_value=10**9, max_value=10**12),
    cells,
)


def _headers_pool() -> list[str]:
    with translation.override("vi"):
        spec = import_spec("dossiers")
        own = [column.header for column in spec.columns]
    synonyms = [synonym for values in SYNONYMS.values() for synonym in values]
    return own + synonyms + ["STT", "Ghi chú", "", "???"]


# Values that pass or nearly pass, so that new dossiers and updates are reached, not only errors.
PLAUSIBLE = {
    "Họ và tên": st.sampled_from(["Nguyễn Văn Thắng", "Lê Thị Mai", "", "A" * 151]),
    "Giới tính": st.sampled_from(["Nam", "Nữ", "nam", "1", "X"]),
    "Ngày sinh": st.sampled_from(["17/05/1990", "1990-05-17", 33010, "31/02/1990", "17/05/2090"]),
    "Dân tộc": st.sampled_from(["Kinh", "01", "05 - Khơ-me", "Sao Hỏa"]),
    "Loại cán bộ": st.sampled_from(["CC", "VC", "Công chức", "Biệt phái"]),
    "Số điện thoại": st.sampled_from(["0912345678", 912345678, "", "=A1"]),
    "Bậc lương": st.sampled_from([1, "3", 3.5, "", "mười"]),
    "Hệ số lương": st.sampled_from(["2,34", 3.0, "4.680.000", "", "1e999"]),
}


@st.composite
def sheets(draw, pool: list[str]):
    """(header, rows): the personal id column (usually), then either plausible columns with
    plausible or random cells, or random headers with random cells."""
    if draw(st.booleans()):
        others = draw(st.lists(st.sampled_from(sorted(PLAUSIBLE)), min_size=1, max_size=8, unique=True))
        strategies = [st.one_of(PLAUSIBLE[title], PLAUSIBLE[title], cells) for title in others]
    else:
        others = draw(st.lists(st.one_of(st.sampled_from(pool), texts), min_size=1, max_size=6))
        strategies = [cells for _title in others]
    with_id = draw(st.integers(0, 9)) > 0
    header = (["Số CCCD"] if with_id else []) + others
    rows = []
    for _number in range(draw(st.integers(0, 6))):
        row = [draw(strategy) for strategy in strategies]
        row = row[: draw(st.integers(0, len(row)))] if draw(st.integers(0, 4)) == 0 else row  # a short row
        rows.append([draw(PERSONAL_IDS), *row] if with_id else row)
    return header, rows


def _xlsx(header, rows, *, title: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["DANH SÁCH"])
    for row in [header, *rows]:
        sheet.append([_writable(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _writable(value):
    """openpyxl refuses control characters and values it cannot type; the sheet keeps the rest."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, bool | int) and abs(value) > 2**53:
        return str(value)
    return value


def _csv(header, rows, *, encoding: str, delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in [header, *rows]:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode(encoding, errors="replace")


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_small_sheet_is_checked_or_refused_never_a_server_error(data, units, clerk, dossier_a):
    header, rows = data.draw(sheets(_headers_pool()))
    kind = data.draw(st.sampled_from(["xlsx", "xlsx-title", "csv-utf8", "csv-utf16", "csv-semicolon"]))
    if kind.startswith("xlsx"):
        content = _xlsx(header, rows, title=kind == "xlsx-title")
    elif kind == "csv-utf16":
        content = _csv(header, rows, encoding="utf-16", delimiter=",")
    else:
        content = _csv(header, rows, encoding="utf-8", delimiter=";" if kind == "csv-semicolon" else ",")
    before = (Dossier.objects.count(), DossierVersion.objects.count())
    job = import_job_create(
        actor=clerk, target="dossiers", unit=units["a"], filename=f"ngau-nhien.{kind[:4]}", content=content or b" "
    )
    with translation.override("en"):
        import_job_run(job=job, commit=False)
    job.refresh_from_db()
    assert (Dossier.objects.count(), DossierVersion.objects.count()) == before
    assert job.status in (ImportStatus.CHECKED, ImportStatus.REFUSED), (job.status, job.message)
    assert job.message.strip()
    results = list(ImportRow.objects.filter(job=job))
    if job.status == ImportStatus.REFUSED:
        assert results == []
        return
    assert job.rows_new + job.rows_updated + job.rows_unchanged + job.rows_error == len(results)
    for row in results:
        if row.outcome == RowOutcome.ERROR:
            assert row.errors, row.row_number
            for error in row.errors:
                assert error["message"].startswith(f"Row {row.row_number}"), error
                assert not any(word in error["message"] for word in INTERNAL_WORDS), error
        else:
            assert row.errors == []
    assert bool(job.error_file) == (job.rows_error > 0)
