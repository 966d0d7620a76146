/**
 * A vector worker: a process holding some worlds of a vector environment (server/vector.ts), driven by the Python
 * package over its stdin/stdout pipes. Started as `node vector.mjs '<options JSON>'` (options: VectorWorldsOptions).
 *
 * It answers first with one line, `{"hello": VectorShape}` or `{"error": {code, message}}`. Then every message,
 * both ways, is binary: op (1 byte ASCII) · payload length (u32 LE) · payload.
 *   in  'L' JSON {transport: 'shm'|'pipe', path?, offsets: {obs, vector, reward, ready, episodeReturn, flags, length}}
 *          where this worker writes each section of the batch (byte offsets in the shared file; shm only); a later
 *          'L' replaces the layout                                            → 'K'
 *   in  'R' u8 hasSeed · u32 seed       reset every world (batch seed)           → 'K'
 *   in  'S' u8 × agents                 step with one action per agent          → 'K' or 'E'
 *   in  'H' JSON {seconds}              the same worlds stepped with no transport → 'J' {world_steps_per_s,
 *                                       world_steps_per_cpu_s, rss_bytes} (seconds: above 0)
 *   in  'Q'                             exit (so does end of input)
 *   out 'K' (empty): the batch is written (shm: into the file before the reply; pipe: the sections follow the reply,
 *          in the order above); 'E' JSON {code, message, details?}: refused, nothing changed; 'J' JSON.
 *
 * Shared memory: the file (under /dev/shm, created and sized by Python, which maps it) is written with pwritev, one
 * call per section, straight from the renderers' own buffers: one copy, into the pages Python reads with no copy.
 * Everything is synchronous: the worker does nothing but step, so there is no event loop work to wait for.
 */
import { closeSync, openSync, readSync, writevSync } from 'node:fs';
import { CrucibleError } from '../ecs/errors.js';
import { VectorWorlds, type VectorWorldsOptions } from './vector.js';

type Section = 'obs' | 'vector' | 'reward' | 'ready' | 'episodeReturn' | 'flags' | 'length';
const SECTIONS: readonly Section[] = ['obs', 'vector', 'reward', 'ready', 'episodeReturn', 'flags', 'length'];
/** Linux IOV_MAX. */
const IOV_MAX = 1024;

const head = Buffer.alloc(5);
/**
 * Our input, read blocking. Node may have made fd 0 non-blocking (O_NONBLOCK is shared by every fd of that open
 * file; touching `process.stdin` does it), and a read of an empty non-blocking pipe answers EAGAIN at once: retried
 * without a pause, it spins, and on a loaded machine the spinning worker takes the core the trainer needs to send the
 * next step (measured: 4× slower with RGB). Opening the pipe anew gives a description of our own, blocking. When that
 * cannot be done (a socket, as Node's own child processes get: it has no path to open), fd 0 is read as it is, and an
 * EAGAIN waits a millisecond before the next try (`retrying`).
 */
const IN = ((): number => {
  try {
    return openSync('/dev/stdin', 'r');
  } catch {
    return 0;
  }
})();

const pause = new Int32Array(new SharedArrayBuffer(4));
/**
 * `io()` again until it does not answer EAGAIN, waiting a millisecond between tries: a non-blocking input with
 * nothing to read yet, or a non-blocking output that is full (whatever touches `process.stdout` makes our stdout so,
 * e.g. a loader given with --import), waits for the other side rather than spin or die. Any other error is thrown.
 */
