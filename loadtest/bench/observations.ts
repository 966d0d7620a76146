/**
 * Observation benchmark.
 *
 * 1. Rendering alone: commons_harvest__open (7 players), stepped 300 ticks with seeded random actions to a
 *    mid-episode state, then every agent's observation rendered over and over (RGB 88×88×3, then symbolic 11×11).
 * 2. Full steps: `env.step` with seeded random actions for every slot (all focal) and every agent's observation
 *    in one mode rendered by a post-simulation stage (`env.addPostStage`, as the server wires it; the Environment's
 *    default instruments — metrics and performance monitor — on), resetting when the episode ends; at scale 1
 *    (7 agents) and scale 4 (112 agents), RGB and symbolic.
 *
 * Each case runs once untimed (warm-up, 0.3 s), then --runs times for at least --ms each; the figure is the median
 * rate over the runs.
 * All randomness comes from the project's seeded Rng.
 *
 * Prints {"bench":"observations","rgb_frames_per_s":…,"symbolic_obs_per_s":…} and, per case,
 * {"bench":"substrate","substrate":"commons_harvest__open","agents":7|112,"obs":"rgb"|"symbolic","instruments":"on",
 * "steps_per_s":…} (the fields of loadtest/bench/substrate.ts, whose "obs":"none" lines are the same steps without
 * observations).
 * Options: --runs=N (default 5), --ms=N (minimum ms per run, default 1500), --seed=N (default 1).
 */
import { median, option } from './util.js';
import { Rng } from '../../ecs/rng.js';
import { Environment } from '../../systems/environment.js';
import { createObservationStage, ObservationBuffers, type ObservationMode } from '../../systems/renderObservations.js';

const SUBSTRATE = 'commons_harvest__open';
const MID_EPISODE_STEPS = 300;
const WARMUP_MS = 300;
/** Work units between clock reads. */
const BATCH = 64;

/** Run `work` (which does `perCall` units) until `ms` have passed; units per second. */
function rate(work: () => void, perCall: number, ms: number): number {
  const t0 = process.hrtime.bigint();
  const limit = BigInt(Math.round(ms * 1e6));
  let calls = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < BATCH; i++) work();
    calls += BATCH;
    elapsed = process.hrtime.bigint() - t0;
  } while (elapsed < limit);
  return (calls * perCall) / (Number(elapsed) / 1e9);
}

function measure(work: () => void, perCall: number, runs: number, ms: number): number {
  rate(work, perCall, WARMUP_MS);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) samples.push(rate(work, perCall, ms));
  return median(samples);
}

/** An environment with all slots focal and a step function that plays seeded random actions. */
function randomPlay(seed: number, scale: number): { env: Environment; step: () => void } {
  const env = new Environment({ substrate: SUBSTRATE, seed, scale });
  env.reset();
  const rng = new Rng(seed);
  const actions = new Int32Array(env.players);
  const n = env.spec.actions.length;
  const step = (): void => {
    for (let s = 0; s < actions.length; s++) actions[s] = rng.int(n);
    env.step(actions);
    if (env.done) env.reset();
  };
  return { env, step };
}

function renderRate(seed: number, mode: ObservationMode, runs: number, ms: number): number {
  const { env, step } = randomPlay(seed, 1);
  for (let i = 0; i < MID_EPISODE_STEPS; i++) step();
  const buffers = new ObservationBuffers(env.sim, mode);
  return measure(() => buffers.render(env.sim), env.players, runs, ms);
}

function stepRate(seed: number, scale: number, mode: ObservationMode, runs: number, ms: number): { agents: number; rate: number } {
  const { env, step } = randomPlay(seed, scale);
  // Wired as the server wires it: a post-simulation stage of the environment, timed by its monitor.
  const render = createObservationStage(new ObservationBuffers(env.sim, mode));
  env.addPostStage({ name: 'renderObservations', run: (e) => render(e.sim) });
  return { agents: env.players, rate: measure(step, 1, runs, ms) };
}

export async function run(args: string[]): Promise<void> {
  const runs = Math.max(1, option(args, 'runs', 5));
  const ms = Math.max(1, option(args, 'ms', 1500));
  const seed = option(args, 'seed', 1);
  const rgb = renderRate(seed, 'rgb', runs, ms);
  const symbolic = renderRate(seed, 'symbolic', runs, ms);
  console.log(JSON.stringify({ bench: 'observations', rgb_frames_per_s: Math.round(rgb), symbolic_obs_per_s: Math.round(symbolic) }));
  for (const scale of [1, 4]) {
    for (const mode of ['rgb', 'symbolic'] as const) {
      const { agents, rate: steps } = stepRate(seed, scale, mode, runs, ms);
      console.log(
        JSON.stringify({ bench: 'substrate', substrate: SUBSTRATE, agents, obs: mode, instruments: 'on', steps_per_s: Math.round(steps) }),
      );
    }
  }
}
