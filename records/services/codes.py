"""The catalogue codes the dossier checks accept (``records.services.content``), read once per kind,
and the custom field definitions (``portal.services.fields.values.FieldBook``), read once."""

from __future__ import annotations

from portal.models import CatalogueEntry
from portal.services.fields.values import FieldBook


class CodeBook:
    """The codes of the catalogues a clean needs, in use and retired, read once per kind (one query each),
    and the custom field definitions with their codes (``fields``), read once per target."""

    def __init__(self):
        self._codes: dict[str, tuple[set[str], set[str]]] = {}
        self.fields = FieldBook()

    def _load(self, kind: str) -> tuple[set[str], set[str]]:
        if kind not in self._codes:
            in_use: set[str] = set()
            retired: set[str] = set()
            for code, active in CatalogueEntry.objects.filter(kind__code=kind).values_list("code", "active"):
                (in_use if active else retired).add(code)
            self._codes[kind] = (in_use, retired - in_use)
        return self._codes[kind]

    def codes(self, kind: str) -> set[str]:
        """The codes in use."""
        return self._load(kind)[0]

    def retired(self, kind: str) -> set[str]:
        """The codes of retired entries only (a code also in use under another entry is in use)."""
        return self._load(kind)[1]
