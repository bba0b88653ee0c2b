"""More hostile input found while hardening (issue 18, item 8): planted links, damaged caches and
lists, special files. Each is the exact one line (or a normal build) and never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import PROJECT
from .test_hardening_i18n import ES, ES_PLURAL, complete_catalogues, header_line, set_header

CARD = ("--lang", "en", "--handout", "carcinoid-syndrome", "--product", "card")
CARD_PDF = "en/carcinoid-syndrome-card-id-1.pdf"


def cli(project, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=timeout)


def one_line(result, line):
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert line in result.stderr.splitlines(), f"wanted:\n{line}\ngot:\n{result.stderr[-2000:]}"


def test_a_link_planted_at_our_temporary_name_is_not_followed(sandbox, tmp_path):
    """The partial file's name is predictable (pid); a link there must not make us write elsewhere."""
    out = tmp_path / "out"
    assert cli(sandbox, "build", *CARD, "--out", str(out)).returncode == 0
    (out / CARD_PDF).unlink()
    victim = tmp_path / "precious.txt"
    victim.write_text("do not overwrite")
    # the next pid is not known in advance: plant links for a range of them, and for the manifest
    start = os.getpid()
    for pid in range(start, start + 400):
        for name in (f"en/.carcinoid-syndrome-card-id-1.pdf.{pid}.partial", f".manifest.json.{pid}.partial"):
            (out / name).symlink_to(victim)
    result = cli(sandbox, "build", *CARD, "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert victim.read_text() == "do not overwrite"
    assert (out / CARD_PDF).read_bytes().startswith(b"%PDF")


def test_a_manifest_that_is_a_link_is_replaced_not_written_through(sandbox, tmp_path):
    out = tmp_path / "out"
    assert cli(sandbox, "build", *CARD, "--out", str(out)).returncode == 0
    victim = tmp_path / "precious.json"
    victim.write_text('{"generator": "net-leaflets", "files": []}')
    (out / "manifest.json").unlink()
    (out / "manifest.json").symlink_to(victim)
    (out / CARD_PDF).unlink()
    assert cli(sandbox, "build", *CARD, "--out", str(out)).returncode == 0
    assert victim.read_text() == '{"generator": "net-leaflets", "files": []}'
    assert not (out / "manifest.json").is_symlink()


def test_a_lock_file_that_is_a_link(sandbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".net-leaflets.lock").symlink_to(tmp_path / "elsewhere")
    result = cli(sandbox, "build", *CARD, "--out", str(out))
    assert result.returncode == 1
    one_line(result, f"error: {out}: folder is not empty and is not an output of this program (.net-leaflets.lock); "
                     f"choose a new or empty folder, or add --force to build into it (its files are left alone)")
    result = cli(sandbox, "build", *CARD, "--out", str(out), "--force")
    assert result.returncode == 1
    one_line(result, f"error: {out}: cannot use the output folder: Too many levels of symbolic links; choose "
                     f"another --out")
    assert not (tmp_path / "elsewhere").exists()


def test_a_catalogue_linked_to_a_device(sandbox):
    complete_catalogues(sandbox, {"es": ES_PLURAL})
    po = sandbox / ES
    po.unlink()
    po.symlink_to("/dev/zero")  # reading it would never end
    result = cli(sandbox, "build", "--lang", "es", "--lang", "en", "--handout", "carcinoid-syndrome", "--product",
                 "card", "--out", str(sandbox / "out"), timeout=60)
    # (named in full: the link points outside the project)
    one_line(result, f"{sandbox / ES}: catalogue is not a regular file; replace it with the .po file itself")
    assert (sandbox / "out" / CARD_PDF).is_file()


def test_a_damaged_check_cache_is_rebuilt(sandbox):
    complete_catalogues(sandbox, {"es": ES_PLURAL})
    for damaged in ("[1, 2]", '{"es": "x", "en": {"key": 1}}', '{"es": {"key": "k", "problems": "none"}}', "\x00"):
        (sandbox / ".cache").mkdir(exist_ok=True)
        (sandbox / ".cache" / "checks.json").write_text(damaged)
        result = cli(sandbox, "build", "--lang", "es", "--handout", "carcinoid-syndrome", "--product", "card",
                     "--out", str(sandbox / "out"))
        assert result.returncode == 0 and "Traceback" not in result.stderr, (damaged, result.stderr[-2000:])
        assert isinstance(json.loads((sandbox / ".cache" / "checks.json").read_text())["es"]["problems"], list)


def test_a_cached_check_result_cannot_hide_a_new_problem(sandbox):
    complete_catalogues(sandbox, {"es": ES_PLURAL})
    args = ("build", "--lang", "es", "--handout", "carcinoid-syndrome", "--product", "card",
            "--out", str(sandbox / "out"))
    assert cli(sandbox, *args).returncode == 0
    set_header(sandbox / ES, "Plural-Forms", "nplurals=2; plural=(n == 1);")
    result = cli(sandbox, *args)
    one_line(result, f'{ES}: [es] Plural-Forms gives form 1 for 1, but CLDR puts 1 in form 0 (\'one\') for es; '
                     f'set the header to "Plural-Forms: {ES_PLURAL}\\n"')


def test_linguas_and_allow_lists_that_are_not_text(sandbox):
    (sandbox / "locales" / "LINGUAS").write_bytes(b"fr_CA \xff\xfe es\n")
    result = cli(sandbox, "build", *CARD, "--out", str(sandbox / "out"))
    assert result.returncode == 1
    one_line(result, "error: locales/LINGUAS: not UTF-8 (byte 6); save it as UTF-8")
    (sandbox / "locales" / "LINGUAS").write_text("es\n")
    complete_catalogues(sandbox, {"es": ES_PLURAL})
    (sandbox / "locales" / "numbers-ok.txt").write_bytes(b"\x89PNG\r\n")
    result = cli(sandbox, "build", "--lang", "es", "--handout", "carcinoid-syndrome", "--product", "card",
                 "--out", str(sandbox / "out"))
    assert result.returncode == 1
    one_line(result, "error: locales/numbers-ok.txt: not UTF-8 (byte 0); save it as UTF-8")


def test_a_header_hidden_after_a_context_is_not_the_header(sandbox):
    """'msgctxt "x"' + 'msgid ""' is an ordinary message, not a second header Babel would apply."""
    complete_catalogues(sandbox, {"es": ES_PLURAL})
    po = sandbox / ES
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgctxt "x"\nmsgid ""\nmsgstr "Plural-Forms: nplurals=9;"\n',
                  encoding="utf-8")
    result = cli(sandbox, "build", "--lang", "es", "--handout", "carcinoid-syndrome", "--product", "card",
                 "--out", str(sandbox / "out"))
    assert "Traceback" not in result.stderr
    assert f"{ES}:{header_line(po)}:" not in result.stderr


