"""Clinical review (issue 15): sign-offs recorded per message in reviews/<lang>.toml decide the labels
and the manifest; a .po edit can never forge them; a change to the English reverts exactly the
handouts that print it; a review pack lists every message of its handout.

Everything runs in a copy of the project (the `sandbox` fixture), so the shipped records stay empty.
The copy gets a complete stand-in French translation, «English», so these tests do not depend on
how far the real translators are.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import PROJECT, pdf_text

LANG = "fr_CA"
EN_REVIEWER = "Dr Ada Testwell, medical oncologist"
FR_REVIEWER = "Béa Vérifie, infirmière en oncologie"


def fake_translate(project: Path, lang: str = LANG, only=None):
    """Write a complete catalogue for `lang`: every required message as «English» (placeholders,
    markup, digits and addresses kept, so every check passes)."""
    from babel.messages.catalog import Catalog

    from generator.i18n.catalogs import _write
    from generator.i18n.extract import required_messages

    catalog = Catalog(locale=lang, project="NET patient handouts", version="0.1.0", fuzzy=False,
                      language_team="French (Canada)", last_translator="test suite")
    for m in required_messages(project):
        if not m.id:
            continue
        forms = m.id if isinstance(m.id, tuple) else (m.id,)
        wrapped = tuple(f"«{f}»" for f in forms)
        catalog.add(m.id, wrapped if isinstance(m.id, tuple) else wrapped[0], m.locations, context=m.context)
    path = project / "locales" / lang / "LC_MESSAGES" / "messages.po"
    _write(catalog, path, {"X-Review-Status": "unreviewed"}, sort_by_file=True)
    (project / "locales" / "LINGUAS").write_text(f"{lang}\n", encoding="utf-8")
    return path


def set_translation(project: Path, msgid: str, string, fuzzy: bool = False, lang: str = LANG):
    """Edit one translation as a translator's tool would (read and write the whole .po)."""
    from babel.messages.pofile import read_po

    from generator.i18n.catalogs import _write

    po = project / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale=lang)
    message = next(m for m in catalog if m.id == msgid or (isinstance(m.id, tuple) and m.id[0] == msgid))
    message.string = string
    message.flags = {"fuzzy"} if fuzzy else set()
    _write(catalog, po, {"X-Review-Status": "unreviewed"}, sort_by_file=True)


@pytest.fixture
def project(sandbox):
    """The sandbox with a complete stand-in translation and no review record at all."""
    fake_translate(sandbox)
    assert not (sandbox / "reviews").exists()
    return sandbox


def library(project):
    from generator.content.load import read_library

    lib, _ = read_library(project / "content")
    if not lib.handouts:
        pytest.skip("no handout of the current content loads")
    return lib


def states(project, lang):
    from generator.review import handout_review

    lib = library(project)
    return {hid: handout_review(project, lang, h) for hid, h in lib.handouts.items()}


def label_xml(project, lang, hid, product="leaflet"):
    """The layout XML a product template writes (the label is in it), without rendering a PDF."""
    from generator.build import Settings, Workspace
    from generator.layout import layout_xml, papers_for

    ws = Workspace(Settings(project, project / "output"))
    handout = ws.library.handouts[hid]
    paper = papers_for(product, lang, "auto")[0]
    return layout_xml(product, paper, handout, ws.localizer(lang), ws.library, ws.clinic)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def cli(*args):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=PROJECT, capture_output=True, text=True,
                          timeout=600)


# ---------------------------------------------------------------- labels and manifest

def test_nothing_is_approved_in_the_shipped_records():
    for path in sorted((PROJECT / "reviews").glob("*.toml")):
        record = tomllib.loads(path.read_text(encoding="utf-8"))
        assert record.get("signoff", []) == [], f"{path.name} records a sign-off, but nobody has reviewed anything"
        assert record["language"] == path.stem


