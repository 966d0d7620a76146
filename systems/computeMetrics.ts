/**
 * Game-theory and fairness figures, every tick, from the players' returns and the events the systems emit.
 *
 * - gini_coefficient: Gini of the episode returns so far (values shifted to a minimum of 0 if any is negative).
 * - collective_return: mean episode return (the original spec's definition); focal_ and
 *   background_per_capita_return as Melting Pot's evaluation reports them (null when a side has no player).
 * - background_equality: 1 − Gini of the background players' positive returns (1 when there are none).
 * - pareto_efficiency: share of the room's completed episodes whose per-player return vector no other completed
 *   episode Pareto-dominates (null before the first episode ends; the last 100 episodes are kept).
 * - diversity_index: Simpson diversity of the population's policy labels.
 * - exploitation_attempts, defense_success_rate, coalition_sizes, consent_refusal_rate: over the last W ticks
 *   (systems/metrics/window.ts). coalition_sizes is O(n²), so it is refreshed every `coalitionEvery` ticks.
 *
 * The tracker keeps one snapshot object updated in place, and a bounded time series of the headline figures for
 * the dashboard.
 */
import { backgroundEquality, giniCoefficient, paretoEfficiency, simpsonDiversity } from './metrics/fairness.js';
import { DEFAULT_WINDOW, FairnessWindow } from './metrics/window.js';
import type { Sim } from './sim.js';

export interface MetricsSnapshot {
  tick: number;
  episode: number;
  gini_coefficient: number;
  collective_return: number;
  focal_per_capita_return: number | null;
  background_per_capita_return: number | null;
  background_equality: number;
  pareto_efficiency: number | null;
  diversity_index: number;
  window_ticks: number;
  exploitation_attempts: number;
  defense_success_rate: number | null;
  coalition_sizes: number[];
  consent_refusal_rate: number | null;
}

/** Headline figures kept as time series (ring buffers of `seriesLength` ticks). */
export const SERIES_KEYS = [
  'gini_coefficient',
  'collective_return',
  'background_equality',
  'diversity_index',
  'exploitation_attempts',
  'defense_success_rate',
  'consent_refusal_rate',
] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

export interface MetricsOptions {
  windowTicks?: number;
  /** Ticks between coalition recomputations (default 10). */
  coalitionEvery?: number;
  /** Length of the kept time series (default 600 points). */
  seriesLength?: number;
  /** Completed episodes kept for Pareto efficiency (default 100). */
  outcomesKept?: number;
}

export class MetricsTracker {
  readonly snapshot: MetricsSnapshot;
  private readonly window: FairnessWindow;
  private readonly coalitionEvery: number;
  private readonly seriesLength: number;
  private readonly outcomesKept: number;
  private isFocal: Uint8Array = new Uint8Array(0);
  private bg: Float64Array = new Float64Array(0);
  private x: Int32Array = new Int32Array(0);
  private y: Int32Array = new Int32Array(0);
  private present: Uint8Array = new Uint8Array(0);
  private pendingAttacker: number[] = [];
  private pendingTarget: number[] = [];
  private pendingLanded: boolean[] = [];
  private pendingRequested = 0;
  private pendingRefused = 0;
  /** The event bus the handlers are subscribed to. */
  private bus: object | null = null;
  private readonly outcomes: Float64Array[] = [];
  /** Time series: tick and each headline figure, oldest first once read through `series()`. */
  private readonly ring: Record<SeriesKey | 'tick', Float64Array>;
  private ringHead = 0;
  private ringSize = 0;

  constructor(opts: MetricsOptions = {}) {
    this.window = new FairnessWindow(1, opts.windowTicks ?? DEFAULT_WINDOW);
    this.coalitionEvery = opts.coalitionEvery ?? 10;
    this.seriesLength = opts.seriesLength ?? 600;
    this.outcomesKept = opts.outcomesKept ?? 100;
    const ring = { tick: new Float64Array(this.seriesLength) } as Record<SeriesKey | 'tick', Float64Array>;
    for (const k of SERIES_KEYS) ring[k] = new Float64Array(this.seriesLength);
    this.ring = ring;
    this.snapshot = {
      tick: 0, episode: 0, gini_coefficient: 0, collective_return: 0, focal_per_capita_return: null,
      background_per_capita_return: null, background_equality: 1, pareto_efficiency: null, diversity_index: 0,
      window_ticks: 0, exploitation_attempts: 0, defense_success_rate: null, coalition_sizes: [], consent_refusal_rate: null,
    };
  }

