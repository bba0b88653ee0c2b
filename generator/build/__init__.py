"""The build: plan every (handout, language, product, paper), render each, write files + manifest.

Worker processes share the loaded content, catalogues and fonts (loaded once per
process, never per document). A language whose catalogue fails its checks is left
out with its messages; the rest still build, and the exit status says so.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problems, UserError


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    product: str
    paper: str

    @property
    def file(self) -> str:
        return f"{self.lang}/{self.handout}-{self.product}-{self.paper}.pdf"

    def label(self) -> str:
        return f"{self.lang} {self.handout} {self.product} {self.paper}"


@dataclass
class Settings:
    project: Path
    out: Path
    clinic_path: Path | None = None
    print_shop: bool = False
    force: bool = False  # build into a non-empty folder that is not an output of ours


@dataclass
class Summary:
    built: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    skipped_languages: dict[str, list[str]] = field(default_factory=dict)
    skipped_handouts: dict[str, list[str]] = field(default_factory=dict)  # content problems, by handout


class Workspace:
    """Everything a worker needs, loaded once per process."""

    def __init__(self, settings: Settings):
        from generator.i18n.catalogs import Locales
        from generator.clinic import load_clinic
        from generator.content.load import read_library

        self.settings = settings
        # A handout with problems is left out (and reported); the others still build.
        self.library, self.content_problems = read_library(settings.project / "content")
        self.locales = Locales(settings.project / "locales")
        self.clinic = load_clinic(settings.project, settings.clinic_path)
        self._localizers = {}
        self._fonts = {}

    def localizer(self, lang: str):
        from generator.i18n import Localizer

        if lang not in self._localizers:
            if lang == "en":
                self._localizers[lang] = Localizer("en", None, self.source_review_status())
            else:
                catalog, headers = self.locales.read(lang)
                self._localizers[lang] = Localizer(lang, catalog, headers.get("X-Review-Status", "unreviewed"))
        return self._localizers[lang]

    def source_of(self, lang: str, text: str) -> str | None:
        """'file:line, msgid ...' of the translation a rendered text starts with, or None."""
        from generator.errors import where
        from generator.markup import MarkupProblem, plain

        def norm(s: str) -> str:
            return " ".join(s.replace("\u00a0", " ").split())

        probe = norm(text)
        catalog, _ = self.locales.read(lang)
        for m in catalog:
            if not m.id or not m.string:
                continue
            for form in m.string if isinstance(m.string, tuple) else [m.string]:
                try:
                    text_only = norm(plain(form or ""))
                except MarkupProblem:
                    continue
                n = min(len(probe), text_only.find("{") if "{" in text_only else len(text_only), 40)
                if n >= 6 and probe[:n] == text_only[:n]:
                    key = m.id[0] if isinstance(m.id, tuple) else m.id
                    return f"{where(self.locales.po_path(lang), m.lineno)}, msgid {key[:40]!r}"
        return None

    def source_review_status(self) -> str:
        return "unreviewed"

    def fonts(self, lang: str):
        from generator.render.pdf.fonts import FontStack

        if lang not in self._fonts:
            self._fonts[lang] = FontStack(lang)
        return self._fonts[lang]

    @property
    def options(self) -> dict:
        if self.settings.print_shop:
            return {"bleed": 3 * 72 / 25.4, "crop_marks": True, "cmyk": True}
        return {}

    def render(self, job: Job) -> tuple[bytes, int]:
        """Render one document; a text that does not fit is set tighter step by step, down to the
        product's stated limit (smaller type for posters and cards, tighter spacing for leaflets),
        then fails."""
        from generator.layout import SHRINK_LIMITS, SPACING_LIMITS, layout_xml
        from generator.render.pdf import Overflow, render

        handout = self.library.handouts[job.handout]
        logo = frozenset([self.clinic.logo]) if self.clinic.logo else frozenset()
        if job.product == "poster":
            return self._render_poster(job, handout, logo)
        knob, limit, step = (("scale", SHRINK_LIMITS[job.product], 0.05) if job.product in SHRINK_LIMITS else
                             ("spacing", SPACING_LIMITS.get(job.product, 1.0), 0.035))
        value = 1.0
        while True:
            layout, draw = layout_xml, render
            if job.product == "card-sheet":  # the card itself, imposed: see generator/layout/cardsheet.py
                from generator.layout.cardsheet import card_sheet_xml as layout
                from generator.render.pdf.sheet import render as draw
            xml = layout(job.product, job.paper, handout, self.localizer(job.lang), self.library, self.clinic,
                             {**self.options, knob: value})
            try:
                result = draw(xml, self.fonts(job.lang), logo)
                if knob == "spacing":
                    result = self._fill_pages(job, handout, value, result)
                return result.pdf, result.pages
            except Overflow as exc:
                if value - step < limit - 1e-9:
                    shrunk = "" if limit >= 1 else (f" even at {limit:.0%} size" if knob == "scale" else
                                                    f" even with line spacing at {limit:.0%}")
                    raise Overflow(f"{exc}{shrunk}; shorten the text") from None
                value = round(value - step, 3)


    def _fill_pages(self, job: Job, handout, fitted: float, result):
        """Leaflets, large print and tri-folds: among the line spacings their theme allows ([rules] in
        generator/layout/theme/<product>.toml), the one closest to 100% whose pages are full enough
        (every page but the last at least `min_fill`, the last at least `min_last_fill`, as Result.fill
        measures them), so no page is left near-empty. Spacings above `fitted` are tried only when
        `fitted` is 100%. Text that runs short of the last page (`grow_last_page`) gets the loosest
        spacing that fits, then more lines to write notes on. None meets the rules: the closest."""
        from generator.layout import SPACING_LIMITS, layout_xml
        from generator.layout.theme import load_theme
        from generator.render.pdf import Overflow, render

        rules = load_theme().get(job.product, {}).get("rules")
        if not rules:
            return result

        def shortfall(r) -> float:
            fill = r.fill or (1.0,)
            wanted = [rules["min_fill"]] * (len(fill) - 1) + [rules.get("min_last_fill", 0.0)]
            return round(sum(max(0.0, w - f) for w, f in zip(wanted, fill)), 4)

        def attempt(**options):
            xml = layout_xml(job.product, job.paper, handout, self.localizer(job.lang), self.library, self.clinic,
                             {**self.options, **options})
            try:
                return render(xml, self.fonts(job.lang), frozenset([self.clinic.logo]) if self.clinic.logo else frozenset())
            except Overflow:
                return None

        def only_last_short(r) -> bool:
            return len(r.fill) < 2 or all(f >= rules["min_fill"] for f in r.fill[:-1])

        best, best_short, best_value = result, shortfall(result), fitted
        if best_short == 0:
            return result
        low = max(rules["spacing_min"], SPACING_LIMITS.get(job.product, 1.0))
        high, step = rules["spacing_max"] if fitted >= 1.0 else fitted, rules["spacing_step"]
        candidates = [round(low + i * step, 3) for i in range(int((high - low) / step + 1e-9) + 1)]
        if rules.get("grow_last_page") and only_last_short(result) and fitted >= 1.0:
            # The text runs short of the last page (a short translation): the loosest spacing that fits.
            candidates = sorted((c for c in candidates if c > fitted + 1e-9), reverse=True)
            for value in candidates:
                tried = attempt(spacing=value)
                if tried is not None:
                    if shortfall(tried) < best_short:
                        best, best_short, best_value = tried, shortfall(tried), value
                    break
        else:
            candidates = sorted((c for c in candidates if abs(c - fitted) > 1e-9), key=lambda c: (abs(c - 1.0), -c))
            for value in candidates[:rules.get("max_tries", len(candidates))]:
                tried = attempt(spacing=value)
                if tried is not None and shortfall(tried) < best_short:
                    best, best_short, best_value = tried, shortfall(tried), value
                    if best_short == 0:
                        return best
        if best_short == 0 or not only_last_short(best):
            return best
        # Still short of the last page: more lines to write notes on (options.notes_extra), the fewest that
        # meet the rules, or else the most that fit, up to the theme's `notes_extra_max` (a halving search:
        # more lines only lengthen the last column, until it overflows).
        tried = {0: best}

        def extra_lines(n):
            if n not in tried:
                r = attempt(spacing=best_value, notes_extra=n)
                tried[n] = r if r is not None and len(r.fill) == len(best.fill) else None
            return tried[n]

        low_n, high_n = 0, rules.get("notes_extra_max", 0) + 1  # extra_lines(high_n) counts as "enough"
        while high_n - low_n > 1:
            n = (low_n + high_n) // 2
            r = extra_lines(n)
            if r is None or shortfall(r) == 0:
                high_n = n
            else:
                low_n = n
        for n in (high_n, low_n):
            r = extra_lines(n) if n <= rules.get("notes_extra_max", 0) else None
            if r is not None and shortfall(r) < best_short:
                return r
        return best

    def _render_poster(self, job: Job, handout, logo: frozenset) -> tuple[bytes, int]:
        """A poster at the largest type that fits its page (generator/layout/theme/poster.toml, [fit]):
        at 100% type, the roomiest layout that fits (options.compact 0..4: the headline band's padding, the
        spaces between blocks and the line spacing tighten first); if that fits with room to spare, the type
        grows step by step while it still fits, so a short translation fills the page; a long one gets smaller
        type, 5% a step down to the 80% limit, only once the layout is at its tightest; then, as a last resort,
        a smaller headline (which the poster test reports). The space left is shared out between the blocks."""
        from generator.layout import SHRINK_LIMITS, layout_xml
        from generator.layout.theme import load_theme
        from generator.render.pdf import Overflow, render

        fit = load_theme()["poster"]["fit"]
        steps = len(load_theme()["poster"]["compact"]["space"])
        limit = SHRINK_LIMITS["poster"]

        def attempt(scale: float, compact: int, headline_mm: float | None = None, slack: float = 0.0):
            options = {**self.options, "scale": scale, "compact": compact, "slack": slack}
            if headline_mm:
                options["headline_mm"] = headline_mm
            xml = layout_xml("poster", job.paper, handout, self.localizer(job.lang), self.library, self.clinic, options)
            try:
                return render(xml, self.fonts(job.lang), logo)
            except Overflow as exc:
                return exc

        ladder = [(1.0, c, None) for c in range(steps)]
        scale = 1.0
        while round(scale - 0.05, 3) >= limit - 1e-9:
            scale = round(scale - 0.05, 3)
            ladder.append((scale, steps - 1, None))
        # Last resort, so a too-long headline translation still prints: a smaller headline (under the 20 mm
        # rule, which tests/test_design_poster.py then reports, naming the headline to shorten).
        ladder += [(limit, steps - 1, mm) for mm in fit["headline_fallback_mm"]]
        for i, (scale, compact, headline_mm) in enumerate(ladder):
            result = attempt(scale, compact, headline_mm)
            if not isinstance(result, Overflow):
                break
            if i == len(ladder) - 1:
                raise Overflow(f"{result} even at {limit:.0%} size; shorten the text") from None
        if scale == 1.0 and compact == 0:  # room to spare: larger type while it fits and the page is not full
            for bigger in fit["grow"]:
                if (getattr(result, "fill", None) or (0.0,))[0] >= fit["full"]:
                    break
                tried = attempt(bigger, 0)
                if isinstance(tried, Overflow):
                    break
                result, scale = tried, bigger
        # What is left of the page (Result.fill) is shared out between the blocks, so the footer sits on the
        # bottom margin and no band of the page is left empty.
        fill = (getattr(result, "fill", None) or (1.0,))[0]
        if fill < 0.995:
            tried = attempt(scale, compact, headline_mm, slack=1.0 - fill)
            if not isinstance(tried, Overflow):
                result = tried
        return result.pdf, result.pages


_WORKSPACE: Workspace | None = None


def _run(job: Job) -> tuple[Job, bytes | None, int, str | None]:
    """Render one job in a worker; user-facing failures come back as a message, not a traceback."""
    from generator.i18n import MissingTranslation
    from generator.render.pdf import RenderError

    try:
        pdf, pages = _WORKSPACE.render(job)
        return job, pdf, pages, None
    except RenderError as exc:
        return job, None, 0, f"{job.label()}: {_explain(job, str(exc))}"
    except (MissingTranslation, UserError) as exc:
        return job, None, 0, f"{job.label()}: {exc}"
    except Exception as exc:  # a bug, not the user's input: one document fails, the others still build
        if os.environ.get("NET_DEBUG"):
            raise
        return job, None, 0, f"{job.label()}: internal error {exc.__class__.__name__}: {exc} (please report it; " \
                             f"NET_DEBUG=1 shows the traceback)"


_SNIPPET = re.compile(r"""(?:overflows|box): ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _explain(job: Job, message: str) -> str:
    """A render failure as one line a translator can act on: never a ReportLab repr such as
    'Flowable <Table@0x7F...>' (a callout box taller than a column), and, for a translation,
    the .po line of the text that does not fit."""
    import ast

    message = " ".join(message.split())
    message = re.sub(r"Flowable <\w+@0x[0-9A-Fa-f]+.*?(?= even | at \d+%|; shorten|$)",
                     "a box (an urgent callout or a table) is taller than a whole column or page", message)
    message = message.replace("a block is too large for any column or page: a box", "a box")
    found = _SNIPPET.search(message)
    if found and job.lang != "en" and _WORKSPACE is not None:
        try:
            where = _WORKSPACE.source_of(job.lang, ast.literal_eval(found.group(1)))
        except (ValueError, SyntaxError, UserError):
            where = None
        if where:
            message += f" ({where})"
    return message


