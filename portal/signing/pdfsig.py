"""Poppler's ``pdfsig`` (Debian package poppler-utils): an independent check of PDF signatures.

Used by the tests (every signature we produce must be "Signature is Valid." for poppler too)
and handy for diagnostics.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

PDFSIG_SIGNATURE_RE = re.compile(r"^Signature #(\d+):\s*$")
PDFSIG_LINE_RE = re.compile(r"^\s+- (?P<key>[^:]+?)(?:: (?P<value>.*))?$")


def pdfsig_signatures(pdf: bytes, *, nss_dir: str | None = None) -> list[dict[str, str]]:
    """Run poppler's ``pdfsig`` on ``pdf``; one dict per signature (``"Signature Validation"``,
    ``"Certificate Validation"``, ``"Signer Certificate Common Name"``, ``"Total document signed"``...).

    Raises ``FileNotFoundError`` when ``pdfsig`` (Debian package poppler-utils) is missing.
    """
    executable = shutil.which("pdfsig")
    if executable is None:
        raise FileNotFoundError("pdfsig (Debian package poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        command = [executable, *(["-nssdir", nss_dir] if nss_dir else []), handle.name]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    signatures: list[dict[str, str]] = []
    for line in completed.stdout.splitlines():
        if PDFSIG_SIGNATURE_RE.match(line):
            signatures.append({})
        elif signatures and (match := PDFSIG_LINE_RE.match(line)):
            key, value = match["key"].strip(), (match["value"] or "").strip()
            signatures[-1][key] = value if value else "yes"
    return signatures
