/**
 * moveAvatars: turning, moves relative to facing, blocking. Melting Pot facts (Lab2D Avatar move updater and
 * `grid:moveRel`): the turn is applied before the move; TURN_RIGHT (+1) is clockwise N→E; moves are relative to
 * facing (FORWARD = move 1, STEP_RIGHT = 2, BACKWARD = 3, STEP_LEFT = 4); players resolve in a random order and a
 * move into a cell that holds something on the avatar layer at the time of the move fails, so the first mover wins
 * a contested cell.
 */
import { strict as assert } from 'node:assert';
import { MOVEMENT_ACTIONS } from '../substrates/shared.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { action, Dir, facing, onMap, place, placeAll, pos, step, tinySim, tinySpec } from './helpers/tinyWorld.js';

/** 5×5 open floor, spawn points on the bottom row. */
const OPEN_5 = ['     ', '     ', '     ', '     ', 'PPPPP'];

describe('moveAvatars: turning', () => {
  it('TURN_RIGHT turns clockwise N→E→S→W and four turns come back to N (Melting Pot fact: turn +1 = clockwise)', () => {
    const sim = tinySim(tinySpec(OPEN_5));
    place(sim, 0, 2, 2, Dir.N);
    const seen: Dir[] = [];
    for (let i = 0; i < 4; i++) {
      step(sim, { 0: 'TURN_RIGHT' });
      seen.push(facing(sim, 0));
    }
    assert.deepEqual(seen, [Dir.E, Dir.S, Dir.W, Dir.N]);
    assert.deepEqual(pos(sim, 0), [2, 2], 'turning does not move');
  });

  it('TURN_LEFT turns counter-clockwise N→W→S→E and four turns come back to N', () => {
    const sim = tinySim(tinySpec(OPEN_5));
    place(sim, 0, 2, 2, Dir.N);
    const seen: Dir[] = [];
    for (let i = 0; i < 4; i++) {
      step(sim, { 0: 'TURN_LEFT' });
      seen.push(facing(sim, 0));
    }
    assert.deepEqual(seen, [Dir.W, Dir.S, Dir.E, Dir.N]);
  });

  it('applies the turn before the move when one action does both (Melting Pot fact: turn before move)', () => {
    const actions = [...MOVEMENT_ACTIONS, { name: 'TURN_RIGHT_AND_FORWARD', move: 1, turn: 1 } as const];
    const sim = tinySim(tinySpec(OPEN_5, { extra: { actions } }));
    place(sim, 0, 2, 2, Dir.N);
    step(sim, { 0: 'TURN_RIGHT_AND_FORWARD' });
    assert.equal(facing(sim, 0), Dir.E);
    assert.deepEqual(pos(sim, 0), [3, 2], 'moved east, the new facing, not north');
  });
});

describe('moveAvatars: moves relative to facing', () => {
  // From (2, 2); y grows southwards. Written out by hand for every facing rather than derived.
  const EXPECTED: Record<string, Record<string, [number, number]>> = {
    N: { FORWARD: [2, 1], STEP_RIGHT: [3, 2], BACKWARD: [2, 3], STEP_LEFT: [1, 2] },
    E: { FORWARD: [3, 2], STEP_RIGHT: [2, 3], BACKWARD: [1, 2], STEP_LEFT: [2, 1] },
    S: { FORWARD: [2, 3], STEP_RIGHT: [1, 2], BACKWARD: [2, 1], STEP_LEFT: [3, 2] },
    W: { FORWARD: [1, 2], STEP_RIGHT: [2, 1], BACKWARD: [3, 2], STEP_LEFT: [2, 3] },
  };
  const DIRS: Record<string, Dir> = { N: Dir.N, E: Dir.E, S: Dir.S, W: Dir.W };

  for (const [d, moves] of Object.entries(EXPECTED)) {
    for (const [name, target] of Object.entries(moves)) {
      it(`facing ${d}, ${name} moves to (${target.join(', ')}) and keeps the facing`, () => {
        const sim = tinySim(tinySpec(OPEN_5));
        place(sim, 0, 2, 2, DIRS[d]);
        step(sim, { 0: name });
        assert.deepEqual(pos(sim, 0), target);
        assert.equal(facing(sim, 0), DIRS[d]);
      });
    }
  }

  it('maps the action table to Lab2D move codes: FORWARD 1, BACKWARD 3, STEP_LEFT 4, STEP_RIGHT 2 (Melting Pot fact)', () => {
    const spec = tinySpec(OPEN_5);
    const codes = ['FORWARD', 'BACKWARD', 'STEP_LEFT', 'STEP_RIGHT'].map((n) => spec.actions[action(spec, n)].move);
    assert.deepEqual(codes, [1, 3, 4, 2]);
  });
});

