"""The clinic's own details (clinic.toml), printed on every product.

The shipped file is deliberately generic: with no name, products say "Your care
team" (in the reader's language) and leave a line to write a phone number on.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UserError, where
from generator.markup import BIDI_CONTROLS

KEYS = ("name", "phone", "website", "address", "logo", "resources_url", "site_url", "paper")
PAPERS = ("a4", "letter")  # clinic.toml's paper: one family for every language; empty: each language's region
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,30}([ ]?(ext\.?|x)[ ]?[0-9]{1,6})?$")
WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s<>\"]*)?$")
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4000 * 4000


@dataclass
class Clinic:
    name: str
    phone: str
    website: str
    address: str
    logo: str | None = None
    resources_url: str = "https://www.carcinoid.org"  # the poster's QR code; clinic.toml can change it
    generic: bool = False  # the default: "Your care team", never a made-up clinic
    site_url: str = ""  # where the clinic publishes the web edition (output/site/); posters' QR codes lead there
    paper: str = ""  # "a4" or "letter": the paper every language is built on unless --paper says otherwise; "": the region's


def load_clinic(project: Path, path: Path | None = None) -> Clinic:
    path = Path(path) if path else project / "clinic.toml"
    if not path.exists():
        if path == project / "clinic.toml":
            return Clinic("", "", "", "", None, generic=True)  # generic: "Your care team"
        raise UserError("clinic file not found; check the --clinic path", where(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text; save it as UTF-8", where(path)) from None
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise UserError(f"TOML syntax error: {exc}; put text in double quotes", where(path, int(line.group(1)) if line else None)) from None
    section = data.get("clinic")
    if not isinstance(section, dict):
        raise UserError("needs a [clinic] section with name, phone, website, address, logo", where(path))
    for key, value in section.items():
        if key not in KEYS:
            raise UserError(f"unknown key '{key}' in [clinic]; allowed: {', '.join(KEYS)}", where(path))
        if not isinstance(value, str):
            raise UserError(f"'{key}' must be text in double quotes", where(path))
    get = lambda k: section.get(k, "").strip()  # noqa: E731
    for key in KEYS:  # plain text only: no tags, control or bidirectional-override characters
        value = get(key)
        if "<" in value or ">" in value or any(ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" for ch in value):
            raise UserError(f"'{key}' may only hold plain text (no < >, control or direction characters)", where(path))
    if get("phone") and not PHONE.match(get("phone")):
        raise UserError(f"phone {get('phone')!r} does not look like a phone number (digits, spaces, + ( ) - .)", where(path))
    for key in ("website", "resources_url", "site_url"):
        if get(key) and not WEBSITE.match(get(key)):
            raise UserError(f"{key} {get(key)!r} is not a web address such as https://example.org", where(path))
    if get("paper").lower() not in ("", *PAPERS):
        line = next((n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if re.match(r"\s*paper\s*=", text)), None)
        raise UserError(f"paper {get('paper')!r}: use \"a4\", \"letter\", or \"\" for each language's region "
                        f"(US Letter in the Americas' Letter countries and the Philippines, A4 elsewhere)",
                        where(path, line))
    logo = _logo(project, path, get("logo")) if get("logo") else None
    name = get("name")
    clinic = Clinic(name, get("phone"), get("website"), get("address"), logo, generic=not name)
    if get("resources_url"):
        clinic.resources_url = get("resources_url") if "://" in get("resources_url") else "https://" + get("resources_url")
    clinic.paper = get("paper").lower()
    if get("site_url"):
        clinic.site_url = get("site_url") if "://" in get("site_url") else "https://" + get("site_url")
    return clinic


def _logo(project: Path, clinic_file: Path, value: str) -> str:
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        raise UserError(f"logo {value!r} is a URL; download the image into the project and give its path", where(clinic_file))
    logo = (clinic_file.parent / value).resolve()
    roots = [project.resolve(), clinic_file.parent.resolve()]
    if not any(logo.is_relative_to(r) for r in roots):
        raise UserError(f"logo {value!r} is outside the project; copy it next to clinic.toml", where(clinic_file))
    if not logo.is_file():
        raise UserError(f"logo {value!r} not found", where(clinic_file))
    if logo.stat().st_size > MAX_LOGO_BYTES:
        raise UserError(f"logo {value!r} is larger than 2 MB; use a smaller PNG or JPEG", where(clinic_file))
    head = logo.read_bytes()[:16]
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        raise UserError(f"logo {value!r} is not a PNG or JPEG image", where(clinic_file))
    try:
        from PIL import Image

        with Image.open(logo) as img:
            if img.width * img.height > MAX_LOGO_PIXELS:
                raise UserError(f"logo {value!r} is {img.width}x{img.height} pixels; use at most 4000x4000", where(clinic_file))
            img.verify()
    except UserError:
        raise
    except Exception as exc:  # Pillow raises many types for damaged files
        raise UserError(f"logo {value!r} cannot be read as an image ({exc.__class__.__name__})", where(clinic_file)) from None
    return str(logo)
