"""imports/readers.py: what a file is decided by its content; every unusable file is refused with
one sentence; the header is found under a title; trailing empty rows and other sheets are ignored."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from django.utils import translation
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from imports.readers import FileRefused, table_open
from tests.imports.conftest import HEADERS, MAN_1990, WOMAN_1985, person_row, workbook


@pytest.fixture(autouse=True)
def english():
    # Exact sentences are asserted in English (the source language of the msgids).
    with translation.override("en"):
        yield


def refusal(content: bytes, **kwargs) -> str:
    with pytest.raises(FileRefused) as exc:
        table_open(content=content, **kwargs)
    assert len(exc.value.messages) == 1
    return exc.value.messages[0]


def data_rows(table) -> list[tuple[int, list]]:
    return list(table.rows())


def xlsx(build) -> bytes:
    """An xlsx written by openpyxl after ``build(workbook)``."""
    book = Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- files that are not spreadsheets ---------------------------------------------------------


def test_an_empty_file_is_refused():
    assert refusal(b"", filename="ds.xlsx") == "The file is empty."


def test_a_pdf_renamed_xlsx_is_refused_as_a_pdf():
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
    message = refusal(pdf, filename="danh-sach.xlsx")
    assert message == (
        "The file 'danh-sach.xlsx' is not a spreadsheet: its content is PDF. Upload an .xlsx or .csv file."
    )


@pytest.mark.parametrize(
    "magic, kind",
    [
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff\xe0", "JPEG"),
        (b"Rar!\x1a\x07\x00", "RAR"),
        (b"MZ\x90\x00", "EXE"),
    ],
)
def test_other_renamed_files_are_named_by_their_content(magic, kind):
    assert f"its content is {kind}" in refusal(magic + bytes(range(256)) * 4, filename="hoso.csv")


def test_a_word_document_renamed_xlsx_is_refused_as_word():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    message = refusal(buffer.getvalue(), filename="hoso.xlsx")
    assert message == "The file is a zip archive but not an Excel workbook (Word). Upload an .xlsx or .csv file."


def test_an_encrypted_workbook_is_refused_with_how_to_remove_the_password():
    plain = workbook([person_row(MAN_1990)])
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("Mk-2026-bimat", encrypted)
    message = refusal(encrypted.getvalue(), filename="hoso.xlsx")
    assert message.startswith("The workbook is password-protected; remove the password")


def test_a_damaged_zip_is_refused():
    content = workbook([person_row(MAN_1990)])
    message = refusal(content[: len(content) // 2], filename="hoso.xlsx")
    assert message.startswith("The workbook is damaged and cannot be opened")


@pytest.mark.parametrize(
    "garbage",
    [
        bytes((i * 7919 + 13) % 256 for i in range(4096)),  # binary without a known signature
        b"\x00" * 2048,  # NULs decode as UTF-8 but are no text
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,  # an OLE header with nothing readable behind it
    ],
    ids=["binary", "nuls", "ole-garbage"],
)
def test_binary_garbage_is_refused(garbage):
    message = refusal(garbage, filename="hoso.xlsx")
    assert (
        "not a spreadsheet" in message
        or "neither an Excel workbook nor a CSV" in message
        or "not a readable" in message
    )


# --- limits ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    content = b"So CCCD,Ho ten\n" + b"087090000123,Nguyen Van A\n" * 50000  # 1.2 MB
    message = refusal(content, filename="lon.csv")
    assert message == "The file is 1.2 MB, over the limit of 1 MB; split it into several files."
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    assert table_open(content=content, filename="lon.csv").header == ["So CCCD", "Ho ten"]


def _with_member(content: bytes, name: str, data: bytes) -> bytes:
    """``content`` (an xlsx) with one more member: zeros compress about a thousandfold."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_what_it_expands_to(settings):
    settings.IMPORT_MAX_EXPANDED_BYTES = 1024 * 1024
    bomb = _with_member(workbook([person_row(MAN_1990)]), "xl/media/image1.bin", b"\x00" * (3 * 1024 * 1024))
    assert len(bomb) < 64 * 1024  # small on disk
    message = refusal(bomb, filename="hoso.xlsx")
    assert message == "The workbook expands to more than 1 MB when opened; it is refused as unsafe."


def test_a_zip_bomb_spread_over_many_members_is_refused(settings):
    settings.IMPORT_MAX_EXPANDED_BYTES = 1024 * 1024
    content = workbook([person_row(MAN_1990)])
    for number in range(4):  # each member is under the limit, together they are not
        content = _with_member(content, f"xl/media/part{number}.bin", b"\x00" * (400 * 1024))
    assert "refused as unsafe" in refusal(content, filename="hoso.xlsx")


