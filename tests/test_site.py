"""The web edition (`python -m generator site`, docs/WEB.md), checked as a reader and a browser would.

One small real build (2 handouts x en, ar, hi, zh_CN; leaflets and posters on ISO paper, a clinic
with site_url) and its site. The browser tests open the pages from file:// in Debian's headless
Chromium with the network off, at 360 px and 1280 px, and run axe-core on them.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import PROJECT, pdf_text

LANGS = ["en", "ar", "hi", "zh_CN"]
HANDOUTS = ["carcinoid-syndrome", "net-overview"]
SITE_URL = "https://www.example.org/net"
CHROMIUM = "/usr/bin/chromium"
INSTALL = "install chromium: apt-get install chromium (Debian's package; .ci/run installs it)"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from generator.build import Settings, build
    from generator.build.site import build_site

    root = tmp_path_factory.mktemp("web")
    clinic = root / "clinic.toml"
    clinic.write_text('[clinic]\nname = "Riverside NET Clinic"\nphone = "+1 555 010 0000"\n'
                      f'site_url = "{SITE_URL}"\n', encoding="utf-8")
    out = root / "output"
    summary = build(Settings(PROJECT, out, clinic), LANGS, HANDOUTS, ["leaflet", "poster"], "a4", jobs=2,
                    progress=None)
    # A poster that fails (its own test says so) leaves the leaflets and the site to be checked.
    assert not [f for f in summary.failed if "poster" not in f] and not summary.skipped_languages, \
        (summary.failed, summary.skipped_languages)
    site = build_site(PROJECT, out / "site", out, clinic)
    site.poster_failures = [f for f in summary.failed if "poster" in f]
    return out, site


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built[0] / "site"


class Page(HTMLParser):
    """What a page is made of: its tags with attributes, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag):
        return [a for t, a in self.tags if t == tag]


def read(path: Path) -> tuple[str, Page]:
    text = path.read_text(encoding="utf-8")
    return text, Page(text)


def test_site_has_a_home_a_page_per_language_and_per_handout(built, site):
    _, summary = built
    assert summary.languages == LANGS
    assert summary.pages == 1 + len(LANGS) * (1 + len(HANDOUTS))
    html, home = read(site / "index.html")
    links = {a["href"]: a for a in home.all("a")}
    for lang in LANGS:
        assert f"{lang}/index.html" in links
        assert links[f"{lang}/index.html"]["lang"] == lang.replace("_", "-")
    # each language named in itself, in its own direction
    for name in ("English", "العربية", "हिन्दी", "中文"):
        assert name in html
    assert links["ar/index.html"]["dir"] == "rtl"
    for lang in LANGS:
        for hid in HANDOUTS:
            assert (site / lang / f"{hid}.html").is_file()


def test_handout_page_is_semantic_and_complete(site):
    from generator.build import Settings, Workspace
    from generator.layout import localized

    ws = Workspace(Settings(PROJECT, site))
    for lang in LANGS:
        html, page = read(site / lang / "carcinoid-syndrome.html")
        root = page.all("html")[0]
        assert root["lang"] == lang.replace("_", "-")
        assert root["dir"] == ("rtl" if lang == "ar" else "ltr")
        assert len(page.all("h1")) == 1
        h = localized(ws.library.handouts["carcinoid-syndrome"], ws.localizer(lang), ws.library)
        text = " ".join(" ".join(page.text).split())
        assert len(page.all("h2")) >= len(h["sections"]) + 3  # key points, sections, words, PDFs, references
        for s in h["sections"]:
            assert " ".join(s["heading"].striptags().split()) in text
        for t in h["glossary"]:
            assert " ".join(t["term"].striptags().split()) in text
        # callouts are asides with a pictogram hidden from screen readers and a text label
        asides = re.findall(r'<aside class="callout[^"]*".*?</aside>', html, re.S)
        assert len(asides) >= 3
        for aside in asides:
            assert re.search(r'<p class="callout-label"><svg class="picto"[^>]*aria-hidden="true"', aside)
            assert re.search(r"<span>[^<]+</span>", aside)
        # every citation leads to an entry of the reference list
        ids = {a["id"] for _, a in page.tags if "id" in a}
        cites = [a["href"] for a in page.all("a") if a.get("href", "").startswith("#ref-")]
        assert cites and all(c[1:] in ids for c in cites)
        refs = [a for t, a in page.tags if t == "ol"][-1]
        if lang != "en":  # the reference list is English, marked as such
            assert refs["lang"] == "en"
            assert refs.get("dir") == ("ltr" if lang == "ar" else None)
        assert "Riverside NET Clinic" in text and "+1 555 010 0000" in text
        assert any(a.get("href") == "tel:+15550100000" for a in page.all("a"))


