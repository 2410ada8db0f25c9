"""Fixed choices of the records app: the rules of the code depend on these values.

Values that are content (sex, ethnicity, grades, ratings…) are catalogue codes, not
choices. The dossier statuses are both: their codes are those of the catalogue
``trang_thai_ho_so`` (so reports and the national sync read the same codes) and the
lifecycle logic below depends on which of them are end states.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    WORKING = "DANG_CONG_TAC", _("Working")
    RETIRED = "NGHI_HUU", _("Retired on pension")
    RESIGNED = "THOI_VIEC", _("Resigned")
    DISMISSED = "BUOC_THOI_VIEC", _("Dismissed")
    DECEASED = "TU_TRAN", _("Deceased")
    TRANSFERRED_OUT = "CHUYEN_CONG_TAC", _("Transferred out of the province")
    PARTY_BLOC = "CHUYEN_KHOI_DANG", _("Moved to the Party bloc")


END_STATUSES = frozenset(status for status in DossierStatus if status != DossierStatus.WORKING)


class VersionStatus(models.TextChoices):
    PENDING = "pending", _("Accepted, awaiting approval")
    PUBLISHED = "published", _("Approved (official)")
    RETURNED = "returned", _("Returned by the approver")


class VersionSource(models.TextChoices):
    INITIAL = "initial", _("Initial record")
    DECLARATION = "declaration", _("Accepted declaration")
    CLERK = "clerk", _("Entered by the HR clerk")
    IMPORT = "import", _("Bulk import")
    STATUS = "status", _("Status change")
    RETURN = "return", _("Changes returned by the approver")


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BloodGroup(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"
    O = "O", "O"  # noqa: E741


class FamilySide(models.TextChoices):
    OWN = "own", _("The person's family (36.1)")
    SPOUSE = "spouse", _("The spouse's family (36.2)")


class ApprovalActStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting the approver's signature")
    PUBLISHING = "publishing", _("Signed, publishing")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalItemOutcome(models.TextChoices):
    LISTED = "listed", _("Listed, awaiting the signature")
    PUBLISHED = "published", _("Published")
    SKIPPED = "skipped", _("Not published")
