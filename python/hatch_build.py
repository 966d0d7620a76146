"""Build hook: ship the Crucible server inside the wheel.

1. Bundle the repository's server (``../server/index.ts`` and what it imports) into ``crucible/_server/server.mjs``
   with ``scripts/bundle_server.mjs`` (esbuild, from the repository's node_modules: run ``npm ci`` first).
2. Start that bundle once and save ``GET /api/substrates`` as ``crucible/_catalogue.json``: the substrate and
   scenario lists (``SUBSTRATES``, ``SCENARIOS``, ...) the package reads at import time, so they come from the
   server they ship with.

Building from an sdist (no repository around it) uses the files the sdist carries.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUNDLE = HERE / "crucible" / "_server" / "server.mjs"
CATALOGUE = HERE / "crucible" / "_catalogue.json"


def _node() -> str:
    node = os.environ.get("CRUCIBLE_NODE") or shutil.which("node")
    if not node:
        raise RuntimeError("building the crucible package needs Node.js 20.19+ on the PATH (it bundles the server)")
    return node


def bundle_server() -> None:
    in_repo = (ROOT / "server" / "index.ts").is_file()
    if in_repo and (ROOT / "node_modules" / "esbuild").is_dir():
        subprocess.run([_node(), str(HERE / "scripts" / "bundle_server.mjs"), str(BUNDLE.parent)], check=True, cwd=ROOT)
    elif not BUNDLE.is_file():
        hint = "run `npm ci` at the repository root first" if in_repo else "build from a repository checkout"
        raise RuntimeError(f"cannot bundle the Crucible server: esbuild is not installed ({hint})")


def write_catalogue() -> None:
    env = dict(os.environ, PORT="0", HOST="127.0.0.1", CRUCIBLE_RESULTS=str(HERE / "build" / "catalogue-results" / "e.jsonl"))
    proc = subprocess.Popen([_node(), str(BUNDLE)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            m = re.search(r"Crucible listening on port (\d+)", line)
            if m:
                with urllib.request.urlopen(f"http://127.0.0.1:{m.group(1)}/api/substrates", timeout=60) as res:
                    catalogue: Any = json.loads(res.read())
                break
        else:
            raise RuntimeError("the bundled server did not start:\n" + "".join(lines))
    finally:
        proc.terminate()
        proc.wait(10)
    CATALOGUE.write_text(json.dumps(catalogue, indent=1, sort_keys=True) + "\n")
    shutil.rmtree(HERE / "build" / "catalogue-results", ignore_errors=True)


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        bundle_server()
        write_catalogue()
