"""The project's own pictograms: one SVG file per id in generator/pictograms/svg/ (docs/DESIGN.md).

A base package: plain data, no ReportLab, no other stage. The content loader imports it for the
list of known ids (`NAMES`); the renderer (render/pdf/pictogram.py) for the outlines (`outline`).

Every file follows one grid so the set looks like one family: a 24 x 24 viewBox, 1 unit of
margin, strokes 2 units wide with round caps and joins, no fill except small dots
(`fill="currentColor"`). Only the SVG subset below is read; anything else is an error naming the
file, so a new pictogram cannot silently draw differently from what a browser shows:
  <path d>  commands M L H V C Q Z (absolute or relative)
  <circle cx cy r>  <rect x y width height rx>  <line x1 y1 x2 y2>  <polyline points>
  fill="currentColor" on an element; transform="rotate(angle cx cy)"; <title> (ignored).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SVG_DIR = Path(__file__).resolve().parent / "svg"
GRID = 24.0  # the viewBox side every pictogram is drawn on
STROKE = 2.0  # stroke width in grid units
_NS = "{http://www.w3.org/2000/svg}"
_KAPPA = 0.5522847498  # a quarter circle as one cubic Bezier


class PictogramError(ValueError):
    """A pictogram file uses something outside the subset (names the file and the element)."""


NAMES: tuple[str, ...] = tuple(sorted(p.stem for p in SVG_DIR.glob("*.svg")))


@dataclass(frozen=True)
class Shape:
    """One outline: ops are ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x, y), ("Z",) in grid
    units, y pointing down (as in the SVG); filled shapes are dots, the rest are stroked."""

    ops: tuple[tuple, ...]
    fill: bool = False


def path(name: str) -> Path:
    return SVG_DIR / f"{name}.svg"


@cache
def outline(name: str) -> tuple[Shape, ...]:
    """The shapes of one pictogram. KeyError naming the known ids for an unknown name."""
    if name not in NAMES:
        raise KeyError(f"unknown pictogram '{name}'; known: {', '.join(NAMES)}")
    file = path(name)
    root = ET.fromstring(file.read_text(encoding="utf-8"))
    if root.get("viewBox", "").split() != ["0", "0", "24", "24"]:
        raise PictogramError(f"{file.name}: viewBox must be '0 0 24 24' (one grid for the set)")
    shapes = []
    for el in root.iter():
        tag = el.tag.removeprefix(_NS)
        if tag in ("svg", "title", "desc"):
            continue
        try:
            ops = _shape_ops(tag, el)
        except (ValueError, IndexError) as exc:
            raise PictogramError(f"{file.name}: <{tag}>: {exc}") from None
        transform = el.get("transform")
        if transform:
            ops = _rotate(ops, transform, file.name)
        fill = el.get("fill", "none")
        if fill not in ("none", "currentColor"):
            raise PictogramError(f"{file.name}: <{tag}> fill must be 'none' or 'currentColor'")
        shapes.append(Shape(tuple(ops), fill == "currentColor"))
    return tuple(shapes)


def title(name: str) -> str:
    """The English description in the file's <title> (for docs and the test sheet; templates give
    their own translated alt text)."""
    root = ET.fromstring(path(name).read_text(encoding="utf-8"))
    node = root.find(f"{_NS}title")
    return (node.text or name).strip() if node is not None else name


def _f(el, name) -> float:
    return float(el.get(name, "0"))


def _shape_ops(tag: str, el) -> list[tuple]:
    if tag == "path":
        return parse_path(el.get("d", ""))
    if tag == "circle":
        return _ellipse(_f(el, "cx"), _f(el, "cy"), _f(el, "r"), _f(el, "r"))
    if tag == "line":
        return [("M", _f(el, "x1"), _f(el, "y1")), ("L", _f(el, "x2"), _f(el, "y2"))]
    if tag == "polyline":
        nums = [float(n) for n in re.findall(r"-?\d*\.?\d+", el.get("points", ""))]
        pts = list(zip(nums[::2], nums[1::2]))
        return [("M", *pts[0]), *(("L", *p) for p in pts[1:])]
    if tag == "rect":
        return _rect(_f(el, "x"), _f(el, "y"), _f(el, "width"), _f(el, "height"), _f(el, "rx"))
    raise ValueError("not in the pictogram subset (path, circle, rect, line, polyline)")


def _ellipse(cx, cy, rx, ry) -> list[tuple]:
    kx, ky = rx * _KAPPA, ry * _KAPPA
    return [("M", cx + rx, cy),
            ("C", cx + rx, cy + ky, cx + kx, cy + ry, cx, cy + ry),
            ("C", cx - kx, cy + ry, cx - rx, cy + ky, cx - rx, cy),
            ("C", cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry),
            ("C", cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy), ("Z",)]


def _rect(x, y, w, h, r) -> list[tuple]:
    r = min(r, w / 2, h / 2)
    if r <= 0:
        return [("M", x, y), ("L", x + w, y), ("L", x + w, y + h), ("L", x, y + h), ("Z",)]
    k = r * (1 - _KAPPA)
    return [("M", x + r, y), ("L", x + w - r, y), ("C", x + w - k, y, x + w, y + k, x + w, y + r),
            ("L", x + w, y + h - r), ("C", x + w, y + h - k, x + w - k, y + h, x + w - r, y + h),
            ("L", x + r, y + h), ("C", x + k, y + h, x, y + h - k, x, y + h - r),
            ("L", x, y + r), ("C", x, y + k, x + k, y, x + r, y), ("Z",)]


def _rotate(ops: list[tuple], transform: str, file: str) -> list[tuple]:
    m = re.fullmatch(r"\s*rotate\(\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+)[\s,]+(-?[\d.]+))?\s*\)\s*", transform)
    if not m:
        raise PictogramError(f"{file}: transform must be rotate(angle cx cy)")
    a = math.radians(float(m.group(1)))
    cx, cy = float(m.group(2) or 0), float(m.group(3) or 0)
    cos, sin = math.cos(a), math.sin(a)

    def turn(x, y):
        dx, dy = x - cx, y - cy
        return cx + dx * cos - dy * sin, cy + dx * sin + dy * cos

    out = []
    for op in ops:
        coords = op[1:]
        pts = [c for p in zip(coords[::2], coords[1::2]) for c in turn(*p)]
        out.append((op[0], *pts))
    return out


_TOKEN = re.compile(r"[MLHVCQZmlhvcqz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "Q": 4, "Z": 0}


def parse_path(d: str) -> list[tuple]:
    """SVG path data (M L H V C Q Z, absolute or relative) as M/L/C/Z ops in absolute units."""
    tokens = _TOKEN.findall(d)
    if "".join(tokens).replace(" ", "") != re.sub(r"[\s,]+", "", d):
        bad = set(re.sub(r"[\s,\d.eE+-]", "", d)) - set("MLHVCQZmlhvcqz")
        raise ValueError(f"path commands {''.join(sorted(bad))} are not in the subset (M L H V C Q Z)")
    ops: list[tuple] = []
    x = y = sx = sy = 0.0
    i, cmd = 0, None
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
        if cmd is None:
            raise ValueError("path must start with M")
        up, rel = cmd.upper(), cmd.islower()
        n = _ARITY[up]
        args = [float(t) for t in tokens[i:i + n]]
        if len(args) < n:
            raise ValueError(f"'{cmd}' needs {n} numbers")
        i += n
        if up == "Z":
            ops.append(("Z",))
            x, y = sx, sy
            cmd = None
            continue
        if up == "H":
            x = args[0] + (x if rel else 0)
            ops.append(("L", x, y))
        elif up == "V":
            y = args[0] + (y if rel else 0)
            ops.append(("L", x, y))
        else:
            pts = [(args[k] + (x if rel else 0), args[k + 1] + (y if rel else 0)) for k in range(0, n, 2)]
            if up == "M":
                ops.append(("M", *pts[0]))
                sx, sy = pts[0]
                cmd = "l" if rel else "L"  # further pairs after M are lines
            elif up == "L":
                ops.append(("L", *pts[0]))
            elif up == "C":
                ops.append(("C", *pts[0], *pts[1], *pts[2]))
            elif up == "Q":  # a quadratic as the equivalent cubic
                (qx, qy), (ex, ey) = pts
                ops.append(("C", x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y),
                            ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey), ex, ey))
            x, y = pts[-1]
    return ops
