/**
 * Scenario step-rate benchmark: what the scripted stand-ins for Melting Pot's bots cost. Workload: one scenario per
 * kind of bot — Commons Harvest's free zappers who strip the open map, zappers who harvest sustainably (path search
 * on the closed map), Clean Up cleaners, Clean Up puppets (alternators and corrigible reciprocators), the PD arena's
 * mixed puppeteers (8 players) and the repeated chicken game's corrigible bot, Allelopathic Harvest's planters and
 * convention followers, Coins' strong reciprocator — with the focal slots driven by seeded random actions and the
 * instruments off (`metrics: false, monitor: false`), so the figure is the simulation plus the bots. Each case
 * warms up for 1 s, then takes the median steps per second over --runs runs of at least --seconds each.
 *
 * Prints one line per case:
 *   {"bench":"scenarios","scenario":"clean_up_0","players":7,"bots":4,"steps_per_s":…}
 * Options: --seconds=N (default 2), --runs=N (default 3), --seed=N (default 1).
 */
import { median, option } from './util.js';
import { Rng } from '../../ecs/rng.js';
import { getScenario } from '../../substrates/scenarios.js';
import { Environment } from '../../systems/environment.js';

const SCENARIOS = [
  // Commons Harvest: zappers who strip the open map (then search for apples that are gone), and sustainable zappers
  // on the closed map.
  'commons_harvest__open_0',
  'commons_harvest__closed_2',
  'clean_up_0',
  'clean_up_15',
  'prisoners_dilemma_in_the_matrix__arena_21',
  'chicken_in_the_matrix__repeated_8',
  // Allelopathic Harvest: 12 planters (path search on the torus), and 8 convention followers (each renders its RGB).
  'allelopathic_harvest__open_0',
  'allelopathic_harvest__open_3',
  // Coins: the harsh strong reciprocator (path search to coins, the Reciprocator puppeteer).
  'coins_4',
] as const;
const CHUNK = 64;

function timedRun(env: Environment, rng: Rng, seconds: number): number {
  const actions = new Int32Array(env.players);
  const n = env.spec.actions.length;
  const budget = seconds * 1e9;
  let steps = 0, elapsed = 0;
  const t0 = process.hrtime.bigint();
  while (elapsed < budget) {
    for (let i = 0; i < CHUNK; i++) {
      for (const s of env.focalSlots) actions[s] = rng.int(n);
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
  const runs = option(args, 'runs', 3);
  const seed = option(args, 'seed', 1);
  for (const name of SCENARIOS) {
    const sc = getScenario(name);
    const env = new Environment({ substrate: sc.substrate, scenario: name, seed, metrics: false, monitor: false });
    env.reset();
    const rng = new Rng(seed ^ 0x5eed);
    timedRun(env, rng, 1);
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) rates.push(timedRun(env, rng, seconds));
    const bots = env.players - env.focalSlots.length;
    process.stdout.write(`${JSON.stringify({ bench: 'scenarios', scenario: name, players: env.players, bots, steps_per_s: Math.round(median(rates)) })}\n`);
  }
}
