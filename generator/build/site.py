"""The web edition: a static, self-contained site from the built PDFs' manifest (`generator site`).

    <site>/index.html               language chooser, each language named in itself
    <site>/site.css                 one stylesheet; fonts/ the WOFF2 subsets it names
    <site>/<lang>/index.html        the handouts in that language: thumbnail, summary, every PDF
    <site>/<lang>/<handout>.html    the whole handout (the URL a poster's QR code opens: clinic site_url)
    <site>/<lang>/<handout>.webp    the thumbnail (first page of the leaflet)

Pages link to the PDFs relatively. When the site is built inside the PDF folder (output/site/ in
output/, the default) the links go up to the PDFs, so output/ can be published or opened offline as
a whole; a site built elsewhere gets a copy of the PDFs it links in <site>/pdf/.

The site is written into a temporary folder beside the target, then put in place by renames:
a reader never sees half a site, and an interrupted build leaves the previous site as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from generator.errors import UserError

MARKER = ".net-leaflets-site"  # says "this folder is a site this program built": safe to replace
PRODUCT_ORDER = ("leaflet", "large-print", "trifold", "poster", "card-sheet", "card")
SLOT = "\ue000"  # where a link goes inside a translated sentence ("Phone: {phone}")


@dataclass
class SiteSummary:
    out: Path
    languages: list[str] = field(default_factory=list)
    pages: int = 0
    bytes: int = 0
    font_bytes: int = 0
    thumb_bytes: int = 0
    seconds: float = 0.0
    left_out: list[str] = field(default_factory=list)  # one line each: what is not on the site, and why


def _slot(text: Markup, html: Markup) -> Markup:
    return Markup(str(text).replace(SLOT, str(html)))


def _tel(phone: str) -> str:
    return "".join(ch for ch in phone.split("ext")[0].split("x")[0] if ch.isdigit() or ch == "+")


def _display_name(lang: str) -> tuple[str, str | None]:
    """The language named in itself ("العربية", "中文 (简体, 中国)"), and a note when the fonts the
    language prints with lack a character of that name: then the shorter name ("中文") is used."""
    from generator.i18n import locale_for
    from generator.render.html.fonts import missing

    locale = locale_for(lang)
    name = locale.display_name or lang
    note = None
    if missing(lang, name):
        short = locale.get_language_name() or lang
        note = (f"language {lang}: the chooser says {short!r}, not {name!r}: the {lang} fonts lack "
                f"{' '.join(sorted(missing(lang, name)))} (fonts are cut to the characters the project prints)")
        name = short
    return name[:1].upper() + name[1:], note


def _size(n_bytes: int, locale) -> str:
    from babel.numbers import format_decimal
    from babel.units import format_unit

    kb = max(1, round(n_bytes / 1000))
    try:
        return format_unit(kb, "digital-kilobyte", length="short", locale=locale)
    except Exception:  # a locale without that unit: the number, and the international symbol
        return f"{format_decimal(kb, locale=locale)} kB"


class _Writer:
    """Files of the site in memory, by path relative to the site, until the whole site is ready."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.links: dict[str, Path] = {}  # copies of PDFs: site path -> source file

    def add(self, rel: str, data: bytes | str):
        self.files[rel] = data.encode("utf-8") if isinstance(data, str) else data