def test_a_zip_bomb_that_lies_about_its_size_is_still_refused(settings):
    settings.IMPORT_MAX_EXPANDED_BYTES = 1024 * 1024
    bomb = _with_member(workbook([person_row(MAN_1990)]), "xl/media/image1.bin", b"\x00" * (3 * 1024 * 1024))
    # Rewrite the declared uncompressed size (local header and central directory) to 1 KB.
    size = (3 * 1024 * 1024).to_bytes(4, "little")
    assert bomb.count(size) == 2
    lying = bomb.replace(size, (1024).to_bytes(4, "little"))
    with pytest.raises(FileRefused):
        table_open(content=lying, filename="hoso.xlsx")


def test_a_workbook_under_the_expansion_limit_is_read(settings):
    settings.IMPORT_MAX_EXPANDED_BYTES = 1024 * 1024
    table = table_open(content=workbook([person_row(MAN_1990)]), filename="hoso.xlsx")
    assert data_rows(table) == [(2, person_row(MAN_1990))]


# --- formulas, merged headers, sheets ---------------------------------------------------------


def test_formula_cells_are_found_at_their_row_and_column():
    content = workbook(
        [
            person_row(MAN_1990),
            [WOMAN_1985, "Trần Thị Hoa", "Nữ", "=DATE(1985,3,8)", "Kinh", "CC", "0912345678"],
            person_row("087090000124", phone="=A2&B2"),
        ]
    )
    table = table_open(content=content, filename="hoso.xlsx")
    assert table.formulas == {3: {3}, 4: {6}}


def test_formulas_are_found_on_the_chosen_sheet_only():
    def build(book):
        book.active.title = "Ghi chú"
        book.active.append(["Tổng", "=1+1"])
        data = book.create_sheet("Hồ sơ")
        data.append(HEADERS)
        data.append(person_row(MAN_1990, phone="=1+1"))

    table = table_open(content=xlsx(build), filename="hoso.xlsx", sheet="Hồ sơ")
    assert table.name == "Hồ sơ"
    assert table.formulas == {2: {6}}


def test_merged_header_cells_are_refused_with_the_range():
    def build(book):
        sheet = book.active
        sheet.append(["Số CCCD", "Họ và tên", None, "Ngày sinh"])
        sheet.append([MAN_1990, "Nguyễn", "Văn Thắng", "17/05/1990"])
        sheet.merge_cells("B1:C1")

    message = refusal(xlsx(build), filename="hoso.xlsx")
    assert message == (
        "Row 1: the header cells B1:C1 are merged. Unmerge them and give every column its own header in one row."
    )


def test_merged_header_cells_below_a_blank_row_are_refused_at_their_row():
    def build(book):
        sheet = book.active
        sheet.append([])
        sheet.append(["Số CCCD", "Họ và tên", None, "Ngày sinh"])
        sheet.append([MAN_1990, "Nguyễn", "Văn Thắng", "17/05/1990"])
        sheet.merge_cells("B2:C2")

    assert refusal(xlsx(build), filename="hoso.xlsx").startswith("Row 2: the header cells B2:C2 are merged.")


def test_a_merged_title_row_above_the_header_is_accepted():
    def build(book):
        sheet = book.active
        sheet.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC"])
        sheet.merge_cells("A1:G1")
        sheet.append(HEADERS)
        sheet.append(person_row(MAN_1990))

    table = table_open(content=xlsx(build), filename="hoso.xlsx")
    assert (table.header_row, table.header) == (2, HEADERS)
    assert data_rows(table) == [(3, person_row(MAN_1990))]


def test_merged_cells_in_data_rows_do_not_refuse_the_file():
    def build(book):
        sheet = book.active
        sheet.append(HEADERS)
        sheet.append(person_row(MAN_1990))
        sheet.append(person_row(WOMAN_1985, "Trần Thị Hoa", sex="Nữ", birth="08/03/1985"))
        sheet.merge_cells("E2:E3")

    table = table_open(content=xlsx(build), filename="hoso.xlsx")
    assert [number for number, _cells in data_rows(table)] == [2, 3]


def test_several_sheets_with_data_are_refused_naming_them():
    content = workbook([person_row(MAN_1990)], extra_sheets={"Năm 2025": [HEADERS, person_row(WOMAN_1985)]})
    message = refusal(content, filename="hoso.xlsx")
    assert message == (
        "The workbook has several sheets with data ('Hồ sơ', 'Năm 2025'). Keep only the sheet to import, "
        "or name it (the 'sheet' option)."
    )


