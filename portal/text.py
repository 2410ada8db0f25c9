"""Vietnamese text helpers: NFC normalisation, accent folding, collation keys.

PostgreSQL here has no unaccent or ICU collation (architecture.md §5), so folded
search text and sort keys are computed in Python and stored in indexed columns.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

# Vietnamese alphabet order (CLDR "vi" standard tailoring), with the Latin letters
# that appear in loanwords (f, j, w, z) in their Latin positions.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_PRIMARY = {letter: chr(0x41 + index) for index, letter in enumerate(_ALPHABET)}
# Tone marks are a secondary difference: none < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a separate letter (ă, â, ê, ô, ơ, ư) stay with the base letter.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def nfc(value: str | None) -> str:
    """NFC-normalise and strip; ``None`` becomes ''."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def fold(value: str | None) -> str:
    """Lowercase, diacritics removed, đ → d, spaces collapsed: the search form of a text."""
    text = anyascii(nfc(value)).lower()
    return " ".join(text.split())


def _collation_parts(text: str) -> tuple[str, str]:
    primary: list[str] = []
    secondary: list[str] = []
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    index = 0
    while index < len(decomposed):
        char = decomposed[index]
        index += 1
        marks = ""
        tone = "0"
        while index < len(decomposed) and unicodedata.combining(decomposed[index]):
            mark = decomposed[index]
            if mark in _LETTER_MARKS:
                marks += mark
            elif mark in _TONES:
                tone = _TONES[mark]
            index += 1
        letter = unicodedata.normalize("NFC", char + marks)
        if char == " ":
            primary.append(" ")
            secondary.append(" ")
        elif letter in _PRIMARY:
            primary.append(_PRIMARY[letter])
            secondary.append(tone)
        elif char.isdigit():
            primary.append(char)
            secondary.append("0")
    return "".join(primary), "".join(secondary)


def collation_key(text: str | None) -> str:
    """A byte-sortable key implementing Vietnamese collation for ``text``.

    Letters compare by the Vietnamese alphabet (a < ă < â, d < đ, ...) first and by
    tone mark only when the letters are equal. Store it in a column with the "C"
    collation and order by it.
    """
    primary, secondary = _collation_parts(" ".join(nfc(text).split()))
    return f"{primary}\x01{secondary}"


def person_name_sort_key(full_name: str | None) -> str:
    """Sort key for a Vietnamese full name: given name (last word) first, then the rest."""
    words = nfc(full_name).split()
    if not words:
        return ""
    given, rest = words[-1], " ".join(words[:-1])
    given_p, given_s = _collation_parts(given)
    rest_p, rest_s = _collation_parts(rest)
    # The given name is compared fully (letters, then tones) before the rest is looked at.
    return f"{given_p}\x01{given_s}\x02{rest_p}\x01{rest_s}"
