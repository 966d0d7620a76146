/**
 * The matrix games: prisoners_dilemma_in_the_matrix__repeated / __arena, stag_hunt and chicken (data only), and
 * Crucible's consent variant. Melting Pot facts checked, from `lua/levels/the_matrix/components.lua` and the
 * `configs/substrates/*_in_the_matrix__*.py` files (see /work/shared/reference/meltingpot.md §2, §3, §6):
 * - payoff r·M_row·c and r·M_col·c with r, c the normalised inventories (`GameInteractionZapper:_resolve`);
 * - both players freeze for `freezeOnInteraction` = 16 frames, then are paid, reset to [1, 1] and removed
 *   (`reset_*_inventory`, `*PlayerDies` all true), then respawn `framesTillRespawn` = 5 frames later (our respawn
 *   convention: removed at t_r → back at the end of t_r + F + 1);
 * - resources regrow only after `regenerationDelay` = 10 frames, and never under an avatar (`Resource:maybeRespawn`);
 * - `disallowUnreadyInteractions`: both must have collected a resource since their last reset;
 * - frozen players cannot be hit and stop the beam; at most one interaction per player per step;
 * - live resources stop the beam and break after `initialHealth` = 3 hits (`Destroyable`);
 * - `SpawnResourcesWhenAllPlayersZapped`: every resource comes back when no avatar is on the map;
 * - INTERACTION_INVENTORIES is (own, partner) on the frame of an interaction, −1 otherwise;
 * - the maps, matrices and episode caps of the four Melting Pot variants; `a` cells are a per-episode choice.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { substrate as pdRepeated } from '../substrates/prisoners_dilemma_in_the_matrix__repeated.js';
import { getSubstrate } from '../substrates/registry.js';
import { getScenario } from '../substrates/scenarios.js';
import { OTHER_COLOR, REPEATED_LEGEND, RESOURCE1_COLOR, RESOURCE2_COLOR } from '../substrates/the_matrix.js';
import { SELF_COLOR } from '../substrates/shared.js';
import type { MatrixSpec, SubstrateSpec } from '../substrates/types.js';
import { substrateProblems } from '../substrates/validate.js';
import { MetricsTracker } from '../systems/computeMetrics.js';
import { Environment } from '../systems/environment.js';
import type { SimEvents } from '../systems/events.js';
import { Layer } from '../systems/layers.js';
import { interactionInventoriesOf, inventoryOf } from '../systems/matrix/matrixObservations.js';
import { interactionPayoffs } from '../systems/matrix/matrixState.js';
import { resetSim, stepSim } from '../systems/pipeline.js';
import { createBot } from '../systems/policies/index.js';
import { readyToShoot, renderRgb, rgbShape } from '../systems/renderObservations.js';
import { createSim, type Sim } from '../systems/sim.js';
import { Dir, onMap, place, placeAll, pos, step, stepN, tinySim } from './helpers/tinyWorld.js';
import { matrixOf } from '../systems/matrix/index.js';

const MATRIX_SUBSTRATES = [
  'prisoners_dilemma_in_the_matrix__repeated',
  'prisoners_dilemma_in_the_matrix__arena',
  'prisoners_dilemma_in_the_matrix__consent',
  'stag_hunt_in_the_matrix__repeated',
  'chicken_in_the_matrix__repeated',
];

/** 7 × 5 open room, spawn points on the bottom row. */
const ROOM = ['WWWWWWW', 'W     W', 'W     W', 'W     W', 'WPPPPPW', 'WWWWWWW'];

interface TinyMatrixOptions {
  players?: number;
  matrix?: Partial<MatrixSpec>;
  base?: SubstrateSpec;
}

/** The PD repeated substrate (or `base`) on `map`, no stochastic ending, facing north on spawn. */
function matrixSpec(map: readonly string[], opts: TinyMatrixOptions = {}): SubstrateSpec {
  const base = opts.base ?? pdRepeated;
  return {
    ...base,
    name: 'tiny_matrix',
    map,
    legend: { ...REPEATED_LEGEND, P: ['floor', 'spawn:spawnPoints'] },
    population: { ...base.population, players: opts.players ?? 2, randomizeInitialOrientation: false },
    episode: { maxSteps: 100_000, minimumSteps: 0, interval: 100, probability: 0 },
    matrix: { ...(base.matrix as MatrixSpec), ...opts.matrix },
  };
}

/** Give `slot` this inventory and mark it as having collected (ready). */
function setInventory(sim: Sim, slot: number, counts: readonly number[]): void {
  const inv = sim.world.c.Inventory;
  counts.forEach((v, k) => (inv.count[sim.avatars[slot] * inv.size + k] = v));
  matrixOf(sim)!.ready[slot] = 1;
}

function inventory(sim: Sim, slot: number): number[] {
  return Array.from(inventoryOf(sim, slot, new Float64Array(2)));
}

/** Record every event of `type` from now on. */
function record<K extends keyof SimEvents>(sim: Sim, type: K): SimEvents[K][] {
  const out: SimEvents[K][] = [];
  sim.world.events.subscribe(type, (batch) => out.push(...batch));
  return out;
}

function resourceAt(sim: Sim, x: number, y: number): { live: boolean; cls: number } | null {
  const st = matrixOf(sim);
  assert.ok(st);
  for (const layer of [Layer.Lower, Layer.Logic]) {
    const e = sim.world.grid.at(x, y, layer);
    if (e !== 0 && st.indexOf[e] >= 0) return { live: layer === Layer.Lower, cls: st.cls[st.indexOf[e]] + 1 };
  }
  return null;
}

