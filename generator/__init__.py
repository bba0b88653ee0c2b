"""NET patient handouts: English content + gettext catalogues -> print-ready PDFs.

The pipeline, one module per stage:
    content  (load and validate YAML)  ->  i18n (catalogues, Babel formatting)
    ->  layout (Jinja2 templates write a small layout XML)  ->  render (ReportLab)
    ->  output (atomic files, manifest).  Checks live beside it in checks.py.
"""

__version__ = "0.1.0"


import sys as _sys
import types as _types

# Before ReportLab is imported anywhere:
for _name in ("reportlab_settings", "reportlab_mods"):
    # ReportLab otherwise executes ~/.reportlab_settings and ~/.reportlab_mods, files outside the
    # project that would change the output; empty stand-ins keep its packaged defaults.
    _sys.modules.setdefault(_name, _types.ModuleType(_name))