def test_review_label_and_dates_are_the_pdfs(built, site):
    out, _ = built
    _, page = read(site / "en" / "carcinoid-syndrome.html")
    text = " ".join(" ".join(page.text).split())
    pdf = " ".join(pdf_text(out / "en" / "carcinoid-syndrome-leaflet-a4.pdf").replace("\u00a0", " ").split())
    label = re.search(r'<p class="review">(.*?)</p>', (site / "en" / "carcinoid-syndrome.html").read_text()).group(1)
    assert "reviewed" in label and label in pdf
    dates = re.search(r'<p class="dates">(.*?)</p>', (site / "en" / "carcinoid-syndrome.html").read_text()).group(1)
    assert dates.startswith("Version ") and "Published " in dates and "Next review " in dates
    dates = dates.replace("\u00a0", " ")
    assert dates in pdf and dates in text.replace("\u00a0", " ")  # the same line as the leaflet's footer


def test_language_page_lists_every_pdf_with_paper_size_and_thumbnail(built, site):
    import json

    from PIL import Image

    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text())["files"]
    for lang in LANGS:
        html, page = read(site / lang / "index.html")
        hrefs = [a["href"] for a in page.all("a") if a.get("type") == "application/pdf"]
        expected = sorted(e["file"] for e in manifest if e["language"] == lang)
        for h in hrefs:  # relative links that reach the built PDFs
            assert (site / lang / h).resolve().is_file(), h
        assert sorted(str((site / lang / h).resolve().relative_to(out)) for h in hrefs) == expected
        assert "A4" in html and re.search(r"PDF · <bdi>[^<]*\d", html)
        for img in page.all("img"):
            with Image.open(site / lang / img["src"]) as im:
                assert im.format == "WEBP" and 200 <= im.width <= 260
            assert img["alt"] == ""  # decorative: the title beside it is the link


def test_no_script_no_outside_resource_every_local_link_resolves(site):
    for path in site.rglob("*.html"):
        html, page = read(path)
        assert "<script" not in html.lower(), path
        for tag, attrs in page.tags:
            for key in ("src", "href"):
                url = attrs.get(key)
                if not url or url.startswith(("#", "tel:")):
                    continue
                if tag == "a" and url.startswith(("https://", "http://")):
                    continue  # a reference's web page: a link to follow, not a resource the page loads
                assert "://" not in url and not url.startswith("//"), (path, url)
                target = (path.parent / url.split("#")[0]).resolve()
                assert target.is_file(), (path, url)
    css = (site / "site.css").read_text()
    for url in re.findall(r"url\(\"?([^\")]+)", css):
        assert "://" not in url and (site / url).is_file(), url


