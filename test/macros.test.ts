import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { Environment } from '../systems/environment.js';
import { MacroRunner, parseMacro, type Macro, type MacroEnd } from '../systems/macros.js';
import type { Sim } from '../systems/sim.js';
import { Dir, onMap, place, pos, step, tinySim, tinySpec } from './helpers/tinyWorld.js';

// A wall splits the room: from (1, 4) to (5, 4) the shortest route goes round the wall's end at row 1 (12 steps).
const MAP = [
  'WWWWWWWWW',
  'W       W',
  'W   W   W',
  'W   W   W',
  'WP  W P W',
  'W   W   W',
  'WWWWWWWWW',
];

function macro(sim: Sim, raw: unknown, slot = 0): Macro {
  const m = parseMacro(raw, sim, slot);
  if (m instanceof CrucibleError) throw m;
  return m;
}

/** Run `m` for slot 0 (others NOOP) until it ends; the end and the ticks it took. */
function run(sim: Sim, m: Macro, max = 200): { end: MacroEnd; ticks: number } {
  const r = new MacroRunner(sim, 0);
  r.start(m);
  for (let t = 0; t < max; t++) {
    const a = r.next();
    if (typeof a !== 'number') return { end: a, ticks: t };
    step(sim, { 0: a });
  }
  assert.fail(`macro ${m.macro} did not end in ${max} ticks`);
}