/** Two ready players side by side in ROOM: 0 at (2, 2) facing east, 1 at (3, 2) facing north. */
function pair(row: readonly number[], col: readonly number[], opts: TinyMatrixOptions = {}): Sim {
  const sim = tinySim(matrixSpec(ROOM, opts));
  placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
  setInventory(sim, 0, row);
  setInventory(sim, 1, col);
  return sim;
}

const PD = pdRepeated.matrix as MatrixSpec;

describe('matrix payoffs (GameInteractionZapper:_resolve)', () => {
  it('pays row [3, 1] vs column [1, 3] in the PD 1.0625 and 3.5625 (worked by hand)', () => {
    // r = (.75, .25), c = (.25, .75). Row: .75·.25·3 + .75·.75·0 + .25·.25·5 + .25·.75·1 = .5625 + 0 + .3125 + .1875.
    // Column: .75·.25·3 + .75·.75·5 + .25·.25·0 + .25·.75·1 = .5625 + 2.8125 + 0 + .1875.
    const out = new Float64Array(2);
    interactionPayoffs(PD, [3, 1], 0, [1, 3], 0, out);
    assert.ok(Math.abs(out[0] - 1.0625) < 1e-12, `row ${out[0]}`);
    assert.ok(Math.abs(out[1] - 3.5625) < 1e-12, `column ${out[1]}`);
  });

  it('pays the matrix entries for pure strategies: CC 3/3, CD 0/5, DC 5/0, DD 1/1', () => {
    const out = new Float64Array(2);
    const C = [4, 0], D = [0, 2];
    for (const [r, c, want] of [[C, C, [3, 3]], [C, D, [0, 5]], [D, C, [5, 0]], [D, D, [1, 1]]] as const) {
      interactionPayoffs(PD, r, 0, c, 0, out);
      assert.deepEqual(Array.from(out), want);
    }
  });

  it('normalises each inventory by its own sum: [2, 2] is the same strategy as [1, 1]', () => {
    const a = new Float64Array(2), b = new Float64Array(2);
    interactionPayoffs(PD, [2, 2], 0, [5, 1], 0, a);
    interactionPayoffs(PD, [1, 1], 0, [5, 1], 0, b);
    assert.deepEqual(Array.from(a), Array.from(b));
  });
});