def build_site(project: Path, out: Path | None = None, pdfs: Path | None = None, clinic_path: Path | None = None,
               langs=None, handouts=None) -> SiteSummary:
    from generator.build import Settings, Workspace
    from generator.build.output import Manifest
    from generator.layout import localized, paper_family, site_page
    from generator.layout.theme import load_theme
    from generator.render.html import render_page, visible_text
    from generator.render.html.fonts import family_names, missing, webfonts, with_mirrors
    from generator.render.html.thumbs import thumbnail
    from generator.review import template_context

    started = time.monotonic()
    pdfs = (pdfs or project / "output").resolve()
    out = (out or pdfs / "site").resolve()
    _check_folder(out)
    manifest = Manifest(pdfs) if pdfs.is_dir() else None
    if not manifest or not manifest.entries:
        raise UserError("no built PDFs here (no manifest.json listing files on disk); run `make leaflets` first, "
                        "or give the folder the PDFs were built into with --pdfs", str(pdfs))
    ws = Workspace(Settings(project, pdfs, clinic_path))
    summary = SiteSummary(out)
    entries = list(manifest.entries.values())
    built_langs = {e["language"] for e in entries}
    order = ["en", *ws.locales.shipped()]
    for lang in langs or []:
        if lang not in built_langs:
            raise UserError(f"--lang {lang}: no PDFs built in this language; build them first "
                            f"(`python -m generator build --lang {lang}`)", str(pdfs))
    for hid in handouts or []:
        if hid not in {e["handout"] for e in entries}:
            raise UserError(f"--handout {hid}: no PDFs built of this handout; choose from: "
                            f"{', '.join(sorted({e['handout'] for e in entries}))}", str(pdfs))
    chosen = [lang for lang in order if lang in built_langs and (not langs or lang in langs)]
    # PDFs from an earlier build may outlive their catalogue's health: the same checks as the build
    from generator.build import cached_checks
    from generator.build.digests import Digests

    digests = Digests(project, clinic_path, ws.clinic.logo, ws.options)
    for lang, problems in cached_checks(project, chosen, digests).items():
        if problems:
            summary.left_out += [*problems, f"language {lang}: left out of the site ({len(problems)} problem(s) above)"]
            chosen.remove(lang)
    for lang in sorted(built_langs - set(order)):
        summary.left_out.append(f"language {lang}: has PDFs but is not in locales/LINGUAS; left out of the site")

    inside = out.is_relative_to(pdfs)
    writer = _Writer()
    theme = load_theme()
    texts: dict[str, list[str]] = {}
    italic: dict[str, bool] = {}
    home_langs = []
    for lang in chosen:
        loc = ws.localizer(lang)
        html_lang = lang.replace("_", "-")
        ids = sorted({e["handout"] for e in entries if e["language"] == lang and e["handout"] in ws.library.handouts
                      and (not handouts or e["handout"] in handouts)}, key=lambda h: (h != "net-overview", h))
        if not ids:
            continue
        common = {"lang": html_lang, "dir": "rtl" if loc.rtl else "ltr", "rtl": loc.rtl, "font_lang": lang,
                  "root": "../", "clinic": ws.clinic, "theme": theme, "source_language": lang == "en",
                  "_": loc.gettext, "gettext": loc.gettext, "pgettext": loc.pgettext, "ngettext": loc.ngettext,
                  "SLOT": SLOT, "slot": _slot}
        if ws.clinic.phone:
            common["phone_link"] = Markup('<bdi dir="ltr"><a href="tel:{}">{}</a></bdi>').format(
                _tel(ws.clinic.phone), ws.clinic.phone)
        else:
            common["phone_link"] = Markup("")
        family = paper_family(lang)
        items = []
        for hid in ids:
            handout = ws.library.handouts[hid]
            mine = [e for e in entries if e["language"] == lang and e["handout"] == hid]
            mine.sort(key=lambda e: (PRODUCT_ORDER.index(e["product"]) if e["product"] in PRODUCT_ORDER else 99,
                                     e["paper"] not in ("a4", "a3") if family == "iso" else e["paper"] in ("a4", "a3"),
                                     e["paper"]))
            files = []
            for e in mine:
                target = f"pdf/{e['file']}"
                if inside:
                    href = os.path.relpath(pdfs / e["file"], out / lang)
                else:
                    writer.links[target] = pdfs / e["file"]
                    href = f"../{target}"
                files.append({"href": href.replace(os.sep, "/"), "product": e["product"], "paper": e["paper"],
                              "size": _size(e["bytes"], loc.locale)})
            leaflets = [e for e in mine if e["product"] == "leaflet"] or mine
            data, w, hgt = thumbnail(pdfs / leaflets[0]["file"], digest=leaflets[0].get("sha256"))
            writer.add(f"{lang}/{hid}.webp", data)
            summary.thumb_bytes += len(data)
            h = localized(handout, loc, ws.library)
            alternates = [{"html_lang": other.replace("_", "-"), "href": f"../{site_page(other, hid)}"}
                          for other in chosen if other != lang and any(
                              e["language"] == other and e["handout"] == hid for e in entries)]
            page = render_page("handout", {**common, "h": h, "files": files, "alternates": alternates,
                                           "review": template_context(handout, loc)})
            writer.add(site_page(lang, hid), page)
            items.append({"id": hid, "page": f"{hid}.html", "title": h["title"], "summary": h["summary"],
                          "thumb": {"src": f"{hid}.webp", "width": w, "height": hgt}, "files": files})
        index = render_page("language", {**common, "handouts": items})
        writer.add(f"{lang}/index.html", index)
        name, note = _display_name(lang)
        if note:
            summary.left_out.append(note)
        heading = loc.gettext("Handouts about neuroendocrine tumours (NETs)")
        home_langs.append({"code": lang, "html_lang": html_lang, "dir": common["dir"], "name": name,
                           "heading": heading})
        pages = [p for rel, p in writer.files.items() if rel.startswith(f"{lang}/") and rel.endswith(".html")]
        texts[lang] = [visible_text(p.decode("utf-8")) for p in pages] + [name, str(heading)]
        if loc.rtl:
            texts[lang] = [with_mirrors("".join(texts[lang]))]
        italic[lang] = any(b"<i>" in p for p in pages)
        summary.languages.append(lang)
    if not summary.languages:
        raise UserError("nothing to put on the site: no PDFs of the chosen languages and handouts", str(pdfs))

    home = render_page("home", {"lang": "en", "dir": "ltr", "rtl": False, "font_lang": "en", "root": "",
                                "languages": home_langs, "clinic": ws.clinic, "theme": theme})
    writer.add("index.html", home)
    # The home page is English except each language's own name and title (already in that language's text).
    english = render_page("home", {"lang": "en", "dir": "ltr", "rtl": False, "font_lang": "en", "root": "",
                                   "languages": [{**item, "name": "", "heading": ""} for item in home_langs],
                                   "clinic": ws.clinic, "theme": theme})
    texts.setdefault("en", []).append(visible_text(english))

    fonts, stacks = [], {}
    for lang in texts:
        text = "".join(texts[lang])
        gone = missing(lang, text)
        if gone:
            raise UserError(f"{lang}: characters no font has: {' '.join(sorted(gone))} (U+"
                            f"{', U+'.join(f'{ord(c):04X}' for c in sorted(gone))}); the PDFs would refuse them too")
        for font in webfonts(lang, text, italic.get(lang, False)):
            writer.add(f"fonts/{font.file}", font.data)
            summary.font_bytes += len(font.data)
            fonts.append(font)
        stacks[lang] = family_names(lang)
    from generator.render.html import ENV

    css = ENV.get_template("html/site.css.j2").render({"fonts": fonts, "stacks": stacks, "theme": theme,
                                                        "clinic": ws.clinic, "_": ws.localizer("en").gettext,
                                                        "pgettext": ws.localizer("en").pgettext})
    writer.add("site.css", css)
    writer.add(MARKER, "A web edition built by `python -m generator site`; the next build replaces this folder.\n")
    summary.pages = sum(1 for rel in writer.files if rel.endswith(".html"))
    _write_site(out, writer)
    summary.bytes = sum(len(d) for d in writer.files.values()) + sum(p.stat().st_size for p in writer.links.values())
    summary.seconds = time.monotonic() - started
    return summary


