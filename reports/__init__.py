"""Statistics, dashboards, résumé PDFs and signed exports. Arrive with later issues."""
