"""The template workbook (imports/template/): sheets, headers, formats, dropdowns, instructions,
the example row, and that the template filled in is read and imported like any sheet."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from imports.choices import ImportStatus, RowOutcome
from imports.models import ImportRow
from imports.readers import table_open
from imports.services.jobs import columns_match, import_job_create, import_job_run
from imports.specs import CHOICE, CODE, DATE, DOSSIERS, import_spec, targets
from imports.template.examples import EXAMPLE_ID, EXAMPLE_NAME
from imports.template.instructions import EXAMPLE_LABEL
from imports.template.workbook import INSTRUCTIONS_SHEET, LISTS_SHEET, template_workbook
from portal.models import CatalogueEntry
from portal.services.fields.definitions import field_definition_save
from records.services.dossiers import dossier_create
from tests.records.factories import content

SECTION_TARGETS = [target for target, _title in targets() if target != DOSSIERS]
RANGE_RE = re.compile(r"^'(?P<sheet>[^']+)'!\$(?P<col>[A-Z]+)\$(?P<first>\d+):\$(?P=col)\$(?P<last>\d+)$")


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def open_template(target: str):
    return load_workbook(io.BytesIO(template_workbook(target=target)))


def column_format(sheet, index: int) -> str | None:
    """The number format of the <col> element covering column ``index`` (1-based)."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= index <= dimension.max:
            return dimension.number_format
    return None


def validation_for(sheet, letter: str):
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2:{letter}1048576" in str(dv.sqref)]
    return found[0] if len(found) == 1 else None


def list_values(workbook, formula: str) -> list[str]:
    match = RANGE_RE.match(formula)
    assert match, formula
    sheet = workbook[match["sheet"]]
    column = column_index_from_string(match["col"])
    return [sheet.cell(row=row, column=column).value for row in range(int(match["first"]), int(match["last"]) + 1)]


def example_row(workbook, spec) -> list:
    """The example row of the instructions sheet: the row labelled "Ví dụ" in column A."""
    rows = [row for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row and row[0] == EXAMPLE_LABEL]
    assert len(rows) == 1
    return list(rows[0][1 : len(spec.columns) + 1])


