/**
 * Vectorised worlds: N independent environments of one substrate stepped together, their agents' observations,
 * rewards and flags laid out as batch arrays (structure of arrays) for a trainer. The Python package's vector
 * environment drives these through a worker process (server/vectorWorker.ts); nothing here knows about transports.
 *
 * Batch layout (the same in every transport): A = worlds × F agents, F = focal slots per world (all slots without a
 * scenario; background bots are played in-process). Agent a = w·F + i is focal slot `focalSlots[i]` of world w.
 *   obs           A × obsBytes u8   RGB (h·w·3) or SYMBOLIC (h·w), as the agent observations (renderObservations.ts)
 *   vector        A × V f32         the substrate's vector observations (systems/vectorObservations.ts), 0 when V = 0
 *   reward        A f32             this step's reward
 *   ready         A f32             READY_TO_SHOOT
 *   episodeReturn A f32             the ended episode's return, written on the step that reports the end
 *   flags         N u8              bit0 terminated, bit1 truncated, bit2 reset (this observation starts an episode)
 *   length        N u32             steps of the episode so far (of the ended one on the step that reports the end)
 *
 * Autoreset (Gymnasium's two modes): 'next_step' returns the terminal observation on the ending step and resets the
 * world on the following `step` (that world's actions are ignored, its reward is 0, flag bit2 set); 'same_step'
 * resets at once and returns the new episode's first observation in place of the terminal one.
 *
 * Seeds: world w of a batch seeded s starts with seed s + w; its k-th episode (k = 0, 1, …) uses s + w + k·N, so no
 * two worlds ever replay one episode and a run is reproducible from (s, actions).
 */
import { CrucibleError } from '../ecs/errors.js';
import { Environment } from '../systems/environment.js';
import { ObservationBuffers, readyToShoot, rgbShape, viewCols, viewRows, type ObservationMode } from '../systems/renderObservations.js';
import { vectorLayout, writeVectorObservations, type VectorField } from '../systems/vectorObservations.js';

export type AutoresetMode = 'next_step' | 'same_step';
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next_step', 'same_step'];

export const FLAG_TERMINATED = 1;
export const FLAG_TRUNCATED = 2;
export const FLAG_RESET = 4;

export interface VectorWorldsOptions {
  substrate: string;
  scenario?: string | null;
  obs: ObservationMode;
  /** Worlds held here. */
  worlds: number;
  /** Index of the first world held here in the whole batch (several workers share one batch). Default 0. */
  firstWorld?: number;
  /** Worlds in the whole batch (the seed stride). Default `worlds`. */
  totalWorlds?: number;
  /** Batch seed s: world w starts with s + w. */
  seed: number;
  autoreset?: AutoresetMode;
  /** Cap episodes at this many steps (a truncation), below the substrate's own cap; null = the substrate's. */
  maxSteps?: number | null;
}

/** What a trainer needs to size its arrays (sent by the worker as its hello). */
export interface VectorShape {
  substrate: string;
  scenario: string | null;
  obs: ObservationMode;
  worlds: number;
  players: number;
  focalSlots: number[];
  agentsPerWorld: number;
  obsShape: number[];
  obsBytes: number;
  vector: VectorField[];
  vectorLength: number;
  actions: string[];
  autoreset: AutoresetMode;
}

export class VectorWorlds {
  readonly envs: Environment[];
  readonly buffers: ObservationBuffers[];
  readonly shape: VectorShape;
  /** Per-agent observation bytes, in batch order (views of the renderers' buffers: write them, don't keep them). */
  readonly obs: Uint8Array[];
  readonly vector: Float32Array;
  readonly reward: Float32Array;
  readonly ready: Float32Array;
  readonly episodeReturn: Float32Array;
  readonly flags: Uint8Array;
  readonly length: Uint32Array;
  private readonly pendingReset: Uint8Array;
  private readonly episodes: Uint32Array;
  private readonly firstWorld: number;
  private readonly totalWorlds: number;
  private seed: number;
  private readonly slotActions: Int32Array;
  private readonly vectorLayout: VectorField[];
  private readonly autoreset: AutoresetMode;
  private started = false;

