"""Stage 5: write PDFs atomically and keep output/manifest.json true to what is on disk.

The output folder is often one a clinic already uses, so the build:
- takes an exclusive lock on it (`.net-leaflets.lock`, flock: released by the kernel on
  every exit, even SIGKILL), so two builds never write into one folder at once;
- refuses a non-empty folder that is not one of its outputs, unless asked (`--force`);
- removes only its own leftovers: `.<file>.<pid>.partial` beside files it writes, in the
  folders it writes, for names it would write, and only if that process is gone;
- trusts a manifest entry only when the file on disk has the listed SHA-256.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from pathlib import Path

from generator.errors import UserError

MANIFEST = "manifest.json"
LOCK = ".net-leaflets.lock"
GENERATOR = "net-leaflets"
# Names an output folder may hold that do not make it "someone else's" (desktop and VCS litter).
HARMLESS = {".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", ".gitignore", "README.md"}
PARTIAL = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.partial\Z")
ENTRY_FILE = re.compile(r"[A-Za-z0-9_]+/[A-Za-z0-9_.-]+\.pdf\Z")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes):
    """Write to a temporary file beside the target, then rename: never a half-written PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        try:
            fd = os.open(tmp, flags, 0o644)
        except FileExistsError:  # our own leftover, or a link planted at our name: remove the name, never follow it
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o644)
        with open(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def remove_partials(out: Path, folders, is_ours):
    """Leftovers of a build killed between write and rename: only in `folders` (where we write),
    only `.<name>.<pid>.partial` whose <name> `is_ours(folder, name)`, and only if <pid> is gone.
    Never recursive, never a file another program made."""
    removed = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            m = PARTIAL.match(name)
            if not m or not is_ours(folder, m["name"]) or _alive(int(m["pid"])):
                continue
            path = folder / name
            if path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def describe_oserror(exc: OSError, path: Path, doing: str) -> UserError:
    """One line for a failure to create or write in the output folder (named in full, as --out was given)."""
    reason = {errno.ENOSPC: "the disk is full; free some space or choose another --out",
              errno.EDQUOT: "the disk quota is used up; free some space or choose another --out",
              errno.EROFS: "the disk is read-only; choose another --out",
              errno.EACCES: "permission denied; choose a folder you can write to with --out",
              errno.EPERM: "permission denied; choose a folder you can write to with --out",
              errno.EFBIG: "the file is larger than this system allows; free some space or choose another --out",
              errno.ENOTDIR: "a part of the path is a file, not a folder; choose a folder with --out",
              errno.EEXIST: "it is a file, not a folder; choose a folder with --out"}.get(
        exc.errno, f"{exc.strerror or exc}; choose another --out")
    return UserError(f"cannot {doing}: {reason}", str(path))


class OutputFolder:
    """The locked output folder for one build: `with OutputFolder(out, force): ...`."""

    def __init__(self, out: Path, force: bool = False, inputs=()):
        self.out, self.force = out, force
        # The build's own input files (the clinic file and its logo) may sit in the folder: they are
        # read, never written, and do not make the folder someone else's.
        self.inputs = {Path(p).name for p in inputs if p and Path(p).resolve().parent == out.resolve()}
        self._fd = None

    def __enter__(self) -> OutputFolder:
        out = self.out
        if out.exists() and not out.is_dir():
            raise UserError("--out is a file, not a folder; choose a folder (it is created if missing)", str(out))
        if out.is_dir() and not self.force:
            foreign = self.foreign_entries()
            if foreign:
                raise UserError(f"folder is not empty and is not an output of this program ({foreign}); choose a "
                                f"new or empty folder, or add --force to build into it (its files are left alone)",
                                str(out))
        try:
            out.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as exc:
            raise describe_oserror(exc, out, "use the output folder") from None
        return self

    def foreign_entries(self) -> str:
        """'' if the folder is empty or ours (a manifest of ours, or our lock), else a few names."""
        lock = self.out / LOCK
        if (lock.is_file() and not lock.is_symlink()) or _is_our_manifest(self.out / MANIFEST):
            return ""
        names = sorted(n for n in os.listdir(self.out) if n not in HARMLESS and n not in self.inputs)
        return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")

    def _lock(self):
        import fcntl

        path = self.out / LOCK
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise UserError(f"another build is writing to this folder{who}; wait for it to finish, or choose "
                            f"another --out", str(self.out)) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def __exit__(self, *exc):
        if self._fd is not None:
            import fcntl

            try:
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        return False


def _is_our_manifest(path: Path) -> bool:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 64 << 20:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR


class Manifest:
    """Every file built: handout, language, product, paper, pages, SHA-256, review status."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / MANIFEST
        self.entries: dict[str, dict] = {}
        data = None
        try:
            if self.path.is_file() and self.path.stat().st_size <= 64 << 20:
                data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        files = data.get("files") if isinstance(data, dict) and data.get("generator") == GENERATOR else None
        for e in files if isinstance(files, list) else []:
            # Only entries naming a file of ours, <lang>/<name>.pdf: never an absolute path or '..'.
            if isinstance(e, dict) and isinstance(e.get("file"), str) and ENTRY_FILE.match(e["file"]) \
                    and ".." not in e["file"]:
                self.entries[e["file"]] = e
        self.reconcile()

    def reconcile(self):
        """Keep only entries whose file is on disk with exactly the listed content (SHA-256)."""
        for name, entry in list(self.entries.items()):
            path = self.out / name
            try:
                ok = path.is_file() and not path.is_symlink() and sha256(path.read_bytes()) == entry.get("sha256")
            except OSError:
                ok = False
            if not ok:
                del self.entries[name]

    verify = reconcile

    def add(self, entry: dict):
        """Add or replace an entry (entries are replaced, never changed in place: save() keeps each one's text)."""
        self.entries[entry["file"]] = entry

    def save(self):
        """The same bytes as json.dumps(..., indent=1) of the whole manifest, but each entry is encoded once
        (its text kept while the entry is the same object): a build saves after every file, and encoding
        the whole manifest each time cost more than a second per build of 500 files."""
        files = sorted(self.entries.values(), key=lambda e: e["file"])
        if not files:
            text = json.dumps({"generator": GENERATOR, "files": files}, ensure_ascii=False, indent=1)
        else:
            cache = self.__dict__.setdefault("_texts", {})
            texts = []
            for entry in files:
                hit = cache.get(entry["file"])
                if hit is None or hit[0] is not entry:
                    hit = cache[entry["file"]] = (entry, json.dumps(entry, ensure_ascii=False, indent=1)
                                                  .replace("\n", "\n  "))
                texts.append(hit[1])
            text = (f'{{\n "generator": {json.dumps(GENERATOR, ensure_ascii=False)},\n "files": [\n  '
                    + ",\n  ".join(texts) + "\n ]\n}")
        write_atomic(self.path, (text + "\n").encode("utf-8"))