@pytest.mark.django_db
@pytest.mark.parametrize("target", [DOSSIERS, "work_history", "family_own", "contracts"])
def test_sheets_and_header_row(target):
    spec = import_spec(target)
    workbook = open_template(target)
    assert workbook.sheetnames == [spec.sheet_name, INSTRUCTIONS_SHEET, LISTS_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    assert workbook[INSTRUCTIONS_SHEET].sheet_state == "visible"
    data = workbook[spec.sheet_name]
    assert [cell.value for cell in data[1]] == [column.header for column in spec.columns]
    assert data.max_row == 1  # no example or any other row to be imported by mistake
    assert data.freeze_panes == "B2"
    for cell, column in zip(data[1], spec.columns, strict=True):
        assert cell.font.b
        assert (cell.font.color is not None and cell.font.color.rgb == "00C00000") == column.required, column.key
        assert cell.fill.fgColor.rgb == "00DDEBF7"
    assert [c.key for c in spec.columns if c.required][:1] == ["personal_id"]


@pytest.mark.django_db
def test_headers_follow_the_language():
    with translation.override("en"):
        spec = import_spec("work_history")
        workbook = open_template("work_history")
    data = workbook[spec.sheet_name]
    assert [cell.value for cell in data[1]] == [column.header for column in spec.columns]
    assert data["A1"].value == "Personal identification number"


@pytest.mark.django_db
@pytest.mark.parametrize("target", [DOSSIERS, "salary_history", "training_language"])
def test_text_and_date_columns_are_formatted(target):
    spec = import_spec(target)
    data = open_template(target)[spec.sheet_name]
    formats = [column_format(data, index) for index in range(1, len(spec.columns) + 1)]
    expected = ["@" if c.is_text else ("DD/MM/YYYY" if c.kind == DATE else "General") for c in spec.columns]
    assert formats == expected
    assert formats[0] == "@"  # the personal id: Excel keeps "079…" as typed
    if target == DOSSIERS:
        assert formats[[c.key for c in spec.columns].index("identity.phone")] == "@"
        assert formats[[c.key for c in spec.columns].index("identity.birth_date")] == "DD/MM/YYYY"


@pytest.mark.django_db
def test_dropdowns_read_the_hidden_catalogue_lists():
    spec = import_spec(DOSSIERS)
    workbook = open_template(DOSSIERS)
    data = workbook[spec.sheet_name]
    coded = [(index, column) for index, column in enumerate(spec.columns, start=1) if column.kind in (CODE, CHOICE)]
    assert len(coded) >= 10
    assert len(data.data_validations.dataValidation) == len(coded)
    for index, column in coded:
        validation = validation_for(data, get_column_letter(index))
        assert validation is not None, column.key
        assert validation.type == "list"
        assert validation.formula1.startswith(f"'{LISTS_SHEET}'!$")
        values = list_values(workbook, validation.formula1)
        if column.kind == CODE:
            active = CatalogueEntry.objects.filter(kind__code=column.catalogue, active=True)
            assert {value.split(" - ", 1)[0] for value in values} == set(active.values_list("code", flat=True))
        else:
            assert values == [str(label) for _key, label in column.choices]
    grade = spec.columns.index(spec.column("salary.grade")) + 1
    grades = list_values(workbook, validation_for(data, get_column_letter(grade)).formula1)
    assert "01.003 - Chuyên viên" in grades
    assert len(",".join(grades)) > 255  # why the lists are ranges, not inline lists


@pytest.mark.django_db
def test_catalogue_shared_by_two_columns_has_one_list():
    spec = import_spec("training_language")
    workbook = open_template("training_language")
    lists = workbook[LISTS_SHEET]
    titles = [cell.value for cell in lists[1]]
    assert titles == ["Ngoại ngữ, tiếng dân tộc", "Trình độ ngoại ngữ, tiếng dân tộc"]
    data = workbook[spec.sheet_name]
    language = spec.columns.index(spec.column("language")) + 1
    assert validation_for(data, get_column_letter(language)).formula1 == f"'{LISTS_SHEET}'!$A$2:$A$12"


@pytest.mark.django_db
@pytest.mark.parametrize("target", [DOSSIERS, "rewards"])
def test_instructions_list_every_column(target):
    spec = import_spec(target)
    sheet = open_template(target)[INSTRUCTIONS_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    listed = [row for row in rows if isinstance(row[0], str) and re.fullmatch(r"[A-Z]{1,3}", row[0])]
    by_header = {row[1]: row for row in listed}
    assert list(by_header) == [column.header for column in spec.columns]
    for index, column in enumerate(spec.columns, start=1):
        letter, _header, required, expected, allowed, _example, _notes = by_header[column.header][:7]
        assert letter == get_column_letter(index)
        assert required == (translation.gettext("Yes") if column.required else translation.gettext("No"))
        assert expected
        if column.kind == CODE:
            assert allowed and column.catalogue and allowed.count("'") >= 2
        if column.kind == CHOICE:
            assert allowed == "; ".join(str(label) for _key, label in column.choices)
    # Small catalogues are spelled out.
    if target == DOSSIERS:
        assert "1 - Nam; 2 - Nữ" in by_header[spec.column("identity.sex").header][4]
    else:
        assert "HTTNV - Hoàn thành tốt nhiệm vụ" in by_header[spec.column("professional_rating").header][4]
    rules = [row[0] for row in rows if row and isinstance(row[0], str) and re.match(r"^\d+\. ", row[0])]
    assert len(rules) >= 8
    assert any(EXAMPLE_LABEL in rule for rule in rules)


@pytest.mark.django_db
def test_example_row_is_a_realistic_person():
    spec = import_spec(DOSSIERS)
    workbook = open_template(DOSSIERS)
    example = dict(zip([c.key for c in spec.columns], example_row(workbook, spec), strict=True))
    assert example["personal_id"] == EXAMPLE_ID
    assert example["identity.full_name"] == EXAMPLE_NAME
    assert example["identity.sex"] == "1 - Nam"
    assert example["identity.ethnicity"] == "01 - Kinh"
    assert example["identity.birth_date"] == datetime.datetime(1990, 3, 15)
    assert example["salary.grade"] == "01.003 - Chuyên viên"
    assert example["salary.salary_coefficient"] == "3,00"
    # Never on the data sheet.
    assert EXAMPLE_ID not in [cell.value for row in workbook[spec.sheet_name].iter_rows() for cell in row]


@pytest.mark.django_db
@pytest.mark.parametrize("target", [DOSSIERS, "work_history", "contracts"])
def test_template_reads_back_as_its_target(target):
    spec = import_spec(target)
    table = table_open(content=template_workbook(target=target), filename="mau.xlsx")
    assert table.name == spec.sheet_name  # chosen without a hint: the other sheets are skipped
    assert table.header == [column.header for column in spec.columns]
    assert list(table.rows()) == []
    columns, ignored = columns_match(spec=spec, header=table.header)
    assert ignored == []
    assert [columns[index].key for index in sorted(columns)] == [column.key for column in spec.columns]


def _filled(target: str) -> bytes:
    """The template with its example row copied to row 2 of the data sheet."""
    spec = import_spec(target)
    workbook = open_template(target)
    data = workbook[spec.sheet_name]
    for index, value in enumerate(example_row(workbook, spec), start=1):
        data.cell(row=2, column=index, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _check(target: str, unit, content_bytes: bytes):
    job = import_job_create(actor=None, target=target, unit=unit, filename="mau.xlsx", content=content_bytes)
    return import_job_run(job=job, commit=False)


@pytest.mark.django_db
def test_example_row_imports_as_a_new_dossier(province):
    job = _check(DOSSIERS, province["noi_vu"], _filled(DOSSIERS))
    rows = list(ImportRow.objects.filter(job=job).values_list("row_number", "personal_id", "outcome", "errors"))
    assert job.status == ImportStatus.CHECKED, job.message
    assert rows == [(2, EXAMPLE_ID, RowOutcome.NEW, [])]


@pytest.mark.django_db
def test_required_custom_fields_are_marked_and_exemplified(province):
    field_definition_save(
        values={
            "target": "dossier",
            "key": "so_the_dang",
            "label": "Số thẻ đảng",
            "field_type": "text",
            "required": True,
        }
    )
    field_definition_save(
        values={
            "target": "dossier",
            "key": "hang_giao_vien",
            "label": "Hạng giáo viên",
            "field_type": "text",
            "required": True,
            "personnel_categories": ["VC"],
        }
    )
    spec = import_spec(DOSSIERS)
    workbook = open_template(DOSSIERS)
    headers = {cell.value: cell for cell in workbook[spec.sheet_name][1]}
    for key in ("custom.so_the_dang", "custom.hang_giao_vien"):
        assert headers[spec.column(key).header].font.color.rgb == "00C00000"
    example = dict(zip([c.key for c in spec.columns], example_row(workbook, spec), strict=True))
    assert example["custom.so_the_dang"] == "Ví dụ"
    assert example["custom.hang_giao_vien"] is None  # the example person is a civil servant (CC), not VC
    notes = [
        row[6]
        for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True)
        if row[1] == "Hạng giáo viên [hang_giao_vien]"
    ]
    assert len(notes) == 1 and "VC" in notes[0]
    job = _check(DOSSIERS, province["noi_vu"], _filled(DOSSIERS))
    assert list(ImportRow.objects.filter(job=job).values_list("outcome", "errors")) == [(RowOutcome.NEW, [])]


@pytest.mark.django_db
@pytest.mark.parametrize("target", SECTION_TARGETS)
def test_example_row_of_each_section_imports(target, province):
    person = content(
        identity={
            "full_name": EXAMPLE_NAME,
            "sex": "1",
            "birth_date": "1990-03-15",
            "birth_place": "Phường Sài Gòn, Thành phố Hồ Chí Minh",
            "hometown": "Xã Mỹ An, tỉnh Đồng Tháp",
            "ethnicity": "01",
            "current_address": "Phường Cao Lãnh, tỉnh Đồng Tháp",
        }
    )
    for key in ("training_professional", "work_history", "family_own"):
        person.pop(key)
    dossier_create(unit=province["noi_vu"], personal_id=EXAMPLE_ID, content=person)
    job = _check(target, province["noi_vu"], _filled(target))
    rows = list(ImportRow.objects.filter(job=job).values_list("row_number", "outcome", "errors"))
    assert rows == [(2, RowOutcome.NEW, [])], job.message