  constructor(opts: VectorWorldsOptions) {
    const { worlds } = opts;
    if (!Number.isInteger(worlds) || worlds < 1 || worlds > 4096) {
      throw new CrucibleError('INVALID_OPTION', `num_envs must be an integer from 1 to 4096, got ${worlds}`, { option: 'num_envs', value: worlds });
    }
    if (!['rgb', 'symbolic', 'none'].includes(opts.obs)) {
      throw new CrucibleError('INVALID_OPTION', `obs must be one of rgb, symbolic, none, got ${JSON.stringify(opts.obs)}`, { option: 'obs', value: opts.obs });
    }
    const autoreset = opts.autoreset ?? 'next_step';
    if (!AUTORESET_MODES.includes(autoreset)) {
      throw new CrucibleError('INVALID_OPTION', `autoreset must be one of ${AUTORESET_MODES.join(', ')}, got ${JSON.stringify(autoreset)}`, { option: 'autoreset', value: autoreset });
    }
    this.autoreset = autoreset;
    this.firstWorld = opts.firstWorld ?? 0;
    this.totalWorlds = opts.totalWorlds ?? worlds;
    this.seed = checkSeed(opts.seed);
    const cap = opts.maxSteps ?? null;
    if (cap !== null && (!Number.isInteger(cap) || cap < 1)) {
      throw new CrucibleError('INVALID_OPTION', `max_steps must be an integer ≥ 1, got ${cap}`, { option: 'max_steps', value: cap });
    }
    this.envs = [];
    this.buffers = [];
    for (let w = 0; w < worlds; w++) {
      const env = new Environment({ substrate: opts.substrate, scenario: opts.scenario ?? null, seed: this.worldSeed(w, 0), metrics: false, monitor: false });
      if (cap !== null) {
        // As the rooms' maxSteps: after the pipeline's own ending, a truncation at the cap.
        env.addPostStage({
          name: 'maxSteps',
          run: (e) => {
            if (e.tick >= cap && !e.sim.terminated) e.sim.truncated = true;
          },
        });
      }
      this.envs.push(env);
      this.buffers.push(new ObservationBuffers(env.sim, opts.obs));
    }
    const env0 = this.envs[0];
    const sim = env0.sim;
    const F = env0.focalSlots.length;
    const A = worlds * F;
    const view = sim.spec.observation.view;
    const obsShape = opts.obs === 'rgb' ? [...rgbShape(sim)] : opts.obs === 'symbolic' ? [viewRows(view), viewCols(view)] : [0];
    this.vectorLayout = vectorLayout(sim);
    const V = this.vectorLayout.reduce((n, f) => n + f.length, 0);
    this.shape = {
      substrate: sim.spec.name,
      scenario: env0.scenario?.name ?? null,
      obs: opts.obs,
      worlds,
      players: env0.players,
      focalSlots: [...env0.focalSlots],
      agentsPerWorld: F,
      obsShape,
      obsBytes: obsShape.reduce((a, b) => a * b, 1),
      vector: this.vectorLayout,
      vectorLength: V,
      actions: sim.spec.actions.map((a) => a.name),
      autoreset,
    };
    this.obs = [];
    for (let w = 0; w < worlds; w++) {
      for (const s of env0.focalSlots) {
        const b = this.buffers[w];
        this.obs.push(opts.obs === 'rgb' ? b.rgb[s] : opts.obs === 'symbolic' ? b.symbolic[s] : new Uint8Array(0));
      }
    }
    this.vector = new Float32Array(A * V);
    this.reward = new Float32Array(A);
    this.ready = new Float32Array(A);
    this.episodeReturn = new Float32Array(A);
    this.flags = new Uint8Array(worlds);
    this.length = new Uint32Array(worlds);
    this.pendingReset = new Uint8Array(worlds);
    this.episodes = new Uint32Array(worlds);
    this.slotActions = new Int32Array(env0.players);
  }

  get agents(): number {
    return this.reward.length;
  }

  /** Start every world afresh with batch seed `seed` when given (kept for later resets), else with the last seed given. */
  reset(seed?: number): void {
    if (seed !== undefined) this.seed = checkSeed(seed);
    this.episodes.fill(0);
    for (let w = 0; w < this.envs.length; w++) {
      this.envs[w].reset(this.worldSeed(w, 0));
      this.pendingReset[w] = 0;
      this.flags[w] = FLAG_RESET;
      this.length[w] = 0;
      this.observe(w);
    }
    this.reward.fill(0);
    this.episodeReturn.fill(0);
    this.started = true;
  }

  /**
   * Check `actions` (one per agent, batch order) without stepping: null if every one is an action index, else the
   * error (MALFORMED_MESSAGE for a wrong count, INVALID_ACTION naming world and slot for a value out of range).
   */
  check(actions: ArrayLike<number>): CrucibleError | null {
    const n = this.shape.actions.length;
    if (actions.length !== this.agents) {
      return new CrucibleError('MALFORMED_MESSAGE', `step needs ${this.agents} actions (${this.envs.length} worlds × ${this.shape.agentsPerWorld} agents), got ${actions.length}`);
    }
    for (let a = 0; a < actions.length; a++) {
      const v = actions[a];
      if (!Number.isInteger(v) || v < 0 || v >= n) {
        const F = this.shape.agentsPerWorld;
        const world = this.firstWorld + Math.floor(a / F), slot = this.shape.focalSlots[a % F];
        return new CrucibleError('INVALID_ACTION', `action of world ${world} slot ${slot} must be from 0 to ${n - 1}, got ${v}`, {
          world,
          slot,
          value: v,
          allowed: { min: 0, max: n - 1 },
        });
      }
    }
    return null;
  }

