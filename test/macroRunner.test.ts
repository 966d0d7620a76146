import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { Environment } from '../systems/environment.js';
import { MacroRunner, MAX_MACRO_TICKS, parseMacro, type Macro, type MacroEnd } from '../systems/macros.js';
import type { Sim } from '../systems/sim.js';
import { seenObjects } from '../systems/textObservations.js';
import { cleanUpOf } from '../systems/cleanUp/index.js';
import { Layer } from '../systems/layers.js';
import { matrixOf } from '../systems/matrix/matrixState.js';
import { action, Dir, facing, onMap, place, placeAll, pos, step, tinySim, tinySpec, type TinyOptions } from './helpers/tinyWorld.js';

/**
 * The macro runner (`MacroRunner`: what each macro does tick by tick, how it ends) beside test/macros.test.ts, which
 * checks the parser and one walk-through of each kind. Expected actions are worked out by hand from the rule each
 * macro states in systems/macros.ts.
 */

function macro(sim: Sim, raw: unknown, slot = 0): Macro {
  const m = parseMacro(raw, sim, slot);
  if (m instanceof CrucibleError) throw m;
  return m;
}

/** Drive `r` (slot 0; the others NOOP) until its macro ends: the actions it chose, by name, and the end. */
function drive(sim: Sim, r: MacroRunner, max = MAX_MACRO_TICKS + 10): { actions: string[]; end: MacroEnd } {
  const actions: string[] = [];
  for (let t = 0; t < max; t++) {
    const a = r.next();
    if (typeof a !== 'number') return { actions, end: a };
    actions.push(sim.spec.actions[a].name);
    step(sim, { 0: a });
  }
  assert.fail(`macro did not end in ${max} ticks`);
}

function runner(sim: Sim, raw: unknown): MacroRunner {
  const r = new MacroRunner(sim, 0);
  r.start(macro(sim, raw));
  return r;
}

const tiny = (map: readonly string[], opts: TinyOptions = {}): Sim => tinySim(tinySpec(map, { players: 2, regrowth: [0], ...opts }));

// An open room, 7 wide inside.
const ROOM = [
  'WWWWWWWWW',
  'W       W',
  'W       W',
  'W       W',
  'WP     PW',
  'W       W',
  'WWWWWWWWW',
];

