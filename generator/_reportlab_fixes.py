"""A fix for ReportLab 5.1.0, applied on import.

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