describe('fireInteractionBeams and applyInteractionEffects: an interaction in the sim', () => {
  it('freezes both players for 16 ticks, pays them on the 17th tick after the hit, removes both, and brings them back 5 ticks later', () => {
    const sim = pair([3, 1], [1, 3]);
    const rewards = [step(sim, { 0: 'INTERACT' })]; // tick 1: the hit
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
    // Ticks 2–17: frozen on the map (moves into free cells do nothing), nothing paid yet.
    for (let t = 2; t <= 17; t++) {
      rewards.push(step(sim, { 0: 'BACKWARD', 1: 'FORWARD' }));
      assert.deepEqual(pos(sim, 0), [2, 2], `tick ${t}: player 0 frozen in place`);
      assert.deepEqual(pos(sim, 1), [3, 2], `tick ${t}: player 1 frozen in place`);
      assert.ok(onMap(sim, 0) && onMap(sim, 1), `tick ${t}: both still on the map`);
    }
    for (const r of rewards) assert.deepEqual(Array.from(r), [0, 0]);
    // Tick 18 = 1 + 16 + 1: paid, reset, removed.
    const paid = step(sim, { 0: 'BACKWARD', 1: 'FORWARD' });
    assert.ok(Math.abs(paid[0] - 1.0625) < 1e-12 && Math.abs(paid[1] - 3.5625) < 1e-12, `paid ${Array.from(paid)}`);
    assert.ok(!onMap(sim, 0) && !onMap(sim, 1), 'both removed on tick 18');
    assert.deepEqual(inventory(sim, 0), [1, 1]);
    assert.deepEqual(inventory(sim, 1), [1, 1]);
    assert.deepEqual([matrixOf(sim)?.ready[0], matrixOf(sim)?.ready[1]], [0, 0], 'a reset player is no longer ready');
    // Removed at 18 with framesTillRespawn 5: off through 23, back at the end of 24.
    stepN(sim, 5);
    assert.equal(sim.world.tick, 23);
    assert.ok(!onMap(sim, 0) && !onMap(sim, 1), 'still off the map at the end of tick 23');
    step(sim);
    assert.ok(onMap(sim, 0) && onMap(sim, 1), 'back at the end of tick 24 = 18 + 5 + 1');
  });

  it('shows INTERACTION_INVENTORIES (own, partner) on the tick of the interaction only, −1 before and after', () => {
    const sim = pair([3, 1], [1, 3]);
    const ii = new Float64Array(4);
    assert.deepEqual(Array.from(interactionInventoriesOf(sim, 0, ii)), [-1, -1, -1, -1]);
    step(sim, { 0: 'INTERACT' });
    assert.deepEqual(Array.from(interactionInventoriesOf(sim, 0, ii)), [3, 1, 1, 3]);
    assert.deepEqual(Array.from(interactionInventoriesOf(sim, 1, ii)), [1, 3, 3, 1]);
    step(sim);
    assert.deepEqual(Array.from(interactionInventoriesOf(sim, 0, ii)), [-1, -1, -1, -1]);
  });

  it('resets a winning row player\'s inventory at the hit, the column player\'s only when the effects land (Melting Pot quirk)', () => {
    // Row [1, 3] (mostly D) vs column [3, 1] (mostly C): the row player wins (3.5625 > 1.0625).
    const sim = pair([1, 3], [3, 1]);
    step(sim, { 0: 'INTERACT' });
    assert.deepEqual(inventory(sim, 0), [1, 1]);
    assert.deepEqual(inventory(sim, 1), [3, 1]);
    stepN(sim, 17);
    assert.deepEqual(inventory(sim, 1), [1, 1]);
  });

  it('emits an interaction event with both rewards and choices, and a landed hostile_attempt by the defector on the cooperator', () => {
    const sim = pair([3, 1], [1, 3]);
    const interactions = record(sim, 'interaction');
    const hostile = record(sim, 'hostile_attempt');
    step(sim, { 0: 'INTERACT' });
    assert.equal(interactions.length, 1);
    const e = interactions[0];
    assert.deepEqual([e.tick, e.row, e.col, e.rowChoice, e.colChoice], [1, 0, 1, 'cooperate', 'defect']);
    assert.ok(Math.abs(e.rowReward - 1.0625) < 1e-12 && Math.abs(e.colReward - 3.5625) < 1e-12);
    assert.deepEqual(hostile, [{ tick: 1, attacker: 1, target: 0, landed: true }]);
  });

  it('counts a defection against a cooperator as an exploitation attempt, and mutual cooperation as none', () => {
    for (const [col, want] of [[[1, 3], 1], [[3, 1], 0]] as const) {
      const sim = pair([3, 1], col);
      const tracker = new MetricsTracker();
      tracker.attach(sim, [true, true], ['focal', 'focal']);
      sim.actions.fill(0);
      sim.actions[0] = 7; // INTERACT
      stepSim(sim);
      tracker.update(sim);
      assert.equal(tracker.snapshot.exploitation_attempts, want, `column ${col}`);
    }
  });

  it('a frozen player neither fires nor counts its cooling timer down (meltingpot/lua/levels/the_matrix/components.lua:409-416: the GameInteractionZapper updates only while movement is allowed)', () => {
    const sim = tinySim(matrixSpec(ROOM));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'INTERACT' });
    const eid = sim.avatars[0];
    const { c } = sim.world;
    assert.equal(c.Cooldown.timer[eid], 2, 'fired at tick 1: timer at the cooldown');
    c.Frozen.until[eid] = sim.world.tick + 4; // frozen on ticks 2, 3, 4
    stepN(sim, 3, { 0: 'INTERACT' });
    assert.equal(c.Cooldown.timer[eid], 2, 'no countdown while frozen');
    step(sim, { 0: 'INTERACT' });
    assert.equal(c.Cooldown.timer[eid], 1, 'counts down again from tick 5');
  });

  it('refuses an interaction unless both players have collected a resource since their last reset (disallowUnreadyInteractions)', () => {
    const sim = tinySim(matrixSpec(ROOM));
    placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
    step(sim, { 0: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 0, 'neither ready');
    assert.equal(matrixOf(sim)?.counters.unreadyHits, 1);
    setInventory(sim, 0, [2, 1]);
    stepN(sim, 2);
    step(sim, { 0: 'INTERACT' }); // tick 4: the cooldown of 2 has run down
    assert.equal(matrixOf(sim)?.counters.interactions, 0, 'only the firer ready');
    assert.deepEqual(pos(sim, 1), [3, 2]);
    step(sim, { 1: 'FORWARD' });
    assert.deepEqual(pos(sim, 1), [3, 1], 'an unready hit does not freeze the target');
    setInventory(sim, 1, [1, 2]);
    place(sim, 1, 3, 2);
    stepN(sim, 1);
    step(sim, { 0: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1, 'both ready');
  });

  it('cannot hit a frozen player, whose body stops the beam for a player behind it', () => {
    // 0 and 1 interact at tick 1; at tick 2, 2 fires east along row 2 through frozen 1 towards ready 3.
    const sim = tinySim(matrixSpec(['WWWWWWWW', 'W      W', 'W      W', 'W      W', 'WPPPPPPW', 'WWWWWWWW'], { players: 4 }));
    placeAll(sim, [[0, 2, 1, Dir.S], [1, 2, 2, Dir.N], [2, 1, 2, Dir.E], [3, 3, 2, Dir.N]]);
    for (let s = 0; s < 4; s++) setInventory(sim, s, [2, 1]);
    step(sim, { 0: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
    step(sim, { 2: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1, 'the frozen player was not hit and the one behind it was shielded');
    assert.equal(matrixOf(sim)?.effectsAt[3], 0);
  });

  it('lets a player take part in at most one interaction per tick: two beams on one target resolve once', () => {
    const sim = tinySim(matrixSpec(ROOM, { players: 3 }));
    placeAll(sim, [[0, 1, 2, Dir.E], [1, 2, 2, Dir.N], [2, 3, 2, Dir.W]]);
    for (let s = 0; s < 3; s++) setInventory(sim, s, [2, 1]);
    step(sim, { 0: 'INTERACT', 2: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
  });

  it('a firer who already interacted this tick still marks the player its beam hits, who can then not interact with a third (MP the_matrix/components.lua:709-729)', () => {
    // Row 2: A(1) → B(2) → C(3) ← D(4). Only the firing order A, B, D differs between the rules: A–B interact, B's
    // beam marks C (B was already marked, so nothing more), D's beam then finds C marked. Crucible used to leave C
    // unmarked there, and D–C interacted.
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const sim = tinySim(matrixSpec(ROOM, { players: 4 }), seed);
      placeAll(sim, [[0, 1, 2, Dir.E], [1, 2, 2, Dir.E], [2, 3, 2, Dir.N], [3, 4, 2, Dir.W]]);
      for (let s = 0; s < 4; s++) setInventory(sim, s, [2, 1]);
      const pairs = record(sim, 'interaction');
      step(sim, { 0: 'INTERACT', 1: 'INTERACT', 3: 'INTERACT' });
      outcomes.add(pairs.map((p) => `${'ABCD'[p.row]}${'ABCD'[p.col]}`).sort().join(' '));
    }
    // A,B,D → AB; A,D,B and D,A,B and D,B,A → AB DC; B,A,D and B,D,A → BC.
    assert.deepEqual([...outcomes].sort(), ['AB', 'AB DC', 'BC']);
  });

  it('stops the beam at a live resource, which breaks on the third hit and lets that beam through (Destroyable, health 3)', () => {
    const sim = tinySim(matrixSpec(['WWWWWWW', 'W     W', 'W  1  W', 'W     W', 'WPPPPPW', 'WWWWWWW']));
    placeAll(sim, [[0, 1, 2, Dir.E], [1, 4, 2, Dir.N]]);
    setInventory(sim, 0, [2, 1]);
    setInventory(sim, 1, [2, 1]);
    for (const t of [1, 4]) {
      while (sim.world.tick < t - 1) step(sim);
      step(sim, { 0: 'INTERACT' });
      assert.deepEqual(resourceAt(sim, 3, 2), { live: true, cls: 1 }, `hit at tick ${t}: still standing`);
      assert.equal(matrixOf(sim)?.counters.interactions, 0);
    }
    stepN(sim, 2);
    step(sim, { 0: 'INTERACT' }); // tick 7
    assert.deepEqual(resourceAt(sim, 3, 2), { live: false, cls: 1 }, 'destroyed by the third hit');
    assert.equal(matrixOf(sim)?.counters.resourcesDestroyed, 1);
    assert.equal(matrixOf(sim)?.counters.interactions, 1, 'the beam went on to the player behind');
  });

  it('fires at most every cooldown + 1 = 3 ticks, and READY_TO_SHOOT follows the interaction beam\'s timer', () => {
    const sim = tinySim(matrixSpec(ROOM));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 4, 3, Dir.N]]);
    const fired: number[] = [];
    for (let t = 1; t <= 7; t++) {
      const before = matrixOf(sim)?.counters.interactionBeamsFired ?? 0;
      step(sim, { 0: 'INTERACT' });
      if ((matrixOf(sim)?.counters.interactionBeamsFired ?? 0) > before) fired.push(t);
    }
    assert.deepEqual(fired, [1, 4, 7]);
    assert.equal(readyToShoot(sim, 0), 0);
    step(sim);
    assert.equal(readyToShoot(sim, 0), 0.5);
  });
});

describe('collectResources and regenerateResources', () => {
  const STRIP = ['WWWWWWW', 'W 1 2 W', 'WPPPPPW', 'WWWWWWW'];

  it('adds 1 of the resource\'s class to the inventory of a player who steps onto it, pays nothing, and makes it ready', () => {
    const sim = tinySim(matrixSpec(STRIP));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 5, 2, Dir.N]]);
    assert.deepEqual(inventory(sim, 0), [1, 1], 'inventories start at [1, 1]');
    const r = step(sim, { 0: 'FORWARD' });
    assert.deepEqual(inventory(sim, 0), [2, 1]);
    assert.equal(r[0], 0, 'the gathering reward is 0');
    assert.equal(matrixOf(sim)?.ready[0], 1);
    assert.deepEqual(resourceAt(sim, 2, 1), { live: false, cls: 1 });
    place(sim, 1, 4, 2);
    step(sim, { 1: 'FORWARD' });
    assert.deepEqual(inventory(sim, 1), [1, 2]);
  });

  it('regrows a resource collected at tick w no earlier than tick w + 10 + 1, even with rate 1', () => {
    const sim = tinySim(matrixSpec(STRIP, { matrix: { regeneration: { delay: 10, rate: 1 } } }));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 5, 2, Dir.N]]);
    step(sim, { 0: 'FORWARD' }); // w = 1
    step(sim, { 0: 'BACKWARD' });
    stepN(sim, 9);
    assert.equal(sim.world.tick, 11);
    assert.equal(resourceAt(sim, 2, 1)?.live, false, 'still waiting at tick 11');
    step(sim);
    assert.equal(resourceAt(sim, 2, 1)?.live, true, 'back at tick 12');
  });

  it('never regrows a resource under a standing avatar; it comes back the tick after the avatar steps off (MP the_matrix/components.lua:87-101, checked before the moves land)', () => {
    // maybeRespawn (priority 100) queries upperPhysical during RunUpdaters, before the queued moves are processed
    // (Lab2D grid.cc:216-254): on the tick the avatar steps off it still stands there.
    const sim = tinySim(matrixSpec(STRIP, { matrix: { regeneration: { delay: 10, rate: 1 } } }));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 5, 2, Dir.N]]);
    step(sim, { 0: 'FORWARD' });
    stepN(sim, 30);
    assert.equal(resourceAt(sim, 2, 1)?.live, false);
    step(sim, { 0: 'BACKWARD' });
    assert.equal(resourceAt(sim, 2, 1)?.live, false, 'the avatar stood there before the moves of this tick');
    step(sim);
    assert.equal(resourceAt(sim, 2, 1)?.live, true);
  });

  it('an avatar stepping onto a waiting resource on the tick it regrows does not stop it, and stands on it without collecting it (MP the_matrix/components.lua:54-56, 87-101)', () => {
    // The regrowth setState is queued after the move (updater priority 100 < the avatar's 150), so onEnter saw the
    // wait state and the resource appears under the avatar.
    const sim = tinySim(matrixSpec(STRIP, { matrix: { regeneration: { delay: 10, rate: 1 } } }));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 5, 2, Dir.N]]);
    step(sim, { 0: 'FORWARD' }); // collected at w = 1
    step(sim, { 0: 'BACKWARD' });
    stepN(sim, 9); // tick 11: still waiting
    assert.equal(resourceAt(sim, 2, 1)?.live, false);
    step(sim, { 0: 'FORWARD' }); // tick 12: regrows as the avatar arrives
    assert.deepEqual(pos(sim, 0), [2, 1]);
    assert.equal(resourceAt(sim, 2, 1)?.live, true, 'regrown under the arriving avatar');
    assert.deepEqual(inventory(sim, 0), [2, 1], 'not collected by arriving on the same tick');
    stepN(sim, 3);
    assert.deepEqual(inventory(sim, 0), [2, 1], 'standing on it does not collect it');
    step(sim, { 0: 'BACKWARD' });
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(inventory(sim, 0), [3, 1], 'entering it again does');
  });

  it('regrows with the given rate after the delay (0.02: about 1 in 50 per tick)', () => {
    const sim = tinySim(matrixSpec(STRIP));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 5, 2, Dir.N]]);
    let waits = 0, n = 0;
    for (let trial = 0; trial < 200; trial++) {
      step(sim, { 0: 'FORWARD' });
      step(sim, { 0: 'BACKWARD' });
      let t = 1;
      while (resourceAt(sim, 2, 1)?.live === false) {
        step(sim);
        t++;
      }
      waits += t - 10;
      n++;
    }
    const mean = waits / n; // geometric with p = 0.02: mean 50 ticks after the delay
    assert.ok(mean > 40 && mean < 62, `mean wait after the delay ${mean}`);
  });

  it('brings every resource back on the tick after both players were removed (SpawnResourcesWhenAllPlayersZapped)', () => {
    const noRegrowth = { regeneration: { delay: 10, rate: 0 } };
    const sim = tinySim(matrixSpec(['WWWWWWW', 'W1 2  W', 'W     W', 'W     W', 'WPPPPPW', 'WWWWWWW'], { matrix: noRegrowth }));
    placeAll(sim, [[0, 1, 2, Dir.N], [1, 3, 2, Dir.N]]);
    step(sim, { 0: 'FORWARD', 1: 'FORWARD' }); // tick 1: both collect
    assert.equal(matrixOf(sim)?.liveCount, 0);
    placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
    step(sim, { 0: 'INTERACT' }); // tick 2: interaction
    stepN(sim, 17); // tick 19 = 2 + 17: both removed
    assert.ok(!onMap(sim, 0) && !onMap(sim, 1));
    assert.equal(matrixOf(sim)?.liveCount, 0, 'not on the removal tick itself');
    step(sim);
    assert.equal(matrixOf(sim)?.liveCount, 2, 'all back on the next tick');
  });

  it('does not bring resources back when the substrate has no SpawnResourcesWhenAllPlayersZapped (the arena)', () => {
    const sim = tinySim(matrixSpec(['WWWWWWW', 'W1 2  W', 'W     W', 'W     W', 'WPPPPPW', 'WWWWWWW'], { matrix: { spawnResourcesWhenAllPlayersRemoved: false, regeneration: { delay: 10, rate: 0 } } }));
    placeAll(sim, [[0, 1, 2, Dir.N], [1, 3, 2, Dir.N]]);
    step(sim, { 0: 'FORWARD', 1: 'FORWARD' });
    placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
    step(sim, { 0: 'INTERACT' });
    stepN(sim, 18);
    assert.equal(matrixOf(sim)?.liveCount, 0);
  });
});