describe('macro runner', () => {
  it('without a macro, or after stop, says done "no macro"; a macro that ended leaves the runner empty', () => {
    const sim = tiny(ROOM);
    const r = new MacroRunner(sim, 0);
    assert.deepEqual(r.next(), { status: 'done', reason: 'no macro' });
    r.start(macro(sim, { macro: 'stay', ticks: 5 }));
    assert.equal(r.next(), action(sim.spec, 'NOOP'));
    r.stop();
    assert.equal(r.macro, null);
    assert.deepEqual(r.next(), { status: 'done', reason: 'no macro' });
    r.start(macro(sim, { macro: 'stay', ticks: 1 }));
    assert.equal(r.next(), action(sim.spec, 'NOOP'));
    assert.deepEqual(r.next(), { status: 'done', reason: 'stayed 1 ticks' });
    assert.equal(r.macro, null, 'the ended macro is dropped');
    assert.deepEqual(r.next(), { status: 'done', reason: 'no macro' });
  });

  it(`gives up as impossible after ${MAX_MACRO_TICKS} ticks a macro that never ends (a zap waiting on a cooldown that outlasts it)`, () => {
    const sim = tiny(ROOM, { zapper: { cooldown: 5000 } });
    place(sim, 0, 1, 4, Dir.N);
    place(sim, 1, 1, 2, Dir.N); // two ahead: in line, within reach
    sim.world.c.Cooldown.timer[sim.avatars[0]] = 5000; // READY_TO_SHOOT = 1 - timer / 5000 stays below 1 for 5000 ticks
    const { actions, end } = drive(sim, runner(sim, { macro: 'zap', target: 'player_1' }));
    assert.deepEqual(end, { status: 'impossible', reason: `not done after ${MAX_MACRO_TICKS} ticks` });
    assert.equal(actions.length, MAX_MACRO_TICKS, 'exactly the longest a macro may run');
    assert.ok(actions.every((a) => a === 'NOOP'), 'waited in line, never fired');
    // The longest macro the parser allows still ends on its own terms.
    const { actions: stayed, end: done } = drive(sim, runner(sim, { macro: 'stay', ticks: MAX_MACRO_TICKS }));
    assert.deepEqual(done, { status: 'done', reason: `stayed ${MAX_MACRO_TICKS} ticks` });
    assert.equal(stayed.length, MAX_MACRO_TICKS);
  });

  it('ends every macro but stay as impossible once the agent is removed from the map; stay waits out its ticks', () => {
    const sim = tiny(ROOM);
    place(sim, 0, 1, 4, Dir.N);
    place(sim, 1, 1, 2, Dir.S);
    step(sim, { 1: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 0), false, 'player_0 was zapped off the map');
    for (const raw of [{ macro: 'move_to', x: 3, y: 3 }, { macro: 'explore', ticks: 3 }, { macro: 'action', action: 'FORWARD' }, { macro: 'zap', target: 'player_1' }]) {
      assert.deepEqual(runner(sim, raw).next(), { status: 'impossible', reason: 'you were removed from the map' }, raw.macro);
    }
    const r = runner(sim, { macro: 'stay', ticks: 2 });
    assert.equal(r.next(), action(sim.spec, 'NOOP'));
    assert.equal(r.next(), action(sim.spec, 'NOOP'));
    assert.deepEqual(r.next(), { status: 'done', reason: 'stayed 2 ticks' });
  });

  it('the raw action is taken once and named in the end', () => {
    const sim = tiny(ROOM);
    place(sim, 0, 1, 4, Dir.N);
    const { actions, end } = drive(sim, runner(sim, { macro: 'action', action: 'STEP_RIGHT' }));
    assert.deepEqual(actions, ['STEP_RIGHT']);
    assert.deepEqual(end, { status: 'done', reason: 'took action STEP_RIGHT' });
    assert.deepEqual(pos(sim, 0), [2, 4]);
  });

  it('explore walks forward while the cell ahead is free, turns right at a wall or a player, and ends after its ticks', () => {
    const sim = tiny(['WWWWWW', 'W    W', 'WP  PW', 'WWWWWW']);
    place(sim, 0, 1, 2, Dir.N);
    place(sim, 1, 4, 2, Dir.N);
    const { actions, end } = drive(sim, runner(sim, { macro: 'explore', ticks: 6 }));
    // (1,2)N: (1,1) free; (1,1)N: wall; E: (2,1), (3,1), (4,1) free; (4,1)E: wall.
    assert.deepEqual(actions, ['FORWARD', 'TURN_RIGHT', 'FORWARD', 'FORWARD', 'FORWARD', 'TURN_RIGHT']);
    assert.deepEqual(end, { status: 'done', reason: 'explored 6 ticks' });
    assert.deepEqual([...pos(sim, 0), facing(sim, 0)], [4, 1, Dir.S]);
    // Facing south from (4,1): player_1 stands on (4,2), so turn; then west along row 1.
    const { actions: next } = drive(sim, runner(sim, { macro: 'explore', ticks: 3 }));
    assert.deepEqual(next, ['TURN_RIGHT', 'FORWARD', 'FORWARD']);
    assert.deepEqual([...pos(sim, 0), facing(sim, 0)], [2, 1, Dir.W]);
  });

  it('explore turns at the edge of a map without walls, and walks across the edge of a torus', () => {
    const open = tiny(['P  ', '  P']);
    place(open, 0, 2, 0, Dir.E);
    assert.deepEqual(drive(open, runner(open, { macro: 'explore', ticks: 1 })).actions, ['TURN_RIGHT'], 'off the east edge is no cell');
    const torus = tiny(['P  ', '  P'], { extra: { torus: true } });
    place(torus, 0, 2, 0, Dir.E);
    assert.deepEqual(drive(torus, runner(torus, { macro: 'explore', ticks: 1 })).actions, ['FORWARD'], 'the east edge leads to x = 0');
    assert.deepEqual(pos(torus, 0), [0, 0]);
  });

  it('move_to ends "reached (x, y)", or "no free route ... for 5 ticks" after five blocked ticks in a row (a step in between starts the count again)', () => {
    const sim = tiny(ROOM);
    place(sim, 0, 1, 4, Dir.N);
    assert.deepEqual(drive(sim, runner(sim, { macro: 'move_to', x: 3, y: 4 })).end, { status: 'done', reason: 'reached (3, 4)' });
    // A corridor with an alcove under (3, 1): player_1 in the corridor blocks the way to (5, 1).
    const cor = tiny(['WWWWWWW', 'WP   PW', 'WWW WWW', 'WWWWWWW']);
    place(cor, 1, 3, 1, Dir.N);
    place(cor, 0, 1, 1, Dir.E);
    const r = runner(cor, { macro: 'move_to', x: 5, y: 1 });
    const noop = action(cor.spec, 'NOOP');
    for (let t = 0; t < 3; t++) {
      assert.equal(r.next(), noop, `blocked tick ${t + 1}: wait`);
      step(cor);
    }
    place(cor, 1, 3, 2, Dir.N); // steps into the alcove: the way is free
    assert.equal(r.next(), action(cor.spec, 'FORWARD'));
    step(cor, { 0: 'FORWARD' });
    assert.deepEqual(pos(cor, 0), [2, 1]);
    place(cor, 1, 3, 1, Dir.N); // and back
    for (let t = 0; t < 4; t++) {
      assert.equal(r.next(), noop, `blocked again, tick ${t + 1} of a new count`);
      step(cor);
    }
    assert.deepEqual(r.next(), { status: 'impossible', reason: 'no free route to (5, 1) for 5 ticks' });
  });

  it('names what it could not reach when a visible apple or every spot in line with a target is walled off', () => {
    const apple = tiny(['WWWWWWW', 'WWWWWWW', 'WWAWWWW', 'WWWWWWW', 'WP   PW', 'WWWWWWW']);
    place(apple, 0, 1, 4, Dir.N);
    const walled = drive(apple, runner(apple, { macro: 'harvest_nearest' }));
    assert.deepEqual(walled, { actions: ['NOOP', 'NOOP', 'NOOP', 'NOOP'], end: { status: 'impossible', reason: 'no free route to a apple for 5 ticks' } });
    // player_1 in a one-cell pocket inside walls two thick: no cell within two of it in a line is free.
    const pocket = tiny(['WWWWWWWWW', 'WWWWWWWWW', 'WWWW WWWW', 'WWWWWWWWW', 'WWWWWWWWW', 'W       W', 'WP     PW', 'WWWWWWWWW']);
    place(pocket, 1, 4, 2, Dir.N);
    place(pocket, 0, 4, 5, Dir.N);
    assert.deepEqual(drive(pocket, runner(pocket, { macro: 'zap', target: 'player_1' })).end, { status: 'impossible', reason: 'no free route to a spot in line with player_1 for 5 ticks' });
  });

  it('start begins a macro afresh: its ticks, blocked count, shot and taken targets are not carried over', () => {
    const sim = tiny(ROOM);
    place(sim, 0, 1, 4, Dir.N);
    place(sim, 1, 1, 2, Dir.N);
    const r = new MacroRunner(sim, 0);
    // Ticks: a second stay of 2 runs two ticks again.
    r.start(macro(sim, { macro: 'stay', ticks: 2 }));
    assert.equal(drive(sim, r).actions.length, 2);
    r.start(macro(sim, { macro: 'stay', ticks: 2 }));
    assert.equal(drive(sim, r).actions.length, 2);
    // Shot: a second zap fires again.
    r.start(macro(sim, { macro: 'zap', target: 'player_1' }));
    assert.deepEqual(drive(sim, r), { actions: ['FIRE_ZAP'], end: { status: 'done', reason: 'fired FIRE_ZAP at player_1' } });
    place(sim, 1, 1, 2, Dir.N);
    sim.world.c.Cooldown.timer[sim.avatars[0]] = 0;
    r.start(macro(sim, { macro: 'zap', target: 'player_1' }));
    assert.equal(drive(sim, r).actions.at(-1), 'FIRE_ZAP');
    // Blocked: the same move_to, started again after three blocked ticks, waits five more.
    const cor = tiny(['WWWWWWW', 'WP   PW', 'WWWWWWW']);
    place(cor, 1, 3, 1, Dir.N);
    place(cor, 0, 1, 1, Dir.E);
    const b = new MacroRunner(cor, 0);
    b.start(macro(cor, { macro: 'move_to', x: 5, y: 1 }));
    for (let t = 0; t < 3; t++) assert.equal(b.next(), action(cor.spec, 'NOOP'));
    b.start(macro(cor, { macro: 'move_to', x: 5, y: 1 }));
    for (let t = 0; t < 4; t++) assert.equal(b.next(), action(cor.spec, 'NOOP'), `blocked tick ${t + 1} after the restart`);
    assert.equal((b.next() as MacroEnd).status, 'impossible');
    // Taken targets: a second harvest_nearest goes for the other apple, though the agent stands where it took the first.
    const apples = tiny(['WWWWWWW', 'WA   AW', 'W     W', 'WP   PW', 'WWWWWWW']);
    place(apples, 0, 1, 3, Dir.N);
    const h = new MacroRunner(apples, 0);
    h.start(macro(apples, { macro: 'harvest_nearest' }));
    assert.deepEqual(drive(apples, h).end, { status: 'done', reason: 'took the apple at (1, 1)' });
    h.start(macro(apples, { macro: 'harvest_nearest' }));
    const second = drive(apples, h);
    assert.deepEqual(second.end, { status: 'done', reason: 'took the apple at (5, 1)' });
    assert.equal(second.actions.length, 4, 'four steps east along row 1');
  });

  describe('zap (how every beam macro aims)', () => {
    /** Player 0 at (x0, y0) facing `dir`, player 1 at (x1, y1): the zap at player_1. */
    const zapFrom = (x0: number, y0: number, dir: Dir, x1: number, y1: number, opts: TinyOptions = {}, map = ROOM): { sim: Sim; actions: string[]; end: MacroEnd } => {
      const sim = tiny(map, opts);
      placeAll(sim, [[1, x1, y1, Dir.N], [0, x0, y0, dir]]);
      return { sim, ...drive(sim, runner(sim, { macro: 'zap', target: 'player_1' })) };
    };

    it('fires from where it stands at a target in line within two cells, turning the short way to face it first', () => {
      const fired = { status: 'done', reason: 'fired FIRE_ZAP at player_1' };
      const ahead = zapFrom(3, 4, Dir.N, 3, 2);
      assert.deepEqual([ahead.actions, ahead.end], [['FIRE_ZAP'], fired]);
      assert.equal(onMap(ahead.sim, 1), false);
      assert.deepEqual(pos(ahead.sim, 0), [3, 4]);
      const east = zapFrom(3, 4, Dir.N, 5, 4);
      assert.deepEqual([east.actions, east.end], [['TURN_RIGHT', 'FIRE_ZAP'], fired]);
      assert.deepEqual(pos(east.sim, 0), [3, 4], 'did not move');
      const west = zapFrom(3, 4, Dir.N, 1, 4);
      assert.deepEqual(west.actions, ['TURN_LEFT', 'FIRE_ZAP']);
      const behind = zapFrom(3, 4, Dir.N, 3, 5);
      assert.deepEqual(behind.actions, ['TURN_RIGHT', 'TURN_RIGHT', 'FIRE_ZAP'], 'half a turn: two turns right');
      const fromWest = zapFrom(3, 4, Dir.W, 3, 2);
      assert.deepEqual(fromWest.actions, ['TURN_RIGHT', 'FIRE_ZAP'], 'west to north is a right turn');
    });

    it('walks into line first: no farther than two cells though the beam reaches three, no farther than a shorter beam reaches', () => {
      const far = zapFrom(1, 4, Dir.N, 1, 1);
      assert.deepEqual(far.actions, ['FORWARD', 'FIRE_ZAP'], 'three ahead: one step, then fire from two');
      assert.deepEqual(pos(far.sim, 0), [1, 3]);
      assert.equal(onMap(far.sim, 1), false);
      // From (2, 3) the nearest spot is (1, 3), two south of the target at (1, 1): one step left, then fire.
      const side = zapFrom(2, 3, Dir.N, 1, 1);
      assert.deepEqual(side.actions, ['STEP_LEFT', 'FIRE_ZAP']);
      assert.deepEqual(pos(side.sim, 0), [1, 3]);
      const short = zapFrom(1, 4, Dir.N, 1, 2, { zapper: { length: 1 } });
      assert.deepEqual(short.actions, ['FORWARD', 'FIRE_ZAP'], 'a beam of one cell: fire from the next cell');
      assert.deepEqual(pos(short.sim, 0), [1, 3]);
      assert.equal(onMap(short.sim, 1), false);
    });

    it('waits without firing while the beam is not ready, then fires', () => {
      const sim = tiny(ROOM);
      place(sim, 1, 1, 2, Dir.N);
      place(sim, 0, 1, 4, Dir.N);
      sim.world.c.Cooldown.timer[sim.avatars[0]] = 2; // open's cooldown is 2: READY_TO_SHOOT 0, then 0.5, then 1
      const { actions, end } = drive(sim, runner(sim, { macro: 'zap', target: 'player_1' }));
      assert.equal(actions[0], 'NOOP');
      assert.equal(actions.at(-1), 'FIRE_ZAP');
      assert.ok(actions.slice(0, -1).every((a) => a === 'NOOP'));
      assert.equal(end.status, 'done');
      assert.equal(onMap(sim, 1), false);
    });

    it('on a bounded map never takes a cell across the edge for a spot in line; on a torus aims and stands across the edge', () => {
      // Target at the west edge (0, 1); the agent at the far east end of row 0: the cell "west of the edge" is not (4, 0).
      const bounded = zapFrom(4, 0, Dir.N, 0, 1, {}, ['P    ', '     ', '    P']);
      assert.deepEqual(bounded.end, { status: 'done', reason: 'fired FIRE_ZAP at player_1' });
      assert.equal(onMap(bounded.sim, 1), false);
      const TORUS = ['P      ', '       ', '      P'];
      // Two cells west of (0, 1) across the edge is (5, 1): in line, fire at once.
      const across = zapFrom(0, 1, Dir.W, 5, 1, { extra: { torus: true } }, TORUS);
      assert.deepEqual(across.actions, ['FIRE_ZAP']);
      assert.equal(onMap(across.sim, 1), false);
      // From (5, 0) the nearest spot is (5, 1), two cells west of the target at (0, 1) across the edge: one step back, turn east, fire.
      const spot = zapFrom(5, 0, Dir.N, 0, 1, { extra: { torus: true } }, TORUS);
      assert.deepEqual(spot.actions, ['BACKWARD', 'TURN_RIGHT', 'FIRE_ZAP']);
    });
  });

  describe('in the families (Clean Up, the matrix games)', () => {
    const env = (substrate: string, seed = 1): Environment => {
      const e = new Environment({ substrate, seed, focalPolicy: null, metrics: false, monitor: false });
      e.reset();
      return e;
    };

    /** The first free cell (row by row) where player 0, facing north, sees an object `see` accepts (or none if `none`). */
    function standWhere(sim: Sim, see: (o: ReturnType<typeof seenObjects>[number]) => boolean, none = false): [number, number] {
      const { grid } = sim.world;
      for (let y = 0; y < sim.height; y++) {
        for (let x = 0; x < sim.width; x++) {
          if (sim.walls[grid.cellIndex(x, y)] !== 0 || grid.at(x, y, Layer.Upper) !== 0 || grid.at(x, y, Layer.Lower) !== 0) continue;
          place(sim, 0, x, y, Dir.N);
          if (seenObjects(sim, 0).some(see) !== none) return [x, y];
        }
      }
      assert.fail('no such cell');
    }

    it('clean_nearest walks into line with dirt in view and fires the cleaning beam: the river has less dirt; none in view is impossible', () => {
      const e = env('clean_up');
      const st = cleanUpOf(e.sim)!;
      standWhere(e.sim, (o) => o.kind === 'dirt');
      const before = st.dirt.dirtyCount;
      const { actions, end } = drive(e.sim, runner(e.sim, { macro: 'clean_nearest' }));
      assert.deepEqual(end, { status: 'done', reason: 'fired FIRE_CLEAN at dirt' });
      assert.equal(actions.at(-1), 'FIRE_CLEAN');
      assert.ok(st.dirt.dirtyCount < before, `dirt ${before} -> ${st.dirt.dirtyCount}`);
      standWhere(e.sim, (o) => o.kind === 'dirt', true);
      assert.deepEqual(runner(e.sim, { macro: 'clean_nearest' }).next(), { status: 'impossible', reason: 'no dirt in view' });
    });

    it("clean_nearest fires from two cells away, within the cleaning beam's reach, without stepping nearer", () => {
      const e = env('clean_up');
      const sim = e.sim;
      const st = cleanUpOf(sim)!;
      const { grid } = sim.world;
      const dirty = (x: number, y: number): boolean => grid.inBounds(x, y) && st.dirt.byCell[grid.cellIndex(x, y)] >= 0 && st.dirt.dirty[st.dirt.byCell[grid.cellIndex(x, y)]] === 1;
      const DX = [0, 1, 0, -1], DY = [-1, 0, 1, 0];
      // A free cell with no dirt next to it and dirt two cells away in some direction (over a cell that is not a wall).
      let found: [number, number, Dir] | null = null;
      for (let y = 0; y < sim.height && !found; y++) {
        for (let x = 0; x < sim.width && !found; x++) {
          if (sim.walls[grid.cellIndex(x, y)] !== 0 || grid.at(x, y, Layer.Upper) !== 0 || dirty(x, y)) continue;
          if ([0, 1, 2, 3].some((d) => dirty(x + DX[d], y + DY[d]))) continue;
          const d = [0, 1, 2, 3].find((d) => dirty(x + 2 * DX[d], y + 2 * DY[d]) && grid.inBounds(x + DX[d], y + DY[d]) && sim.walls[grid.cellIndex(x + DX[d], y + DY[d])] === 0);
          if (d !== undefined) found = [x, y, d as Dir];
        }
      }
      assert.ok(found, 'a cell two from dirt');
      place(sim, 0, ...found);
      const before = st.dirt.dirtyCount;
      assert.deepEqual(drive(sim, runner(sim, { macro: 'clean_nearest' })), { actions: ['FIRE_CLEAN'], end: { status: 'done', reason: 'fired FIRE_CLEAN at dirt' } });
      assert.ok(st.dirt.dirtyCount < before);
    });

    it('collect walks onto the nearest resource of the kind and ends naming where it took it; none of the kind in view is impossible', () => {
      const e = env('prisoners_dilemma_in_the_matrix__repeated');
      const sim = e.sim;
      const st = matrixOf(sim)!;
      standWhere(sim, (o) => o.kind === 'defect');
      const inv = sim.world.c.Inventory;
      const base = sim.avatars[0] * inv.size;
      const before = [inv.count[base], inv.count[base + 1]];
      const defects = new Set<string>();
      for (let i = 0; i < st.count; i++) {
        const e2 = st.eids[i];
        if (st.cls[i] === 1 && st.live[i]) defects.add(`${sim.world.c.Position.x[e2]},${sim.world.c.Position.y[e2]}`);
      }
      const { end } = drive(sim, runner(sim, { macro: 'collect', resource: 'defect' }));
      const [x, y] = pos(sim, 0);
      assert.deepEqual(end, { status: 'done', reason: `took the defect at (${x}, ${y})` });
      assert.ok(defects.has(`${x},${y}`), 'it stands where a defect resource was');
      assert.deepEqual([inv.count[base], inv.count[base + 1]], [before[0], before[1] + 1]);
      standWhere(sim, (o) => o.kind === 'cooperate', true);
      assert.deepEqual(runner(sim, { macro: 'collect', resource: 'cooperate' }).next(), { status: 'impossible', reason: 'no cooperate in view' });
    });

    it('interact fires INTERACT at a player in line and is impossible with the player out of view; accept fires INTERACT once, refuse waits one tick', () => {
      const e = env('prisoners_dilemma_in_the_matrix__consent');
      const sim = e.sim;
      const { grid } = sim.world;
      const free = (x: number, y: number): boolean => grid.inBounds(x, y) && sim.walls[grid.cellIndex(x, y)] === 0 && grid.at(x, y, Layer.Upper) === 0 && grid.at(x, y, Layer.Lower) === 0;
      let spot: [number, number] | null = null;
      for (let y = 2; y < sim.height && !spot; y++) for (let x = 0; x < sim.width && !spot; x++) if (free(x, y) && free(x, y - 1) && free(x, y - 2)) spot = [x, y];
      assert.ok(spot);
      placeAll(sim, [[1, spot[0], spot[1] - 2, Dir.S], [0, spot[0], spot[1], Dir.N]]);
      assert.deepEqual(drive(sim, runner(sim, { macro: 'interact', target: 'player_1' })), { actions: ['INTERACT'], end: { status: 'done', reason: 'fired INTERACT at player_1' } });
      // player_1 two or more rows behind player_0 (facing north), or more than five columns aside: out of its window.
      let away: [number, number] | null = null;
      for (let y = 0; y < sim.height && !away; y++) for (let x = 0; x < sim.width && !away; x++) if (free(x, y) && (y - spot[1] >= 2 || Math.abs(x - spot[0]) > 5)) away = [x, y];
      assert.ok(away);
      place(sim, 1, away[0], away[1], Dir.N);
      assert.equal(seenObjects(sim, 0).some((o) => o.agent === 'player_1'), false);
      assert.deepEqual(runner(sim, { macro: 'interact', target: 'player_1' }).next(), { status: 'impossible', reason: 'player_1 is not in view' });
      assert.deepEqual(drive(sim, runner(sim, { macro: 'accept' })), { actions: ['INTERACT'], end: { status: 'done', reason: 'fired INTERACT' } });
      assert.deepEqual(drive(sim, runner(sim, { macro: 'refuse' })), { actions: ['NOOP'], end: { status: 'done', reason: 'did not answer; an open request runs out' } });
    });
  });
});
