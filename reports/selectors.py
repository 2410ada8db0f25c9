"""Reads of the reports app: résumé exports, the credentials a signed export may use, and
what an uploaded PDF is (its signatures, and whether we issued it).

Every read of dossier data starts from ``portal.scoping``. Signing credentials are
province-wide configuration without a scope of their own (``portal.signing.selectors``):
which ones a signed résumé may use is decided here, from the dossier's unit, and the
service (``reports.services.exports``) enforces exactly the same rule.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal import scoping
from portal.choices import Role
from portal.models import Grant, SigningCredential, SigningCredentialKind, Unit
from portal.signing.verify import PdfVerification, pdf_verify
from records.models import ApprovalAct, Dossier
from reports.models import ResumeExport

# Kinds whose key the server can use (the ``external`` kind signs through the interrupted
# flow, which the signed résumé does not offer yet).
SERVER_SIDE_KINDS = (SigningCredentialKind.PKCS12, SigningCredentialKind.PKCS11)
# A file with more revisions than this is not looked up as an extended copy of ours.
MAX_REVISIONS_LOOKED_UP = 200
EOF_RE = re.compile(rb"%%EOF")


# --- who may issue a signed résumé, with which credentials --------------------------------------


def _chain_paths(unit: Unit) -> list[str]:
    """Tree paths of ``unit`` and all its ancestors (no query)."""
    step = Unit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def can_export_signed(user, dossier: Dossier) -> bool:
    """Whether ``user`` may issue a signed résumé of ``dossier``: an HR clerk, unit administrator
    or system administrator whose grant covers the dossier's unit (``reports.resumeexport``,
    action "change", ``reports.apps``). ``None`` is the system (the command line)."""
    if user is None:
        return True
    roots = scoping.managed_units(user, scoping.CHANGE, model_label="reports.resumeexport")
    return scoping.unit_in_scope(dossier.unit, roots)


def can_verify_documents(user) -> bool:
    """Whether ``user`` may use the verification page: a staff account (a superuser, or an
    active grant of any role but "individual"; a person uses the self-service portal)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(grant.role != Role.INDIVIDUAL for grant in scoping.active_grants(user))


def seal_credentials_for(*, dossier: Dossier) -> QuerySet[SigningCredential]:
    """Agency seals a signed résumé of ``dossier`` may carry: active, held by the server
    (PKCS#12 or PKCS#11), owned by the dossier's unit or one of its ancestors (the nearest
    agency first)."""
    return (
        SigningCredential.objects.filter(
            active=True, kind__in=SERVER_SIDE_KINDS, unit__path__in=_chain_paths(dossier.unit)
        )
        .defer("pkcs12_encrypted", "certificate")
        .select_related("unit")
        .order_by("-unit__depth", "label", "pk")
    )


