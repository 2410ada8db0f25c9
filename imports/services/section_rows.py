"""The section targets of an import run (``imports.services.engine.ImportRun`` mixes this in):
each row is one row of a repeating section of an existing dossier, matched by personal id and
the section's natural key, updated or appended."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.cells import CLEAR
from imports.choices import RowOutcome
from imports.services.results import ParsedRow, cell_message
from imports.specs import PERSON_NAME, PERSONAL_ID
from portal.text import fold
from records.sections.registry import SECTION_BY_KEY
from records.services.bulk_writes import CheckedUpdate
from records.services.content import MAX_ROWS, section_clean


class SectionRows:
    """Rows of a section target (training, work history, salary steps, …), several per dossier."""

    def _section_chunk(self, parsed: list[ParsedRow], existing: dict[str, tuple]):
        key_fields = self.spec.natural_key
        section = SECTION_BY_KEY[self.spec.section]
        contents: dict[str, dict] = {}  # personal id -> working content
        touched: dict[str, list[ParsedRow]] = {}
        for p in parsed:
            result = p.result
            unread = result.outcome == RowOutcome.ERROR  # some cells could not be read
            if unread and not self._checked_further(p):
                continue
            pid = result.personal_id
            if pid not in existing:
                header = self.header(PERSONAL_ID)
                result.fail(
                    header,
                    cell_message(
                        result.row,
                        header,
                        _("there is no dossier with personal identification number %(id)s; import the dossier first")
                        % {"id": pid},
                    ),
                )
                continue
            _pk, _number, _unit_id, current = existing[pid]
            name = p.values.pop(PERSON_NAME, None)
            if name and fold(name) != fold((current.get("identity") or {}).get("full_name", "")):
                header = self.header(PERSON_NAME)
                result.fail(
                    header,
                    cell_message(
                        result.row,
                        header,
                        _("'%(name)s' is not the name on the dossier %(id)s (%(actual)s); check the id")
                        % {"name": name, "id": pid, "actual": (current.get("identity") or {}).get("full_name", "")},
                    ),
                )
                continue
            if p.cleared:  # the erase marker: left out of the row, removed from the matched one
                erased = [key for key, value in p.values.items() if value is CLEAR]
                row_values = {key: value for key, value in p.values.items() if value is not CLEAR}
            else:
                erased, row_values = (), dict(p.values)
            bare: dict[str, list[str]] = {}
            try:
                cleaned_rows = section_clean(
                    section.key,
                    [row_values],
                    codes=self.codes,
                    converted=True,
                    previous=current.get(section.key),
                    bare=bare,
                )
            except ValidationError as exc:
                self._report(result, exc.message_dict, bare)
                continue
            if unread:  # the other cells checked too; the row is not matched or merged
                continue
            row = cleaned_rows[0] if cleaned_rows else {}
            natural = tuple(str(row.get(name, "")) for name in key_fields)
            content = contents.setdefault(pid, {**current, section.key: list(current.get(section.key) or [])})
            rows = content[section.key]
            matches = [i for i, old in enumerate(rows) if tuple(str(old.get(n, "")) for n in key_fields) == natural]
            if len(matches) > 1:
                self._repeated_key(p, (pid, natural), [rows[i] for i in matches], row, erased)
                continue
            if self._mark_seen(p, (pid, natural)):
                continue
            if matches:
                old = rows[matches[0]]
                new = _merged(old, row, erased)
                if new == old:
                    result.outcome = RowOutcome.UNCHANGED
                    continue
                rows[matches[0]] = new
                result.outcome = RowOutcome.UPDATE
                result.changes = [self.header(n) for n in section.field_names if old.get(n) != new.get(n)]
            else:
                rows.append(row)
                result.outcome = RowOutcome.NEW
            touched.setdefault(pid, []).append(p)
        # Each row was cleaned alone above and the dossier's other rows come from its version:
        # the merged list is clean as it stands (a second pass over every row would double the cost).
        updates = [
            CheckedUpdate(
                dossier_id=existing[pid][0],
                base_version=existing[pid][1],
                content=contents[pid],
                sections=[section.key],
            )
            for pid in touched
            if len(contents[pid][section.key]) <= MAX_ROWS or self._too_many(touched[pid], section)
        ]
        return [], updates

    def _repeated_key(self, p: ParsedRow, key: tuple, stored: list[dict], row: dict, erased) -> None:
        """A row whose natural key several of the dossier's rows share (real data has them: two
        children entered with the same name, a migration that doubled a row). A row equal to one of
        them is unchanged, each stored row answering one row of the file, so that an export of the
        dossier comes back unchanged; any other row cannot say which of them it changes."""
        result = p.result
        equal = [old for old in stored if _merged(old, row, erased) == old]
        answered = self.repeated.setdefault(key, [])  # (stored row, row number) already matched
        free = [old for old in equal if sum(1 for used, _row in answered if used == old) < equal.count(old)]
        if free:
            answered.append((free[0], result.row))
            result.outcome = RowOutcome.UNCHANGED
            return
        key_headers = ", ".join(f"'{self.header(name)}'" for name in self.spec.natural_key)
        if equal:  # as many rows as the dossier holds were already matched
            problem = _("row %(other)s has the same personal identification number and the same %(key)s") % {
                "other": next(number for used, number in answered if used == equal[0]),
                "key": key_headers,
            }
        else:
            problem = _(
                "the dossier has %(count)s rows with the same %(key)s and this row is not the same as any of "
                "them, so the import cannot tell which one to change; correct them in the dossier before importing"
            ) % {"count": len(stored), "key": key_headers}
        result.fail("", cell_message(result.row, "", problem))

    def _too_many(self, rows: list[ParsedRow], section) -> bool:
        for p in rows:
            p.result.fail(
                "",
                cell_message(
                    p.result.row,
                    "",
                    _("the dossier would have more than %(max)s rows in %(section)s")
                    % {"max": MAX_ROWS, "section": section.label},
                ),
            )
        return False


def _merged(old: dict, row: dict, erased) -> dict:
    """A stored row with the file row's cells applied: an empty cell keeps the value, the erase marker removes it."""
    new = {**old, **row}
    for name in erased:
        new.pop(name, None)
    return new