def test_unreviewed_labels_say_so_for_the_english_and_the_translation(project):
    hid = sorted(library(project).handouts)[0]
    assert "Written from the cited sources. Not yet reviewed by a health professional." in label_xml(project, "en", hid)
    assert ("«English text and translation not yet reviewed by a health professional.»"
            in label_xml(project, LANG, hid))


def test_approving_a_language_flips_its_labels_and_manifest(project, tmp_path):
    from generator.build import Settings, build
    from generator.review.approve import approve

    lib = library(project)
    out = tmp_path / "out"
    settings = Settings(project, out)
    first = build(settings, ["en", LANG], products=["leaflet"], paper="letter", jobs=2, progress=None)
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert entries, first.failed
    assert {e["review_status"]["label"] for e in entries} == {"unreviewed"}
    fr = [e for e in entries if e["language"] == LANG]
    assert fr and all(e["review_status"]["translation"]["approved"] == 0 for e in fr)
    hid = sorted({e["handout"] for e in entries if e["language"] == LANG} & {e["handout"] for e in entries
                                                                           if e["language"] == "en"})[0]

    approve(project, "en", EN_REVIEWER, [hid], date="2026-10-15")
    # English approved, translation not yet: the French pages name the English review only.
    xml = label_xml(project, LANG, hid)
    assert "«English text reviewed by a health professional (Dr Ada Testwell, " in xml
    assert "translation not yet reviewed.»" in xml
    approve(project, LANG, FR_REVIEWER, [hid], date="2026-10-16")

    second = build(settings, ["en", LANG], products=["leaflet"], paper="letter", jobs=2, progress=None)
    # The review records are inputs of every document of their language: nothing stale is "unchanged".
    assert second.unchanged == 0 and second.built >= 2
    entries = {(e["language"], e["handout"]): e for e in
               json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    en, fr = entries["en", hid]["review_status"], entries[LANG, hid]["review_status"]
    assert en["label"] == "reviewed" and en["english"]["by"] == EN_REVIEWER and en["english"]["date"] == "2026-10-15"
    assert fr["label"] == "reviewed" and fr["translation"]["by"] == FR_REVIEWER
    assert fr["translation"]["date"] == "2026-10-16" and fr["blocked_by"] == []
    others = [e for (lang, h), e in entries.items() if h != hid]
    assert others and all(e["review_status"]["label"] == "unreviewed" for e in others)

    text = flat(pdf_text(out / "en" / f"{hid}-leaflet-letter.pdf"))
    assert "Written from the cited sources. Reviewed by a health professional (Dr Ada Testwell, Oct 15, 2026)." in text
    assert "Not yet reviewed" not in text
    text = flat(pdf_text(out / LANG / f"{hid}-leaflet-letter.pdf"))
    assert "«Reviewed by health professionals: English text (Dr Ada Testwell, 15 oct. 2026); translation " \
           "(Béa Vérifie, 16 oct. 2026).»" in text

    status = cli("--project", str(project), "status")
    assert status.returncode == 0, status.stderr
    row = next(line for line in status.stdout.splitlines() if line.startswith(LANG) and f" {hid} " in line)
    assert f"reviewed ({FR_REVIEWER}, 2026-10-16)" in row


def test_a_po_file_cannot_forge_a_review(project):
    from generator.review.approve import approve

    lib = library(project)
    hid = sorted(lib.handouts)[0]
    po = project / "locales" / LANG / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    forged = ('# "X-Review-Status: reviewed\\n"\n# "X-Reviewed-By: Dr Forger, surgeon\\n"\n'
              + text.replace('"X-Review-Status: unreviewed\\n"', '"X-Review-Status: reviewed\\n"\n'
                                                                 '"X-Reviewed-By: Dr Forger, surgeon\\n"'))
    po.write_text(forged, encoding="utf-8")
    assert not any(s.reviewed for s in states(project, LANG).values())
    assert "Dr Forger" not in label_xml(project, LANG, hid)

    # Approved, then a contributor changes one translation: that handout is unreviewed again,
    # exactly as if the review had never happened, and nothing else changes.
    approve(project, "en", EN_REVIEWER, date="2026-10-15")
    approve(project, LANG, FR_REVIEWER, date="2026-10-16")
    before = states(project, LANG)
    assert all(s.reviewed for s in before.values())
    first = next(m for m in lib.handouts[hid].messages() if m.role == "paragraph")
    set_translation(project, first.text, f"«Pas {first.text}»")
    after = states(project, LANG)
    changed = {h for h, s in after.items() if not s.reviewed}
    assert hid in changed
    assert all(first.text in [m.text for m in lib.handouts[h].messages()] for h in changed)
    assert after[hid].approved == after[hid].messages - 1
    assert all(s.reviewed for s in states(project, "en").values())


def test_changing_one_english_paragraph_reverts_exactly_the_handouts_that_print_it(project):
    from generator.i18n.catalogs import Locales, update
    from generator.i18n.extract import write_pot
    from generator.review.approve import approve

    lib = library(project)
    approve(project, "en", EN_REVIEWER, date="2026-10-15")
    approve(project, LANG, FR_REVIEWER, date="2026-10-16")
    assert all(s.reviewed for s in states(project, "en").values())
    assert all(s.reviewed for s in states(project, LANG).values())

    # A paragraph only one handout prints.
    counts = {}
    for h in lib.handouts.values():
        for m in {m.text for m in h.messages()}:
            counts[m] = counts.get(m, 0) + 1
    hid, msg = next((h.id, m) for h in sorted(lib.handouts.values(), key=lambda h: h.id) for m in h.messages()
                    if m.role == "paragraph" and counts[m.text] == 1 and len(m.text) > 60)
    path = Path(lib.handouts[hid].file)
    source = path.read_text(encoding="utf-8")
    old_words = msg.text.split()[:6]
    assert " ".join(old_words) in source
    new_text = msg.text.replace(old_words[-1], old_words[-1] + " usually", 1)
    path.write_text(source.replace(" ".join(old_words), " ".join(old_words) + " usually", 1), encoding="utf-8")
    assert any(m.text == new_text for m in library(project).handouts[hid].messages())

    en = states(project, "en")
    assert {h for h, s in en.items() if not s.reviewed} == {hid}
    assert en[hid].english_approved == en[hid].messages - 1

    # `make update`: the changed message turns fuzzy (never printed until confirmed) and keeps the
    # previous English for Poedit and Weblate; only this handout's French reverts.
    write_pot(project)
    update(Locales(project / "locales"))
    po = project / "locales" / LANG / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    entry = text[text.index(_po_start(new_text)) - 600:text.index(_po_start(new_text))]
    assert "#, fuzzy" in entry.split("\n\n")[-1] and "#| msgid" in entry.split("\n\n")[-1]
    # Translators see which messages were approved (a comment their tools show); not the changed one.
    assert f"#. Reviewed: approved by {FR_REVIEWER}, 2026-10-16." in text
    assert "Reviewed: approved" not in entry.split("\n\n")[-1]
    fr = states(project, LANG)
    assert {h for h, s in fr.items() if not s.reviewed} == {hid}
    assert fr[hid].fuzzy == 1 and any("fuzzy" in b for b in fr[hid].blockers)

    # A second update keeps the previous English while the message stays fuzzy.
    update(Locales(project / "locales"))
    assert po.read_text(encoding="utf-8") == text

    # The translator confirms (new text, fuzzy flag removed): still not reviewed until signed off again.
    set_translation(project, new_text, f"«{new_text}»")
    assert not states(project, LANG)[hid].reviewed
    approve(project, "en", EN_REVIEWER, [hid], date="2026-11-01")
    approve(project, LANG, FR_REVIEWER, [hid], date="2026-11-02")
    fr = states(project, LANG)
    assert all(s.reviewed for s in fr.values())
    assert fr[hid].translation.date.isoformat() == "2026-11-02"
    others = [s for h, s in fr.items() if h != hid]
    assert all(s.translation.date.isoformat() == "2026-10-16" for s in others)


def _po_start(text: str) -> str:
    """How write_po starts the msgid of a long message (first wrapped line)."""
    return text.split(" ")[0] + " "


# ---------------------------------------------------------------- the approve command

def test_approve_refuses_what_a_reviewer_could_not_have_read(project):
    po = project / "locales" / LANG / "LC_MESSAGES" / "messages.po"
    lib = library(project)
    hid = sorted(lib.handouts)[0]
    title = lib.handouts[hid].title.text
    set_translation(project, title, "")
    result = cli("--project", str(project), "approve", "--lang", LANG, "--by", FR_REVIEWER, "--handout", hid)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"locales/{LANG}/LC_MESSAGES/messages.po:") and hid in line and "untranslated" in line, line
    assert not (project / "reviews" / f"{LANG}.toml").exists(), "nothing may be recorded"


