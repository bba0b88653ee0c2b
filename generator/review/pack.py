"""`python -m generator review-pack --lang L [--handout H] --out DIR`: a PDF per handout for a reviewer.

The pack holds: a cover (what is reviewed and how), every message the handout prints in reading
order, numbered, with its context (section, role such as an emergency callout, file:line), the
English and the translation side by side (English alone for the clinical review of the English)
and an empty column for comments; then a sign-off page naming exactly what is signed (handout,
language, catalogue SHA-256, content digest), and thumbnails of the rendered leaflet pages.

Paragraphs are made by the product renderer (generator.render.pdf) with the language's own font
stack, so every script prints as it does on the leaflet: Arabic right to left, Hindi shaped,
Chinese broken between characters, and a character no font has is reported, never a box.
The pack's own wording is English: it is a working document for bilingual reviewers.
"""

from __future__ import annotations

import gettext
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

from generator.errors import UserError
from generator.review.printed import Printed, printed_messages
from generator.review.records import SOURCE_LANGUAGE, file_sha256
from generator.review.state import Entry, evaluate, translations

MM = 72 / 25.4
PAGE = {"iso": (297 * MM, 210 * MM), "us": (11 * 72, 8.5 * 72)}  # landscape A4 / US Letter
MARGIN = 14 * MM
COLORS = {"ink": "#1a1a1a", "muted": "#4d4d4d", "rule": "#9a9a9a", "head": "#e3f0f1", "section": "#f2f2f2",
          "missing": "#b3261e", "ok": "#1e6b34"}

def _renderer(lang: str, rtl: bool, width: float, height: float):
    """The product renderer with the pack's styles (templates/review-pack.xml.j2) for one language."""
    from generator.layout import ENV
    from generator.render.pdf import Renderer
    from generator.render.pdf.fonts import FontStack

    xml = ENV.get_template("review-pack.xml.j2").render(width=width, height=height, dir="rtl" if rtl else "ltr",
                                                       lang=lang.replace("_", "-"))
    return Renderer(xml, FontStack(lang))


class _Text:
    """Paragraphs in one language's fonts and direction, from untrusted text (only <b>/<i> kept)."""

    def __init__(self, lang: str, rtl: bool, width: float, height: float, fallback=None):
        self.r = _renderer(lang, rtl, width, height)
        self.fallback = fallback or self

    def __call__(self, text: str, style: str = "cell", markup: bool = True):
        from generator.markup import MarkupProblem, to_markup
        from generator.render.pdf import RenderError

        try:
            body = str(to_markup(text)) if markup else escape(text)
        except MarkupProblem:
            body = escape(text)
        try:
            return self.r.para(ET.fromstring(f"<para>{body}</para>"), style)
        except RenderError as exc:
            if self.fallback is self:
                raise UserError(f"the review pack cannot print {text[:50]!r}: {exc}") from None
            return self.fallback(f"(cannot be printed: {exc})", "missing", markup=False)


def _plural_examples(plural_expr: str, nplurals: int) -> list[str]:
    """For each msgstr index, a few counts that use it ("1", "2, 3, 4", "5, 11, 54"), so a reviewer
    can check each form reads right."""
    try:
        f = gettext.c2py(plural_expr)
    except (ValueError, SyntaxError):
        return ["" for _ in range(nplurals)]
    out: list[list[int]] = [[] for _ in range(nplurals)]
    for n in list(range(0, 30)) + [54, 58, 100, 101, 102, 111, 1000]:
        i = f(n)
        if 0 <= i < nplurals and len(out[i]) < 4:
            out[i].append(n)
    return [", ".join(map(str, ns)) for ns in out]


def _where(m: Printed) -> str:
    parts = []
    if m.role:
        parts.append(m.role)
    if m.context:
        parts.append(f"context: {m.context}")
    file, _, line = m.where.rpartition(":")
    parts.append(f"line {line}" if m.origin == "content" else f"{Path(file).name}:{line}")
    return " · ".join(parts)


