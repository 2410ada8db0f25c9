"""Writes of the reports app (``exports``: the résumé PDFs handed out, signed or not)."""
