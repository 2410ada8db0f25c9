"""Import of a catalogue from an xlsx workbook, all-or-nothing.

Rows are matched to entries by (code system, code, start of validity); every row is
validated through ``entry_clean``, periods of one code are checked for overlaps on the
state after the whole file, and nothing is written unless every row is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_attributes import kind_entry_codes
from portal.services.catalogue_io.columns import catalogue_columns
from portal.services.catalogue_io.reading import RowError, _header_map, _is_blank, _parse_row, _read_rows
from portal.services.catalogues import entry_assign, entry_clean, kind_lock, period_text


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def catalogue_import_xlsx(*, kind: CatalogueKind, content: bytes, actor=None, dry_run: bool = False) -> ImportResult:
    """Import entries of ``kind`` from an xlsx workbook (as produced by the export).

    Every row is checked first (the same ``entry_clean`` as the admin and API, plus
    duplicates within the file and parents that must exist in the file or the
    catalogue). If any row is wrong, nothing is written and every error is
    returned with its row and column. With ``dry_run`` nothing is written either.
    Raises ``ValidationError`` for a file that cannot be used at all.
    """
    rows = _read_rows(content)
    if not rows:
        raise ValidationError(_("The workbook is empty."))
    columns = catalogue_columns(kind)
    mapping = _header_map(rows[0], columns, kind)
    header_of = {column.key: column.header for column in columns}
    result = ImportResult()
    with transaction.atomic():
        kind_lock(kind)
        existing = {(entry.code_system, entry.code, entry.valid_from): entry for entry in kind.entries.all()}
        codes_in_catalogue = {entry.code: entry for entry in kind.entries.all()}
        entry_codes = kind_entry_codes({spec["kind"] for spec in kind.attribute_schema if "kind" in spec})
        parsed: list[tuple[int, dict, CatalogueEntry | None]] = []
        seen: dict[tuple, int] = {}
        file_codes: set[str] = set()
        for offset, row in enumerate(rows[1:], start=2):
            if _is_blank(row):
                continue
            row_errors: list[RowError] = []
            values = _parse_row(row, mapping, offset, row_errors)
            result.errors.extend(row_errors)
            if row_errors:
                continue
            values["code_system"] = values.get("code_system") or kind.code_system
            key = (values["code_system"], values.get("code", ""), values.get("valid_from"))
            if key in seen:
                result.errors.append(
                    RowError(
                        offset,
                        header_of["code"],
                        _("the same code and start of validity already appear in row %(row)s") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = offset
            file_codes.add(values.get("code", ""))
            parsed.append((offset, values, existing.get(key)))
        # Entry-typed attributes may refer to codes of this same catalogue that the file adds.
        if kind.code in entry_codes:
            entry_codes[kind.code] |= file_codes
        has_parent_column = any(column.key == "parent" for column in mapping.values())
        result.errors.extend(_overlaps_in_final_state(parsed, kind, header_of))
        overlapping_rows = {error.row for error in result.errors}
        cleaned_rows = []
        for offset, values, entry in parsed:
            if offset in overlapping_rows:
                continue
            # Without a parent column the parents stay as they are (None = keep).
            parent_code = values.pop("parent", "") if has_parent_column else None
            if parent_code and parent_code not in codes_in_catalogue and parent_code not in file_codes:
                result.errors.append(
                    RowError(
                        offset, header_of["parent"], _("parent code %(code)s does not exist") % {"code": parent_code}
                    )
                )
                continue
            try:
                cleaned = entry_clean(
                    kind=kind,
                    values={k: v for k, v in values.items() if k != "parent"},
                    instance=entry,
                    entry_codes=entry_codes,
                    check_overlap=False,  # checked above on the state after the whole file
                )
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        result.errors.append(
                            RowError(offset, _error_column(field_name, message, kind, header_of), message)
                        )
                continue
            cleaned_rows.append((entry, cleaned, parent_code))
        if result.errors:
            result.errors.sort(key=lambda error: error.row)
            return result
        written: dict[str, CatalogueEntry] = dict(codes_in_catalogue)
        pending_parents = []
        for entry, cleaned, parent_code in cleaned_rows:
            target = entry or CatalogueEntry(kind=kind)
            before = _fingerprint(target) if entry else None
            entry_assign(target, cleaned)
            changed_parent = parent_code is not None and parent_code != (target.parent.code if target.parent_id else "")
            if entry is None:
                result.created += 1
            elif before != _fingerprint(target) or changed_parent:
                result.updated += 1
                if target.data_version:
                    target.locally_modified = True
            else:
                result.unchanged += 1
                continue
            if not dry_run:
                target.save()
                written[target.code] = target
                pending_parents.append((target, parent_code))
        if dry_run:
            return result
        for target, parent_code in pending_parents:
            if parent_code is None:
                continue
            parent = written.get(parent_code) if parent_code else None
            if (parent.pk if parent else None) != target.parent_id:
                target.parent = parent
                target.save(update_fields=["parent", "updated_at"])
        result.applied = result.created + result.updated > 0
    return result


def _error_column(field_name: str, message: str, kind: CatalogueKind, header_of: dict[str, str]) -> str:
    """The workbook column an ``entry_clean`` error belongs to (attribute errors name their label)."""
    if field_name == "attributes":
        for spec in kind.attribute_schema or []:
            if f"'{spec['label']}'" in message:
                return header_of.get(f"attr:{spec['key']}", spec["label"])
    return header_of.get(field_name, field_name)


def _overlaps_in_final_state(parsed, kind: CatalogueKind, header_of: dict[str, str]) -> list[RowError]:
    """Periods of one code that would overlap once the whole file is applied.

    Compares the file's rows with each other and with the entries the file does not
    touch, so a file may close an old period and open the next one in the same go.
    """
    periods: dict[tuple, list[tuple]] = {}
    touched = {entry.pk for _offset, _values, entry in parsed if entry is not None}
    for offset, values, _entry in parsed:
        key = (values["code_system"], values.get("code", ""))
        periods.setdefault(key, []).append((values.get("valid_from"), values.get("valid_to"), offset))
    untouched = kind.entries.exclude(pk__in=touched).filter(code__in=[code for _system, code in periods])
    for entry in untouched:
        key = (entry.code_system, entry.code)
        if key in periods:
            periods[key].append((entry.valid_from, entry.valid_to, None))
    errors = []
    for (_system, code), items in periods.items():
        items.sort(key=lambda item: (item[2] is None, item[2] or 0))  # file rows in row order, then existing
        for index, (start, end, row) in enumerate(items):
            for other_start, other_end, other_row in items[:index]:
                if row is None or not _overlap(start, end, other_start, other_end):
                    continue
                values = {
                    "code": code,
                    "period": period_text(start, end),
                    "other": period_text(other_start, other_end),
                    "row": other_row,
                }
                if other_row is None:
                    message = _("code %(code)s: the period %(period)s overlaps the existing entry valid %(other)s")
                else:
                    message = _("code %(code)s: the period %(period)s overlaps the period %(other)s in row %(row)s")
                errors.append(RowError(row, header_of["valid_from"], message % values))
                break
    # An existing entry the file does not touch is compared against every row of the file.
    for (_system, code), items in periods.items():
        existing_periods = [item for item in items if item[2] is None]
        for start, end, row in (item for item in items if item[2] is not None):
            if any(error.row == row for error in errors):
                continue
            for other_start, other_end, _none in existing_periods:
                if _overlap(start, end, other_start, other_end):
                    values = {
                        "code": code,
                        "period": period_text(start, end),
                        "other": period_text(other_start, other_end),
                    }
                    message = _("code %(code)s: the period %(period)s overlaps the existing entry valid %(other)s")
                    errors.append(RowError(row, header_of["valid_from"], message % values))
                    break
    return errors


def _overlap(start, end, other_start, other_end) -> bool:
    """Half-open periods [start, end) with None as unbounded."""
    starts_before_other_ends = other_end is None or start is None or start < other_end
    other_starts_before_end = end is None or other_start is None or other_start < end
    return starts_before_other_ends and other_starts_before_end


def _fingerprint(entry: CatalogueEntry) -> tuple:
    return (
        entry.code,
        entry.code_system,
        entry.label,
        entry.label_en,
        entry.valid_from,
        entry.valid_to,
        entry.order,
        entry.active,
        entry.verification,
        tuple(sorted((k, str(v)) for k, v in entry.attributes.items())),
    )