def _worker_signals():
    """Workers leave Ctrl-C to the parent, which stops the pool and keeps the manifest true."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def plan(ws: Workspace, langs, handouts, products, paper) -> list[Job]:
    from generator.content.model import DERIVED_PRODUCTS
    from generator.layout import papers_for

    jobs = []
    for lang in langs:
        for hid in handouts:
            h = ws.library.handouts[hid]
            for product in products:
                if product not in h.products and DERIVED_PRODUCTS.get(product) not in h.products:
                    continue
                for p in papers_for(product, lang, paper):
                    jobs.append(Job(hid, lang, product, p))
    return jobs


def usable_cores() -> int:
    """Cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def build(settings: Settings, langs=None, handouts=None, products=None, paper="auto", jobs=None,
          progress=sys.stderr) -> Summary:
    global _WORKSPACE
    from generator.content import PRODUCTS
    from generator.errors import where
    from generator.build.digests import Digests
    from generator.build.output import MANIFEST, OutputFolder, describe_oserror
    from generator.i18n.checks import language_problem

    started = time.monotonic()
    for lang in langs or []:
        bad = language_problem(lang)
        if bad:
            raise UserError(f"--lang {bad}")
    ws = _WORKSPACE = Workspace(settings)
    all_langs = ["en", *ws.locales.shipped()]
    langs = langs or all_langs
    known = set(ws.library.handouts) | {h for h in ws.content_problems if h}
    handouts = handouts or sorted(known)
    products = products or list(PRODUCTS)
    for hid in handouts:
        if hid not in known:
            raise UserError(f"unknown handout '{hid}'; choose from: {', '.join(sorted(known))}")
    summary = Summary()
    if ws.content_problems.get(""):  # the bibliography or a rule across handouts: nothing is trustworthy
        raise Problems(ws.content_problems[""])
    for hid in handouts:
        if hid in ws.content_problems:
            summary.skipped_handouts[hid] = ws.content_problems[hid]
    handouts = [hid for hid in handouts if hid not in summary.skipped_handouts]
    for lang in langs:  # a bad code in LINGUAS: one line, and the other languages still build
        bad = language_problem(lang)
        if bad:
            summary.skipped_languages[lang] = [f"{where(ws.locales.root / 'LINGUAS')}: {bad}, or remove it"]
    langs = [lang for lang in langs if lang not in summary.skipped_languages]
    digests = Digests(settings.project, settings.clinic_path, ws.clinic.logo, ws.options)
    for lang, problems in cached_checks(settings.project, langs, digests).items():
        if problems:
            summary.skipped_languages[lang] = problems
    langs = [lang for lang in langs if lang not in summary.skipped_languages]

    own_pdf = re.compile(rf"(?:{'|'.join(map(re.escape, sorted(known)))})-(?:{'|'.join(map(re.escape, PRODUCTS))})"
                         rf"-[a-z0-9-]+\.pdf\Z")
    out = settings.out
    with OutputFolder(out, settings.force, [settings.clinic_path, ws.clinic.logo]):
        try:
            _build_into(settings, ws, digests, summary, langs, handouts, products, paper, jobs, progress,
                        lambda folder, name: name == MANIFEST if folder == out else bool(own_pdf.match(name)),
                        {"en", *all_langs, *langs})
        except OSError as exc:
            raise describe_oserror(exc, Path(exc.filename) if exc.filename else out, "write the output") from None
    summary.seconds = time.monotonic() - started
    return summary


