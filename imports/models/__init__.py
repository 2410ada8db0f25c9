from imports.models.jobs import ColumnMapping, ImportJob, ImportRow  # noqa: I001  (jobs first: audit tracks them)
from imports.models.audit import *  # noqa: F403  (registers the audit triggers)

__all__ = ["ColumnMapping", "ImportJob", "ImportRow"]
