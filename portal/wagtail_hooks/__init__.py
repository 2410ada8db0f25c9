"""Wagtail admin hooks of the platform, one module per area."""

from portal.wagtail_hooks import accounts, audit, configuration, fields, security  # noqa: F401
