"""Tagged PDF (PDF/UA-1) from the renderer, on small layout documents written here.

These do not depend on the product templates: each builds a layout XML with the
vocabulary of docs/LAYOUT.md and reads the PDF back with pikepdf (the structure tree,
marked content, metadata) and with poppler's tools and pypdf (the text layer), as a
screen reader or a person copying text would get it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata

import pikepdf
import pytest
from pypdf import PdfReader

from generator.render.pdf import RenderError, render
from generator.render.pdf.fonts import FontStack


def poppler(tool: str) -> str:
    """Path of a poppler-utils tool; skipped (with the reason) only when it is absent and not on CI."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} (Debian's poppler-utils) must be installed on CI; .ci/run installs it")
        pytest.skip(f"{tool} not found: install Debian's poppler-utils (see README) to run this check")
    return path


def pdftotext(pdf: bytes) -> str:
    run = subprocess.run([poppler("pdftotext"), "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return run.stdout.decode("utf-8")


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    """NFC, whitespace and bidi marks removed (pdftotext adds U+202B/U+202C around RTL lines)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "\u202a\u202b\u202c\u200e\u200f")


TEMPLATE = """<document width="300" height="420" lang="{lang}" dir="{dir}" title="{title}" author="Clinic"
    subject="About it" keywords="NET" creator="NET patient handouts" {published}>
  <style name="h1" font="bold" size="16" tag="H1"/>
  <style name="h2" font="bold" size="13" tag="H2"/>
  <style name="body" size="10"/>
  <style name="ref" size="8" tag="BibEntry" dir="ltr"/>
  <style name="footer" size="7"/>
  <page-template id="p">
    <frame id="a" x="20" y="30" width="260" height="{frame_h}"/>
    <draw>
      <rect x="0" y="370" width="300" height="50" fill="#0b5563"/>
      <line x1="20" y1="25" x2="280" y2="25" color="#0b5563"/>
      <text x="20" y="375" width="260" height="40" style="h1">{title}</text>
    </draw>
  </page-template>
  <late><text late="yes" x="20" y="10" width="260" height="12" style="footer">{footer} {{page}} / {{pages}}</text></late>
  <story>
    <para style="h2">{h2}</para>
    <para style="body">{p}</para>
    <list style="body"><item>{i1}</item><item>{i2}</item></list>
    <callout tag="Aside"><para style="body">{c}</para></callout>
    <qr size="50" value="https://example.org/net" alt="{alt}"/>
    <para style="h2">{refs}</para>
    <list style="ref" numbered="yes"><item>Kunz PL. Carcinoid and neuroendocrine tumors. 2015.</item></list>
  </story>
</document>"""

EN = dict(lang="en", dir="ltr", title="Carcinoid syndrome", h2="What is it?", p="A group of symptoms (NET).",
          i1="Flushing", i2="Diarrhea", c="Get help now.", alt="QR code: example.org/net", refs="References",
          footer="Page")
AR = dict(lang="ar", dir="rtl", title="المتلازمة السرطاوية", h2="ما هي المتلازمة السرطاوية؟",
          p="المتلازمة السرطاوية (وتُسمّى أيضًا متلازمة الكارسينويد) مع ورم عصبي صماوي (NET).",
          i1="احمرار الوجه", i2="إسهال شديد", c="اطلب المساعدة الطبية فورًا.", alt="رمز QR", refs="المراجع",
          footer="صفحة")
HI = dict(lang="hi", dir="ltr", title="कार्सिनॉइड सिंड्रोम", h2="कार्सिनॉइड सिंड्रोम क्या है?",
          p="कार्सिनॉइड सिंड्रोम कई लक्षणों का एक समूह है। न्यूरोएंडोक्राइन ट्यूमर (NET) और Ga-68 DOTATATE PET।",
          i1="चेहरे का लाल होना", i2="दस्त", c="तुरंत मदद लें।", alt="QR कोड", refs="संदर्भ", footer="पृष्ठ")
ZH = dict(lang="zh-CN", dir="ltr", title="类癌综合征", h2="什么是类癌综合征？", p="类癌综合征是神经内分泌肿瘤（NET）引起的一组症状。",
          i1="面部潮红", i2="腹泻", c="请立即就医。", alt="二维码", refs="参考文献", footer="页")
FONT_LANG = {"en": "en", "ar": "ar", "hi": "hi", "zh-CN": "zh_CN"}


def make(values: dict, published: str | None = "2026-11-25", frame_h: float = 330) -> bytes:
    xml = TEMPLATE.format(**values, published=f'published="{published}"' if published else "", frame_h=frame_h)
    return render(xml, FontStack(FONT_LANG[values["lang"]])).pdf


# ---------------------------------------------------------------- reading the PDF back

def kids(el) -> list:
    k = el.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def elements(el):
    """Structure elements under el, depth first, in reading order: (role, element)."""
    for kid in kids(el):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield str(kid.S)[1:], kid
            yield from elements(kid)


def tree(el, depth=0) -> list:
    """[role, [children...]] for a compact comparison of shapes."""
    return [[str(k.S)[1:], tree(k)] for k in kids(el) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def marked_text_ops(pdf: pikepdf.Pdf):
    """For every text-showing or path-painting operator: the stack of marked-content tags around it."""
    out = []
    for page in pdf.pages:
        stack = []
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op in ("BDC", "BMC"):
                props = operands[1] if len(operands) > 1 else None
                stack.append((str(operands[0]), props))
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ", "'", '"', "f", "F", "f*", "S", "B", "b", "Do"):
                out.append((op, list(stack)))
        assert not stack, "unbalanced marked content"
    return out


# ---------------------------------------------------------------- the tests

def test_document_is_marked_tagged_and_identified():
    pdf = pikepdf.open(io.BytesIO(make(EN)))
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot
    for i, page in enumerate(pdf.pages):
        assert int(page.obj.StructParents) == i
    with pdf.open_metadata() as meta:
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == "Carcinoid syndrome"
        assert "en" in meta["dc:language"]
        assert meta["xmp:CreateDate"].startswith("2026-11-25")
    assert str(pdf.docinfo.Title) == "Carcinoid syndrome"
    assert str(pdf.docinfo.CreationDate).startswith("D:20261125")


def test_roles_order_and_alternative_text():
    pdf = pikepdf.open(io.BytesIO(make(EN)))
    shape = tree(pdf.Root.StructTreeRoot)
    item = ["LI", [["Lbl", []], ["LBody", []]]]
    assert shape == [["Document", [
        ["H1", []], ["H2", []], ["P", []],
        ["L", [item, item]],
        ["Aside", [["P", []]]],
        ["Figure", []],
        ["H2", []],
        ["L", [["LI", [["Lbl", []], ["LBody", [["BibEntry", []]]]]]]],
    ]]]
    figure = next(el for role, el in elements(pdf.Root.StructTreeRoot) if role == "Figure")
    assert str(figure.Alt) == "QR code: example.org/net"
    assert len(figure.A.BBox) == 4
    lists = [el for role, el in elements(pdf.Root.StructTreeRoot) if role == "L"]
    assert [str(lst.A.ListNumbering) for lst in lists] == ["/Disc", "/Decimal"]
    assert str(pdf.Root.StructTreeRoot.RoleMap.Aside) == "/Div"  # PDF 2.0's Aside, mapped for PDF/UA-1


def test_every_mark_is_in_the_parent_tree_and_points_back():
    pdf = pikepdf.open(io.BytesIO(make(EN)))
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page_index, page in enumerate(pdf.pages):
        mcids = [int(operands[1].MCID) for operands, op in pikepdf.parse_content_stream(page)
                 if str(op) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]]
        assert mcids == list(range(len(mcids))), "MCIDs are numbered 0, 1, 2... on each page"
        owners = parent_tree[page_index]
        assert len(owners) == len(mcids)
        for mcid in mcids:
            owner = owners[mcid]
            own = [k for k in kids(owner) if isinstance(k, int)] + \
                  [int(k.MCID) for k in kids(owner) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"]
            assert mcid in own


def test_furniture_is_artifact_and_all_else_is_tagged():
    pdf = pikepdf.open(io.BytesIO(make(EN)))
    ops = marked_text_ops(pdf)
    assert ops
    for op, stack in ops:
        tags = [tag for tag, _ in stack]
        tagged = any(isinstance(props, pikepdf.Dictionary) and "/MCID" in props for _, props in stack)
        assert tagged or "/Artifact" in tags, (op, tags)
        assert not (tagged and "/Artifact" in tags), (op, tags)
    artifacts = [op for op, stack in ops if stack and stack[0][0] == "/Artifact"]
    # the band (f), the rule (S), the footer's text (Tj/TJ) and the callout's background and border
    assert {"f", "f*"} & set(artifacts) and "S" in artifacts and {"Tj", "TJ"} & set(artifacts)
    footer = [stack for op, stack in ops if stack and stack[0][0] == "/Artifact" and op in ("Tj", "TJ")]
    assert all(str(s[0][1].Type) == "/Pagination" for s in footer)


def test_a_paragraph_split_across_pages_is_one_element():
    long = dict(EN, p=" ".join(["This sentence is long enough to need several lines."] * 12))
    pdf = pikepdf.open(io.BytesIO(make(long, frame_h=120)))
    assert len(pdf.pages) >= 2
    paragraphs = [el for role, el in elements(pdf.Root.StructTreeRoot) if role == "P"]
    long_p = paragraphs[0]
    pages = {str(k.Pg.objgen) for k in kids(long_p) if isinstance(k, pikepdf.Dictionary)}
    assert pages and isinstance(kids(long_p)[0], int), "MCIDs on the first page, an MCR for the next"


def test_headings_become_bookmarks():
    pdf = pikepdf.open(io.BytesIO(make(EN)))
    with pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["What is it?", "References"]


def test_dates_come_from_published_or_source_date_epoch(monkeypatch):
    assert str(pikepdf.open(io.BytesIO(make(EN))).docinfo.CreationDate).startswith("D:20261125")
    assert str(pikepdf.open(io.BytesIO(make(EN, published=None))).docinfo.CreationDate).startswith("D:20000101")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    pdf = pikepdf.open(io.BytesIO(make(EN)))
    assert str(pdf.docinfo.CreationDate).startswith("D:20231114221320")
    with pdf.open_metadata() as meta:
        assert meta["xmp:ModifyDate"].startswith("2023-11-14T22:13:20")


def test_an_unknown_role_is_one_clear_error():
    xml = TEMPLATE.replace('tag="H2"', 'tag="Heading2"').format(**EN, published="", frame_h=330)
    with pytest.raises(RenderError, match="style 'h2' has tag 'Heading2'; use one of H1, H2"):
        render(xml, FontStack("en"))


@pytest.mark.parametrize("values", [AR, HI, ZH], ids=["ar", "hi", "zh_CN"])
def test_latin_runs_in_another_script_are_english(values, tmp_path):
    """"NET" inside Arabic, Hindi or Chinese text is a marked sequence of its paragraph's with
    /Lang (en), next to the paragraph's other runs (not nested in them)."""
    data = make(values)
    pdf = pikepdf.open(io.BytesIO(data))
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    owners = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    english = []
    for index, page in enumerate(pdf.pages):
        depth = 0
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) in ("BDC", "BMC"):
                props = operands[1] if len(operands) > 1 else None
                if isinstance(props, pikepdf.Dictionary) and "/Lang" in props:
                    assert depth == 0, "a language run is not nested in another marked sequence"
                    english.append((str(props.Lang), str(owners[index][int(props.MCID)].S)))
                depth += 1
            elif str(op) == "EMC":
                depth -= 1
    assert english and {lang for lang, _ in english} == {"en"}
    assert {role for _, role in english} <= {"/P", "/H1", "/H2", "/LBody", "/BibEntry"}
    assert str(pdf.Root.Lang) == values["lang"]
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    struct = subprocess.run([poppler("pdfinfo"), "-struct-text", str(path)], capture_output=True, text=True,
                            check=True).stdout
    assert '"NET"' in struct  # the Span's own text


def test_references_in_a_right_to_left_document_are_english():
    pdf = pikepdf.open(io.BytesIO(make(AR)))
    bib = next(el for role, el in elements(pdf.Root.StructTreeRoot) if role == "BibEntry")
    assert str(bib.Lang) == "en"


def test_right_to_left_row_cells_are_read_from_the_right():
    xml = f"""<document width="300" height="200" lang="ar" dir="rtl" title="t">
      <style name="body" size="10"/>
      <page-template id="p"><frame id="a" x="10" y="10" width="280" height="180"/></page-template>
      <story><row widths="140,140"><cell><para style="body">الأولى</para></cell>
                                   <cell><para style="body">الثانية</para></cell></row></story></document>"""
    pdf = pikepdf.open(io.BytesIO(render(xml, FontStack("ar")).pdf))
    assert tree(pdf.Root.StructTreeRoot) == [["Document", [["P", []], ["P", []]]]]
    # the first cell (reading order) is drawn on the right, so it is the second text the page paints;
    # the structure tree must still list it first: its MCID is the later one
    first, second = [el for role, el in elements(pdf.Root.StructTreeRoot) if role == "P"]
    assert int(kids(first)[0]) > int(kids(second)[0])


# ---------------------------------------------------------------- the text layer

def test_hindi_copies_as_the_source_text():
    pdf = make(HI)
    for text in (pdftotext(pdf), pypdf_text(pdf)):
        lines = [line.strip() for line in text.splitlines()]
        assert "कार्सिनॉइड सिंड्रोम" in lines  # the title, exactly (it came out as "कासनॉइड सडोम")
        assert squash(HI["p"]).replace("\u2060", "") in squash(text).replace("\u2060", "")
        assert not any("\ue000" <= ch <= "\uf8ff" or ord(ch) >= 0xF0000 for ch in text), "private-use codes"
        # a mark placed back over the glyph before it (the anusvara of एं) must not split the word
        assert "न्यूरोएंडोक्राइन" in text.split()
    # ई is drawn by Noto Sans Devanagari as two glyphs: poppler reads its /ActualText; pypdf, which
    # ignores /ActualText, gets an invisible word joiner after it
    assert "कई लक्षणों" in pdftotext(pdf)


def test_arabic_copies_in_logical_order_in_base_letters():
    pdf = make(AR)
    for text in (pdftotext(pdf), pypdf_text(pdf)):
        assert squash(AR["title"]) in squash(text)
        assert squash("(وتُسمّى أيضًا متلازمة الكارسينويد)") in squash(text)  # brackets the right way round
        assert not any(0xFB50 <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF for ch in text), \
            "presentation forms"


def test_chinese_copies_as_the_source_text():
    pdf = make(ZH)
    for text in (pdftotext(pdf), pypdf_text(pdf)):
        assert squash(ZH["p"]) in squash(text)


def test_pdfinfo_says_tagged(tmp_path):
    path = tmp_path / "t.pdf"
    path.write_bytes(make(AR))
    info = subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    struct = subprocess.run([poppler("pdfinfo"), "-struct-text", str(path)], capture_output=True, text=True,
                            check=True).stdout
    roles = [line.split()[0] for line in struct.splitlines() if line.strip() and not line.strip().startswith(('"', "/"))]
    assert roles[:4] == ["Document", "H1", "H2", "P"]


def test_logo_note_and_write_in_lines(tmp_path):
    """A logo is a Figure with its alternative text (or an artifact when it says so), a Note callout
    has the ID PDF/UA wants, and a write-in field's label is text while its lines are furniture."""
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (11, 85, 99)).save(logo)
    xml = f"""<document width="300" height="300" lang="en" dir="ltr" title="t" author="Example Clinic">
      <style name="body" size="10"/>
      <page-template id="p"><frame id="a" x="10" y="10" width="280" height="230"/>
        <draw><image path="{logo}" x="10" y="250" width="80" height="40"/>
              <image path="{logo}" x="200" y="250" width="80" height="40" tag="Artifact"/></draw></page-template>
      <story><callout tag="Note"><para style="body">Take this card to every appointment.</para></callout>
             <lines style="body" count="2" gap="18">Name:</lines></story></document>"""
    pdf = pikepdf.open(io.BytesIO(render(xml, FontStack("en"), frozenset([str(logo)])).pdf))
    assert tree(pdf.Root.StructTreeRoot) == [["Document", [["Figure", []], ["Note", [["P", []]]], ["P", []]]]]
    roles = dict(elements(pdf.Root.StructTreeRoot))
    assert str(roles["Figure"].Alt) == "Example Clinic"
    assert str(roles["Note"].ID) == "note-1"
    ops = marked_text_ops(pdf)
    images = [stack for op, stack in ops if op == "Do"]
    assert len(images) == 2 and sum(1 for s in images if s[0][0] == "/Artifact") == 1
    rules = [stack for op, stack in ops if op == "S"]
    assert rules and all(any(tag == "/Artifact" for tag, _ in s) for s in rules)
