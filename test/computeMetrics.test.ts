/**
 * The metrics stage on scripted episodes: zaps that land or are stopped, agents who stay together, policy labels —
 * run through the real pipeline on a tiny map, read from the tracker after each step.
 */
import { strict as assert } from 'node:assert';
import { MetricsTracker } from '../systems/computeMetrics.js';
import type { Sim } from '../systems/sim.js';
import { resetSim } from '../systems/pipeline.js';
import { Dir, onMap, placeAll, step, stepN, tinySim, tinySpec } from './helpers/tinyWorld.js';

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

// Five players in their own rows, each facing east with apples ahead: three steps FORWARD eat 2, 1, 3, 1 and 0
// apples (reward 1 each, no regrowth), so the returns are [2, 1, 3, 1, 0].
const ORCHARD = [
  'WWWWWWWW',
  'W AA   W',
  'W A    W',
  'W AAA  W',
  'W  A   W',
  'W      W',
  'WPPPPP W',
  'WWWWWWWW',
];

function orchard(isFocal: boolean[]): { sim: Sim; metrics: MetricsTracker } {
  const sim = tinySim(tinySpec(ORCHARD, { players: 5, regrowth: [0] }));
  const metrics = new MetricsTracker({ windowTicks: 10, coalitionEvery: 1 });
  metrics.attach(sim, isFocal, ['a', 'a', 'a', 'a', 'a']);
  placeAll(sim, [[0, 1, 1, Dir.E], [1, 1, 2, Dir.E], [2, 1, 3, Dir.E], [3, 1, 4, Dir.E], [4, 1, 5, Dir.E]]);
  const t = { sim, metrics };
  const forward = { 0: 'FORWARD', 1: 'FORWARD', 2: 'FORWARD', 3: 'FORWARD', 4: 'FORWARD' };
  for (let i = 0; i < 3; i++) tick(t, forward);
  assert.deepEqual(Array.from(sim.returns), [2, 1, 3, 1, 0], 'the scripted walk eats 2, 1, 3, 1 and 0 apples');
  return t;
}

const close = (actual: number | null, expected: number, what: string): void =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);

describe('metrics stage: figures of a scripted episode, derived by hand', () => {
  it('reports focal and background per-capita returns from their own players (not swapped) and adds every return into collective_return', () => {
    const { metrics } = orchard([true, true, false, false, false]);
    const s = metrics.snapshot;
    close(s.focal_per_capita_return, (2 + 1) / 2, 'focal players 0 and 1');
    close(s.background_per_capita_return, (3 + 1 + 0) / 3, 'background players 2, 3 and 4');
    close(s.collective_return, (2 + 1 + 3 + 1 + 0) / 5, 'mean of all five returns');
  });

  it('computes the Gini coefficient of every return and background equality from the positive background returns only', () => {
    const { metrics } = orchard([true, true, false, false, false]);
    const s = metrics.snapshot;
    // Gini = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean). Unordered pairs of [2, 1, 3, 1, 0]:
    // |2−1| + |2−3| + |2−1| + |2−0| + |1−3| + |1−1| + |1−0| + |3−1| + |3−0| + |1−0| = 1+1+1+2+2+0+1+2+3+1 = 14,
    // so the double sum is 28 and Gini = 28 / (2 · 25 · 1.4) = 0.4.
    close(s.gini_coefficient, 0.4, 'Gini of [2, 1, 3, 1, 0]');
    // Background positive returns [3, 1] (player 4's 0 is left out): Gini = 2·|3−1| / (2 · 4 · 2) = 0.25.
    close(s.background_equality, 1 - 0.25, '1 − Gini of [3, 1]');
  });

  it('has a null focal return when every player is background, and a null background return when every player is focal', () => {
    const allBackground = orchard([false, false, false, false, false]).metrics.snapshot;
    assert.equal(allBackground.focal_per_capita_return, null);
    close(allBackground.background_per_capita_return, 7 / 5, 'all five are background');
    const allFocal = orchard([true, true, true, true, true]).metrics.snapshot;
    assert.equal(allFocal.background_per_capita_return, null);
    close(allFocal.focal_per_capita_return, 7 / 5, 'all five are focal');
    assert.equal(allFocal.background_equality, 1, 'no background player at all');
  });
});

