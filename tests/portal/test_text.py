"""Vietnamese text helpers: NFC, accent folding, collation keys, name sort keys (domain.md §9)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from portal.text import collation_key, fold, nfc, person_name_sort_key


def _nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def _shuffled(items: list[str], seed: int = 20) -> list[str]:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


# --- nfc / fold ----------------------------------------------------------------------------


def test_nfc_normalises_and_strips():
    assert nfc(None) == ""
    assert nfc("  " + _nfd("Thắng") + " ") == "Thắng"
    assert nfc(_nfd("Thắng")) != _nfd("Thắng")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Thắng", "nguyen van thang"),
        ("Đặng Thị Đào", "dang thi dao"),
        ("đường", "duong"),
        ("ĐĂNG KÝ", "dang ky"),
        ("Ủy ban nhân dân tỉnh Đồng Tháp", "uy ban nhan dan tinh dong thap"),
        ("Trường THPT   Lấp Vò  2", "truong thpt lap vo 2"),
        ("Ư Ơ Ô Ê Â Ă", "u o o e a a"),
        (None, ""),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_of_decomposed_input_equals_fold_of_composed_input():
    for text in ("Nguyễn Văn Thắng", "Đặng Thị Đào", "Phạm Ngọc Ước", "Lê Thị Hường"):
        decomposed = _nfd(text)
        assert decomposed != text
        assert fold(decomposed) == fold(text)


# --- collation_key -------------------------------------------------------------------------


def _collated(items: list[str]) -> list[str]:
    return sorted(_shuffled(items), key=collation_key)


def test_tones_are_ordered_none_grave_hook_tilde_acute_dot_then_letters():
    expected = ["a", "à", "ả", "ã", "á", "ạ", "ă", "â", "b"]
    assert _collated(expected) == expected


@pytest.mark.parametrize(
    "expected",
    [
        ["c", "d", "đ", "e"],
        ["e", "ê", "g"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        ["a", "ă", "â", "b"],
        ["ạ", "ă", "ằ", "â", "ấ", "b"],  # a tone never lifts a letter over the next letter
        ["Dương", "Đàm", "Đinh"],  # Đ is a letter of its own, not a D with a mark
        ["Ô", "ồ", "Ơ"],  # case does not change the order
    ],
)
def test_vietnamese_alphabet_order(expected):
    assert _collated(expected) == expected


def test_letters_compare_before_tones_over_the_whole_word():
    # Spelling decides first ("án" before "anh"); the tone only between equal spellings.
    expected = ["an", "án", "anh", "ành", "ánh", "ăn"]
    assert _collated(expected) == expected


def test_d_and_dd_do_not_mix_as_diacritic_stripping_would():
    names = ["Đào", "Dung", "Đức", "Duy", "Dân"]
    assert sorted(names, key=collation_key) == ["Dân", "Dung", "Duy", "Đào", "Đức"]


def test_collation_key_ignores_normal_form_and_case():
    for text in ("Nguyễn Thị Ánh", "Đặng Hữu Ước", "Lê Quỳnh"):
        assert collation_key(_nfd(text)) == collation_key(text)
        assert collation_key(text.upper()) == collation_key(text)
    assert collation_key("An   Bình") == collation_key("An Bình")


# --- person_name_sort_key ------------------------------------------------------------------


def test_person_names_sort_by_given_name_first():
    expected = ["Trần Văn An", "Nguyễn Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức"]
    assert sorted(_shuffled(expected), key=person_name_sort_key) == expected


def test_an_sorts_before_anh():
    names = ["Nguyễn Văn Anh", "Vũ Thị An"]
    assert sorted(names, key=person_name_sort_key) == ["Vũ Thị An", "Nguyễn Văn Anh"]


def test_tones_of_the_given_name_are_secondary_all_anh_before_anh_with_acute():
    expected = [
        # every "Anh", ordered by family and middle names
        "Đào Thị Anh",
        "Lê Văn Anh",
        "Nguyễn Thị Anh",
        "Vũ Anh",
        # then every "Ánh", even those whose family name comes first in the alphabet
        "Bùi Thị Ánh",
        "Đỗ Ánh",
        "Trần Văn Ánh",
        # and only then the next letter sequence
        "An Văn Bảo",
    ]
    assert sorted(_shuffled(expected), key=person_name_sort_key) == expected


def test_same_given_name_sorts_by_family_and_middle_names_in_vietnamese_order():
    expected = ["Dương Văn Hùng", "Đàm Văn Hùng", "Đặng Văn Hùng", "Ông Văn Hùng", "Ơn Văn Hùng"]
    assert sorted(_shuffled(expected), key=person_name_sort_key) == expected


def test_person_name_sort_key_of_decomposed_input_equals_composed_input():
    assert person_name_sort_key(_nfd("Nguyễn Thị Ánh")) == person_name_sort_key("Nguyễn Thị Ánh")
    assert person_name_sort_key("  Nguyễn   Thị  Ánh ") == person_name_sort_key("Nguyễn Thị Ánh")


def test_person_name_sort_key_of_empty_name():
    assert person_name_sort_key(None) == ""
    assert person_name_sort_key("   ") == ""
    assert sorted(["Lê An", ""], key=person_name_sort_key) == ["", "Lê An"]
