"""Broken and hostile input: a clear one-line message, a non-zero exit, nothing executed or fetched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import PROJECT
from .test_hardening_i18n import langs  # noqa: F401  (a fixture: complete es and ru catalogues)

HANDOUT = "content/handouts/carcinoid-syndrome.yaml"
FR = "locales/fr_CA/LC_MESSAGES/messages.po"


def cli(project, *args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_msgstr(po, msgid, new):
    text = po.read_text(encoding="utf-8")
    anchor = f'msgid "{msgid}"\nmsgstr "'
    start = text.index(anchor) + len(anchor)
    end = text.index('"\n', start)
    po.write_text(text[:start] + new + text[end:], encoding="utf-8")


# The catalogue checks as a build runs them: `check` stops at the first group of problems (content).
FR_BUILD = ["build", "--lang", "fr_CA", "--handout", "carcinoid-syndrome", "--product", "card"]

# (what to break, command, expected words in one stderr line)
CASES = [
    ("content: YAML syntax", lambda p: edit(p / HANDOUT, "title: Carcinoid syndrome", "title: [broken"),
     ["check"], "carcinoid-syndrome.yaml:4: YAML syntax error"),
    ("content: wrong type", lambda p: edit(p / HANDOUT, "products: [leaflet", "products: 7\nx: [leaflet"),
     ["check"], "'products' must list some of"),
    ("content: unknown key", lambda p: edit(p / HANDOUT, 'version: "2.0"', 'version: "2.0"\ncolour: red'),
     ["check"], "unknown key 'colour' in handout"),
    ("content: duplicate key", lambda p: edit(p / HANDOUT, 'version: "2.0"', 'version: "2.0"\nversion: "2"'),
     ["check"], "duplicate key 'version'"),
    ("content: duplicate reference id",
     lambda p: (p / "content/bibliography.yaml").write_text(
         (p / "content/bibliography.yaml").read_text(encoding="utf-8") + "\n- id: singh-2017\n  type: webpage\n"
         "  author: X\n  title: Y\n  publisher: Z\n", encoding="utf-8"),
     ["check"], "duplicate reference id 'singh-2017'"),
    ("content: unknown citation", lambda p: edit(p / HANDOUT, "cite: [pandit-2023, ncuk-carcinoid-crisis]",
                                                               "cite: [nobody-2020]"),
     ["check"], "unknown reference id 'nobody-2020'"),
    ("content: missing required section", lambda p: edit(p / HANDOUT, "    role: questions\n", ""),
     ["check"], "no section has role 'questions'"),
    ("content: python tag", lambda p: edit(p / HANDOUT, "title: Carcinoid syndrome",
                                           "title: !!python/object/apply:os.system [echo pwned]"),
     ["check"], "is not allowed in content files"),
    ("content: character no font has", lambda p: edit(p / HANDOUT, "title: Carcinoid syndrome",
                                                      "title: Carcinoid syndrome \U00013000"),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome", "--product", "leaflet", "--paper", "a4"],
     "U+13000"),
    ("catalogue: syntax", lambda p: edit(p / FR, 'msgid "References"', 'msgid "References'),
     FR_BUILD, f"{FR}:"),
    ("catalogue: wrong Plural-Forms", lambda p: edit(p / FR, "nplurals=2; plural=(n > 1);", "nplurals=3; plural=(n);"),
     FR_BUILD, "Plural-Forms says nplurals=3"),
    ("catalogue: placeholder", lambda p: set_msgstr(p / FR, "Phone: {phone}", "Téléphone : {numero}"),
     FR_BUILD, "placeholders differ"),
    ("catalogue: image tag", lambda p: set_msgstr(p / FR, "References", '<img src=\\"/etc/passwd\\"/>'),
     FR_BUILD, "tag <img> is not allowed"),
    ("catalogue: link", lambda p: set_msgstr(p / FR, "References", '<a href=\\"http://x\\">x</a>'),
     FR_BUILD, "tag <a> is not allowed"),
    ("catalogue: font face", lambda p: set_msgstr(p / FR, "References", '<font face=\\"Evil\\" size=\\"90\\">x</font>'),
     FR_BUILD, "tag <font> is not allowed"),
    ("catalogue: misnested", lambda p: set_msgstr(p / FR, "References", "<b><i>Réf</b></i>"),
     FR_BUILD, "closes nothing open here"),
    ("catalogue: entity", lambda p: set_msgstr(p / FR, "References", "R&eacute;f&#233;rences"),
     FR_BUILD, "entity &eacute; is not allowed"),
    ("catalogue: control character", lambda p: set_msgstr(p / FR, "References", "Réf\x07érences"),
     FR_BUILD, "control character"),
    ("catalogue: bidi override", lambda p: set_msgstr(p / FR, "References", "Réf\u202eérences"),
     FR_BUILD, "bidirectional override"),
    ("clinic: missing logo", lambda p: (p / "clinic.toml").write_text('[clinic]\nlogo = "nope.png"\n'),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "logo 'nope.png' not found"),
    ("clinic: logo not an image", lambda p: ((p / "logo.png").write_text("hello"),
                                             (p / "clinic.toml").write_text('[clinic]\nlogo = "logo.png"\n')),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "is not a PNG or JPEG image"),
    ("clinic: enormous logo", lambda p: ((p / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * (3 << 20)),
                                         (p / "clinic.toml").write_text('[clinic]\nlogo = "logo.png"\n')),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "larger than 2 MB"),
    ("clinic: path outside", lambda p: (p / "clinic.toml").write_text('[clinic]\nlogo = "../../etc/passwd"\n'),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "is outside the project"),
    ("clinic: URL for a path", lambda p: (p / "clinic.toml").write_text('[clinic]\nlogo = "https://x.org/a.png"\n'),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "is a URL"),
    ("clinic: bad phone", lambda p: (p / "clinic.toml").write_text('[clinic]\nphone = "call us"\n'),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "does not look like a phone number"),
    ("clinic: TOML syntax", lambda p: (p / "clinic.toml").write_text('[clinic]\nname = Riverside\n'),
     ["build", "--lang", "en", "--handout", "carcinoid-syndrome"], "clinic.toml:2: TOML syntax error"),
]


@pytest.mark.parametrize("name, breaker, command, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clear_line(sandbox, name, breaker, command, words):
    breaker(sandbox)
    if command[0] == "build":
        command = [*command, "--out", str(sandbox / "out")]
    result = cli(sandbox, *command)
    assert result.returncode == 1, (result.returncode, result.stderr[-800:])
    assert "Traceback" not in result.stderr
    assert any(words in line for line in result.stderr.splitlines()), result.stderr[-1500:]
    assert not list(sandbox.glob("out/**/*.partial"))


def test_broken_font_file_is_named(sandbox, tmp_path):
    import shutil

    cache = tmp_path / "fonts"
    shutil.copytree(PROJECT / ".cache" / "fonts", cache)
    victim = next(cache.glob("NotoSans-regular-*.ttf"))
    victim.write_bytes(b"OTTO" + b"\0" * 100)  # a CFF/OpenType header: not TrueType
    result = cli(sandbox, "build", "--lang", "en", "--handout", "carcinoid-syndrome", "--out", str(sandbox / "out"),
                 env={"NET_FONT_CACHE": str(cache)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"font {victim.name} cannot be used" in result.stderr and "make fonts" in result.stderr


def test_one_failing_language_does_not_stop_the_others(langs):
    """es and ru are complete (pseudo-localised, see test_hardening_i18n), whatever the translators' progress."""
    set_msgstr(langs / "locales/es/LC_MESSAGES/messages.po", "References", "<img/>")
    result = cli(langs, "build", "--lang", "es", "--lang", "ru", "--handout", "carcinoid-syndrome",
                 "--product", "leaflet", "--paper", "a4", "--out", str(langs / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "language es: left out of this build (1 problem(s) above)" in result.stderr.splitlines()
    assert (langs / "out" / "ru" / "carcinoid-syndrome-leaflet-a4.pdf").is_file()
    assert not (langs / "out" / "es").exists()


AUDIT = r"""
import sys, json, os
opened, sockets = set(), []
def hook(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.add(os.path.realpath(args[0]))
    elif event.startswith("socket.") and event not in ("socket.__new__",):
        sockets.append(event)
    elif event == "socket.__new__" and args[1] in (2, 10):  # AF_INET, AF_INET6
        sockets.append(event)
sys.addaudithook(hook)
from generator.cli import main
code = main(sys.argv[1:])
json.dump({"code": code, "opened": sorted(opened), "sockets": sockets}, open(os.environ["AUDIT_OUT"], "w"))
"""


def test_no_network_and_no_file_outside_the_project_and_installation(sandbox, tmp_path):
    from .test_hardening_i18n import complete_catalogues

    # a complete Arabic catalogue (pseudo text), whatever the translators' progress; Chinese as shipped
    # (its pseudo text, Latin 35% longer and padded, set in the CJK font, overflows the wallet card's
    # front, which keeps three write-in lines 7 mm apart)
    complete_catalogues(sandbox, {"ar": "nplurals=6; plural=((((n % 100) >= 3 && (n % 100) <= 10)) ? 3 : (((n % "
                                        "100) >= 11 && (n % 100) <= 99)) ? 4 : ((n == 1)) ? 1 : ((n == 2)) ? 2 : "
                                        "((n == 0)) ? 0 : 5);"})
    report = tmp_path / "audit.json"
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", AUDIT, "--project", str(sandbox), "build", "--lang", "ar",
                             "--lang", "zh_CN", "--handout", "carcinoid-syndrome", "--product", "card", "--product", "poster",
                             "--out", str(out), "--jobs", "1"],  # (pseudo text is 35% longer: leaflets overflow)
                            cwd=PROJECT,
                            capture_output=True, text=True, timeout=300, env={**os.environ, "AUDIT_OUT": str(report)})
    data = json.loads(report.read_text())
    assert data["code"] == 0, result.stderr[-1000:]
    assert data["sockets"] == []
    allowed = [str(PROJECT), str(tmp_path), os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix),
               "/dev/", "/proc/", "/etc/localtime", "/usr/share/zoneinfo"]
    outside = [p for p in data["opened"] if not any(p.startswith(a) for a in allowed)]
    assert outside == [], outside


def test_an_interrupted_build_leaves_no_partial_file_and_a_true_manifest(tmp_path):
    import hashlib

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--paper", "all", "--out", str(out),
                             "--jobs", "2"], cwd=PROJECT, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("*/*.pdf"))) < 5:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-1000:]
    assert "Traceback" not in err
    assert not list(out.rglob("*.partial"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["file"]: e["sha256"] for e in manifest["files"]}
    on_disk = {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*/*.pdf")}
    assert listed == on_disk and listed
