/**
 * An environment: a substrate, a population and the pipeline, behind reset/step. The headless runner, the
 * benchmarks and the server rooms all drive substrates through this one class.
 */
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate } from '../substrates/registry.js';
import { findBotSpec, getScenario, scenarioSubstrate, type ScenarioSpec } from '../substrates/scenarios.js';
import { scenarioHash, substrateHash } from '../substrates/hash.js';
import { OBSERVATION_SETS, observationNames, type ObservationSet } from './vectorObservations.js';
import type { SubstrateSpec } from '../substrates/types.js';
import { MetricsTracker, type MetricsOptions } from './computeMetrics.js';
import { PerformanceMonitor, type PerformanceReport, type TimerHandle } from './performanceMonitor.js';
import { PIPELINE, resetSim } from './pipeline.js';
import { assignBots, populationFor, type PopulationConfig } from './population.js';
import { createSim, type Sim } from './sim.js';
import { matrixFigures, matrixOf, type MatrixFigures } from './matrix/matrixState.js';

export interface EnvironmentOptions {
  substrate: string;
  /** Scenario name; null or omitted = every slot focal. */
  scenario?: string | null;
  seed: number;
  scale?: number;
  /** A bot that drives the focal slots in-process (headless runs); null = focal actions come from `step`. */
  focalPolicy?: string | null;
  /**
   * Observations the focal agents get: Melting Pot's permitted set, or all (for training). Default: permitted with a
   * scenario, all without.
   */
  observations?: ObservationSet;
  /** Compute the game-theory and fairness figures each tick (default true). */
  metrics?: boolean | MetricsOptions;
  /** Time every stage into HDR histograms and report every `performanceEvery` ticks (default true). */
  monitor?: boolean;
  /** Ticks between performance reports (default 100)… */
  performanceEvery?: number;
  /** …but no more often than this many ms of wall time (default 1000): a headless run stepping at 500k steps/s
   * would otherwise spend more time reading percentiles than simulating. */
  performanceMinIntervalMs?: number;
  /** Time the stages on one tick in this many (default 4): per-stage timing costs about as much as a 7-player
   * tick, and one tick in four still gives every timer hundreds of samples a second at 100 Hz. */
  timingSampleEvery?: number;
}

/** A stage run after the simulation stages and the event flush (observations, server hooks). */
export interface PostStage {
  readonly name: string;
  run(env: Environment): void;
}

export interface EpisodeSummary {
  substrate: string;
  scenario: string | null;
  seed: number;
  episode: number;
  steps: number;
  terminated: boolean;
  truncated: boolean;
  /** agent id (`player_<slot>`) → episode return */
  returns: Record<string, number>;
  focal_per_capita_return: number | null;
  background_per_capita_return: number | null;
  collective_return: number;
  /** agent id → policy label */
  policies: Record<string, string>;
  focal: string[];
  /** agent id → Melting Pot's bot its scripted policy stands in for (`model`: Melting Pot's saved model). */
  scripted_stand_ins: Record<string, { bot: string; model: string }>;
  /** Which observations the focal agents got (`permitted`: Melting Pot's PERMITTED_OBSERVATIONS). */
  observations: ObservationSet;
  /** Content hashes of the definitions played (substrates/hash.ts): the registered substrate and the scenario. */
  hashes: { substrate: string; scenario: string | null };
  events: { apples_eaten: number; zaps_fired: number; zap_hits: number };
  /** The matrix games' figures (absent for other substrates). */
  matrix?: MatrixFigures;
}

export function agentId(slot: number): string {
  return `player_${slot}`;
}

export class Environment {
  readonly spec: SubstrateSpec;
  readonly scenario: ScenarioSpec | null;
  readonly sim: Sim;
  readonly population: PopulationConfig;
  /** slot → policy label this episode */
  labels: string[] = [];
  /** Focal slots, ascending. */
  readonly focalSlots: readonly number[];
  readonly metrics: MetricsTracker | null;
  readonly observations: ObservationSet;
  /** The substrate's observation names the focal agents get under `observations`, in order. */
  readonly observationNames: readonly string[];
  readonly monitor: PerformanceMonitor | null;
  /** The latest performance report (every `performanceEvery` ticks), null before the first. */
  performance: PerformanceReport | null = null;
  private readonly performanceEvery: number;
  private readonly performanceMinIntervalMs: number;
  private readonly timingSampleEvery: number;
  private lastReportMs = -Infinity;
  private readonly postStages: PostStage[] = [];
  private stageTimers: TimerHandle[] = [];
  private postTimers: TimerHandle[] = [];
  private metricsTimer: TimerHandle = 0;
  private stepTimer: TimerHandle = 0;

