/**
 * Territory's rules (systems/territory/), on small maps and on the three registered variants. Melting Pot facts
 * (paths in github.com/google-deepmind/meltingpot, `meltingpot/` omitted):
 * - claiming: the paintbrush touches the cell ahead every tick (lua/levels/territory/components.lua:401-411) and
 *   claims a resource wall there (:138-141); FIRE_CLAIM flings paint 2 cells (configs/substrates/territory.py:731-738)
 *   that goes through resource walls and players (components.lua:143-150) and is stopped by the map's walls (:37-49);
 *   a wall already in the painter's colour is left as it is (:119-136);
 * - rewards: a claimed wall pays its owner 1 with probability 0.01 a tick once it has been claimed for 25 ticks
 *   (territory.py:404-413, components.lua:85-102); its paint then shows dry (components.lua:304-313);
 * - destruction: a zap takes one health of 2 off a wall and stops there; at 0 the wall is gone for good and the zap
 *   goes on (components.lua:152-176); a damaged wall repairs one health with probability 0.1 a tick from 15 ticks
 *   after the last zap (:193-206, territory.py:411-412);
 * - zapping players: level 1 → hit → level 2, frozen 25 ticks; level 2 → hit → removed one tick later, for good;
 *   level 2 recovers to 1 after 50 ticks (territory.py:802-818, lua/modules/avatar_library.lua:1009-1095); the
 *   walls of a removed player go back to unclaimed 5 ticks after their claim (components.lua:103-116).
 */
import { strict as assert } from 'node:assert';
import { resetSim, stepSim } from '../systems/pipeline.js';
import { renderRgb } from '../systems/renderObservations.js';
import { createSim, type Sim } from '../systems/sim.js';
import { getSubstrate } from '../substrates/registry.js';
import { TERRITORY_RULES } from '../substrates/territory.js';
import { substrate as open } from '../substrates/territory__open.js';
import type { SubstrateSpec, TerritorySpec } from '../substrates/types.js';
import { territoryOf } from '../systems/territory/index.js';
import type { TerritoryState } from '../systems/territory/state.js';
import { Layer } from '../systems/layers.js';
import { expectedWindow, firstDifference, recordedBeams } from './helpers/expectedFrames.js';
import { createBot } from '../systems/policies/index.js';
import { Dir, onMap, placeAll, pos, step, stepN } from './helpers/tinyWorld.js';

/** A 9 × 8 room: a 2-thick resource wall at (3..4, 3), map walls around, spawn points on row 6. */
const ROOM = [
  'WWWWWWWWW',
  'W,,,,,,,W',
  'W,,,,,,,W',
  'W,,RR,,,W',
  'W,,,,,,,W',
  'W,,,,,,,W',
  'WPPPPPPPW',
  'WWWWWWWWW',
];

interface Overrides {
  players?: number;
  resource?: Partial<TerritorySpec['resource']>;
  map?: readonly string[];
}

function territorySpec(o: Overrides = {}): SubstrateSpec {
  return {
    ...open,
    name: 'tiny_territory',
    map: o.map ?? ROOM,
    population: { ...open.population, players: o.players ?? 2, randomizeInitialOrientation: false },
    territory: { ...TERRITORY_RULES, resource: { ...TERRITORY_RULES.resource, ...o.resource } },
  };
}

function territorySim(o: Overrides = {}, seed = 1): Sim {
  const sim = createSim(territorySpec(o), { seed });
  resetSim(sim);
  return sim;
}

function st(sim: Sim): TerritoryState {
  const s = territoryOf(sim);
  assert.ok(s, 'a territory sim has territory state');
  return s;
}

/** Resource index at (x, y). */
function wall(sim: Sim, x: number, y: number): number {
  const i = st(sim).indexOfCell[y * sim.width + x];
  assert.ok(i >= 0, `no resource wall at (${x}, ${y})`);
  return i;
}