@pytest.mark.parametrize("by, says", [
    ("", "--by is empty"),
    ("Dr Nobody", "needs a name and a role separated by a comma"),
    ("Dr <b>Bold</b>, nurse", "use plain text"),
])
def test_approve_needs_a_name_and_a_role(project, by, says):
    result = cli("--project", str(project), "approve", "--lang", "en", "--by", by)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr, result.stderr
    assert not (project / "reviews").exists()


def test_approve_expect_ties_the_sign_off_to_the_pack_that_was_read(project):
    from generator.review import handout_review
    from generator.review.approve import approve
    from generator.errors import Problems

    lib = library(project)
    hid = sorted(lib.handouts)[0]
    digest = handout_review(project, LANG, lib.handouts[hid]).content_digest
    po = project / "locales" / LANG / "LC_MESSAGES" / "messages.po"
    title = lib.handouts[hid].title.text
    set_translation(project, title, f"«{title}!»")
    with pytest.raises(Problems) as exc:
        approve(project, LANG, FR_REVIEWER, [hid], expect=digest)
    assert "not those of the review pack" in exc.value.problems[0]
    assert not (project / "reviews" / f"{LANG}.toml").exists()
    now = handout_review(project, LANG, lib.handouts[hid]).content_digest
    approve(project, LANG, FR_REVIEWER, [hid], expect=now)
    record = tomllib.loads((project / "reviews" / f"{LANG}.toml").read_text(encoding="utf-8"))
    (signoff,) = record["signoff"]
    assert signoff["handout"] == hid and signoff["by"] == FR_REVIEWER and signoff["content"] == now
    assert len(signoff["messages"]) == handout_review(project, LANG, lib.handouts[hid]).messages