  constructor(opts: EnvironmentOptions) {
    const substrate = getSubstrate(opts.substrate);
    this.scenario = opts.scenario ? getScenario(opts.scenario) : null;
    if (this.scenario && this.scenario.substrate !== substrate.name) {
      throw new CrucibleError('INVALID_OPTION', `scenario "${this.scenario.name}" belongs to ${this.scenario.substrate}, not ${substrate.name}`);
    }
    // A scenario may seat fewer players than the substrate's default (Melting Pot: one player per scenario role).
    this.spec = this.scenario ? scenarioSubstrate(this.scenario) : substrate;
    this.sim = createSim(this.spec, { seed: opts.seed, scale: opts.scale });
    this.population = populationFor(this.sim, this.scenario, opts.focalPolicy ?? null);
    this.focalSlots = this.population.isFocal.flatMap((f, s) => (f ? [s] : []));
    this.observations = opts.observations ?? (this.scenario ? 'permitted' : 'all');
    if (!OBSERVATION_SETS.includes(this.observations)) {
      throw new CrucibleError('INVALID_OPTION', `observations must be one of ${OBSERVATION_SETS.join(', ')}, got ${JSON.stringify(opts.observations)}`);
    }
    this.observationNames = Object.freeze(observationNames(this.spec.observation.names, this.observations));
    this.metrics = opts.metrics === false ? null : new MetricsTracker(typeof opts.metrics === 'object' ? opts.metrics : {});
    this.monitor = opts.monitor === false ? null : new PerformanceMonitor();
    this.performanceEvery = opts.performanceEvery ?? 100;
    this.performanceMinIntervalMs = opts.performanceMinIntervalMs ?? 1000;
    this.timingSampleEvery = opts.timingSampleEvery ?? 4;
    for (const [k, v] of [['performanceEvery', this.performanceEvery], ['timingSampleEvery', this.timingSampleEvery]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new CrucibleError('INVALID_OPTION', `${k} must be an integer ≥ 1, got ${v}`);
    }
    if (this.monitor) {
      const m = this.monitor;
      this.stageTimers = PIPELINE.map((st) => m.register(st.name));
      this.metricsTimer = m.register('metrics');
      this.stepTimer = m.register('step');
    }
  }

  /** Content hashes of the registered substrate and of the scenario (substrates/hash.ts). */
  get hashes(): { substrate: string; scenario: string | null } {
    return { substrate: substrateHash(this.spec.name), scenario: this.scenario ? scenarioHash(this.scenario.name) : null };
  }

  /** Add a stage that runs after the simulation each tick (e.g. rendering observations), timed under `name`. */
  addPostStage(stage: PostStage): void {
    this.postStages.push(stage);
    if (this.monitor) this.postTimers.push(this.monitor.register(stage.name));
  }

  get players(): number {
    return this.sim.players;
  }

  get tick(): number {
    return this.sim.world.tick;
  }

  get done(): boolean {
    return this.sim.terminated || this.sim.truncated;
  }

  /**
   * Start the next episode (the first call starts episode 0 with the given seed; each later one the next seed, or
   * `seed` when given: an integer from 0 to 2³² − 1).
   */
  reset(seed?: number): void {
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) {
      throw new CrucibleError('INVALID_OPTION', `seed must be an integer from 0 to 4294967295, got ${seed}`);
    }
    resetSim(this.sim, seed);
    this.labels = assignBots(this.sim, this.population);
    this.metrics?.attach(this.sim, this.population.isFocal, this.labels);
  }

  /** Relabel a focal slot's policy (a client declaring its policy); updates the diversity figure. */
  setLabel(slot: number, label: string): void {
    this.labels[slot] = label;
    this.metrics?.attach(this.sim, this.population.isFocal, this.labels);
  }

