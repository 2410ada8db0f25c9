"""The template workbook of an import target, generated from the spec that reads it back.

One workbook per target (``imports.specs.import_spec``), in the current language: the data
sheet, the instructions sheet "Hướng dẫn" and the hidden lists sheet "Danh mục". The reader
(``imports.readers.table_open``) skips the instructions and list sheets by name and hidden
sheets, so the template filled in is imported as it is.

- ``workbook``: ``template_workbook``, the data sheet and the lists behind its dropdowns;
- ``instructions``: the instructions sheet, its rules and its description of every column;
- ``examples``: the example person, the example value of every column;
- ``common``: the number formats and styles the sheets share, the key of a dropdown's list.
"""