def _build_into(settings, ws, digests, summary, langs, handouts, products, paper, jobs, progress, is_ours,
                lang_dirs):
    """The part of a build that runs with the output folder locked."""
    from generator.build.output import Manifest, describe_oserror, remove_partials, sha256, write_atomic

    out = settings.out
    remove_partials(out, [out, *(out / lang for lang in sorted(lang_dirs))], is_ours)
    manifest = Manifest(out)
    todo = []
    for job in plan(ws, langs, handouts, products, paper):
        digest = digests.job(ws.library.handouts[job.handout].file, job.lang, job.product, job.paper)
        entry = manifest.entries.get(job.file)
        if entry and entry.get("inputs") == digest:
            summary.unchanged += 1
        else:
            todo.append((job, digest))
    from generator.review import manifest_status  # reviews/<lang>.toml, not the .po header, says "reviewed"

    review = {key: manifest_status(settings.project, key[0], ws.library.handouts[key[1]])  # once per language+handout
              for key in dict.fromkeys((job.lang, job.handout) for job, _ in todo)}
    n_jobs = max(1, min(jobs or usable_cores(), usable_cores(), len(todo) or 1))
    inputs = dict(todo)
    todo = [job for job, _ in todo]

    done = 0
    pool = _Pool(n_jobs) if n_jobs > 1 else None
    try:
        results = pool.run(todo) if pool else map(_run, todo)
        for job, pdf, pages, error in results:
            done += 1
            if error:
                summary.failed.append(error)
            else:
                # The entry goes in before the file, so an interruption in between is caught by verify().
                manifest.add({"file": job.file, "handout": job.handout, "language": job.lang,
                              "product": job.product, "paper": job.paper, "pages": pages, "bytes": len(pdf),
                              "sha256": sha256(pdf), "review_status": review[job.lang, job.handout], "inputs": inputs[job]})
                try:
                    write_atomic(out / job.file, pdf)
                except OSError as exc:
                    raise describe_oserror(exc, out / job.file, "write the PDF") from None
                manifest.save()
                summary.built += 1
            _progress(progress, done, len(todo), job)
    except BaseException:
        manifest.verify()  # interrupted: keep only entries whose file is on disk with that hash
        try:
            manifest.save()
        except OSError:
            pass  # the disk that just failed may fail again; the entries on disk stay checked by SHA-256
        raise
    finally:
        if pool:
            pool.close()
    if todo or not manifest.path.exists():
        manifest.save()