function ownerAt(sim: Sim, x: number, y: number): number {
  return st(sim).owner[wall(sim, x, y)];
}

function standing(sim: Sim, x: number, y: number): boolean {
  return st(sim).destroyed[wall(sim, x, y)] === 0 && sim.world.grid.at(x, y, Layer.Upper) !== 0;
}

describe('Territory: claiming by painting', () => {
  it('paints the wall in front with the paintbrush every tick, with no action (components.lua:401-411, 138-141)', () => {
    const sim = territorySim();
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 6, 5, Dir.S]]);
    assert.equal(ownerAt(sim, 3, 3), -1, 'unclaimed at the start');
    step(sim);
    assert.equal(ownerAt(sim, 3, 3), 0);
    assert.equal(ownerAt(sim, 4, 3), -1, 'the brush reaches one cell only');
  });

  it('flings paint 2 cells through resource walls and players, not through map walls (territory.py:731-738)', () => {
    const sim = territorySim();
    // Player 0 faces east along row 3 from (2, 3): the beam covers (3, 3) and (4, 3), both walls.
    placeAll(sim, [[0, 2, 3, Dir.E], [1, 6, 5, Dir.S]]);
    step(sim, { 0: 'FIRE_CLAIM' });
    assert.deepEqual([ownerAt(sim, 3, 3), ownerAt(sim, 4, 3)], [0, 0]);
    // Through a player: player 1 stands between player 0 and the wall.
    const sim2 = territorySim({ map: ['WWWWWWW', 'W,,,,,W', 'W,R,,,W', 'W,,,,,W', 'WPPPPPW', 'WWWWWWW'] });
    placeAll(sim2, [[0, 2, 4, Dir.N], [1, 2, 3, Dir.S]]);
    step(sim2, { 0: 'FIRE_CLAIM' });
    assert.equal(ownerAt(sim2, 2, 2), 0, 'the beam went through player 1 and painted the wall behind');
    const sim3 = territorySim({ map: ['WWWWWWW', 'WRW,,,W', 'W,,,,,W', 'WPPPPPW', 'WWWWWWW'] });
    placeAll(sim3, [[0, 1, 3, Dir.N], [1, 4, 2, Dir.S]]);
    step(sim3, { 0: 'FIRE_CLAIM' });
    assert.equal(ownerAt(sim3, 1, 1), 0, 'reached over one floor cell');
  });

  it('repaints another player\'s wall and restarts its drying; repainting in one\'s own colour changes nothing (components.lua:119-136)', () => {
    const sim = territorySim({ resource: { rewardRate: 1 } });
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 6, 5, Dir.S]]);
    step(sim);
    const claimedAt = sim.world.tick;
    stepN(sim, 10);
    assert.equal(st(sim).changedAt[wall(sim, 3, 3)], claimedAt, 'the brush on its own wall keeps the claim time');
    placeAll(sim, [[0, 6, 5, Dir.S], [1, 3, 4, Dir.N]]);
    step(sim);
    assert.equal(ownerAt(sim, 3, 3), 1);
    assert.equal(st(sim).changedAt[wall(sim, 3, 3)], sim.world.tick);
    assert.equal(st(sim).takenOver[0], 1, 'player 0 lost a wall to a repaint');
  });
});

