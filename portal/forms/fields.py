"""Forms of the field catalogue: a definition's form, and the dynamic custom fields of object forms.

``CustomFieldsMixin`` adds one form field per active definition of a target to any
form (units now, dossiers later). The form fields only collect input: the values
are checked by ``portal.services.fields.values.custom_fields_clean`` inside the service the
view calls, so the admin, the API and imports give the same answers.
"""

from __future__ import annotations

import posixpath

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.choices import FieldSensitivity, FieldTarget, FieldType
from portal.forms.common import VietnameseDateField, decimal_text
from portal.models import CatalogueEntry, CatalogueKind, FieldDefinition
from portal.selectors import catalogue_entries
from portal.services.fields.access import readable_definitions
from portal.services.fields.definitions import PERSONNEL_CATEGORY_KIND

CUSTOM_PREFIX = "cf_"
CLEAR_SUFFIX = "__clear"
BOOLEAN_CHOICES = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


class FieldDefinitionForm(forms.Form):
    """Create or change a custom field definition (``field_definition_save``)."""

    target = forms.ChoiceField(label=_("Applies to"), choices=FieldTarget.choices)
    key = forms.CharField(
        label=_("Key"),
        max_length=64,
        help_text=_("Lowercase letters, digits and _, e.g. so_quyet_dinh_thanh_lap. Used in the API and imports."),
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    label_en = forms.CharField(label=_("English label"), max_length=200, required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    regex = forms.CharField(
        label=_("Pattern (regular expression)"),
        max_length=300,
        required=False,
        help_text=_("Text fields only; the whole value must match, e.g. [0-9]{3}/QĐ-UBND."),
    )
    min_value = forms.CharField(label=_("Minimum"), required=False, help_text=_("Integer and decimal fields only."))
    max_value = forms.CharField(label=_("Maximum"), required=False, help_text=_("Integer and decimal fields only."))
    unique = forms.BooleanField(label=_("Unique"), required=False)
    catalogue = forms.ModelChoiceField(
        label=_("Catalogue (for choices)"), queryset=CatalogueKind.objects.order_by("name"), required=False
    )
    section = forms.CharField(label=_("Section"), max_length=100, required=False)
    personnel_categories = forms.MultipleChoiceField(
        label=_("Personnel categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for all categories."),
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"), choices=FieldSensitivity.choices, initial=FieldSensitivity.INTERNAL
    )
    order = forms.IntegerField(label=_("Order"), required=False, initial=0, min_value=0)

    def __init__(self, *args, definition: FieldDefinition | None = None, **kwargs):
        if definition is not None:
            initial = kwargs.setdefault("initial", {})
            for name in self.base_fields:
                value = getattr(definition, name)
                if name in ("min_value", "max_value") and value is not None:
                    value = decimal_text(value.normalize())
                initial.setdefault(name, value)
            initial["catalogue"] = definition.catalogue_id
        super().__init__(*args, **kwargs)
        self.fields["personnel_categories"].choices = [
            (entry.code, entry.label) for entry in catalogue_entries(kind=PERSONNEL_CATEGORY_KIND)
        ]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["order"] = data.get("order") or 0
        return data


def _form_field(definition: FieldDefinition, *, value, choices) -> forms.Field:
    """The input for one definition; typing is left to ``custom_fields_clean``."""
    common = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.required,
    }
    kind = definition.field_type
    if kind == FieldType.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind in (FieldType.INTEGER, FieldType.DECIMAL):
        mode = "numeric" if kind == FieldType.INTEGER else "decimal"
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": mode}), **common)
    if kind == FieldType.DATE:
        return VietnameseDateField(**common)
    if kind == FieldType.BOOLEAN:
        return forms.ChoiceField(choices=BOOLEAN_CHOICES, **common)
    if kind == FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *choices], **common)
    if kind == FieldType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == FieldType.FILE:
        if value:
            common["required"] = False
            current = _("Current file: %(name)s. Upload a new file to replace it.") % {
                "name": posixpath.basename(str(value))
            }
            common["help_text"] = f"{definition.help_text} {current}".strip()
        return forms.FileField(**common)
    return forms.CharField(**common)


def _initial(definition: FieldDefinition, value):
    if value in (None, ""):
        return None
    if definition.field_type == FieldType.BOOLEAN:
        return "1" if value else "0"
    if definition.field_type == FieldType.DECIMAL:
        return decimal_text(value)
    return value


class CustomFieldsMixin:
    """Adds one ``cf_<key>`` field per active definition of ``custom_target`` that ``user`` may read
    ("secret" ones only for system administrators), and a "remove the current file" box per stored file.

    Call ``add_custom_fields(stored, user=...)`` from ``__init__`` after ``super().__init__``.
    Values of definitions left out of the form are kept as stored by ``custom_fields_clean``.
    """

    custom_target = FieldTarget.UNIT

    def add_custom_fields(self, stored: dict | None = None, *, user=None) -> None:
        stored = stored or {}
        self.custom_definitions = readable_definitions(target=self.custom_target, user=user)
        kinds = {d.catalogue_id for d in self.custom_definitions if d.catalogue_id}
        options: dict[int, list[tuple[str, str]]] = {kind_id: [] for kind_id in kinds}
        if kinds:
            entries = CatalogueEntry.objects.filter(kind_id__in=kinds, active=True).order_by("order", "code")
            for kind_id, code, label in entries.values_list("kind_id", "code", "label"):
                options[kind_id].append((code, label))
        self.custom_clearable: set[str] = set()
        for definition in self.custom_definitions:
            name = CUSTOM_PREFIX + definition.key
            value = stored.get(definition.key)
            self.fields[name] = _form_field(definition, value=value, choices=options.get(definition.catalogue_id, []))
            if name not in self.initial and value not in (None, ""):
                self.initial[name] = _initial(definition, value)
            if definition.field_type == FieldType.FILE and value:
                self.fields[name + CLEAR_SUFFIX] = forms.BooleanField(
                    label=_("Remove the current file of '%(label)s'") % {"label": definition.label}, required=False
                )
                self.custom_clearable.add(definition.key)
        self.custom_field_map = {f"custom_fields.{d.key}": CUSTOM_PREFIX + d.key for d in self.custom_definitions}

    def custom_field_names(self) -> set[str]:
        names = set(self.custom_field_map.values())
        return names | {CUSTOM_PREFIX + key + CLEAR_SUFFIX for key in self.custom_clearable}

    def custom_sections(self) -> list[tuple[str, list]]:
        """[(section, bound fields)] in display order, for the template."""
        sections: dict[str, list] = {}
        for definition in self.custom_definitions:
            name = CUSTOM_PREFIX + definition.key
            fields = sections.setdefault(definition.section, [])
            fields.append(self[name])
            if definition.key in self.custom_clearable:
                fields.append(self[name + CLEAR_SUFFIX])
        return list(sections.items())

    def custom_field_values(self) -> dict:
        """{key: value} for ``custom_fields_clean``: a file left empty keeps the stored one unless
        its "remove" box is ticked (then the value is cleared, and a required field says so)."""
        values = {}
        for definition in self.custom_definitions:
            name = CUSTOM_PREFIX + definition.key
            value = self.cleaned_data.get(name)
            if definition.field_type == FieldType.FILE and not hasattr(value, "read"):
                # No upload (the form gives back the stored path as the initial value).
                if self.cleaned_data.get(name + CLEAR_SUFFIX):
                    values[definition.key] = None
                continue
            if definition.field_type == FieldType.DATE and value is not None:
                value = value.isoformat()
            values[definition.key] = value
        return values
