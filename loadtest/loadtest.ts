/**
 * Load test of a Crucible room: N bots join as focal agents and answer every observation with one action.
 *
 *   npm run -s loadtest -- --agents 100 --hz 100 --seconds 30
 *   npm run -s loadtest -- --sweep                       # N = 50, 100, 200, 300, 500 at 100 Hz, 15 s each
 *
 * Without --url it starts its own server process (loadtest/serverProcess.ts) and stops it at the end (a sweep
 * starts a fresh one per N). The room is created by a spectator connection of this process (state: false): the
 * substrate without a scenario (every slot focal), tiled to the smallest scale with at least N slots
 * (players = base · scale²), `fillFocal: 'noop'` so the slots no bot holds act NOOP. The bots are spread over
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
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client, type Room } from '@colyseus/sdk';
import { MessageType } from '../client/protocol.js';
import { ArgError, defaultWorkers, parseLoadtestArgs, USAGE, type LoadtestArgs } from './args.js';
import type { JoinCommand, WorkerCommand, WorkerReply } from './botWorker.js';
import {
  encodeHistogram, formatRun, formatSweep, histogramDelta, holds, HOLD_CRITERIA, rateHolds, mergeHistograms, percentilesMs, rttLimitMs, type LoadtestReport,
} from './report.js';
import { machineBusyMicros, procCpuMicros, startServerProcess } from './serverProcess.js';

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

/** One measured run with `agents` bots. */
export async function runOnce(args: LoadtestArgs, agents: number): Promise<RunResult> {
  const server = args.url
    ? null
    : await startServerProcess({ cpuProfDir: args.serverCpuProf, onStderr: (line) => log(`[server] ${line}`) });
  const url = args.url ?? server!.url;
  const httpUrl = url.replace(/^ws/, 'http');
  const workerCount = Math.min(args.workers ?? defaultWorkers(agents), agents);
  const workers = Array.from({ length: workerCount }, () => new Worker(args.botCpuProf));
  let spectator: Room | null = null;
  try {
    const catalogue = await getJson<{ name: string; players: number }[]>(`${httpUrl}/api/substrates`);
    const base = catalogue.find((s) => s.name === args.substrate)?.players;
    if (base === undefined) throw new Error(`the server at ${url} has no substrate ${args.substrate}`);
    const scale = scaleFor(base, agents);
    if (scale > MAX_SCALE) throw new Error(`${agents} agents need scale ${scale}, above the largest (${MAX_SCALE}) for ${args.substrate}`);
    const players = base * scale * scale;

    // The spectator creates the room and keeps it alive (an empty room disposes itself); it never takes a slot.
    spectator = await new Client(url).create(args.substrate, {
      role: 'spectator',
      state: false,
      tickRate: args.hz,
      lockstep: args.lockstep,
      scale,
      fillFocal: 'noop',
      seed: args.seed,
    });
    for (const type of [MessageType.Welcome, MessageType.Episode, MessageType.Error]) spectator.onMessage(type, () => {});
    const roomId = spectator.roomId;

    await Promise.all(workers.map((w) => w.expect('ready', 30_000)));
    log(`loadtest: ${agents} agents → room ${roomId} (${args.substrate}, ${players} players, scale ${scale}, ${args.hz} Hz${args.lockstep ? ', lockstep' : ''}, obs ${args.obs}) on ${url}`);
    const t0 = performance.now();
    const per = Math.floor(agents / workerCount);
    const joins = workers.map((w, k) => {
      const cmd: JoinCommand = {
        type: 'join', url, roomId, count: per + (k < agents % workerCount ? 1 : 0), firstBot: k * per + Math.min(k, agents % workerCount),
        obs: args.obs, seed: args.seed, concurrency: JOIN_CONCURRENCY,
      };
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
    const metricsUrl = `${httpUrl}/api/rooms/${roomId}/metrics`;
    const m0 = await getJson<ServerMetrics>(metricsUrl);
    const cpu0 = server ? procCpuMicros(server.pid) : null;
    const machine0 = machineBusyMicros();
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
    const m1 = await getJson<ServerMetrics>(metricsUrl);
    const cpu1 = server ? procCpuMicros(server.pid) : null;
    const machine1 = machineBusyMicros();
    const wall1 = performance.now();
    const bots = await Promise.all(reports);

    const left = workers.map((w) => w.expect('left', 30_000));
    for (const w of workers) w.send({ type: 'leave' });
    await Promise.all(left).catch(() => {});

    const machineCpuPct = machine0 !== null && machine1 !== null ? ((machine1 - machine0) / ((wall1 - wall0) * 1000)) * 100 : null;
    return assemble({ args, agents, players, scale, workerCount, m0, m1, cpu0, cpu1, wall0, wall1, bots, joinFailed: failed, joinErrors, machineCpuPct, schedDelayMs });
  } finally {
    if (spectator) await Promise.race([spectator.leave(true).catch(() => {}), sleep(5000)]);
    await Promise.all(workers.map((w) => w.stop()));
    await server?.stop();
  }
}

interface AssembleInput {
  args: LoadtestArgs;
  agents: number;
  players: number;
  scale: number;
  workerCount: number;
  m0: ServerMetrics;
  m1: ServerMetrics;
  cpu0: number | null;
  cpu1: number | null;
  wall0: number;
  wall1: number;
  bots: Extract<WorkerReply, { type: 'report' }>[];
  joinFailed: number;
  joinErrors: Record<string, number>;
  machineCpuPct: number | null;
  schedDelayMs: { p99: number; max: number };
}

function assemble(x: AssembleInput): RunResult {
  const { args, m0, m1, bots } = x;
  // The server's own clock when it reports one (remote rooms), else ours.
  const serverMs = m0.process && m1.process ? m1.process.now_ms - m0.process.now_ms : x.wall1 - x.wall0;
  const seconds = serverMs / 1000;
  const ticks = m1.ticks - m0.ticks;
  const tickHist = histogramDelta(m0.tick_histogram, m1.tick_histogram);
  const rttHist = mergeHistograms(bots.map((b) => b.rtt));

  const errorCodes: Record<string, number> = { ...x.joinErrors };
  for (const b of bots) for (const [code, n] of Object.entries(b.errors)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
  const tickErrors = m1.tick_errors - m0.tick_errors;
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
    serverCpuPct = m0.process && m1.process ? ((m1.process.cpu_us - m0.process.cpu_us) / (serverMs * 1000)) * 100 : -1;
    cpuSource = 'server';
  }
  const botWallMs = Math.max(1, ...bots.map((b) => b.wallMs));
  const perS = (sum: (b: (typeof bots)[number]) => number): number => Math.round(bots.reduce((n, b) => n + sum(b) / (b.wallMs / 1000), 0));
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  const observations = bots.reduce((n, b) => n + b.observations, 0);
  const actionsSent = bots.reduce((n, b) => n + b.msgsOut, 0);
  const round3 = (v: number): number => Math.round(v * 1000) / 1000;
  const lateActions = counterDelta(m0.late_actions, m1.late_actions);
  const missedActions = counterDelta(m0.missed_actions, m1.missed_actions);

  const partial = {
    agents: x.agents,
    target_hz: args.hz,
    achieved_hz: round2(seconds > 0 ? ticks / seconds : 0),
    tick_ms: percentilesMs(tickHist),
    rtt_ms: percentilesMs(rttHist),
    late_ticks: m1.late_ticks - m0.late_ticks,
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
  const machine = x.machineCpuPct === null ? null : round2(x.machineCpuPct);
  const report: LoadtestReport = {
    ...partial,
    holds: holds({ ...partial, lockstep: args.lockstep }),
    rate_holds: rateHolds({ ...partial, lockstep: args.lockstep }),
    substrate: args.substrate,
    obs: args.obs,
    lockstep: args.lockstep,
    players: x.players,
    scale: x.scale,
    fill_focal: 'noop',
    workers: x.workerCount,
    seconds: round2(seconds),
    ticks,
    resyncs: m1.resyncs - m0.resyncs,
    tick_errors: tickErrors,
    observations,
    observations_per_s: perS((b) => b.observations),
    observations_superseded: bots.reduce((n, b) => n + b.superseded, 0),
    late_actions: lateActions,
    late_action_pct: round3(actionsSent > 0 ? (100 * (lateActions ?? 0)) / actionsSent : 0),
    missed_actions: missedActions,
    missed_action_pct: round3(ticks > 0 ? (100 * (missedActions ?? 0)) / (ticks * x.agents) : 0),
    expired_actions: counterDelta(m0.expired_actions, m1.expired_actions),
    error_codes: errorCodes,
    bot_loop_delay_ms: {
      p99: round2(Math.max(0, ...bots.map((b) => b.loopDelayP99Ms))),
      max: round2(Math.max(0, ...bots.map((b) => b.loopDelayMaxMs))),
    },
    sched_delay_ms: { p99: round2(x.schedDelayMs.p99), max: round2(x.schedDelayMs.max) },
    machine_cpu_pct: machine,
    other_cpu_pct: machine === null ? null : round2(Math.max(0, machine - partial.server_cpu_pct - partial.bot_cpu_pct)),
    obs_sends:
      m0.obs_sends && m1.obs_sends
        ? { one_write: m1.obs_sends.one_write - m0.obs_sends.one_write, fallback: m1.obs_sends.fallback - m0.obs_sends.fallback }
        : null,
  };
  return { report, histograms: { rtt_us: encodeHistogram(rttHist), tick_us: encodeHistogram(tickHist) }, serverTimers: m1.performance?.timers ?? null };
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
