/**
 * Every registered substrate, by name: one determinism test and one spec-conformance test each. A new substrate
 * added to substrates/registry.ts is covered without touching this file.
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../ecs/rng.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import type { SubstrateSpec } from '../substrates/types.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { botNames } from '../systems/policies/index.js';
import { assignBots } from '../systems/population.js';
import type { Sim } from '../systems/sim.js';
import { applesOf } from '../systems/apples/index.js';

const STEPS = 300;

/** Per step: every slot's reward and [x, y, facing, removed]. */
interface Frame {
  rewards: number[];
  avatars: number[][];
}

/**
 * An episode of `name` with `seed`: slots 0–3 take pseudo-random actions drawn from Rng(`actionSeed`), the others
 * run the substrate's own bots (drawn by the world's generator), so both input paths are covered.
 */
function trajectory(name: string, seed: number, actionSeed: number): Frame[] {
  const env = new Environment({ substrate: name, seed });
  env.reset();
  const sim = env.sim;
  assignBots(sim, { isFocal: Array.from({ length: sim.players }, (_, s) => s < 4), bots: env.spec.population.bots, focalPolicy: null });
  const rng = new Rng(actionSeed);
  const actions = new Int32Array(sim.players);
  const frames: Frame[] = [];
  const { c } = sim.world;
  for (let t = 0; t < STEPS; t++) {
    for (let s = 0; s < actions.length; s++) actions[s] = rng.int(env.spec.actions.length);
    env.step(actions);
    frames.push({
      rewards: Array.from(sim.rewards),
      avatars: Array.from(sim.avatars, (e) => [c.Position.x[e], c.Position.y[e], c.Orientation.dir[e], c.Removed.until[e] > 0 ? 1 : 0]),
    });
  }
  return frames;
}

/** Every apple entity on the live layer, counted cell by cell from the grid. */
function applesOnLiveLayer(sim: Sim): number {
  const { grid } = sim.world;
  let n = 0;
  for (let cell = 0; cell < sim.width * sim.height; cell++) {
    for (let e = grid.atCell(cell, Layer.Lower); e !== 0; e = grid.nextInCell(e)) if ((applesOf(sim)?.indexOf[e] ?? -1) >= 0) n++;
  }
  return n;
}

/** The invariants that hold after every step; returns the first violation, or null. */
function invariantViolation(sim: Sim): string | null {
  const { c, grid } = sim.world;
  const taken = new Map<number, number>();
  for (let s = 0; s < sim.players; s++) {
    const e = sim.avatars[s];
    if (c.Removed.until[e] > 0) {
      if (grid.has(e)) return `slot ${s} is removed but still on the grid`;
      continue;
    }
    const x = c.Position.x[e], y = c.Position.y[e];
    if (!grid.inBounds(x, y)) return `slot ${s} is at (${x}, ${y}), off the map`;
    const cell = grid.cellIndex(x, y);
    if (grid.cellOfEntity(e) !== cell || grid.layerOfEntity(e) !== Layer.Upper) return `slot ${s}: grid and Position disagree`;
    if (grid.atCell(cell, Layer.Upper) !== e || grid.nextInCell(e) !== 0) return `slot ${s} shares the avatar layer at (${x}, ${y})`;
    if (sim.walls[cell] === 1) return `slot ${s} stands in a wall at (${x}, ${y})`;
    if (taken.has(cell)) return `slots ${taken.get(cell)} and ${s} are both at (${x}, ${y})`;
    taken.set(cell, s);
  }
  const live = applesOnLiveLayer(sim);
  const liveCount = applesOf(sim)?.liveCount ?? 0;
  if (live !== liveCount) return `apples.liveCount ${liveCount} but ${live} apples on the live layer`;
  const sum = sim.rewards.reduce((a, b) => a + b, 0);
  if (sum !== sim.collectiveReward) return `collective reward ${sim.collectiveReward} is not the sum of rewards ${sum}`;
  return null;
}

/** Colour names a substrate's palette must hold: the background tiles its legend uses, and its objects. */
function requiredPaletteKeys(spec: SubstrateSpec): string[] {
  const keys = new Set<string>(['outOfBounds']);
  for (const prefabs of Object.values(spec.legend)) {
    for (const p of prefabs) {
      if (['floor', 'grass', 'sand', 'river', 'wall'].includes(p)) keys.add(p);
      if (p === 'apple' || p === 'potentialApple') keys.add('apple');
    }
  }
  if (spec.regrowth) keys.add('dessicated');
  return [...keys].sort();
}

