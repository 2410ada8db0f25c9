"""The description of a dossier section: its field kinds, ``FieldSpec`` and ``Section`` (records.sections.registry
lists the sections of the TT 06/2023 résumé).

Field kinds come from the model fields; catalogue-backed fields name their catalogue kind in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, models
from django.utils.functional import cached_property

from records import models as records_models

SINGLE, ROWS = "single", "rows"
TEXT, LONG_TEXT, DATE, MONTH, INTEGER, DECIMAL, CODE, CHOICE = (
    "text",
    "long_text",
    "date",
    "month",
    "integer",
    "decimal",
    "code",
    "choice",
)
MONTH_FIELDS = {"period_from", "period_to"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: object  # lazy translation
    kind: str
    catalogue: str = ""
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    # Decimals: the column's scale and precision (values are kept with exactly ``decimal_places``).
    decimal_places: int | None = None
    max_digits: int | None = None
    # Whole numbers: the largest value the column holds (a bigger one is refused, not a server error).
    max_value: int | None = None


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: object  # lazy translation
    kind: str
    field_names: tuple[str, ...]
    catalogues: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    model_name: str = "Dossier"
    row_filter: dict[str, str] = field(default_factory=dict)
    # Only clerks change these sections (the person declares everything else).
    clerk_only: bool = False

    @property
    def model(self) -> type[models.Model]:
        return getattr(records_models, self.model_name)

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else str(self.title)

    @cached_property
    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(
            _field_spec(self.model._meta.get_field(name), self.catalogues.get(name, "")) for name in self.field_names
        )

    def field(self, name: str) -> FieldSpec:
        """The field ``name`` of the section; ``KeyError`` if the section has none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


def _field_spec(model_field: models.Field, catalogue: str) -> FieldSpec:
    label = model_field.verbose_name  # lazy: shown in the language of each request
    max_length = getattr(model_field, "max_length", None)
    if catalogue:
        kind = CODE
    elif model_field.choices:
        return FieldSpec(model_field.name, label, CHOICE, choices=tuple((str(k), v) for k, v in model_field.choices))
    elif model_field.name in MONTH_FIELDS:
        kind = MONTH
    elif isinstance(model_field, models.DateField):
        kind = DATE
    elif isinstance(model_field, models.DecimalField):
        return FieldSpec(
            model_field.name,
            label,
            DECIMAL,
            decimal_places=model_field.decimal_places,
            max_digits=model_field.max_digits,
        )
    elif isinstance(model_field, models.IntegerField):
        _low, high = connection.ops.integer_field_range(model_field.get_internal_type())
        return FieldSpec(model_field.name, label, INTEGER, max_value=high)
    elif isinstance(model_field, models.TextField):
        kind = LONG_TEXT
    else:
        kind = TEXT
    return FieldSpec(model_field.name, label, kind, catalogue=catalogue, max_length=max_length)
