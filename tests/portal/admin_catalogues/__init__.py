"""Admin screens of the catalogues and the dashboard panel: access four ways, kinds, entries
with typed attributes, retire/reactivate/delete, xlsx export and import
(portal/views/catalogues.py, portal/wagtail_hooks.py)."""
