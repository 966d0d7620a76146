/**
 * Named timers recorded in HDR histograms, and periodic performance reports (original specification, section 5).
 *
 * Hot path (allocation-free): register each timer name once to get an integer handle, then per measurement
 *   monitor.start(h); …; monitor.stop(h);           // or
 *   const t0 = monitor.now(); …; monitor.time(h, t0); // or
 *   monitor.record(h, micros);
 * and `monitor.countStep()` once per simulation step. Durations are recorded as integer microseconds (rounded) in
 * an hdr-histogram-js histogram (JS mode: no WASM memory to free) with 3 significant digits; exact count, sum, min
 * and max are kept alongside in typed arrays. Percentiles are read only when reporting (`stats`, `snapshot`).
 *
 * The clock is `performance.now()` (milliseconds as a double, sub-microsecond resolution): unlike
 * `process.hrtime.bigint()` it creates no BigInt per reading (measured on Node 20: ≈ 60 ns and ≈ 3 bytes of
 * short-lived garbage per call, from Node's own implementation; start + stop + record ≈ 0.2 µs). Tests may inject a
 * clock and process probes.
 */
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Integer handle of a registered timer. */
export type TimerHandle = number;

/** Statistics of one timer, in microseconds. All zero when nothing was recorded (count = 0). */
export interface TimerStats {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Figures the caller knows and the monitor reports unchanged. */
export interface PassthroughFigures {
  active_agents?: number;
  event_queue_depth?: number;
  spatial_index_size?: number;
}

export interface PerformanceReport extends PassthroughFigures {
  /** Per timer name. Cumulative since construction or the last `reset()`. */
  timers: Record<string, TimerStats>;
  /** Steps counted with `countStep` since the previous snapshot, per second of wall time. */
  steps_per_s: number;
  /** Wall time covered by `steps_per_s` and `cpu_pct`, in seconds. */
  interval_s: number;
  memory: { rss_mb: number; heap_mb: number };
  /** Process CPU time (user + system) over wall time since the previous snapshot, ×100 (can exceed 100). */
  cpu_pct: number;
}

export interface PerformanceMonitorOptions {
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Cumulative process CPU time in microseconds (default `process.cpuUsage()`). */
  cpuUsage?: () => { user: number; system: number };
  /** Memory figures in bytes (default `process.memoryUsage()`). */
  memoryUsage?: () => { rss: number; heapUsed: number };
  /** Significant decimal digits kept by the histograms (default 3). */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
}

const MB = 1024 * 1024;
/**
 * Initial highest trackable value, in µs: the histograms start with their first bucket only (every value to
 * 2,047 µs at 1 µs resolution, 8 KB of counts) and resize themselves, once per doubling, when a longer time is
 * recorded. A room registers about 40 timers, and almost all of them time stages of microseconds: starting at 60 s
 * (68 KB of counts each) made the histograms 2.6 MB of every room's memory and most of the CPU time of creating one.
 */
const INITIAL_HIGHEST_US = 2047;

export class PerformanceMonitor {
  /** The monitor's clock, in milliseconds; pass its readings to `time`. */
  readonly now: () => number;
  private readonly cpuUsage: () => { user: number; system: number };
  private readonly memoryUsage: () => { rss: number; heapUsed: number };
  private readonly digits: 1 | 2 | 3 | 4 | 5;

  private readonly names: string[] = [];
  private readonly handles = new Map<string, TimerHandle>();
  private readonly histograms: Histogram[] = [];
  private started = new Float64Array(8).fill(Number.NaN);
  private counts = new Float64Array(8);
  private sums = new Float64Array(8);
  private mins = new Float64Array(8);
  private maxs = new Float64Array(8);

  private steps = 0;
  private lastSnapshotMs: number;
  private lastCpuUs: number;

  constructor(options: PerformanceMonitorOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.cpuUsage = options.cpuUsage ?? (() => process.cpuUsage());
    this.memoryUsage = options.memoryUsage ?? (() => process.memoryUsage());
    this.digits = options.significantDigits ?? 3;
    this.lastSnapshotMs = this.now();
    this.lastCpuUs = this.cpuTotal();
  }

  /** Register a timer name (idempotent) and return its handle. Do this once, outside the hot path. */
  register(name: string): TimerHandle {
    const existing = this.handles.get(name);
    if (existing !== undefined) return existing;
    const h = this.names.length;
    if (h === this.started.length) this.grow();
    this.names.push(name);
    this.handles.set(name, h);
    this.histograms.push(
      build({
        numberOfSignificantValueDigits: this.digits,
        lowestDiscernibleValue: 1,
        highestTrackableValue: INITIAL_HIGHEST_US,
        autoResize: true,
      }),
    );
    this.started[h] = Number.NaN;
    this.clearTimer(h);
    return h;
  }

  /** Handle of a registered name, or undefined. */
  handle(name: string): TimerHandle | undefined {
    return this.handles.get(name);
  }

  /** Registered timer names, in handle order. */
  timerNames(): readonly string[] {
    return this.names;
  }

  /** Start timer h (restarting it if already started). */
  start(h: TimerHandle): void {
    this.started[h] = this.now();
  }

  /** Stop timer h and record the elapsed time; returns it in µs, or −1 (nothing recorded) if h was not started. */
  stop(h: TimerHandle): number {
    const t0 = this.started[h]!;
    if (Number.isNaN(t0)) return -1;
    this.started[h] = Number.NaN;
    return this.time(h, t0);
  }

