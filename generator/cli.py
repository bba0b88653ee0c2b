"""Command line: `python -m generator build|check|status|fonts|extract|update|init|compile|pseudo`.

A user mistake is one line on stderr and exit status 1 (or 2 for a bad command
line); `--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from generator.errors import Problems, UserError

PROJECT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    from generator.content import PRODUCTS
    from generator.layout import PAPER_CHOICES

    p = argparse.ArgumentParser(prog="python -m generator", description="NET patient handouts: build and check.")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--project", type=Path, default=PROJECT,
                   help="folder with content/, locales/, babel.cfg and clinic.toml (default: this repository)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="render PDFs into output/")
    b.add_argument("--lang", action="append", help="language code (repeatable); default: English + locales/LINGUAS")
    b.add_argument("--handout", action="append", help="handout id (repeatable); default: all")
    b.add_argument("--product", action="append", choices=PRODUCTS, help="product (repeatable); default: all")
    b.add_argument("--paper", default=None, choices=PAPER_CHOICES,
                   help="auto: the language's region (US Letter or A4); all: both; or one paper "
                        "(default: clinic.toml's paper, else auto)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: output/ in the project)")
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    b.add_argument("--clinic", type=Path, default=None, help="clinic file (default: clinic.toml)")
    b.add_argument("--print-shop", action="store_true", help="3 mm bleed, crop marks, TrimBox, CMYK colours")
    b.add_argument("--force", action="store_true",
                   help="build into a folder that is not empty and not an earlier output of this program "
                        "(its other files are left alone)")
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    for name, text in (("check", "content and translation checks"), ("status", "translation progress per language"),
                       ("fonts", "prepare static font weights in .cache/fonts"),
                       ("extract", "write locales/messages.pot"), ("update", "merge messages.pot into every .po"),
                       ("compile", "write .mo files"), ("pseudo", "make a pseudo-localised catalogue")):
        s = sub.add_parser(name, help=text)
        s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub.choices["status"].add_argument("--lang", action="append", help="only these languages (repeatable)")
    i = sub.add_parser("init", help="start a new language from messages.pot")
    i.add_argument("lang")
    i.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    pp = sub.add_parser("print-pack", help="one PDF per language: a cover with print settings, then every product")
    pp.add_argument("--lang", action="append", help="language code (repeatable); default: English + locales/LINGUAS")
    pp.add_argument("--paper", default=None, choices=("auto", "all", "a4", "letter"),
                    help="auto: the language's region (US Letter or A4); all: a pack for each "
                         "(default: clinic.toml's paper, else auto)")
    pp.add_argument("--out", type=Path, default=None, help="output folder (default: output/ in the project)")
    pp.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    pp.add_argument("--clinic", type=Path, default=None, help="clinic file (default: clinic.toml)")
    pp.add_argument("--print-shop", action="store_true", help="3 mm bleed, crop marks, TrimBox, CMYK colours")
    pp.add_argument("--force", action="store_true",
                    help="build into a folder that is not empty and not an earlier output of this program")
    pp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    r = sub.add_parser("review-pack", help="a PDF per handout for a clinical or translation reviewer")
    r.add_argument("--lang", required=True, help="language to review (en: the English content itself)")
    r.add_argument("--handout", action="append", help="handout id (repeatable); default: all")
    r.add_argument("--out", type=Path, default=None, help="folder for the packs (default: output/review-packs)")
    r.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    a = sub.add_parser("approve", help="record a reviewer's sign-off in reviews/<lang>.toml")
    a.add_argument("--lang", required=True, help="language reviewed (en: the English content)")
    a.add_argument("--by", required=True, help='the reviewer: "NAME, ROLE"')
    a.add_argument("--handout", action="append", help="handout id (repeatable); default: all")
    a.add_argument("--date", help="day of the review, YYYY-MM-DD (default: today)")
    a.add_argument("--expect", help="content digest from the review pack's sign-off page: refuse if anything changed")
    a.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    st = sub.add_parser("site", help="the web edition: a static site of every handout, from the built PDFs")
    st.add_argument("--out", type=Path, default=None, help="site folder (default: site/ in the PDF folder)")
    st.add_argument("--pdfs", type=Path, default=None,
                    help="folder the PDFs were built into, with its manifest.json (default: output/)")
    st.add_argument("--lang", action="append", help="only these languages (repeatable); default: every one built")
    st.add_argument("--handout", action="append", help="only these handouts (repeatable); default: every one built")
    st.add_argument("--clinic", type=Path, default=None, help="clinic file (default: clinic.toml)")
    st.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    args.project = args.project.resolve()
    if not (args.project / "content").is_dir():
        print(f"error: {args.project} has no content/ folder; run from the repository or pass --project",
              file=sys.stderr)
        return 1
    os.chdir(args.project)  # every path in messages is relative to the project
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return COMMANDS[args.command](args) or 0
    except Problems as exc:
        if args.debug:
            raise
        for line in exc.problems:
            print(line, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 1
    except UserError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: finished files are kept, no partial file was left, manifest.json matches the disk",
              file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not the user's input: one line, and --debug for the traceback
        if args.debug:
            raise
        print(f"internal error: {exc.__class__.__name__}: {str(exc)[:200]} (please report it; run again with "
              f"--debug to see the traceback)", file=sys.stderr)
        return 2


def _terminate(signum, frame):
    raise KeyboardInterrupt


def _settings(args):
    """The build settings both `build` and `print-pack` take from their command line."""
    from generator.build import Settings

    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs must be 1 or more")
    out = (args.out or args.project / "output").resolve()
    return Settings(args.project, out, args.clinic.resolve() if args.clinic else None, args.print_shop,
                    force=args.force)


def _report(summary):
    """What was left out and what failed, one line each, on stderr."""
    for what, skipped in (("handout", summary.skipped_handouts), ("language", summary.skipped_languages)):
        for name, problems in skipped.items():
            for line in problems:
                print(line, file=sys.stderr)
            print(f"{what} {name}: left out of this build ({len(problems)} problem(s) above)", file=sys.stderr)
    for line in summary.failed:
        print(f"failed: {line}", file=sys.stderr)


def _paper(args) -> str:
    """--paper if given, else clinic.toml's paper (one family for every language), else auto (each region's)."""
    from generator.clinic import load_clinic

    return args.paper or load_clinic(args.project, args.clinic).paper or "auto"


def cmd_build(args) -> int:
    from generator.build import build, usable_cores

    settings = _settings(args)
    out = settings.out
    if args.jobs is not None and args.jobs > usable_cores():
        print(f"--jobs {args.jobs} is more than the {usable_cores()} core(s) this computer gives the build; "
              f"using {usable_cores()}", file=sys.stderr)
    summary = build(settings, args.lang, args.handout, args.product, _paper(args), args.jobs)
    _report(summary)
    print(f"built {summary.built}, unchanged {summary.unchanged}, failed {len(summary.failed)}, "
          f"handouts left out {len(summary.skipped_handouts)}, languages left out {len(summary.skipped_languages)}, "
          f"in {summary.seconds:.1f} s -> {out}", file=sys.stderr)
    return 1 if summary.failed or summary.skipped_languages or summary.skipped_handouts else 0


def cmd_check(args) -> int:
    """Content first (schema, citations, reading grade, the English leaflet's fit), then the
    catalogues, then every translated leaflet's fit: each group reported as soon as it fails."""
    from generator.build.fit import english_fit_problems, translation_fit_problems
    from generator.content.load import read_library
    from generator.content.readability import readability_problems
    from generator.i18n.catalogs import Locales
    from generator.i18n.checks import check_languages, pot_is_current

    library, content = read_library(args.project / "content")  # valid handouts are checked further
    problems = list(dict.fromkeys(line for lines in content.values() for line in lines))
    problems += readability_problems(library.handouts.values())
    problems += english_fit_problems(args.project, library)
    if problems:
        raise Problems(problems)
    problems += pot_is_current(args.project)
    langs = Locales(args.project / "locales").shipped()
    for found in check_languages(args.project, langs).values():
        problems += found
    if problems:
        raise Problems(problems)
    problems += translation_fit_problems(args.project)
    if problems:
        raise Problems(problems)
    print(f"check: content and {len(langs)} catalogue(s) OK", file=sys.stderr)
    return 0


def cmd_print_pack(args) -> int:
    from generator.build.printpack import print_packs

    settings = _settings(args)
    out = settings.out
    result, summary = print_packs(settings, args.lang, _paper(args), args.jobs)
    _report(summary)
    print(f"print-pack: parts built {summary.built}, unchanged {summary.unchanged}, failed {len(summary.failed)}",
          file=sys.stderr)
    for line in result.problems:
        print(f"print-pack: {line}", file=sys.stderr)
    for pack in result.packs:
        print(f"{out / pack.file}: {pack.pages} pages, {len(pack.parts)} parts", file=sys.stderr)
    print(f"print-pack: {len(result.packs)} pack(s) -> {out}", file=sys.stderr)
    return 1 if result.problems or summary.failed or summary.skipped_languages or summary.skipped_handouts else 0


def cmd_review_pack(args) -> int:
    from generator.review.pack import build_packs

    out = (args.out or args.project / "output" / "review-packs").resolve()
    paths = build_packs(args.project, args.lang, args.handout, out)
    for path in paths:
        print(path, file=sys.stderr)
    print(f"review-pack: {len(paths)} pack(s) for {args.lang} -> {out}", file=sys.stderr)
    return 0


def cmd_approve(args) -> int:
    from generator.review.approve import approve

    done = approve(args.project, args.lang, args.by, args.handout, args.date, args.expect)
    for hid, total, new in done:
        print(f"approve: {args.lang} {hid}: {total} message(s) signed off ({new} newly approved)", file=sys.stderr)
    print(f"approve: recorded in reviews/{args.lang}.toml; commit it in a pull request for the maintainers. "
          f"The labels change at the next build.", file=sys.stderr)
    return 0


def cmd_status(args) -> int:
    from generator.build.status import status_table

    print(status_table(args.project, args.lang))
    return 0


def cmd_fonts(args) -> int:
    import time

    from generator.render.pdf.fonts import FAMILIES, prepare_all

    start = time.perf_counter()

    def report(script, timing):  # CPU seconds per weight, as each family is done
        spent = ", ".join(f"{style} {seconds:.2f} s" for style, seconds in timing.items())
        print(f"fonts: {FAMILIES[script].family}: {spent}", file=sys.stderr)

    paths = prepare_all(report=report)
    import resource

    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    print(f"fonts: {len(paths)} ready in {time.perf_counter() - start:.1f} s ({cpu:.1f} s CPU; .cache/fonts)",
          file=sys.stderr)
    return 0


def cmd_extract(args) -> int:
    from generator.i18n.extract import write_pot

    catalog = write_pot(args.project)
    print(f"extract: {len([m for m in catalog if m.id])} messages -> locales/messages.pot", file=sys.stderr)
    return 0


def cmd_update(args) -> int:
    from generator.i18n.catalogs import Locales, update

    done = update(Locales(args.project / "locales"))
    print(f"update: {', '.join(done) or 'no catalogues'} updated from messages.pot", file=sys.stderr)
    return 0


def cmd_init(args) -> int:
    from generator.i18n.catalogs import Locales, init

    path = init(Locales(args.project / "locales"), args.lang)
    print(f"init: started {path}; add '{args.lang}' to locales/LINGUAS when it is complete", file=sys.stderr)
    return 0


def cmd_compile(args) -> int:
    from generator.i18n.catalogs import Locales, compile_all

    paths = compile_all(Locales(args.project / "locales"))
    print(f"compile: {len(paths)} .mo file(s) written", file=sys.stderr)
    return 0


def cmd_pseudo(args) -> int:
    from generator.i18n.pseudo import pseudo

    path = pseudo(args.project)
    print(f"pseudo: wrote {path}; build it with `python -m generator build --lang pseudo`", file=sys.stderr)
    return 0


def cmd_site(args) -> int:
    from generator.build.site import build_site, describe

    summary = build_site(args.project, args.out.resolve() if args.out else None,
                         args.pdfs.resolve() if args.pdfs else None, args.clinic.resolve() if args.clinic else None,
                         args.lang, args.handout)
    for line in summary.left_out:
        print(line, file=sys.stderr)
    print(describe(summary), file=sys.stderr)
    return 0


COMMANDS = {"site": cmd_site, "build": cmd_build, "check": cmd_check, "status": cmd_status, "fonts": cmd_fonts,
            "extract": cmd_extract, "update": cmd_update, "init": cmd_init, "compile": cmd_compile,
            "pseudo": cmd_pseudo, "print-pack": cmd_print_pack, "review-pack": cmd_review_pack, "approve": cmd_approve}
