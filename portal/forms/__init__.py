"""Forms of the admin screens for the unit tree and the catalogues.

Forms only parse and type what the clerk typed. Every rule (identifier codes and
their nesting, overlapping periods, required decision numbers, attribute values)
lives in ``portal.services``; the views put the services' ``ValidationError``
messages back on these forms with ``apply_service_errors``.
"""

from portal.forms.catalogues import (
    ATTRIBUTE_PREFIX,
    BooleanChoiceField,
    CatalogueEntryForm,
    CatalogueImportForm,
    CatalogueKindForm,
    EntryRetireForm,
    attribute_field,
    attribute_initial,
)
from portal.forms.common import DATE_HELP, DATE_INPUT_FORMATS, DecisionForm, VietnameseDateField
from portal.forms.units import (
    CHILD_PREFIX,
    SPLIT_MAX_PARTS,
    SPLIT_MIN_PARTS,
    CodeMapField,
    SplitPartForm,
    UnitChoiceField,
    UnitDissolveForm,
    UnitForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitSplitForm,
    UnitTypeField,
    parse_code_map,
    split_part_formset,
    unit_label,
    unit_type_choices,
)

__all__ = [
    "ATTRIBUTE_PREFIX",
    "CHILD_PREFIX",
    "DATE_HELP",
    "DATE_INPUT_FORMATS",
    "SPLIT_MAX_PARTS",
    "SPLIT_MIN_PARTS",
    "BooleanChoiceField",
    "CatalogueEntryForm",
    "CatalogueImportForm",
    "CatalogueKindForm",
    "CodeMapField",
    "DecisionForm",
    "EntryRetireForm",
    "SplitPartForm",
    "UnitChoiceField",
    "UnitDissolveForm",
    "UnitForm",
    "UnitMergeForm",
    "UnitMoveForm",
    "UnitSplitForm",
    "UnitTypeField",
    "VietnameseDateField",
    "attribute_field",
    "attribute_initial",
    "parse_code_map",
    "split_part_formset",
    "unit_label",
    "unit_type_choices",
]