  /** Record the time elapsed since `startMs` (a reading of `now()`) on timer h; returns it in µs. */
  time(h: TimerHandle, startMs: number): number {
    const us = (this.now() - startMs) * 1000;
    this.record(h, us);
    return us < 0 ? 0 : Math.round(us);
  }

  /** Record a duration in µs on timer h (rounded to an integer; negative values count as 0). */
  record(h: TimerHandle, micros: number): void {
    if (!(h >= 0 && h < this.names.length)) throw new RangeError(`unknown timer handle ${h}`);
    const us = micros > 0 ? Math.round(micros) : 0;
    this.histograms[h]!.recordValue(us);
    const c = this.counts[h]!;
    this.counts[h] = c + 1;
    this.sums[h] = this.sums[h]! + us;
    if (c === 0 || us < this.mins[h]!) this.mins[h] = us;
    if (c === 0 || us > this.maxs[h]!) this.maxs[h] = us;
  }

  /** Count simulation steps for `steps_per_s`. */
  countStep(steps = 1): void {
    this.steps += steps;
  }

  /** Statistics of one timer by name (undefined if not registered). Percentiles are computed here. */
  timerStats(name: string): TimerStats | undefined {
    const h = this.handles.get(name);
    return h === undefined ? undefined : this.statsOf(h);
  }

  /** Statistics of every registered timer, in µs. */
  stats(): Record<string, TimerStats> {
    const out: Record<string, TimerStats> = {};
    for (let h = 0; h < this.names.length; h++) out[this.names[h]!] = this.statsOf(h);
    return out;
  }

  /**
   * A report: timer statistics, steps per second and CPU share since the previous snapshot (or construction /
   * reset), memory, and the caller's figures (active_agents, event_queue_depth, spatial_index_size) passed through
   * unchanged when given.
   * Starts a new interval for `steps_per_s` and `cpu_pct`; timer statistics stay cumulative until `reset()`.
   */
  snapshot(extra: PassthroughFigures = {}): PerformanceReport {
    const nowMs = this.now();
    const cpu = this.cpuTotal();
    const wallMs = nowMs - this.lastSnapshotMs;
    const cpuUs = cpu - this.lastCpuUs;
    const mem = this.memoryUsage();
    const report: PerformanceReport = {
      ...(extra.active_agents !== undefined ? { active_agents: extra.active_agents } : {}),
      ...(extra.event_queue_depth !== undefined ? { event_queue_depth: extra.event_queue_depth } : {}),
      ...(extra.spatial_index_size !== undefined ? { spatial_index_size: extra.spatial_index_size } : {}),
      timers: this.stats(),
      steps_per_s: wallMs > 0 ? (this.steps * 1000) / wallMs : 0,
      interval_s: wallMs / 1000,
      memory: { rss_mb: mem.rss / MB, heap_mb: mem.heapUsed / MB },
      cpu_pct: wallMs > 0 ? (cpuUs / (wallMs * 1000)) * 100 : 0,
    };
    this.steps = 0;
    this.lastSnapshotMs = nowMs;
    this.lastCpuUs = cpu;
    return report;
  }

  /** Clear every timer (names and handles stay valid), the step count and the snapshot interval. */
  reset(): void {
    for (let h = 0; h < this.names.length; h++) {
      this.histograms[h]!.reset();
      this.started[h] = Number.NaN;
      this.clearTimer(h);
    }
    this.steps = 0;
    this.lastSnapshotMs = this.now();
    this.lastCpuUs = this.cpuTotal();
  }

  /**
   * The timer's histogram as compressed base64 (HdrHistogram's standard encoding), for merging across rooms or
   * processes with `decodeFromCompressedBase64` and `Histogram.add`.
   */
  encodeHistogram(name: string): string {
    const h = this.handles.get(name);
    if (h === undefined) throw new RangeError(`unknown timer "${name}"`);
    return encodeIntoCompressedBase64(this.histograms[h]!);
  }

  private statsOf(h: TimerHandle): TimerStats {
    const count = this.counts[h]!;
    if (count === 0) return { count: 0, mean: 0, min: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const hist = this.histograms[h]!;
    const min = this.mins[h]!;
    const max = this.maxs[h]!;
    // HDR percentiles are bucket values (within 0.1 %); clamp them to the exact range so min ≤ p50 ≤ … ≤ max.
    const clamp = (v: number): number => (v < min ? min : v > max ? max : v);
    return {
      count,
      mean: this.sums[h]! / count,
      min,
      p50: clamp(hist.getValueAtPercentile(50)),
      p95: clamp(hist.getValueAtPercentile(95)),
      p99: clamp(hist.getValueAtPercentile(99)),
      max,
    };
  }

  private clearTimer(h: TimerHandle): void {
    this.counts[h] = 0;
    this.sums[h] = 0;
    this.mins[h] = 0;
    this.maxs[h] = 0;
  }

  private grow(): void {
    const size = this.started.length * 2;
    const started = new Float64Array(size).fill(Number.NaN);
    started.set(this.started);
    this.started = started;
    for (const key of ['counts', 'sums', 'mins', 'maxs'] as const) {
      const next = new Float64Array(size);
      next.set(this[key]);
      this[key] = next;
    }
  }

  private cpuTotal(): number {
    const u = this.cpuUsage();
    return u.user + u.system;
  }
}