def test_a_broken_record_is_one_line_naming_the_file(project):
    (project / "reviews").mkdir()
    (project / "reviews" / "en.toml").write_text('language = "en"\n[[signoff]]\nhandout = "x"\nby = \n',
                                                  encoding="utf-8")
    result = cli("--project", str(project), "status")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: reviews/en.toml:4: review record is not valid TOML"), result.stderr


def test_a_page_about_several_handouts_is_reviewed_only_when_all_are(project):
    """The print pack's cover speaks for every part it holds."""
    from generator.i18n import Localizer
    from generator.review import summary_context
    from generator.review.approve import approve

    lib = library(project)
    handouts = [lib.handouts[h] for h in sorted(lib.handouts)]
    loc = Localizer("en")
    approve(project, "en", EN_REVIEWER, [handouts[0].id], date="2026-10-15")
    partly = summary_context(project, loc, handouts)
    assert not partly["reviewed"] and not partly["source"]["reviewed"] or len(handouts) == 1
    approve(project, "en", "Dr Ben Second, endocrinologist", date="2026-10-20")
    every = summary_context(project, loc, handouts)
    assert every["reviewed"] and every["source"]["iso_date"] == "2026-10-20"
    assert every["source"]["name"] in ("Dr Ben Second", "Dr Ada Testwell; Dr Ben Second")
