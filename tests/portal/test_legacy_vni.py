"""portal/legacy_text.py: text typed in VNI (VNI Windows, the VNI-Times fonts) recognised and read
as Unicode; Unicode Vietnamese, other languages and TCVN3 not taken for it."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.legacy_text import (
    TCVN3,
    VNI,
    holds_vni,
    looks_tcvn3,
    looks_vni,
    may_be_vni,
    row_encoding,
    row_is_vni,
    vni_to_unicode,
)
from tests.portal.test_legacy_text import VIETNAMESE_ONLY, tcvn3

# VNI's marks, written after the vowel: a tone (acute, grave, hook, tilde, dot below), a
# circumflex alone or with a tone, a breve alone or with a tone.
TONE_MARKS = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
CIRCUMFLEX_MARKS = {None: "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
BREVE_MARKS = {None: "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
I_LETTERS = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def vni(text: str) -> str:
    """``text`` as a VNI-Times cell holds it, spelled from each letter's Unicode decomposition
    (independently of the module's table)."""
    out = []
    for char in text:
        if char in "đĐ":
            out.append("ñ" if char == "đ" else "Ñ")
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        upper = base.isupper()
        tone = next((mark for mark in marks if mark in TONE_MARKS), None)
        if not marks or base.lower() not in "aeiouy":
            out.append(char)
            continue
        lower = base.lower()
        if "\u031b" in marks:  # horn: ơ is "ô", ư is "ö"
            typed = ("ô" if lower == "o" else "ö") + (TONE_MARKS[tone] if tone else "")
        elif "\u0302" in marks:
            typed = lower + CIRCUMFLEX_MARKS[tone]
        elif "\u0306" in marks:
            typed = lower + BREVE_MARKS[tone]
        elif lower == "i":
            typed = I_LETTERS[tone]
        elif lower == "y" and tone == "\u0323":
            typed = "î"
        else:
            typed = lower + TONE_MARKS[tone]
        out.append(typed.upper() if upper else typed)
    return "".join(out)


# Every Vietnamese vowel letter with each tone (a â ă e ê o ô ơ u ư i y, × 6), composed from its parts.
VOWELS = (("a", ""), ("a", "\u0302"), ("a", "\u0306"), ("e", ""), ("e", "\u0302"), ("o", ""), ("o", "\u0302"))
VOWELS += (("o", "\u031b"), ("u", ""), ("u", "\u031b"), ("i", ""), ("y", ""))
VIETNAMESE_LETTERS = "".join(
    unicodedata.normalize("NFC", base + modifier + tone) for base, modifier in VOWELS for tone in ("", *TONE_MARKS)
)


def test_every_vietnamese_letter_typed_in_vni_is_read_back_in_both_cases():
    letters = VIETNAMESE_LETTERS + "đ"
    assert len(set(letters)) == 12 * 6 + 1
    for letter in letters + letters.upper():
        typed = vni(letter)
        assert vni_to_unicode(typed) == letter, (letter, typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyeãn Vaên Thaéng", "Nguyễn Văn Thắng"),
        ("Vieät Nam", "Việt Nam"),
        ("Tröôøng Ñaïi hoïc Caàn Thô", "Trường Đại học Cần Thơ"),
        ("Ñoàng Thaùp", "Đồng Tháp"),
        ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
        ("UÛY BAN NHAÂN DAÂN", "ỦY BAN NHÂN DÂN"),
        ("Lyù Thò Tuyeát", "Lý Thị Tuyết"),
        ("Hoï vaø teân", "Họ và tên"),
    ],
)
def test_known_vni_cells(typed, expected):
    assert vni(expected) == typed  # the test's own spelling agrees with what VNI-Times sheets hold
    assert looks_vni(typed) and row_is_vni([17, typed])
    assert row_encoding([typed, None]) is VNI
    assert vni_to_unicode(typed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Văn Thắng",
        "Hoàng Thị Xuân",  # "oà", "uâ": Unicode syllables, though "oà" is ồ in VNI
        "Chuyên viên chính",
        "Quê quán: Hòa Bình",
        "Thuý Kiều",
        "Tô Hoài",
        "Müller",
        "Muñoz",  # ñ inside a word is Spanish, not đ
        "Søren",
        "Universität Göttingen",
        "São Paulo",
        "François Lê",
        "",
    ],
)
def test_unicode_and_other_languages_are_not_taken_for_vni(text):
    assert not looks_vni(text)
    assert not row_is_vni([text, 1990, None])
    assert row_encoding([text]) is None


def test_the_projects_vietnamese_text_is_never_taken_for_vni():
    """Every label of the standard catalogues and every line of the message catalogue: Vietnamese in
    Unicode, thousands of syllables, none with VNI's evidence."""
    root = Path(__file__).resolve().parents[2]
    texts: list[str] = []

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted((root / "portal/data/catalogues").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    texts += (root / "portal/locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8").splitlines()
    syllables = {word for text in texts for word in re.findall(r"\w+", text) if not word.isascii()}
    assert len(texts) > 5000 and len(syllables) > 1000
    assert [text for text in texts if looks_vni(text)] == []


def test_three_degrees_of_evidence():
    # Clear evidence: a tone or hat mark after its vowel, đ starting a syllable.
    assert looks_vni("Thaùp") and looks_vni("Vaên") and looks_vni("Ñinh")
    # A sign, converted in a row with evidence: a character Vietnamese does not use in Unicode.
    assert holds_vni("Haø") and holds_vni("Müller") and not looks_vni("Müller")
    # Possible only: converted in a column already shown to be VNI, where "Hoàng" is Hồng.
    assert may_be_vni("Hoàng") and not holds_vni("Hoàng")
    assert vni_to_unicode("Hoàng") == "Hồng"
    # Never: a letter only Unicode has.
    assert not may_be_vni("Đồng Tháp") and not holds_vni("Đồng Tháp")


def test_tcvn3_and_vni_rows_are_told_apart():
    assert row_encoding([tcvn3("Nguyễn Văn Thắng"), 1990]) is TCVN3
    assert row_encoding([vni("Nguyễn Văn Thắng"), 1990]) is VNI
    assert not looks_tcvn3(vni("Trường Đại học Cần Thơ, Đồng Tháp"))
    assert not looks_vni(tcvn3("Trường Đại học Cần Thơ, Đồng Tháp"))


@given(st.text(max_size=40), st.sampled_from(VIETNAMESE_ONLY), st.text(max_size=40))
def test_text_with_a_vietnamese_letter_is_never_converted(before, letter, after):
    text = before + letter + after
    assert not looks_vni(text)
    assert not holds_vni(text)
    assert not may_be_vni(text)
