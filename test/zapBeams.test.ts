/**
 * fireZapBeams and respawns. Melting Pot facts (Lab2D `grid.cc HitBeamActual`, MP `avatar_library.lua Zapper`):
 * - beam shape for length L = 3, radius R = 1 facing N from (x, y): (x, y−1), (x, y−2), (x, y−3) and
 *   (x±1, y), (x±1, y−1), (x±1, y−2) — 9 cells; walls stop a line; the first player hit stops its line; if the first
 *   cell of a side line is blocked, that side's wider lines are skipped;
 * - beams fire from post-move positions, and every beam of a tick is traced before any hit applies, so mutual zaps
 *   both land;
 * - cooldown C: a shot at t allows the next at t + C + 1; the timer is frozen while removed;
 *   READY_TO_SHOOT = max(1 − timer / C, 0), and 0 while removed;
 * - zapped at t with framesTillRespawn F: back on the map at the end of step t + F + 1, first effective action at
 *   t + F + 2, on a random free point of the `P` group.
 */
import { strict as assert } from 'node:assert';
import { Layer } from '../systems/layers.js';
import {
  Dir,
  facing,
  onMap,
  place,
  placeAll,
  pos,
  readyToShoot,
  step,
  tinySim,
  tinySpec,
  type TinyOptions,
} from './helpers/tinyWorld.js';

/** 9×9 open floor, spawn points on the bottom row; the shooter stands in the centre (4, 4). */
const OPEN_9 = ['         ', '         ', '         ', '         ', '         ', '         ', '         ', '         ', 'PPPPPPPPP'];

/** The 9 cells of the L = 3, R = 1 beam from (4, 4), written out by hand for each facing. */
const SHAPE: Record<string, [number, number][]> = {
  N: [[4, 3], [4, 2], [4, 1], [3, 4], [3, 3], [3, 2], [5, 4], [5, 3], [5, 2]],
  E: [[5, 4], [6, 4], [7, 4], [4, 3], [5, 3], [6, 3], [4, 5], [5, 5], [6, 5]],
  S: [[4, 5], [4, 6], [4, 7], [3, 4], [3, 5], [3, 6], [5, 4], [5, 5], [5, 6]],
  W: [[3, 4], [2, 4], [1, 4], [4, 3], [3, 3], [2, 3], [4, 5], [3, 5], [2, 5]],
};
const DIRS: Record<string, Dir> = { N: Dir.N, E: Dir.E, S: Dir.S, W: Dir.W };

/** A sim of `map` with `players` slots and the given zapper overrides, on open's L = 3, R = 1. */
function zapSim(map: readonly string[], players: number, opts: TinyOptions = {}, seed = 1) {
  return tinySim(tinySpec(map, { players, ...opts }), seed);
}