describe('macros', () => {
  it('rejects every malformed macro with INVALID_MACRO and the reason', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    const cases: [unknown, string][] = [
      [null, 'not_an_object'],
      ['move_to', 'not_an_object'],
      [[1, 2], 'not_an_object'],
      [{}, 'unknown_macro'],
      [{ macro: 'fly' }, 'unknown_macro'],
      [{ macro: 'move_to', x: 1 }, 'missing_argument'],
      [{ macro: 'move_to', x: 1, y: 1, z: 0 }, 'unknown_argument'],
      [{ macro: 'move_to', x: 1.5, y: 1 }, 'bad_argument'],
      [{ macro: 'move_to', x: '1', y: 1 }, 'bad_argument'],
      [{ macro: 'move_to', x: 99, y: 1 }, 'out_of_map'],
      [{ macro: 'move_to', x: 4, y: 2 }, 'out_of_map'],
      [{ macro: 'zap' }, 'missing_argument'],
      [{ macro: 'zap', target: 'player_0' }, 'unknown_target'],
      [{ macro: 'zap', target: 'player_9' }, 'unknown_target'],
      [{ macro: 'stay', ticks: 0 }, 'bad_argument'],
      [{ macro: 'stay', ticks: 100000 }, 'bad_argument'],
      [{ macro: 'action', action: 99 }, 'bad_argument'],
      [{ macro: 'action', action: 'JUMP' }, 'bad_argument'],
      [{ macro: 'clean_nearest' }, 'not_in_substrate'],
      [{ macro: 'collect', resource: 'red' }, 'not_in_substrate'],
      [{ macro: 'accept' }, 'not_in_substrate'],
      [{ macro: 'harvest_nearest', extra: 1 }, 'unknown_argument'],
    ];
    for (const [raw, reason] of cases) {
      const r = parseMacro(raw, sim, 0);
      assert.ok(r instanceof CrucibleError, `${JSON.stringify(raw)} was accepted`);
      assert.equal(r.code, 'INVALID_MACRO', JSON.stringify(raw));
      assert.equal(r.details?.reason, reason, `${JSON.stringify(raw)}: ${r.message}`);
    }
    const matrix = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__repeated', seed: 1, focalPolicy: null, metrics: false, monitor: false });
    const bad = parseMacro({ macro: 'collect', resource: 'gold' }, matrix.sim, 0);
    assert.ok(bad instanceof CrucibleError && bad.details?.reason === 'unknown_resource', 'an unknown resource name');
    assert.ok(!(parseMacro({ macro: 'collect', resource: matrix.spec.matrix!.resources[0].name }, matrix.sim, 0) instanceof CrucibleError));
    assert.equal((parseMacro({ macro: 'accept' }, matrix.sim, 0) as CrucibleError).details?.reason, 'not_in_substrate', 'no consent in the repeated variant');
    const consent = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__consent', seed: 1, focalPolicy: null, metrics: false, monitor: false });
    for (const ok of [{ macro: 'accept' }, { macro: 'refuse' }, { macro: 'interact', target: 'player_1' }]) {
      assert.ok(!(parseMacro(ok, consent.sim, 0) instanceof CrucibleError), JSON.stringify(ok));
    }
    assert.equal((parseMacro({ macro: 'zap', target: 'player_1' }, consent.sim, 0) as CrucibleError).details?.reason, 'not_in_substrate', 'the matrix games have no zapper');
  });

  it('accepts each well-formed macro as a frozen value with its arguments (ticks default to 10, an action name becomes its index)', () => {
    const sim = tinySim(tinySpec(['WWWWWWWWW', 'W A     W', ...MAP.slice(2)], { players: 2 }));
    const names = sim.spec.actions.map((a) => a.name);
    const accepted: [unknown, Macro][] = [
      [{ macro: 'move_to', x: 1, y: 1 }, { macro: 'move_to', x: 1, y: 1 }],
      [{ macro: 'move_to', x: 7, y: 5 }, { macro: 'move_to', x: 7, y: 5 }],
      [{ macro: 'harvest_nearest' }, { macro: 'harvest_nearest' }],
      [{ macro: 'zap', target: 'player_1' }, { macro: 'zap', target: 'player_1' }],
      [{ macro: 'explore' }, { macro: 'explore', ticks: 10 }],
      // "ticks" is optional for stay as for explore (README, the macro table: default 10).
      [{ macro: 'stay' }, { macro: 'stay', ticks: 10 }],
      [{ macro: 'stay', ticks: 1 }, { macro: 'stay', ticks: 1 }],
      [{ macro: 'stay', ticks: 1000 }, { macro: 'stay', ticks: 1000 }],
      [{ macro: 'action', action: 'TURN_RIGHT' }, { macro: 'action', action: names.indexOf('TURN_RIGHT') }],
      [{ macro: 'action', action: 0 }, { macro: 'action', action: 0 }],
      [{ macro: 'action', action: names.length - 1 }, { macro: 'action', action: names.length - 1 }],
    ];
    for (const [raw, want] of accepted) {
      const got = parseMacro(raw, sim, 0);
      assert.deepEqual(got, want, JSON.stringify(raw));
      assert.ok(Object.isFrozen(got), `${JSON.stringify(raw)} is frozen`);
    }
    assert.ok(names.indexOf('TURN_RIGHT') > 0, 'an index other than 0');
  });

  it('says what is wrong and what is allowed in each refusal', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    const names = sim.spec.actions.map((a) => a.name);
    const refuse = (raw: unknown, slot = 0): CrucibleError => {
      const r = parseMacro(raw, sim, slot);
      assert.ok(r instanceof CrucibleError, `${typeof raw === 'bigint' ? raw : JSON.stringify(raw)} was accepted`);
      return r;
    };
    assert.equal(refuse(5).message, 'a macro must be a JSON object such as {"macro": "move_to", "x": 3, "y": 4}, got 5');
    assert.equal(refuse(10n).message, 'a macro must be a JSON object such as {"macro": "move_to", "x": 3, "y": 4}, got bigint', 'a value JSON cannot write is named by its type');
    assert.equal(refuse(undefined).message, 'a macro must be a JSON object such as {"macro": "move_to", "x": 3, "y": 4}, got undefined');
    const unknown = refuse({ macro: 'fly' });
    assert.equal(unknown.message, `"macro" must be one of move_to, harvest_nearest, zap, clean_nearest, collect, interact, explore, stay, accept, refuse, action, got "fly"`);
    assert.deepEqual(unknown.details?.allowed, ['move_to', 'harvest_nearest', 'zap', 'clean_nearest', 'collect', 'interact', 'explore', 'stay', 'accept', 'refuse', 'action']);
    assert.equal(refuse({ macro: 'x'.repeat(100) }).message, `"macro" must be one of move_to, harvest_nearest, zap, clean_nearest, collect, interact, explore, stay, accept, refuse, action, got "${'x'.repeat(39)}`, 'a long name is cut to 40 characters');
    const extra = refuse({ macro: 'move_to', x: 1, y: 1, z: 0 });
    assert.equal(extra.message, 'move_to takes x, y, not "z"');
    assert.deepEqual(extra.details, { reason: 'unknown_argument', allowed: ['x', 'y'] });
    assert.equal(refuse({ macro: 'harvest_nearest', x: 1 }).message, 'harvest_nearest takes no arguments, not "x"');
    const missing = refuse({ macro: 'move_to', y: 1 });
    assert.equal(missing.message, 'move_to needs "x"');
    assert.deepEqual(missing.details, { reason: 'missing_argument', allowed: ['x', 'y'] });
    assert.equal(refuse({ macro: 'move_to', x: 1, y: 0.5 }).message, 'move_to needs integer x and y, got {"x":1,"y":0.5}');
    for (const [x, y] of [[-1, 1], [1, -1], [9, 1], [1, 7]]) {
      const off = refuse({ macro: 'move_to', x, y });
      assert.equal(off.message, `(${x}, ${y}) is off the map: x from 0 to 8, y from 0 to 6`);
      assert.deepEqual(off.details, { reason: 'out_of_map', width: 9, height: 7 });
    }
    assert.equal(refuse({ macro: 'move_to', x: 0, y: 0 }).message, '(0, 0) is a wall');
    assert.equal(refuse({ macro: 'move_to', x: 8, y: 6 }).message, '(8, 6) is a wall', 'the far corner is on the map');
    const self = refuse({ macro: 'zap', target: 'player_1' }, 1);
    assert.equal(self.message, 'zap needs "target", another player\'s id (player_0, ...), got "player_1"');
    assert.deepEqual(self.details, { reason: 'unknown_target', allowed: ['player_0'] });
    for (const ticks of [0, 1001, 2.5, '3']) assert.equal(refuse({ macro: 'explore', ticks }).message, `explore "ticks" must be an integer from 1 to 1000, got ${JSON.stringify(ticks)}`);
    for (const action of [-1, names.length, 1.5, 'jump']) {
      const a = refuse({ macro: 'action', action });
      assert.equal(a.message, `action must be an index from 0 to ${names.length - 1} or one of ${names.join(', ')}, got ${JSON.stringify(action)}`);
      assert.deepEqual(a.details, { reason: 'bad_argument', allowed: names });
    }
    assert.equal(refuse({ macro: 'clean_nearest' }).message, 'clean_nearest is not available in tiny: there is no cleaning beam');
    assert.equal(refuse({ macro: 'interact', target: 'player_1' }).message, 'interact is not available in tiny: there are no resources or interactions (not a matrix game)');
    assert.equal(refuse({ macro: 'refuse' }).message, 'refuse is not available in tiny: interactions need no consent (not the consent variant)');
    const bare = tinySim(tinySpec(['WWWW', 'WP W', 'WWWW']));
    assert.equal((parseMacro({ macro: 'harvest_nearest' }, bare, 0) as CrucibleError).message, 'harvest_nearest is not available in tiny: there are no apples');
    const matrix = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__repeated', seed: 1, focalPolicy: null, metrics: false, monitor: false });
    assert.equal((parseMacro({ macro: 'zap', target: 'player_1' }, matrix.sim, 0) as CrucibleError).message, 'zap is not available in prisoners_dilemma_in_the_matrix__repeated: there is no zapping beam');
    const gold = parseMacro({ macro: 'collect', resource: 'gold' }, matrix.sim, 0) as CrucibleError;
    assert.equal(gold.message, 'collect needs "resource", one of cooperate, defect, got "gold"');
    assert.deepEqual(gold.details, { reason: 'unknown_resource', allowed: ['cooperate', 'defect'] });
    assert.deepEqual(parseMacro({ macro: 'collect', resource: 'defect' }, matrix.sim, 0), { macro: 'collect', resource: 'defect' });
    const consent = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__consent', seed: 1, focalPolicy: null, metrics: false, monitor: false });
    assert.deepEqual(parseMacro({ macro: 'interact', target: 'player_1' }, consent.sim, 0), { macro: 'interact', target: 'player_1' });
    assert.equal((parseMacro({ macro: 'interact', target: 'player_0' }, consent.sim, 0) as CrucibleError).details?.reason, 'unknown_target', 'not oneself');
    // Seven players: the message names the first three others, the details all six.
    const commons = new Environment({ substrate: 'commons_harvest__open', seed: 1, focalPolicy: null, metrics: false, monitor: false });
    const crowd = parseMacro({ macro: 'zap', target: 'player_9' }, commons.sim, 2) as CrucibleError;
    assert.equal(crowd.message, 'zap needs "target", another player\'s id (player_0, player_1, player_3, ...), got "player_9"');
    assert.deepEqual(crowd.details?.allowed, ['player_0', 'player_1', 'player_3', 'player_4', 'player_5', 'player_6']);
  });

  it('move_to follows a shortest route round a wall, one step a tick, and ends done at the cell', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    place(sim, 0, 1, 4, Dir.N);
    place(sim, 1, 7, 5, Dir.N);
    const { end, ticks } = run(sim, macro(sim, { macro: 'move_to', x: 5, y: 4 }));
    assert.deepEqual(pos(sim, 0), [5, 4]);
    assert.equal(end.status, 'done');
    assert.equal(ticks, 10, 'up 3 to row 1, right 4, down 3: 10 steps, strafing needs no turns');
  });

  it('move_to re-plans round a player standing in its way, and is impossible when the cell stays taken', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    place(sim, 0, 1, 4, Dir.N);
    place(sim, 1, 1, 2, Dir.N); // in the straight line up the left side
    const { end } = run(sim, macro(sim, { macro: 'move_to', x: 1, y: 1 }));
    assert.equal(end.status, 'done', 'walked round player_1');
    assert.deepEqual(pos(sim, 0), [1, 1]);
    const { end: blocked, ticks } = run(sim, macro(sim, { macro: 'move_to', x: 1, y: 2 }));
    assert.equal(blocked.status, 'impossible');
    assert.match(blocked.reason, /no free route/);
    assert.equal(ticks, 4, 'gave up on the fifth blocked tick');
  });

  it('harvest_nearest walks onto the nearest visible apple and ends done with the reward', () => {
    const sim = tinySim(tinySpec(['WWWWWWW', 'W  A  W', 'W     W', 'W P  PW', 'WWWWWWW'], { players: 2, regrowth: [0] }));
    place(sim, 0, 2, 3, Dir.N);
    const before = sim.returns[0];
    const { end } = run(sim, macro(sim, { macro: 'harvest_nearest' }));
    assert.equal(end.status, 'done');
    assert.match(end.reason, /took the apple at \(3, 1\)/);
    assert.equal(sim.returns[0] - before, 1);
    const { end: none } = run(sim, macro(sim, { macro: 'harvest_nearest' }));
    assert.deepEqual(none, { status: 'impossible', reason: 'no apple in view' });
  });

  it('zap lines up with a visible target, turns to face it and fires: the target is removed', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    place(sim, 0, 1, 4, Dir.N);
    place(sim, 1, 3, 1, Dir.S);
    const { end } = run(sim, macro(sim, { macro: 'zap', target: 'player_1' }));
    assert.equal(end.status, 'done');
    assert.equal(onMap(sim, 1), false, 'player_1 was zapped');
    const { end: gone } = run(sim, macro(sim, { macro: 'zap', target: 'player_1' }));
    assert.deepEqual(gone, { status: 'impossible', reason: 'player_1 is not in view' });
  });

  it('stay and the raw action run their ticks and end done', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    assert.deepEqual(run(sim, macro(sim, { macro: 'stay', ticks: 3 })), { end: { status: 'done', reason: 'stayed 3 ticks' }, ticks: 3 });
    place(sim, 0, 1, 4, Dir.N);
    assert.equal(run(sim, macro(sim, { macro: 'action', action: 'TURN_RIGHT' })).ticks, 1);
    assert.equal(sim.world.c.Orientation.dir[sim.avatars[0]], Dir.E);
  });
});
