"""Mutation testing of the Python package with mutatest (https://github.com/EvanKepner/mutatest).

``npm run mutate:py -- [python/crucible/file.py] [--tests python/tests/a.py,...] [--timeout-factor F]`` mutates the
file (default: the protocol layer, ``python/crucible/protocol.py``) against the tests that own it (TESTS below), in
mutatest's full mode (every mutation at every location), prints mutatest's report (the surviving mutants as
``file: (l: line, c: column) - mutation from X to Y``) and then one JSON line:
``{"file", "mutants", "killed", "timeout", "survived", "errors", "score"}``. ``killed`` counts the mutants whose test
run failed (mutatest's DETECTED) plus those whose module could not even be imported (its ERROR and UNKNOWN: pytest
stopped before running a test, exit code 2 or 4); ``score`` is killed + timed out over all, as in the TypeScript runs.

mutatest is a developer tool, not a dependency of the package or of CI: ``pip install mutatest`` into the
interpreter named by CRUCIBLE_MUTATE_PYTHON (with numpy, msgpack, websockets and pytest). It writes each mutant as
the file's cached bytecode (``__pycache__``), so nothing else may import the package from this tree while it runs.
mutatest 3.1 calls ``random.sample`` on a set, which Python 3.11 refuses: the call is given a sorted list here.

In its full mode mutatest still leaves a location at the first mutant whose run errs or times out; here every
mutant of every location is run, as the mode's description says ("run all possible combinations"), and in a fixed
order (``--seed``), so that two runs count the same mutants.

Type annotations are not mutated (as Stryker leaves TypeScript's types alone): under ``from __future__ import
annotations`` they are never evaluated, so ``bytes | memoryview`` → ``bytes & memoryview`` or ``-> None`` →
``-> True`` cannot change what the program does. mutatest's AST visitor is told not to enter an argument's, an
annotated assignment's or a function's return annotation; defaults and assigned values are still mutated.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

# Each measured file and the tests that own it (paths from the repository's root).
TESTS: dict[str, list[str]] = {
    "python/crucible/protocol.py": ["python/tests/test_protocol.py"],
}

_sample = random.sample


def _sample_sorted(population: Any, k: int, **kwargs: Any) -> list[Any]:
    if isinstance(population, (set, frozenset)):
        population = sorted(population, key=str)
    return _sample(population, k, **kwargs)


def _skip_annotations(visitor: Any) -> None:
    """Keep mutatest's AST visitor (a NodeTransformer) out of type annotations."""

    def visit_arg(self: Any, node: ast.arg) -> ast.AST:  # an argument holds nothing but its name and annotation
        return node

    def visit_AnnAssign(self: Any, node: ast.AnnAssign) -> ast.AST:
        node.target = self.visit(node.target)
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_function(self: Any, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        returns, node.returns = node.returns, None
        self.generic_visit(node)
        node.returns = returns
        return node

    visitor.visit_arg = visit_arg
    visitor.visit_AnnAssign = visit_AnnAssign
    visitor.visit_FunctionDef = visit_function
    visitor.visit_AsyncFunctionDef = visit_function


def main() -> None:
    parser = argparse.ArgumentParser(prog="npm run mutate:py --")
    parser.add_argument("file", nargs="?", default="python/crucible/protocol.py")
    parser.add_argument("--tests", help="comma-separated test files (default: the file's own, TESTS)")
    parser.add_argument("--seed", type=int, default=1, help="the order mutatest tries the mutants in")
    parser.add_argument("--timeout-factor", type=float, default=20.0,
                        help="a mutant's run may take this many times the clean run before it counts as timed out")
    args = parser.parse_args()
    tests = args.tests.split(",") if args.tests else TESTS.get(args.file)
    if not tests:
        parser.error(f"no tests known for {args.file}; pass --tests (known: {', '.join(TESTS)})")
    for path in [args.file, *tests]:
        if not Path(path).is_file():
            parser.error(f"no such file: {path} (run from the repository's root)")
    try:
        from mutatest import cli, transformers
    except ImportError:
        sys.exit(f"mutatest is not installed in {sys.executable}: pip install mutatest (a developer tool)")

    random.sample = _sample_sorted
    _skip_annotations(transformers.MutateAST)
    for attr in ("break_on_error", "break_on_unknown", "break_on_timeout"):
        setattr(cli.RunMode, attr, property(lambda self: self.mode != "f"))
    report = Path(tempfile.mkdtemp(prefix="crucible-mutate-")) / "report.rst"
    test_cmd = f"{sys.executable} -m pytest -x -q -p no:cacheprovider {' '.join(tests)}"
    cli.main(cli.cli_args([
        "-s", args.file, "-t", test_cmd, "-m", "f", "-n", "1000000", "--nocov", "-r", str(args.seed),
        "--timeout_factor", str(args.timeout_factor), "-o", str(report),
    ]))

    counts = {k: int(v) for k, v in re.findall(r"^ - ([A-Z]+): (\d+)$", report.read_text(), re.MULTILINE)}
    killed = counts.get("DETECTED", 0) + counts.get("ERROR", 0) + counts.get("UNKNOWN", 0)
    timeout, survived = counts.get("TIMEOUT", 0), counts.get("SURVIVED", 0)
    mutants = killed + timeout + survived
    print(json.dumps({
        "file": args.file, "mutants": mutants, "killed": killed, "timeout": timeout, "survived": survived,
        "errors": counts.get("ERROR", 0) + counts.get("UNKNOWN", 0),
        "score": round(100 * (killed + timeout) / mutants, 1) if mutants else None,
    }))


if __name__ == "__main__":
    main()
