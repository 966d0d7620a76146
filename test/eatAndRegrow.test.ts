/**
 * eatApples and regrowApples. Melting Pot facts (MP `commons_harvest/components.lua` DensityRegrow,
 * `component_library.lua` Edible, `avatar_library.lua` skipWaitStateRewards):
 * - entering a live apple gives +1 and the apple starts waiting; an apple eaten at step t can first regrow at t+2;
 * - a waiting apple regrows each step with probability p[k], k = live apples within Euclidean distance 2 (self
 *   excluded, counts ≥ 3 use the last entry), the count lagged one step;
 * - an apple that regrows under an avatar rewards that avatar at once;
 * - no reward accrues to a player while it is removed.
 */
import { strict as assert } from 'node:assert';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { setAppleWaiting } from '../systems/apples/appleState.js';
import { Environment } from '../systems/environment.js';
import { giveReward } from '../systems/giveReward.js';
import { Layer } from '../systems/layers.js';
import { assignBots } from '../systems/population.js';
import type { Sim } from '../systems/sim.js';
import { appleAt, Dir, liveAppleAt, place, step, stepN, tinySim, tinySpec } from './helpers/tinyWorld.js';
import { applesOf } from '../systems/apples/index.js';

/** A lone apple at (2, 1); the avatar starts at (3, 1) facing it. */
const LONE_APPLE = ['     ', '  A  ', '     ', 'P    '];
const NO_ENDING = { probability: 0, maxSteps: 1_000_000 };

describe('eatApples', () => {
  it('stepping onto a live apple gives +1 and the apple leaves the live layer', () => {
    const sim = tinySim(tinySpec(LONE_APPLE));
    place(sim, 0, 3, 1, Dir.W);
    assert.equal(applesOf(sim)!.liveCount, 1);
    const r = step(sim, { 0: 'FORWARD' });
    assert.equal(r[0], 1);
    assert.equal(sim.returns[0], 1);
    assert.equal(liveAppleAt(sim, 2, 1), false);
    assert.equal(applesOf(sim)!.live[appleAt(sim, 2, 1)], 0);
    assert.equal(applesOf(sim)!.liveCount, 0);
    assert.equal(sim.counters.applesEaten, 1);
  });

  it('eats only on entering: a player put on a live apple does not eat it by standing there', () => {
    const sim = tinySim(tinySpec(LONE_APPLE, { regrowth: [0] }));
    place(sim, 0, 2, 1, Dir.W);
    const r = stepN(sim, 3).map((x) => x[0]);
    assert.deepEqual(r, [0, 0, 0]);
    assert.equal(liveAppleAt(sim, 2, 1), true);
  });

  it('stepping onto an empty cell eats nothing, wherever the apples are', () => {
    const sim = tinySim(tinySpec(['AA   ', '     ', 'P    '], { regrowth: [0] }));
    place(sim, 0, 3, 1, Dir.W);
    const r = step(sim, { 0: 'FORWARD' });
    assert.equal(r[0], 0);
    assert.equal(applesOf(sim)!.liveCount, 2);
  });

  it('emits apple_eaten with the tick, the slot and the cell', () => {
    const sim = tinySim(tinySpec(LONE_APPLE));
    const seen: unknown[] = [];
    sim.world.events.subscribe('apple_eaten', (b) => seen.push(...b));
    place(sim, 0, 3, 1, Dir.W);
    step(sim);
    step(sim, { 0: 'FORWARD' });
    sim.world.events.flush();
    assert.deepEqual(seen, [{ tick: 2, slot: 0, x: 2, y: 1, regrew: false }]);
  });

  it('eats nothing on a substrate without eating (no reward, the apple stays)', () => {
    const sim = tinySim({ ...tinySpec(LONE_APPLE, { regrowth: [0] }), eating: undefined });
    place(sim, 0, 3, 1, Dir.W);
    const r = step(sim, { 0: 'FORWARD' });
    assert.equal(r[0], 0);
    assert.equal(liveAppleAt(sim, 2, 1), true);
  });

  it('standing on an eaten apple gives nothing more, and with no live neighbour it never regrows (p[0] = 0)', () => {
    const sim = tinySim(tinySpec(LONE_APPLE, { episode: NO_ENDING }));
    place(sim, 0, 3, 1, Dir.W);
    step(sim, { 0: 'FORWARD' });
    const later = stepN(sim, 2000);
    assert.equal(later.reduce((s, r) => s + r[0], 0), 0);
    assert.equal(liveAppleAt(sim, 2, 1), false, 'still waiting after 2000 steps');
  });

  it('no reward reaches a removed player (skipWaitStateRewards), and one does when the substrate pays wait states', () => {
    const spec = tinySpec(LONE_APPLE);
    for (const skip of [true, false]) {
      const sim = tinySim({ ...spec, skipWaitStateRewards: skip });
      const eid = sim.avatars[0];
      sim.world.grid.remove(eid);
      sim.world.c.Removed.until[eid] = 100;
      sim.world.tick++; // inside a tick, as systems call it
      giveReward(sim, 0, 1);
      assert.equal(sim.world.c.Reward.step[eid], skip ? 0 : 1, `skipWaitStateRewards ${skip}`);
    }
  });

  it('a removed player earns nothing while the others eat: its moves onto apples do not happen', () => {
    // Slot 1 zaps slot 0 (standing under the apple row) at tick 1; for four ticks slot 0 tries to step onto the
    // apple at (6, 0) while slot 2 eats its way along the row.
    const map = ['AAAAAAA', '       ', '       ', '       ', 'PPP    '];
    const sim = tinySim(tinySpec(map, { players: 3 }));
    place(sim, 0, 6, 1, Dir.N);
    place(sim, 1, 6, 2, Dir.N);
    place(sim, 2, 0, 1, Dir.N);
    const r = [step(sim, { 1: 'FIRE_ZAP', 2: 'FORWARD' })];
    for (let i = 0; i < 4; i++) {
      place(sim, 2, 1 + i, 1, Dir.N);
      r.push(step(sim, { 0: 'FORWARD', 2: 'FORWARD' }));
    }
    assert.deepEqual(r.map((x) => x[2]), [1, 1, 1, 1, 1], 'slot 2 ate an apple every tick');
    assert.deepEqual(r.map((x) => x[0]), [0, 0, 0, 0, 0], 'slot 0 was away the whole time');
    assert.equal(liveAppleAt(sim, 6, 0), true, 'the apple slot 0 aimed at is still there');
  });
});