  /**
   * Advance one tick. `actions[slot]` is the action of each focal slot; a missing or out-of-range entry is NOOP
   * (callers that must reject bad actions validate before this). Background slots ignore `actions`.
   */
  step(actions?: ArrayLike<number>): void {
    const sim = this.sim;
    const n = this.spec.actions.length;
    for (const s of this.focalSlots) {
      const a = actions ? actions[s] : 0;
      sim.actions[s] = Number.isInteger(a) && a >= 0 && a < n ? a : 0;
    }
    const m = this.monitor;
    if (m === null || sim.world.tick % this.timingSampleEvery !== 0) {
      for (let i = 0; i < PIPELINE.length; i++) PIPELINE[i].run(sim);
      sim.world.events.flush();
      for (let i = 0; i < this.postStages.length; i++) this.postStages[i].run(this);
      this.metrics?.update(sim);
      m?.countStep();
    } else {
      const t0 = m.now();
      let t = t0;
      for (let i = 0; i < PIPELINE.length; i++) {
        PIPELINE[i].run(sim);
        const now = m.now();
        m.record(this.stageTimers[i], (now - t) * 1000);
        t = now;
      }
      sim.world.events.flush();
      for (let i = 0; i < this.postStages.length; i++) {
        t = m.now();
        this.postStages[i].run(this);
        m.time(this.postTimers[i], t);
      }
      if (this.metrics) {
        t = m.now();
        this.metrics.update(sim);
        m.time(this.metricsTimer, t);
      }
      m.time(this.stepTimer, t0);
      m.countStep();
    }
    if (m !== null && sim.world.tick % this.performanceEvery === 0 && m.now() - this.lastReportMs >= this.performanceMinIntervalMs) {
      this.reportPerformance();
    }
    if (this.done) this.metrics?.endEpisode(sim);
  }

  /** Take a performance report now (also done every `performanceEvery` ticks) and emit it as an event. */
  reportPerformance(): PerformanceReport | null {
    if (!this.monitor) return null;
    const sim = this.sim;
    this.lastReportMs = this.monitor.now();
    let active = 0;
    for (let s = 0; s < sim.players; s++) if (sim.world.c.Removed.until[sim.avatars[s]] === 0) active++;
    this.performance = this.monitor.snapshot({
      active_agents: active,
      event_queue_depth: sim.world.events.queueDepth,
      spatial_index_size: sim.world.grid.size,
    });
    if (sim.world.events.wants('performance')) sim.world.events.emit('performance', this.performance);
    return this.performance;
  }

  summary(): EpisodeSummary {
    const sim = this.sim;
    const matrix = matrixOf(sim);
    const returns: Record<string, number> = {};
    const policies: Record<string, string> = {};
    const standIns: Record<string, { bot: string; model: string }> = {};
    let focalSum = 0, focalN = 0, bgSum = 0, bgN = 0, total = 0;
    for (let s = 0; s < sim.players; s++) {
      const r = sim.returns[s];
      returns[agentId(s)] = r;
      policies[agentId(s)] = this.labels[s];
      // Background bots, and focal slots a stand-in plays while no agent holds them (server fillFocal 'bots').
      const bot = findBotSpec(this.labels[s]);
      if (bot) standIns[agentId(s)] = { bot: bot.name, model: bot.model };
      total += r;
      if (this.population.isFocal[s]) {
        focalSum += r;
        focalN++;
      } else {
        bgSum += r;
        bgN++;
      }
    }
    return {
      substrate: this.spec.name,
      scenario: this.scenario?.name ?? null,
      seed: sim.seed,
      episode: sim.episode,
      steps: sim.world.tick,
      terminated: sim.terminated,
      truncated: sim.truncated,
      returns,
      focal_per_capita_return: focalN > 0 ? focalSum / focalN : null,
      background_per_capita_return: bgN > 0 ? bgSum / bgN : null,
      collective_return: sim.players > 0 ? total / sim.players : 0,
      policies,
      focal: this.focalSlots.map(agentId),
      scripted_stand_ins: standIns,
      observations: this.observations,
      hashes: this.hashes,
      events: { apples_eaten: sim.counters.applesEaten, zaps_fired: sim.counters.zapsFired, zap_hits: sim.counters.zapHits },
      ...(matrix ? { matrix: matrixFigures(matrix) } : {}),
    };
  }
}
