/**
 * Load test of a Crucible room: N bots join as focal agents and answer every observation with one action.
 *
 *   npm run -s loadtest -- --agents 100 --hz 100 --seconds 30
 *   npm run -s loadtest -- --sweep                       # N = 50, 100, 200, 300, 500 at 100 Hz, 15 s each
 *   npm run -s loadtest -- --agents 140 --rooms 20 --hz 100 --seconds 10 --cluster 2   # 20 rooms on a cluster of 2
 *
 * Servers: loadtest/servers.ts (one process of its own, a cluster of its own with --cluster N, or --url). With
 * --rooms R the agents are spread over R rooms, each created by a spectator as below; the window's figures merge
 * every room's, and the rate must hold in the slowest. Around the window: rooms created per second, RSS per room
 * and per agent, Redis commands and bytes per room per second, and join probes after it (loadtest/README.md,
 * "Many rooms and clusters").
 *
 * Without --url it starts its own server process (loadtest/serverProcess.ts) and stops it at the end (a sweep
 * starts a fresh one per N). The room is created by a spectator connection of this process (state: false): the
 * substrate without a scenario (every slot focal), tiled to the smallest scale with at least N slots
 * (players = base · scale²), `fillFocal: 'noop'` so the slots no bot holds act NOOP; or, with --scenario, that
 * scenario at scale 1 with `fillFocal: 'bots'`, so its bots play every slot no load-test bot holds. The bots are spread over
 * --workers processes (loadtest/botWorker.ts).
 *
 * Timeline: join every bot → warm-up (--warmup s) → measured window (--seconds) → leave → stop. Over the window:
 * - from the server (GET /api/rooms/:id/metrics at both ends): ticks and late ticks (starting one interval or
 *   more behind schedule), the tick-duration histogram (the difference of the two cumulative readings), tick
 *   errors, and its CPU (/proc/<pid>/stat of a server this tool started, else the server's own process.cpuUsage);
 *   achieved_hz = ticks / elapsed time on the server's clock;
 * - from the bots: the action → observation round trip (HDR histograms merged across processes), errors received
 *   by code, disconnects, messages and bytes each way, and their CPU.
 *
 * The last stdout line is the report as one JSON object (a sweep prints one line per N, then a summary line); a
 * readable table goes to stderr; --out FILE writes the report(s) plus the histograms. Bad arguments exit 2.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client, type Room } from '@colyseus/sdk';
import { MessageType } from '../client/protocol.js';
import { getScenario } from '../substrates/scenarios.js';
import { ArgError, defaultWorkers, parseLoadtestArgs, USAGE, type LoadtestArgs } from './args.js';
import type { JoinCommand, WorkerCommand, WorkerReply } from './botWorker.js';
import {
  encodeHistogram, formatRun, formatSweep, histogramDelta, holds, HOLD_CRITERIA, rateHolds, mergeHistograms, newHistogram, percentilesMs, rttLimitMs, type LoadtestReport, type Percentiles,
} from './report.js';
import { matchmake } from './rawClient.js';
import { machineBusyMicros } from './serverProcess.js';
import { cpuOf, givenServers, listingBytes, RedisInfoReader, redisDelta, rssOf, startServers, type DirectProcess, type RedisDelta } from './servers.js';

const WORKER = fileURLToPath(new URL('./botWorker.ts', import.meta.url));
/** Joins in flight at once per bot process. */
const JOIN_CONCURRENCY = 16;
/** Largest room scale a create accepts. */
const MAX_SCALE = 32;

/** The fields of GET /api/rooms/:id/metrics this tool reads. */
interface ServerMetrics {
  performance: { timers: Record<string, { count: number; mean: number; p50: number; p99: number; max: number }> } | null;
  ticks: number;
  late_ticks: number;
  resyncs: number;
  tick_errors: number;
  errors: Record<string, number>;
  late_actions?: number;
  missed_actions?: number;
  expired_actions?: number;
  tick_histogram: string | null;
  process?: { pid: number; cpu_us: number; now_ms: number };
  obs_sends?: { one_write: number; fallback: number };
}

interface RunResult {
  report: LoadtestReport;
  histograms: { rtt_us: string; tick_us: string };
  /** The server's own stage timers at the end of the run (µs, cumulative since the room started). */
  serverTimers: Record<string, unknown> | null;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Smallest K with base · K² ≥ agents. */
export function scaleFor(basePlayers: number, agents: number): number {
  let k = 1;
  while (basePlayers * k * k < agents) k++;
  return k;
}

/** A bot process and its replies: `expect(type)` resolves with the next reply of that type (kept if it came first). */
class Worker {
  readonly child: ChildProcess;
  private waiting = new Map<WorkerReply['type'], (r: WorkerReply) => void>();
  /** Replies that arrived before anyone expected them. */
  private inbox = new Map<WorkerReply['type'], WorkerReply>();
  private exited: Promise<void>;

