"""Export of dossiers or of one repeating section, in the columns of the import spec, streamed.

The file an export writes is one the import reads back unchanged: the same headers
(``imports.specs.import_spec``), the personal id and every identifier as text, dates as
real dates shown dd/mm/yyyy (csv: dd/mm/yyyy), months as mm/yyyy or yyyy, decimals exactly
as stored with a decimal comma ("3,00"), catalogue values as their codes, custom fields
from ``Dossier.custom_fields``. Importing it again gives "unchanged" on every row.

- ``rows``: the columns chosen and the rows, read from the database in batches;
- ``csv_stream``: the rows as csv;
- ``xlsx``: the rows as an xlsx workbook, written as it streams;
- ``responses``: the file name and the streamed download.
"""
