/**
 * Substrate step-rate benchmark. Workload: commons_harvest__open with every simulation system on (moves, eating,
 * zaps, respawns, regrowth, rewards, episode ending) and no observations, every player slot driven by uniformly
 * random actions from the project's seeded Rng; when an episode ends the environment is reset and play goes on.
 * Two sizes: the substrate's own 7 players, and the map tiled 4×4 (scale 4, 112 players). Each size runs twice:
 * `"instruments":"on"` is the Environment as the server and the headless runner use it (per-tick metrics and the
 * performance monitor on, their defaults); `"instruments":"off"` is the simulation pipeline alone
 * (`metrics: false, monitor: false`).
 *
 * Two more cases run clean_up at its own 7 players, instruments on and off (cleaning beams, dirt, pollution-driven
 * apple growth), with the same random actions. Five more run the matrix games: prisoners_dilemma_in_the_matrix__repeated
 * (2 players, instruments on and off; tiled 4×4 = 32 players, off) and prisoners_dilemma_in_the_matrix__arena (8
 * players, on and off). Two more run allelopathic_harvest__open at its own 16 players, on and off. Three more,
 * instruments off, stand for the rest of the Matrix family: running_with_scissors_in_the_matrix__repeated and __arena
 * (three resource classes) and bach_or_stravinsky_in_the_matrix__arena (dyadic roles). Two more run coins (2 players),
 * on and off. Two more run territory__open at its own 9 players, on and off (painting by brush and beam, claimed
 * walls paying, zaps on walls and players, removals for good).
 *
 * Each case warms up for WARMUP_S seconds untimed, then --runs timed runs of at least --seconds each on the same
 * environment; the figure is the median over the runs of steps per second (one step = one tick for all players).
 *
 * Prints one line per case:
 *   {"bench":"substrate","substrate":"commons_harvest__open","agents":7,"obs":"none","instruments":"on","steps_per_s":…}
 * Options: --seconds=N (per timed run, default 2), --runs=N (default 5), --seed=N (default 1), --only=NAME (run the
 * cases of that substrate only).
 */
import { median, option } from './util.js';
import { Rng } from '../../ecs/rng.js';
import { Environment } from '../../systems/environment.js';

const SUBSTRATE = 'commons_harvest__open';
const CASES: readonly { scale: number; instruments: boolean; substrate?: string }[] = [
  { scale: 1, instruments: true },
  { scale: 4, instruments: true },
  { scale: 1, instruments: false },
  { scale: 4, instruments: false },
  // Clean Up at its own 7 players, same random actions (cleaning, dirt, pollution-driven growth on top).
  { scale: 1, instruments: true, substrate: 'clean_up' },
  { scale: 1, instruments: false, substrate: 'clean_up' },
  // The matrix games (collecting, interaction beams, freezes, resource regrowth), same random actions: the
  // two-player repeated PD, the same map tiled 4×4 (32 players), and the 8-player arena.
  { scale: 1, instruments: true, substrate: 'prisoners_dilemma_in_the_matrix__repeated' },
  { scale: 1, instruments: false, substrate: 'prisoners_dilemma_in_the_matrix__repeated' },
  { scale: 4, instruments: false, substrate: 'prisoners_dilemma_in_the_matrix__repeated' },
  { scale: 1, instruments: true, substrate: 'prisoners_dilemma_in_the_matrix__arena' },
  { scale: 1, instruments: false, substrate: 'prisoners_dilemma_in_the_matrix__arena' },
  // Allelopathic Harvest at its own 16 players on its torus (348 berries ripening, planting beams, sanctions).
  { scale: 1, instruments: true, substrate: 'allelopathic_harvest__open' },
  { scale: 1, instruments: false, substrate: 'allelopathic_harvest__open' },
  // The rest of the Matrix family, represented by the three-class games (Running with Scissors' repeated map and
  // arena; the coordination games share their maps and systems) and Bach or Stravinsky's arena (dyadic roles,
  // random tie-breaking). The other variants differ from these in data only.
  { scale: 1, instruments: false, substrate: 'running_with_scissors_in_the_matrix__repeated' },
  { scale: 1, instruments: false, substrate: 'running_with_scissors_in_the_matrix__arena' },
  { scale: 1, instruments: false, substrate: 'bach_or_stravinsky_in_the_matrix__arena' },
  // Coins (collection, the mixed-motive payoff, coin regrowth in either colour): its 2 players, on and off.
  { scale: 1, instruments: true, substrate: 'coins' },
  { scale: 1, instruments: false, substrate: 'coins' },
  // Territory: Open at its own 9 players (claiming, rewards from dry paint, wall and player zaps), same random actions.
  { scale: 1, instruments: true, substrate: 'territory__open' },
  { scale: 1, instruments: false, substrate: 'territory__open' },
];
const WARMUP_S = 1;
/** Steps between clock reads, so reading the clock costs nothing measurable. */
const CHUNK = 256;

interface Driver {
  env: Environment;
  rng: Rng;
  actions: Int32Array;
  nActions: number;
}

function makeDriver(scale: number, instruments: boolean, seed: number, substrate = SUBSTRATE): Driver {
  const env = new Environment({ substrate, seed, scale, ...(instruments ? {} : { metrics: false, monitor: false }) });
  env.reset();
  return { env, rng: new Rng(seed ^ 0x5eed), actions: new Int32Array(env.players), nActions: env.spec.actions.length };
}

/** Step for at least `seconds`; returns steps per second. */
function timedRun(d: Driver, seconds: number): number {
  const { env, rng, actions, nActions } = d;
  const budget = seconds * 1e9;
  let steps = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < budget) {
    for (let i = 0; i < CHUNK; i++) {
      for (let s = 0; s < actions.length; s++) actions[s] = rng.int(nActions);
      env.step(actions);
      if (env.done) env.reset();
    }
    steps += CHUNK;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  return steps / (elapsed / 1e9);
}

export async function run(args: string[]): Promise<void> {
  const seconds = option(args, 'seconds', 2, false);
  const runs = Math.max(1, option(args, 'runs', 5));
  const seed = option(args, 'seed', 1);
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  for (const { scale, instruments, substrate } of CASES) {
    if (only !== undefined && (substrate ?? SUBSTRATE) !== only) continue;
    const d = makeDriver(scale, instruments, seed, substrate);
    timedRun(d, WARMUP_S);
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) rates.push(timedRun(d, seconds));
    console.log(
      JSON.stringify({
        bench: 'substrate',
        substrate: d.env.spec.name,
        agents: d.env.players,
        obs: 'none',
        instruments: instruments ? 'on' : 'off',
        steps_per_s: Math.round(median(rates)),
      }),
    );
  }
}