describe('consent variant (Crucible only)', () => {
  const consent = getSubstrate('prisoners_dilemma_in_the_matrix__consent');

  function consentPair(): { sim: Sim; tracker: MetricsTracker } {
    const sim = tinySim(matrixSpec(ROOM, { base: consent }));
    placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
    setInventory(sim, 0, [3, 1]);
    setInventory(sim, 1, [1, 3]);
    const tracker = new MetricsTracker();
    tracker.attach(sim, [true, true], ['focal', 'focal']);
    return { sim, tracker };
  }

  function tick(sim: Sim, tracker: MetricsTracker, actions: Record<number, number> = {}): void {
    sim.actions.fill(0);
    for (const [s, a] of Object.entries(actions)) sim.actions[Number(s)] = a;
    stepSim(sim);
    tracker.update(sim);
  }
  const INTERACT = 7;

  it('sends a request instead of interacting; the target accepts by firing INTERACT within 5 ticks and the interaction resolves', () => {
    const { sim, tracker } = consentPair();
    const requests = record(sim, 'consent_request');
    const accepted = record(sim, 'consent_accepted');
    tick(sim, tracker, { 0: INTERACT });
    assert.deepEqual(requests, [{ tick: 1, requester: 0, target: 1 }]);
    assert.equal(matrixOf(sim)?.counters.interactions, 0, 'nothing resolves at the request');
    for (let t = 2; t <= 5; t++) tick(sim, tracker);
    tick(sim, tracker, { 1: INTERACT }); // tick 6 = 1 + 5: the last tick of the window
    assert.deepEqual(accepted, [{ tick: 6, requester: 0, target: 1 }]);
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
    assert.equal(matrixOf(sim)?.effectsAt[0], 6 + 16 + 1, 'the requester is the row player and both freeze as usual');
    assert.equal(tracker.snapshot.consent_refusal_rate, 0);
    for (let t = 7; t <= 23; t++) tick(sim, tracker);
    assert.ok(Math.abs(sim.returns[0] - 1.0625) < 1e-12 && Math.abs(sim.returns[1] - 3.5625) < 1e-12, 'paid as in the repeated game');
  });

  it('refuses a request left unanswered for 5 ticks: nothing happens to either inventory, and the refusal rate is 1', () => {
    const { sim, tracker } = consentPair();
    const refused = record(sim, 'consent_refused');
    tick(sim, tracker, { 0: INTERACT });
    for (let t = 2; t <= 5; t++) tick(sim, tracker);
    assert.equal(refused.length, 0, 'still open at tick 5');
    tick(sim, tracker);
    assert.deepEqual(refused, [{ tick: 6, requester: 0, target: 1 }]);
    tick(sim, tracker, { 1: INTERACT }); // too late: an ordinary beam, aimed north at nobody
    assert.equal(matrixOf(sim)?.counters.interactions, 0);
    assert.deepEqual(inventory(sim, 0), [3, 1]);
    assert.deepEqual(inventory(sim, 1), [1, 3]);
    assert.ok(onMap(sim, 0) && onMap(sim, 1));
    assert.equal(tracker.snapshot.consent_refusal_rate, 1);
  });

  it('reports refused / answered requests: one accepted and one refused make 0.5', () => {
    const { sim, tracker } = consentPair();
    tick(sim, tracker, { 0: INTERACT }); // request 1 at tick 1, refused at tick 6
    for (let t = 2; t <= 6; t++) tick(sim, tracker);
    tick(sim, tracker, { 0: INTERACT }); // request 2 at tick 7
    tick(sim, tracker, { 1: INTERACT }); // accepted at tick 8
    assert.deepEqual([matrixOf(sim)?.counters.consentRequests, matrixOf(sim)?.counters.consentAccepted, matrixOf(sim)?.counters.consentRefused], [2, 1, 1]);
    assert.equal(tracker.snapshot.consent_refusal_rate, 0.5);
  });

  it('never_accept bots refuse every request over an episode (refusal rate 1); always_accept bots accept them', () => {
    for (const [bot, wantRate] of [['cooperator__never_accept', 1], ['cooperator', 0]] as const) {
      const env = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__consent', seed: 5 });
      env.reset();
      env.sim.bots[0] = createBot(bot, env.sim);
      env.sim.bots[1] = createBot(bot, env.sim);
      let refusedRate: number | null = null;
      while (env.tick < 1500) {
        env.step();
        if (env.metrics?.snapshot.consent_refusal_rate != null) refusedRate = env.metrics.snapshot.consent_refusal_rate;
      }
      const st = matrixOf(env.sim);
      assert.ok(st && st.counters.consentRequests > 0, `${bot}: requests were made`);
      if (wantRate === 1) assert.equal(st?.counters.consentAccepted, 0, `${bot} never accepts`);
      else assert.ok((st?.counters.consentAccepted ?? 0) > 0, `${bot} accepts`);
      assert.equal(refusedRate, wantRate);
    }
  });
});

