"""Text typed in TCVN3 (ABC), the pre-Unicode Vietnamese encoding of the .VnTime fonts.

Old provincial spreadsheets often hold names and places typed in a .VnTime font: the cell
stores the font's bytes as Latin-1 characters, so "Nguyễn Văn Thắng" reads "NguyÔn V¨n Th¾ng".
domain.md (§9) asks for such text to be normalised before it is compared or stored. A cell is
taken for TCVN3 only on clear evidence (looks_tcvn3) and converted letter by letter
(tcvn3_to_unicode); VNI, the other legacy encoding, is not recognised.
"""

from __future__ import annotations

import re

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
    texts = [cell for cell in cells if cell.__class__ is str]
    joined = "\x00".join(texts)
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
