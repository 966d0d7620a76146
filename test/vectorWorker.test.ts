/**
 * The vector worker process (server/vectorWorker.ts), driven over its stdin/stdout as the Python package drives it
 * (python/crucible/vector.py): `node --import tsx server/vectorWorker.ts '<options JSON>'`, a hello line, then
 * binary messages op (1 byte) · payload length (u32 LE) · payload both ways. The batch it sends (pipe) or writes into
 * the shared file (shm) is checked section by section against a VectorWorlds of the same options stepped in this
 * process with the same actions: the worker's job is to carry that batch, in the order and at the offsets the
 * protocol gives.
 *
 * The worker is started from the source next to this file (so a mutated copy of it is the one run). Each start costs
 * seconds (tsx compiles the engine), so one worker serves the tests of a transport in turn, in order.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../ecs/rng.js';
import { VectorWorlds, type VectorWorldsOptions } from '../server/vector.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKER = fileURLToPath(new URL('../server/vectorWorker.ts', import.meta.url));

class Worker {
  readonly proc: ChildProcess;
  readonly exit: Promise<number | null>;
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private ended = false;
  stderr = '';

  /**
   * `stdin`: 'pipe' (Node's child stdio: a socket pair), or a descriptor of ours the worker gets as its fd 0; messages
   * are then written to `input` (the other end, e.g. a FIFO's writer).
   */
  constructor(options: unknown, nodeArgs: string[] = [], stdin: 'pipe' | number = 'pipe', private readonly input?: number) {
    this.proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', WORKER, JSON.stringify(options)], { cwd: ROOT, stdio: [stdin, 'pipe', 'pipe'] });
    this.stdout.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    this.stdout.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    this.proc.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((resolve) => this.proc.on('close', (code) => resolve(code)));
  }

  /**
   * Wait for `ready`, at most `seconds`: a worker that never answers fails the test instead of hanging it (a reply
   * takes milliseconds; the hello waits for the engine to load, seconds on a busy machine).
   */
  private async until(ready: () => boolean, seconds = 15): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!ready()) {
      if (this.ended) throw new Error(`the worker closed its output (stderr: ${this.stderr})`);
      if (Date.now() >= deadline) throw new Error(`no answer from the worker within ${seconds} s`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.wake = r;
        timer = setTimeout(r, deadline - Date.now());
      });
      clearTimeout(timer);
      this.wake = null;
    }
  }

  get stdout(): Readable {
    if (this.proc.stdout === null) throw new Error('the worker has no stdout pipe');
    return this.proc.stdout;
  }

  get stdin(): Writable {
    if (this.proc.stdin === null) throw new Error('the worker has no stdin pipe');
    return this.proc.stdin;
  }

  /** Bytes to the worker's input. */
  write(b: Uint8Array): void {
    if (this.input === undefined) this.stdin.write(b);
    else writeSync(this.input, b);
  }

  /** The exit status, waiting at most 15 s. */
  async exitCode(): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the worker did not exit within 15 s')), 15_000)));
    try {
      return await Promise.race([this.exit, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async read(n: number): Promise<Buffer> {
    await this.until(() => this.buf.length >= n);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return Buffer.from(out);
  }

  async line(): Promise<string> {
    await this.until(() => this.buf.includes(10), 30);
    const i = this.buf.indexOf(10);
    return (await this.read(i + 1)).toString().slice(0, -1);
  }

  /** Bytes received and not read yet (after a short wait for stragglers). */
  async pending(): Promise<number> {
    await new Promise((r) => setTimeout(r, 100));
    return this.buf.length;
  }

  static frame(op: string, payload: Uint8Array = new Uint8Array(0)): Buffer {
    const h = Buffer.alloc(5);
    h.write(op, 0, 'latin1');
    h.writeUInt32LE(payload.length, 1);
    return Buffer.concat([h, payload]);
  }

  send(op: string, payload?: Uint8Array): void {
    this.write(Worker.frame(op, payload));
  }

  sendJson(op: string, value: unknown): void {
    this.send(op, Buffer.from(JSON.stringify(value)));
  }

  async reply(): Promise<{ op: string; body: Buffer }> {
    const h = await this.read(5);
    return { op: String.fromCharCode(h[0]), body: await this.read(h.readUInt32LE(1)) };
  }

  async error(): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
    const r = await this.reply();
    assert.equal(r.op, 'E', `an error reply, got ${r.op} ${r.body.toString()}`);
    return JSON.parse(r.body.toString()) as { code: string; message: string; details?: Record<string, unknown> };
  }
}

/** The byte length of each section, in protocol order, from the documented layout (server/vector.ts). */
function sectionSizes(v: VectorWorlds): [string, number][] {
  const A = v.agents, N = v.envs.length;
  return [
    ['obs', A * v.shape.obsBytes],
    ['vector', A * v.shape.vectorLength * 4],
    ['reward', A * 4],
    ['ready', A * 4],
    ['episodeReturn', A * 4],
    ['flags', N],
    ['length', N * 4],
  ];
}

/** Each section of the reference batch as bytes. */
function sectionsOf(v: VectorWorlds): Record<string, Buffer> {
  const bytes = (a: Float32Array | Uint32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return {
    obs: Buffer.concat(v.obs),
    vector: bytes(v.vector),
    reward: bytes(v.reward),
    ready: bytes(v.ready),
    episodeReturn: bytes(v.episodeReturn),
    flags: bytes(v.flags),
    length: bytes(v.length),
  };
}

/** Read a pipe batch ('K' then the sections in order) and compare every section with the reference's. */
async function expectPipeBatch(w: Worker, ref: VectorWorlds, what: string): Promise<void> {
  const r = await w.reply();
  assert.equal(r.op, 'K', `${what}: ${r.op} ${r.body.toString()}`);
  assert.equal(r.body.length, 0);
  const want = sectionsOf(ref);
  for (const [name, n] of sectionSizes(ref)) {
    assert.equal(want[name].length, n, `the reference's ${name} has the documented size`);
    assert.ok((await w.read(n)).equals(want[name]), `${what}: section ${name}`);
  }
}

function actionsFor(rng: Rng, v: VectorWorlds): Uint8Array {
  const a = new Uint8Array(v.agents);
  for (let i = 0; i < a.length; i++) a[i] = rng.int(v.shape.actions.length);
  return a;
}

const seedPayload = (hasSeed: number, seed: number): Buffer => {
  const b = Buffer.alloc(5);
  b[0] = hasSeed;
  b.writeUInt32LE(seed, 1);
  return b;
};

/** Clean Up (one vector entry an agent), 2 worlds of 7 agents, episodes of 2 steps so flags, lengths and returns change. */
const OPTIONS: VectorWorldsOptions = { substrate: 'clean_up', obs: 'symbolic', worlds: 2, seed: 5, maxSteps: 2 };
/**
 * 129 worlds × 8 agents of a matrix arena: 1032 observation parts, more than Linux's 1024 buffers of one writev, and
 * ~125 KB of observations, more than a socket holds at once.
 */
const MANY: VectorWorldsOptions = { substrate: 'prisoners_dilemma_in_the_matrix__arena', obs: 'symbolic', worlds: 129, seed: 3 };

/** A file of `size` bytes of FILL, and the offsets of the sections in it: gaps between them, not in protocol order. */
const FILL = 0xa5;
function sharedFile(dir: string, ref: VectorWorlds, name = `batch-${ref.agents}`): { file: string; offsets: Record<string, number>; size: number } {
  const file = join(dir, name);
  const sizes = Object.fromEntries(sectionSizes(ref));
  const offsets: Record<string, number> = {};
  let at = 13;
  for (const s of ['length', 'obs', 'flags', 'vector', 'episodeReturn', 'reward', 'ready']) {
    offsets[s] = at;
    at += sizes[s] + 7;
  }
  writeFileSync(file, Buffer.alloc(at, FILL));
  return { file, offsets, size: at };
}

/** Every section of the reference at its offset in the file, and every other byte untouched. */
function expectFile(shm: { file: string; offsets: Record<string, number>; size: number }, ref: VectorWorlds, what: string): void {
  const got = readFileSync(shm.file);
  assert.equal(got.length, shm.size);
  const want = sectionsOf(ref);
  const covered = new Uint8Array(shm.size);
  for (const [name, n] of sectionSizes(ref)) {
    const at = shm.offsets[name];
    assert.ok(got.subarray(at, at + n).equals(want[name]), `${what}: section ${name} at ${at}`);
    covered.fill(1, at, at + n);
  }
  for (let i = 0; i < shm.size; i++) if (!covered[i]) assert.equal(got[i], FILL, `${what}: byte ${i}, outside every section, untouched`);
}

/** Linux (/proc): the process's open descriptors, what each opens, and whether its open file is non-blocking. */
function descriptors(pid: number): { fd: number; target: string; nonBlocking: boolean }[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      return flags ? [{ fd: Number(fd), target, nonBlocking: (parseInt(flags[1], 8) & constants.O_NONBLOCK) !== 0 }] : [];
    } catch {
      return []; // closed while we looked
    }
  });
}