def build_pack(project: Path, lang: str, handout_id: str, out_dir: Path, with_thumbnails: bool = True) -> Path:
    """Write out_dir/review-pack-<lang>-<handout>.pdf and return its path."""
    from reportlab.lib import colors
    from reportlab.platypus import (BaseDocTemplate, Frame, PageBreak, PageTemplate, Spacer, Table,
                                    TableStyle)

    from generator.build.output import write_atomic
    from generator.content import load_library
    from generator.i18n import locale_for
    from generator.i18n.catalogs import Locales
    from generator.layout import paper_family

    library = load_library(project / "content")
    if handout_id not in library.handouts:
        raise UserError(f"unknown handout '{handout_id}'; choose from: {', '.join(sorted(library.handouts))}")
    handout = library.handouts[handout_id]
    source_only = lang == SOURCE_LANGUAGE
    locales = Locales(project / "locales")
    if not source_only and lang not in locales.available():
        raise UserError(f"no catalogue for '{lang}' in {locales.root}; choose from: "
                        f"{', '.join([SOURCE_LANGUAGE, *locales.available()])}")
    items = printed_messages(project, handout)
    state = evaluate(project, lang, handout, items)
    entries: dict = translations(project, lang) if not source_only else {}
    locale = locale_for(lang)
    rtl = locale.character_order == "right-to-left"
    width, height = PAGE[paper_family(lang)]
    ui = _Text(SOURCE_LANGUAGE, False, width, height)
    en = ui
    tr = _Text(lang, rtl, width, height, fallback=ui) if not source_only else None
    plural_labels: list[str] = []
    if not source_only:
        catalog, _ = locales.read(lang)
        plural_labels = _plural_examples(catalog.plural_expr, catalog.num_plurals)
    inner = width - 2 * MARGIN
    lang_name = locale.english_name
    po = locales.po_path(lang)
    catalogue_sha = file_sha256(po) if not source_only else ""
    ink, rule = colors.HexColor(COLORS["ink"]), colors.HexColor(COLORS["rule"])
    font = ui.r.fonts.primary

    story: list = []
    # -- cover --------------------------------------------------------------
    what = "clinical review of the English content" if source_only else f"review of the {lang_name} translation"
    story.append(ui(f"Review pack: {handout.title.text}", "title"))
    story.append(ui(f"{what[0].upper()}{what[1:]} · handout <b>{handout_id}</b> · {len(items)} messages", "body"))
    facts = [("Handout", f"{handout_id}: {handout.title.text} (version {handout.version}, published "
                         f"{handout.published.isoformat()})"),
             ("Content file", str(Path(handout.file).resolve().relative_to(project.resolve()))),
             ("Language", "English (source)" if source_only else f"{lang_name} ({lang})"),
             ("Products", ", ".join(handout.products)),
             ("Messages", f"{len(items)}: {sum(m.origin == 'content' for m in items)} from the handout, "
                          f"{sum(m.origin == 'template' for m in items)} printed by the product templates"),
             ("Already approved", f"English: {state.english_approved} of {len(items)}" +
              ("" if source_only else f"; translation: {state.approved} of {len(items)}")),
             ("Label today", "reviewed" if state.reviewed else "not yet reviewed: " + "; ".join(state.blockers))]
    if not source_only:
        facts.append(("Not ready", f"{state.untranslated} untranslated, {state.fuzzy} fuzzy" if
                      state.untranslated or state.fuzzy else "none: every message is translated"))
    story.append(Spacer(1, 6))
    story.append(_facts_table(ui, facts, inner, font, rule))
    story.append(ui("How to review", "h2"))
    if source_only:
        steps = ["Read every row as a patient would. Check that each statement is correct, current, safe and "
                 "clear, that urgent advice (callouts) sends the reader to the right place at the right speed, "
                 "and that nothing important is missing.",
                 "Write any correction in the Comments column, next to the row's number. Rows marked "
                 "<i>approved earlier</i> were signed off before and have not changed since."]
    else:
        steps = [f"Compare every row: the {lang_name} must say what the English says, no more and no less, in "
                 "words a patient understands. Numbers, times, warning signs and where to get help must "
                 "match exactly.",
                 "Placeholders in braces, such as {n} or {phone}, are filled in by the program (a number, a "
                 "date, the clinic's phone); each must stay in the translation. For a plural message every form "
                 "is shown with counts that use it.",
                 "Write any correction in the Comments column, next to the row's number. Rows marked "
                 "<i>approved earlier</i> were signed off before and have not changed since."]
    steps.append("Then fill in the sign-off page. The maintainers record your sign-off; it covers exactly the "
                 "messages in this pack, and any later change to one of them shows that handout as "
                 "not yet reviewed again until it is reviewed.")
    for i, step in enumerate(steps, 1):
        story.append(ui(f"{i}. {step}", "body"))
    story.append(PageBreak())

    # -- the messages -------------------------------------------------------
    story.append(ui("Messages in reading order", "h2"))
    if source_only:
        widths = [0.05, 0.20, 0.47, 0.28]
        head = ["#", "Where", "English", "Comments"]
    else:
        widths = [0.045, 0.175, 0.29, 0.29, 0.20]
        head = ["#", "Where", "English", f"{lang_name} ({lang})", "Comments"]
    col = [w * inner for w in widths]
    rows = [[ui(h, "head") for h in head]]
    style = [("GRID", (0, 0), (-1, -1), 0.4, rule), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(COLORS["head"])),
             ("FONTNAME", (0, 0), (-1, -1), font["regular"]), ("TEXTCOLOR", (0, 0), (-1, -1), ink),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    group = object()
    for n, m in enumerate(items, 1):
        section = m.section or (m.forms[0] if m.role == "heading" else None)  # a heading opens its section
        heading = section if m.origin == "content" else "Printed by the product templates (" + \
            ", ".join(handout.products) + ")"
        if heading != group and (heading or m.origin == "template"):
            rows.append([ui(f"Section: {heading}" if m.origin == "content" else heading, "cell-bold")] +
                        [""] * (len(head) - 1))
            style += [("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)),
                      ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor(COLORS["section"]))]
        group = heading
        english = _forms_cell(en, m.forms, ["one", "other"] if len(m.forms) > 1 else [], ui)
        where_cell = [ui(_where(m), "small", markup=False)]
        pair_approved = False
        if source_only:
            from generator.review.records import load_record

            pair_approved = load_record(project, SOURCE_LANGUAGE).approved(m.digest, "")
            if pair_approved:
                where_cell.append(ui("<i>approved earlier</i>", "ok"))
            rows.append([ui(str(n), "cell-bold"), where_cell, english, ""])
        else:
            entry: Entry | None = entries.get(m.key)
            if entry is None or not any(entry.forms):
                cell = [ui("(not translated)", "missing")]
            else:
                labels = [f"n = {ex}" for ex in plural_labels] if len(entry.forms) > 1 else []
                cell = _forms_cell(tr, entry.forms, labels, ui)
                if entry.fuzzy:
                    cell.insert(0, ui("(fuzzy: the English changed; a translator must confirm this)", "missing"))
                elif entry.finished:
                    from generator.review.records import load_record

                    if load_record(project, lang).approved(m.digest, entry.digest):
                        where_cell.append(ui("<i>approved earlier</i>", "ok"))
            rows.append([ui(str(n), "cell-bold"), where_cell, english, cell, ""])
    table = Table(rows, colWidths=col, repeatRows=1, style=TableStyle(style))
    story.append(table)
    story.append(PageBreak())

    # -- sign-off -----------------------------------------------------------
    story.append(ui("Sign-off", "title"))
    story.append(ui("This sign-off covers exactly the messages numbered 1 to "
                    f"{len(items)} in this pack, as identified by the digests below.", "body"))
    signed = [("Handout", f"{handout_id}: {handout.title.text} (version {handout.version})"),
              ("Language", "English (source): clinical content review" if source_only else
               f"{lang_name} ({lang}): translation review"),
              ("Messages", f"{len(items)} (rows 1 to {len(items)})")]
    if not source_only:
        signed.append(("Catalogue", f"{po.relative_to(project)} · SHA-256 {catalogue_sha}"))
    signed.append(("Content digest", state.content_digest))
    signed += [("Decision", "[   ] approved as it is      [   ] approved once the corrections in the Comments "
                            "column are made (a new pack follows)      [   ] not approved"),
               ("Reviewer name", ""), ("Role and qualification", ""), ("Date", ""), ("Signature", "")]
    story.append(Spacer(1, 6))
    story.append(_facts_table(ui, signed, inner, font, rule, min_height=26))
    story.append(Spacer(1, 10))
    story.append(ui("For the maintainers: once the decision is <i>approved as it is</i>, record it with", "body"))
    command = (f'python -m generator approve --lang {lang} --handout {handout_id} --by "NAME, ROLE" '
               f"--date YYYY-MM-DD --expect {state.content_digest}")
    story.append(ui(command, "mono", markup=False))
    story.append(ui("The command refuses if any message changed since this pack was made.", "small"))

    # -- thumbnails ---------------------------------------------------------
    if with_thumbnails:
        story.append(PageBreak())
        story += _thumbnails(project, lang, handout, ui, inner, height - 2 * MARGIN - 80)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font["regular"], 7.5)
        canvas.setFillColor(colors.HexColor(COLORS["muted"]))
        canvas.drawString(MARGIN, MARGIN / 2, f"Review pack · {handout_id} · {lang} · content digest "
                                              f"{state.content_digest} · page {doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=(width, height), leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, title=f"Review pack: {handout.title.text} ({lang})",
                          author="NET patient handouts", creator="NET patient handouts", invariant=1,
                          lang=lang.replace("_", "-"), initialFontName=font["regular"])
    doc.addPageTemplates([PageTemplate("p", [Frame(MARGIN, MARGIN, inner, height - 2 * MARGIN, id="f")],
                                       onPage=footer)])
    from reportlab.platypus.doctemplate import LayoutError

    try:
        doc.build(story)
    except LayoutError as exc:
        raise UserError(f"review pack {lang} {handout_id}: a message is too long for one page ({str(exc)[:100]})") from None
    path = out_dir / f"review-pack-{lang}-{handout_id}.pdf"
    try:
        write_atomic(path, buf.getvalue())
    except OSError as exc:
        raise UserError(f"cannot write {path} ({exc.strerror}); choose another --out") from None
    return path