describe('matrix bots', () => {
  /** Interaction events of an episode of `substrate` with `bots` in slots 0 and 1, for `steps` ticks. */
  function play(substrate: string, bots: [string, string], steps: number, seed = 3): SimEvents['interaction'][] {
    const env = new Environment({ substrate, seed, metrics: false, monitor: false });
    env.reset();
    env.sim.bots[0] = createBot(bots[0], env.sim);
    env.sim.bots[1] = createBot(bots[1], env.sim);
    const out: SimEvents['interaction'][] = [];
    env.sim.world.events.subscribe('interaction', (b) => out.push(...b));
    while (env.tick < steps) env.step();
    return out;
  }
  const choiceOf = (e: SimEvents['interaction'], slot: number): string | null => (e.row === slot ? e.rowChoice : e.colChoice);

  it('cooperator and defector collect their class with a margin of 5, then find each other and interact', () => {
    const events = play('prisoners_dilemma_in_the_matrix__repeated', ['cooperator', 'defector'], 1500);
    assert.ok(events.length >= 5, `${events.length} interactions`);
    for (const e of events) {
      assert.equal(choiceOf(e, 0), 'cooperate');
      assert.equal(choiceOf(e, 1), 'defect');
    }
  });

  it('tit_for_tat cooperates first, then plays what a defector played', () => {
    const events = play('prisoners_dilemma_in_the_matrix__repeated', ['tit_for_tat', 'defector'], 1500);
    assert.ok(events.length >= 3, `${events.length} interactions`);
    assert.equal(choiceOf(events[0], 0), 'cooperate');
    for (const e of events.slice(1)) assert.equal(choiceOf(e, 0), 'defect');
  });

  it('tit_for_tat keeps cooperating with a cooperator', () => {
    const events = play('prisoners_dilemma_in_the_matrix__repeated', ['tit_for_tat', 'cooperator'], 1500);
    assert.ok(events.length >= 3);
    for (const e of events) assert.equal(choiceOf(e, 0), 'cooperate');
  });

  it('grim_trigger cooperates until the first defection, then defects for the rest of the episode', () => {
    const events = play('prisoners_dilemma_in_the_matrix__repeated', ['grim_trigger', 'defector'], 1500);
    assert.ok(events.length >= 3);
    assert.equal(choiceOf(events[0], 0), 'cooperate');
    for (const e of events.slice(1)) assert.equal(choiceOf(e, 0), 'defect');
  });

  it('the arena scenario fills seven background slots with cooperators who interact with each other', () => {
    const env = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__arena', scenario: 'prisoners_dilemma_in_the_matrix__arena_0', seed: 2, focalPolicy: 'defector' });
    env.reset();
    assert.equal(env.labels[0], 'defector');
    const cooperators = ['prisoners_dilemma_in_the_matrix__arena__puppet_cooperator_0', 'prisoners_dilemma_in_the_matrix__arena__puppet_cooperator_margin_0'];
    for (const l of env.labels.slice(1)) assert.ok(cooperators.includes(l), l);
    while (env.tick < 800) env.step();
    assert.ok((matrixOf(env.sim)?.counters.interactions ?? 0) >= 5, `${matrixOf(env.sim)?.counters.interactions} interactions`);
  });
});

