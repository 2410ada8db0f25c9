"""Catalogue xlsx round trip (portal/services/catalogue_io/): export, import, all-or-nothing."""