describe('regrowApples: timing', () => {
  it('an apple eaten at step t is not back at t or t+1 and regrows at t+2 when p = 1 (Melting Pot fact)', () => {
    const sim = tinySim(tinySpec(LONE_APPLE, { regrowth: [1, 1, 1, 1] }));
    place(sim, 0, 3, 1, Dir.W);
    stepN(sim, 3); // eat later than tick 1, so the timing is relative to the eating step
    step(sim, { 0: 'FORWARD' });
    const t = sim.world.tick;
    assert.equal(liveAppleAt(sim, 2, 1), false, `step t = ${t}`);
    step(sim, { 0: 'BACKWARD' });
    assert.equal(liveAppleAt(sim, 2, 1), false, 'step t+1');
    step(sim);
    assert.equal(liveAppleAt(sim, 2, 1), true, 'step t+2');
  });

  it('an apple regrowing under a standing avatar rewards it at once: rewards 1, 0, 1, 0, 1 with p = 1', () => {
    const sim = tinySim(tinySpec(LONE_APPLE, { regrowth: [1, 1, 1, 1] }));
    place(sim, 0, 3, 1, Dir.W);
    const r = [step(sim, { 0: 'FORWARD' }), ...stepN(sim, 4)].map((x) => x[0]);
    assert.deepEqual(r, [1, 0, 1, 0, 1]);
    assert.equal(sim.counters.applesEaten, 3);
    assert.equal(liveAppleAt(sim, 2, 1), false, 'eaten again as it regrew');
  });

  it('regrows nothing on a substrate without regrowth', () => {
    const sim = tinySim({ ...tinySpec(LONE_APPLE, { episode: NO_ENDING }), regrowth: undefined });
    place(sim, 0, 3, 1, Dir.W);
    step(sim, { 0: 'FORWARD' });
    step(sim, { 0: 'BACKWARD' });
    stepN(sim, 50);
    assert.equal(liveAppleAt(sim, 2, 1), false);
  });

  it('draws no random number for a waiting apple whose regrowth probability is 0', () => {
    // Two worlds on one seed, one with a waiting apple (p[0] = 0): after the same steps their generators agree.
    const withApple = tinySim(tinySpec(['  a  ', 'P    '], { regrowth: [0], episode: NO_ENDING }), 7);
    const without = tinySim(tinySpec(['     ', 'P    '], { regrowth: [0], episode: NO_ENDING }), 7);
    stepN(withApple, 5);
    stepN(without, 5);
    assert.equal(applesOf(withApple)!.waitingCount, 1);
    assert.equal(withApple.world.rng.float(), without.world.rng.float());
  });

  it('an apple regrowing with nobody on it stays live and pays nobody', () => {
    const sim = tinySim(tinySpec(LONE_APPLE, { regrowth: [1, 1, 1, 1] }));
    place(sim, 0, 3, 1, Dir.W);
    step(sim, { 0: 'FORWARD' });
    step(sim, { 0: 'BACKWARD' });
    const r = step(sim);
    assert.equal(liveAppleAt(sim, 2, 1), true, 'regrew at t + 2');
    assert.equal(r[0], 0);
    assert.equal(sim.counters.applesEaten, 1);
  });

  it('uses the live-neighbour count lagged one step (Melting Pot fact): with p = [1, 0] an apple whose only neighbour is eaten at t regrows at t+2, not t+1', () => {
    // Waiting apple `a` at (1, 1) with one live neighbour at (2, 1). The avatar eats the neighbour at tick 1, so `a`
    // has 0 live neighbours from then on; it first sees k = 0 at tick 3 (the count at the start of tick 2).
    const sim = tinySim(tinySpec([' aA  ', 'P    '], { regrowth: [1, 0] }));
    place(sim, 0, 3, 0, Dir.W);
    const a = appleAt(sim, 1, 0);
    assert.equal(applesOf(sim)!.liveNeighbors[a], 1);
    const r: number[] = [];
    const live: boolean[] = [];
    for (let t = 1; t <= 3; t++) {
      r.push(step(sim, t === 1 ? { 0: 'FORWARD' } : {})[0]);
      live.push(liveAppleAt(sim, 1, 0));
    }
    assert.deepEqual(live, [false, false, true], '`a` regrows at tick 3, not 2');
    assert.equal(applesOf(sim)!.liveNeighbors[a], 0, 'the eaten neighbour regrew under the avatar and was eaten again');
    assert.deepEqual(r, [1, 0, 1], 'the neighbour (eaten at 1, k = 0 from tick 3) regrew under the avatar at tick 3');
  });
});

