"""Does every leaflet fit its sheet? Checked by building it, as `generator check` does.

The English leaflet must use both sides of its sheet and leave room for translations,
which run 20-30% longer: it must still fit two pages when set at 110% line spacing.
(Translations themselves may be set down to 86% spacing, never in smaller type.)
"""

from __future__ import annotations

from pathlib import Path

HEADROOM = 1.1


def english_fit_problems(project: Path, library) -> list[str]:
    """One line per English leaflet that overflows, leaves no room for translations, or uses one page."""
    from generator.build import Settings, Workspace
    from generator.errors import where as place
    from generator.layout import PRODUCT_PAPERS, layout_xml
    from generator.render.pdf import Overflow, render

    ws = Workspace(Settings(project, project / ".cache" / "fit-check"))
    loc, fonts = ws.localizer("en"), ws.fonts("en")
    problems = []
    for hid, handout in sorted(library.handouts.items()):
        if "leaflet" not in handout.products:
            continue
        for paper in PRODUCT_PAPERS["leaflet"].values():
            where = f"{place(handout.file)}: the English leaflet ({paper})"
            try:
                pages = render(layout_xml("leaflet", paper, handout, loc, library, ws.clinic), fonts).pages
            except Overflow as exc:
                problems.append(f"{where} {exc}; shorten it")
                continue
            if pages < 2:
                problems.append(f"{where} uses one page of its double-sided sheet; use the back too")
            try:
                render(layout_xml("leaflet", paper, handout, loc, library, ws.clinic, {"spacing": HEADROOM}), fonts)
            except Overflow:
                problems.append(f"{where} leaves no room for translations, which run 20-30% longer: it must "
                                f"still fit two pages at {HEADROOM:.0%} line spacing; shorten it")
    return problems


def translation_fit_problems(project: Path) -> list[str]:
    """Every leaflet must fit one double-sided sheet in every language and paper: build them
    (incrementally, into .cache/fit-check) and report any that overflow."""
    from generator.build import Settings, build

    summary = build(Settings(project, project / ".cache" / "fit-check"), products=["leaflet"], paper="all",
                    progress=None)
    return [f"{line}; shorten the English or the translation" for line in summary.failed]
