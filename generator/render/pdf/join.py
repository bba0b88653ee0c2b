"""Join tagged PDFs into one tagged PDF (the print pack), keeping every page exactly.

Each input is one of our own tagged documents (tagging.py): a StructTreeRoot whose K is one
Document element, a ParentTree keyed by the pages' /StructParents, a RoleMap. The joined file has
one Document element whose kids are the inputs' Documents turned into Parts (each keeps its own
/Lang), the ParentTree with every input's keys moved past the previous ones, and the first input's
catalog entries (language, XMP metadata with the PDF/UA identifier, display-title preference).
Note IDs ("note-1") are made unique per part. An outline entry points at each part's first page.
"""

from __future__ import annotations

import io
from pathlib import Path


def _number_tree(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a PDF number tree (/Nums leaves under /Kids)."""
    pairs = []
    if "/Nums" in node:
        nums = list(node.Nums)
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs


def _struct_elems(k):
    """Every structure element under K (a dictionary, an array, or marked-content references)."""
    import pikepdf

    if isinstance(k, pikepdf.Array):
        for item in k:
            yield from _struct_elems(item)
    elif isinstance(k, pikepdf.Dictionary) and "/S" in k:
        yield k
        if "/K" in k:
            yield from _struct_elems(k.K)


def _copy(out, src, obj):
    """obj from src, copied into out (pikepdf copies indirect objects only: a direct one is made
    indirect in the source first; copies share the pages already copied)."""
    return out.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))


def join(sources: list[bytes | Path], outline: list[str], title: str, lang: str) -> tuple[bytes, int]:
    """One PDF from the sources, in order; outline[i] names source i (empty: no entry).
    Returns the PDF and its page count."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(),
                                            Lang=String(lang)))
    nums: list = []
    next_key = 0
    role_map = Dictionary()
    starts = []
    opened = []  # kept open until the output is saved (pikepdf copies lazily)
    for index, source in enumerate(sources):
        src = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        opened.append(src)
        first = len(out.pages)
        starts.append(first)
        out.pages.extend(src.pages)
        if index == 0:  # the cover: the file's own catalog entries
            for key in ("/MarkInfo", "/ViewerPreferences", "/Metadata"):
                if key in src.Root:
                    out.Root[key] = _copy(out, src, src.Root[key])
        root = src.Root.get("/StructTreeRoot")
        if root is None:
            raise ValueError(f"source {index + 1} is not tagged")
        offset = next_key
        for page in out.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        pairs = _number_tree(root.ParentTree)
        for key, value in pairs:
            nums += [key + offset, _copy(out, src, value)]
        next_key = offset + max(int(root.get("/ParentTreeNextKey", 0)), max((k for k, _ in pairs), default=-1) + 1)
        for key, value in root.get("/RoleMap", Dictionary()).items():
            role_map[key] = value
        kids = _copy(out, src, root.K)
        kids = kids if isinstance(kids, Array) else Array([kids])
        part_lang = src.Root.get("/Lang")
        for kid in kids:
            if kid.get("/S") == Name.Document:  # a part of the pack, in its own language
                kid.S = Name.Part
                if part_lang is not None and "/Lang" not in kid:
                    kid.Lang = part_lang
            kid.P = document
            document.K.append(kid)
            for elem in _struct_elems(kid):
                if "/ID" in elem:
                    elem.ID = String(f"part{index + 1}-{elem.ID}")
    parent_tree = out.make_indirect(Dictionary(Nums=Array(nums)))
    out.Root.StructTreeRoot = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([document]), ParentTree=parent_tree, ParentTreeNextKey=next_key,
        RoleMap=role_map))
    document.P = out.Root.StructTreeRoot
    out.Root.Lang = String(lang)
    out.Root.MarkInfo = Dictionary(Marked=True)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.docinfo[Name.Title] = String(title)
    out.docinfo[Name.Creator] = String("NET patient handouts")
    out.docinfo[Name.Producer] = String("NET patient handouts")
    with out.open_outline() as tree:
        for name, start in zip(outline, starts):
            if name:
                tree.root.append(pikepdf.OutlineItem(name, start))
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pages = len(out.pages)
    for src in opened:
        src.close()
    return buf.getvalue(), pages
