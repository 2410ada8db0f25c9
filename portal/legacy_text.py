"""Text typed in the two pre-Unicode Vietnamese encodings: TCVN3 (ABC, the .VnTime fonts) and
VNI (VNI Windows, the VNI-Times fonts).

Old provincial spreadsheets often hold names and places typed in such a font: the cell stores the
font's bytes as Latin-1 characters, so "Nguyễn Văn Thắng" reads "NguyÔn V¨n Th¾ng" in TCVN3 and
"Nguyeãn Vaên Thaéng" in VNI. domain.md (§9) asks for such text to be normalised before it is
compared or stored. A text is taken for one of them only on clear evidence (``looks_tcvn3``,
``looks_vni``) and converted letter by letter (``tcvn3_to_unicode``, ``vni_to_unicode``);
``row_encoding`` tells which, if any, a row of cells shows, and ``LegacyEncoding`` bundles what the
import needs of each.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from portal.text import nfc

# Bytes 0xA1–0xFF of TCVN 5712:1993 (glibc's TCVN5712-1, the ABC fonts' table) as Excel shows them
# (Latin-1) → the Vietnamese letters they encode (0xB0–0xB4 are combining tone marks). Derived from
# `iconv -f TCVN5712-1`; tests/portal/test_legacy_text.py derives it again and compares. Bytes
# 0x80–0x9F are left out: the ABC fonts have no letters there, and Excel shows them as ordinary
# punctuation (– — " " …) that must stay as it is.
_LATIN1 = "¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüþÿ"
_VIETNAMESE = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵ"
    "ắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹỵỐ"
)
TCVN3_TABLE = str.maketrans(_LATIN1, _VIETNAMESE)

# Evidence that a text is TCVN3, not Latin-1 that happens to hold one of its characters:
# - a Latin-1 symbol that is a TCVN3 letter (¨ = ă, ¸ = á, ¾ = ắ, ¡ = Ă, …) next to an ASCII letter;
# - ® (đ) or © (â), which never end a syllable, followed by a letter ("®¹i" = đại; "Microsoft®" is not);
# - a Latin-1 capital between two small ASCII letters ("NguyÔn" = Nguyễn, "ViÖt" = Việt).
# Letters of other European languages (ä ö ü ß ç ñ ø å æ ë ï î û) are no evidence on their own, so
# "Müller" or "Universität" stay as typed.
_SYMBOLS = "¡¢£¤¥¦§¨ª«¬\u00adµ¶·¸¹»¼½¾÷þ"
_EVIDENCE = re.compile(rf"[A-Za-z][{_SYMBOLS}]|[{_SYMBOLS}][A-Za-z]|[®©][A-Za-z{_SYMBOLS}]|[a-z][\u00c0-\u00de][a-z]")
# A character without which there is no evidence: one class, searched much faster than the pattern.
_CANDIDATE = re.compile("[" + re.escape(_SYMBOLS + "®©") + "\u00c0-\u00de]")
# A letter only Unicode text has (Latin Extended, combining marks, the Vietnamese block): the text
# is Unicode already, whatever else it holds.
_UNICODE_LETTER = re.compile("[\u0100-\u024f\u0300-\u036f\u1ea0-\u1ef9]")
# The Latin-1 letters Vietnamese itself uses (à, ô, ý, …): a text of only these may well be Unicode
# ("Tô Hoài"), so holding them is no sign of TCVN3; the other TCVN3 characters are.
_ANY_LATIN1 = re.compile(f"[{re.escape(_LATIN1)}]")
_VIETNAMESE_LATIN1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"
_ANY_TCVN3 = re.compile("[" + re.escape("".join(sorted(set(_LATIN1) - set(_VIETNAMESE_LATIN1)))) + "]")


def looks_tcvn3(text: str) -> bool:
    """Whether ``text`` reads as TCVN3 shown in Latin-1 (see the evidence above)."""
    return not text.isascii() and _EVIDENCE.search(text) is not None and _UNICODE_LETTER.search(text) is None


def holds_tcvn3(text: str) -> bool:
    """Whether ``text`` holds a TCVN3 character that Vietnamese does not use in Unicode and no
    Unicode-only letter: converted when the text comes with others that ``looks_tcvn3`` (a row, a
    header), e.g. "Hå" (Hồ) beside "NguyÔn"; "Tô Hoài" is left as it is. True as well for what
    ``looks_tcvn3``."""
    if text.isascii() or _UNICODE_LETTER.search(text) is not None:
        return False
    return _ANY_TCVN3.search(text) is not None or _EVIDENCE.search(text) is not None


def may_be_tcvn3(text: str) -> bool:
    """Whether ``text`` holds any TCVN3 character and no Unicode-only letter: converted in a column
    or a header row already known to be TCVN3 ("Sè" = Số there), never on its own."""
    return not text.isascii() and _ANY_LATIN1.search(text) is not None and _UNICODE_LETTER.search(text) is None


def row_is_tcvn3(cells: list) -> bool:
    """Whether some text cell of a row ``looks_tcvn3``: one search over the row's text first, so a
    Unicode row (almost every row) costs one ``isascii`` or one regular-expression search."""
    texts = _non_ascii_texts(cells)
    return _tcvn3_row(texts, "\x00".join(texts))


def _non_ascii_texts(cells: list) -> list[str]:
    # Only a cell with a character past ASCII can be in either encoding; a dossier row's ids,
    # codes and numbers are left out of the searches (half of its text).
    return [cell for cell in cells if cell.__class__ is str and not cell.isascii()]


def _tcvn3_row(texts: list[str], joined: str) -> bool:
    if joined.isascii() or _CANDIDATE.search(joined) is None:  # ~1 µs for a row of 40 cells in Unicode
        return False
    return any(looks_tcvn3(text) for text in texts)


def tcvn3_to_unicode(text: str) -> str:
    """``text`` read as TCVN3, in Unicode NFC. A word typed in an uppercase .VnTimeH font (two ASCII
    letters or more, all capitals: "NGUYÔN") comes out in capitals, since those fonts draw the small
    letters' codes as capitals; "Sè" (Số) keeps its case."""
    return " ".join(_word_to_unicode(word) for word in text.split(" "))


