/**
 * endEpisode. Melting Pot facts (MP `component_library.lua StochasticIntervalEpisodeEnding`, commons harvest
 * configs): with minimumFramesPerEpisode 1000, intervalLength 100 and p = 0.15, the episode can end only at steps
 * n ≥ 1000 with (n + 1) % 100 == 0 — 1099, 1199, … — each with probability p; step 5000 is the last (a time-limit
 * truncation). Crucible reports the two endings apart: terminated (the environment ended) or truncated (the cap).
 */
import { strict as assert } from 'node:assert';
import { substrate as open } from '../substrates/commons_harvest__open.js';
import type { SubstrateSpec } from '../substrates/types.js';
import type { Sim } from '../systems/sim.js';
import { step, tinySim, tinySpec } from './helpers/tinyWorld.js';

/** A cheap world: one player, no apples, so a step costs next to nothing; episode settings as given. */
function cheap(episode: Partial<SubstrateSpec['episode']> = {}, seed = 1): Sim {
  return tinySim(tinySpec(['   ', 'P  '], { episode }), seed);
}

/** Step until the episode ends; returns the last step. */
function runToEnd(sim: Sim): number {
  while (!sim.terminated && !sim.truncated) step(sim);
  return sim.world.tick;
}

describe('endEpisode', () => {
  it('uses the commons harvest settings: min 1000, every 100 steps p = 0.15, cap 5000 (Melting Pot fact)', () => {
    assert.deepEqual(open.episode, { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.15 });
  });

  it('never ends before step 1000 and ends only at steps n with (n+1) % 100 == 0, over 300 seeds (Melting Pot fact)', function () {
    this.timeout(120_000);
    const ends = new Map<number, number>();
    let truncated = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const sim = cheap({}, seed);
      const n = runToEnd(sim);
      if (sim.truncated) {
        assert.equal(n, 5000, `seed ${seed}: truncated at the cap`);
        truncated++;
        continue;
      }
      assert.ok(n >= 1000, `seed ${seed}: ended at ${n}, before 1000`);
      assert.equal((n + 1) % 100, 0, `seed ${seed}: ended at ${n}`);
      ends.set(n, (ends.get(n) ?? 0) + 1);
    }
    // P(end at 1099) = 0.15 → about 45 of 300; P(reach the cap) = 0.85^40 ≈ 0.15% → almost surely none.
    assert.ok((ends.get(1099) ?? 0) > 20, `1099 is the first chance: ${ends.get(1099)} of 300`);
    assert.ok(ends.has(1199) && ends.has(1299), 'later interval ends occur too');
    assert.ok(truncated <= 3, `${truncated} runs reached the cap`);
  });

  it('with p = 1 terminates at exactly step 1099, the first step n ≥ 1000 with (n+1) % 100 == 0', () => {
    const sim = cheap({ probability: 1 });
    for (let t = 1; t < 1099; t++) {
      step(sim);
      assert.equal(sim.terminated || sim.truncated, false, `step ${t}`);
    }
    step(sim);
    assert.equal(sim.terminated, true);
    assert.equal(sim.truncated, false);
  });

  it('with p = 0 is truncated at exactly maxSteps (step 5000 is the last) and never terminated', () => {
    const sim = cheap({ probability: 0 });
    const n = runToEnd(sim);
    assert.equal(n, 5000);
    assert.equal(sim.truncated, true);
    assert.equal(sim.terminated, false);
  });

  it('truncates at a cap below the first interval end without ever terminating', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const sim = cheap({ probability: 1, maxSteps: 1098 }, seed);
      assert.equal(runToEnd(sim), 1098, `seed ${seed}`);
      assert.equal(sim.terminated, false);
      assert.equal(sim.truncated, true);
    }
  });

  it('reports terminated, not both, when the stochastic end falls on the cap step', () => {
    const sim = cheap({ probability: 1, maxSteps: 1099 });
    assert.equal(runToEnd(sim), 1099);
    assert.equal(sim.terminated, true);
    assert.equal(sim.truncated, false);
  });

  it('terminated and truncated are never both set, over many seeds with p = 0.5 and a cap of 1500', function () {
    this.timeout(60_000);
    const seen = { terminated: 0, truncated: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const sim = cheap({ probability: 0.5, maxSteps: 1500 }, seed);
      runToEnd(sim);
      assert.notEqual(sim.terminated, sim.truncated, `seed ${seed}: exactly one of the two`);
      if (sim.terminated) seen.terminated++;
      else seen.truncated++;
    }
    assert.ok(seen.terminated > 0 && seen.truncated > 0, JSON.stringify(seen));
  });
});
