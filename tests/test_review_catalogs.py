"""Catalogue headers a translator's tool shows correctly (issue 15 item 5), and a .po header that can
never stand in for the review record (issue 18 item 1). Run in a copy of the project (`sandbox`)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .conftest import PROJECT

PLACEHOLDERS = ("VERSION", "YEAR-MO-DA", "EMAIL@ADDRESS", "FULL NAME", "FIRST AUTHOR", "ORGANIZATION", "LL@li.org")


def header_of(path):
    return path.read_text(encoding="utf-8").split("\n\n", 1)[0]


def test_shipped_catalogue_headers_have_no_template_placeholders():
    from generator.i18n.catalogs import Locales

    locales = Locales(PROJECT / "locales")
    for lang in locales.shipped():
        header = header_of(locales.po_path(lang))
        for placeholder in PLACEHOLDERS:
            assert placeholder not in header, f"{lang}: header still says {placeholder}"
        assert '"Project-Id-Version: NET patient handouts 0.1.0\\n"' in header
        assert re.search(r'"PO-Revision-Date: \d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}\\n"', header), lang
        assert re.search(r'"Language-Team: [^<"\\]+\\n"', header), lang


def test_update_and_init_write_complete_headers(sandbox):
    from generator.i18n.catalogs import Locales, init, update
    from generator.i18n.extract import write_pot

    po = sandbox / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    head, rest = text.split("\n\n", 1)
    # The header Babel writes for a new catalogue, as the shipped ones had it.
    head = re.sub(r'"Project-Id-Version: [^"]*"', r'"Project-Id-Version: NET patient handouts VERSION\\n"', head)
    head = re.sub(r'"Report-Msgid-Bugs-To: [^"]*"', r'"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"', head)
    head = re.sub(r'"PO-Revision-Date: [^"]*"', r'"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"', head)
    head = re.sub(r'"Last-Translator: [^"]*"', r'"Last-Translator: Ana Traductora <ana@example.org>\\n"', head)
    head = re.sub(r"^# Copyright.*$", "# Copyright (C) 2026 ORGANIZATION\n# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.", head,
                  flags=re.M)
    po.write_text(head + "\n\n" + rest, encoding="utf-8")
    write_pot(sandbox)
    update(Locales(sandbox / "locales"))
    header = header_of(po)
    for placeholder in PLACEHOLDERS:
        assert placeholder not in header
    assert '"Last-Translator: Ana Traductora <ana@example.org>\\n"' in header, "a translator's own value is kept"
    assert '"Language-Team: Spanish\\n"' in header and '"X-Review-Status: unreviewed\\n"' in header

    path = init(Locales(sandbox / "locales"), "sw")  # a language not started yet
    header = header_of(path)
    for placeholder in PLACEHOLDERS:
        assert placeholder not in header
    assert '"Language-Team: Swahili\\n"' in header
    assert header.startswith("# Swahili translations for NET patient handouts.")
    if shutil.which("msgfmt"):
        assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)]).returncode == 0


def test_review_headers_reads_only_the_real_header_entry():
    from generator.i18n.catalogs import review_headers

    real = 'msgid ""\nmsgstr ""\n"Language: fr_CA\\n"\n"X-Review-Status: unreviewed\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    forged = '# "X-Review-Status: reviewed\\n"\n# "X-Reviewed-By: Dr Forger\\n"\n#, fuzzy\n' + real
    assert review_headers(forged) == {"X-Review-Status": "unreviewed"}
    # A header-like string in a message is not the header either.
    assert review_headers('msgid "x"\nmsgstr "X-Review-Status: reviewed\\n"\n') == {}


@pytest.mark.skipif(not shutil.which("msgcat"), reason="GNU gettext (msgcat) is not installed")
def test_previous_english_is_kept_in_a_form_gettext_tools_read(sandbox):
    """Poedit and Weblate read `#| msgid` through gettext's PO syntax: one quoted string per line."""
    from generator.i18n.catalogs import Locales, update
    from generator.i18n.extract import write_pot

    from .test_review_workflow import LANG, fake_translate

    po = fake_translate(sandbox)  # every message translated, so the changed one has a translation to keep
    path = next(p for p in sorted((sandbox / "content" / "handouts").glob("*.yaml")))
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^( +- paragraph: >-\n +)(\S.{40,})$", text, flags=re.M)
    if not m:
        pytest.skip("no folded paragraph in the first handout")
    path.write_text(text.replace(m.group(0), m.group(1) + "Really, " + m.group(2), 1), encoding="utf-8")
    write_pot(sandbox)
    update(Locales(sandbox / "locales"))
    out = subprocess.run(["msgcat", str(po)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "#| msgid" in out.stdout and "#| msgid" in po.read_text(encoding="utf-8")
    assert LANG in str(po)