class _Pool:
    """Forked workers, one job at a time each, over pipes.

    Unlike multiprocessing.Pool, a worker that dies (the out-of-memory killer's SIGKILL) does
    not leave its job waiting forever: the parent sees the pipe close, fails that job with
    one line, starts a replacement worker and goes on; the build always ends.
    """

    def __init__(self, n: int):
        self.ctx = multiprocessing.get_context("fork")
        self.n = n
        self.busy: dict = {}  # connection -> (process, job)
        self.idle: list = []

    def _spawn(self):
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child,), daemon=True)
        proc.start()
        child.close()
        return parent, proc

    def _give(self, conn, proc, pending):
        if pending:
            job = pending.popleft()
            conn.send(job)
            self.busy[conn] = (proc, job)
        else:
            self.idle.append((conn, proc))

    def run(self, jobs):
        from collections import deque
        from multiprocessing.connection import wait

        pending = deque(jobs)
        for _ in range(min(self.n, len(pending))):
            conn, proc = self._spawn()
            self._give(conn, proc, pending)
        while self.busy:
            for conn in wait(list(self.busy)):
                proc, job = self.busy.pop(conn)
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    conn.close()
                    proc.join(5)
                    result = (job, None, 0, f"{job.label()}: {_death(proc.exitcode)}")
                    if pending:  # a fresh worker (forked from this process, with the loaded workspace)
                        conn, proc = self._spawn()
                        self._give(conn, proc, pending)
                else:
                    self._give(conn, proc, pending)  # next job first, so the worker is busy while we write
                yield result

    def close(self):
        """Stop every worker: idle ones are told to stop, busy ones (interrupted) are terminated."""
        for conn, _ in self.idle:
            try:
                conn.send(None)
            except OSError:
                pass
        for proc, _ in self.busy.values():
            proc.terminate()
        for proc in [p for p, _ in self.busy.values()] + [p for _, p in self.idle]:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in [*self.busy, *(c for c, _ in self.idle)]:
            conn.close()
        self.busy.clear()
        self.idle.clear()