describe('Territory: rewards from claimed walls', () => {
  it('pays nothing in the 25 ticks after a claim, then 1 a tick with rewardRate 1 (territory.py:404-413, components.lua:85-102)', () => {
    const sim = territorySim({ resource: { rewardRate: 1 } });
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 6, 5, Dir.S]]);
    step(sim);
    placeAll(sim, [[0, 1, 5, Dir.S], [1, 6, 5, Dir.S]]);
    const rewards = stepN(sim, 30).map((r) => r[0]);
    // Claimed at tick 1: ticks 2..25 pay nothing, tick 26 (25 after the claim) and on pay 1.
    assert.deepEqual(rewards.slice(0, 24), new Array<number>(24).fill(0));
    assert.deepEqual(rewards.slice(24), new Array<number>(6).fill(1));
    assert.equal(sim.rewards[1], 0, 'the other player earns nothing');
  });

  it('pays at the configured rate 0.01 a tick on average (200 walls × 1000 ticks, seed 3)', () => {
    const map = ['W'.repeat(22), ...Array.from({ length: 10 }, () => 'W' + 'R'.repeat(20) + 'W'), 'W,,,,,,,,,,,,,,,,,,,,W', 'WPP,,,,,,,,,,,,,,,,,,W', 'W'.repeat(22)];
    const sim = territorySim({ map }, 3);
    const s = st(sim);
    for (let i = 0; i < s.count; i++) {
      s.owner[i] = 0;
      s.changedAt[i] = -100;
    }
    placeAll(sim, [[0, 5, 12, Dir.S], [1, 9, 12, Dir.S]]);
    let total = 0;
    for (const r of stepN(sim, 1000)) total += r[0];
    // Binomial(200 000, 0.01): mean 2000, sd ≈ 44.5; ±5 sd.
    assert.ok(Math.abs(total - 2000) < 225, `paid ${total}`);
  });

  it('shows dry paint from the tick after the wall first paid (RewardIndicator:update, components.lua:304-313)', () => {
    const sim = territorySim({ resource: { rewardRate: 1 } });
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 6, 5, Dir.S]]);
    step(sim);
    placeAll(sim, [[0, 1, 5, Dir.S], [1, 6, 5, Dir.S]]);
    stepN(sim, 24);
    const i = wall(sim, 3, 3);
    assert.equal(st(sim).rewarding[i], 0);
    step(sim); // tick 26: the first payment
    assert.equal(st(sim).rewarding[i], 1);
    assert.equal(st(sim).dryShown[i], 0, 'the indicator updates before the updaters');
    step(sim);
    assert.equal(st(sim).dryShown[i], 1, 'dry in player 0\'s colour');
  });
});

describe('Territory: zapping walls', () => {
  it('takes one health per zap and stops there; the second zap destroys it and goes on (components.lua:152-176)', () => {
    // Player 0 at (3, 4) facing north: the zap's centre line is (3, 3), (3, 2), both walls.
    const map = ['WWWWWWW', 'W,,,,,W', 'W,,R,,W', 'W,,R,,W', 'W,,,,,W', 'WPPPPPW', 'WWWWWWW'];
    const z = territorySim({ map });
    placeAll(z, [[0, 3, 4, Dir.N], [1, 1, 5, Dir.S]]);
    step(z, { 0: 'FIRE_ZAP' });
    assert.equal(st(z).health[wall(z, 3, 3)], 1);
    assert.equal(st(z).health[wall(z, 3, 2)], 2, 'the damaged wall stopped the zap');
    stepN(z, 4); // cooldown 4
    step(z, { 0: 'FIRE_ZAP' });
    assert.equal(standing(z, 3, 3), false, 'destroyed');
    assert.equal(st(z).health[wall(z, 3, 2)], 1, 'the zap went on through the destroyed wall');
  });

  it('lets players walk over a destroyed wall and never rebuilds or repaints it', () => {
    const map = ['WWWWWWW', 'W,,,,,W', 'W,,R,,W', 'W,,,,,W', 'WPPPPPW', 'WWWWWWW'];
    const sim = territorySim({ map });
    placeAll(sim, [[0, 3, 3, Dir.N], [1, 1, 4, Dir.S]]);
    step(sim, { 0: 'FIRE_ZAP' });
    stepN(sim, 4);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(standing(sim, 3, 2), false);
    step(sim, { 0: 'FIRE_CLAIM' });
    assert.equal(ownerAt(sim, 3, 2), -1, 'a destroyed wall cannot be claimed');
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(pos(sim, 0), [3, 2]);
  });

  it('shows damage from the next tick and repairs 16 ticks after the zap with selfRepairProbability 1 (components.lua:193-206)', () => {
    const map = ['WWWWWWW', 'W,,,,,W', 'W,,R,,W', 'W,,,,,W', 'WPPPPPW', 'WWWWWWW'];
    const sim = territorySim({ map, resource: { selfRepairProbability: 1 } });
    placeAll(sim, [[0, 3, 3, Dir.N], [1, 1, 4, Dir.S]]);
    step(sim, { 0: 'FIRE_ZAP' });
    const i = wall(sim, 3, 2);
    assert.equal(st(sim).damagedShown[i], 0, 'not yet shown on the tick of the zap');
    step(sim);
    assert.equal(st(sim).damagedShown[i], 1);
    stepN(sim, 13); // ticks 3..15
    assert.equal(st(sim).health[i], 1, 'still damaged 14 ticks after the zap');
    step(sim); // tick 16: 15 ticks since the zap
    assert.equal(st(sim).health[i], 1);
    step(sim); // tick 17
    assert.equal(st(sim).health[i], 2);
    assert.equal(st(sim).damagedShown[i], 0);
  });
});

