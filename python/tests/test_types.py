"""The package is fully typed: mypy --strict passes over it (it ships a py.typed marker)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "crucible"


def test_the_package_passes_mypy_strict() -> None:
    assert (PACKAGE / "py.typed").is_file()
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports", "--no-incremental", str(PACKAGE)],
        capture_output=True, text=True, timeout=600, cwd=PACKAGE.parent,
    )
    assert out.returncode == 0, out.stdout + out.stderr
