/**
 * Fairness figures over a sliding window of the last W ticks, for a fixed set of n agents (indexed 0..n−1).
 *
 * Per tick the caller does:
 *   window.beginTick();
 *   window.recordPositions(x, y, present);        // once per tick (a second call only adds pairs, see below)
 *   window.recordAttempt(attacker, target, landed); // for each hostile act aimed at another agent
 *   window.recordConsent(requested, refused);      // consent requests made / refused this tick
 * and reads the figures whenever it wants (they cover the last min(ticks, W) ticks, the current one included).
 *
 * Everything slides: when tick t begins, the contribution of tick t−W is subtracted, so no read rescans W ticks.
 * State lives in typed arrays sized at construction / `reset`:
 * - proximity: one bit per (tick slot, unordered pair) in a ring of W slots, plus a running count per pair;
 *   memory ≈ W·n²/16 bytes (100 agents, W = 100: 62 KB); `recordPositions` buckets the agents, so it costs
 *   O(n + close pairs), not O(n²);
 * - hostile acts: a FIFO ring of (tick, pair, landed) records plus running totals and a per-pair count; the ring
 *   doubles when full, so recording is allocation-free once it has grown to the peak number of acts in a window;
 * - consent: per-slot requested/refused counts in a ring of W slots plus running sums.
 * Reading `coalitionSizes()` is O(n²) and allocates its result; the other reads are O(1).
 *
 * Distances are Euclidean on the plane (no torus wrap): two agents are close when dx² + dy² ≤ 9.
 */
import { UnionFind } from './fairness.js';

/** Squared Euclidean distance within which two agents count as standing together. */
export const CLOSE_DISTANCE_SQ = 9;
/** That distance, the side of the buckets `recordPositions` sorts agents into. */
const CLOSE_DISTANCE = 3;

/** Default window length in ticks. */
export const DEFAULT_WINDOW = 100;

/** All figures of a `FairnessWindow` at once, named as on the monitoring dashboard. */
export interface FairnessFigures {
  /** Ticks the figures cover: min(ticks since reset, W). */
  window_ticks: number;
  exploitation_attempts: number;
  defense_success_rate: number | null;
  coalition_sizes: number[];
  consent_refusal_rate: number | null;
}

// Layout of one record in the hostile-act ring.
const EV_TICK = 0;
const EV_PAIR = 1;
const EV_LANDED = 2;
const EV_STRIDE = 3;

export class FairnessWindow {
  /** Window length in ticks. */
  readonly windowTicks: number;
  private n = 0;
  private wordsPerSlot = 0;
  /** Ticks begun since the last reset; the current tick is number `tick` (1-based), 0 before the first. */
  private tick = 0;

  /** closeBits[slot * wordsPerSlot + (pair >>> 5)] bit (pair & 31): the pair was close during that slot's tick. */
  private closeBits = new Int32Array(0);
  /** Ticks in the window during which the pair was close. */
  private closeCount = new Int32Array(0);
  /** Hostile acts between the pair (either direction) in the window. */
  private hostileCount = new Int32Array(0);

  private events: Int32Array;
  private evHead = 0;
  private evSize = 0;
  private attempts = 0;
  private landed = 0;

  private readonly requestedSlot: Float64Array;
  private readonly refusedSlot: Float64Array;
  private requested = 0;
  private refused = 0;

  private readonly uf = new UnionFind(0);
  /** recordPositions' bucket grid: first agent per bucket and the next agent in the same bucket (−1 ends). */
  private bucketHead = new Int32Array(0);
  private bucketNext = new Int32Array(0);

  /**
   * @param n number of agents, indexed 0..n−1
   * @param windowTicks W, the window length in ticks (default 100)
   */
  constructor(n: number, windowTicks: number = DEFAULT_WINDOW) {
    if (!Number.isInteger(windowTicks) || windowTicks < 1) {
      throw new RangeError(`window length must be a positive integer, got ${windowTicks}`);
    }
    this.windowTicks = windowTicks;
    this.requestedSlot = new Float64Array(windowTicks);
    this.refusedSlot = new Float64Array(windowTicks);
    this.events = new Int32Array(256 * EV_STRIDE);
    this.reset(n);
  }

  /** Number of agents. */
  get agents(): number {
    return this.n;
  }

  /** Ticks begun since the last reset. */
  get ticks(): number {
    return this.tick;
  }

