from django.db import models
from django.utils.translation import gettext_lazy as _


class Verification(models.TextChoices):
    """How well a shipped catalogue value is sourced (domain.md's tags)."""

    V2 = "V2", _("Verified by two or more sources")
    V = "V", _("Seen in one source")
    U = "U", _("Unverified: check against the official text")


class UnitEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    RENAMED = "renamed", _("Renamed")
    CODE_CHANGED = "code_changed", _("Identifier code changed")
    UPDATED = "updated", _("Details changed")
    MOVED = "moved", _("Moved")
    MERGED_INTO = "merged_into", _("Merged into another unit")
    ABSORBED = "absorbed", _("Absorbed another unit")
    SPLIT = "split", _("Split")
    SPLIT_FROM = "split_from", _("Created by a split")
    DISSOLVED = "dissolved", _("Dissolved")


class AttributeType(models.TextChoices):
    """Types an attribute of a catalogue kind may take."""

    TEXT = "text", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal number")
    DECIMAL_LIST = "decimal_list", _("List of decimal numbers")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice from a list")
    ENTRY = "entry", _("Entry of another catalogue")
    ENTRY_LIST = "entry_list", _("Entries of another catalogue")


class Role(models.TextChoices):
    """Roles of the regulations (Sở Nội vụ → unit admins → clerks, approvers, leaders, individuals)."""

    SYSTEM_ADMIN = "system_admin", _("System administrator (Sở Nội vụ)")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    HR_CLERK = "hr_clerk", _("HR clerk")
    APPROVER = "approver", _("Approver (head of unit or delegate)")
    LEADER = "leader", _("Leader (read-only aggregates)")
    INDIVIDUAL = "individual", _("Individual (own dossier)")


class FieldTarget(models.TextChoices):
    UNIT = "unit", _("Units")
    DOSSIER = "dossier", _("Dossiers")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice from a catalogue")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice from a catalogue")
    FILE = "file", _("File")


class FieldSensitivity(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret (state secret)")
