"""Compile the message catalogues (.po → .mo) with polib, so setup needs no GNU gettext."""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compile_catalogues() -> list[Path]:
    """Compile every ``locale/*/LC_MESSAGES/*.po`` whose .mo is missing or older. Returns the .mo paths."""
    import polib

    compiled = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled.append(mo_path)
    return compiled


if __name__ == "__main__":
    for path in compile_catalogues():
        print(path.relative_to(LOCALE_DIR.parent.parent))