  /** `cpuProfDir`: write a V8 CPU profile of the process there when it exits. */
  constructor(cpuProfDir: string | null) {
    const prof = cpuProfDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(cpuProfDir)];
    this.child = fork(WORKER, [], { execArgv: ['--import', 'tsx', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: WorkerReply) => {
      const w = this.waiting.get(m.type);
      if (w) {
        this.waiting.delete(m.type);
        w(m);
      } else {
        this.inbox.set(m.type, m);
      }
    });
    this.exited = new Promise((r) => this.child.once('exit', () => r()));
    void this.exited.then(() => {
      for (const [type, w] of this.waiting) w({ type: 'left' } as WorkerReply & { type: typeof type });
      this.waiting.clear();
    });
  }

  expect<T extends WorkerReply['type']>(type: T, timeoutMs: number): Promise<Extract<WorkerReply, { type: T }>> {
    const early = this.inbox.get(type);
    if (early) {
      this.inbox.delete(type);
      return Promise.resolve(early as Extract<WorkerReply, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bot process ${this.child.pid}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(type, (r) => {
        clearTimeout(timer);
        if (r.type !== type) reject(new Error(`bot process ${this.child.pid} exited before "${type}"`));
        else resolve(r as Extract<WorkerReply, { type: T }>);
      });
    });
  }

  send(cmd: WorkerCommand): void {
    if (this.child.connected) this.child.send(cmd);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      if (this.child.connected) this.child.disconnect();
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** Time between the starts of two join probes (ms). */
const PROBE_INTERVAL_MS = 100;
/** Metric readings in flight at once (one HTTP request per room). */
const READ_CONCURRENCY = 16;

/** Run `fn` over `items` with at most `limit` in flight; results in order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** `total` split over `parts` as evenly as possible (the first ones one larger). */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(total / parts) + (k < total % parts ? 1 : 0));
}

/**
 * Where each bot goes, in bot order: `perRoom[r]` bots into room `roomIds[r]`, bot j of room r joining through
 * `urls[(r + 1 + j) % urls.length]` — round-robin over the processes, starting one after the process the room was
 * created through, so with several processes most joins reach the room through a process that does not own it.
 */
export function assignTargets(perRoom: readonly number[], roomIds: readonly string[], urls: readonly string[]): JoinCommand['targets'] {
  const targets: JoinCommand['targets'] = [];
  perRoom.forEach((n, r) => {
    for (let j = 0; j < n; j++) targets.push({ roomId: roomIds[r], url: urls[(r + 1 + j) % urls.length] });
  });
  return targets;
}

/** Join timings of the probes (µs histograms) and how many went through a process other than the room's. */
interface ProbeResult {
  reserve: ReturnType<typeof newHistogram>;
  connect: ReturnType<typeof newHistogram>;
  total: ReturnType<typeof newHistogram>;
  viaOther: number;
  failed: number;
  firstError: string | null;
}

/**
 * `count` spectator joins spread over `ms`, one after the other: the seat reservation (POST /matchmake/joinById at
 * a server process that does not own the room, when the processes are known and there are several), then the
 * connection through the client-facing URL (a cluster's front routes it to the owner) until the room confirms the
 * join; then it leaves. Without known processes the reservation goes through the client-facing URLs in turn.
 */
async function runProbes(
  count: number, ms: number, roomIds: readonly string[], owner: readonly (number | null)[], processes: readonly DirectProcess[], urls: readonly string[],
): Promise<ProbeResult> {
  const r: ProbeResult = { reserve: newHistogram(), connect: newHistogram(), total: newHistogram(), viaOther: 0, failed: 0, firstError: null };
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    const due = t0 + ((k + 0.5) * ms) / count;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const room = k % roomIds.length;
    const own = owner[room];
    let reserveUrl: string;
    if (processes.length === 0 || own === null) {
      reserveUrl = urls[k % urls.length];
    } else {
      const via = processes.length > 1 ? (own + 1 + (k % (processes.length - 1))) % processes.length : own;
      if (via !== own) r.viaOther++;
      reserveUrl = processes[via].url;
    }
    const connectUrl = processes.length === 0 ? reserveUrl : urls[k % urls.length];
    try {
      const a = performance.now();
      const reservation = await matchmake(reserveUrl.replace(/^ws/, 'http'), 'joinById', roomIds[room], { role: 'spectator', state: false });
      const b = performance.now();
      const joined = await new Client(connectUrl).consumeSeatReservation(reservation as unknown as Parameters<Client['consumeSeatReservation']>[0]);
      const c = performance.now();
      for (const type of [MessageType.Welcome, MessageType.Episode, MessageType.Error]) joined.onMessage(type, () => {});
      r.reserve.recordValue(Math.max(1, Math.round((b - a) * 1000)));
      r.connect.recordValue(Math.max(1, Math.round((c - b) * 1000)));
      r.total.recordValue(Math.max(1, Math.round((c - a) * 1000)));
      await Promise.race([joined.leave(true).catch(() => {}), sleep(2000)]);
    } catch (err) {
      r.failed++;
      r.firstError ??= err instanceof Error ? err.message : String(err);
    }
  }
  return r;
}

