"""Catalogue services: standard data loading, typed attributes, periods, retire-not-delete
(portal/services/catalogues.py) and the catalogue selectors."""
