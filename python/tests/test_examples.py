"""The example scripts run as they stand (with a short episode), each starting the embedded server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    "script, args, expect",
    [
        ("substrate_random.py", ["clean_up", "30"], "returns:"),
        ("scenario_random.py", ["commons_harvest__open_1", "30"], "focal per-capita return"),
        ("pettingzoo_random.py", ["commons_harvest__open", "30"], "saved to world.npy"),
        ("meltingpot_docs.py", [], "visiting an altruistic population"),
    ],
)
def test_example_runs_as_it_stands(tmp_path: Path, script: str, args: list[str], expect: str) -> None:
    # The package from this checkout's sources (test_embedded.py covers the installed one).
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent))
    out = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert expect in out.stdout
