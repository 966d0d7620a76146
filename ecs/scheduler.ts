/**
 * Tick scheduler: run a handler `delay` ticks from now, optionally again every `interval` ticks; cancel by id.
 * Handlers due on the same tick fire in the order they were scheduled (a recurring event re-enters the queue
 * behind everything already scheduled for its next tick). Storage is a binary min-heap over (due tick, sequence)
 * in typed arrays, with recycled slots: scheduling a respawn allocates nothing once the pool has grown.
 */
export type ScheduledHandler = (arg: number, tick: number) => void;

/** Convert milliseconds to ticks at `tickRate` Hz, rounding to the nearest tick (minimum 0). */
export function msToTicks(ms: number, tickRate: number): number {
  if (!(tickRate > 0)) throw new RangeError(`tick rate must be positive, got ${tickRate}`);
  if (!(ms >= 0)) throw new RangeError(`milliseconds must be ≥ 0, got ${ms}`);
  return Math.round((ms * tickRate) / 1000);
}

export class Scheduler {
  private due = new Float64Array(64);
  private seq = new Float64Array(64);
  private interval = new Int32Array(64);
  private arg = new Float64Array(64);
  private gen = new Uint32Array(64);
  private live = new Uint8Array(64);
  private handlers: (ScheduledHandler | null)[] = new Array<ScheduledHandler | null>(64).fill(null);
  private heap = new Int32Array(64);
  private heapSize = 0;
  private free: number[] = [];
  private nextSlot = 0;
  private nextSeq = 0;
  private pending = 0;
  /** The tick the scheduler has advanced to. */
  now = 0;

  /** Events waiting to fire. */
  get size(): number {
    return this.pending;
  }

  /**
   * Run `handler(arg, tick)` when the clock reaches now + delay (delay ≥ 1: a handler never runs in the tick that
   * scheduled it unless delay is 0 and `runDue` has not yet passed this tick). With interval > 0 it repeats every
   * `interval` ticks until cancelled. Returns an id for `cancel`.
   */
  schedule(delay: number, handler: ScheduledHandler, arg = 0, interval = 0): number {
    if (!Number.isInteger(delay) || delay < 0) throw new RangeError(`delay must be an integer ≥ 0 ticks, got ${delay}`);
    if (!Number.isInteger(interval) || interval < 0) throw new RangeError(`interval must be an integer ≥ 0 ticks, got ${interval}`);
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.grow();
    this.due[slot] = this.now + delay;
    this.seq[slot] = this.nextSeq++;
    this.interval[slot] = interval;
    this.arg[slot] = arg;
    this.live[slot] = 1;
    this.handlers[slot] = handler;
    this.push(slot);
    this.pending++;
    // id = slot + generation, so a stale id cannot cancel a recycled slot.
    return this.gen[slot] * 0x100000 + slot;
  }

  /** Run `handler(arg, tick)` at absolute tick `tick` (≥ the current clock); see `schedule`. */
  scheduleAt(tick: number, handler: ScheduledHandler, arg = 0, interval = 0): number {
    if (!Number.isInteger(tick) || tick < this.now) throw new RangeError(`tick must be an integer ≥ ${this.now}, got ${tick}`);
    return this.schedule(tick - this.now, handler, arg, interval);
  }

  /** Move the clock to `tick` without firing anything (the world does this when a tick begins). */
  advanceTo(tick: number): void {
    if (tick < this.now) throw new RangeError(`the clock cannot go back from ${this.now} to ${tick}`);
    this.now = tick;
  }

  /** Cancel a scheduled event; returns false if it already fired (one-shot) or was cancelled. */
  cancel(id: number): boolean {
    const slot = id % 0x100000;
    const g = Math.floor(id / 0x100000);
    if (slot >= this.nextSlot || this.gen[slot] !== g || this.live[slot] === 0) return false;
    this.live[slot] = 0; // removed lazily when it reaches the top of the heap
    this.handlers[slot] = null;
    this.pending--;
    return true;
  }

  /** Advance the clock to `tick` and fire everything due at or before it, in (due, scheduling order). */
  runDue(tick: number): void {
    this.now = tick;
    while (this.heapSize > 0) {
      const slot = this.heap[0];
      if (this.due[slot] > tick) break;
      this.pop();
      if (this.live[slot] === 0) {
        this.release(slot);
        continue;
      }
      const handler = this.handlers[slot] as ScheduledHandler;
      const dueTick = this.due[slot];
      if (this.interval[slot] > 0) {
        this.due[slot] = dueTick + this.interval[slot];
        this.seq[slot] = this.nextSeq++;
        this.push(slot);
        handler(this.arg[slot], dueTick);
      } else {
        this.live[slot] = 0;
        this.handlers[slot] = null;
        this.pending--;
        this.release(slot);
        handler(this.arg[slot], dueTick);
      }
    }
  }

  /** Drop everything (episode reset). Outstanding ids become invalid. */
  clear(): void {
    for (let i = 0; i < this.heapSize; i++) {
      const slot = this.heap[i];
      this.live[slot] = 0;
      this.handlers[slot] = null;
      this.release(slot);
    }
    this.heapSize = 0;
    this.pending = 0;
    this.now = 0;
  }

  private release(slot: number): void {
    this.gen[slot] = (this.gen[slot] + 1) % 0x800; // ids stay below 2^31
    this.free.push(slot);
  }

  private grow(): number {
    const slot = this.nextSlot++;
    if (slot >= this.due.length) {
      const n = this.due.length * 2;
      const g = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(n);
        b.set(a);
        return b;
      };
      this.due = g(this.due, (k) => new Float64Array(k));
      this.seq = g(this.seq, (k) => new Float64Array(k));
      this.interval = g(this.interval, (k) => new Int32Array(k));
      this.arg = g(this.arg, (k) => new Float64Array(k));
      this.gen = g(this.gen, (k) => new Uint32Array(k));
      this.live = g(this.live, (k) => new Uint8Array(k));
      this.heap = g(this.heap, (k) => new Int32Array(k));
      this.handlers.length = n;
      this.handlers.fill(null, slot);
    }
    if (slot >= 0x100000) throw new RangeError('scheduler holds more than 2^20 events');
    return slot;
  }

  private less(a: number, b: number): boolean {
    const da = this.due[a], db = this.due[b];
    return da < db || (da === db && this.seq[a] < this.seq[b]);
  }

  private push(slot: number): void {
    const heap = this.heap;
    let i = this.heapSize++;
    heap[i] = slot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(heap[i], heap[p])) break;
      const t = heap[i];
      heap[i] = heap[p];
      heap[p] = t;
      i = p;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap[--this.heapSize];
    if (this.heapSize === 0) return;
    heap[0] = last;
    let i = 0;
    const n = this.heapSize;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(heap[l], heap[m])) m = l;
      if (r < n && this.less(heap[r], heap[m])) m = r;
      if (m === i) break;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  }
}