def _death(exitcode) -> str:
    import signal

    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        why = "; the computer may have run out of memory" if -exitcode == signal.SIGKILL else ""
        return (f"the worker process was killed by {name}{why}; this document was not built, "
                f"run the build again (with fewer --jobs if memory is short)")
    return f"the worker process stopped unexpectedly (exit status {exitcode}); run the build again"


def _worker_main(conn):
    """A worker: receive a job, send its result, until told to stop (None) or the pipe closes."""
    _worker_signals()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            break
        if job is None:
            break
        conn.send(_run(job))
    conn.close()


def cached_checks(project: Path, langs: list[str], digests) -> dict[str, list[str]]:
    """Catalogue checks, re-run only for languages whose inputs changed since the last run."""
    import hashlib
    import json

    from generator.i18n.checks import check_languages
    from generator.build.digests import code
    from generator.build.output import write_atomic

    cache_file = project / ".cache" / "checks.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if not isinstance(cache, dict):  # a damaged cache is rebuilt, never trusted
        cache = {}
    cache = {k: v for k, v in cache.items() if isinstance(v, dict) and isinstance(v.get("problems"), list)}
    sources = sorted((project / "content" / "handouts").glob("*.yaml")) + sorted(
        (Path(__file__).resolve().parent.parent / "layout" / "templates").glob("*.j2")) + [project / "locales" / "identical-ok.txt", project / "locales" / "numbers-ok.txt"]
    from generator.build.digests import _hash_files

    shared = hashlib.sha256((code() + _hash_files(*sources)).encode()).hexdigest()  # streamed, never read whole
    keys = {lang: shared + digests.language(lang) for lang in langs}
    stale = [lang for lang in langs if cache.get(lang, {}).get("key") != keys[lang]]
    if stale:
        for lang, problems in check_languages(project, stale).items():
            cache[lang] = {"key": keys[lang], "problems": problems}
        write_atomic(cache_file, json.dumps(cache, ensure_ascii=False).encode("utf-8"))
    return {lang: cache[lang]["problems"] for lang in langs}


def _progress(stream, done: int, total: int, job: Job):
    if stream is None:
        return
    width = 24
    filled = int(width * done / total) if total else width
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {job.label()}"
    if getattr(stream, "isatty", lambda: False)():
        stream.write("\r" + line[:100].ljust(100))
        if done == total:
            stream.write("\n")
    else:
        stream.write(line + "\n")
    stream.flush()
