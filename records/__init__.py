"""Personnel dossiers (hồ sơ) and their workflow. Arrives with issue 4."""