def test_jobs_zero_and_negative(sandbox):
    for jobs in ("0", "-3"):
        result = cli(sandbox, "build", *CARD, "--out", str(sandbox / "out"), "--jobs", jobs)
        assert result.returncode == 1
        one_line(result, "error: --jobs must be 1 or more")


def test_compile_skips_a_bad_catalogue_and_compiles_the_others(sandbox):
    from .test_hardening_i18n import RU, RU_PLURAL

    complete_catalogues(sandbox, {"es": ES_PLURAL, "ru": RU_PLURAL})
    set_header(sandbox / RU, "Plural-Forms", "nplurals=99999999999999999999; plural=0;")
    result = cli(sandbox, "compile")
    assert result.returncode == 1
    one_line(result, f'{RU}:{header_line(sandbox / RU)}: [ru] Plural-Forms cannot be used (nplurals='
                     f'99999999999999999999 is not a number from 1 to 6); set the header to "Plural-Forms: '
                     f'{RU_PLURAL}\\n"')
    assert (sandbox / ES).with_suffix(".mo").is_file()
    assert not (sandbox / RU).with_suffix(".mo").exists()


def test_a_huge_catalogue_costs_no_memory(sandbox):
    """A sparse 1.5 GB .po under a 1 GB memory limit: hashed in blocks for the rebuild digest, then refused."""
    import resource

    complete_catalogues(sandbox, {"es": ES_PLURAL})
    po = sandbox / ES
    with open(po, "r+b") as f:
        f.truncate(3 << 29)  # sparse: no disk space used
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(sandbox), "build", "--lang", "es",
                             "--lang", "en", "--handout", "carcinoid-syndrome", "--product", "card", "--out",
                             str(sandbox / "out")], cwd=PROJECT, capture_output=True, text=True, timeout=300,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)))
    one_line(result, f"{ES}: catalogue is 1610.6 MB, more than the 4 MB a catalogue may be; it is not a translation "
                     f"of these handouts")
    assert (sandbox / "out" / CARD_PDF).is_file()
