"""The building blocks of the résumé template (``reports.resume_template``): a labelled value, a
table column, an item of values, a table of a section's rows, a text, a group of items, and the
ways a value prints when its field's kind alone does not say (``reports.resume``)."""

from __future__ import annotations

from dataclasses import dataclass

# How a value prints when its field's kind alone does not say (``reports.resume``).
UPPER, DAY, MONTH, YEAR, AS_MONTH, CODE_ITSELF, PERSONAL_ID = (
    "upper",
    "day",
    "month",
    "year",
    "as_month",
    "code_itself",
    "personal_id",
)


@dataclass(frozen=True)
class Value:
    """A labelled value on an item's line: ``label: value``. ``fields`` are joined with ", "."""

    label: str
    section: str = ""
    fields: tuple[str, ...] = ()
    how: str = ""
    suffix: str = ""
    sep: str = ": "


@dataclass(frozen=True)
class Column:
    """A table column printing the row's ``fields`` (joined with ", ")."""

    label: str
    fields: tuple[str, ...]
    cls: str = ""  # "period", "narrow", "number" (fixed widths) or "wide"
    how: str = ""


@dataclass(frozen=True)
class Lines:
    number: str
    lines: tuple[tuple[Value, ...], ...]
    title: str = ""


@dataclass(frozen=True)
class Rows:
    number: str
    title: str
    section: str
    columns: tuple[Column, ...]
    heading: bool = False


@dataclass(frozen=True)
class Text:
    number: str
    title: str
    section: str
    field: str
    heading: bool = False


@dataclass(frozen=True)
class Group:
    number: str
    title: str
    parts: tuple
    heading: bool = True


def v(label: str, section: str, *fields: str, **options) -> Value:
    return Value(label, section, fields, **options)


def item(number: str, *lines, title: str = "") -> Lines:
    """An item of labelled values; each line is a ``Value`` or a tuple of them."""
    return Lines(number, tuple(line if isinstance(line, tuple) else (line,) for line in lines), title)


def c(label: str, *fields: str, cls: str = "", how: str = "") -> Column:
    return Column(label, fields, cls, how)
