"""A cleaned content's canonical bytes and its SHA-256 (what the approval manifest signs).

The content's form is ``records.services.content``'s: two contents that print the same are equal
and hash the same.
"""

from __future__ import annotations

import hashlib
import json

import orjson


def canonical_bytes(content: dict) -> bytes:
    """The content as canonical JSON: sorted keys, no spaces, UTF-8 (what is hashed and signed).

    orjson writes the same bytes as ``json.dumps(sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))`` for what a cleaned content holds (text, integers, booleans, null,
    lists and objects; never floats, whose exponent forms the two write differently), about 3.5×
    faster (bench/RESULTS.md). What orjson refuses — integers past 64 bits, non-text keys, and
    (passed through on purpose) dates, dataclasses and subclasses of str, int, dict and list —
    goes through ``json`` as before, which writes or refuses it as it always did. Tests hold the two equal.
    """
    try:
        return orjson.dumps(content, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _canonical_bytes_json(content)


_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _canonical_bytes_json(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_loads(text: str | bytes):
    """A stored content (or part of one) from its JSON text, as ``json.loads`` reads it, with orjson
    (several times faster: a bulk import reads the content of every dossier it updates). What orjson
    refuses (integers past 64 bits) goes through ``json``."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def section_sha256(content: dict, key: str) -> str:
    return hashlib.sha256(canonical_bytes({key: content.get(key)})).hexdigest()