def _word_to_unicode(word: str) -> str:
    converted = nfc(word.translate(TCVN3_TABLE))
    letters = [char for char in word if char.isascii() and char.isalpha()]
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return converted.upper()
    return converted


# --- VNI (VNI Windows, the VNI-Times fonts) --------------------------------------------------------
#
# A VNI letter is an ASCII vowel followed by a mark character, or one character of its own, all
# taken from Latin-1 (capitals: the same with capital marks, "AÙ" = Á):
#   tones after a, e, o, u, y, ơ (ô) and ư (ö): ù acute, ø grave, û hook, õ tilde, ï dot below;
#   after a, e and o: â circumflex, then with a tone á à å ã ä (ấ ầ ẩ ẫ ậ);
#   after a: ê breve, then with a tone é è ú ü ë (ắ ằ ẳ ẵ ặ);
#   alone: ô = ơ, ö = ư, ñ = đ, í ì æ ó ò = í ì ỉ ĩ ị, î = ỵ.
# tests/portal/test_legacy_vni.py derives every Vietnamese letter's VNI spelling again from the
# letter's Unicode decomposition and reads it back.
_TONES = "ùøûõï"
_HAT = "âáàåãä"
_BREVE = "êéèúüë"
_VNI_SEQUENCES: dict[str, str] = {}
for _base, _marks, _letters in (
    ("a", _TONES, "áàảãạ"),
    ("a", _HAT, "âấầẩẫậ"),
    ("a", _BREVE, "ăắằẳẵặ"),
    ("e", _TONES, "éèẻẽẹ"),
    ("e", _HAT, "êếềểễệ"),
    ("o", _TONES, "óòỏõọ"),
    ("o", _HAT, "ôốồổỗộ"),
    ("ô", _TONES, "ớờởỡợ"),
    ("u", _TONES, "úùủũụ"),
    ("ö", _TONES, "ứừửữự"),
    ("y", _TONES[:4], "ýỳỷỹ"),
):
    for _mark, _letter in zip(_marks, _letters, strict=False):
        for _mark_case in (_mark, _mark.upper()):
            _VNI_SEQUENCES[_base + _mark_case] = _letter
            _VNI_SEQUENCES[_base.upper() + _mark_case] = _letter.upper()
for _typed, _letter in zip("ôöñíìæóòî", "ơưđíìỉĩịỵ", strict=True):
    _VNI_SEQUENCES[_typed] = _letter
    _VNI_SEQUENCES[_typed.upper()] = _letter.upper()
_VNI_LETTER = re.compile("|".join(sorted(map(re.escape, _VNI_SEQUENCES), key=len, reverse=True)))

# Evidence that a text is VNI: sequences that Vietnamese written in Unicode never has — a tone
# mark (ù õ, or ø û ï, which Vietnamese does not use at all) after a vowel ("Thaùp" = Tháp; a
# Unicode syllable carries its tone on a vowel, never as a letter after one), a circumflex or
# breve mark after the vowel it belongs to ("Vaên" = Văn, "Vieät" = Việt, "oå" = ổ), ñ starting a
# syllable ("Ñoàng" = Đồng; "Muñoz" is not), "öô" (ươ). "Hoàng" alone is no evidence (in VNI it
# reads Hồng), nor are the letters of other languages (ö, ñ, ø in "Müller", "Muñoz", "Søren").
_VNI_PAIRS = frozenset(
    [first + mark for first in "AaEeOoUuYyÔôÖö" for mark in "ùøûõïÙØÛÕÏ"]
    + [first + mark for first in "Aa" for mark in "âáàåãäêéèúüëÂÁÀÅÃÄÊÉÈÚÜË"]
    + [first + mark for first in "Ee" for mark in "âáàåãäÂÁÀÅÃÄ"]
    + [first + mark for first in "Oo" for mark in "âåäÂÅÄ"]
    + [first + mark for first in "öÖ" for mark in "ôÔ"]
)
# Two-character candidates, checked against the pairs: one character-class search, since most
# Vietnamese rows hold a few (Nguyên, Quân, Hoàng) and an alternation of the rules costs 6× more.
_VNI_PAIR = re.compile(
    "["
    + "".join(sorted({pair[0] for pair in _VNI_PAIRS}))
    + "]["
    + "".join(sorted({pair[1] for pair in _VNI_PAIRS}))
    + "]"
)
_VNI_D = re.compile("[ñÑ][aeiouyôöAEIOUYÔÖ]")