describe('fireZapBeams: beam shape', () => {
  for (const [d, cells] of Object.entries(SHAPE)) {
    it(`facing ${d}, L=3 R=1 hits exactly the 9 cells of the Melting Pot example and nothing else on a 9×9 map`, () => {
      const expected = new Set(cells.map(([x, y]) => `${x},${y}`));
      assert.equal(expected.size, 9);
      const hitCells: string[] = [];
      for (let y = 0; y < 9; y++) {
        for (let x = 0; x < 9; x++) {
          if (x === 4 && y === 4) continue;
          const sim = zapSim(OPEN_9, 2);
          placeAll(sim, [[0, 4, 4, DIRS[d]], [1, x, y, Dir.N]]);
          step(sim, { 0: 'FIRE_ZAP' });
          if (!onMap(sim, 1)) hitCells.push(`${x},${y}`);
        }
      }
      assert.deepEqual(hitCells.sort(), [...expected].sort());
    });
  }

  it('a wall stops its line: a player behind a wall is safe, one in front of it is hit', () => {
    const map = ['     ', '     ', '  W  ', '     ', '     ', 'PPPPP'];
    let sim = zapSim(map, 2);
    placeAll(sim, [[0, 2, 4, Dir.N], [1, 2, 1, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), true, 'behind the wall at (2, 2)');
    sim = zapSim(map, 2);
    placeAll(sim, [[0, 2, 4, Dir.N], [1, 2, 3, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), false, 'in front of the wall');
  });

  it('a wall in a side line stops that line only', () => {
    const map = ['     ', '     ', '     ', ' W   ', '     ', 'PPPPP'];
    const sim = zapSim(map, 3);
    placeAll(sim, [[0, 2, 4, Dir.N], [1, 1, 2, Dir.N], [2, 3, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), true, 'left line stopped by the wall at (1, 3)');
    assert.equal(onMap(sim, 2), false, 'right line reaches (3, 2)');
  });

  it('the first player hit stops its line: the one behind is safe', () => {
    const sim = zapSim(OPEN_9, 3);
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 3, Dir.N], [2, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), false);
    assert.equal(onMap(sim, 2), true);
    assert.equal(sim.counters.zapHits, 1);
  });

  it('with R=2, a blocked first cell of a side line skips that side\'s wider line; the other side still reaches r=2', () => {
    // Shooter at (3, 4) facing N, L = 3, R = 2: the r = 2 lines start at (1, 4) and (5, 4) and cover 2 cells.
    const map = ['       ', '       ', '       ', '       ', '  W    ', '       ', 'PPPPPPP'];
    const opts: TinyOptions = { zapper: { radius: 2 } };
    let sim = zapSim(map, 3, opts);
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 1, 3, Dir.N], [2, 5, 3, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), true, 'left r=2 line skipped: its r=1 first cell (2, 4) is a wall');
    assert.equal(onMap(sim, 2), false, 'right r=2 line reaches (5, 3)');
    // Control: without the wall the left r=2 line reaches (1, 3).
    sim = zapSim(OPEN_9.slice(0, 6).map((r) => r.slice(0, 7)).concat(['PPPPPPP']), 3, opts);
    placeAll(sim, [[0, 3, 4, Dir.N], [1, 1, 3, Dir.N], [2, 5, 3, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), false);
    assert.equal(onMap(sim, 2), false);
  });

  it('fires from post-move positions: a player stepping into the beam is hit, one stepping out is not (Melting Pot fact)', () => {
    const sim = zapSim(OPEN_9, 3);
    // (2, 3) is outside the beam, (3, 3) inside; (5, 3) inside, (6, 3) outside.
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 2, 3, Dir.N], [2, 5, 3, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP', 1: 'STEP_RIGHT', 2: 'STEP_RIGHT' });
    assert.equal(onMap(sim, 1), false, 'stepped into the beam');
    assert.equal(onMap(sim, 2), true, 'stepped out of the beam');
    assert.deepEqual(pos(sim, 2), [6, 3]);
  });

  it('mutual zaps both land, whatever the firing order (Melting Pot fact: all beams traced before any hit applies)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const sim = zapSim(OPEN_9, 2, {}, seed);
      placeAll(sim, [[0, 4, 5, Dir.N], [1, 4, 3, Dir.S]]);
      step(sim, { 0: 'FIRE_ZAP', 1: 'FIRE_ZAP' });
      assert.equal(onMap(sim, 0), false, `seed ${seed}`);
      assert.equal(onMap(sim, 1), false, `seed ${seed}`);
      assert.equal(sim.counters.zapHits, 2, `seed ${seed}`);
      assert.equal(sim.counters.zapsFired, 2, `seed ${seed}`);
    }
  });

  it('a zapped player leaves the avatar layer at once', () => {
    const sim = zapSim(OPEN_9, 2);
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(sim.world.grid.at(4, 2, Layer.Upper), 0);
  });
});

describe('fireZapBeams: cooldown and READY_TO_SHOOT', () => {
  for (const cooldown of [0, 1, 2, 3]) {
    it(`with cooldown ${cooldown}, firing every tick shoots at ticks 1, ${cooldown + 2}, ${2 * cooldown + 3}, … (gap C+1, Melting Pot fact)`, () => {
      const sim = zapSim(OPEN_9, 1, { zapper: { cooldown } });
      place(sim, 0, 4, 4, Dir.N);
      const shots: number[] = [];
      for (let t = 1; t <= 12; t++) {
        const before = sim.counters.zapsFired;
        step(sim, { 0: 'FIRE_ZAP' });
        if (sim.counters.zapsFired > before) shots.push(sim.world.tick);
      }
      const expected: number[] = [];
      for (let t = 1; t <= 12; t += cooldown + 1) expected.push(t);
      assert.deepEqual(shots, expected);
    });
  }

  it('READY_TO_SHOOT after a shot with C=2 reads 0, 0.5, 1 and the next shot comes 3 ticks after the first', () => {
    const sim = zapSim(OPEN_9, 1); // open: cooldown 2
    place(sim, 0, 4, 4, Dir.N);
    assert.equal(readyToShoot(sim, 0), 1, 'ready at the start');
    const seen: number[] = [];
    step(sim, { 0: 'FIRE_ZAP' });
    seen.push(readyToShoot(sim, 0));
    step(sim, { 0: 'FIRE_ZAP' });
    seen.push(readyToShoot(sim, 0));
    step(sim, { 0: 'FIRE_ZAP' });
    seen.push(readyToShoot(sim, 0));
    assert.deepEqual(seen, [0, 0.5, 1]);
    assert.equal(sim.counters.zapsFired, 1);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(sim.counters.zapsFired, 2, 'fires at tick 4 = 1 + C + 1');
    assert.equal(readyToShoot(sim, 0), 0);
  });

  it('the cooling timer is frozen while the player is removed, and READY_TO_SHOOT is 0 then', () => {
    // Both fire at tick 1 and zap each other: both are off the map with timer C = 2 until the end of tick 6 (F = 4).
    const sim = zapSim(OPEN_9, 2);
    placeAll(sim, [[0, 4, 5, Dir.N], [1, 4, 3, Dir.S]]);
    step(sim, { 0: 'FIRE_ZAP', 1: 'FIRE_ZAP' });
    const timer = (): number => sim.world.c.Cooldown.timer[sim.avatars[0]];
    for (let t = 1; t <= 5; t++) {
      assert.equal(onMap(sim, 0), false, `tick ${sim.world.tick}`);
      assert.equal(timer(), 2, `tick ${sim.world.tick}: timer frozen`);
      assert.equal(readyToShoot(sim, 0), 0, `tick ${sim.world.tick}`);
      step(sim, { 0: 'FIRE_ZAP', 1: 'FIRE_ZAP' });
    }
    assert.equal(sim.world.tick, 6);
    assert.equal(onMap(sim, 0), true, 'back at the end of tick 6');
    assert.equal(timer(), 2, 'still 2: it counts down only from the next tick');
  });
});