/** One measured run with `agents` bots. */
export async function runOnce(args: LoadtestArgs, agents: number): Promise<RunResult> {
  const servers = args.url
    ? await givenServers(args.url, args.redis)
    : await startServers({ cluster: args.cluster, direct: args.direct, cpuProfDir: args.serverCpuProf, onLog: log });
  const urls = servers.urls;
  const pids = servers.processes.map((p) => p.pid);
  const frontPids = servers.frontPid === null ? [] : [servers.frontPid];
  const processCount = servers.processes.length || urls.length;
  const httpUrl = urls[0].replace(/^ws/, 'http');
  const roomCount = Math.min(args.rooms, agents);
  const workerCount = Math.min(args.workers ?? defaultWorkers(agents), agents);
  const workers = Array.from({ length: workerCount }, () => new Worker(args.botCpuProf));
  const spectators: (Room | null)[] = new Array<Room | null>(roomCount).fill(null);
  const redisReader = servers.redisUrl ? new RedisInfoReader(servers.redisUrl) : null;
  try {
    const catalogue = await getJson<{ name: string; players: number }[]>(`${httpUrl}/api/substrates`);
    const base = catalogue.find((s) => s.name === args.substrate)?.players;
    if (base === undefined) throw new Error(`the server at ${urls[0]} has no substrate ${args.substrate}`);
    const perRoom = split(agents, roomCount);
    const focalSlots = args.scenario === null ? null : getScenario(args.scenario).isFocal.filter(Boolean).length;
    if (focalSlots !== null && perRoom[0] > focalSlots) throw new Error(`${perRoom[0]} agents in a room, but ${args.scenario} has ${focalSlots} focal slot${focalSlots === 1 ? '' : 's'}: use more --rooms`);
    const scale = focalSlots === null ? scaleFor(base, perRoom[0]) : 1;
    if (scale > MAX_SCALE) throw new Error(`${perRoom[0]} agents in a room need scale ${scale}, above the largest (${MAX_SCALE}) for ${args.substrate}`);
    const players = base * scale * scale;

    // Memory before any room exists (servers this tool started), and Redis before the rooms are created.
    await sleep(pids.length > 0 ? 500 : 0);
    const rssBase = rssOf(pids);
    const redisBeforeCreate = redisReader ? await redisReader.read() : null;

    // One spectator per room creates it and keeps it alive (an empty room disposes itself); it never takes a slot.
    // Rooms are created round-robin through the processes' URLs; the cluster picks the process that runs each.
    const createHist = newHistogram();
    const create = async (r: number): Promise<void> => {
      const a = performance.now();
      const room = await new Client(urls[r % urls.length]).create(args.substrate, {
        role: 'spectator',
        state: false,
        tickRate: args.hz,
        lockstep: args.lockstep,
        scale,
        ...(args.scenario === null ? { fillFocal: 'noop' } : { scenario: args.scenario, fillFocal: 'bots' }),
        seed: args.seed + r,
      });
      createHist.recordValue(Math.max(1, Math.round((performance.now() - a) * 1000)));
      for (const type of [MessageType.Welcome, MessageType.Episode, MessageType.Error]) room.onMessage(type, () => {});
      spectators[r] = room;
    };
    // As many rooms as processes first, one after the other (a process compiles the room's code on its first
    // create); then the rest, timed.
    const warm = roomCount > 1 ? Math.min(processCount, roomCount - 1) : 1;
    for (let r = 0; r < warm; r++) await create(r);
    if (roomCount > warm) createHist.reset();
    const createCpu0 = cpuOf([...pids, ...frontPids]);
    const createMachine0 = machineBusyMicros();
    const createOwn0 = process.cpuUsage();
    const tc0 = performance.now();
    await pool(perRoom.slice(warm), args.createConcurrency, (_n, k) => create(k + warm));
    const createSeconds = (performance.now() - tc0) / 1000;
    const createOwn = process.cpuUsage(createOwn0);
    const createMachine1 = machineBusyMicros();
    const createCpu1 = cpuOf([...pids, ...frontPids]);
    const redisAfterCreate = redisReader ? await redisReader.read() : null;
    const listings = servers.redisUrl ? await listingBytes(servers.redisUrl) : null;
    const roomIds = spectators.map((s) => s!.roomId);
    // The rooms tick (their slots act NOOP) before the memory reading: what a running room holds.
    await sleep(pids.length > 0 ? 1000 : 0);
    const rssRooms = rssOf(pids);

    await Promise.all(workers.map((w) => w.expect('ready', 30_000)));
    log(
      `loadtest: ${agents} agents → ${roomCount} room${roomCount > 1 ? 's' : ''} (${args.scenario ?? args.substrate}, ${players} players each${args.scenario === null ? '' : ', its bots in the empty slots'}, scale ${scale}, ${args.hz} Hz${args.lockstep ? ', lockstep' : ''}, obs ${args.obs}) ` +
        `on ${processCount} process${processCount > 1 ? 'es' : ''}${servers.frontPid !== null ? ` behind ${urls[0]}` : ''}${servers.redisUrl ? ` with Redis ${servers.redisUrl}` : ''}; rooms created in ${createSeconds.toFixed(2)} s`,
    );
    const targets = assignTargets(perRoom, roomIds, urls);
    const t0 = performance.now();
    const shares = split(agents, workerCount);
    let first = 0;
    const joins = workers.map((w, k) => {
      const cmd: JoinCommand = { type: 'join', targets: targets.slice(first, first + shares[k]), firstBot: first, obs: args.obs, seed: args.seed, concurrency: JOIN_CONCURRENCY };
      first += shares[k];
      w.send(cmd);
      return w.expect('joined', 120_000);
    });
    const joined = await Promise.all(joins);
    const joinErrors: Record<string, number> = {};
    let failed = 0;
    for (const j of joined) {
      failed += j.failed;
      for (const [code, n] of Object.entries(j.errors)) joinErrors[code] = (joinErrors[code] ?? 0) + n;
    }
    log(`loadtest: ${agents - failed}/${agents} joined in ${((performance.now() - t0) / 1000).toFixed(1)} s${failed ? ` (first error: ${joined.find((j) => j.firstError)?.firstError})` : ''}`);
    if (failed === agents) throw new Error(`no bot could join: ${joined.find((j) => j.firstError)?.firstError}`);

    await sleep(args.warmupSeconds * 1000);
    const rssAgents = rssOf(pids);
    const readAll = (): Promise<ServerMetrics[]> =>
      pool(roomIds, READ_CONCURRENCY, (id, r) => getJson<ServerMetrics>(`${urls[r % urls.length].replace(/^ws/, 'http')}/api/rooms/${id}/metrics`));
    const m0 = await readAll();
    // The process that owns each room, as an index into servers.processes (null: not known).
    const owner = m0.map((m) => (m.process ? pids.indexOf(m.process.pid) : -1)).map((i) => (i >= 0 ? i : null));
    const roomsPerProcess = pids.map((pid) => m0.filter((m) => m.process?.pid === pid).length);
    const redis0 = redisReader ? await redisReader.read() : null;
    const redisWall0 = performance.now();
    const cpu0 = cpuOf(pids);
    const front0 = cpuOf(frontPids);
    const machine0 = machineBusyMicros();
    const loadAverage = loadavg().map((v) => Math.round(v * 100) / 100);
    const wall0 = performance.now();
    for (const w of workers) w.send({ type: 'measure' });
    // This process idles through the window: how late its 1 ms timer runs is the machine's scheduling delay,
    // which every process (server, bots) also suffers.
    const probe = monitorEventLoopDelay({ resolution: 1 });
    probe.enable();

    await sleep(args.seconds * 1000);
    probe.disable();
    // ns; the 1 ms sampling interval itself is subtracted.
    const schedDelayMs = { p99: Math.max(0, probe.percentile(99) / 1e6 - 1), max: Math.max(0, probe.max / 1e6 - 1) };

    const reports = workers.map((w) => w.expect('report', 30_000));
    for (const w of workers) w.send({ type: 'report' });
    const redis1 = redisReader ? await redisReader.read() : null;
    const redisWall1 = performance.now();
    const cpu1 = cpuOf(pids);
    const front1 = cpuOf(frontPids);
    const machine1 = machineBusyMicros();
    const wall1 = performance.now();
    const m1 = await readAll();
    const bots = await Promise.all(reports);

    // The join probes, after the window (their matchmaking is not in the window's Redis figures) while the bots
    // still play: one every PROBE_INTERVAL_MS.
    const redisBeforeProbes = redisReader && args.joinProbes > 0 ? await redisReader.read() : null;
    const probes = await runProbes(args.joinProbes, args.joinProbes * PROBE_INTERVAL_MS, roomIds, owner, servers.processes, urls);
    const redisAfterProbes = redisBeforeProbes ? await redisReader!.read() : null;

    const left = workers.map((w) => w.expect('left', 30_000));
    for (const w of workers) w.send({ type: 'leave' });
    await Promise.all(left).catch(() => {});

    const machineCpuPct = machine0 !== null && machine1 !== null ? ((machine1 - machine0) / ((wall1 - wall0) * 1000)) * 100 : null;
    return assemble({
      args, agents, perRoom, players, scale, workerCount, m0, m1, cpu0, cpu1, wall0, wall1, bots, joinFailed: failed, joinErrors, machineCpuPct, schedDelayMs,
      processes: processCount,
      loadAverage,
      roomsPerProcess,
      frontCpuMicros: front0 !== null && front1 !== null ? front1 - front0 : null,
      redisUrl: servers.redisUrl,
      create: {
        listings, cpuMicros: createCpu0 !== null && createCpu1 !== null ? createCpu1 - createCpu0 : null, seconds: createSeconds,
        ownMicros: createOwn.user + createOwn.system, machineMicros: createMachine0 !== null && createMachine1 !== null ? createMachine1 - createMachine0 : null,
        timed: roomCount - warm, hist: createHist, redis: redisBeforeCreate && redisAfterCreate ? redisDelta(redisBeforeCreate, redisAfterCreate) : null,
      },
      redis: redis0 && redis1 ? { delta: redisDelta(redis0, redis1), seconds: (redisWall1 - redisWall0) / 1000, usedMemory: [redisBeforeCreate!.usedMemoryBytes, redis1.usedMemoryBytes] } : null,
      rss: { base: rssBase, rooms: rssRooms, agents: rssAgents },
      probes,
      probeRedis: redisBeforeProbes && redisAfterProbes ? redisDelta(redisBeforeProbes, redisAfterProbes) : null,
    });
  } finally {
    await Promise.all(spectators.map((s) => (s ? Promise.race([s.leave(true).catch(() => {}), sleep(5000)]) : null)));
    await Promise.all(workers.map((w) => w.stop()));
    redisReader?.close();
    await servers.stop();
  }
}