def _check_folder(out: Path):
    """The site may replace only a folder it made (or an empty one): never a folder of the clinic's."""
    if out.exists() and not out.is_dir():
        raise UserError("--out is a file, not a folder; choose a folder (it is created if missing)", str(out))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        names = sorted(p.name for p in out.iterdir())
        raise UserError(f"folder is not empty and is not a site this program built ({', '.join(names[:3])}"
                        f"{' and more' if len(names) > 3 else ''}); choose a new or empty folder", str(out))


def _write_site(out: Path, writer: _Writer):
    """Write every file into a fresh folder beside `out`, then swap it in."""
    from generator.build.output import describe_oserror, write_atomic

    _check_folder(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for rel, data in writer.files.items():
            write_atomic(tmp / rel, data)
        for rel, source in writer.links.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, tmp / rel)
            except OSError:
                shutil.copyfile(source, tmp / rel)
        if out.is_dir():
            os.replace(out, old)
        os.replace(tmp, out)
    except OSError as exc:
        if old.is_dir() and not out.exists():
            os.replace(old, out)  # put the previous site back
        raise describe_oserror(exc, Path(exc.filename) if exc.filename else out, "write the site") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def describe(summary: SiteSummary) -> str:
    mb = summary.bytes / 1e6
    return (f"site: {len(summary.languages)} language(s), {summary.pages} pages, {mb:.1f} MB (fonts "
            f"{summary.font_bytes / 1e6:.1f} MB, thumbnails {summary.thumb_bytes / 1e3:.0f} KB), "
            f"in {summary.seconds:.1f} s -> {summary.out / 'index.html'}")


__all__ = ["build_site", "describe", "SiteSummary"]
