"""What changed between two contents of a dossier, section by section (reviews and the import preview)."""

from __future__ import annotations

from dataclasses import dataclass, field

from records.sections.registry import CUSTOM, SECTION_BY_KEY, section_title
from records.sections.spec import ROWS, SINGLE


@dataclass
class SectionDiff:
    key: str
    title: str
    kind: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # single: (field label, before, after)
    rows_before: list[dict] = field(default_factory=list)
    rows_after: list[dict] = field(default_factory=list)
    added: list[int] = field(default_factory=list)  # row numbers (from 1) in "after"
    removed: list[int] = field(default_factory=list)  # row numbers in "before"


def content_diff(before: dict, after: dict) -> list[SectionDiff]:
    """The sections that differ between two contents, in template order, with what changed:
    fields for single sections, rows added and removed for row sections (a changed row is
    one removed and one added)."""
    diffs: list[SectionDiff] = []
    for key in (*SECTION_BY_KEY, CUSTOM):
        old, new = before.get(key), after.get(key)
        if (old or None) == (new or None):
            continue
        section = SECTION_BY_KEY.get(key)
        kind = section.kind if section else SINGLE
        diff = SectionDiff(key=key, title=section_title(key), kind=kind)
        if kind == ROWS:
            old_rows, new_rows = list(old or []), list(new or [])
            diff.rows_before, diff.rows_after = old_rows, new_rows
            remaining = list(old_rows)
            for number, row in enumerate(new_rows, start=1):
                if row in remaining:
                    remaining.remove(row)
                else:
                    diff.added.append(number)
            remaining = list(new_rows)
            for number, row in enumerate(old_rows, start=1):
                if row in remaining:
                    remaining.remove(row)
                else:
                    diff.removed.append(number)
        else:
            old_values, new_values = dict(old or {}), dict(new or {})
            labels = {spec.name: spec.label for spec in section.fields} if section else {}
            for name in sorted(
                set(old_values) | set(new_values), key=lambda n: list(labels).index(n) if n in labels else 999
            ):
                if old_values.get(name) != new_values.get(name):
                    diff.changes.append((labels.get(name, name), old_values.get(name), new_values.get(name)))
        diffs.append(diff)
    return diffs
