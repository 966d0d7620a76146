/**
 * The load-test report: HDR histograms merged across processes, percentiles in ms, the pass criteria ("holds") and
 * the readable tables printed to stderr.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** One run's result: the last stdout line of `npm run -s loadtest`. */
export interface LoadtestReport {
  agents: number;
  target_hz: number;
  achieved_hz: number;
  tick_ms: Percentiles;
  rtt_ms: Percentiles;
  late_ticks: number;
  errors: number;
  disconnects: number;
  /** Messages per second into the server (the bots' actions) and out of it (observations and everything else). */
  msgs_in_per_s: number;
  msgs_out_per_s: number;
  /** Bytes per second out of the server / into it: WebSocket payloads (Colyseus framing included). */
  bytes_out_per_s: number;
  bytes_in_per_s: number;
  /** CPU time over wall time ×100 (100 = one core busy); bots summed over their processes. */
  server_cpu_pct: number;
  bot_cpu_pct: number;
  /** Where server_cpu_pct comes from: /proc/<pid>/stat of a server this tool started, or the server's own report. */
  server_cpu_source: 'proc' | 'server';
  /** Every criterion held (HOLD_CRITERIA: rate, tick p99, round-trip p99, no errors or disconnects). */
  holds: boolean;
  /** The rate held with no errors or disconnects (the sweep's criterion; tick and round-trip percentiles aside). */
  rate_holds: boolean;
  /** Rooms the agents were spread over, and the server processes they ran on. */
  rooms: number;
  processes: number;
  /** --direct: the cluster's processes took the bots' WebSockets themselves (the front relayed none). */
  direct: boolean;
  /** Rooms each server process ran (empty: the processes are not known). */
  rooms_per_process: number[];
  /** CPU of the cluster's front (100 = one core; null: no front started here). server_cpu_pct is the processes'. */
  front_cpu_pct: number | null;
  /** The slowest room's rate (achieved_hz is the mean over rooms); the criteria are judged on it. */
  room_hz_min: number;
  substrate: string;
  /** The scenario the rooms run (--scenario), or null. */
  scenario: string | null;
  obs: string;
  lockstep: boolean;
  /** Room size: players = base players × scale²; the slots no bot holds act NOOP, or with a scenario are played by its bots. */
  players: number;
  scale: number;
  fill_focal: 'noop' | 'bots';
  workers: number;
  seconds: number;
  ticks: number;
  resyncs: number;
  tick_errors: number;
  observations: number;
  observations_per_s: number;
  /** Observations a bot left unanswered because a newer one had already arrived (it answers only the newest). */
  observations_superseded: number;
  error_codes: Record<string, number>;
  /**
   * Actions the server took late over the window (real-time rooms: the action answered an earlier tick than the
   * current one because it arrived after the next tick had started; it is applied at the next step), and as a
   * share of the actions the bots sent (%). null: the server does not report it.
   */
  late_actions: number | null;
  late_action_pct: number;
  /** Agent-steps in which a connected agent had no action (it acted NOOP), and as a share of agents × ticks (%). */
  missed_actions: number | null;
  missed_action_pct: number;
  /** Answers to an episode's last observations that reached the server after the episode ended (dropped: no step left). */
  expired_actions: number | null;
  /** How late an otherwise idle process (the load tester itself) ran its 1 ms timer during the window: the
   * machine's scheduling delay, which the server and the bots suffer too. */
  sched_delay_ms: { p99: number; max: number };
  /** Event-loop delay of the bot processes (worst process): a stalled bot answers late. */
  bot_loop_delay_ms: { p99: number; max: number };
  /** Busy CPU of the whole machine (100 = one core), and what of it was neither the server nor the bots (null: no /proc). */
  machine_cpu_pct: number | null;
  other_cpu_pct: number | null;
  /** The machine's load average (1, 5, 15 min) when the window began: other jobs' load skews every figure. */
  load_average: number[];
  /** Observations the server sent as one socket write / through the Colyseus fallback (null: not reported). */
  obs_sends: { one_write: number; fallback: number } | null;
  /**
   * Setting up the rooms: after as many rooms as processes (created one after the other: they warm each process's code), rooms created per
   * second (`concurrency` creates in flight, each a seat reservation, the world build and the connection; null with
   * one room), the time of one create, the CPU time the servers (processes and front) spent per timed create
   * (null: servers not started here), this load tester's own CPU per timed create (the clients creating and joining
   * the rooms) and the whole machine's (servers, load tester, Redis, the kernel and any other job; null without
   * /proc): their difference is what else ran. Redis commands per room created and the bytes of one room's listing in
   * Redis (what every query of the listings reads, per room; null: no Redis).
   */
  create: {
    rooms_per_s: number | null; ms: Percentiles; concurrency: number; redis_commands_per_room: number | null; server_cpu_ms_per_room: number | null;
    loadtester_cpu_ms_per_room: number | null; machine_cpu_ms_per_room: number | null; listing_bytes_per_room: number | null;
  };
  /**
   * Joins timed after the window while the bots still play (spectators, one every 100 ms): the seat reservation
   * (HTTP), the connection until the join is confirmed, and both; `via_other_process` of them were reserved through
   * a process that does not own the room; Redis commands per join (null: no Redis). null: no probes.
   */
  join_ms: {
    n: number;
    redis_commands_per_join: number | null;
    via_other_process: number;
    failed: number;
    first_error: string | null;
    reserve: Percentiles | null;
    connect: Percentiles | null;
    total: Percentiles | null;
  } | null;
  /**
   * RSS of the server processes this tool started (summed) before any room, with the rooms (their slots acting
   * NOOP), and with the agents joined (after the warm-up); per room and per agent the differences; Redis's own
   * used_memory per room. null: servers given by --url.
   */
  memory: { rss_mb: { start: number; rooms: number; agents: number }; per_room_kb: number; per_agent_kb: number; redis_per_room_kb: number | null } | null;
  /** Redis over the window (INFO deltas, this tool's INFO calls taken out); null without Redis. */
  redis: {
    url: string;
    commands_per_s: number;
    commands_per_room_s: number;
    bytes_in_per_room_s: number;
    bytes_out_per_room_s: number;
    /** Calls per command over the window, largest first. */
    calls: Record<string, number>;
  } | null;
}

