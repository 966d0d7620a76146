"""The training example (python/examples/train_ippo.py) runs end to end in 20 seconds and writes its curve."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_train_ippo_smoke_run_writes_the_learning_curve(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent))
    args = ["--minutes", "0.33", "--num-envs", "2", "--episode-steps", "40", "--random-episodes", "3", "--rollout", "32",
            "--out", str(tmp_path)]
    out = subprocess.run([sys.executable, str(EXAMPLES / "train_ippo.py"), *args], capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr
    assert "evaluation return" in out.stdout
    with open(tmp_path / "learning_curve.csv") as f:
        rows = list(csv.DictReader(f))
    kinds = {r["kind"] for r in rows}
    assert kinds == {"training", "evaluation", "random"}, kinds
    random_row = next(r for r in rows if r["kind"] == "random")
    assert int(random_row["episodes"]) == 3
    assert float(next(r for r in rows if r["kind"] == "evaluation")["agent_steps_millions"]) > 0
    png = (tmp_path / "learning_curve.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