/**
 * Many independent waiting apples in 4×4 blocks, target at (1, 1) of its block, with k live neighbours placed at
 * distance ≤ √2 inside the block; blocks are far enough apart (≥ 3 cells) that no apple sees another block.
 */
const NEIGHBOUR_CELLS: readonly (readonly [number, number])[] = [[0, 1], [2, 1], [1, 0], [1, 2], [0, 0]];

function densityMap(ks: readonly number[], blocksPerClass: number): { map: string[]; targets: [number, number, number][] } {
  const width = 4 * blocksPerClass;
  const rows: string[][] = [];
  const targets: [number, number, number][] = [];
  ks.forEach((k, c) => {
    const block = Array.from({ length: 4 }, () => new Array<string>(width).fill(' '));
    for (let b = 0; b < blocksPerClass; b++) {
      block[1][4 * b + 1] = 'a';
      targets.push([k, 4 * b + 1, 4 * c + 1]);
      for (let n = 0; n < k; n++) block[NEIGHBOUR_CELLS[n][1]][4 * b + NEIGHBOUR_CELLS[n][0]] = 'A';
    }
    rows.push(...block);
  });
  rows.push(['P', ...new Array<string>(width - 1).fill(' ')]);
  return { map: rows.map((r) => r.join('')), targets };
}

