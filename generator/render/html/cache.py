"""A small on-disk cache for what the web edition derives (font subsets, thumbnails)."""

from __future__ import annotations

import os
from pathlib import Path


def store(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically; a read-only cache is not an error: the site is still
    built, only slower next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