describe('every registered substrate', () => {
  it('registers at least the three Commons Harvest variants', () => {
    for (const n of ['commons_harvest__closed', 'commons_harvest__open', 'commons_harvest__partnership']) assert.ok(substrateNames().includes(n), n);
  });

  for (const name of substrateNames()) {
    describe(name, () => {
      it(`is deterministic: the same seed and actions replay step for step for ${STEPS} steps; another seed differs`, () => {
        const a = trajectory(name, 42, 7);
        const b = trajectory(name, 42, 7);
        for (let t = 0; t < STEPS; t++) {
          assert.deepEqual(b[t].rewards, a[t].rewards, `${name}: rewards differ at step ${t + 1}`);
          assert.deepEqual(b[t].avatars, a[t].avatars, `${name}: avatars differ at step ${t + 1}`);
        }
        const other = trajectory(name, 43, 7);
        const firstDiff = other.findIndex((f, t) => JSON.stringify(f) !== JSON.stringify(a[t]));
        assert.ok(firstDiff >= 0, `${name}: seeds 42 and 43 gave the same ${STEPS} steps`);
      });

      it('conforms to the substrate spec: action table, map, observation view, bots, and invariants over an episode', () => {
        const spec = getSubstrate(name);
        // Action table: Melting Pot's movement prefix, in order.
        const prefix = spec.actions.slice(0, 7).map((x) => [x.name, x.move, x.turn, x.fire ?? null]);
        assert.deepEqual(prefix, [
          ['NOOP', 0, 0, null],
          ['FORWARD', 1, 0, null],
          ['BACKWARD', 3, 0, null],
          ['STEP_LEFT', 4, 0, null],
          ['STEP_RIGHT', 2, 0, null],
          ['TURN_LEFT', 0, -1, null],
          ['TURN_RIGHT', 0, 1, null],
        ]);
        // Map: rectangular, every character in the legend.
        assert.ok(spec.map.length > 0);
        for (const [y, row] of spec.map.entries()) {
          assert.equal(row.length, spec.map[0].length, `row ${y} length`);
          for (const ch of row) assert.ok(ch in spec.legend, `row ${y}: "${ch}" not in the legend`);
        }
        // Observation: a square egocentric window of whole cells, RGB first, READY_TO_SHOOT iff there is a beam,
        // COLLECTIVE_REWARD for everyone (Melting Pot's CollectiveRewardWrapper), colours for everything drawn.
        const o = spec.observation;
        const v = o.view;
        for (const k of ['left', 'right', 'forward', 'backward'] as const) assert.ok(Number.isInteger(v[k]) && v[k] >= 0, `view.${k}`);
        assert.equal(v.left + v.right + 1, v.forward + v.backward + 1, 'the window is square');
        assert.ok(Number.isInteger(o.spriteSize) && o.spriteSize > 0);
        assert.equal(o.names[0], 'RGB');
        assert.equal(o.names.includes('READY_TO_SHOOT'), spec.actions.some((x) => x.fire !== undefined));
        assert.ok(o.names.includes('COLLECTIVE_REWARD'));
        for (const k of requiredPaletteKeys(spec)) assert.ok(k in o.palette, `palette has "${k}"`);
        for (const rgb of [...Object.values(o.palette), o.selfColor, ...o.playerColors]) {
          assert.equal(rgb.length, 3);
          for (const ch of rgb) assert.ok(Number.isInteger(ch) && ch >= 0 && ch <= 255, `colour ${rgb}`);
        }
        // Bots: every default bot exists.
        for (const bot of spec.population.bots) assert.ok(botNames().includes(bot), `bot "${bot}" is registered`);
        // An episode with random and default bots in every slot keeps the invariants.
        const env = new Environment({ substrate: name, seed: 9 });
        env.reset();
        const sim = env.sim;
        assignBots(sim, { isFocal: new Array<boolean>(sim.players).fill(false), bots: ['random', ...spec.population.bots], focalPolicy: null });
        const applesAtStart = applesOf(sim)?.liveCount ?? 0;
        let returns = 0;
        for (let t = 1; t <= 400; t++) {
          env.step();
          const bad = invariantViolation(sim);
          assert.equal(bad, null, `${name}, step ${t}: ${bad}`);
          returns += sim.collectiveReward;
        }
        // Within rounding: the matrix games pay fractional rewards, and the two sums add them in different orders.
        const total = sim.returns.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - returns) <= 1e-9 * Math.max(1, Math.abs(returns)), `returns ${total} are the sum of the step rewards ${returns}`);
        if (spec.eating && applesAtStart > 0) assert.ok(sim.counters.applesEaten > 0, 'the episode exercised eating');
        if (spec.zapper) assert.ok(sim.counters.zapsFired > 0, 'the episode exercised zapping');
      });
    });
  }
});
