"""Chinese and Japanese line breaking with kinsoku rules, for ReportLab's CJK word wrap.

ReportLab 5.1 breaks CJK text between any two characters and knows one rule: a character that
must not start a line (。、）」) may hang past the right edge. It has no rule for the other end, so
a line could end with an opening bracket or quote (（「《), the README's old limitation. Here,
when a line is full:
  - a character that must not start a line (closing brackets and quotes, 、。，：；？！, small
    kana, ー) is never moved to the next line alone: the character before it goes with it
    (oidashi, "push out"), so nothing hangs past the frame;
  - a character that must not end a line (opening brackets and quotes) moves to the next line
    with the character it opens.
A break is never moved back to the start of the line (a line always makes progress). Korean
is not wrapped here: it breaks at spaces, like Latin, so a word is never split.

Both ReportLab wrappers are replaced: paragraph.cjkFragSplit (several style runs) and the
single-run path, paragraph.wordSplit (textsplit.wordSplit). Each is ReportLab's
code with the break position chosen by `break_at`.
"""

from __future__ import annotations

from unicodedata import category

from reportlab.lib import textsplit
from reportlab.platypus import paragraph
from reportlab.rl_config import _FUZZ

# Must not start a line: closing brackets and quotes, sentence and clause punctuation (full and
# half width), iteration marks, small kana, the prolonged sound mark and middle dot.
CANNOT_START = set(
    "!),.:;?]}\u00bb\u2019\u201d\u2026\u2025\u3001\u3002\u3005\u3009\u300b\u300d\u300f\u3011\u3015\u3017\u3019"
    "\u301f\u303b\u309d\u309e\u30fb\u30fc\u30fd\u30fe\uff01\uff09\uff0c\uff0e\uff1a\uff1b\uff1f\uff3d\uff5d"
    "\uff60\uff61\uff63\uff64\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u3095\u3096"
    "\u30a1\u30a3\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6\u31f0\u31f1\u31f2\u31f3"
    "\u31f4\u31f5\u31f6\u31f7\u31f8\u31f9\u31fa\u31fb\u31fc\u31fd\u31fe\u31ff\u2030\u2032\u2033\u2103\uff05"
    "%\u00b0"
) | set(textsplit.ALL_CANNOT_START)
# Must not end a line: opening brackets and quotes.
CANNOT_END = set("([{\u00ab\u2018\u201c\u3008\u300a\u300c\u300e\u3010\u3014\u3016\u3018\u301d\uff08\uff3b\uff5b"
                 "\uff5f\uff62") | set(textsplit.CANNOT_END_LINE[0])


def break_at(chars, start: int, i: int) -> int:
    """Where to end a line that runs from chars[start] and is full before chars[i] (chars[i] does not
    fit): the index of the first character of the next line, after the kinsoku rules."""
    j = i
    # a character that cannot start a line takes the one before it along (repeatedly: "」。")
    while j > start + 1 and chars[j] in CANNOT_START:
        j -= 1
    # a line does not end with an opening bracket: it moves down with what it opens
    while j > start + 1 and chars[j - 1] in CANNOT_END:
        j -= 1
    return j if j > start else i


def _latin_backtrack(chars, widths, start, i, extra):
    """ReportLab's rule for Latin inside CJK text ("Ga-68 DOTATATE"): break at the last space or CJK
    character in the second half of the line. Returns (i, extra)."""
    limit = (start + i) >> 1
    for j in range(i - 1, limit, -1):
        cj = chars[j]
        if category(cj) == "Zs" or ord(cj) >= 0x3000:
            k = j + 1
            if k < i:
                return k, extra + sum(widths[k:i])
            break
    return i, extra


def _split(chars, widths, max_widths, line_breaks=None):
    """Line ranges [(start, end, extra_space, used, is_line_break)] for characters with widths."""
    out = []
    i = used = start = 0
    max_width = max_widths[0]
    n = len(chars)
    while i < n:
        used += widths[i]
        forced = bool(line_breaks and line_breaks[i])
        if (used > max_width + _FUZZ and used > 0) or forced:
            if forced:
                end = i + 1
            else:
                end = i  # chars[i] does not fit
                if ord(chars[i]) < 0x3000:
                    end, _ = _latin_backtrack(chars, widths, start, i, 0.0)
                end = break_at(chars, start, end) if end > start + 1 else max(end, start + 1)
            line_used = sum(widths[start:end])
            out.append((start, end, max_width - line_used, line_used, forced))
            max_width = max_widths[min(len(out), len(max_widths) - 1)]
            i = start = end
            used = 0
            continue
        i += 1
    if start < n:
        line_used = sum(widths[start:n])
        out.append((start, n, max_width - line_used, line_used, False))
    return out


def cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):
    """paragraph.cjkFragSplit with kinsoku line breaks (several style runs)."""
    units = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend(paragraph.cjkU(t, f, encoding) for t in text)
        else:
            units.append(paragraph.cjkU(text, f, encoding))
    chars, widths = [], []
    for u in units:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = maxWidths[0]
            w = w.normalizedValue(maxWidths[0])
        widths.append(w)
        chars.append(str(u)[:1] or "\ufffc")
    breaks = [hasattr(u.frag, "lineBreak") for u in units]
    lines = [paragraph.makeCJKParaLine(units[a:b], maxWidths[min(k, len(maxWidths) - 1)], used, extra, forced,
                                       calcBounds)
             for k, (a, b, extra, used, forced) in enumerate(_split(chars, widths, maxWidths, breaks))]
    return paragraph.ParaLines(kind=1, lines=lines)


def word_split(word, maxWidths, fontName, fontSize, encoding="utf8"):
    """textsplit.wordSplit with kinsoku line breaks (one style run): [[extra_space, text], ...]."""
    if not isinstance(word, str):
        word = word.decode(encoding)
    widths = textsplit.getCharWidths(word, fontName, fontSize)
    if isinstance(maxWidths, (int, float)):
        maxWidths = [maxWidths]
    return [[extra, word[a:b].strip()] for a, b, extra, _used, _forced in _split(word, widths, maxWidths)]


paragraph.cjkFragSplit = cjk_frag_split
paragraph.wordSplit = word_split  # the name paragraph.breakLinesCJK calls for a single style run