/** Pass criteria of a run, in the units of the report. */
export const HOLD_CRITERIA = Object.freeze({
  /** achieved_hz ≥ this share of the target (99 Hz at 100 Hz). */
  achievedShare: 0.99,
  tickP99Ms: 5,
  /** Round trip p99 ≤ this many tick intervals (25 ms at 100 Hz): the round trip includes the wait for the next tick. */
  rttP99Intervals: 2.5,
});

/** The round-trip p99 limit at `hz` (ms). */
export function rttLimitMs(hz: number): number {
  return (HOLD_CRITERIA.rttP99Intervals * 1000) / hz;
}

/** Every criterion: the rate (`rateHolds`), tick p99 and round-trip p99. */
export function holds(r: Pick<LoadtestReport, 'achieved_hz' | 'target_hz' | 'errors' | 'disconnects' | 'tick_ms' | 'rtt_ms' | 'lockstep'>): boolean {
  return rateHolds(r) && r.tick_ms.p99 <= HOLD_CRITERIA.tickP99Ms && r.rtt_ms.p99 <= rttLimitMs(r.target_hz);
}

/** The sweep's criterion: the rate held (≥ 99 % of the target) with no errors and no disconnects. */
export function rateHolds(r: Pick<LoadtestReport, 'achieved_hz' | 'target_hz' | 'errors' | 'disconnects' | 'lockstep'>): boolean {
  // A lockstep room has no rate to hold: its rate is whatever the agents answer at.
  const rateOk = r.lockstep || r.achieved_hz >= HOLD_CRITERIA.achievedShare * r.target_hz;
  return rateOk && r.errors === 0 && r.disconnects === 0;
}

export function newHistogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, autoResize: true });
}

/** Merge compressed-base64 histograms (µs) into one. Empty strings are skipped. */
export function mergeHistograms(encoded: readonly string[]): Histogram {
  const out = newHistogram();
  for (const e of encoded) if (e) out.add(decodeFromCompressedBase64(e));
  return out;
}

