"""portal/legacy_text.py: text typed in TCVN3 (ABC, .VnTime fonts) recognised and read as Unicode,
and Unicode or other Latin-1 text left as it is."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.legacy_text import TCVN3_TABLE, holds_tcvn3, looks_tcvn3, may_be_tcvn3, row_is_tcvn3, tcvn3_to_unicode


def tcvn3(text: str) -> str:
    """``text`` as a .VnTime cell holds it: encoded by glibc's iconv, shown as Latin-1."""
    encoded = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True, check=True
    ).stdout
    return encoded.decode("latin-1")


def test_the_table_is_glibcs_tcvn5712_for_bytes_a1_to_ff():
    for byte in range(0xA1, 0x100):
        expected = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True, check=True
        ).stdout.decode()
        assert chr(byte).translate(TCVN3_TABLE) == expected, hex(byte)
    for byte in range(0x80, 0xA1):  # no ABC letters there: Excel's punctuation stays
        assert chr(byte).translate(TCVN3_TABLE) == chr(byte)


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Văn Thắng",
        "Trường Đại học Cần Thơ",
        "Phòng Tổ chức cán bộ, Sở Nội vụ tỉnh Đồng Tháp",
        "Xã Mỹ An, huyện Tháp Mười",
        "Ủy ban nhân dân phường Hòa Thuận".lower(),  # the ABC fonts have no toned capitals (Ủ, Á):
        "Lê Thị ánh Tuyết",  # those were typed in a .VnTimeH font, which the next test covers
        "Điện thoại",
        "Họ và tên",
    ],
)
def test_vietnamese_typed_in_tcvn3_is_read_back_exactly(text):
    typed = tcvn3(text)
    assert typed != text
    assert row_is_tcvn3([typed])
    assert tcvn3_to_unicode(typed) == text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NguyÔn V¨n Th¾ng", "Nguyễn Văn Thắng"),
        ("Hµ Néi", "Hà Nội"),
        ("NGUYÔN V¡N TH¾NG", "NGUYỄN VĂN THẮNG"),  # an uppercase .VnTimeH font
        ("Tµy", "Tày"),
    ],
)
def test_known_tcvn3_cells(typed, expected):
    assert looks_tcvn3(typed)
    assert tcvn3_to_unicode(typed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Văn Thắng",  # Unicode already
        "«Chiến lược phát triển»",
        "Microsoft®",
        "Müller",
        "Universität Göttingen",
        "François Lê",
        "Peña",
        "37°C",
        "Lê",
        "2 × 3",
        "Copyright © 2024",
        "",
        "ASCII only",
    ],
)
def test_unicode_and_other_latin_text_is_not_taken_for_tcvn3(text):
    assert not looks_tcvn3(text)
    assert not row_is_tcvn3([text, 1990, None])


def test_three_degrees_of_evidence():
    # Clear evidence: a Latin-1 symbol that is a TCVN3 letter next to a letter, a capital mid-word.
    assert looks_tcvn3("V¨n") and looks_tcvn3("NguyÔn")
    # A sign, converted in a row that has clear evidence: "å" (ồ) is Swedish too.
    assert holds_tcvn3("Hå") and not looks_tcvn3("Hå")
    assert holds_tcvn3("Müller")  # converted only beside clear evidence, where "ü" was typed as ỹ
    # Possible only: every character is a letter Vietnamese uses in Unicode as well; converted only
    # in a column (or a header row) already shown to be TCVN3.
    assert may_be_tcvn3("Sè CCCD") and not holds_tcvn3("Sè CCCD")
    assert tcvn3_to_unicode("Sè CCCD") == "Số CCCD"
    assert may_be_tcvn3("Tô Hoài") and not holds_tcvn3("Tô Hoài")
    # Never: a letter only Unicode has.
    assert not may_be_tcvn3("Đồng Tháp") and not holds_tcvn3("Đồng Tháp")
    assert row_is_tcvn3(["Hå", 17, "NguyÔn V¨n Th¾ng"]) and not row_is_tcvn3(["Hå", 17, "Tô Hoài"])


# The letters only Unicode has (beyond Latin-1: à, â, ô, … are Latin-1 too).
VIETNAMESE_ONLY = "ăđĩũơưĂĐĨŨƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


@given(st.text(max_size=40), st.sampled_from(VIETNAMESE_ONLY), st.text(max_size=40))
def test_text_with_a_vietnamese_letter_is_never_converted(before, letter, after):
    text = before + letter + after
    assert not looks_tcvn3(text)
    assert not holds_tcvn3(text)
    assert not may_be_tcvn3(text)
