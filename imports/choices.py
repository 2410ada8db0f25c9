from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    ALL = "all", _("All or nothing")
    VALID = "valid", _("Import the valid rows, return the rest")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked (nothing written)")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported (errors)")
    REFUSED = "refused", _("File refused")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING)
RUNNING_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)
# A run may start from these (a check after a refusal or failure, the import after a check).
STARTABLE_STATUSES = (ImportStatus.QUEUED, ImportStatus.CHECKED, ImportStatus.FAILED, ImportStatus.REFUSED)


class RowOutcome(models.TextChoices):
    NEW = "new", _("New")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("Unchanged")
    ERROR = "error", _("Error")
