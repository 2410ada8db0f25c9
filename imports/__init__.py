"""Bulk import and export of dossiers. Arrives with issue 6."""
