"""Electronic identifier codes of agencies (QĐ 20/2020/QĐ-TTg, domain.md §6).

Format ``NNN.NN.NN.Xnn``: four groups read right to left. The rightmost group is
the level-1 unit (``H20`` for a province), then level 2, 3 and 4; unused levels
are zeros. A unit's code nests under its parent's: it keeps the parent's groups
and fills exactly one more level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

CODE_RE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$")


@dataclass(frozen=True)
class IdentifierCode:
    level4: str
    level3: str
    level2: str
    level1: str

    @property
    def level(self) -> int:
        """1 for a level-1 unit (``000.00.00.H20``) ... 4 for ``001.02.03.H20``."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1

    def groups(self) -> tuple[str, str, str, str]:
        """Groups from level 1 to level 4."""
        return (self.level1, self.level2, self.level3, self.level4)

    def __str__(self) -> str:
        return f"{self.level4}.{self.level3}.{self.level2}.{self.level1}"

    def nests_under(self, parent: IdentifierCode) -> bool:
        """True when this code is exactly one level below ``parent`` and keeps its groups."""
        if self.level != parent.level + 1:
            return False
        return self.groups()[: parent.level] == parent.groups()[: parent.level]

    def rebased(self, old_anchor: IdentifierCode, new_anchor: IdentifierCode) -> IdentifierCode:
        """This code with ``old_anchor``'s groups replaced by ``new_anchor``'s (same level)."""
        if old_anchor.level != new_anchor.level:
            raise ValueError("anchors must be of the same level")
        level = new_anchor.level
        groups = new_anchor.groups()[:level] + self.groups()[level:]
        return IdentifierCode(level4=groups[3], level3=groups[2], level2=groups[1], level1=groups[0])


def parse_code(value: str) -> IdentifierCode:
    """Parse and check a code; raise ``ValueError`` with a Vietnamese message when invalid."""
    text = (value or "").strip().upper()
    match = CODE_RE.match(text)
    if not match:
        raise ValueError(
            _("Identifier code '%(code)s' does not have the form NNN.NN.NN.Xnn (for example 000.00.05.H20).")
            % {"code": value}
        )
    level4, level3, level2, level1 = match.groups()
    if level1.endswith("00"):
        raise ValueError(
            _("Identifier code '%(code)s': the level-1 group cannot be %(group)s.")
            % {
                "code": value,
                "group": level1,
            }
        )
    code = IdentifierCode(level4=level4, level3=level3, level2=level2, level1=level1)
    # Every level between 2 and the code's own level must be filled.
    groups = code.groups()
    for index in range(1, code.level):
        if set(groups[index]) == {"0"}:
            raise ValueError(
                _("Identifier code '%(code)s' is a level-%(level)s code but its level-%(missing)s group is empty.")
                % {"code": value, "level": code.level, "missing": index + 1}
            )
    return code


def normalize_code(value: str | None) -> str:
    return (value or "").strip().upper()
