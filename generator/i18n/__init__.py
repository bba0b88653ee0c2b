"""Stage 2: translation. Catalogues (catalogs.py), extraction (extract.py), the checks a
translation must pass (checks.py), and the Localizer a template speaks through (localizer.py)."""

from generator.i18n.localizer import SOURCE_LANGUAGE, Localizer, MissingTranslation, locale_for

__all__ = ["SOURCE_LANGUAGE", "Localizer", "MissingTranslation", "locale_for"]