  /** Call after each reset: subscribes to the world's events and sizes the buffers for the population. */
  attach(sim: Sim, isFocal: readonly boolean[], labels: readonly string[]): void {
    const n = sim.players;
    if (this.isFocal.length !== n) {
      this.bg = new Float64Array(n);
      this.x = new Int32Array(n);
      this.y = new Int32Array(n);
      this.present = new Uint8Array(n);
    }
    this.isFocal = Uint8Array.from(isFocal, (f) => (f ? 1 : 0));
    this.window.reset(n);
    this.pendingAttacker.length = 0;
    this.pendingTarget.length = 0;
    this.pendingLanded.length = 0;
    this.pendingRequested = 0;
    this.pendingRefused = 0;
    const s = this.snapshot;
    s.episode = sim.episode;
    s.diversity_index = simpsonDiversity(labels);
    s.coalition_sizes = [];
    // Subscribed once per event bus (the bus survives resets): hostile attempts, and consent requests (the matrix
    // games' consent variant) counted on the tick they are answered — accepted or refused — so each tick's refusals
    // never exceed its requests.
    const events = sim.world.events;
    if (this.bus !== events) {
      this.bus = events;
      events.subscribe('hostile_attempt', (batch) => {
        for (const e of batch) {
          this.pendingAttacker.push(e.attacker);
          this.pendingTarget.push(e.target);
          this.pendingLanded.push(e.landed);
        }
      });
      events.subscribe('consent_accepted', (batch) => this.addConsent(batch.length, 0));
      events.subscribe('consent_refused', (batch) => this.addConsent(batch.length, batch.length));
    }
  }

  /** Count consent requests and refusals of this tick (substrates that gate interactions on consent). */
  addConsent(requested: number, refused: number): void {
    this.pendingRequested += requested;
    this.pendingRefused += refused;
  }

  /** The metrics stage: run after the tick's events were delivered. */
  update(sim: Sim): void {
    const n = sim.players;
    const { c } = sim.world;
    const w = this.window;
    w.beginTick();
    for (let s = 0; s < n; s++) {
      const eid = sim.avatars[s];
      this.x[s] = c.Position.x[eid];
      this.y[s] = c.Position.y[eid];
      this.present[s] = c.Removed.until[eid] > 0 ? 0 : 1;
    }
    w.recordPositions(this.x, this.y, this.present);
    for (let i = 0; i < this.pendingAttacker.length; i++) {
      if (this.pendingAttacker[i] !== this.pendingTarget[i]) w.recordAttempt(this.pendingAttacker[i], this.pendingTarget[i], this.pendingLanded[i]);
    }
    this.pendingAttacker.length = 0;
    this.pendingTarget.length = 0;
    this.pendingLanded.length = 0;
    w.recordConsent(this.pendingRequested, this.pendingRefused);
    this.pendingRequested = 0;
    this.pendingRefused = 0;

    const s = this.snapshot;
    const returns = sim.returns;
    let total = 0, focal = 0, focalN = 0, bgSum = 0, bgN = 0;
    for (let i = 0; i < n; i++) {
      const r = returns[i];
      total += r;
      if (this.isFocal[i] === 1) {
        focal += r;
        focalN++;
      } else {
        bgSum += r;
        this.bg[bgN++] = r;
      }
    }
    s.tick = sim.world.tick;
    s.gini_coefficient = giniCoefficient(returns);
    // A sim has at least one player (substrates/validate.ts).
    s.collective_return = total / n;
    s.focal_per_capita_return = focalN > 0 ? focal / focalN : null;
    s.background_per_capita_return = bgN > 0 ? bgSum / bgN : null;
    // backgroundEquality keeps the positive returns only.
    s.background_equality = backgroundEquality(this.bg.subarray(0, bgN));
    s.window_ticks = w.ticksInWindow;
    s.exploitation_attempts = w.exploitationAttempts();
    s.defense_success_rate = w.defenseSuccessRate();
    s.consent_refusal_rate = w.consentRefusalRate();
    if (s.tick % this.coalitionEvery === 0 || s.coalition_sizes.length === 0) s.coalition_sizes = w.coalitionSizes();
    this.pushSeries();
    if (sim.world.events.wants('metrics')) sim.world.events.emit('metrics', s);
  }

  /** Record a finished episode's return vector (for Pareto efficiency across the room's episodes). */
  endEpisode(sim: Sim): void {
    this.outcomes.push(Float64Array.from(sim.returns));
    if (this.outcomes.length > this.outcomesKept) this.outcomes.shift();
    // Only episodes with this population compare (the one just ended is among them).
    this.snapshot.pareto_efficiency = paretoEfficiency(this.outcomes.filter((o) => o.length === sim.players));
  }

  /** The kept time series, oldest first (allocates: for reporting, not per tick). */
  series(): Record<SeriesKey | 'tick', (number | null)[]> {
    const out = {} as Record<SeriesKey | 'tick', (number | null)[]>;
    for (const key of ['tick', ...SERIES_KEYS] as const) {
      const src = this.ring[key];
      const list: (number | null)[] = [];
      for (let i = 0; i < this.ringSize; i++) {
        const v = src[(this.ringHead - this.ringSize + i + this.seriesLength) % this.seriesLength];
        list.push(Number.isNaN(v) ? null : v);
      }
      out[key] = list;
    }
    return out;
  }

  private pushSeries(): void {
    const s = this.snapshot;
    const i = this.ringHead;
    this.ring.tick[i] = s.tick;
    for (const key of SERIES_KEYS) {
      const v = s[key];
      this.ring[key][i] = v === null ? Number.NaN : v;
    }
    this.ringHead = (i + 1) % this.seriesLength;
    if (this.ringSize < this.seriesLength) this.ringSize++;
  }
}
