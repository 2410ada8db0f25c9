"""The field catalogue (custom fields): definitions as content, and THE validation of values.

A ``FieldDefinition`` adds a field to units or dossiers without a migration: values
live in the ``custom_fields`` JSONB column of the object, keyed by the definition's
``key``.

- ``definitions``: the constants, ``field_definition_save`` / ``_retire`` / ``_reactivate``;
- ``access``: who reads which definitions and values ("secret" ones), how a stored value
  is shown (``custom_field_text``, ``choice_labels``) and whom it applies to;
- ``values``: ``custom_fields_clean``, the one check of values, and ``custom_field_filter``.
"""