function retrying(io: () => number): number {
  for (;;) {
    try {
      return io();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** Read exactly `n` bytes into `buf`; false at the end of input (before or in the middle of them). */
function readExact(buf: Buffer, n: number): boolean {
  let off = 0;
  while (off < n) {
    const got = retrying(() => readSync(IN, buf, off, n - off, null));
    if (got === 0) return false;
    off += got;
  }
  return true;
}

/**
 * Write `parts` one after another at `position` (null: the fd's current position, e.g. a pipe), at most IOV_MAX
 * buffers a call. A call may write less than it was given (a full pipe; a file at the size limit): the next call
 * starts where it stopped, in the middle of a part if need be. A file that takes nothing more fails the call (EFBIG,
 * ENOSPC), and the error is thrown.
 */
function writeParts(fd: number, parts: readonly Uint8Array[], position: number | null): void {
  let i = 0; // the first part not yet written whole
  let done = 0; // how much of it is written
  let pos = position;
  while (i < parts.length) {
    const chunk = parts.slice(i, i + IOV_MAX);
    if (done > 0) chunk[0] = chunk[0].subarray(done);
    let wrote = retrying(() => (pos === null ? writevSync(fd, chunk) : writevSync(fd, chunk, pos)));
    if (pos !== null) pos += wrote;
    wrote += done;
    while (i < parts.length && wrote >= parts[i].length) {
      wrote -= parts[i].length;
      i++;
    }
    done = wrote;
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  writeParts(fd, [data], null);
}

function reply(op: string, payload?: unknown): void {
  const body = payload === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(payload));
  const h = Buffer.alloc(5);
  h.write(op, 0, 'latin1');
  h.writeUInt32LE(body.length, 1);
  writeAll(1, body.length > 0 ? Buffer.concat([h, body]) : h);
}

function errorJson(e: unknown): { code: string; message: string; details?: unknown } {
  if (e instanceof CrucibleError) return e.toJSON();
  return { code: 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) };
}

function bytesOf(a: Float32Array | Uint8Array | Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A message's JSON payload; MALFORMED_MESSAGE when it is not JSON. */
function parseJson(op: string, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString());
  } catch (e) {
    throw new CrucibleError('MALFORMED_MESSAGE', `vector worker message ${op}: the payload is not JSON (${(e as Error).message})`);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The 'L' message: null for the pipe transport, else the shared file and each section's byte offset in it. Anything
 * else is refused (MALFORMED_MESSAGE) rather than taken as the pipe: the trainer would read a file never written.
 */
function parseLayout(body: Buffer): { path: string; offsets: Record<Section, number> } | null {
  const m = parseJson('L', body);
  if (isRecord(m) && m.transport === 'pipe') return null;
  if (!isRecord(m) || m.transport !== 'shm') {
    throw new CrucibleError('MALFORMED_MESSAGE', `vector worker message L: transport must be "shm" or "pipe", got ${JSON.stringify(isRecord(m) ? m.transport : m)}`);
  }
  const { path, offsets } = m;
  if (typeof path !== 'string' || path === '') throw new CrucibleError('MALFORMED_MESSAGE', 'vector worker message L: the shm transport needs the path of the shared file');
  const out = {} as Record<Section, number>;
  for (const s of SECTIONS) {
    const v = isRecord(offsets) ? offsets[s] : undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new CrucibleError('MALFORMED_MESSAGE', `vector worker message L: offsets.${s} must be an integer ≥ 0, got ${JSON.stringify(v)}`, { section: s });
    }
    out[s] = v;
  }
  return { path, offsets: out };
}

function openShared(path: string): number {
  try {
    return openSync(path, 'r+');
  } catch (e) {
    throw new CrucibleError('MALFORMED_MESSAGE', `vector worker message L: cannot open the shared file ${path}: ${(e as Error).message}`, { path });
  }
}

/** The 'H' message's seconds: a number above 0. */
function parseSeconds(body: Buffer): number {
  const m = parseJson('H', body);
  const seconds = isRecord(m) ? m.seconds : undefined;
  if (typeof seconds !== 'number' || !(seconds > 0)) {
    throw new CrucibleError('MALFORMED_MESSAGE', `vector worker message H: seconds must be a number above 0, got ${JSON.stringify(seconds)}`);
  }
  return seconds;
}

function main(): number {
  let worlds: VectorWorlds;
  try {
    worlds = new VectorWorlds(JSON.parse(process.argv[2] ?? '{}') as VectorWorldsOptions);
  } catch (e) {
    writeAll(1, Buffer.from(`${JSON.stringify({ error: errorJson(e) })}\n`));
    return 1;
  }
  writeAll(1, Buffer.from(`${JSON.stringify({ hello: worlds.shape })}\n`));
  const sections: Record<Section, Uint8Array[]> = {
    obs: worlds.obs,
    vector: [bytesOf(worlds.vector)],
    reward: [bytesOf(worlds.reward)],
    ready: [bytesOf(worlds.ready)],
    episodeReturn: [bytesOf(worlds.episodeReturn)],
    flags: [worlds.flags],
    length: [bytesOf(worlds.length)],
  };
  // The reply and all sections in one writev for the pipe transport.
  const okHeader = Buffer.from([0x4b, 0, 0, 0, 0]);
  const pipeParts: Uint8Array[] = [okHeader, ...SECTIONS.flatMap((s) => sections[s])];
  let fd = -1;
  let offsets: Record<Section, number> | null = null;
  let payload = Buffer.alloc(Math.max(64, worlds.agents));
  const publish = (): void => {
    if (fd >= 0 && offsets !== null) {
      for (const s of SECTIONS) writeParts(fd, sections[s], offsets[s]);
      writeAll(1, okHeader);
    } else {
      writeParts(1, pipeParts, null);
    }
  };
  for (;;) {
    if (!readExact(head, 5)) return 0;
    const op = String.fromCharCode(head[0]);
    const n = head.readUInt32LE(1);
    if (n > payload.length) payload = Buffer.alloc(n);
    if (n > 0 && !readExact(payload, n)) return 0;
    try {
      if (op === 'S') {
        const actions = payload.subarray(0, n);
        const bad = worlds.check(actions);
        if (bad) {
          reply('E', bad.toJSON());
          continue;
        }
        worlds.step(actions);
        publish();
      } else if (op === 'R') {
        worlds.reset(n >= 5 && payload[0] === 1 ? payload.readUInt32LE(1) : undefined);
        publish();
      } else if (op === 'L') {
        const layout = parseLayout(payload.subarray(0, n));
        const next = layout === null ? -1 : openShared(layout.path);
        if (fd >= 0) closeSync(fd);
        fd = next;
        offsets = layout === null ? null : layout.offsets;
        reply('K');
      } else if (op === 'H') {
        const rate = worlds.headless(parseSeconds(payload.subarray(0, n)), 12345);
        reply('J', { world_steps_per_s: rate.wall, world_steps_per_cpu_s: rate.cpu, rss_bytes: process.memoryUsage().rss });
      } else if (op === 'Q') {
        if (fd >= 0) closeSync(fd);
        return 0;
      } else {
        reply('E', { code: 'MALFORMED_MESSAGE', message: `unknown vector worker message ${JSON.stringify(op)}` });
      }
    } catch (e) {
      reply('E', errorJson(e));
    }
  }
}

process.exitCode = main();
