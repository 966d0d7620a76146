/**
 * The two clocks that drive a room's ticks.
 *
 * - `FixedRateLoop` (real-time rooms): tick k is due at `start + k·interval` on an absolute timeline, and each
 *   timer is set for the remainder until the next due time, so timer lateness never accumulates (setInterval
 *   drifts by every late firing). A tick that starts one interval or more behind schedule counts as late; when the
 *   loop falls more than `maxLagIntervals` behind (a long GC pause, a blocked event loop) it does not burst to catch
 *   up: it restarts the timeline from now and counts a resync.
 * - `LockstepLoop` (lockstep rooms): a tick runs as soon as the room says every connected agent has acted
 *   (`ready()`), or when `timeoutMs` has passed since the tick opened (0 = no timeout). Ticks run from
 *   `setImmediate`, never inside a message handler.
 *
 * Both report the achieved tick rate over the last 64 ticks.
 */

export interface TickStats {
  ticks: number;
  /** Ticks that started one interval or more behind their due time (real-time rooms). */
  lateTicks: number;
  /** Times the timeline was restarted after falling more than `maxLagIntervals` behind. */
  resyncs: number;
  /** Ticks per second over the last 64 ticks (0 before two ticks). */
  achievedHz: number;
}

export interface TickDriver {
  start(): void;
  stop(): void;
  /** Lockstep: every connected agent has acted for this tick. A no-op for real-time rooms. */
  ready(): void;
  /**
   * Real time: start a new timeline from now, so the next tick is due one full interval from now (however long
   * the current tick ran). Called after an episode reset, so agents get a whole interval to answer the new
   * episode's first observation instead of a catch-up tick that makes every answer stale. A no-op in lockstep.
   */
  restartTimeline(): void;
  readonly running: boolean;
  stats(): TickStats;
}

const RATE_WINDOW = 64;

/** Tick start times, for the achieved rate. */
class RateMeter {
  private readonly times = new Float64Array(RATE_WINDOW);
  private n = 0;
  private head = 0;

  record(t: number): void {
    this.times[this.head] = t;
    this.head = (this.head + 1) % RATE_WINDOW;
    if (this.n < RATE_WINDOW) this.n++;
  }

  hz(): number {
    if (this.n < 2) return 0;
    const newest = this.times[(this.head - 1 + RATE_WINDOW) % RATE_WINDOW];
    const oldest = this.times[(this.head - this.n + RATE_WINDOW) % RATE_WINDOW];
    const span = newest - oldest;
    return span > 0 ? ((this.n - 1) * 1000) / span : 0;
  }
}

/** Timer functions (default the global setTimeout/clearTimeout; tests pass a virtual clock's). */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface FixedRateOptions {
  intervalMs: number;
  /** Restart the timeline when more than this many intervals behind (default 5). */
  maxLagIntervals?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
  timers?: Timers;
}

export class FixedRateLoop implements TickDriver {
  private readonly intervalMs: number;
  private readonly maxLagMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly meter = new RateMeter();
  private timer: unknown = null;
  private t0 = 0;
  private k = 0;
  private ticks = 0;
  private late = 0;
  private resyncs = 0;
  /** Set by restartTimeline during a step: the timeline restarts when the step returns. */
  private rebase = false;
  private inStep = false;
  running = false;

  constructor(
    private readonly step: () => void,
    opts: FixedRateOptions,
  ) {
    this.intervalMs = opts.intervalMs;
    this.maxLagMs = (opts.maxLagIntervals ?? 5) * opts.intervalMs;
    this.now = opts.now ?? (() => performance.now());
    this.timers = opts.timers ?? REAL_TIMERS;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.t0 = this.now() + this.intervalMs;
    this.k = 0;
    this.timer = this.timers.set(this.fire, this.intervalMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  ready(): void {}

  restartTimeline(): void {
    if (this.inStep) {
      this.rebase = true;
      return;
    }
    // Called outside a step (a room that runs its tick after the timer, e.g. from setImmediate): reschedule now.
    if (!this.running) return;
    this.t0 = this.now();
    this.k = 1;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(this.fire, this.intervalMs);
  }

  private readonly fire = (): void => {
    this.timer = null;
    if (!this.running) return;
    const now = this.now();
    const lag = now - (this.t0 + this.k * this.intervalMs);
    if (lag > this.maxLagMs) {
      this.resyncs++;
      this.late++;
      this.t0 = now;
      this.k = 0;
    } else if (lag >= this.intervalMs) {
      this.late++;
    }
    this.meter.record(now);
    this.ticks++;
    this.inStep = true;
    try {
      this.step();
    } finally {
      this.inStep = false;
      this.k++;
      if (this.rebase) {
        this.rebase = false;
        this.t0 = this.now();
        this.k = 1;
      }
      if (this.running) {
        const wait = this.t0 + this.k * this.intervalMs - this.now();
        this.timer = this.timers.set(this.fire, wait > 0 ? wait : 0);
      }
    }
  };

  stats(): TickStats {
    return { ticks: this.ticks, lateTicks: this.late, resyncs: this.resyncs, achievedHz: this.meter.hz() };
  }
}

export interface LockstepOptions {
  /** How long an open tick waits for missing actions (ms); 0 = forever. */
  timeoutMs: number;
  now?: () => number;
}

export class LockstepLoop implements TickDriver {
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly meter = new RateMeter();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private ticks = 0;
  running = false;

  constructor(
    private readonly step: () => void,
    opts: LockstepOptions,
  ) {
    this.timeoutMs = opts.timeoutMs;
    this.now = opts.now ?? (() => performance.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  stop(): void {
    this.running = false;
    this.cancel();
  }

  ready(): void {
    if (this.running && this.immediate === null) this.immediate = setImmediate(this.fire);
  }

  restartTimeline(): void {}

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** Open a tick: arm its timeout. */
  private open(): void {
    if (this.timeoutMs > 0) this.timer = setTimeout(this.fire, this.timeoutMs);
  }

  private readonly fire = (): void => {
    this.cancel();
    if (!this.running) return;
    this.meter.record(this.now());
    this.ticks++;
    try {
      this.step();
    } finally {
      if (this.running) this.open();
    }
  };

  stats(): TickStats {
    return { ticks: this.ticks, lateTicks: 0, resyncs: 0, achievedHz: this.meter.hz() };
  }
}