def _vni_evidence(text: str) -> bool:
    for pair in _VNI_PAIR.findall(text):
        if pair in _VNI_PAIRS:
            return True
    if "ñ" in text or "Ñ" in text:  # (a substring test: far cheaper than the search it spares)
        for match in _VNI_D.finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            if not (before.isascii() and before.isalpha()):
                return True
    return False


# Characters Vietnamese in Unicode does not use, which VNI does: a cell holding one, in a row with
# evidence, is VNI too ("Hoà Bình" beside "Nguyeãn" is ambiguous; "Lyù" is not).
_VNI_ONLY = re.compile("[øûïåäëüæîñöØÛÏÅÄËÜÆÎÑÖ]")
_ANY_VNI = re.compile(
    "[" + "".join(sorted({char for key in _VNI_SEQUENCES for char in key if not char.isascii()})) + "]"
)


def looks_vni(text: str) -> bool:
    """Whether ``text`` reads as VNI shown in Latin-1 (see the evidence above)."""
    return not text.isascii() and _vni_evidence(text) and _UNICODE_LETTER.search(text) is None


def holds_vni(text: str) -> bool:
    """Whether ``text`` holds a VNI sign (evidence, or a character Vietnamese does not use in
    Unicode) and no Unicode-only letter: converted when its row ``looks_vni`` elsewhere."""
    if text.isascii() or _UNICODE_LETTER.search(text) is not None:
        return False
    return _VNI_ONLY.search(text) is not None or _vni_evidence(text)


def may_be_vni(text: str) -> bool:
    """Whether ``text`` holds any VNI character and no Unicode-only letter: converted in a column
    already known to be VNI ("Hoàng" = Hồng there), never on its own."""
    return not text.isascii() and _ANY_VNI.search(text) is not None and _UNICODE_LETTER.search(text) is None


def row_is_vni(cells: list) -> bool:
    """Whether some text cell of a row ``looks_vni``: one search over the row's text first."""
    texts = _non_ascii_texts(cells)
    return _vni_row(texts, "\x00".join(texts))


def _vni_row(texts: list[str], joined: str) -> bool:
    return not joined.isascii() and _vni_evidence(joined) and any(looks_vni(text) for text in texts)


def vni_to_unicode(text: str) -> str:
    """``text`` read as VNI, in Unicode NFC."""
    return nfc(_VNI_LETTER.sub(lambda match: _VNI_SEQUENCES[match[0]], text))


# --- which encoding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyEncoding:
    """What the import needs of one legacy encoding: its evidence at three degrees (a row, a cell
    with a sign of it, a cell that may be in it) and the conversion."""

    key: str
    label: object  # as the clerk knows it (lazy translation)
    row_shows: Callable[[list], bool]
    looks: Callable[[str], bool]
    holds: Callable[[str], bool]
    may_be: Callable[[str], bool]
    to_unicode: Callable[[str], str]


TCVN3 = LegacyEncoding(
    key="tcvn3",
    label=gettext_lazy("TCVN3 (ABC, .VnTime)"),
    row_shows=row_is_tcvn3,
    looks=looks_tcvn3,
    holds=holds_tcvn3,
    may_be=may_be_tcvn3,
    to_unicode=tcvn3_to_unicode,
)
VNI = LegacyEncoding(
    key="vni",
    label=gettext_lazy("VNI (VNI-Times)"),
    row_shows=row_is_vni,
    looks=looks_vni,
    holds=holds_vni,
    may_be=may_be_vni,
    to_unicode=vni_to_unicode,
)
ENCODINGS = (TCVN3, VNI)


def row_encoding(cells: list) -> LegacyEncoding | None:
    """The legacy encoding a row of cells clearly shows (TCVN3 first), or None (almost every row:
    for a Unicode dossier row of 77 columns, one join and two character-class searches, ~5.5 µs;
    a section row ~1 µs)."""
    texts = _non_ascii_texts(cells)
    if not texts:
        return None
    joined = "\x00".join(texts)
    if _tcvn3_row(texts, joined):
        return TCVN3
    if _vni_row(texts, joined):
        return VNI
    return None
