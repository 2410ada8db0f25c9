"""Catalogue round trip through xlsx: export a catalogue, import it back (all-or-nothing).

- ``columns``: ``catalogue_columns``, the spec shared by export and import;
- ``export``: ``catalogue_export_xlsx``;
- ``reading``: the file's safety checks, header and rows;
- ``importing``: ``catalogue_import_xlsx``, its overlap checks and counts.
"""
