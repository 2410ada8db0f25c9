"""The typeface of printed documents: Noto Serif, registered once per process for reportlab.

Why this font and this way (pure-pip, no system libraries, no file committed):
- Noto Serif covers Vietnamese completely (every precomposed letter with its tone mark)
  and is a serif face like the Times New Roman of administrative documents; its licence,
  the SIL Open Font License 1.1, allows embedding it in PDFs.
- It comes from the ``fontpkg-noto-serif`` wheel (unmodified google/fonts files), so a
  fresh machine gets it with ``pip install``; the licence travels inside that wheel.
- The wheel ships the *variable* font. reportlab reads a variable TrueType font's default
  outlines, which are the Regular (wght 400, wdth 100), and embeds a subset (FontFile2)
  with a ToUnicode map, so the PDF's text can be searched and copied. The Bold is made
  from the same file with fontTools' instancer (wght 700); that takes one to two seconds,
  once per process, so it is cached.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

import fontpkg
from fontTools.ttLib import TTFont as FontToolsFont
from fontTools.varLib import instancer
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "Noto Serif"
REGULAR, BOLD, ITALIC = "NotoSerif", "NotoSerif-Bold", "NotoSerif-Italic"
_lock = threading.Lock()


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str


def _bold_instance(path) -> io.BytesIO:
    """The static Bold (wght 700, wdth 100) of the variable font, as TrueType bytes."""
    font = FontToolsFont(str(path))
    # reportlab does not shape text: the layout tables are not needed and are the slow part.
    for tag in ("GSUB", "GPOS", "GDEF"):
        if tag in font:
            del font[tag]
    # The instancer narrates each step at INFO level: not news for the portal's log.
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        instancer.instantiateVariableFont(font, {"wght": 700, "wdth": 100}, inplace=True, static=True)
    finally:
        logger.setLevel(level)
    names = font["name"]
    # A distinct PostScript name, or PDF writers take the Bold for the Regular.
    for name_id, value in ((1, FAMILY), (2, "Bold"), (4, f"{FAMILY} Bold"), (6, BOLD)):
        names.setName(value, name_id, 3, 1, 0x409)
    data = io.BytesIO()
    font.save(data)
    data.seek(0)
    return data


@lru_cache(maxsize=1)
def register_fonts() -> FontSet:
    """Register Noto Serif Regular, Bold and Italic with reportlab (once) and return their names."""
    with _lock:
        regular_path = fontpkg.path(FAMILY)
        italic_path = fontpkg.path(FAMILY, style="italic")
        pdfmetrics.registerFont(TTFont(REGULAR, str(regular_path)))
        pdfmetrics.registerFont(TTFont(ITALIC, str(italic_path)))
        pdfmetrics.registerFont(TTFont(BOLD, _bold_instance(regular_path)))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)  # no bold italic on the template
    return FontSet(regular=REGULAR, bold=BOLD, italic=ITALIC)