  /** Ticks the figures cover: min(ticks, W). */
  get ticksInWindow(): number {
    return this.tick < this.windowTicks ? this.tick : this.windowTicks;
  }

  /**
   * Start a new episode with n agents (default: the same number): forget everything. Reallocates only when the
   * number of agents changes.
   */
  reset(n: number = this.n): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`agent count must be a non-negative integer, got ${n}`);
    const pairs = (n * (n - 1)) / 2;
    if (n !== this.n || this.closeCount.length !== pairs) {
      this.n = n;
      this.wordsPerSlot = (pairs + 31) >>> 5;
      this.closeBits = new Int32Array(this.windowTicks * this.wordsPerSlot);
      this.closeCount = new Int32Array(pairs);
      this.hostileCount = new Int32Array(pairs);
    } else {
      this.closeBits.fill(0);
      this.closeCount.fill(0);
      this.hostileCount.fill(0);
    }
    this.uf.reset(n);
    this.tick = 0;
    this.evHead = 0;
    this.evSize = 0;
    this.attempts = 0;
    this.landed = 0;
    this.requestedSlot.fill(0);
    this.refusedSlot.fill(0);
    this.requested = 0;
    this.refused = 0;
  }

  /** Open the next tick; drops the tick that leaves the window (tick − W). */
  beginTick(): void {
    const t = ++this.tick;
    const W = this.windowTicks;
    const slot = (t - 1) % W;
    if (t > W) {
      // The slot still holds tick t − W: subtract its proximity bits and consent counts.
      const bits = this.closeBits;
      const counts = this.closeCount;
      const base = slot * this.wordsPerSlot;
      for (let w = 0; w < this.wordsPerSlot; w++) {
        let word = bits[base + w]!;
        if (word === 0) continue;
        bits[base + w] = 0;
        const pairBase = w << 5;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          counts[pairBase + bit] = counts[pairBase + bit]! - 1;
          word &= word - 1;
        }
      }
      this.requested -= this.requestedSlot[slot]!;
      this.refused -= this.refusedSlot[slot]!;
      this.requestedSlot[slot] = 0;
      this.refusedSlot[slot] = 0;
    }
    // Hostile acts recorded at tick ≤ t − W have left the window.
    const oldest = t - W;
    const ev = this.events;
    const cap = ev.length / EV_STRIDE;
    while (this.evSize > 0) {
      const at = this.evHead * EV_STRIDE;
      if (ev[at + EV_TICK]! > oldest) break;
      const pair = ev[at + EV_PAIR]!;
      this.hostileCount[pair] = this.hostileCount[pair]! - 1;
      this.attempts--;
      if (ev[at + EV_LANDED] === 1) this.landed--;
      this.evHead = this.evHead + 1 === cap ? 0 : this.evHead + 1;
      this.evSize--;
    }
  }

  /**
   * Record where the agents stand this tick. x[i], y[i] is agent i's cell; present[i] = 0 means agent i is not on
   * the grid (removed, respawning) and is close to no one. Every unordered pair of present agents within Euclidean
   * distance 3 (dx² + dy² ≤ 9) gets this tick counted once: calling again in the same tick only adds pairs not yet
   * counted for it.
   */
  recordPositions(x: Int32Array, y: Int32Array, present: Uint8Array): void {
    this.checkTickOpen();
    const n = this.n;
    if (x.length < n || y.length < n || present.length < n) {
      throw new RangeError(`positions must cover ${n} agents (x: ${x.length}, y: ${y.length}, present: ${present.length})`);
    }
    const base = ((this.tick - 1) % this.windowTicks) * this.wordsPerSlot;
    // Bucket the present agents into square buckets of side CLOSE_DISTANCE: a close pair then sits in the same or
    // an adjacent bucket, so only those are compared — O(n + close pairs) instead of O(n²) (30 µs → ~3 µs a tick
    // at 112 agents). Positions spread over an absurd range fall back to comparing every pair.
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, presentCount = 0;
    for (let i = 0; i < n; i++) {
      if (present[i] === 0) continue;
      presentCount++;
      const xi = x[i]!, yi = y[i]!;
      if (xi < minX) minX = xi;
      if (xi > maxX) maxX = xi;
      if (yi < minY) minY = yi;
      if (yi > maxY) maxY = yi;
    }
    if (presentCount < 2) return;
    const bw = Math.floor((maxX - minX) / CLOSE_DISTANCE) + 1;
    const bh = Math.floor((maxY - minY) / CLOSE_DISTANCE) + 1;
    if (bw * bh > 4 * n + 4096) {
      this.recordAllPairs(x, y, present, base);
      return;
    }
    if (this.bucketHead.length < bw * bh) this.bucketHead = new Int32Array(bw * bh);
    if (this.bucketNext.length < n) this.bucketNext = new Int32Array(n);
    const head = this.bucketHead, next = this.bucketNext;
    head.fill(-1, 0, bw * bh);
    for (let i = n - 1; i >= 0; i--) {
      if (present[i] === 0) continue;
      const b = Math.floor((x[i]! - minX) / CLOSE_DISTANCE) + Math.floor((y[i]! - minY) / CLOSE_DISTANCE) * bw;
      next[i] = head[b]!;
      head[b] = i;
    }
    for (let i = 0; i < n; i++) {
      if (present[i] === 0) continue;
      const xi = x[i]!, yi = y[i]!;
      const bx = Math.floor((xi - minX) / CLOSE_DISTANCE), by = Math.floor((yi - minY) / CLOSE_DISTANCE);
      for (let ny = by > 0 ? by - 1 : 0; ny <= by + 1 && ny < bh; ny++) {
        for (let nx = bx > 0 ? bx - 1 : 0; nx <= bx + 1 && nx < bw; nx++) {
          for (let j = head[nx + ny * bw]!; j >= 0; j = next[j]!) {
            if (j <= i) continue;
            const dx = x[j]! - xi, dy = y[j]! - yi;
            if (dx * dx + dy * dy <= CLOSE_DISTANCE_SQ) this.markClose(base, (i * (2 * n - i - 1)) / 2 + (j - i - 1));
          }
        }
      }
    }
  }

  /** Count `pair` as close in the tick slot at `base`, once. */
  private markClose(base: number, pair: number): void {
    const w = base + (pair >>> 5);
    const mask = 1 << (pair & 31);
    const word = this.closeBits[w]!;
    if ((word & mask) !== 0) return;
    this.closeBits[w] = word | mask;
    this.closeCount[pair] = this.closeCount[pair]! + 1;
  }

  /** The plain O(n²) pass over every pair of present agents. */
  private recordAllPairs(x: Int32Array, y: Int32Array, present: Uint8Array, base: number): void {
    const n = this.n;
    let pair = 0;
    for (let i = 0; i < n; i++) {
      if (present[i] === 0) {
        pair += n - i - 1;
        continue;
      }
      const xi = x[i]!;
      const yi = y[i]!;
      for (let j = i + 1; j < n; j++, pair++) {
        if (present[j] === 0) continue;
        const dx = x[j]! - xi;
        const dy = y[j]! - yi;
        if (dx * dx + dy * dy <= CLOSE_DISTANCE_SQ) this.markClose(base, pair);
      }
    }
  }

  /**
   * Record a hostile act aimed by `attacker` at another agent `target` this tick (a zap whose shape contains a live
   * agent, a defection against a cooperator). `landed` = false means the target defended itself.
   */
  recordAttempt(attacker: number, target: number, landed: boolean): void {
    this.checkTickOpen();
    this.checkAgent(attacker, 'attacker');
    this.checkAgent(target, 'target');
    if (attacker === target) throw new RangeError(`agent ${attacker} cannot aim a hostile act at itself`);
    const pair = this.pairIndex(attacker, target);
    let ev = this.events;
    let cap = ev.length / EV_STRIDE;
    if (this.evSize === cap) {
      // Grow: copy the ring in order into a buffer twice as large (rare; amortised).
      const grown = new Int32Array(ev.length * 2);
      for (let k = 0; k < this.evSize; k++) {
        const from = ((this.evHead + k) % cap) * EV_STRIDE;
        grown[k * EV_STRIDE + EV_TICK] = ev[from + EV_TICK]!;
        grown[k * EV_STRIDE + EV_PAIR] = ev[from + EV_PAIR]!;
        grown[k * EV_STRIDE + EV_LANDED] = ev[from + EV_LANDED]!;
      }
      this.events = ev = grown;
      this.evHead = 0;
      cap *= 2;
    }
    const at = ((this.evHead + this.evSize) % cap) * EV_STRIDE;
    ev[at + EV_TICK] = this.tick;
    ev[at + EV_PAIR] = pair;
    ev[at + EV_LANDED] = landed ? 1 : 0;
    this.evSize++;
    this.attempts++;
    if (landed) this.landed++;
    this.hostileCount[pair] = this.hostileCount[pair]! + 1;
  }

  /**
   * Record consent requests made this tick and how many of them were refused (non-negative integers,
   * refused ≤ requested). May be called several times per tick; the counts add up.
   */
  recordConsent(requested: number, refused: number): void {
    this.checkTickOpen();
    if (!Number.isInteger(requested) || !Number.isInteger(refused) || requested < 0 || refused < 0 || refused > requested) {
      throw new RangeError(`consent counts must be integers with 0 ≤ refused ≤ requested, got ${refused}/${requested}`);
    }
    const slot = (this.tick - 1) % this.windowTicks;
    this.requestedSlot[slot] = this.requestedSlot[slot]! + requested;
    this.refusedSlot[slot] = this.refusedSlot[slot]! + refused;
    this.requested += requested;
    this.refused += refused;
  }

  /** Hostile acts aimed at another agent in the window, landed or defended. */
  exploitationAttempts(): number {
    return this.attempts;
  }

  /** Share of the window's hostile acts that did not land (were defended); null when there were none. */
  defenseSuccessRate(): number | null {
    return this.attempts === 0 ? null : (this.attempts - this.landed) / this.attempts;
  }

  /** Refused / requested consent requests in the window; null when nothing was requested. */
  consentRefusalRate(): number | null {
    return this.requested === 0 ? null : this.refused / this.requested;
  }

  /**
   * Ticks two agents must have stood together in the window to be linked: ceil(ticksInWindow / 2), i.e. half the
   * window once W ticks have passed and half the ticks elapsed before that (so coalitions show from the start of
   * an episode instead of only after W ticks). At least 1.
   */
  coalitionThreshold(): number {
    const half = Math.ceil(this.ticksInWindow / 2);
    return half < 1 ? 1 : half;
  }

  /**
   * Sizes of coalitions, largest first: connected components of the graph that links two agents when they stood
   * within distance 3 for at least `coalitionThreshold()` ticks of the window AND neither aimed a hostile act at
   * the other in the window. Every agent 0..n−1 belongs to exactly one component, so singletons (agents in no
   * coalition, absent agents included) are listed as 1s and the sizes sum to n; count entries > 1 for "real"
   * coalitions.
   */
  coalitionSizes(): number[] {
    const n = this.n;
    const uf = this.uf;
    uf.reset(n);
    if (this.tick > 0) {
      const threshold = this.coalitionThreshold();
      const counts = this.closeCount;
      const hostile = this.hostileCount;
      let pair = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++, pair++) {
          if (counts[pair]! >= threshold && hostile[pair] === 0) uf.union(i, j);
        }
      }
    }
    return uf.sizes();
  }

  /** Ticks in the window during which agents a and b stood within distance 3. */
  ticksTogether(a: number, b: number): number {
    this.checkAgent(a, 'a');
    this.checkAgent(b, 'b');
    return a === b ? this.ticksInWindow : this.closeCount[this.pairIndex(a, b)]!;
  }

  /** Hostile acts between a and b (either direction) in the window. */
  hostileActsBetween(a: number, b: number): number {
    this.checkAgent(a, 'a');
    this.checkAgent(b, 'b');
    return a === b ? 0 : this.hostileCount[this.pairIndex(a, b)]!;
  }

  /** Every figure at once (allocates). */
  figures(): FairnessFigures {
    return {
      window_ticks: this.ticksInWindow,
      exploitation_attempts: this.exploitationAttempts(),
      defense_success_rate: this.defenseSuccessRate(),
      coalition_sizes: this.coalitionSizes(),
      consent_refusal_rate: this.consentRefusalRate(),
    };
  }

  /** Index of the unordered pair {a, b}, a ≠ b, in 0..n(n−1)/2 − 1 (row-major over i < j). */
  private pairIndex(a: number, b: number): number {
    const i = a < b ? a : b;
    const j = a < b ? b : a;
    return (i * (2 * this.n - i - 1)) / 2 + (j - i - 1);
  }

  private checkAgent(a: number, what: string): void {
    if (!Number.isInteger(a) || a < 0 || a >= this.n) {
      throw new RangeError(`${what} ${a} is not an agent index in 0..${this.n - 1}`);
    }
  }

  private checkTickOpen(): void {
    if (this.tick === 0) throw new Error('FairnessWindow: call beginTick() before recording');
  }
}
