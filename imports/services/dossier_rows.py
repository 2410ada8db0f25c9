"""The dossiers target of an import run (``imports.services.engine.ImportRun`` mixes this in):
the row's unit, a new dossier or the latest version with the row's non-empty cells applied,
checked as the forms check it."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.cells import CLEAR
from imports.choices import RowOutcome
from imports.services.results import ParsedRow, cell_message
from imports.specs import PERSON_NAME, PERSONAL_ID, UNIT
from portal.models import Unit
from records.sections.registry import CUSTOM
from records.services.bulk_writes import CheckedDossier, CheckedUpdate
from records.services.common import DossierPermissionDenied, require_unit
from records.services.consistency import content_consistency
from records.services.content import DOSSIER_TARGET, content_clean, section_clean
from records.services.dossiers import _identity_checked_id, require_minimum


class DossierRows:
    """Rows of the dossiers target (general information), one dossier per row."""

    @functools.cached_property
    def unique_fields(self) -> list[str]:
        """The keys of the dossiers' unique custom fields in use (from the run's field book)."""
        definitions, _codes = self.codes.fields.of(DOSSIER_TARGET)
        return sorted(key for key, definition in definitions.items() if definition.unique and definition.active)

    def _row_unit(self, p: ParsedRow) -> Unit | None:
        code = p.values.pop(UNIT, None)
        if not code:
            return self.unit
        p.unit_code = code
        if code not in self.units:
            unit = Unit.objects.filter(code=code).first()
            self.units[code] = unit if unit is not None and unit.path.startswith(self.unit.path) else None
        unit = self.units[code]
        if unit is None:
            header = self.header(UNIT)
            p.result.fail(
                header,
                cell_message(
                    p.result.row,
                    header,
                    _("there is no unit with code '%(code)s' under %(unit)s") % {"code": code, "unit": self.unit.name},
                ),
            )
        return unit

    def _unit_allowed(self, unit: Unit) -> bool:
        if unit.pk not in self.units_allowed:
            try:
                require_unit(self.actor, unit)
                self.units_allowed[unit.pk] = True
            except DossierPermissionDenied:
                self.units_allowed[unit.pk] = False
        return self.units_allowed[unit.pk]

    def _dossiers_chunk(self, parsed: list[ParsedRow], existing: dict[str, tuple]):
        creates: list[CheckedDossier] = []
        updates: list[CheckedUpdate] = []
        header_id = self.header(PERSONAL_ID)
        self._hold_unique(parsed, existing)
        for p in parsed:
            result = p.result
            unit = self._row_unit(p)
            unread = result.outcome == RowOutcome.ERROR  # some cells could not be read (or the unit)
            if self._mark_seen(p, result.personal_id) or (unread and (unit is None or not self._checked_further(p))):
                continue
            given = _content_from(p.values)
            if result.personal_id in existing:
                pk, number, unit_id, current = existing[result.personal_id]
                if p.unit_code and unit is not None and unit.pk != unit_id:
                    result.fail(
                        self.header(UNIT),
                        cell_message(
                            result.row,
                            self.header(UNIT),
                            _("the dossier is in another unit; moving it is a transfer, not an import"),
                        ),
                    )
                    continue
                update = self._update(p, current, given, pk)
                if unread:  # the other cells checked too; the row stays an error
                    _keep_error(result)
                elif update is not None and not self._unique_taken(p, update["content"], update["sections"]):
                    updates.append(CheckedUpdate(dossier_id=pk, base_version=number, **update))
                continue
            if not self._unit_allowed(unit):
                result.fail(
                    header_id,
                    cell_message(result.row, header_id, _("you may not create dossiers in %(unit)s") % {"unit": unit}),
                )
                continue
            created = self._create(p, _without_clear(given) if p.cleared else given)
            if unread:
                _keep_error(result)
            elif created is not None and not self._unique_taken(p, created, (CUSTOM,)):
                creates.append(CheckedDossier(unit=unit, personal_id=result.personal_id, content=created))
        return creates, updates

    def _create(self, p: ParsedRow, given: dict) -> dict | None:
        result = p.result
        errors: dict[str, list[str]] = {}
        bare: dict[str, list[str]] = {}
        try:
            cleaned = content_clean(given, codes=self.codes, converted=True, bare=bare)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            cleaned = {}
        require_minimum(given if errors else cleaned, errors, bare=bare)
        if not errors:
            try:
                result.personal_id = _identity_checked_id(result.personal_id, cleaned, known_codes=self.known_codes)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            self._report(result, errors, bare)
            return None
        result.outcome = RowOutcome.NEW
        return cleaned

    def _hold_unique(self, parsed: list[ParsedRow], existing: dict[str, tuple]) -> None:
        """Which dossiers hold the chunk's values of unique custom fields, read in one query per field
        (the rows' cells and what their dossiers store, both checked when a row changes the custom
        section) instead of one per row: a query each scans every dossier's custom values."""
        if not self.unique_fields:
            return
        candidates: dict[str, list] = {key: [] for key in self.unique_fields}
        for p in parsed:
            stored = existing.get(p.result.personal_id)
            custom = (stored[3].get(CUSTOM) or {}) if stored is not None else {}
            for key, values in candidates.items():
                for value in (p.values.get(f"{CUSTOM}.{key}"), custom.get(key)):
                    if value not in (None, "", CLEAR):
                        values.append(value)
        self.codes.fields.hold(DOSSIER_TARGET, candidates)

    def _unique_taken(self, p: ParsedRow, content: dict, sections) -> bool:
        """Whether a value of a unique custom field that the row writes is on an earlier row of the file
        for another dossier (the database check sees only the dossiers already stored); reported at
        its cell. The row's values are recorded otherwise."""
        if CUSTOM not in sections or not self.unique_fields:
            return False
        custom = content.get(CUSTOM) or {}
        result = p.result
        taken = False
        for key in self.unique_fields:
            value = custom.get(key)
            if value in (None, "", []):
                continue
            token = (key, tuple(value) if isinstance(value, list) else value)
            earlier = self.unique_values.setdefault(token, (result.row, result.personal_id))
            if earlier[1] != result.personal_id:
                header = self.header(f"{CUSTOM}.{key}")
                result.fail(
                    header,
                    cell_message(
                        result.row,
                        header,
                        _("row %(other)s has the same value %(value)s, and the values of this column must be unique")
                        % {"other": earlier[0], "value": value},
                    ),
                )
                taken = True
        if taken:
            result.outcome = RowOutcome.ERROR
            result.changes = []
        return taken

    def _update(self, p: ParsedRow, current: dict, given: dict, pk: int) -> dict | None:
        result = p.result
        content = {key: (dict(value) if isinstance(value, dict) else value) for key, value in current.items()}
        for key, values in given.items():
            merged = dict(content.get(key) or {})
            merged.update(values)
            if p.cleared:  # the erase marker removes the item
                for name, value in values.items():
                    if value is CLEAR:
                        del merged[name]
                if not merged and key not in current:
                    continue  # erasing in a section the dossier does not have: nothing to keep
            content[key] = merged
        candidates = sorted(key for key in given if (current.get(key) or {}) != (content.get(key) or {}))
        category = (content.get("header") or {}).get("personnel_category")
        errors: dict[str, list[str]] = {}
        bare: dict[str, list[str]] = {}
        for key in candidates:
            try:
                content[key] = section_clean(
                    key,
                    content[key],
                    codes=self.codes,
                    personnel_category=category,
                    previous=current.get(key),
                    bare=bare,
                    dossier_id=pk,
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
            else:
                if not content[key]:  # every item erased: an empty section is left out, as a clean content does
                    del content[key]
        # Compared once cleaned: "2,50" against a stored "2.50", "Có" against true are no change.
        changed = [key for key in candidates if (current.get(key) or {}) != (content.get(key) or {})]
        if not errors and not changed:
            result.outcome = RowOutcome.UNCHANGED
            return None
        if not errors:
            require_minimum(content, errors, bare=bare)
            errors.update(content_consistency(content))
        if not errors and "identity" in changed:
            try:
                _identity_checked_id(
                    result.personal_id, content, field="identity.birth_date", known_codes=self.known_codes
                )
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            self._report(result, errors, bare)
            return None
        result.outcome = RowOutcome.UPDATE
        for key in changed:
            before, after = current.get(key) or {}, content.get(key) or {}
            for name in sorted(set(before) | set(after)):
                if before.get(name) != after.get(name):
                    result.changes.append(self.header(f"{key}.{name}"))
        return {"content": content, "sections": changed}


def _keep_error(result) -> None:
    """A row checked beyond the cells that could not be read: an error whatever the rest gave."""
    result.outcome = RowOutcome.ERROR
    result.changes = []


def _content_from(values: dict) -> dict:
    """{"identity.full_name": …, "custom.x": …} → {"identity": {"full_name": …}, "custom": {"x": …}}."""
    content: dict = {}
    for key, value in values.items():
        place = _content_place(key)
        if place is not None:
            section = content.get(place[0])
            if section is None:  # (not ``setdefault``, which builds a dict for every cell)
                section = content[place[0]] = {}
            section[place[1]] = value
    return content


@functools.cache
def _content_place(key: str) -> tuple[str, str] | None:
    """(section, field) of a column key, None for the columns that are not content."""
    if key in (UNIT, PERSON_NAME) or "." not in key:
        return None
    section, name = key.split(".", 1)
    return section, name


def _without_clear(content: dict) -> dict:
    """A new dossier's content with the erased items left out (the marker is an empty cell there)."""
    kept = {
        key: {name: value for name, value in values.items() if value is not CLEAR} for key, values in content.items()
    }
    return {key: values for key, values in kept.items() if values}