describe('matrix observations', () => {
  it('renders the 5 × 5 view as 40 × 40 RGB: resources in their class colours, Self and Other, black floor', () => {
    const sim = tinySim(matrixSpec(['WWWWWWW', 'W 12  W', 'W     W', 'W     W', 'WPPPPPW', 'WWWWWWW']));
    placeAll(sim, [[0, 2, 3, Dir.N], [1, 1, 2, Dir.N]]);
    assert.deepEqual(rgbShape(sim), [40, 40, 3]);
    const rgb = new Uint8Array(40 * 40 * 3);
    renderRgb(sim, 0, rgb);
    /** Colour of pixel (u, v) of the tile in window row `r`, column `c` (the observer sits at row 3, column 2). */
    const px = (r: number, c: number, u: number, v: number): number[] => {
      const i = ((r * 8 + v) * 40 + c * 8 + u) * 3;
      return Array.from(rgb.subarray(i, i + 3));
    };
    // Resources are Melting Pot's BUTTON (meltingpot/utils/substrates/shapes.py:1001-1018) at 8 px: a rim in the
    // class colour around a lighter centre.
    assert.deepEqual(px(1, 2, 1, 1), [...RESOURCE1_COLOR], 'class 1 two cells ahead');
    assert.deepEqual(px(1, 3, 1, 1), [...RESOURCE2_COLOR], 'class 2 ahead and to the right');
    assert.deepEqual(px(3, 2, 3, 4), [...SELF_COLOR], 'the observer');
    assert.deepEqual(px(2, 1, 3, 4), [...OTHER_COLOR], 'the other player');
    assert.deepEqual(px(2, 3, 3, 3), [0, 0, 0], 'empty floor');
  });

  it('reads INVENTORY as K float64 values that follow collection and reset', () => {
    const sim = pair([3, 1], [1, 3]);
    assert.deepEqual(inventory(sim, 0), [3, 1]);
    step(sim, { 0: 'INTERACT' });
    stepN(sim, 17);
    assert.deepEqual(inventory(sim, 0), [1, 1]);
    assert.deepEqual(inventory(sim, 1), [1, 1]);
  });
});