def person_credentials_for(*, user, dossier: Dossier) -> QuerySet[SigningCredential]:
    """Personal credentials the authorized person's signature on a résumé of ``dossier`` may use
    when ``user`` exports it: active, held by the server (PKCS#12 or PKCS#11), owned by a person
    who is either ``user`` or holds an approver grant in force (head of unit) over the dossier's
    unit or one of its ancestors. ``user`` None (the system) gets the approvers' only."""
    day = timezone.localdate()
    approvers = (
        Grant.objects.filter(
            role=Role.APPROVER,
            revoked_at__isnull=True,
            unit__path__in=_chain_paths(dossier.unit),
            starts_on__lte=day,
            user__is_active=True,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values("user_id")
    )
    owner = Q(user_id__in=approvers)
    if getattr(user, "pk", None):
        owner |= Q(user_id=user.pk)
    return (
        SigningCredential.objects.filter(active=True, kind__in=SERVER_SIDE_KINDS, user__isnull=False)
        .filter(owner)
        .defer("pkcs12_encrypted", "certificate")
        .select_related("user")
        .order_by("label", "pk")
    )


def signing_credentials_by_reference(reference: str) -> list[SigningCredential]:
    """Credentials named by id (digits) or exact label, as typed on the command line (the
    export service then decides whether one may be used)."""
    text = (reference or "").strip().lstrip("#")
    queryset = SigningCredential.objects.select_related("unit", "user")
    if text.isdigit():
        return list(queryset.filter(pk=int(text)))
    return list(queryset.filter(label=text)[:10])


# --- export records ----------------------------------------------------------------------------


def resume_export_list(*, user, dossier: Dossier | None = None) -> QuerySet[ResumeExport]:
    """Export records ``user`` may read (the dossiers of their subtree), newest first."""
    queryset = ResumeExport.objects.select_related("exported_by", "dossier")
    if dossier is not None:
        queryset = queryset.filter(dossier=dossier)
    return scoping.restrict(user, scoping.VIEW, queryset).order_by("-exported_at", "-id")


def dossier_by_personal_id(*, user, personal_id: str) -> Dossier | None:
    """The dossier with ``personal_id`` if ``user`` may read it (``None`` the system: any dossier);
    ``None`` when there is none or it is out of scope."""
    queryset = Dossier.objects.select_related("unit", "account").filter(personal_id=(personal_id or "").strip())
    if user is not None:
        queryset = scoping.restrict(user, scoping.VIEW, queryset)
    return queryset.first()


# --- what an uploaded PDF is ---------------------------------------------------------------------


def revision_hashes(pdf: bytes) -> dict[str, int]:
    """{SHA-256: length} of ``pdf`` and of each of its prefixes that ends a revision (``%%EOF``
    and its end-of-line). A document we issued and someone extended with incremental updates
    starts with exactly the bytes we issued, which end at one of these points.

    One pass over the bytes whatever the number of markers (the running hash is copied at each
    boundary), and at most ``MAX_REVISIONS_LOOKED_UP`` markers: a file stuffed with markers
    costs no more than hashing it once."""
    boundaries: list[int] = []
    for count, match in enumerate(EOF_RE.finditer(pdf)):
        if count >= MAX_REVISIONS_LOOKED_UP:
            break
        end = match.end()
        boundaries.append(end)
        if pdf[end : end + 2] == b"\r\n":
            boundaries.append(end + 2)
        elif pdf[end : end + 1] in (b"\n", b"\r"):
            boundaries.append(end + 1)
    hashes: dict[str, int] = {}
    running, position = hashlib.sha256(), 0
    for length in [*sorted(set(boundaries)), len(pdf)]:
        if length < position:
            continue
        running.update(pdf[position:length])
        position = length
        hashes[running.copy().hexdigest()] = length
    return hashes


@dataclass
class ExportMatch:
    """A résumé we exported that the uploaded file is (``exact``) or starts with.

    Outside the reader's scope only ``in_scope=False`` and ``exact`` are filled in."""

    exact: bool
    in_scope: bool
    dossier: Dossier | None = None
    version_number: int | None = None
    signed: bool = False
    exported_at: object = None

    @property
    def live_version(self) -> int:
        return self.dossier.live_version if self.dossier is not None else 0

    @property
    def is_current(self) -> bool:
        return self.dossier is not None and self.version_number == self.dossier.live_version


@dataclass
class ActMatch:
    """A signed approval act the uploaded file is (``exact``) or starts with; ``act`` only in scope."""

    exact: bool
    in_scope: bool
    act: ApprovalAct | None = None


@dataclass
class DocumentCheck:
    """The verification page's answer: the signatures and whether we issued the document."""

    sha256: str
    size: int
    verification: PdfVerification
    exports: list[ExportMatch] = field(default_factory=list)
    acts: list[ActMatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verification.ok


def _export_matches(user, hashes: dict[str, int], size: int) -> list[ExportMatch]:
    rows = list(
        ResumeExport.objects.filter(pdf_sha256__in=list(hashes))
        .select_related("dossier")
        .order_by("-exported_at", "-id")
    )
    if not rows:
        return []
    readable = set(
        scoping.restrict(user, scoping.VIEW, Dossier.objects.filter(pk__in={row.dossier_id for row in rows}))
        .order_by()
        .values_list("pk", flat=True)
    )
    # The longest recorded file first (the exact one, if any); one line per file.
    rows.sort(key=lambda row: -hashes[row.pdf_sha256])
    matches, seen = [], set()
    for row in rows:
        if row.pdf_sha256 in seen:
            continue
        seen.add(row.pdf_sha256)
        exact = hashes[row.pdf_sha256] == size
        if row.dossier_id in readable:
            matches.append(
                ExportMatch(
                    exact=exact,
                    in_scope=True,
                    dossier=row.dossier,
                    version_number=row.version_number,
                    signed=row.signed,
                    exported_at=row.exported_at,
                )
            )
        else:
            matches.append(ExportMatch(exact=exact, in_scope=False))
    return matches


def _act_matches(user, hashes: dict[str, int], size: int) -> list[ActMatch]:
    rows = list(
        ApprovalAct.objects.filter(signed_sha256__in=list(hashes))
        .defer("manifest", "signed_pdf")
        .select_related("unit")
        .order_by("-created_at", "-id")
    )
    if not rows:
        return []
    readable = set(
        scoping.restrict(user, scoping.VIEW, ApprovalAct.objects.filter(pk__in=[row.pk for row in rows]))
        .order_by()
        .values_list("pk", flat=True)
    )
    rows.sort(key=lambda row: -hashes[row.signed_sha256])
    return [
        ActMatch(
            exact=hashes[row.signed_sha256] == size,
            in_scope=row.pk in readable,
            act=row if row.pk in readable else None,
        )
        for row in rows
    ]


def verification_for(*, user, pdf: bytes) -> DocumentCheck:
    """Verify every signature of ``pdf`` (``portal.signing.verify.pdf_verify``, against the active
    trust roots) and look it up among what we issued: résumé exports and signed approval acts,
    by the SHA-256 of the whole file or of a prefix ending a revision (our document with
    updates appended). Details of a match only when ``user`` may read it (``portal.scoping``):
    the dossier for an export, the act for an act; otherwise only "outside your scope"."""
    pdf = bytes(pdf or b"")
    hashes = revision_hashes(pdf)
    return DocumentCheck(
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        verification=pdf_verify(pdf),
        exports=_export_matches(user, hashes, len(pdf)),
        acts=_act_matches(user, hashes, len(pdf)),
    )