def test_the_sheet_named_is_read_whatever_its_case_and_accents():
    content = workbook([person_row(MAN_1990)], extra_sheets={"Năm 2025": [HEADERS, person_row(WOMAN_1985)]})
    table = table_open(content=content, filename="hoso.xlsx", sheet="nam 2025")
    assert table.name == "Năm 2025"
    assert [cells[0] for _number, cells in data_rows(table)] == [WOMAN_1985]
    assert refusal(content, filename="hoso.xlsx", sheet="Năm 2024") == (
        "The workbook has no sheet 'Năm 2024' (sheets: Hồ sơ, Năm 2025)."
    )


def test_the_sheet_hinted_by_the_target_is_read():
    content = workbook([person_row(MAN_1990)], extra_sheets={"Khác": [HEADERS, person_row(WOMAN_1985)]})
    table = table_open(content=content, filename="hoso.xlsx", sheet_hint="ho so")
    assert table.name == "Hồ sơ"


def test_the_template_instructions_sheet_and_hidden_sheets_are_not_data():
    def build(book):
        book.active.title = "Hướng dẫn"
        book.active.append(["Cột", "Cách điền"])
        book.active.append(["Số CCCD", "12 chữ số"])
        lists = book.create_sheet("Danh mục")
        lists.append(["Kinh", "Tày"])
        hidden = book.create_sheet("Dữ liệu ẩn")
        hidden.append(["x", "y"])
        hidden.sheet_state = "hidden"
        data = book.create_sheet("Hồ sơ")
        data.append(HEADERS)
        data.append(person_row(MAN_1990))

    table = table_open(content=xlsx(build), filename="mau.xlsx")
    assert table.name == "Hồ sơ"
    assert table.sheet_names == ["Hướng dẫn", "Danh mục", "Dữ liệu ẩn", "Hồ sơ"]
    assert data_rows(table) == [(2, person_row(MAN_1990))]


def test_a_workbook_without_data_is_refused():
    def build(book):
        book.active.title = "Hướng dẫn"
        book.active.append(["Cột", "Cách điền"])

    assert refusal(xlsx(build), filename="mau.xlsx") == "The workbook has no sheet with data."


# --- header and rows ----------------------------------------------------------------------------


def test_the_header_is_found_under_title_rows():
    def build(book):
        sheet = book.active
        sheet.append(["ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"])
        sheet.append([None, None, "DANH SÁCH CÁN BỘ, CÔNG CHỨC"])
        sheet.append([])
        sheet.append(HEADERS)
        sheet.append(person_row(MAN_1990))

    table = table_open(content=xlsx(build), filename="hoso.xlsx")
    assert (table.header_row, table.header) == (4, HEADERS)
    assert data_rows(table) == [(5, person_row(MAN_1990))]


def test_a_sheet_starting_below_and_right_of_a1_keeps_its_row_and_column_numbers():
    def build(book):
        sheet = book.active
        sheet["C3"], sheet["D3"] = "Số CCCD", "Họ và tên"
        sheet["C4"], sheet["D4"] = MAN_1990, "Nguyễn Văn Thắng"

    table = table_open(content=xlsx(build), filename="hoso.xlsx")
    assert (table.header_row, table.header) == (3, ["", "", "Số CCCD", "Họ và tên"])
    assert data_rows(table) == [(4, [None, None, MAN_1990, "Nguyễn Văn Thắng"])]


def test_rows_and_formulas_keep_their_sheet_numbers_below_a_blank_first_row():
    def build(book):
        sheet = book.active
        sheet.append([])
        sheet.append(HEADERS)
        sheet.append(person_row(MAN_1990, phone="=1+1"))
        sheet.append(person_row(WOMAN_1985, "Trần Thị Hoa"))

    table = table_open(content=xlsx(build), filename="hoso.xlsx")
    assert table.header_row == 2
    assert [number for number, _cells in data_rows(table)] == [3, 4]
    assert table.formulas == {3: {6}}


def test_a_sheet_without_a_header_row_is_refused():
    def build(book):
        for number in range(20):
            book.active.append([number])

    assert refusal(xlsx(build), filename="hoso.xlsx") == (
        "No header row found: the first rows of the sheet must name the columns."
    )


def test_trailing_empty_rows_left_by_spreadsheet_tools_are_ignored():
    def build(book):
        sheet = book.active
        sheet.append(HEADERS)
        sheet.append(person_row(MAN_1990))
        sheet.append([None] * 7)
        sheet.append(person_row(WOMAN_1985, "Trần Thị Hoa"))
        fill = PatternFill("solid", fgColor="FFFF00")
        for number in range(5, 20000, 7):  # formatted, blank or space-only cells far below
            sheet.cell(row=number, column=1, value="")
            sheet.cell(row=number, column=3, value="   ").fill = fill
        sheet.cell(row=65000, column=7).fill = fill

    table = table_open(content=xlsx(build), filename="hoso.xlsx")
    assert [number for number, _cells in data_rows(table)] == [2, 4]