describe('regrowApples: probabilities', () => {
  it('regrows with p[k] for k = 0, 1, 2, 3 and ≥3 live neighbours, within 4.5σ of the binomial mean (fixed seed)', function () {
    this.timeout(120_000);
    const ks = [0, 1, 2, 3, 5];
    const { map, targets } = densityMap(ks, 100);
    const spec = tinySpec(map, { episode: NO_ENDING }); // open's p = [0, 0.0025, 0.005, 0.025]
    const p = spec.regrowth?.probabilities ?? [];
    const sim = tinySim(spec, 20240601);
    const idx = targets.map(([k, x, y]) => ({ k, i: appleAt(sim, x, y) }));
    for (const { k, i } of idx) assert.equal(applesOf(sim)!.liveNeighbors[i], k, 'block built as intended');
    const trials = new Map<number, number>(ks.map((k) => [k, 0]));
    const successes = new Map<number, number>(ks.map((k) => [k, 0]));
    const a = applesOf(sim)!;
    for (let t = 0; t < 2500; t++) {
      const next = sim.world.tick + 1;
      const eligible = idx.map(({ i }) => a.live[i] === 0 && next - a.eatenAt[i] >= 2);
      step(sim);
      idx.forEach(({ k, i }, j) => {
        if (!eligible[j]) {
          assert.equal(a.live[i], 0, 'an ineligible apple never regrows');
          return;
        }
        trials.set(k, (trials.get(k) ?? 0) + 1);
        if (a.live[i] === 1) {
          successes.set(k, (successes.get(k) ?? 0) + 1);
          setAppleWaiting(sim, i); // back to waiting: the next chance is two ticks later
        }
      });
    }
    assert.equal(successes.get(0), 0, 'p[0] = 0: no apple without live neighbours ever regrows');
    for (const k of ks.slice(1)) {
      const n = trials.get(k) ?? 0;
      const pk = p[Math.min(k, p.length - 1)];
      const mean = n * pk;
      const sigma = Math.sqrt(n * pk * (1 - pk));
      const x = successes.get(k) ?? 0;
      assert.ok(
        Math.abs(x - mean) <= 4.5 * sigma,
        `k = ${k}: ${x} regrowths in ${n} trials, expected ${mean.toFixed(1)} ± ${(4.5 * sigma).toFixed(1)} (p = ${pk})`,
      );
    }
  });
});

/** Brute-force recount: live apples (on the live layer) within Euclidean distance 2 of each apple, self excluded. */
function recount(sim: Sim): { counts: number[]; live: number } {
  const { c, grid } = sim.world;
  const a = applesOf(sim)!;
  const cells: { x: number; y: number; live: boolean }[] = [];
  for (let i = 0; i < a.count; i++) {
    const e = a.eids[i];
    cells.push({ x: c.Position.x[e], y: c.Position.y[e], live: grid.layerOfEntity(e) === Layer.Lower });
  }
  const counts = cells.map((p, i) =>
    cells.filter((q, j) => j !== i && q.live && (q.x - p.x) ** 2 + (q.y - p.y) ** 2 <= 4).length,
  );
  return { counts, live: cells.filter((q) => q.live).length };
}

describe('regrowApples: incremental counts', () => {
  // Every registered substrate whose apples regrow by density (DensityRegrow), now and as more are added.
  for (const name of substrateNames().filter((n) => getSubstrate(n).regrowth !== undefined)) {
    it(`${name}: live-neighbour counts kept incrementally equal a brute-force recount through a greedy episode`, () => {
      const env = new Environment({ substrate: name, seed: 11 });
      env.reset();
      const sim = env.sim;
      const p = { isFocal: new Array<boolean>(sim.players).fill(false), bots: ['unsustainable_harvester', 'random'], focalPolicy: null };
      assignBots(sim, p);
      let eaten = 0;
      for (let t = 1; t <= 1000 && !env.done; t++) {
        env.step();
        if (t % 20 !== 0) continue;
        const { counts, live } = recount(sim);
        assert.deepEqual(Array.from(applesOf(sim)!.liveNeighbors.subarray(0, applesOf(sim)!.count)), counts, `step ${t}`);
        assert.equal(applesOf(sim)!.liveCount, live, `step ${t}: live count`);
        assert.equal(applesOf(sim)!.count - applesOf(sim)!.waitingCount, live, `step ${t}: waiting set size`);
        eaten = sim.counters.applesEaten;
      }
      assert.ok(eaten > 20, `the episode exercised eating (${eaten} apples)`);
    });
  }
});