describe('Territory: zapping players', () => {
  const OPEN = ['WWWWWWWWW', 'W,,,,,,,W', 'W,,,,,,,W', 'W,,,,,,,W', 'W,,,,,,,W', 'WPPPPPPPW', 'WWWWWWWWW'];

  it('freezes a player hit once for 25 ticks: no moves, no zaps, READY_TO_SHOOT 0 (territory.py:808-812)', () => {
    const sim = territorySim({ map: OPEN });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    const hitAt = sim.world.tick;
    assert.equal(st(sim).level[1], 2);
    for (let t = 1; t < 25; t++) {
      step(sim, { 1: 'FORWARD' });
      assert.deepEqual(pos(sim, 1), [4, 2], `frozen ${t} ticks after the hit`);
    }
    assert.equal(sim.world.tick, hitAt + 24);
    step(sim, { 1: 'FORWARD' });
    assert.deepEqual(pos(sim, 1), [4, 1], 'moves again 25 ticks after the hit');
  });

  it('removes a player hit twice, one tick later and for good; its walls go back to unclaimed (avatar_library.lua:1059-1072, components.lua:103-116)', () => {
    const map = ['WWWWWWWWW', 'W,,,,,,,W', 'W,,,,,,RW', 'W,,,,,,,W', 'W,,,,,,,W', 'WPPPPPPPW', 'WWWWWWWWW'];
    const sim = territorySim({ map });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 7, 3, Dir.N]]);
    step(sim); // player 1's brush claims (7, 2)
    assert.equal(ownerAt(sim, 7, 2), 1);
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.W]]);
    step(sim, { 0: 'FIRE_ZAP' });
    stepN(sim, 4);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.ok(onMap(sim, 1), 'still on the map on the tick of the second hit');
    step(sim);
    assert.equal(onMap(sim, 1), false, 'removed on the next tick');
    assert.equal(ownerAt(sim, 7, 2), -1, 'its wall (claimed long before) is released');
    stepN(sim, 200);
    assert.equal(onMap(sim, 1), false, 'never respawns');
  });

  it('forgives after 50 ticks counted from the tick of the hit: a player hit again later is frozen again, not removed (avatar_library.lua:1010-1025)', () => {
    const sim = territorySim({ map: OPEN });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    // The recovery updater (priority 3) runs after the zap (140) on the tick of the hit too: that tick counts.
    stepN(sim, 48);
    assert.equal(st(sim).level[1], 2, '48 ticks after the hit (49 counted)');
    step(sim);
    assert.equal(st(sim).level[1], 1, '49 ticks after the hit (50 counted)');
    step(sim, { 0: 'FIRE_ZAP' });
    step(sim);
    assert.ok(onMap(sim, 1));
    assert.equal(st(sim).level[1], 2);
  });

  it('stops the zap at the first player: one behind it is not hit (Zapper:onHit returns true)', () => {
    const sim = territorySim({ map: OPEN, players: 3 });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 3, Dir.N], [2, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.deepEqual([st(sim).level[1], st(sim).level[2]], [2, 1]);
  });

  it('lets a frozen player still paint: the freeze stops moves and zaps only', () => {
    const map = ['WWWWWWWWW', 'W,,,R,,,W', 'W,,,,,,,W', 'W,,,,,,,W', 'W,,,,,,,W', 'WPPPPPPPW', 'WWWWWWWWW'];
    const sim = territorySim({ map });
    placeAll(sim, [[0, 4, 5, Dir.N], [1, 4, 3, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(st(sim).level[1], 2);
    step(sim, { 1: 'FIRE_CLAIM' });
    assert.equal(ownerAt(sim, 4, 1), 1);
  });
});

describe('Territory: the variants', () => {
  it('wraps territory__rooms around its edges and starts each of its nine players in a room of its own', () => {
    const sim = createSim(getSubstrate('territory__rooms'), { seed: 2 });
    resetSim(sim);
    assert.equal(sim.world.grid.torus, true);
    assert.equal(sim.players, 9);
    const rooms = new Set<string>();
    for (let s = 0; s < 9; s++) {
      const [x, y] = pos(sim, s);
      rooms.add(`${Math.floor(x / 7)},${Math.floor(y / 7)}`);
    }
    assert.equal(rooms.size, 9);
    assert.equal(st(sim).count, 180, 'every R of the map is a resource wall');
  });

  it('draws territory__inside_out\'s maze anew each episode: A cells are walls 2/3 of the time, B 1/4 (territory__inside_out.py:72-85)', () => {
    const spec = getSubstrate('territory__inside_out');
    const sim = createSim(spec, { seed: 5 });
    const cellsOf = (ch: string): number[] => spec.map.flatMap((row, y) => [...row].flatMap((c, x) => (c === ch ? [y * sim.width + x] : [])));
    const a = cellsOf('A'), b = cellsOf('B'), r = cellsOf('R');
    let aWalls = 0, bWalls = 0;
    const layouts = new Set<string>();
    const episodes = 60;
    for (let e = 0; e < episodes; e++) {
      resetSim(sim);
      const s = st(sim);
      for (const cell of r) assert.ok(s.indexOfCell[cell] >= 0, 'every R is a wall');
      aWalls += a.filter((cell) => s.indexOfCell[cell] >= 0).length;
      bWalls += b.filter((cell) => s.indexOfCell[cell] >= 0).length;
      layouts.add(a.map((cell) => (s.indexOfCell[cell] >= 0 ? 1 : 0)).join(''));
    }
    const pa = aWalls / (a.length * episodes), pb = bWalls / (b.length * episodes);
    assert.ok(Math.abs(pa - 2 / 3) < 0.05, `A walls ${pa}`);
    assert.ok(Math.abs(pb - 1 / 4) < 0.05, `B walls ${pb}`);
    assert.ok(layouts.size > 50, 'the maze differs between episodes');
  });

  it('spawns territory__inside_out\'s five players on P points or Q points drawn with odds 1:6', () => {
    const spec = getSubstrate('territory__inside_out');
    const sim = createSim(spec, { seed: 8 });
    const at = (x: number, y: number): string => spec.map[y][x];
    let q = 0;
    for (let e = 0; e < 40; e++) {
      resetSim(sim);
      for (let s = 0; s < 5; s++) {
        const [x, y] = pos(sim, s);
        assert.ok(at(x, y) === 'P' || at(x, y) === 'Q', `player ${s} at (${x}, ${y}) '${at(x, y)}'`);
        if (at(x, y) === 'Q') q++;
      }
    }
    assert.ok(q > 0, 'Q points are used sometimes');
  });
});

describe('Territory: frames', () => {
  it('draws the paintbrush ahead of each player and a claiming beam in the player\'s colour over the walls it paints', () => {
    const sim = territorySim();
    placeAll(sim, [[0, 2, 3, Dir.E], [1, 6, 5, Dir.W]]);
    step(sim, { 0: 'FIRE_CLAIM' });
    const cell = (x: number, y: number): number => y * sim.width + x;
    const extras = {
      brushes: new Map([[cell(3, 3), { slot: 0, facing: Dir.E }], [cell(5, 5), { slot: 1, facing: Dir.W }]]),
      claimBeams: new Map([[cell(3, 3), 0], [cell(4, 3), 0]]),
    };
    const size = sim.spec.observation.spriteSize;
    const cols = sim.spec.observation.view.left + sim.spec.observation.view.right + 1;
    for (let slot = 0; slot < 2; slot++) {
      const out = new Uint8Array(expectedWindow(sim, slot, extras).length);
      renderRgb(sim, slot, out);
      assert.equal(firstDifference(out, expectedWindow(sim, slot, extras), cols * size), '', `player ${slot}`);
    }
  });

  for (const name of ['territory__rooms', 'territory__open', 'territory__inside_out']) {
    it(`matches the independent composition in ${name} over 200 random ticks (walls, paint, marks, beams, brushes)`, () => {
      const sim = createSim(getSubstrate(name), { seed: 4 });
      resetSim(sim);
      const s = st(sim);
      const size = sim.spec.observation.spriteSize;
      const cols = sim.spec.observation.view.left + sim.spec.observation.view.right + 1;
      let seenDry = false, seenMark = false;
      for (let t = 0; t < 200; t++) {
        for (let p = 0; p < sim.players; p++) sim.actions[p] = sim.world.rng.int(sim.spec.actions.length);
        stepSim(sim);
        seenDry ||= s.dryShown.some((d) => d > 0);
        seenMark ||= s.level.some((l) => l === 2);
        if (t % 20 !== 19) continue;
        const brushes = new Map<number, { slot: number; facing: number }>();
        const claimBeams = new Map<number, number>();
        for (let i = 0; i < s.touchedCount; i++) {
          const c = s.touched[i];
          if (s.brush[c] > 0) brushes.set(c, { slot: (s.brush[c] - 1) >> 2, facing: (s.brush[c] - 1) & 3 });
          if (s.claimBeam[c] > 0) claimBeams.set(c, s.claimBeam[c] - 1);
        }
        const extras = { beams: recordedBeams(sim), brushes, claimBeams };
        for (let slot = 0; slot < sim.players; slot++) {
          const want = expectedWindow(sim, slot, extras);
          const out = new Uint8Array(want.length);
          renderRgb(sim, slot, out);
          assert.equal(firstDifference(out, want, cols * size), '', `tick ${sim.world.tick}, player ${slot}`);
        }
      }
      assert.ok(seenDry, 'the run showed dry paint');
      // In Rooms the players start walled apart: random play rarely zaps anyone.
      if (name !== 'territory__rooms') assert.ok(seenMark, 'the run showed a sanction mark');
    });
  }
});

describe('Territory: exploitation attempts (README, Territory)', () => {
  /** The hostile_attempt events of one step, as [attacker, target, landed]. */
  function attempts(sim: Sim, actions: Readonly<Record<number, string>>): [number, number, boolean][] {
    const out: [number, number, boolean][] = [];
    const unsubscribe = sim.world.events.subscribe('hostile_attempt', (batch) => {
      for (const e of batch) out.push([e.attacker, e.target, e.landed]);
    });
    step(sim, actions);
    unsubscribe();
    return out;
  }

  it('counts repainting another player\'s wall as an attempt that landed, and painting one\'s own or an unclaimed wall as none', () => {
    const sim = territorySim();
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 6, 5, Dir.S]]);
    assert.deepEqual(attempts(sim, {}), [], 'claiming an unclaimed wall');
    assert.deepEqual(attempts(sim, {}), [], 'the brush on its own wall');
    placeAll(sim, [[0, 6, 5, Dir.S], [1, 3, 4, Dir.N]]);
    assert.deepEqual(attempts(sim, {}), [[1, 0, true]]);
  });

  it('counts a zap on another player\'s wall as defended while the wall stands and landed when it destroys it', () => {
    const map = ['WWWWWWW', 'W,,,,,W', 'W,,R,,W', 'W,,,,,W', 'WPPPPPW', 'WWWWWWW'];
    const sim = territorySim({ map });
    placeAll(sim, [[0, 1, 4, Dir.S], [1, 3, 3, Dir.N]]);
    step(sim); // player 1's brush claims (3, 2)
    // Player 0 two cells from the wall (its brush touches the floor between): the zap's centre line reaches it.
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 1, 4, Dir.S]]);
    assert.deepEqual(attempts(sim, { 0: 'FIRE_ZAP' }), [[0, 1, false]]);
    stepN(sim, 4);
    assert.deepEqual(attempts(sim, { 0: 'FIRE_ZAP' }), [[0, 1, true]]);
    assert.equal(standing(sim, 3, 2), false);
  });
});