describe('metrics stage: subscriptions, throttles and caps', () => {
  it('counts a hostile attempt once after a reset (attach does not subscribe again)', () => {
    const t = tracked(['a', 'a', 'b']);
    resetSim(t.sim);
    t.metrics.attach(t.sim, [true, true, true], ['a', 'a', 'b']);
    resetSim(t.sim);
    t.metrics.attach(t.sim, [true, true, true], ['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 2, Dir.E], [1, 3, 2, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t, { 0: 'FIRE_ZAP' });
    assert.equal(t.metrics.snapshot.exploitation_attempts, 1, 'one zap at one player, after two resets');
  });

  it('counts hostile attempts even when something else subscribed to them first', () => {
    const sim = tinySim(tinySpec(MAP, { players: 3, zapper: { framesTillRespawn: 50 } }));
    let seen = 0;
    sim.world.events.subscribe('hostile_attempt', (batch) => (seen += batch.length));
    const t = { sim, metrics: new MetricsTracker({ windowTicks: 10, coalitionEvery: 1 }) };
    t.metrics.attach(sim, [true, true, true], ['a', 'a', 'b']);
    placeAll(sim, [[0, 1, 2, Dir.E], [1, 3, 2, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t, { 0: 'FIRE_ZAP' });
    assert.equal(seen, 1, 'the other subscriber saw the attempt');
    assert.equal(t.metrics.snapshot.exploitation_attempts, 1, 'and so did the metrics');
  });

  it('ignores a hostile attempt a player aims at itself', () => {
    const t = tracked(['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 2, Dir.N], [1, 5, 2, Dir.N], [2, 8, 4, Dir.N]]);
    t.sim.world.events.emit('hostile_attempt', { tick: 1, attacker: 1, target: 1, landed: true });
    tick(t);
    assert.equal(t.metrics.snapshot.exploitation_attempts, 0);
  });

  it('does not count removed players as present in coalitions', () => {
    const t = tracked(['a', 'a', 'b']);
    // Player 2 zaps player 1 (removed for 50 ticks) from 2 cells east; player 0 stands 2 cells west of player 1's
    // last cell and 4 from player 2, so with player 1 gone nobody is within distance 3 of anybody.
    placeAll(t.sim, [[0, 1, 4, Dir.N], [1, 3, 4, Dir.N], [2, 5, 4, Dir.W]]);
    tick(t, { 2: 'FIRE_ZAP' });
    assert.ok(!onMap(t.sim, 1), 'player 1 was zapped off the map');
    for (let i = 0; i < 9; i++) tick(t);
    assert.deepEqual(t.metrics.snapshot.coalition_sizes, [1, 1, 1], "player 0 next to player 1's last cell is not with it");
  });

  it('refreshes coalitions only every coalitionEvery ticks (and on the first update)', () => {
    const sim = tinySim(tinySpec(MAP, { players: 3 }));
    const t = { sim, metrics: new MetricsTracker({ windowTicks: 10, coalitionEvery: 4 }) };
    t.metrics.attach(sim, [true, true, true], ['a', 'a', 'b']);
    placeAll(sim, [[0, 1, 4, Dir.N], [1, 5, 1, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t);
    assert.equal(t.metrics.snapshot.tick, 1);
    assert.deepEqual(t.metrics.snapshot.coalition_sizes, [1, 1, 1], 'computed on the first update: everyone apart');
    placeAll(sim, [[0, 1, 4, Dir.N], [1, 3, 4, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t);
    tick(t);
    // Ticks 2 and 3: players 0 and 1 stood together 1 then 2 ticks, enough for a link (threshold ceil(t / 2)), but
    // the figure is not recomputed before tick 4.
    assert.deepEqual(t.metrics.snapshot.coalition_sizes, [1, 1, 1], 'tick 3: not refreshed');
    tick(t);
    assert.equal(t.metrics.snapshot.tick, 4);
    assert.deepEqual(t.metrics.snapshot.coalition_sizes, [2, 1], 'tick 4: together 3 of 4 ticks, threshold 2');
  });

  it('keeps only the last 100 completed episodes for Pareto efficiency', () => {
    const t = tracked(['a', 'a', 'b']);
    const episode = (returns: number[]): void => {
      t.sim.returns.set(returns);
      t.metrics.endEpisode(t.sim);
    };
    episode([9, 9, 9]);
    for (let i = 0; i < 99; i++) episode([1, 1, 1]);
    // 100 kept: [9, 9, 9] dominates the 99 others (equal vectors do not dominate each other).
    close(t.metrics.snapshot.pareto_efficiency, 1 / 100, '1 undominated episode of 100');
    episode([1, 1, 1]);
    close(t.metrics.snapshot.pareto_efficiency, 1, 'the 101st episode pushed [9, 9, 9] out: 100 equal episodes');
  });

  it('compares only episodes with the current number of players for Pareto efficiency', () => {
    const t = tracked(['a', 'a', 'b']);
    t.sim.returns.set([5, 5, 5]);
    t.metrics.endEpisode(t.sim);
    const two = tinySim(tinySpec(MAP, { players: 2 }));
    two.returns.set([1, 1]);
    t.metrics.endEpisode(two);
    close(t.metrics.snapshot.pareto_efficiency, 1, 'the 2-player episode is compared with itself only');
    two.returns.set([0, 1]);
    t.metrics.endEpisode(two);
    close(t.metrics.snapshot.pareto_efficiency, 1 / 2, '[0, 1] is dominated by [1, 1]');
  });

  it('reports the consent refusal rate from the consent answers of the window (1 accepted, 2 refused: 2/3)', () => {
    const t = tracked(['a', 'a', 'b']);
    placeAll(t.sim, [[0, 1, 4, Dir.N], [1, 5, 1, Dir.N], [2, 8, 4, Dir.N]]);
    tick(t);
    assert.equal(t.metrics.snapshot.consent_refusal_rate, null, 'nothing requested');
    const { events } = t.sim.world;
    events.emit('consent_accepted', { tick: 2, requester: 0, target: 1 });
    events.emit('consent_refused', { tick: 2, requester: 1, target: 2 });
    events.emit('consent_refused', { tick: 2, requester: 2, target: 0 });
    tick(t);
    close(t.metrics.snapshot.consent_refusal_rate, 2 / 3, 'refused / answered');
    tick(t);
    close(t.metrics.snapshot.consent_refusal_rate, 2 / 3, 'still in the 10-tick window; counted once');
  });

  it('starts with an empty snapshot before the first episode: no coalitions, no Pareto figure', () => {
    const s = new MetricsTracker().snapshot;
    assert.deepEqual(s.coalition_sizes, []);
    assert.equal(s.pareto_efficiency, null);
    assert.equal(s.background_equality, 1);
  });

  it('computes Pareto efficiency for a 16-player room from its own episodes only', () => {
    const sixteen = ['WWWWWWWWWWWWWWWWWW', 'WPPPPPPPPPPPPPPPPW', 'WWWWWWWWWWWWWWWWWW'];
    const sim = tinySim(tinySpec(sixteen, { players: 16 }));
    const metrics = new MetricsTracker();
    metrics.attach(sim, new Array<boolean>(16).fill(true), new Array<string>(16).fill('a'));
    metrics.endEpisode(sim);
    assert.equal(metrics.snapshot.pareto_efficiency, 1, 'one episode: undominated');
  });

  it('keeps the headline figures as a time series, oldest first, bounded to seriesLength points', () => {
    const sim = tinySim(tinySpec(MAP, { players: 3 }));
    const t = { sim, metrics: new MetricsTracker({ windowTicks: 10, seriesLength: 3 }) };
    t.metrics.attach(sim, [true, true, true], ['a', 'a', 'b']);
    placeAll(sim, [[0, 1, 4, Dir.N], [1, 3, 4, Dir.N], [2, 8, 1, Dir.N]]);
    assert.deepEqual(t.metrics.series().tick, [], 'nothing before the first update');
    tick(t);
    tick(t);
    assert.deepEqual(t.metrics.series().tick, [1, 2]);
    for (let i = 0; i < 3; i++) tick(t);
    const series = t.metrics.series();
    assert.deepEqual(series.tick, [3, 4, 5], 'the last 3 ticks, oldest first');
    assert.deepEqual(series.collective_return, [0, 0, 0]);
    assert.deepEqual(series.background_equality, [1, 1, 1]);
    assert.deepEqual(series.diversity_index.map((d) => Math.round((d ?? Number.NaN) * 9)), [4, 4, 4], 'labels a, a, b: 4/9');
    assert.deepEqual(series.defense_success_rate, [null, null, null], 'no attempt: null, not 0');
  });

  it('emits each updated snapshot as a metrics event', () => {
    const t = tracked(['a', 'a', 'b']);
    const seen: number[] = [];
    t.sim.world.events.subscribe('metrics', (batch) => {
      for (const m of batch) seen.push(m.tick);
    });
    tick(t);
    t.sim.world.events.flush();
    tick(t);
    t.sim.world.events.flush();
    assert.deepEqual(seen, [1, 2]);
  });
});
