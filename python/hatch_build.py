"""Build hook: ship the Crucible server inside the wheel.

``scripts/bundle_server.mjs`` (esbuild, from the repository's node_modules: run ``npm ci`` first) bundles the
repository's server (``../server/index.ts`` and what it imports) into ``crucible/_server/server.mjs``, then starts
it once and saves ``GET /api/substrates`` as ``crucible/_catalogue.json``: the substrate and scenario lists
(``SUBSTRATES``, ``SCENARIOS``, ...) the package reads at import time, so they come from the server it ships.

Building from an sdist (no repository around it) uses the files the sdist carries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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
        subprocess.run([_node(), str(HERE / "scripts" / "bundle_server.mjs"), str(HERE / "crucible")], check=True, cwd=ROOT)
    elif not (BUNDLE.is_file() and CATALOGUE.is_file()):
        hint = "run `npm ci` at the repository root first" if in_repo else "build from a repository checkout"
        raise RuntimeError(f"cannot bundle the Crucible server: esbuild is not installed ({hint})")


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        bundle_server()