describe('moveAvatars: blocking', () => {
  it('does not move into a wall, and the facing is kept', () => {
    const sim = tinySim(tinySpec([' W ', '   ', 'PPP']));
    place(sim, 0, 1, 1, Dir.N);
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(pos(sim, 0), [1, 1]);
    assert.equal(facing(sim, 0), Dir.N);
  });

  it('does not move off the edge of a map without border walls', () => {
    const sim = tinySim(tinySpec(OPEN_5));
    for (const [x, y, dir] of [[0, 0, Dir.N], [0, 0, Dir.W], [4, 3, Dir.E], [2, 4, Dir.S]] as const) {
      place(sim, 0, x, y, dir);
      step(sim, { 0: 'FORWARD' });
      assert.deepEqual(pos(sim, 0), [x, y], `at (${x}, ${y}) facing ${dir}`);
    }
  });

  it('does not move into a cell held by an avatar that stays put', () => {
    const sim = tinySim(tinySpec(OPEN_5, { players: 2 }));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 2, 1, Dir.N]]);
    step(sim, { 0: 'FORWARD', 1: 'NOOP' });
    assert.deepEqual(pos(sim, 0), [2, 2]);
    assert.deepEqual(pos(sim, 1), [2, 1]);
  });

  it('gives a contested cell to exactly one of two movers, each winning under some seed (Melting Pot fact: first mover wins)', () => {
    const winners = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const sim = tinySim(tinySpec(OPEN_5, { players: 2 }), seed);
      placeAll(sim, [[0, 1, 2, Dir.E], [1, 3, 2, Dir.W]]);
      step(sim, { 0: 'FORWARD', 1: 'FORWARD' });
      const at = [pos(sim, 0), pos(sim, 1)];
      const inCentre = at.map(([x, y]) => x === 2 && y === 2);
      assert.equal(inCentre.filter(Boolean).length, 1, `seed ${seed}: one avatar in (2, 2), got ${JSON.stringify(at)}`);
      const loser = inCentre[0] ? 1 : 0;
      assert.deepEqual(at[loser], loser === 0 ? [1, 2] : [3, 2], `seed ${seed}: the loser stays where it was`);
      winners.add(inCentre[0] ? 0 : 1);
    }
    assert.deepEqual([...winners].sort(), [0, 1], 'the move order is random, so both players win sometimes');
  });

  it('lets a follower into a cell only if its leader moved out first (blocking is checked at the time of the move)', () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const sim = tinySim(tinySpec(OPEN_5, { players: 2 }), seed);
      placeAll(sim, [[0, 2, 3, Dir.N], [1, 2, 2, Dir.N]]);
      step(sim, { 0: 'FORWARD', 1: 'FORWARD' });
      assert.deepEqual(pos(sim, 1), [2, 1], `seed ${seed}: the leader always moves`);
      const follower = pos(sim, 0);
      assert.ok(follower[1] === 2 || follower[1] === 3, `seed ${seed}: follower at ${follower}`);
      outcomes.add(follower[1] === 2 ? 'followed' : 'blocked');
    }
    assert.deepEqual([...outcomes].sort(), ['blocked', 'followed']);
  });
});

describe('moveAvatars: players who may not act', () => {
  it('a frozen avatar neither turns nor moves until its freeze ends', () => {
    const sim = tinySim(tinySpec(OPEN_5));
    place(sim, 0, 2, 2, Dir.N);
    sim.world.c.Frozen.until[sim.avatars[0]] = 3; // may act again from tick 3
    step(sim, { 0: 'TURN_RIGHT' });
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(pos(sim, 0), [2, 2]);
    assert.equal(facing(sim, 0), Dir.N);
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(pos(sim, 0), [2, 1], 'moves again at tick 3');
  });

  it('a removed avatar neither turns nor moves and stays off the grid', () => {
    const sim = tinySim(tinySpec(OPEN_5));
    place(sim, 0, 2, 2, Dir.N);
    const eid = sim.avatars[0];
    sim.world.grid.remove(eid);
    sim.world.c.Removed.until[eid] = 1000;
    for (const a of ['TURN_RIGHT', 'FORWARD', 'STEP_LEFT']) step(sim, { 0: a });
    assert.equal(facing(sim, 0), Dir.N);
    assert.deepEqual(pos(sim, 0), [2, 2]);
    assert.equal(onMap(sim, 0), false);
    assert.equal(sim.world.grid.at(2, 2, Layer.Upper), 0, 'nothing reappeared on the avatar layer');
  });
});

describe('Environment.step: missing and invalid actions', () => {
  it('treats missing entries of a short action array, and out-of-range ones, as NOOP', () => {
    const env = new Environment({ substrate: 'commons_harvest__open', seed: 5 });
    env.reset();
    const { c } = env.sim.world;
    const before = Array.from(env.sim.avatars, (e) => [c.Position.x[e], c.Position.y[e], c.Orientation.dir[e]]);
    env.step([]);
    env.step([action(env.spec, 'TURN_RIGHT')]); // only slot 0 acts
    env.step([NaN, -1, 99, 1.5, action(env.spec, 'TURN_LEFT') + 0.5]);
    const after = Array.from(env.sim.avatars, (e) => [c.Position.x[e], c.Position.y[e], c.Orientation.dir[e]]);
    assert.deepEqual(after[0], [before[0][0], before[0][1], (before[0][2] + 1) % 4], 'slot 0 turned right once');
    for (let s = 1; s < env.players; s++) assert.deepEqual(after[s], before[s], `slot ${s} did nothing`);
  });
});
