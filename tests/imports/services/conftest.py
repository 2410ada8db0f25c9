"""What the tests of the import services share: messages asserted in English (the msgids'
language), the rows every import may write, outcomes by row, and a dossier equal to a sheet's row."""

from __future__ import annotations

import pytest
from django.utils import translation

from records.models import Dossier, DossierVersion
from records.sections.registry import SECTIONS
from records.sections.spec import ROWS
from tests.imports.conftest import person_id
from tests.records.factories import make_dossier


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English, the msgids' language.
    with translation.override("en"):
        yield


def written_counts() -> dict[str, int]:
    """Rows of every table an import writes: dossiers, versions and every repeating section."""
    models = {Dossier, DossierVersion} | {section.model for section in SECTIONS if section.kind == ROWS}
    return {model.__name__: model.objects.count() for model in models}


def outcomes(rows) -> list[tuple[int, str]]:
    return [(row.row_number, row.outcome) for row in rows]


@pytest.fixture
def same_as_file(units):
    """A dossier in unit A whose values are exactly those of ``person_row(person_id(7), phone="")``."""
    return make_dossier(units["a"], personal_id=person_id(7))
