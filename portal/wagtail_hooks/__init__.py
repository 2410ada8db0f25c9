"""Wagtail admin hooks of the platform, one module per area."""

from portal.wagtail_hooks import (  # noqa: F401
    accounts,
    approvals,
    audit,
    configuration,
    fields,
    notifications,
    security,
    signing,
)
