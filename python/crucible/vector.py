"""Vectorised environments: N independent worlds of one substrate stepped together, for training.

``make(substrate, num_envs=N, obs="rgb", scenario=None, seed=0)`` starts worker processes (``node``, the package's
bundled ``_server/vector.mjs``; one by default, ``workers=2`` on two free cores) that hold the worlds. One
``step(actions)`` is ONE message to each worker and one reply: the workers step their worlds, render every agent's
observation and write the whole batch into a shared-memory file (``/dev/shm``) that this process maps, so the
arrays ``step`` returns are numpy views of that mapping, filled with no copy and no per-agent Python object.

The agents are part of the batch, as in PufferLib and SuperSuit's vectorised PettingZoo: with F focal agents per
world (every player without a scenario), row ``w·F + i`` of every array is focal slot ``focal_slots[i]`` of world
``w``, and ``num_envs`` (Gymnasium's name for the batch size) is N·F. World ``w`` starts with seed ``seed + w``; its
k-th episode uses ``seed + w + k·N``.

``reset(seed=None) -> (obs, infos)`` and ``step(actions) -> (obs, rewards, terminations, truncations, infos)`` follow
Gymnasium's ``VectorEnv`` (``autoreset_mode``: ``"next_step"``, Gymnasium's default, or ``"same_step"``):
  obs           (N·F, h, w, 3) uint8 (rgb) or (N·F, h, w) uint8 (symbolic)
  rewards       (N·F,) float32
  terminations  (N·F,) bool, truncations (N·F,) bool (a world's end, repeated for its agents)
  infos         {"reset": (N·F,) bool — this row starts a new episode,
                 "episode_return"/"_episode_return", "episode_length"/"_episode_length": the ended episode's return
                 and length where the mask is True (on the step that reports the end)}
The substrate's other observations are views too: ``env.ready_to_shoot`` (N·F,) and ``env.vector`` (N·F, V) with
``env.vector_fields`` naming its columns (e.g. Clean Up's NUM_OTHERS_WHO_CLEANED_THIS_STEP).

The returned arrays are overwritten by the next ``step``/``reset`` (copy what you keep: a rollout buffer does).
``transport="pipe"`` sends the batch through the worker's stdout instead (read into preallocated arrays): the
alternative the benchmark measures, and a fallback where no shared memory is available.
"""

from __future__ import annotations

import importlib
import io
import json
import mmap
import os
import struct
import subprocess
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np

from .errors import CrucibleError, ProtocolError, ServerGone, ServerStartError, error_from_code
from .server import find_node

def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# Gymnasium's vector conventions when it is installed (an optional dependency).
_gym_vector: Any = _optional("gymnasium.vector")
_gym_spaces: Any = _optional("gymnasium.spaces")
_VectorEnvBase: Any = _gym_vector.VectorEnv if _gym_vector is not None else object
_AutoresetMode: Any = getattr(_gym_vector, "AutoresetMode", None)  # gymnasium >= 1.1

__all__ = ["VectorEnv", "make", "worker_path"]

FLAG_TERMINATED = 1
FLAG_TRUNCATED = 2
FLAG_RESET = 4
_SECTIONS = ("obs", "vector", "reward", "ready", "episodeReturn", "flags", "length")
_ALIGN = 64
_HEAD = struct.Struct("<cI")


def worker_path() -> Path:
    """The bundled vector worker shipped in this package."""
    return Path(str(resources.files("crucible") / "_server" / "vector.mjs"))


