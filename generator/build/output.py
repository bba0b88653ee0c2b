"""Stage 5: write PDFs atomically and keep output/manifest.json true to what is on disk."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes):
    """Write to a temporary file beside the target, then rename: never a half-written PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def remove_partials(out: Path):
    """Leftovers of a build that was killed between write and rename."""
    for tmp in out.glob("**/.*.partial"):
        tmp.unlink(missing_ok=True)


class Manifest:
    """Every file built: handout, language, product, paper, pages, SHA-256, review status."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / MANIFEST
        self.entries: dict[str, dict] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = {e["file"]: e for e in data.get("files", [])}
            except (ValueError, KeyError, TypeError):
                self.entries = {}
        self.reconcile()

    def reconcile(self):
        """Drop entries whose file is gone or changed (e.g. after an interrupted build)."""
        for name, entry in list(self.entries.items()):
            path = self.out / name
            if not path.is_file() or path.stat().st_size != entry.get("bytes"):
                del self.entries[name]

    def verify(self):
        """Keep only entries whose file is on disk with exactly the listed content."""
        for name, entry in list(self.entries.items()):
            path = self.out / name
            if not path.is_file() or sha256(path.read_bytes()) != entry.get("sha256"):
                del self.entries[name]

    def add(self, entry: dict):
        self.entries[entry["file"]] = entry

    def save(self):
        files = sorted(self.entries.values(), key=lambda e: e["file"])
        text = json.dumps({"generator": "net-leaflets", "files": files}, ensure_ascii=False, indent=1) + "\n"
        write_atomic(self.path, text.encode("utf-8"))
