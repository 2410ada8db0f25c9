"""Every admin screen and API endpoint of the project has a permission battery entry
(tests/permissions.py), whichever app registers it."""

from __future__ import annotations

import importlib

from tests.permissions import project_url_names

BATTERIES = (
    "tests.portal.test_permission_battery",
    "tests.records.test_permission_battery",
    "tests.reports.test_permission_battery",
    "tests.imports.test_permission_battery",
)
# The self-service portal's own sign-in and sign-out pages are public by nature.
PUBLIC = {"records_self:login", "records_self:logout"}


def test_every_project_url_has_a_battery_entry():
    covered = {entry.name for module in BATTERIES for entry in importlib.import_module(module).ENTRIES}
    missing = project_url_names() - covered - PUBLIC
    assert not missing, f"views or endpoints without a permission battery entry: {sorted(missing)}"