def test_fonts_are_woff2_subsets_that_cover_every_character(site):
    from fontTools.ttLib import TTFont

    from generator.render.html import visible_text

    css = (site / "site.css").read_text()
    files = sorted((site / "fonts").glob("*.woff2"))
    assert files and all(f.read_bytes()[:4] == b"wOF2" for f in files)
    for lang in LANGS:
        stack = re.search(rf"\.f-{lang} {{ font-family: ([^;]+);", css).group(1)
        families = re.findall(r'"(net-[^"]+)"', stack)
        cmaps = []
        for fam in families:
            for f in (site / "fonts").glob(f"{fam[4:]}-regular.woff2"):
                cmaps.append(set(TTFont(f).getBestCmap()))
        text = "".join(visible_text(p.read_text()) for p in (site / lang).glob("*.html"))
        missing = {ch for ch in text if not ch.isspace() and not any(ord(ch) in c for c in cmaps)}
        assert not missing - {"\u200b", "\u200c", "\u200d"}, (lang, sorted(missing)[:20])
    sizes = {f.name: f.stat().st_size for f in files}
    assert sizes["zh_CN-han-regular.woff2"] < 600_000  # a subset, not the 7,000-character font
    assert sizes["en-latin-regular.woff2"] < 60_000


def test_poster_qr_leads_to_the_handout_page_in_its_language(built, site):
    import pypdfium2 as pdfium
    import zxingcpp

    out, summary = built
    assert not summary.poster_failures, summary.poster_failures
    for lang in ("en", "ar"):
        image = pdfium.PdfDocument(out / lang / "carcinoid-syndrome-poster-a3.pdf")[0].render(scale=2).to_pil()
        url = [r.text for r in zxingcpp.read_barcodes(image)]
        assert url == [f"{SITE_URL}/{lang}/carcinoid-syndrome.html"]
        assert (site / url[0][len(SITE_URL) + 1:]).is_file()  # the page is where the code says


def test_without_site_url_the_qr_points_where_it_did(tmp_path):
    from generator.build import Settings, Workspace
    from generator.layout import qr_url

    ws = Workspace(Settings(PROJECT, tmp_path))
    assert not ws.clinic.site_url
    assert qr_url(ws.clinic, "ar", "carcinoid-syndrome") == ws.clinic.resources_url


def test_site_refuses_a_folder_it_did_not_make_and_needs_built_pdfs(built, tmp_path):
    from generator.build.site import build_site
    from generator.errors import UserError

    out, _ = built
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not a site this program built"):
        build_site(PROJECT, foreign, out)
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(UserError, match="make leaflets"):
        build_site(PROJECT, tmp_path / "site", tmp_path / "empty")


def test_site_outside_the_pdf_folder_carries_its_pdfs(built, tmp_path):
    from generator.build.site import build_site

    out, _ = built
    elsewhere = tmp_path / "www"
    build_site(PROJECT, elsewhere, out, langs=["en"], handouts=["net-overview"])
    _, page = read(elsewhere / "en" / "index.html")
    hrefs = [a["href"] for a in page.all("a") if a.get("type") == "application/pdf"]
    assert hrefs and all(h.startswith("../pdf/en/") and (elsewhere / "en" / h).resolve().is_file() for h in hrefs)


def test_reference_links_are_escaped_and_trimmed():
    from generator.render.html import linkify

    html = str(linkify('A <b>title</b>. Available from: https://example.org/a?x=1&y=2. doi:10.1000/xyz.'))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<a href="https://example.org/a?x=1&amp;y=2">https://example.org/a?x=1&amp;y=2</a>.' in html
    assert '<a href="https://doi.org/10.1000/xyz">10.1000/xyz</a>.' in html


# ------------------------------------------------------------------ in a real browser

@pytest.fixture(scope="module")
def browser():
    on_ci = os.environ.get("CI") == "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        (pytest.fail if on_ci else pytest.skip)("playwright is missing: pip install -r requirements-test.txt")
    if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
        (pytest.fail if on_ci else pytest.skip)(INSTALL)
    import tempfile

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium") or CHROMIUM, headless=True, offline=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        outside = []

        def only_files(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_files)
        yield context, outside
        context.close()