describe('fireZapBeams: rewards, events and what a hit does', () => {
  it('pays the victim penaltyForBeingZapped and the shooter rewardForZapping for each hit', () => {
    const sim = zapSim(OPEN_9, 2, { zapper: { penaltyForBeingZapped: -10, rewardForZapping: 3 } });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    const r = step(sim, { 0: 'FIRE_ZAP' });
    assert.deepEqual(Array.from(r), [3, -10]);
    assert.equal(sim.counters.zapHits, 1);
  });

  it('a player hit by two beams in one tick counts two hits and is removed once; removed by the first, it is not paid the second penalty', () => {
    const sim = zapSim(OPEN_9, 3, { zapper: { penaltyForBeingZapped: -1, rewardForZapping: 2, framesTillRespawn: 4 } });
    placeAll(sim, [[0, 4, 6, Dir.N], [1, 4, 2, Dir.S], [2, 4, 4, Dir.N]]);
    const r = step(sim, { 0: 'FIRE_ZAP', 1: 'FIRE_ZAP' });
    // Each shooter is paid; the victim's second penalty reaches a removed player, who earns nothing (skipWaitStateRewards).
    assert.deepEqual(Array.from(r), [2, 2, -1]);
    assert.equal(sim.counters.zapHits, 2);
    assert.equal(sim.world.c.Removed.until[sim.avatars[2]], 1 + 4 + 1, 'one removal, due at t + F + 1');
  });

  it('with removeHitPlayer false a hit player stays on the map and is paid the penalty', () => {
    const sim = zapSim(OPEN_9, 2, { zapper: { removeHitPlayer: false, penaltyForBeingZapped: -5 } });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    const r = step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(r[1], -5);
    assert.equal(onMap(sim, 1), true);
    assert.deepEqual(pos(sim, 1), [4, 2]);
  });

  it('emits zap_fired for each shot, zap_hit for each hit, and a hostile_attempt per player in the aimed shape, landed or not', () => {
    // Player 0 fires north from (4, 4): player 1 at (4, 2) is hit; player 2 at (4, 1) stands behind it (in the shape,
    // not reached); player 3 at (0, 0) is outside the shape.
    const sim = zapSim(OPEN_9, 4);
    const seen: string[] = [];
    const { events } = sim.world;
    events.subscribe('zap_fired', (b) => b.forEach((e) => seen.push(`fired ${e.slot} @${e.tick}`)));
    events.subscribe('zap_hit', (b) => b.forEach((e) => seen.push(`hit ${e.attacker}->${e.target}`)));
    events.subscribe('hostile_attempt', (b) => b.forEach((e) => seen.push(`attempt ${e.attacker}->${e.target} ${e.landed ? 'landed' : 'stopped'}`)));
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N], [2, 4, 1, Dir.N], [3, 0, 0, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.deepEqual(seen.sort(), ['attempt 0->1 landed', 'attempt 0->2 stopped', 'fired 0 @1', 'hit 0->1']);
  });

  it('a beam that reaches a wall hits nothing: no hit counted, nobody paid, the wall stays', () => {
    const sim = zapSim(['         ', '    W    ', '         ', '         ', '         ', 'PP       '], 2, { zapper: { penaltyForBeingZapped: -1, rewardForZapping: 1 } });
    placeAll(sim, [[0, 4, 3, Dir.N], [1, 0, 5, Dir.N]]);
    const r = step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(sim.counters.zapsFired, 1);
    assert.equal(sim.counters.zapHits, 0);
    assert.deepEqual(Array.from(r), [0, 0]);
    assert.ok(sim.world.grid.at(4, 1, Layer.Upper) !== 0, 'the wall is still there');
  });

  it('reports an attempt as stopped when its own beam was blocked, even after another beam hit the same player this tick', () => {
    // A at (4, 4) facing north hits P at (4, 2). B at (6, 2) facing west aims at P, but the wall at (5, 2) stops its
    // centre line. Whatever the firing order, B's attempt did not land.
    const map = ['         ', '         ', '     W   ', '         ', '         ', '         ', 'PPP      '];
    for (let seed = 1; seed <= 8; seed++) {
      const sim = zapSim(map, 3, {}, seed);
      const attempts: string[] = [];
      sim.world.events.subscribe('hostile_attempt', (b) => b.forEach((e) => attempts.push(`${e.attacker}->${e.target} ${e.landed}`)));
      placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N], [2, 6, 2, Dir.W]]);
      step(sim, { 0: 'FIRE_ZAP', 2: 'FIRE_ZAP' });
      assert.deepEqual(attempts.sort(), ['0->1 true', '2->1 false'], `seed ${seed}`);
    }
  });

  it('respawns a player hit by two beams once', () => {
    const sim = zapSim(OPEN_9, 3, { zapper: { framesTillRespawn: 2 } });
    const respawned: number[] = [];
    sim.world.events.subscribe('respawned', (b) => b.forEach((e) => respawned.push(e.slot)));
    placeAll(sim, [[0, 4, 6, Dir.N], [1, 4, 2, Dir.S], [2, 4, 4, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP', 1: 'FIRE_ZAP' });
    for (let i = 0; i < 6; i++) step(sim);
    assert.deepEqual(respawned, [2]);
    assert.equal(onMap(sim, 2), true);
  });

  it('hits every player in reach of a wide beam (radius 40: 81 lines, more than the 64 hits a beam starts with)', () => {
    const width = 90;
    const map = [' '.repeat(width), ' '.repeat(width), 'P'.repeat(width)];
    const sim = zapSim(map, 82, { zapper: { radius: 40, length: 41 } });
    const layout: [number, number, number, Dir][] = [[0, 45, 1, Dir.N]];
    for (let s = 1; s < 82; s++) layout.push([s, 4 + s, 0, Dir.N]); // x = 5..85 on row 0, just ahead of each line
    placeAll(sim, layout);
    const attempts: boolean[] = [];
    sim.world.events.subscribe('hostile_attempt', (b) => b.forEach((e) => attempts.push(e.landed)));
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(sim.counters.zapHits, 81, 'one player per line, 40 lines each side and the centre line');
    for (let s = 1; s < 82; s++) assert.equal(onMap(sim, s), false, `player ${s} was hit`);
    assert.equal(attempts.length, 81, 'every one of them was in the aimed shape');
    assert.ok(attempts.every((landed) => landed));
  });

  it('does nothing on a substrate without a zapper', () => {
    const spec = tinySpec(OPEN_9, { players: 2 });
    const sim = tinySim({ ...spec, zapper: undefined, actions: spec.actions.filter((a) => a.fire !== 'zap') });
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim);
    assert.equal(sim.counters.zapsFired, 0);
    assert.equal(onMap(sim, 1), true);
  });

  it('queues every hit of a crowded tick: 66 players in 33 facing pairs all zap each other', () => {
    // Pairs three columns apart, so each beam's side lines reach nobody: 66 beams, 66 hits (more than the 64 the
    // queue starts with).
    const width = 99;
    const map = [' '.repeat(width), ' '.repeat(width), ' '.repeat(width), 'P'.repeat(width)];
    const sim = zapSim(map, 66);
    const layout: [number, number, number, Dir][] = [];
    const fire: Record<number, string> = {};
    for (let p = 0; p < 33; p++) {
      layout.push([2 * p, 3 * p, 0, Dir.S], [2 * p + 1, 3 * p, 1, Dir.N]);
      fire[2 * p] = fire[2 * p + 1] = 'FIRE_ZAP';
    }
    placeAll(sim, layout);
    step(sim, fire);
    assert.equal(sim.counters.zapHits, 66);
    for (let s = 0; s < 66; s++) assert.equal(onMap(sim, s), false, `player ${s} was hit`);
  });

  it('a frozen player does not fire, and its cooling timer counts down as usual (meltingpot/lua/modules/avatar_library.lua:618-621: the Zapper has no movement check)', () => {
    const sim = zapSim(OPEN_9, 2);
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    step(sim);
    const eid = sim.avatars[0];
    const { c } = sim.world;
    assert.equal(c.Cooldown.timer[eid], 1, 'one tick after the shot');
    c.Frozen.until[eid] = sim.world.tick + 3;
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(c.Cooldown.timer[eid], 0, 'counted down while frozen');
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(sim.counters.zapsFired, 1, 'no shot while frozen');
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(sim.counters.zapsFired, 2, 'fires once the freeze is over');
  });
});

