"""NET patient handouts: English content + gettext catalogues -> print-ready PDFs.

The pipeline, one module per stage:
    content  (load and validate YAML)  ->  i18n (catalogues, Babel formatting)
    ->  layout (Jinja2 templates write a small layout XML)  ->  render (ReportLab)
    ->  output (atomic files, manifest).  Checks live beside it in checks.py.
"""

__version__ = "0.1.0"


from . import bidi_support as _bidi_support

_bidi_support.install()  # before ReportLab is imported anywhere: right-to-left line order