def _align(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, node: str, options: dict[str, Any]) -> None:
        path = worker_path()
        if not path.is_file():
            raise ServerStartError(
                "SERVER_START_FAILED", f"the bundled vector worker {path} is missing: build the package (npm run build:python)"
            )
        self.first_world = int(options["firstWorld"])
        self.worlds = int(options["worlds"])
        self.proc = subprocess.Popen(
            # CRUCIBLE_VECTOR_NODE_ARGS: extra node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=prof".
            [node, *os.environ.get("CRUCIBLE_VECTOR_NODE_ARGS", "").split(), str(path), json.dumps(options)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.stdout = cast(io.RawIOBase, self.proc.stdout)  # unbuffered (bufsize=0): a FileIO
        self.rfd = self.stdout.fileno()
        self.wfd = self.stdin.fileno()

    def widen_pipe(self, nbytes: int) -> None:
        """Let the batch's pipe hold ``nbytes`` (up to the system's limit): a 64 KiB pipe passes an RGB batch in
        dozens of writer/reader hand-overs, each a wake-up of the other process."""
        try:
            import fcntl

            with open("/proc/sys/fs/pipe-max-size") as f:
                limit = int(f.read())
            fcntl.fcntl(self.rfd, fcntl.F_SETPIPE_SZ, max(65536, min(limit, nbytes)))
        except (ImportError, AttributeError, OSError, ValueError):
            pass  # not Linux, or not allowed: the default pipe works, with more hand-overs

    def hello(self) -> dict[str, Any]:
        line = b""
        while not line.endswith(b"\n"):
            chunk = self.stdout.read(1)
            if not chunk:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise ServerStartError("SERVER_START_FAILED", f"the vector worker exited before saying hello:\n{err}")
            line += chunk
        msg: dict[str, Any] = json.loads(line)
        if "error" in msg:
            e = msg["error"]
            self.close()
            raise error_from_code(e["code"], e["message"], e.get("details"))
        hello: dict[str, Any] = msg["hello"]
        return hello

    def send(self, op: bytes, payload: bytes | memoryview = b"") -> None:
        try:
            view = memoryview(_HEAD.pack(op, len(payload)) + bytes(payload))  # one write: one wake-up of the worker
            while len(view):
                view = view[os.write(self.wfd, view) :]
        except (BrokenPipeError, OSError) as e:
            raise ServerGone("SERVER_GONE", f"the vector worker is gone: {e}") from None

    def read_exact_into(self, view: memoryview) -> None:
        while len(view):
            got = self.stdout.readinto(view)
            if not got:
                raise ServerGone("SERVER_GONE", f"the vector worker exited (code {self.proc.poll()})")
            view = view[got:]

    def reply(self) -> tuple[bytes, bytes]:
        head = bytearray(5)
        self.read_exact_into(memoryview(head))
        op, n = _HEAD.unpack(head)
        body = bytearray(n)
        if n:
            self.read_exact_into(memoryview(body))
        return op, bytes(body)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send(b"Q")
            except CrucibleError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()


class VectorEnv(_VectorEnvBase):  # type: ignore[misc]
    """N worlds of a substrate as one batch of N·F agents (see the module comment)."""

    metadata: dict[str, Any] = {"autoreset_mode": None}

    def __init__(
        self,
        substrate: str,
        num_envs: int,
        *,
        obs: str = "rgb",
        scenario: str | None = None,
        seed: int = 0,
        workers: int = 1,
        transport: str = "pipe",
        autoreset_mode: str = "next_step",
        max_steps: int | None = None,
        node: str | None = None,
    ) -> None:
        if transport not in ("shm", "pipe"):
            raise error_from_code("INVALID_OPTION", f"transport must be 'shm' or 'pipe', got {transport!r}")
        if not isinstance(workers, int) or workers < 1 or workers > max(1, num_envs if isinstance(num_envs, int) else 1):
            raise error_from_code("INVALID_OPTION", f"workers must be an integer from 1 to num_envs ({num_envs}), got {workers!r}")
        self.transport = transport
        self.num_worlds = num_envs
        self.closed = False
        node = node or find_node()
        self._workers: list[_Worker] = []
        self._mmap: mmap.mmap | None = None
        try:
            first = 0
            for count in _split(num_envs, workers):
                opts = {
                    "substrate": substrate,
                    "scenario": scenario,
                    "obs": obs,
                    "worlds": count,
                    "firstWorld": first,
                    "totalWorlds": num_envs,
                    "seed": seed,
                    "autoreset": autoreset_mode,
                    "maxSteps": max_steps,
                }
                self._workers.append(_Worker(node, opts))
                first += count
            shapes = [w.hello() for w in self._workers]
            self._setup(shapes[0])
        except BaseException:
            self.close()
            raise

    def _setup(self, shape: dict[str, Any]) -> None:
        self.substrate: str = shape["substrate"]
        self.scenario: str | None = shape["scenario"]
        self.obs_mode: str = shape["obs"]
        self.players: int = shape["players"]
        self.focal_slots: tuple[int, ...] = tuple(shape["focalSlots"])
        self.agents_per_world: int = shape["agentsPerWorld"]
        self.action_names: tuple[str, ...] = tuple(shape["actions"])
        self.autoreset_mode: str = shape["autoreset"]
        self.vector_fields: tuple[tuple[str, int, int], ...] = tuple((f["name"], f["offset"], f["length"]) for f in shape["vector"])
        F, N = self.agents_per_world, self.num_worlds
        A = N * F
        self.num_agents = A
        self.num_envs = A  # Gymnasium's batch size: one row per agent
        obs_shape = tuple(shape["obsShape"]) if self.obs_mode != "none" else (0,)
        obs_bytes = int(shape["obsBytes"]) if self.obs_mode != "none" else 0
        V = int(shape["vectorLength"])
        sizes = {
            "obs": A * obs_bytes,
            "vector": A * V * 4,
            "reward": A * 4,
            "ready": A * 4,
            "episodeReturn": A * 4,
            "flags": N,
            "length": N * 4,
        }
        per_agent = {"obs": obs_bytes, "vector": V * 4, "reward": 4, "ready": 4, "episodeReturn": 4}
        per_world = {"flags": 1, "length": 4}
        starts: dict[str, int] = {}
        at = 0
        for s in _SECTIONS:
            starts[s] = at
            at = _align(at + sizes[s])
        total = max(at, _ALIGN)
        if self.transport == "shm":
            shm_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
            fd, path = tempfile.mkstemp(prefix="crucible-vector-", dir=shm_dir)
            try:
                os.ftruncate(fd, total)
                self._mmap = mmap.mmap(fd, total)
                buf: Any = self._mmap
            finally:
                os.close(fd)
        else:
            path = None
            buf = bytearray(total)
        self._buffer = buf
        self._layout: list[list[tuple[int, int]]] = []  # per worker: (offset, length) of each section, in order
        try:
            for w in self._workers:
                offsets = {}
                parts = []
                for s in _SECTIONS:
                    if s in per_agent:
                        off, n = starts[s] + w.first_world * F * per_agent[s], w.worlds * F * per_agent[s]
                    else:
                        off, n = starts[s] + w.first_world * per_world[s], w.worlds * per_world[s]
                    offsets[s] = off
                    parts.append((off, n))
                self._layout.append(parts)
                if self.transport == "pipe":
                    w.widen_pipe(5 + sum(n for _, n in parts))
                w.send(b"L", json.dumps({"transport": self.transport, "path": path, "offsets": offsets}).encode())
                self._expect(w, b"K")
        finally:
            if path is not None:
                os.unlink(path)  # the workers hold it open and this process maps it: nothing to clean up later
        mv = memoryview(buf)
        self._view = mv

        def section(name: str, dtype: Any, shp: tuple[int, ...]) -> np.ndarray:
            return np.frombuffer(mv, dtype=dtype, count=int(np.prod(shp)), offset=starts[name]).reshape(shp)

        self.observations = section("obs", np.uint8, (A, *obs_shape))
        self.vector = section("vector", np.float32, (A, V))
        self.rewards = section("reward", np.float32, (A,))
        self.ready_to_shoot = section("ready", np.float32, (A,))
        self._episode_return = section("episodeReturn", np.float32, (A,))
        self._flags = section("flags", np.uint8, (N,))
        self._length = section("length", np.uint32, (N,))
        self._actions = np.zeros(A, np.uint8)
        n_actions = len(self.action_names)
        if _gym_spaces is not None:
            spaces = _gym_spaces
            self.single_observation_space = spaces.Box(0, 255, obs_shape, np.uint8)
            self.observation_space = spaces.Box(0, 255, (A, *obs_shape), np.uint8)
            self.single_action_space = spaces.Discrete(n_actions)
            self.action_space = spaces.MultiDiscrete(np.full(A, n_actions))
            if _AutoresetMode is not None:
                mode = _AutoresetMode.NEXT_STEP if self.autoreset_mode == "next_step" else _AutoresetMode.SAME_STEP
                self.metadata = {"autoreset_mode": mode}
        self.worker_pids = tuple(w.proc.pid for w in self._workers)

    # ----- protocol -----

    def _expect(self, w: _Worker, op: bytes) -> bytes:
        got, body = w.reply()
        if got == op:
            return body
        if got == b"E":
            e = json.loads(body)
            raise error_from_code(e["code"], e["message"], e.get("details"))
        raise ProtocolError("MALFORMED_MESSAGE", f"vector worker answered {got!r}, expected {op!r}")

    def _collect(self) -> None:
        """Every worker's reply; with the pipe transport, its sections read into the preallocated arrays."""
        error: CrucibleError | None = None
        for w, parts in zip(self._workers, self._layout):
            try:
                self._expect(w, b"K")
            except ServerGone:
                raise
            except CrucibleError as e:  # the others stepped (or refused) and must still be read
                error = error or e
                continue
            if self.transport == "pipe":
                for off, n in parts:
                    if n:
                        w.read_exact_into(self._view[off : off + n])
        if error is not None:
            raise error

    def _check_open(self) -> None:
        if self.closed:
            raise error_from_code("SERVER_GONE", "this vector environment is closed")

    # ----- Gymnasium VectorEnv -----

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        """Start every world afresh: world w with ``seed + w`` (the seed given to ``make`` when ``seed`` is None)."""
        self._check_open()
        if seed is not None and (not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= 0xFFFFFFFF):
            raise error_from_code("INVALID_OPTION", f"seed must be an integer from 0 to 4294967295, got {seed!r}")
        payload = struct.pack("<BI", 1, int(seed)) if seed is not None else struct.pack("<BI", 0, 0)
        for w in self._workers:
            w.send(b"R", payload)
        self._collect()
        return self.observations, self._infos()

    def step(self, actions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Step every world with one action per agent (row order); see the module comment for what comes back."""
        self._check_open()
        a = np.asarray(actions)
        if a.shape != (self.num_agents,) and a.size == self.num_agents and a.ndim == 2 and a.shape[0] == self.num_worlds:
            a = a.reshape(self.num_agents)  # (N, F) is accepted too
        if a.shape != (self.num_agents,):
            raise error_from_code(
                "MALFORMED_MESSAGE",
                f"actions must have shape ({self.num_agents},) (num_worlds {self.num_worlds} × {self.agents_per_world} agents), got {a.shape}",
            )
        if a.dtype.kind not in "iub":
            raise error_from_code("MALFORMED_MESSAGE", f"actions must be integers, got dtype {a.dtype}")
        if a.dtype != np.uint8:
            lo, hi = int(a.min()), int(a.max())
            if lo < 0 or hi > 255:
                bad = int(np.flatnonzero((a < 0) | (a > 255))[0])
                raise error_from_code(
                    "INVALID_ACTION",
                    f"action of row {bad} must be from 0 to {len(self.action_names) - 1}, got {int(a[bad])}",
                    {"row": bad, "value": int(a[bad])},
                )
        if len(self._workers) > 1 and a.size and int(a.max()) >= len(self.action_names):
            # One worker's refusal must not leave the others stepped: with several, the range is checked here too.
            bad = int(np.flatnonzero(a >= len(self.action_names))[0])
            F = self.agents_per_world
            raise error_from_code(
                "INVALID_ACTION",
                f"action of world {bad // F} slot {self.focal_slots[bad % F]} must be from 0 to {len(self.action_names) - 1}, got {int(a[bad])}",
                {"world": bad // F, "slot": self.focal_slots[bad % F], "value": int(a[bad])},
            )
        np.copyto(self._actions, a, casting="unsafe")
        F = self.agents_per_world
        for w in self._workers:
            lo = w.first_world * F
            w.send(b"S", self._actions[lo : lo + w.worlds * F].data)
        self._collect()
        flags = np.repeat(self._flags, F)
        terminations = (flags & FLAG_TERMINATED) != 0
        truncations = (flags & FLAG_TRUNCATED) != 0
        return self.observations, self.rewards, terminations, truncations, self._infos(flags)

    def _infos(self, flags: np.ndarray | None = None) -> dict[str, Any]:
        F = self.agents_per_world
        if flags is None:
            flags = np.repeat(self._flags, F)
        infos: dict[str, Any] = {"reset": (flags & FLAG_RESET) != 0}
        ended = (flags & (FLAG_TERMINATED | FLAG_TRUNCATED)) != 0
        if ended.any():
            infos["episode_return"] = np.where(ended, self._episode_return, 0).astype(np.float32)
            infos["_episode_return"] = ended
            infos["episode_length"] = np.where(ended, np.repeat(self._length, F), 0).astype(np.int64)
            infos["_episode_length"] = ended
        return infos

    def headless_rate(self, seconds: float = 2.0) -> dict[str, float]:
        """The same worlds stepped inside worker 0 with random actions and no transport: the engine's own rate
        (agent-steps/s in one process) and that worker's resident memory. Resets the environment afterwards."""
        self._check_open()
        w = self._workers[0]
        w.send(b"H", json.dumps({"seconds": seconds}).encode())
        r = json.loads(self._expect(w, b"J"))
        self.reset()
        return {
            "agent_steps_per_s": r["world_steps_per_s"] * self.agents_per_world,
            "agent_steps_per_cpu_s": r["world_steps_per_cpu_s"] * self.agents_per_world,
            "worlds": w.worlds,
            "rss_bytes": r["rss_bytes"],
        }

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far, seconds (Linux /proc)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for w in self._workers:
            try:
                with open(f"/proc/{w.proc.pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
        return total

    def worker_rss_bytes(self) -> list[int]:
        """Resident memory of each worker process (Linux /proc), bytes."""
        out = []
        for w in self._workers:
            try:
                with open(f"/proc/{w.proc.pid}/status") as f:
                    kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
                out.append(kb * 1024)
            except (OSError, StopIteration):
                out.append(0)
        return out

    @property
    def buffer_bytes(self) -> int:
        """Bytes of the shared batch buffer."""
        return len(self._view)

    def close(self, **kwargs: Any) -> None:
        if getattr(self, "closed", True) and not getattr(self, "_workers", None):
            return
        self.closed = True
        for w in getattr(self, "_workers", []):
            w.close()
        self._workers = []
        # The arrays handed out keep the mapping alive until they are gone; the mapping is dropped with them.
        self._mmap = None

    def __enter__(self) -> "VectorEnv":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def make(
    substrate: str,
    num_envs: int = 1,
    obs: str = "rgb",
    scenario: str | None = None,
    seed: int = 0,
    *,
    workers: int = 1,
    transport: str = "pipe",
    autoreset_mode: str = "next_step",
    max_steps: int | None = None,
) -> VectorEnv:
    """N worlds of ``substrate`` (or of ``scenario``'s substrate, its focal players in the batch) as one batch."""
    return VectorEnv(
        substrate, num_envs, obs=obs, scenario=scenario, seed=seed, workers=workers, transport=transport,
        autoreset_mode=autoreset_mode, max_steps=max_steps,
    )
