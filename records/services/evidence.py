"""Evidence files: checked by content (not by name), size-limited, content-hashed, stored
under ``evidence/`` in the default storage, which no URL serves (downloads go through a
view that checks who may read the dossier)."""

from __future__ import annotations

import hashlib
import posixpath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from records.models import Declaration, Dossier, DossierVersion, Evidence

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
# Magic numbers of the accepted types: what the bytes are, whatever the file is called.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def evidence_type(head: bytes) -> str | None:
    return next((content_type for magic, content_type in SIGNATURES if head.startswith(magic)), None)


def evidence_check(files) -> list[tuple[str, bytes, str, str]]:
    """Read and check uploads; return (name, bytes, content type, sha256) or raise ``ValidationError``
    keyed ``evidence`` naming each bad file."""
    files = list(files or [])
    problems: list[str] = []
    if len(files) > MAX_FILES:
        problems.append(_("At most %(max)s files per declaration.") % {"max": MAX_FILES})
    checked = []
    for upload in files[:MAX_FILES]:
        name = posixpath.basename(getattr(upload, "name", "") or "tep")
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:
            problems.append(
                _("File '%(name)s' is larger than %(max)s MB.") % {"name": name, "max": MAX_BYTES // (1024 * 1024)}
            )
            continue
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            problems.append(
                _("File '%(name)s' is larger than %(max)s MB.") % {"name": name, "max": MAX_BYTES // (1024 * 1024)}
            )
            continue
        content_type = evidence_type(data[:16])
        if content_type is None:
            problems.append(
                _("File '%(name)s' is not a PDF, JPEG or PNG file (its content was checked, not its name).")
                % {"name": name}
            )
            continue
        checked.append((name, data, content_type, hashlib.sha256(data).hexdigest()))
    if problems:
        raise ValidationError({"evidence": problems})
    return checked


def evidence_store(
    *,
    dossier: Dossier,
    checked: list[tuple[str, bytes, str, str]],
    actor=None,
    declaration: Declaration | None = None,
    version: DossierVersion | None = None,
) -> list[Evidence]:
    """Store checked files and their rows (inside the caller's transaction)."""
    rows = []
    for name, data, content_type, digest in checked:
        safe = get_valid_filename(name) or "tep"
        path = default_storage.save(f"evidence/{dossier.pk}/{digest[:2]}/{digest}/{safe}", ContentFile(data))
        rows.append(
            Evidence.objects.create(
                dossier=dossier,
                declaration=declaration,
                version=version,
                file=path,
                original_name=name[:255],
                content_type=content_type,
                size=len(data),
                sha256=digest,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    return rows