def _forms_cell(text: _Text, forms, labels: list[str], ui: _Text) -> list:
    if len(forms) == 1:
        return [text(forms[0])]
    out = []
    for i, form in enumerate(forms):
        label = labels[i] if i < len(labels) else f"form {i + 1}"
        out.append(ui(f"{label}:", "small", markup=False))
        out.append(text(form) if form else ui("(empty)", "missing"))
    return out


def _facts_table(ui: _Text, rows, inner: float, font: dict, rule, min_height: float = 0):
    from reportlab.platypus import Table, TableStyle

    data = [[ui(k, "cell-bold"), ui(v, "cell") if v else ""] for k, v in rows]
    return Table(data, colWidths=[0.22 * inner, 0.78 * inner],
                 rowHeights=[None if v else min_height or None for _, v in rows],
                 style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, rule), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONTNAME", (0, 0), (-1, -1), font["regular"]),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))


def _thumbnails(project: Path, lang: str, handout, ui: _Text, inner: float, max_h: float) -> list:
    """The leaflet as the build renders it (same code, same fonts), rasterised with pypdfium2."""
    from reportlab.platypus import Image, Table, TableStyle

    from generator.build import Job, Settings, Workspace
    from generator.layout import papers_for

    out = [ui("The leaflet as printed", "h2")]
    if "leaflet" not in handout.products:
        return out + [ui("This handout has no leaflet.", "body")]
    paper = papers_for("leaflet", lang, "auto")[0]
    try:
        ws = Workspace(Settings(project, project / "output"))
        pdf, pages = ws.render(Job(handout.id, lang, "leaflet", paper))
    except Exception as exc:  # noqa: BLE001  (an untranslated message, an overflow: say so in the pack)
        reason = str(exc) or exc.__class__.__name__
        return out + [ui(f"The leaflet cannot be rendered yet: {reason[:300]}", "missing", markup=False)]
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []
    gap = 12
    for i in range(len(document)):
        page = document[i]
        pw, ph = page.get_size()
        scale = min((inner - gap) / 2 / pw, max_h / ph)
        pil = page.render(scale=scale * 150 / 72).to_pil()  # 150 dpi at the size shown
        buf = io.BytesIO()
        pil.save(buf, format="PNG", optimize=False)
        buf.seek(0)
        images.append(Image(buf, width=pw * scale, height=ph * scale))
    document.close()
    out.append(ui(f"{paper.upper() if paper != 'letter' else 'US Letter'}, {pages} page(s), rendered by the "
                  "same build that makes the PDFs.", "small"))
    rows = [images[i:i + 2] + [""] * (2 - len(images[i:i + 2])) for i in range(0, len(images), 2)]
    out.append(Table(rows, colWidths=[(inner) / 2] * 2,
                     style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")])))
    return out


def build_packs(project: Path, lang: str, handouts: list[str] | None, out_dir: Path) -> list[Path]:
    from generator.content import load_library

    library = load_library(project / "content")
    chosen = handouts or sorted(library.handouts)
    for hid in chosen:
        if hid not in library.handouts:
            raise UserError(f"unknown handout '{hid}'; choose from: {', '.join(sorted(library.handouts))}")
    return [build_pack(project, lang, hid, out_dir) for hid in chosen]