interface AssembleInput {
  args: LoadtestArgs;
  agents: number;
  /** Agents per room. */
  perRoom: number[];
  players: number;
  scale: number;
  workerCount: number;
  /** Per room, in the order of perRoom. */
  m0: ServerMetrics[];
  m1: ServerMetrics[];
  cpu0: number | null;
  cpu1: number | null;
  wall0: number;
  wall1: number;
  bots: Extract<WorkerReply, { type: 'report' }>[];
  joinFailed: number;
  joinErrors: Record<string, number>;
  machineCpuPct: number | null;
  schedDelayMs: { p99: number; max: number };
  processes: number;
  loadAverage: number[];
  /** Rooms each server process owned (empty: processes not known). */
  roomsPerProcess: number[];
  /** CPU time of the cluster's front over the window (null: no front started here). */
  frontCpuMicros: number | null;
  redisUrl: string | null;
  create: {
    listings: number | null; cpuMicros: number | null; seconds: number;
    /** This process's CPU over the creates (µs): the clients that create the rooms and join them. */
    ownMicros: number;
    /** The whole machine's busy CPU over the creates (µs), null without /proc. */
    machineMicros: number | null;
    timed: number; hist: ReturnType<typeof newHistogram>; redis: RedisDelta | null;
  };
  /** Redis over the window (from the reading before the first metrics reading to the one after the last). */
  redis: { delta: RedisDelta; seconds: number; usedMemory: [number, number] } | null;
  rss: { base: number | null; rooms: number | null; agents: number | null };
  probes: ProbeResult;
  /** Redis over the probes (null: no Redis or no probes). */
  probeRedis: RedisDelta | null;
}