describe('respawnAvatars: timing and place', () => {
  it('a player zapped at t with F=4 is off the map through t+F and back at the end of t+F+1 (Melting Pot fact)', () => {
    const sim = zapSim(OPEN_9, 2);
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    const t = sim.world.tick;
    const F = sim.spec.zapper?.framesTillRespawn ?? NaN;
    assert.equal(F, 4);
    const present: boolean[] = [onMap(sim, 1)];
    for (let i = 0; i < F + 2; i++) {
      step(sim);
      present.push(onMap(sim, 1));
    }
    // ticks t .. t+F+2
    assert.deepEqual(present, [false, false, false, false, false, true, true], `zapped at tick ${t}`);
  });

  it('a respawned player\'s first action that counts is at t+F+2', () => {
    const sim = zapSim(OPEN_9, 2); // spawns face N (randomizeInitialOrientation off in tiny worlds)
    placeAll(sim, [[0, 4, 4, Dir.N], [1, 4, 2, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' }); // t = 1
    const facings: Dir[] = [];
    for (let tick = 2; tick <= 7; tick++) {
      step(sim, { 1: 'TURN_RIGHT' });
      facings.push(facing(sim, 1));
    }
    // ticks 2..6: removed or just respawned (moves run before respawns), tick 7 = t+F+2: turns.
    assert.deepEqual(facings, [Dir.N, Dir.N, Dir.N, Dir.N, Dir.N, Dir.E]);
  });

  it('respawns on a free P point, never on a Q point, at random among the free ones', () => {
    // Slots 0 and 1 first spawn on Q (as in the open variant); every respawn uses P.
    const map = ['Q   Q', '     ', '     ', '     ', 'PPPPP'];
    const P = new Set([0, 1, 2, 3, 4].map((x) => `${x},4`));
    const landed = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const spec = tinySpec(map, { players: 3 });
      const sim = tinySim(
        { ...spec, population: { ...spec.population, firstSpawn: { slots: [0, 1], group: 'insideSpawnPoints' } } },
        seed,
      );
      const firstSpawn = [pos(sim, 0), pos(sim, 1)].map(([x, y]) => `${x},${y}`).sort();
      assert.deepEqual(firstSpawn, ['0,0', '4,0'], `seed ${seed}: slots 0 and 1 start on the Q points`);
      assert.ok(P.has(pos(sim, 2).join(',')), `seed ${seed}: slot 2 starts on a P point`);
      // Slot 2 zaps slot 0 from (2, 2) facing N while slot 0 stands at (2, 1); slot 1 waits on a Q point.
      placeAll(sim, [[0, 2, 1, Dir.N], [2, 2, 2, Dir.N]]);
      step(sim, { 2: 'FIRE_ZAP' });
      for (let i = 0; i < 5; i++) step(sim);
      assert.equal(onMap(sim, 0), true, `seed ${seed}`);
      const at = pos(sim, 0).join(',');
      assert.ok(P.has(at), `seed ${seed}: respawned at ${at}, not a P point`);
      landed.add(at);
    }
    assert.ok(landed.size >= 3, `respawn points vary with the seed: ${[...landed].join(' ')}`);
  });

  it('respawns on the only free P point when the others are taken', () => {
    const map = ['     ', '     ', '     ', 'PPP  '];
    for (let seed = 1; seed <= 10; seed++) {
      const sim = zapSim(map, 3, {}, seed);
      placeAll(sim, [[0, 0, 3, Dir.N], [1, 2, 3, Dir.N], [2, 2, 2, Dir.N]]);
      // Slots 0 and 1 hold P points (0, 3) and (2, 3); slot 1 zaps slot 2 standing just north of it.
      step(sim, { 1: 'FIRE_ZAP' });
      for (let i = 0; i < 5; i++) step(sim);
      assert.deepEqual(pos(sim, 2), [1, 3], `seed ${seed}`);
    }
  });
});