  /** Step every world with `actions` (checked first: a bad batch throws and steps nothing). */
  step(actions: ArrayLike<number>): void {
    if (!this.started) throw new CrucibleError('MALFORMED_MESSAGE', 'reset the vector environment before the first step');
    const bad = this.check(actions);
    if (bad) throw bad;
    const F = this.shape.agentsPerWorld;
    const focal = this.shape.focalSlots;
    const slotActions = this.slotActions;
    for (let w = 0; w < this.envs.length; w++) {
      const env = this.envs[w];
      const base = w * F;
      if (this.pendingReset[w]) {
        this.restart(w);
        for (let i = 0; i < F; i++) this.reward[base + i] = 0;
        this.observe(w);
        continue;
      }
      for (let i = 0; i < F; i++) slotActions[focal[i]] = actions[base + i];
      env.step(slotActions);
      const sim = env.sim;
      for (let i = 0; i < F; i++) this.reward[base + i] = sim.rewards[focal[i]];
      this.length[w] = sim.world.tick;
      if (env.done) {
        this.flags[w] = (sim.terminated ? FLAG_TERMINATED : 0) | (sim.truncated ? FLAG_TRUNCATED : 0);
        for (let i = 0; i < F; i++) this.episodeReturn[base + i] = sim.returns[focal[i]];
        if (this.autoreset === 'same_step') {
          this.restart(w);
          this.flags[w] |= FLAG_RESET;
        } else {
          this.pendingReset[w] = 1;
        }
      } else {
        this.flags[w] = 0;
      }
      this.observe(w);
    }
  }

  /** The next episode of world w (its reset flag and length set; the ended episode's length stays until observed). */
  private restart(w: number): void {
    this.episodes[w]++;
    this.envs[w].reset(this.worldSeed(w, this.episodes[w]));
    this.pendingReset[w] = 0;
    if (this.autoreset === 'next_step') {
      this.flags[w] = FLAG_RESET;
      this.length[w] = 0;
    }
  }

  /** Render world w's observations and fill its agents' vector and READY_TO_SHOOT. */
  private observe(w: number): void {
    const env = this.envs[w];
    const sim = env.sim;
    if (this.shape.obs !== 'none') this.buffers[w].render(sim);
    const F = this.shape.agentsPerWorld;
    const V = this.shape.vectorLength;
    const focal = this.shape.focalSlots;
    for (let i = 0; i < F; i++) {
      const a = w * F + i;
      this.ready[a] = readyToShoot(sim, focal[i]);
      if (V > 0) writeVectorObservations(sim, focal[i], this.vectorLayout, this.vector.subarray(a * V, (a + 1) * V));
    }
  }

  private worldSeed(w: number, episode: number): number {
    return (this.seed + this.firstWorld + w + episode * this.totalWorlds) >>> 0;
  }

  /**
   * The same work without any transport, for the benchmark's engine figure: step every world with uniformly random
   * actions for at least `seconds`; returns world-steps per second of wall time and of this process's CPU time.
   */
  headless(seconds: number, actionSeed: number): { wall: number; cpu: number } {
    if (!this.started) this.reset();
    const actions = new Int32Array(this.agents);
    const n = this.shape.actions.length;
    let x = actionSeed >>> 0 || 1;
    let steps = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const budget = BigInt(Math.round(seconds * 1e9));
    let elapsed = 0n;
    while (elapsed < budget) {
      for (let k = 0; k < 16; k++) {
        for (let a = 0; a < actions.length; a++) {
          // xorshift32: the benchmark's actions, not simulation randomness (the worlds use their own RNG).
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          actions[a] = (x >>> 0) % n;
        }
        this.step(actions);
        steps += this.envs.length;
      }
      elapsed = process.hrtime.bigint() - t0;
    }
    const cpu = process.cpuUsage(cpu0);
    return { wall: steps / (Number(elapsed) / 1e9), cpu: steps / ((cpu.user + cpu.system) / 1e6) };
  }
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new CrucibleError('INVALID_OPTION', `seed must be an integer from 0 to 4294967295, got ${seed}`, { option: 'seed', value: seed });
  }
  return seed;
}
