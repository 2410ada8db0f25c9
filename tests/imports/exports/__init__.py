"""The export (imports/exports/) and ``export_records``: scoping, chosen columns, cell values,
the xlsx and csv files parsed back, streaming, and the round trip through the import."""