function assemble(x: AssembleInput): RunResult {
  const { args, m0, m1, bots } = x;
  const rooms = x.perRoom.length;
  // Each room's window on its server's clock when it reports one, else ours.
  const roomMs = m0.map((a, r) => (a.process && m1[r].process ? m1[r].process!.now_ms - a.process.now_ms : x.wall1 - x.wall0));
  const roomHz = m0.map((a, r) => (roomMs[r] > 0 ? ((m1[r].ticks - a.ticks) * 1000) / roomMs[r] : 0));
  const serverMs = roomMs.reduce((a, b) => a + b, 0) / rooms;
  const seconds = serverMs / 1000;
  const sum = (f: (a: ServerMetrics, b: ServerMetrics, r: number) => number): number => m0.reduce((n, a, r) => n + f(a, m1[r], r), 0);
  const ticks = sum((a, b) => b.ticks - a.ticks);
  const tickHist = newHistogram();
  for (let r = 0; r < rooms; r++) tickHist.add(histogramDelta(m0[r].tick_histogram, m1[r].tick_histogram));
  const rttHist = mergeHistograms(bots.map((b) => b.rtt));

  const errorCodes: Record<string, number> = { ...x.joinErrors };
  for (const b of bots) for (const [code, n] of Object.entries(b.errors)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
  const tickErrors = sum((a, b) => b.tick_errors - a.tick_errors);
  if (tickErrors > 0) errorCodes.TICK_ERROR = tickErrors;
  const malformed = bots.reduce((n, b) => n + b.malformed, 0);
  if (malformed > 0) errorCodes.MALFORMED_OBSERVATION = malformed;
  const errors = Object.values(errorCodes).reduce((a, b) => a + b, 0);

  let serverCpuPct: number;
  let cpuSource: 'proc' | 'server';
  if (x.cpu0 !== null && x.cpu1 !== null) {
    serverCpuPct = ((x.cpu1 - x.cpu0) / ((x.wall1 - x.wall0) * 1000)) * 100;
    cpuSource = 'proc';
  } else {
    // The servers' own reports, once per process (every room of a process reports the same figures).
    const byPid = new Map<number, number>();
    m0.forEach((a, r) => {
      const b = m1[r];
      if (a.process && b.process) byPid.set(a.process.pid, ((b.process.cpu_us - a.process.cpu_us) / ((b.process.now_ms - a.process.now_ms) * 1000)) * 100);
    });
    serverCpuPct = byPid.size > 0 ? [...byPid.values()].reduce((p, q) => p + q, 0) : -1;
    cpuSource = 'server';
  }
  const botWallMs = Math.max(1, ...bots.map((b) => b.wallMs));
  const perS = (f: (b: (typeof bots)[number]) => number): number => Math.round(bots.reduce((n, b) => n + f(b) / (b.wallMs / 1000), 0));
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  const round3 = (v: number): number => Math.round(v * 1000) / 1000;
  const observations = bots.reduce((n, b) => n + b.observations, 0);
  const actionsSent = bots.reduce((n, b) => n + b.msgsOut, 0);
  const counter = (k: 'late_actions' | 'missed_actions' | 'expired_actions'): number | null => {
    let n = 0;
    for (let r = 0; r < rooms; r++) {
      const d = counterDelta(m0[r][k], m1[r][k]);
      if (d === null) return null;
      n += d;
    }
    return n;
  };
  const lateActions = counter('late_actions');
  const missedActions = counter('missed_actions');
  const agentSteps = sum((a, b, r) => (b.ticks - a.ticks) * x.perRoom[r]);

  const partial = {
    agents: x.agents,
    target_hz: args.hz,
    achieved_hz: round2(roomHz.reduce((a, b) => a + b, 0) / rooms),
    tick_ms: percentilesMs(tickHist),
    rtt_ms: percentilesMs(rttHist),
    late_ticks: sum((a, b) => b.late_ticks - a.late_ticks),
    errors,
    disconnects: bots.reduce((n, b) => n + b.disconnects, 0),
    msgs_in_per_s: perS((b) => b.msgsOut),
    msgs_out_per_s: perS((b) => b.msgsIn),
    bytes_out_per_s: perS((b) => b.bytesIn),
    bytes_in_per_s: perS((b) => b.bytesOut),
    server_cpu_pct: round2(serverCpuPct),
    bot_cpu_pct: round2((bots.reduce((n, b) => n + b.cpuMicros, 0) / (botWallMs * 1000)) * 100),
    server_cpu_source: cpuSource,
  };
  // Every room must hold the rate: the criteria are judged on the slowest one.
  const slowest = { ...partial, achieved_hz: round2(Math.min(...roomHz)), lockstep: args.lockstep };
  const machine = x.machineCpuPct === null ? null : round2(x.machineCpuPct);
  const windowS = x.redis?.seconds ?? 1;
  const mb = (bytes: number): number => round2(bytes / (1024 * 1024));
  const kb = (bytes: number): number => round2(bytes / 1024);
  const pct = (h: ReturnType<typeof newHistogram>): Percentiles | null => (h.totalCount === 0 ? null : percentilesMs(h));
  const redisWindow = x.redis?.delta ?? null;
  const report: LoadtestReport = {
    ...partial,
    holds: holds(slowest),
    rate_holds: rateHolds(slowest),
    rooms,
    processes: x.processes,
    direct: args.direct,
    rooms_per_process: x.roomsPerProcess,
    front_cpu_pct: x.frontCpuMicros === null ? null : round2((x.frontCpuMicros / ((x.wall1 - x.wall0) * 1000)) * 100),
    room_hz_min: slowest.achieved_hz,
    substrate: args.substrate,
    scenario: args.scenario,
    obs: args.obs,
    lockstep: args.lockstep,
    players: x.players,
    scale: x.scale,
    fill_focal: args.scenario === null ? 'noop' : 'bots',
    workers: x.workerCount,
    seconds: round2(seconds),
    ticks,
    resyncs: sum((a, b) => b.resyncs - a.resyncs),
    tick_errors: tickErrors,
    observations,
    observations_per_s: perS((b) => b.observations),
    observations_superseded: bots.reduce((n, b) => n + b.superseded, 0),
    late_actions: lateActions,
    late_action_pct: round3(actionsSent > 0 ? (100 * (lateActions ?? 0)) / actionsSent : 0),
    missed_actions: missedActions,
    missed_action_pct: round3(agentSteps > 0 ? (100 * (missedActions ?? 0)) / agentSteps : 0),
    expired_actions: counter('expired_actions'),
    error_codes: errorCodes,
    bot_loop_delay_ms: {
      p99: round2(Math.max(0, ...bots.map((b) => b.loopDelayP99Ms))),
      max: round2(Math.max(0, ...bots.map((b) => b.loopDelayMaxMs))),
    },
    sched_delay_ms: { p99: round2(x.schedDelayMs.p99), max: round2(x.schedDelayMs.max) },
    machine_cpu_pct: machine,
    load_average: x.loadAverage,
    other_cpu_pct: machine === null ? null : round2(Math.max(0, machine - partial.server_cpu_pct - partial.bot_cpu_pct - (x.frontCpuMicros === null ? 0 : (x.frontCpuMicros / ((x.wall1 - x.wall0) * 1000)) * 100))),
    obs_sends: m0.every((a, r) => a.obs_sends && m1[r].obs_sends)
      ? { one_write: sum((a, b) => b.obs_sends!.one_write - a.obs_sends!.one_write), fallback: sum((a, b) => b.obs_sends!.fallback - a.obs_sends!.fallback) }
      : null,
    create: {
      rooms_per_s: x.create.timed > 0 ? round2(x.create.timed / x.create.seconds) : null,
      ms: percentilesMs(x.create.hist),
      concurrency: Math.min(args.createConcurrency, Math.max(1, x.create.timed)),
      redis_commands_per_room: x.create.redis ? round2(x.create.redis.commands / rooms) : null,
      server_cpu_ms_per_room: x.create.cpuMicros === null || x.create.timed === 0 ? null : round2(x.create.cpuMicros / 1000 / x.create.timed),
      loadtester_cpu_ms_per_room: x.create.timed === 0 ? null : round2(x.create.ownMicros / 1000 / x.create.timed),
      machine_cpu_ms_per_room: x.create.machineMicros === null || x.create.timed === 0 ? null : round2(x.create.machineMicros / 1000 / x.create.timed),
      listing_bytes_per_room: x.create.listings === null ? null : Math.round(x.create.listings / rooms),
    },
    join_ms:
      x.probes.total.totalCount + x.probes.failed === 0
        ? null
        : { n: x.probes.total.totalCount, redis_commands_per_join: x.probeRedis && x.probes.total.totalCount > 0 ? round2(x.probeRedis.commands / x.probes.total.totalCount) : null, via_other_process: x.probes.viaOther, failed: x.probes.failed, first_error: x.probes.firstError, reserve: pct(x.probes.reserve), connect: pct(x.probes.connect), total: pct(x.probes.total) },
    memory:
      x.rss.base === null || x.rss.rooms === null || x.rss.agents === null
        ? null
        : {
            rss_mb: { start: mb(x.rss.base), rooms: mb(x.rss.rooms), agents: mb(x.rss.agents) },
            per_room_kb: kb((x.rss.rooms - x.rss.base) / rooms),
            per_agent_kb: kb((x.rss.agents - x.rss.rooms) / x.agents),
            redis_per_room_kb: x.redis ? kb((x.redis.usedMemory[1] - x.redis.usedMemory[0]) / rooms) : null,
          },
    redis: redisWindow
      ? {
          url: x.redisUrl!,
          commands_per_s: round2(redisWindow.commands / windowS),
          commands_per_room_s: round3(redisWindow.commands / windowS / rooms),
          bytes_in_per_room_s: round2(redisWindow.netInputBytes / windowS / rooms),
          bytes_out_per_room_s: round2(redisWindow.netOutputBytes / windowS / rooms),
          calls: redisWindow.calls,
        }
      : null,
  };
  return { report, histograms: { rtt_us: encodeHistogram(rttHist), tick_us: encodeHistogram(tickHist) }, serverTimers: m1[0].performance?.timers ?? null };
}

/** A server counter over the window (null when the server does not report it). */
function counterDelta(start: number | undefined, end: number | undefined): number | null {
  return start === undefined || end === undefined ? null : end - start;
}

export async function main(argv: string[]): Promise<number> {
  let args: LoadtestArgs;
  try {
    args = parseLoadtestArgs(argv);
  } catch (err) {
    if (err instanceof ArgError) {
      process.stderr.write(err.message ? `loadtest: ${err.message}\n\n${USAGE}\n` : `${USAGE}\n`);
      return err.message ? 2 : 0;
    }
    throw err;
  }

  const results: RunResult[] = [];
  for (const agents of args.agents) {
    const r = await runOnce(args, agents);
    results.push(r);
    log(formatRun(r.report));
    process.stdout.write(`${JSON.stringify(r.report)}\n`);
  }

  let summary: Record<string, unknown> | null = null;
  if (args.sweep) {
    log(`\n${formatSweep(results.map((r) => r.report))}`);
    const held = results.filter((r) => r.report.holds).map((r) => r.report.agents);
    const rateHeld = results.filter((r) => r.report.rate_holds).map((r) => r.report.agents);
    summary = {
      sweep: true,
      target_hz: args.hz,
      seconds: args.seconds,
      obs: args.obs,
      substrate: args.substrate,
      criteria: {
        achieved_hz_min: HOLD_CRITERIA.achievedShare * args.hz, tick_p99_ms_max: HOLD_CRITERIA.tickP99Ms, rtt_p99_ms_max: rttLimitMs(args.hz),
        errors: 0, disconnects: 0,
      },
      holds: Object.fromEntries(results.map((r) => [String(r.report.agents), r.report.holds])),
      highest_held: held.length > 0 ? Math.max(...held) : null,
      // The sweep's own criterion: the rate held (≥ 99 %) with no errors or disconnects, percentiles aside.
      rate_holds: Object.fromEntries(results.map((r) => [String(r.report.agents), r.report.rate_holds])),
      highest_rate_held: rateHeld.length > 0 ? Math.max(...rateHeld) : null,
      runs: results.map(({ report: r }) => ({
        agents: r.agents, holds: r.holds, achieved_hz: r.achieved_hz, tick_p99_ms: r.tick_ms.p99, rtt_p99_ms: r.rtt_ms.p99,
        errors: r.errors, late_action_pct: r.late_action_pct, missed_action_pct: r.missed_action_pct, expired_actions: r.expired_actions, disconnects: r.disconnects, server_cpu_pct: r.server_cpu_pct,
        bot_cpu_pct: r.bot_cpu_pct, sched_delay_ms: r.sched_delay_ms,
      })),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }

  if (args.out) {
    const body = args.sweep
      ? { ...summary, results: results.map((r) => ({ ...r.report, histograms: r.histograms, server_timers_us: r.serverTimers })) }
      : { ...results[0].report, histograms: results[0].histograms, server_timers_us: results[0].serverTimers };
    writeFileSync(args.out, `${JSON.stringify(body, null, 2)}\n`);
    log(`loadtest: wrote ${args.out}`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Interrupted: exit at once; the server it started is asked to stop on exit, and the bot processes leave when
  // their IPC channel closes.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`loadtest: ${signal}, stopping\n`);
      process.exit(130);
    });
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`loadtest: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