describe('Territory: the scripted stand-ins', () => {
  function runScenarioBots(substrate: string, bots: readonly string[], ticks: number, seed = 1): { sim: Sim; repaintsBy: number[]; zapsBy: number[] } {
    const sim = createSim(getSubstrate(substrate), { seed });
    resetSim(sim);
    for (let s = 0; s < sim.players; s++) sim.bots[s] = createBot(bots[s % bots.length], sim);
    const repaintsBy = new Array<number>(sim.players).fill(0);
    const zapsBy = new Array<number>(sim.players).fill(0);
    sim.world.events.subscribe('resource_claimed', (batch) => {
      for (const e of batch) if (e.previous >= 0) repaintsBy[e.slot]++;
    });
    sim.world.events.subscribe('zap_fired', (batch) => {
      for (const e of batch) zapsBy[e.slot]++;
    });
    for (let t = 0; t < ticks; t++) {
      stepSim(sim);
      sim.world.events.flush();
    }
    return { sim, repaintsBy, zapsBy };
  }

  it('considerate claimers in territory__rooms paint exactly their own rooms\' 20 walls each and never repaint or zap', () => {
    const { sim, repaintsBy, zapsBy } = runScenarioBots('territory__rooms', ['territory__rooms__puppet_considerate_claimer_0'], 300);
    const s = st(sim);
    const owned = new Array<number>(9).fill(0);
    for (let i = 0; i < s.count; i++) if (s.owner[i] >= 0) owned[s.owner[i]]++;
    assert.deepEqual(owned, new Array<number>(9).fill(20));
    assert.deepEqual(repaintsBy, new Array<number>(9).fill(0));
    assert.deepEqual(zapsBy, new Array<number>(9).fill(0));
  });

  it('an inconsiderate claimer repaints its neighbours\' walls through its own; an aggressor also destroys walls', () => {
    const far = runScenarioBots('territory__rooms', ['territory__rooms__puppet_inconsiderate_claimer_0', 'territory__rooms__puppet_considerate_claimer_0'], 400);
    assert.ok(far.repaintsBy.some((n, slot) => slot % 2 === 0 && n > 0), 'inconsiderate claimers repainted others\' walls');
    assert.equal(far.zapsBy.reduce((a, b) => a + b, 0), 0, 'claimers never zap');
    const aggr = runScenarioBots('territory__rooms', ['territory__rooms__aggressor_0'], 600);
    assert.ok(st(aggr.sim).destructions > 0, 'aggressors destroyed walls');
  });
});