describe('matrix substrates: data', () => {
  it('validation rejects matrices that are not K × K, rates outside [0, 1], and resource classes beyond K', () => {
    const bad: SubstrateSpec = {
      ...pdRepeated,
      legend: { ...pdRepeated.legend, '1': ['floor', 'resource:3'] },
      matrix: { ...PD, rowMatrix: [[3, 0, 1], [5, 1, 1]], columnMatrix: [[3, 5]], regeneration: { delay: 10, rate: 1.5 } },
    };
    const problems = substrateProblems(bad).join('\n');
    assert.match(problems, /matrix\.rowMatrix must be 2 × 2/);
    assert.match(problems, /matrix\.columnMatrix must be 2 × 2/);
    assert.match(problems, /matrix\.regeneration\.rate must be a probability in \[0, 1\], got 1\.5/);
    assert.match(problems, /places resource class 3, but the matrix has 2 classes/);
    for (const name of MATRIX_SUBSTRATES) assert.deepEqual(substrateProblems(getSubstrate(name)), [], name);
  });

  it('stag hunt and chicken load from data alone, with their matrices, classes and episode caps', () => {
    const stag = getSubstrate('stag_hunt_in_the_matrix__repeated');
    assert.deepEqual(stag.matrix?.rowMatrix, [[4, 0], [2, 2]]);
    assert.deepEqual(stag.matrix?.columnMatrix, [[4, 2], [0, 2]]);
    assert.deepEqual(stag.matrix?.resources.map((r) => r.name), ['stag', 'hare']);
    assert.equal(stag.episode.maxSteps, 2500, 'stag_hunt_in_the_matrix__repeated.py: maxEpisodeLengthFrames=2500');
    const chicken = getSubstrate('chicken_in_the_matrix__repeated');
    assert.deepEqual(chicken.matrix?.rowMatrix, [[3, 2], [5, 0]]);
    assert.deepEqual(chicken.matrix?.columnMatrix, [[3, 5], [2, 0]]);
    assert.deepEqual(chicken.matrix?.resources.map((r) => r.name), ['dove', 'hawk']);
    assert.equal(chicken.episode.maxSteps, 5000);
    for (const s of [stag, chicken]) {
      assert.equal(s.episode.probability, 0.1);
      assert.equal(s.matrix?.interaction.freezeTicks, 16);
      assert.equal(s.matrix?.interaction.framesTillRespawn, 5);
    }
    // Chicken: a hawk facing a dove gets 5, the dove 2.
    const out = new Float64Array(2);
    interactionPayoffs(chicken.matrix as MatrixSpec, [0, 3], 0, [3, 0], 0, out);
    assert.deepEqual(Array.from(out), [5, 2]);
    // The stag hunt's own map differs from the PD one (more hare); chicken uses the PD map.
    assert.notDeepEqual(stag.map, pdRepeated.map);
    assert.deepEqual(chicken.map, pdRepeated.map);
  });

  it('a stag hunt between two stag hunters pays 4 each through the sim', () => {
    const sim = pair([4, 1], [4, 1], { base: getSubstrate('stag_hunt_in_the_matrix__repeated') });
    step(sim, { 0: 'INTERACT' });
    const r = stepN(sim, 17).at(-1) as Float64Array;
    // r = c = (.8, .2): .64·4 + .16·0 + .16·2 + .04·2 = 2.96 each.
    assert.ok(Math.abs(r[0] - 2.96) < 1e-12 && Math.abs(r[1] - 2.96) < 1e-12, `${Array.from(r)}`);
  });

  for (const name of MATRIX_SUBSTRATES) {
    it(`${name}: --print-map prints the map exactly`, () => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'server/episode.ts', '--substrate', name, '--print-map'], { encoding: 'utf8' });
      assert.equal(out, getSubstrate(name).map.join('\n') + '\n');
    });
  }

  it('the repeated map is 15 × 23 with 13 spawn points; the 5 × 5 view is 40 × 40 RGB', () => {
    const s = getSubstrate('prisoners_dilemma_in_the_matrix__repeated');
    assert.equal(s.map.length, 15);
    for (const row of s.map) assert.equal(row.length, 23);
    assert.equal(s.map.join('').split('n').length - 1, 13);
    const v = s.observation.view;
    assert.deepEqual([(v.forward + v.backward + 1) * 8, (v.left + v.right + 1) * 8], [40, 40]);
  });

  it('the arena map is 24 × 25 with W 120, P 64, "1" 13, "2" 13, "a" 10, for 8 players with an 11 × 11 view', () => {
    const s = getSubstrate('prisoners_dilemma_in_the_matrix__arena');
    assert.equal(s.map.length, 24);
    for (const row of s.map) assert.equal(row.length, 25);
    const n: Record<string, number> = {};
    for (const ch of s.map.join('')) n[ch] = (n[ch] ?? 0) + 1;
    assert.deepEqual([n.W, n.P, n['1'], n['2'], n.a], [120, 64, 13, 13, 10]);
    assert.equal(s.population.players, 8);
    assert.deepEqual(s.observation.view, { left: 5, right: 5, forward: 9, backward: 1 });
    assert.equal(s.matrix?.regeneration.rate, 0.04);
    assert.equal(s.matrix?.interaction.framesTillRespawn, 50);
    assert.equal(s.episode.probability, 0.15);
    const sim = createSim(s, { seed: 1 });
    resetSim(sim);
    assert.equal(matrixOf(sim)?.count, 36);
    assert.equal(matrixOf(sim)?.liveCount, 36, 'every resource starts live');
  });

  it('draws each "a" cell\'s class anew every episode, with the episode\'s generator', () => {
    const s = getSubstrate('prisoners_dilemma_in_the_matrix__repeated');
    const patterns = (seed: number): string[] => {
      const sim = createSim(s, { seed });
      const out: string[] = [];
      for (let e = 0; e < 6; e++) {
        resetSim(sim);
        let p = '';
        s.map.forEach((row, y) => [...row].forEach((ch, x) => {
          if (ch === 'a') p += String(resourceAt(sim, x, y)?.cls);
        }));
        out.push(p);
      }
      return out;
    };
    const a = patterns(11);
    assert.equal(a[0].length, 12);
    assert.ok(new Set(a).size > 1, 'the draw changes between episodes');
    assert.ok(a.join('').includes('1') && a.join('').includes('2'));
    assert.deepEqual(patterns(11), a, 'and replays with the seed');
    // Fixed cells keep their class.
    const sim = createSim(s, { seed: 11 });
    resetSim(sim);
    assert.equal(resourceAt(sim, 7, 3)?.cls, 1);
    assert.equal(resourceAt(sim, 15, 3)?.cls, 2);
  });

  it('the scenarios pair one focal player with background cooperators / defectors', () => {
    for (const [game, c, d] of [['prisoners_dilemma', 'cooperator', 'defector'], ['stag_hunt', 'stag', 'hare'], ['chicken', 'dove', 'hawk']]) {
      const sub = `${game}_in_the_matrix__repeated`;
      const sc = getScenario(`${sub}_0`);
      assert.deepEqual(sc.isFocal, [true, false]);
      const bots = [c, d].flatMap((b) => [0, 1].map((i) => `${sub}__puppet_${b}_margin_${i}`)).sort();
      assert.deepEqual([...sc.bots].sort(), bots);
    }
    assert.deepEqual(getScenario('prisoners_dilemma_in_the_matrix__arena_0').isFocal, [true, false, false, false, false, false, false, false]);
  });

  it('reports the matrix figures in the episode summary', () => {
    const env = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__repeated', scenario: 'prisoners_dilemma_in_the_matrix__repeated_0', seed: 4, focalPolicy: 'cooperator' });
    env.reset();
    while (env.tick < 600) env.step();
    const m = env.summary().matrix;
    assert.ok(m && m.resources_collected > 0 && m.interactions > 0, JSON.stringify(m));
  });
});
