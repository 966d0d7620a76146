/**
 * The metrics stage on scripted episodes: zaps that land or are stopped, agents who stay together, policy labels —
 * run through the real pipeline on a tiny map, read from the tracker after each step.
 */
import { strict as assert } from 'node:assert';
import { MetricsTracker } from '../systems/computeMetrics.js';
import type { Sim } from '../systems/sim.js';
import { Dir, placeAll, step, stepN, tinySim, tinySpec } from './helpers/tinyWorld.js';

// Row 3 has a wall at x = 3: a beam fired east from (1, 3) stops there.
const MAP = [
  'WWWWWWWWWW',
  'WPPPPPPPPW',
  'W        W',
  'W  W     W',
  'W        W',
  'WWWWWWWWWW',
];

function tracked(labels: string[], isFocal = [true, true, true]): { sim: Sim; metrics: MetricsTracker } {
  const sim = tinySim(tinySpec(MAP, { players: 3, zapper: { framesTillRespawn: 50 } }));
  const metrics = new MetricsTracker({ windowTicks: 10, coalitionEvery: 1 });
  metrics.attach(sim, isFocal, labels);
  return { sim, metrics };
}

function tick(t: { sim: Sim; metrics: MetricsTracker }, actions: Record<number, string> = {}): void {
  step(t.sim, actions);
  t.metrics.update(t.sim);
}

describe('metrics stage (scripted episodes)', () => {
  it('counts a zap that hits another player as an exploitation attempt that was not defended', () => {
    const t = tracked(['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 2, Dir.E], [1, 3, 2, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t, { 0: 'FIRE_ZAP' });
    assert.equal(t.metrics.snapshot.exploitation_attempts, 1);
    assert.equal(t.metrics.snapshot.defense_success_rate, 0, 'the beam landed');
  });

  it('counts a zap that a wall stopped short of its target as a defended attempt', () => {
    const t = tracked(['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 3, Dir.E], [1, 4, 3, Dir.N], [2, 8, 1, Dir.N]]);
    tick(t, { 0: 'FIRE_ZAP' });
    assert.equal(t.metrics.snapshot.exploitation_attempts, 1, 'player 1 was inside the beam shape, ignoring the wall');
    assert.equal(t.metrics.snapshot.defense_success_rate, 1, 'the wall stopped the beam');
  });

  it('has no exploitation attempts and a null defense rate when nobody aims at anybody, and forgets attempts after the window', () => {
    const t = tracked(['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 2, Dir.W], [1, 3, 2, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t, { 0: 'FIRE_ZAP' });
    assert.equal(t.metrics.snapshot.exploitation_attempts, 0, 'a zap into the wall aims at nobody');
    assert.equal(t.metrics.snapshot.defense_success_rate, null);
    placeAll(t.sim, [[0, 1, 2, Dir.E], [1, 3, 2, Dir.N], [2, 8, 4, Dir.N]]);
    for (let i = 0; i < 3; i++) tick(t); // cooldown 2: the next shot is possible 3 ticks after the last
    tick(t, { 0: 'FIRE_ZAP' });
    assert.equal(t.metrics.snapshot.exploitation_attempts, 1);
    for (let i = 0; i < 10; i++) tick(t);
    assert.equal(t.metrics.snapshot.exploitation_attempts, 0, 'the attempt left the 10-tick window');
    assert.equal(t.metrics.snapshot.defense_success_rate, null);
  });

  it('links players who stood within distance 3 for half the window without zapping each other into a coalition', () => {
    const t = tracked(['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 4, Dir.N], [1, 3, 4, Dir.N], [2, 8, 1, Dir.N]]);
    for (let i = 0; i < 10; i++) tick(t);
    assert.deepEqual(t.metrics.snapshot.coalition_sizes, [2, 1]);
    // A zap between them breaks the link for as long as it stays in the window.
    placeAll(t.sim, [[0, 1, 4, Dir.E], [1, 3, 4, Dir.N], [2, 8, 1, Dir.N]]);
    tick(t, { 0: 'FIRE_ZAP' });
    assert.deepEqual(t.metrics.snapshot.coalition_sizes, [1, 1, 1]);
  });

  it('reports Simpson diversity of the policy labels and the returns figures', () => {
    const t = tracked(['a', 'a', 'b'], [true, true, false]);
    stepN(t.sim, 1);
    t.metrics.update(t.sim);
    const s = t.metrics.snapshot;
    assert.ok(Math.abs(s.diversity_index - (1 - (4 / 9 + 1 / 9))) < 1e-12, 'labels a, a, b: 1 − (2/3)² − (1/3)²');
    assert.equal(s.gini_coefficient, 0, 'nobody has eaten: equal returns');
    assert.equal(s.background_equality, 1, 'no background player has a positive return');
    assert.equal(s.focal_per_capita_return, 0);
    assert.equal(s.background_per_capita_return, 0);
    assert.equal(s.pareto_efficiency, null, 'no completed episode yet');
    t.sim.returns.set([3, 1, 0]);
    t.metrics.endEpisode(t.sim);
    t.sim.returns.set([2, 2, 0]);
    t.metrics.endEpisode(t.sim);
    t.sim.returns.set([1, 1, 0]);
    t.metrics.endEpisode(t.sim);
    assert.ok(Math.abs((t.metrics.snapshot.pareto_efficiency ?? NaN) - 2 / 3) < 1e-12, '[1,1,0] is dominated by [2,2,0]; the other two are not');
  });
});