/** Linux (/proc/<pid>/stat): the CPU seconds the process has used, user + system, in clock ticks of 1/100 s. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Linux (/proc/<pid>/status): how many times the main thread gave up the CPU of its own accord (it went to sleep). */
function voluntarySwitches(pid: number): number {
  return Number(/^voluntary_ctxt_switches:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Node's `process.stdin`, touched before the worker runs: Node makes fd 0 non-blocking (libuv's pipe handle). */
const TOUCH_STDIN = ['--import', 'data:text/javascript,process.stdin'];

/** Node's `process.stdout`, touched before the worker runs: Node makes fd 1 non-blocking, so a full socket answers EAGAIN. */
const TOUCH_STDOUT = ['--import', 'data:text/javascript,process.stdout'];

/** 4 worlds of Clean Up in RGB: 28 observations of 88 × 88 × 3 = 23,232 bytes, 650 KB a batch. */
const RGB: VectorWorldsOptions = { substrate: 'clean_up', obs: 'rgb', worlds: 4, seed: 6 };

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'crucible-vector-worker-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('vector worker process', function () {
  this.timeout(120_000);
  let w: Worker;
  let ref: VectorWorlds;
  let refused: Worker;
  let many: Worker;
  let gone: Worker;
  /** fd 0 a socket made non-blocking: it cannot be opened anew, so the worker reads it as it is. */
  let socketIn: Worker;
  /** fd 0 a FIFO made non-blocking, and our end that writes to it. */
  let fifoIn: Worker;
  let fifo: string;
  let fifoWriter: number;
  /** fd 0 a directory: nothing can be read from it. */
  let dirIn: Worker;
  /** RGB observations, a batch larger than its output socket and our read-ahead hold, written to a non-blocking stdout. */
  let rgbOut: Worker;
  const rng = new Rng(11);

  before(() => {
    // Both start at once: their start-up (seconds) overlaps.
    w = new Worker(OPTIONS);
    refused = new Worker({ ...OPTIONS, worlds: 0 });
    many = new Worker(MANY);
    gone = new Worker({ substrate: 'commons_harvest__open', obs: 'symbolic', worlds: 1, seed: 1 });
    socketIn = new Worker(OPTIONS, TOUCH_STDIN);
    fifo = join(dir, 'input');
    execFileSync('mkfifo', [fifo]);
    // Non-blocking, the reader's open does not wait for a writer; then the writer's does not wait either.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    fifoWriter = openSync(fifo, constants.O_WRONLY);
    fifoIn = new Worker(OPTIONS, TOUCH_STDIN, reader, fifoWriter);
    closeSync(reader);
    const dirFd = openSync(dir, 'r');
    dirIn = new Worker(OPTIONS, [], dirFd);
    closeSync(dirFd);
    rgbOut = new Worker(RGB, TOUCH_STDOUT);
    ref = new VectorWorlds(OPTIONS);
  });

  after(() => {
    for (const p of [w, refused, many, gone, socketIn, fifoIn, dirIn, rgbOut]) if (p.proc.exitCode === null) p.proc.kill();
    if (fifoWriter >= 0) closeSync(fifoWriter);
  });

  it('refuses bad options with one error line naming the code, and exits with status 1', async () => {
    const msg = JSON.parse(await refused.line()) as { error: { code: string; message: string; details: unknown } };
    assert.equal(msg.error.code, 'INVALID_OPTION');
    assert.match(msg.error.message, /num_envs/);
    assert.deepEqual(msg.error.details, { option: 'num_envs', value: 0 });
    assert.equal(await refused.exitCode(), 1);
  });

  it('exits (status 1) instead of retrying when the reader of its output has gone', async () => {
    await gone.line();
    gone.stdout.destroy();
    gone.send('R');
    assert.equal(await gone.exitCode(), 1);
    assert.match(gone.stderr, /EPIPE/);
  });

  it('says hello with the shape of its batch on one line', async () => {
    const hello = JSON.parse(await w.line()) as { hello: Record<string, unknown> };
    // Clean Up: 7 players, an 11 × 11 symbolic view, one vector entry; 2 worlds of 7 focal agents.
    assert.equal(hello.hello.substrate, 'clean_up');
    assert.equal(hello.hello.worlds, 2);
    assert.equal(hello.hello.agentsPerWorld, 7);
    assert.deepEqual(hello.hello.obsShape, [11, 11]);
    assert.equal(hello.hello.obsBytes, 121);
    assert.equal(hello.hello.vectorLength, 1);
    assert.deepEqual(hello.hello, JSON.parse(JSON.stringify(ref.shape)));
  });

  it('refuses a step before the first reset, and an unknown op, with a framed error', async () => {
    w.send('S', new Uint8Array(ref.agents));
    const e = await w.error();
    assert.equal(e.code, 'MALFORMED_MESSAGE');
    assert.match(e.message, /reset/);
    w.send('Z');
    const u = await w.error();
    assert.equal(u.code, 'MALFORMED_MESSAGE');
    assert.match(u.message, /"Z"/);
  });

  it("acknowledges the pipe layout with an empty 'K' and nothing after it", async () => {
    w.sendJson('L', { transport: 'pipe' });
    const r = await w.reply();
    assert.equal(r.op, 'K');
    assert.equal(r.body.length, 0);
    assert.equal(await w.pending(), 0);
  });

  it("resets with the batch seed given ('R' 1 · u32 seed), else with the last one given", async () => {
    w.send('R', seedPayload(1, 77));
    ref.reset(77);
    await expectPipeBatch(w, ref, 'reset(77)');
    w.send('R', seedPayload(1, 5));
    ref.reset(5);
    await expectPipeBatch(w, ref, 'reset(5)');
    // "No seed" with a seed in it, a payload one byte short, an empty payload: seed 5 each time.
    for (const [what, payload] of [['hasSeed 0', seedPayload(0, 77)], ['4 bytes', seedPayload(1, 77).subarray(0, 4)], ['empty', undefined]] as const) {
      w.send('R', payload);
      ref.reset();
      await expectPipeBatch(w, ref, `reset with ${what}`);
    }
  });

  it('steps with one action an agent and sends every section of the batch in order, across episode ends', async () => {
    let ended = false, lengths = false, returns = false;
    for (let t = 0; t < 3; t++) {
      const a = actionsFor(rng, ref);
      w.send('S', a);
      ref.step(a);
      await expectPipeBatch(w, ref, `step ${t}`);
      ended ||= ref.flags.some((f) => (f & 3) !== 0);
      lengths ||= ref.length.some((n) => n > 0);
      returns ||= ref.episodeReturn.some((r) => r !== 0) || ref.ready.some((r) => r !== 0);
    }
    assert.ok(ended && lengths && returns, 'the compared flags, lengths and float sections were not all zero');
  });

  it('refuses a wrong action count or an action out of range, naming world and slot, and steps nothing', async () => {
    w.send('S', new Uint8Array(ref.agents - 1));
    const short = await w.error();
    assert.equal(short.code, 'MALFORMED_MESSAGE');
    assert.match(short.message, new RegExp(`needs ${ref.agents} actions.*got ${ref.agents - 1}`));
    // Longer than any buffer the worker has held so far.
    w.send('S', new Uint8Array(ref.agents + 100));
    assert.equal((await w.error()).code, 'MALFORMED_MESSAGE');
    const bad = new Uint8Array(ref.agents);
    bad[7 * 1 + 2] = ref.shape.actions.length; // world 1, slot 2: one past the last action
    w.send('S', bad);
    const e = await w.error();
    assert.equal(e.code, 'INVALID_ACTION');
    assert.deepEqual(e.details, { world: 1, slot: 2, value: ref.shape.actions.length, allowed: { min: 0, max: ref.shape.actions.length - 1 } });
    const a = actionsFor(rng, ref);
    w.send('S', a);
    ref.step(a);
    await expectPipeBatch(w, ref, 'the step after the refusals');
  });

  it('reads messages that arrive in pieces: a header split in two, a payload split across writes', async () => {
    const a = actionsFor(rng, ref);
    const msg = Worker.frame('S', a);
    for (const [from, to] of [[0, 2], [2, 9], [9, 12], [12, msg.length]]) {
      w.write(msg.subarray(from, to));
      await new Promise((r) => setTimeout(r, 30));
    }
    ref.step(a);
    await expectPipeBatch(w, ref, 'a step sent in pieces');
  });

  it('refuses a layout that is not JSON, names no known transport, or lacks the shm path or an offset (naming the message, the offset and the file in the details)', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('{"transport":'), /^vector worker message L: the payload is not JSON/],
      [Buffer.from(JSON.stringify({ transport: 'tcp' })), /transport must be "shm" or "pipe", got "tcp"/],
      [Buffer.from('[1]'), /transport must be "shm" or "pipe", got \[1\]/],
      [Buffer.from('null'), /transport must be "shm" or "pipe", got null/],
      [Buffer.from(JSON.stringify({ transport: 'shm', offsets: {} })), /needs the path/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '', offsets: {} })), /needs the path/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '/dev/null' })), /offsets\.obs must be an integer ≥ 0, got undefined/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '/dev/null', offsets: null })), /offsets\.obs must be an integer ≥ 0, got undefined/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '/dev/null', offsets: { obs: 0, vector: 0, reward: 0, ready: 0, episodeReturn: -1 } })), /offsets\.episodeReturn must be an integer ≥ 0, got -1/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '/dev/null', offsets: { obs: 0, vector: 0, reward: 0, ready: 0, episodeReturn: 0, flags: 1.5, length: 0 } })), /offsets\.flags must be an integer ≥ 0, got 1\.5/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '/dev/null', offsets: { obs: 0, vector: 0, reward: 0, ready: 0, episodeReturn: 0, flags: 0, length: '0' } })), /offsets\.length must be an integer ≥ 0, got "0"/],
      [Buffer.from(JSON.stringify({ transport: 'shm', path: '/nonexistent/crucible-batch', offsets: { obs: 0, vector: 0, reward: 0, ready: 0, episodeReturn: 0, flags: 0, length: 0 } })), /cannot open the shared file \/nonexistent\/crucible-batch/],
      // A layout padded past every buffer the worker has held.
      [Buffer.from(JSON.stringify({ transport: 'udp', pad: ' '.repeat(3000) })), /got "udp"/],
    ];
    for (const [body, message] of cases) {
      w.send('L', body);
      const e = await w.error();
      assert.equal(e.code, 'MALFORMED_MESSAGE', body.toString().slice(0, 80));
      assert.match(e.message, message);
      const m = /offsets\.(\w+) must be/.exec(e.message);
      if (m) assert.deepEqual(e.details, { section: m[1] }, 'the details name the offset');
      if (/cannot open/.test(e.message)) assert.deepEqual(e.details, { path: '/nonexistent/crucible-batch' }, 'the details name the file');
    }
    // Still the pipe: nothing changed.
    const a = actionsFor(rng, ref);
    w.send('S', a);
    ref.step(a);
    await expectPipeBatch(w, ref, 'a step after the refused layouts');
  });

  describe('shared-memory transport', () => {
    let shm: ReturnType<typeof sharedFile>;
    before(() => (shm = sharedFile(dir, ref)));

    it("writes each section at its offset in the shared file, and replies with an empty 'K' alone", async () => {
      w.sendJson('L', { transport: 'shm', path: shm.file, offsets: shm.offsets });
      assert.equal((await w.reply()).op, 'K');
      w.send('R', seedPayload(1, 9));
      ref.reset(9);
      const r = await w.reply();
      assert.equal(r.op, 'K');
      assert.equal(r.body.length, 0);
      assert.equal(await w.pending(), 0, 'no batch on the pipe');
      expectFile(shm, ref, 'reset(9)');
      for (let t = 0; t < 3; t++) {
        const a = actionsFor(rng, ref);
        w.send('S', a);
        ref.step(a);
        assert.equal((await w.reply()).op, 'K');
        expectFile(shm, ref, `step ${t}`);
      }
    });

    it('goes back to the pipe on a later pipe layout', async () => {
      w.sendJson('L', { transport: 'pipe' });
      assert.equal((await w.reply()).op, 'K');
      const before = readFileSync(shm.file);
      const a = actionsFor(rng, ref);
      w.send('S', a);
      ref.step(a);
      await expectPipeBatch(w, ref, 'a pipe step after shm');
      assert.ok(readFileSync(shm.file).equals(before), 'the file is no longer written');
    });

    it('closes the shared file when a later layout replaces it (Linux: its open files in /proc)', async () => {
      const open = (): string[] => readdirSync(`/proc/${w.proc.pid}/fd`).flatMap((fd) => {
        try {
          return [readlinkSync(`/proc/${w.proc.pid}/fd/${fd}`)];
        } catch {
          return [];
        }
      });
      w.sendJson('L', { transport: 'shm', path: shm.file, offsets: shm.offsets });
      assert.equal((await w.reply()).op, 'K');
      assert.equal(open().filter((f) => f === shm.file).length, 1, 'the file is open once while it is the layout');
      w.sendJson('L', { transport: 'pipe' });
      assert.equal((await w.reply()).op, 'K');
      assert.deepEqual(open().filter((f) => f === shm.file), [], 'and closed after');
    });

    it('reports a write to the shared file that the system cuts short (the file size limit) as an error, the bytes below the limit written, and writes the next batch whole', async () => {
      const cut = sharedFile(dir, ref, 'cut');
      // 50 bytes into agent 3's view: the first writev of the observations (the first section written) stops there, and
      // the next, for the rest, fails (EFBIG).
      const limit = cut.offsets.obs + 3 * ref.shape.obsBytes + 50;
      w.sendJson('L', { transport: 'shm', path: cut.file, offsets: cut.offsets });
      assert.equal((await w.reply()).op, 'K');
      const pid = String(w.proc.pid);
      const soft = execFileSync('prlimit', ['--pid', pid, '--fsize', '--raw', '--noheadings', '--output', 'SOFT']).toString().trim();
      execFileSync('prlimit', ['--pid', pid, `--fsize=${limit}:`]);
      try {
        const a = actionsFor(rng, ref);
        w.send('S', a);
        ref.step(a);
        const e = await w.error();
        assert.equal(e.code, 'INTERNAL_ERROR');
        assert.match(e.message, /EFBIG/);
      } finally {
        execFileSync('prlimit', ['--pid', pid, `--fsize=${soft}:`]);
      }
      const got = readFileSync(cut.file);
      const obs = sectionsOf(ref).obs;
      assert.ok(got.subarray(cut.offsets.obs, limit).equals(obs.subarray(0, limit - cut.offsets.obs)), 'the observations below the limit');
      for (let i = limit; i < cut.size; i++) assert.equal(got[i], FILL, `byte ${i}, at or past the limit, untouched`);
      const a = actionsFor(rng, ref);
      w.send('S', a);
      ref.step(a);
      assert.equal((await w.reply()).op, 'K');
      expectFile(cut, ref, 'the step after the limit is lifted');
      w.sendJson('L', { transport: 'pipe' });
      assert.equal((await w.reply()).op, 'K');
    });
  });

  describe('a batch of more than 1024 parts', () => {
    let big: VectorWorlds;
    before(() => (big = new VectorWorlds(MANY)));

    it('sends and writes every section whole, and exits with status 0 when its input ends in the middle of a message', async () => {
      const hello = JSON.parse(await many.line()) as { hello: { agentsPerWorld: number; vectorLength: number } };
      assert.equal(big.agents, 1032);
      assert.ok(hello.hello.vectorLength > 0, 'a vector section to carry');
      many.sendJson('L', { transport: 'pipe' });
      assert.equal((await many.reply()).op, 'K');
      many.send('R');
      big.reset();
      await expectPipeBatch(many, big, 'reset');
      let a = actionsFor(rng, big);
      many.send('S', a);
      big.step(a);
      await expectPipeBatch(many, big, 'step');
      const shm = sharedFile(dir, big);
      many.sendJson('L', { transport: 'shm', path: shm.file, offsets: shm.offsets });
      assert.equal((await many.reply()).op, 'K');
      a = actionsFor(rng, big);
      many.send('S', a);
      big.step(a);
      assert.equal((await many.reply()).op, 'K');
      expectFile(shm, big, 'shm step');
      // A step's header and some of its actions, then the end.
      many.stdin.end(Worker.frame('S', a).subarray(0, 5 + 3));
      assert.equal(await many.exitCode(), 0);
      assert.equal(await many.pending(), 0, 'nothing answered to the half message');
    });
  });

  describe('an input Node has made non-blocking (touching process.stdin does, e.g. a loader given with --import)', () => {
    it('reads a non-blocking socket it cannot open anew by waiting between tries, not spinning: messages whole and in pieces, and the end of input', async () => {
      await socketIn.line();
      const pid = socketIn.proc.pid ?? -1;
      const fd0 = descriptors(pid).find((d) => d.fd === 0);
      assert.ok(fd0 && fd0.target.startsWith('socket:') && fd0.nonBlocking, `fd 0 a non-blocking socket: ${JSON.stringify(fd0)}`);
      assert.equal(descriptors(pid).filter((d) => d.target === fd0.target).length, 1, 'a socket has no path to open: fd 0 is the one read');
      const mine = new VectorWorlds(OPTIONS);
      socketIn.sendJson('L', { transport: 'pipe' });
      assert.equal((await socketIn.reply()).op, 'K');
      socketIn.send('R', seedPayload(1, 31));
      mine.reset(31);
      await expectPipeBatch(socketIn, mine, 'reset(31)');
      // Each piece after a pause: the reads between them find the socket empty (EAGAIN).
      let a = actionsFor(rng, mine);
      const msg = Worker.frame('S', a);
      for (const [from, to] of [[0, 3], [3, 5], [5, 9], [9, msg.length]]) {
        socketIn.write(msg.subarray(from, to));
        await sleep(30);
      }
      mine.step(a);
      await expectPipeBatch(socketIn, mine, 'a step sent in pieces');
      // A second of waiting for the next message. Waiting a millisecond between tries, the main thread goes to sleep
      // each time (~850 times a second here, with 2-3 % of a core, even at a load average of 13); retrying at once,
      // it never sleeps and takes what CPU it can get (measured here: 0.7 s of the second at a load average of 3, 0.12 s
      // at 13, and 0 sleeps either way).
      const cpu0 = cpuSeconds(pid);
      const slept0 = voluntarySwitches(pid);
      await sleep(1000);
      const used = cpuSeconds(pid) - cpu0;
      const slept = voluntarySwitches(pid) - slept0;
      assert.ok(slept >= 100, `the main thread slept ${slept} times in 1 s of waiting for input`);
      assert.ok(used < 0.3, `${used} s of CPU in 1 s of waiting for input`);
      a = actionsFor(rng, mine);
      socketIn.send('S', a);
      mine.step(a);
      await expectPipeBatch(socketIn, mine, 'the step after the wait');
      socketIn.stdin.end(Worker.frame('S', a).subarray(0, 2));
      assert.equal(await socketIn.exitCode(), 0);
      assert.equal(await socketIn.pending(), 0, 'nothing answered to the half header');
    });

    it('opens a non-blocking FIFO anew and reads it blocking: a second description of its own, and no wake-ups while it waits', async () => {
      await fifoIn.line();
      const pid = fifoIn.proc.pid ?? -1;
      const open = descriptors(pid).filter((d) => d.target === fifo);
      assert.ok(open.some((d) => d.fd === 0 && d.nonBlocking), `fd 0 the FIFO, non-blocking: ${JSON.stringify(open)}`);
      assert.equal(open.filter((d) => d.fd !== 0 && !d.nonBlocking).length, 1, `one more descriptor of the FIFO, blocking: ${JSON.stringify(open)}`);
      // Blocked in read(), the main thread sleeps once; polling every millisecond would wake it ~500 times.
      const before = voluntarySwitches(pid);
      await sleep(500);
      const woke = voluntarySwitches(pid) - before;
      assert.ok(woke < 20, `the main thread woke ${woke} times in 0.5 s of waiting for input`);
      const mine = new VectorWorlds(OPTIONS);
      fifoIn.sendJson('L', { transport: 'pipe' });
      assert.equal((await fifoIn.reply()).op, 'K');
      fifoIn.send('R', seedPayload(1, 8));
      mine.reset(8);
      await expectPipeBatch(fifoIn, mine, 'reset(8)');
      closeSync(fifoWriter);
      fifoWriter = -1; // closed: the number may be reused
      assert.equal(await fifoIn.exitCode(), 0);
    });

    it('exits with status 1 naming the error when its input cannot be read (a directory), instead of retrying', async () => {
      await dirIn.line();
      assert.equal(await dirIn.exitCode(), 1);
      assert.match(dirIn.stderr, /EISDIR/);
    });
  });

  describe('a batch larger than its output holds', () => {
    it('sends every part once and in order while its reader pauses: a write cut short in the middle of an observation resumes there', async () => {
      await rgbOut.line();
      const pid = rgbOut.proc.pid ?? -1;
      assert.ok(descriptors(pid).find((d) => d.fd === 1)?.nonBlocking, 'fd 1 non-blocking');
      const mine = new VectorWorlds(RGB);
      assert.equal(mine.shape.obsBytes, 88 * 88 * 3);
      rgbOut.sendJson('L', { transport: 'pipe' });
      assert.equal((await rgbOut.reply()).op, 'K');
      for (const [what, send, apply] of [
        ['reset', () => rgbOut.send('R', seedPayload(1, 12)), () => mine.reset(12)],
        ['step', () => rgbOut.send('S', new Uint8Array(mine.agents).fill(1)), () => mine.step(new Uint8Array(mine.agents).fill(1))],
      ] as const) {
        // Our socket takes ~200 KB and our stream reads ~64 KB ahead before it stops: the worker's writev stops short
        // of the 650 KB, at a byte the kernel picks (not a part's end), and the worker waits for room.
        rgbOut.stdout.pause();
        send();
        apply();
        await sleep(300);
        rgbOut.stdout.resume();
        await expectPipeBatch(rgbOut, mine, what);
      }
      assert.equal(await rgbOut.pending(), 0, 'nothing after the batch');
    });
  });

  describe('then', () => {
  it("answers 'H' with the headless rates and memory, and refuses seconds that are not a positive number", async () => {
    // '5' too: a number written as a string is not a number.
    for (const body of [{ seconds: 0 }, { seconds: -1 }, { seconds: 'x' }, { seconds: '5' }, {}, 5, null]) {
      w.sendJson('H', body);
      const e = await w.error();
      assert.equal(e.code, 'MALFORMED_MESSAGE', JSON.stringify(body));
      assert.match(e.message, /seconds must be a number above 0, got /);
    }
    w.send('H', Buffer.from('seconds'));
    assert.match((await w.error()).message, /message H: the payload is not JSON/);
    const started = process.hrtime.bigint();
    w.sendJson('H', { seconds: 0.2 });
    const r = await w.reply();
    const took = Number(process.hrtime.bigint() - started) / 1e9;
    assert.equal(r.op, 'J');
    const j = JSON.parse(r.body.toString()) as Record<string, number>;
    assert.deepEqual(Object.keys(j).sort(), ['rss_bytes', 'world_steps_per_cpu_s', 'world_steps_per_s']);
    assert.ok(j.world_steps_per_s > 0 && j.world_steps_per_cpu_s > 0, JSON.stringify(j));
    assert.ok(took >= 0.2, `it stepped for at least the time asked (${took} s)`);
    assert.ok(j.rss_bytes > 10e6 && j.rss_bytes < 4e9, `a process's resident memory, bytes: ${j.rss_bytes}`);
  });

  it("exits with status 0 on 'Q'", async () => {
    w.send('Q');
    assert.equal(await w.exitCode(), 0);
    assert.equal(await w.pending(), 0);
  });
  });
});