def test_number_and_date_cells_come_back_typed():
    import datetime

    def build(book):
        sheet = book.active
        sheet.append(HEADERS)
        sheet.append([87090000123, "Nguyễn Văn Thắng", "Nam", datetime.date(1990, 5, 17), "Kinh", "CC", 912345678])

    [(_number, cells)] = data_rows(table_open(content=xlsx(build), filename="hoso.xlsx"))
    assert cells[0] == 87090000123 and isinstance(cells[0], int | float)
    assert cells[3] in (datetime.date(1990, 5, 17), datetime.datetime(1990, 5, 17))


# --- csv --------------------------------------------------------------------------------------

CSV_TEXT = (
    "Số CCCD,Họ và tên,Giới tính,Ngày sinh,Nơi ở hiện nay\r\n"
    '087090000123,Nguyễn Văn Thắng,Nam,17/05/1990,"Phường 1, TP Cao Lãnh"\r\n'
    "087185000456,Trần Thị Hoa,Nữ,08/03/1985,Xã Mỹ An\r\n"
)
CSV_HEADER = ["Số CCCD", "Họ và tên", "Giới tính", "Ngày sinh", "Nơi ở hiện nay"]
CSV_ROWS = [
    (2, ["087090000123", "Nguyễn Văn Thắng", "Nam", "17/05/1990", "Phường 1, TP Cao Lãnh"]),
    (3, ["087185000456", "Trần Thị Hoa", "Nữ", "08/03/1985", "Xã Mỹ An"]),
]


@pytest.mark.parametrize(
    "encoded",
    [
        CSV_TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-16"),  # with its BOM, as Excel's "Unicode text"
        codecs.BOM_UTF16_BE + CSV_TEXT.encode("utf-16-be"),
        CSV_TEXT.encode("utf-16-le"),  # without a BOM
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-no-bom"],
)
def test_csv_in_utf8_or_utf16_is_read_with_its_vietnamese_text(encoded):
    table = table_open(content=encoded, filename="hoso.csv")
    assert table.header == CSV_HEADER
    assert data_rows(table) == CSV_ROWS


def test_a_semicolon_csv_is_read():
    text = CSV_TEXT.replace(",", ";").replace('"Phường 1; TP Cao Lãnh"', "Phường 1, TP Cao Lãnh")
    table = table_open(content=text.encode("utf-8"), filename="hoso.csv")
    assert table.header == CSV_HEADER
    assert data_rows(table) == CSV_ROWS


def test_a_semicolon_csv_with_commas_in_its_header_is_read():
    # Excel with Vietnamese regional settings saves ";" CSV, and leaves "Ngày, tháng, năm sinh" unquoted.
    text = (
        "Số CCCD;Họ và tên;Ngày, tháng, năm sinh\n"
        "087090000123;Nguyễn Văn Thắng;17/05/1990\n"
        "087185000456;Trần Thị Hoa;08/03/1985\n"
    )
    table = table_open(content=text.encode("utf-8"), filename="hoso.csv")
    assert table.header == ["Số CCCD", "Họ và tên", "Ngày, tháng, năm sinh"]
    assert data_rows(table)[0] == (2, ["087090000123", "Nguyễn Văn Thắng", "17/05/1990"])


def test_a_semicolon_csv_with_a_title_row_is_read():
    text = (
        "DANH SÁCH CÁN BỘ NĂM 2026;;\n"
        "Số CCCD;Họ và tên;Hệ số lương\n"
        "087090000123;Nguyễn Văn Thắng;2,34\n"
        "087185000456;Trần Thị Hoa;3,00\n"
    )
    table = table_open(content=text.encode("utf-8"), filename="hoso.csv")
    assert (table.header_row, table.header) == (2, ["Số CCCD", "Họ và tên", "Hệ số lương"])
    assert data_rows(table) == [
        (3, ["087090000123", "Nguyễn Văn Thắng", "2,34"]),
        (4, ["087185000456", "Trần Thị Hoa", "3,00"]),
    ]


def test_csv_trailing_empty_lines_are_ignored():
    text = CSV_TEXT + ",,,,\r\n" * 3000 + "\r\n" * 50
    assert data_rows(table_open(content=text.encode("utf-8"), filename="hoso.csv")) == CSV_ROWS


def test_a_text_in_another_encoding_is_refused():
    content = CSV_TEXT.encode("cp1258", errors="replace")
    message = refusal(content, filename="hoso.csv")
    assert message.startswith("The file is neither an Excel workbook nor a CSV file in UTF-8 or UTF-16")


def test_a_csv_without_a_header_is_refused():
    assert refusal(b"087090000123\n087185000456\n", filename="hoso.csv") == (
        "No header row found: the first rows of the file must name the columns."
    )
