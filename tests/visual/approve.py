"""Re-approve the visual references after a deliberate design change: `make approve-visuals`.

Builds the sample (tests/visual/harness.py), writes tests/visual/refs/*.png, and lists them.
Look at the changed pages (git diff --stat tests/visual/refs) before committing them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.visual.harness import REFS, approve, sample_images


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="net-visual-") as tmp:
        images = sample_images(Path(tmp) / "out")
    written = approve(images)
    size = sum(p.stat().st_size for p in written)
    print(f"approved {len(written)} pages into {REFS.relative_to(Path.cwd()) if REFS.is_relative_to(Path.cwd()) else REFS} "
          f"({size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