/** `end − start` of two snapshots of one cumulative histogram (the samples recorded between them). */
export function histogramDelta(startB64: string | null, endB64: string | null): Histogram {
  const out = newHistogram();
  if (endB64) out.add(decodeFromCompressedBase64(endB64));
  if (startB64) out.subtract(decodeFromCompressedBase64(startB64));
  return out;
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Percentiles of a µs histogram, in ms (all 0 when empty). */
export function percentilesMs(h: Histogram): Percentiles {
  if (h.totalCount === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  return {
    p50: round3(h.getValueAtPercentile(50) / 1000),
    p95: round3(h.getValueAtPercentile(95) / 1000),
    p99: round3(h.getValueAtPercentile(99) / 1000),
    max: round3(h.maxValue / 1000),
  };
}

function fmt(v: number, digits = 1): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ms(p: Percentiles): string {
  return `p50 ${fmt(p.p50, 2)}  p95 ${fmt(p.p95, 2)}  p99 ${fmt(p.p99, 2)}  max ${fmt(p.max, 2)}`;
}

/** The readable table of one run (stderr). */
export function formatRun(r: LoadtestReport): string {
  const rows: [string, string][] = [
    ['agents', `${r.agents} in ${r.rooms} room${r.rooms > 1 ? 's' : ''} of ${r.players} players (scale ${r.scale}, ${r.fill_focal === 'bots' ? 'the scenario\'s bots in the other slots' : 'other slots NOOP'}) on ${r.processes} server process${r.processes > 1 ? 'es' : ''}${r.rooms_per_process.length > 1 ? ` (${r.rooms_per_process.join(' + ')})` : ''}, ${r.workers} bot processes`],
    ['room', `${r.substrate}, obs ${r.obs}${r.lockstep ? ', lockstep' : ''}, ${fmt(r.seconds, 1)} s measured`],
    ['tick rate', `${fmt(r.achieved_hz, 2)} Hz of ${fmt(r.target_hz, 0)} Hz${r.rooms > 1 ? ` (slowest room ${fmt(r.room_hz_min, 2)})` : ''}; ${r.late_ticks} late, ${r.resyncs} resyncs, ${r.ticks} ticks`],
    ['tick duration ms', ms(r.tick_ms)],
    ['round trip ms', ms(r.rtt_ms)],
    ['errors', `${r.errors}${Object.keys(r.error_codes).length ? ` ${JSON.stringify(r.error_codes)}` : ''}; disconnects ${r.disconnects}`],
    ['actions', `late ${r.late_actions ?? '-'} (${fmt(r.late_action_pct, 3)} % of those sent, applied one step later), missed ${r.missed_actions ?? '-'} (${fmt(r.missed_action_pct, 3)} % of agent-steps acted NOOP), expired ${r.expired_actions ?? '-'} (after their episode ended)`],
    ['messages/s', `in ${fmt(r.msgs_in_per_s, 0)}  out ${fmt(r.msgs_out_per_s, 0)}  (observations ${fmt(r.observations_per_s, 0)}; ${r.observations_superseded} superseded)`],
    ['bytes/s', `in ${fmt(r.bytes_in_per_s, 0)}  out ${fmt(r.bytes_out_per_s, 0)}`],
    ['cpu %', `server ${fmt(r.server_cpu_pct)} (${r.server_cpu_source})${r.front_cpu_pct === null ? '' : `  front ${fmt(r.front_cpu_pct)}`}  bots ${fmt(r.bot_cpu_pct)}${r.other_cpu_pct === null ? '' : `  other ${fmt(r.other_cpu_pct)} (machine ${fmt(r.machine_cpu_pct ?? 0)}; load average ${r.load_average.join(' ')})`}`],
    ['loop delay ms', `bots p99 ${fmt(r.bot_loop_delay_ms.p99, 2)} max ${fmt(r.bot_loop_delay_ms.max, 2)}; idle probe (scheduling) p99 ${fmt(r.sched_delay_ms.p99, 2)} max ${fmt(r.sched_delay_ms.max, 2)}`],
    ['rooms created', `${r.create.rooms_per_s === null ? '-' : fmt(r.create.rooms_per_s, 1)}/s (${r.create.concurrency} at once; one create ${ms(r.create.ms)}${r.create.server_cpu_ms_per_room === null ? '' : `; ${fmt(r.create.server_cpu_ms_per_room, 1)} ms server CPU each`}${r.create.loadtester_cpu_ms_per_room === null ? '' : `, ${fmt(r.create.loadtester_cpu_ms_per_room, 1)} ms load tester`}${r.create.machine_cpu_ms_per_room === null ? '' : `, ${fmt(r.create.machine_cpu_ms_per_room, 1)} ms machine`})${r.create.redis_commands_per_room === null ? '' : `; ${fmt(r.create.redis_commands_per_room, 1)} Redis commands per room, listing ${r.create.listing_bytes_per_room} B`}`],
    ['join ms', r.join_ms === null ? '-' : `${r.join_ms.n} probes (${r.join_ms.via_other_process} through another process, ${r.join_ms.failed} failed${r.join_ms.redis_commands_per_join === null ? '' : `, ${fmt(r.join_ms.redis_commands_per_join, 1)} Redis commands each`}): ${r.join_ms.total ? ms(r.join_ms.total) : '-'}; reserve p50 ${fmt(r.join_ms.reserve?.p50 ?? 0, 2)} p99 ${fmt(r.join_ms.reserve?.p99 ?? 0, 2)}, connect p50 ${fmt(r.join_ms.connect?.p50 ?? 0, 2)} p99 ${fmt(r.join_ms.connect?.p99 ?? 0, 2)}`],
    ['memory', r.memory === null ? '-' : `RSS ${fmt(r.memory.rss_mb.start)} → ${fmt(r.memory.rss_mb.rooms)} (rooms) → ${fmt(r.memory.rss_mb.agents)} MB (agents): ${fmt(r.memory.per_room_kb, 0)} KB a room, ${fmt(r.memory.per_agent_kb, 0)} KB an agent${r.memory.redis_per_room_kb === null ? '' : `; Redis ${fmt(r.memory.redis_per_room_kb, 1)} KB a room`}`],
    ['redis', r.redis === null ? '-' : `${fmt(r.redis.commands_per_s, 0)} commands/s = ${fmt(r.redis.commands_per_room_s, 2)} per room per s, ${fmt(r.redis.bytes_in_per_room_s, 0)} B in / ${fmt(r.redis.bytes_out_per_room_s, 0)} B out per room per s; ${JSON.stringify(r.redis.calls)}`],
    ['holds', `${r.holds ? 'yes' : 'NO'} (≥ ${HOLD_CRITERIA.achievedShare * 100} % of the rate, tick p99 ≤ ${HOLD_CRITERIA.tickP99Ms} ms, rtt p99 ≤ ${fmt(rttLimitMs(r.target_hz), 1)} ms, no errors or disconnects)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

/** The sweep table (stderr): one row per agent count. */
export function formatSweep(reports: readonly LoadtestReport[]): string {
  const head = ['agents', 'hz', 'tick p50', 'tick p99', 'rtt p50', 'rtt p99', 'late', 'err', 'late act%', 'missed%', 'disc', 'srv cpu%', 'bot cpu%', 'other%', 'sched max', 'out msg/s', 'rate held', 'holds'];
  const rows = reports.map((r) => [
    String(r.agents),
    fmt(r.achieved_hz, 2),
    fmt(r.tick_ms.p50, 2),
    fmt(r.tick_ms.p99, 2),
    fmt(r.rtt_ms.p50, 2),
    fmt(r.rtt_ms.p99, 2),
    String(r.late_ticks),
    String(r.errors),
    fmt(r.late_action_pct, 2),
    fmt(r.missed_action_pct, 2),
    String(r.disconnects),
    fmt(r.server_cpu_pct, 0),
    fmt(r.bot_cpu_pct, 0),
    r.other_cpu_pct === null ? '-' : fmt(r.other_cpu_pct, 0),
    fmt(r.sched_delay_ms.max, 1),
    fmt(r.msgs_out_per_s, 0),
    r.rate_holds ? 'yes' : 'NO',
    r.holds ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
