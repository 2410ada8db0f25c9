"""The Vietnamese catalogue is complete and compiled."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "portal" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["portal", "records", "imports", "reports"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
TEMPLATE_RE = re.compile(r"""\{%\s*(?:trans|translate)\s+(["'])(.+?)\1""")


def _python_msgids() -> set[str]:
    found: set[str] = set()
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT_NAMES
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


def _template_msgids() -> set[str]:
    found: set[str] = set()
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "portal").rglob("templates/**/*.html")]:
        for match in TEMPLATE_RE.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2))
    return found


def test_every_message_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(PO_FILE))
    translated = {
        msgid
        for entry in catalogue
        if (entry.msgstr or entry.msgstr_plural.get(0)) and "fuzzy" not in entry.flags
        for msgid in (entry.msgid, entry.msgid_plural)
        if msgid
    }
    missing = sorted((_python_msgids() | _template_msgids()) - translated)
    assert not missing, f"{len(missing)} messages lack a Vietnamese translation, e.g. {missing[:10]}"


def test_compiled_catalogue_is_used():
    with translation.override("vi"):
        assert translation.gettext("Unit type") != "Unit type"
    with translation.override("en"):
        assert translation.gettext("Unit type") == "Unit type"
