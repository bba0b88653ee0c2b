"""Two fixes for ReportLab 5.1.0, applied on import.

PDFTextObject.setRise reads self._code[-1] without checking that the list is
non-empty. When a shaped run starts with a glyph that harfbuzz moves vertically
(Arabic tanwin such as the fathatan in "فورًا"), _formatText calls setRise on an
empty code list and the build dies with IndexError. The guarded copy below is
otherwise identical to upstream.
"""

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.textobject import PDFTextObject


def _set_rise(self, rise):
    v = f"{fp_str(rise)} Ts"
    if self._code and self._code[-1].endswith(" Ts"):
        self._y += self._rise
        self._code[-1] = v
    else:
        self._rise = rise
        self._y -= rise
        self._code.append(v)


PDFTextObject.setRise = _set_rise


# Chinese line breaking ("kinsoku"): ReportLab's list of characters that must not start
# a line has the ideographic comma and full stop but not the full-width comma, colon,
# semicolon, question and exclamation marks or closing quotes that Simplified Chinese
# uses, so "，" or "？" could begin a line. Paragraph reads this module global when it
# wraps CJK text in several style runs, textsplit.wordSplit its own copy for a single run:
# both are extended.
from reportlab.lib import textsplit as _textsplit  # noqa: E402
from reportlab.platypus import paragraph as _paragraph  # noqa: E402

_CJK_CLOSING = "\uff0c\uff1a\uff1b\uff1f\uff01\u300b\u3009\u201d\u2019\uff0e\u2026"
for _module in (_paragraph, _textsplit):
    _module.ALL_CANNOT_START = _module.ALL_CANNOT_START + "".join(
        c for c in _CJK_CLOSING if c not in _module.ALL_CANNOT_START)

# Chinese and Japanese: no opening bracket at a line end, no closing punctuation at a line start
# (kinsoku.py replaces ReportLab's CJK line splitting).
from generator.render.pdf import kinsoku  # noqa: E402,F401
