"""No widow: a paragraph's last line never holds a single word or a citation alone.

ReportLab fills each line greedily, so a paragraph can end with one word ("bother you." ->
"you.") or a lone "[3]" on its own line. When that happens the paragraph is broken again with its
next-to-last line a little narrower (just under the width it used), so that line's last word moves
down beside the lone one. Every other line keeps its break, the paragraph keeps its number of lines
(its height: nothing else on the page moves), and the narrowed line is given back its full width for
justification. The fix is tried up to four times (the last word alone may be too long to join);
when it cannot keep the line count, the paragraph stays as it was.

It works on the broken lines, not on the text, so shaping (Devanagari, Arabic letter forms) and
right-to-left reordering are untouched. What counts as a widow:
  - in scripts written with spaces: one word or less (a citation, "[3]" or a superscript, is not a
    word);
  - Chinese and Japanese (broken between characters): one letter or less besides punctuation
    and citations ("病。" alone).
"""

from __future__ import annotations

import re
from unicodedata import category

_CITATION = re.compile(r"^[\[(]?[\d\u0660-\u0669\u06f0-\u06f9\u0966-\u096f,\u060c\u2013\-]+[\])]?[.,;:\u06d4\u0964]*$")
_INLINE_CITATION = re.compile(r"\[[\d,\s\u2013-]+\]")  # large print's "[1,3]"
_TRIES = 4
_EPSILON = 2.5  # pt: ReportLab lets a line run up to a point past its width


def _frags(line) -> list:
    return [w for w in getattr(line, "words", ()) if not hasattr(w, "cbDefn")]


def _text(bl, i: int, skip_raised: bool = False) -> str:
    line = bl.lines[i]
    if bl.kind == 0:
        return " ".join(str(w) for w in line[1])
    return "".join(f.text for f in _frags(line) if not (skip_raised and getattr(f, "rise", 0)))


def _used(bl, i: int, width: float) -> float:
    line = bl.lines[i]
    if bl.kind == 0:
        return width - line[0]
    return getattr(line, "currentWidth", width - line.extraSpace)


def is_widow(bl, cjk: bool) -> bool:
    """Whether the last line of a broken paragraph holds a single word (or letter) or a citation alone."""
    lines = getattr(bl, "lines", None) or []
    if len(lines) < 2:
        return False
    if bl.kind == 1 and getattr(lines[-2], "lineBreak", False):  # the last line follows a <br/>
        return False
    if cjk:
        text = _INLINE_CITATION.sub("", _text(bl, len(lines) - 1, skip_raised=True))
        letters = [c for c in text if category(c)[0] in "LN"]
        return len(letters) <= 1
    words = [t for t in _text(bl, len(lines) - 1).split() if not _CITATION.match(t)]
    return len(words) <= 1


def _movable(bl, cjk: bool) -> bool:
    """The next-to-last line has something to give (two words, or two letters), and the lines are not
    the end of a web address (a reference's address is broken inside itself: narrowing the line would
    only break it at another character)."""
    text, last = _text(bl, len(bl.lines) - 2), _text(bl, len(bl.lines) - 1)
    if "/" in last or "/" in (text.split() or [""])[-1]:
        return False
    return len(text) > 2 if cjk else len(text.split()) > 1


def rebreak(breaker, widths: list[float], cjk: bool, memo: dict | None = None):
    """breaker(widths) -> broken lines (Paragraph.breakLines or breakLinesCJK), without a widow.

    memo (one per paragraph: ReportLab breaks a paragraph again each time it is wrapped) keeps the
    widths that avoided the widow, so it is found once per paragraph and width."""
    key = tuple(widths)
    if memo is not None and key in memo:
        plan = memo[key]
        if plan is None:
            return breaker(widths)
        bl = breaker(list(plan[0]))
        _widen(bl, plan[1], plan[2])
        return bl
    bl = _rebreak(breaker, widths, cjk)
    if memo is not None:
        memo[key] = getattr(bl, "_net_widow_plan", None)
    return bl


def _rebreak(breaker, widths: list[float], cjk: bool):
    bl = breaker(widths)
    if not is_widow(bl, cjk) or not _movable(bl, cjk):
        return bl
    n = len(bl.lines)
    full = [widths[min(i, len(widths) - 1)] for i in range(n)]
    narrow, tried = list(full), bl
    for _ in range(_TRIES):
        narrow[n - 2] = min(narrow[n - 2], _used(tried, n - 2, narrow[n - 2])) - _EPSILON
        if narrow[n - 2] <= full[n - 2] * 0.5:
            break
        tried = breaker(list(narrow))
        if len(tried.lines) != n:
            break
        if not is_widow(tried, cjk):
            _widen(tried, n - 2, full[n - 2] - narrow[n - 2])
            tried._net_widow_plan = (tuple(narrow), n - 2, full[n - 2] - narrow[n - 2])
            return tried
    return bl


def _widen(bl, i: int, extra: float):
    """Give the narrowed line back its full width (its extra space), for justification."""
    line = bl.lines[i]
    if bl.kind == 0:
        bl.lines[i] = (line[0] + extra, *line[1:])
    else:
        line.extraSpace += extra
        if hasattr(line, "maxWidth"):
            line.maxWidth += extra