PAGES = ["index.html", *(f"{lang}/index.html" for lang in LANGS), *(f"{lang}/carcinoid-syndrome.html" for lang in LANGS)]
SAMPLE = {"en": "Carcinoid", "ar": "المتلازمة", "hi": "कार्सिनॉइड", "zh_CN": "类癌综合征"}


def shots_dir(tmp_path_factory) -> Path:
    wanted = os.environ.get("NET_SITE_SHOTS")  # keep the screenshots somewhere to look at them
    return Path(wanted) if wanted else tmp_path_factory.mktemp("shots")


def test_pages_in_chromium_offline_rtl_no_overflow_local_fonts(site, browser, tmp_path_factory):
    context, outside = browser
    shots = shots_dir(tmp_path_factory)
    shots.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    for rel in PAGES:
        lang = rel.split("/")[0] if "/" in rel else "en"
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto((site / rel).as_uri())
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            state = page.evaluate("""() => ({
                dir: getComputedStyle(document.querySelector('h1')).direction,
                overflow: document.documentElement.scrollWidth - window.innerWidth,
                loaded: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, '')),
            })""")
            assert state["dir"] == ("rtl" if lang == "ar" else "ltr"), rel
            assert state["overflow"] <= 0, f"{rel} at {width} px: {state['overflow']} px wider than the window"
            script_family = f"net-{lang}-" + {"ar": "arabic", "hi": "devanagari", "zh_CN": "han"}.get(lang, "latin")
            assert script_family in state["loaded"], (rel, state["loaded"])
            sample = SAMPLE[lang]
            assert page.evaluate("s => document.fonts.check(`16px ${s[0]}`, s[1])", [script_family, sample]), rel
            page.screenshot(path=str(shots / f"{rel.replace('/', '_')[:-5]}-{width}.png"), full_page=width == 360)
    # print: no navigation or download list, the boxes whole
    page.goto((site / "ar" / "carcinoid-syndrome.html").as_uri())
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ({nav: getComputedStyle(document.querySelector('nav')).display,
        files: getComputedStyle(document.querySelector('.downloads')).display,
        aside: getComputedStyle(document.querySelector('aside.callout')).breakInside})""")
    assert shown == {"nav": "none", "files": "none", "aside": "avoid"}, shown
    page.emulate_media(media="screen")
    assert not outside, f"pages asked the network for: {outside[:5]}"


def test_axe_no_serious_or_critical_violations(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    context, outside = browser
    page = context.new_page()
    axe = Axe()
    problems = []
    for rel in PAGES:
        for width in (360,):  # the phone layout; the wide one has the same colours and elements
            page.set_viewport_size({"width": width, "height": 900})
            page.goto((site / rel).as_uri())
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": [
                "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, "resultTypes": ["violations", "passes"]})
            passed = {r["id"] for r in result.response["passes"]}
            # axe-core 4.12 finds no text to check for contrast in Arabic script (measured: a page with one
            # Arabic word gives 'inapplicable'); the Arabic pages use the same stylesheet and colours.
            contrast = set() if rel.startswith("ar/") else {"color-contrast"}
            assert {"html-has-lang", "html-lang-valid"} | contrast <= passed, (rel, sorted(passed))
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    problems.append(f"{rel} at {width} px: {v['id']} ({v['impact']}): {v['help']}, "
                                    f"{len(v['nodes'])} element(s), e.g. {v['nodes'][0]['html'][:120]}")
    assert not problems, "\n".join(problems)
    assert not outside


# WCAG 2.1 contrast of every element's own text against the first background behind it (solid colours:
# the site has no background images). axe-core skips Arabic text as if it were icon ligatures.
CONTRAST = """() => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const opaque = c => !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    let bg = 'rgb(255, 255, 255)';
    for (let a = el; a; a = a.parentElement) { const c = getComputedStyle(a).backgroundColor; if (opaque(c)) { bg = c; break; } }
    const [l1, l2] = [lum(style.color), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05), size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) out.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)} < ${need}`);
  }
  return out;
}"""


def test_text_contrast_in_arabic_and_every_page(site, browser):
    context, _ = browser
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 900})
    for rel in PAGES:
        page.goto((site / rel).as_uri())
        low = page.evaluate(CONTRAST)
        assert not low, f"{rel}: {low[:5]}"


def test_command_line(built, tmp_path):
    import subprocess
    import sys

    out, _ = built
    run = lambda *args: subprocess.run([sys.executable, "-m", "generator", "site", *args], cwd=PROJECT,  # noqa: E731
                                       capture_output=True, text=True)
    done = run("--pdfs", str(out), "--out", str(tmp_path / "www"), "--lang", "hi", "--handout", "net-overview")
    assert done.returncode == 0, done.stderr
    assert re.search(r"site: 1 language\(s\), 3 pages, [0-9.]+ MB .* in [0-9.]+ s -> .*index.html", done.stderr)
    missing = run("--pdfs", str(tmp_path / "nothing"), "--out", str(tmp_path / "www2"))
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert "run `make leaflets` first" in missing.stderr


def test_page_text_is_escaped(tmp_path):
    """Text reaches a page only as escaped Markup: a title or reference that looks like a tag stays text."""
    from markupsafe import escape

    from generator.build import Settings, Workspace
    from generator.build.site import SLOT, _slot
    from generator.layout import localized
    from generator.layout.theme import load_theme
    from generator.render.html import render_page

    ws = Workspace(Settings(PROJECT, tmp_path))
    loc = ws.localizer("en")
    h = localized(ws.library.handouts["net-overview"], loc, ws.library)
    h["title"] = escape('<script>alert(1)</script><img src=x onerror="y">')
    h["references"] = [(1, 'A "quoted" <b>ref</b>. Available from: https://example.org/?a=<x>')]
    html = render_page("handout", {"lang": "en", "dir": "ltr", "rtl": False, "font_lang": "en", "root": "../",
                                   "clinic": ws.clinic, "theme": load_theme(), "source_language": True, "_": loc.gettext,
                                   "gettext": loc.gettext, "pgettext": loc.pgettext, "ngettext": loc.ngettext,
                                   "SLOT": SLOT, "slot": _slot, "phone_link": "", "h": h, "files": [],
                                   "alternates": []})
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "<b>ref</b>" not in html and "&lt;b&gt;ref" in html


def test_a_language_whose_catalogue_broke_since_its_pdfs_is_left_out(built, sandbox, tmp_path):
    from generator.build.site import build_site

    out, _ = built
    po = sandbox / "locales" / "ar" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    at = text.index('msgid "Print versions (PDF)"')
    po.write_text(text[:at] + "#, fuzzy\n" + text[at:], encoding="utf-8")
    summary = build_site(sandbox, tmp_path / "site", out, langs=["en", "ar"], handouts=["net-overview"])
    assert summary.languages == ["en"]
    assert any("messages.po" in line and "Print versions (PDF)" in line for line in summary.left_out)
    assert summary.left_out[-1] == "language ar: left out of the site (1 problem(s) above)"
    assert not (tmp_path / "site" / "ar").exists()


def test_site_url_in_clinic_file(tmp_path):
    from generator.clinic import load_clinic
    from generator.errors import UserError

    clinic = tmp_path / "clinic.toml"
    clinic.write_text('[clinic]\nsite_url = "www.example.org/net/"\n', encoding="utf-8")
    loaded = load_clinic(PROJECT, clinic)
    assert loaded.site_url == "https://www.example.org/net/"
    from generator.layout import qr_url

    assert qr_url(loaded, "zh_CN", "lung-nets") == "https://www.example.org/net/zh_CN/lung-nets.html"
    clinic.write_text('[clinic]\nsite_url = "not a web address"\n', encoding="utf-8")
    with pytest.raises(UserError, match="site_url 'not a web address' is not a web address") as exc:
        load_clinic(PROJECT, clinic)
    assert "clinic.toml" in str(exc.value)
