/**
 * Whole frames, pixel by pixel, against frames composed independently from Melting Pot's sprite art
 * (test/helpers/expectedFrames.ts): for every substrate at the start of an episode, and for the situations that
 * draw more than the pieces — a beam fired this tick, a removed player, the matrix games' markers, a dead apple
 * patch, another player in each facing.
 *
 * Melting Pot facts checked here (paths in google-deepmind/meltingpot unless marked L2D = google-deepmind/lab2d):
 * - Avatars: `CUTE_AVATAR` has one shape per facing, drawn with `noRotate` (meltingpot/utils/substrates/shapes.py:
 *   309-353; meltingpot/lua/modules/component_library.lua:567-597 registers the four as `<name>.N/E/S/W`), and a
 *   piece's sprite is chosen by its facing relative to the viewer (L2D dmlab2d/lib/system/grid_world/grid.cc:
 *   800-805, dmlab2d/lib/system/grid_world/grid_view.h:58-63): the observer, always facing up in its own view, is
 *   drawn with the N shape in the Self palette (meltingpot/configs/substrates/commons_harvest__open.py:275-280,
 *   419-421), others with the shape of their relative facing.
 * - Beams: `hitBeam` places the beam's sprite on its own layer in each cell the beam reaches and is not blocked in
 *   (L2D grid.cc:840-866, 882-908); zap yellow (252, 252, 106) opaque (meltingpot/lua/modules/avatar_library.lua:
 *   579, 597-607), cleaning (99, 223, 242, 175) blended (meltingpot/lua/levels/clean_up/components.lua:184-195),
 *   interaction yellow (meltingpot/lua/levels/the_matrix/components.lua:363, 391-401).
 * - A removed player sees black (L2D dmlab2d/lib/system/grid_world/lua/lua_grid_view.cc:97-123; the OutOfBounds
 *   sprite is black, meltingpot/lua/modules/base_simulation.lua:322-324).
 * - Markers: ready once a resource is collected, the result colour while the interaction's effects are pending,
 *   over live players only (meltingpot/lua/levels/the_matrix/components.lua:54-69, 452-480, 1058-1093;
 *   meltingpot/configs/substrates/the_matrix.py:67-164).
 * - Dead patches: the grass under a waiting apple with no live neighbour turns `dessicated`, drawn with the floor
 *   sprite (meltingpot/lua/levels/commons_harvest/components.lua:181-193; commons_harvest__open.py:124-169).
 */
import { strict as assert } from 'node:assert';
import { Dir } from '../ecs/components.js';
import { substrateNames } from '../substrates/registry.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { readyToShoot, renderRgb, renderWorld, rgbShape, riverFrame, worldShape } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { appearanceOf, type SpriteArt } from '../systems/spriteArt.js';
import { Sprite } from '../systems/sprites.js';
import { expectedWindow, expectedWorld, firstDifference, type Extras } from './helpers/expectedFrames.js';
import { placeAll, step, tinySim, tinySpec } from './helpers/tinyWorld.js';
import { applesOf } from '../systems/apples/index.js';
import { matrixOf } from '../systems/matrix/index.js';

function window(sim: Sim, slot: number): Uint8Array {
  const [h, w, ch] = rgbShape(sim);
  const out = new Uint8Array(h * w * ch);
  renderRgb(sim, slot, out);
  return out;
}

function world(sim: Sim): Uint8Array {
  const [h, w, ch] = worldShape(sim);
  const out = new Uint8Array(h * w * ch);
  renderWorld(sim, out);
  return out;
}

function assertWindow(sim: Sim, slot: number, extras: Extras, what: string): Uint8Array {
  const actual = window(sim, slot);
  assert.equal(firstDifference(actual, expectedWindow(sim, slot, extras), rgbShape(sim)[1]), '', `${what}, player ${slot}`);
  return actual;
}

function assertWorld(sim: Sim, extras: Extras, what: string): void {
  assert.equal(firstDifference(world(sim), expectedWorld(sim, extras), worldShape(sim)[1]), '', `${what}, WORLD.RGB`);
}

function freshSim(substrate: string, seed = 5): Sim {
  const env = new Environment({ substrate, seed });
  env.reset();
  return env.sim;
}

/**
 * A cell nothing stands on or grows in (no wall, avatar, apple, dirt or resource), on sand, floor or grass; with
 * `apples`, a live or waiting apple may be there (a zap passes over apples).
 */
function isClear(sim: Sim, x: number, y: number, apples = false): boolean {
  const { grid } = sim.world;
  if (!grid.inBounds(x, y)) return false;
  const bg = sim.background[y * sim.width + x];
  if (bg === Sprite.River || sim.walls[y * sim.width + x] === 1 || grid.at(x, y, Layer.Upper) !== 0) return false;
  const below = (layer: Layer): boolean => {
    const e = grid.at(x, y, layer);
    return e === 0 || (apples && (applesOf(sim)?.indexOf[e] ?? -1) >= 0);
  };
  return below(Layer.Lower) && below(Layer.Logic);
}

/** The cells of an unobstructed beam of length L, radius R fired from (x, y) facing north (L2D grid.cc:882-908). */
function beamShapeNorth(x: number, y: number, length: number, radius: number): [number, number][] {
  const cells: [number, number][] = [];
  for (let i = 1; i <= length; i++) cells.push([x, y - i]);
  for (let r = 1; r <= radius; r++) {
    for (let i = 0; i < length - r + 1; i++) cells.push([x - r, y - i], [x + r, y - i]);
  }
  return cells;
}

/** Lift every avatar off the map and put `layout` players where it says; the rest go to clear cells far away. */
function arrange(sim: Sim, layout: readonly (readonly [number, number, number, Dir])[], keepClear: readonly [number, number][]): void {
  const taken = new Set([...layout.map(([, x, y]) => `${x},${y}`), ...keepClear.map(([x, y]) => `${x},${y}`)]);
  for (let s = 0; s < sim.players; s++) sim.world.grid.remove(sim.avatars[s]);
  const placed = new Set(layout.map(([s]) => s));
  const rest: [number, number, number, Dir][] = [];
  for (let s = 0; s < sim.players; s++) {
    if (placed.has(s)) continue;
    let found = false;
    for (let y = sim.height - 1; y >= 0 && !found; y--) {
      for (let x = 0; x < sim.width && !found; x++) {
        const near = keepClear.some(([kx, ky]) => Math.abs(kx - x) + Math.abs(ky - y) < 8);
        if (near || taken.has(`${x},${y}`) || !isClear(sim, x, y)) continue;
        rest.push([s, x, y, Dir.N]);
        taken.add(`${x},${y}`);
        found = true;
      }
    }
    assert.ok(found, `room for player ${s}`);
  }
  placeAll(sim, [...layout, ...rest]);
}

/** A cell (x, y) with every cell from x − half to x + half, y − depth to y + 1 clear (room to fire north). */
function openSpot(sim: Sim, half: number, depth: number, apples = false): [number, number] | null {
  for (let y = sim.height - 2; y >= depth; y--) {
    for (let x = half; x < sim.width - half; x++) {
      let clear = true;
      for (let cy = y - depth; cy <= y + 1 && clear; cy++) for (let cx = x - half; cx <= x + half && clear; cx++) clear = isClear(sim, cx, cy, apples);
      if (clear) return [x, y];
    }
  }
  return null;
}

/** An open spot with every avatar first lifted off the map (the caller arranges them afterwards). */
function mustOpenSpot(sim: Sim, half: number, depth: number, apples = false): [number, number] {
  for (let s = 0; s < sim.players; s++) sim.world.grid.remove(sim.avatars[s]);
  const spot = openSpot(sim, half, depth, apples);
  assert.ok(spot, `an open ${2 * half + 1}×${depth + 2} area`);
  return spot;
}

function beamMap(sim: Sim, cells: readonly [number, number][], art: SpriteArt, into = new Map<number, SpriteArt[]>()): Map<number, SpriteArt[]> {
  for (const [x, y] of cells) {
    const cell = y * sim.width + x;
    into.set(cell, [...(into.get(cell) ?? []), art]);
  }
  return into;
}

describe('frames: Melting Pot art, composed independently, pixel by pixel', () => {
  describe('at the start of an episode', () => {
    for (const name of substrateNames()) {
      it(`draws every player's window and WORLD.RGB of ${name}`, () => {
        const sim = freshSim(name);
        for (let slot = 0; slot < sim.players; slot++) assertWindow(sim, slot, {}, `${name} at tick 0`);
        assertWorld(sim, {}, `${name} at tick 0`);
      });
    }
  });

  describe('another player in each facing', () => {
    for (const name of substrateNames()) {
      it(`shows the facing of another player ahead in ${name}, and the observer always as Self facing up`, () => {
        const sim = freshSim(name);
        const [x, y] = mustOpenSpot(sim, 0, 2);
        const frames: Uint8Array[] = [];
        for (const facing of [Dir.N, Dir.E, Dir.S, Dir.W]) {
          arrange(sim, [[0, x, y, Dir.N], [1, x, y - 2, facing]], [[x, y]]);
          frames.push(assertWindow(sim, 0, {}, `${name}, other facing ${facing}`));
          assertWorld(sim, {}, `${name}, other facing ${facing}`);
        }
        for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) assert.notDeepEqual(frames[i], frames[j], `facings ${i} and ${j} look different`);
        // Turning the observer turns the tiles and the other's relative facing, never the observer's own sprite.
        for (const facing of [Dir.E, Dir.S, Dir.W]) {
          arrange(sim, [[0, x, y, facing], [1, x, y - 2, Dir.N]], [[x, y]]);
          assertWindow(sim, 0, {}, `${name}, observer facing ${facing}`);
        }
      });
    }
  });

  describe('beams are drawn in the frames of the tick they are fired', () => {
    for (const name of ['commons_harvest__open', 'commons_harvest__closed', 'commons_harvest__partnership', 'clean_up']) {
      it(`draws the zap beam of ${name} on every cell it reaches, and not the next tick`, () => {
        const sim = freshSim(name);
        const zap = sim.spec.zapper;
        assert.ok(zap);
        // Apples may lie under the beam: it passes over them (they do not block a zap) and hides them.
        const [x, y] = mustOpenSpot(sim, zap.radius, zap.length, true);
        const cells = beamShapeNorth(x, y, zap.length, zap.radius);
        arrange(sim, [[0, x, y, Dir.N], [1, x, y + 1, Dir.N]], [[x, y]]);
        step(sim, { 0: 'FIRE_ZAP' });
        const beams = beamMap(sim, cells, appearanceOf(sim.spec).beams.zap as SpriteArt);
        for (const slot of [0, 1]) assertWindow(sim, slot, { beams }, `${name} after a zap`);
        assertWorld(sim, { beams }, `${name} after a zap`);
        assert.notDeepEqual(window(sim, 0), expectedWindow(sim, 0), 'the beam shows');
        step(sim);
        assertWindow(sim, 0, {}, `${name} the tick after`);
      });
    }

    for (const name of ['commons_harvest__open', 'commons_harvest__closed', 'commons_harvest__partnership', 'clean_up']) {
    it(`draws a zap that hits a player everywhere but the hit cell, and the hit player sees black (${name})`, () => {
      const sim = freshSim(name);
      const zap = sim.spec.zapper;
      assert.ok(zap);
      const [x, y] = mustOpenSpot(sim, zap.radius, zap.length, true);
      arrange(sim, [[0, x, y, Dir.N], [1, x, y - 2, Dir.S]], [[x, y]]);
      step(sim, { 0: 'FIRE_ZAP' });
      assert.equal(sim.world.grid.has(sim.avatars[1]), false, 'player 1 was zapped');
      // The centre line stops at the hit player (L2D grid.cc:859-865: a blocked cell gets no beam sprite).
      const cells = beamShapeNorth(x, y, zap.length, zap.radius).filter(([cx, cy]) => !(cx === x && cy <= y - 2));
      const beams = beamMap(sim, cells, appearanceOf(sim.spec).beams.zap as SpriteArt);
      assertWindow(sim, 0, { beams }, 'the firer');
      assertWorld(sim, { beams }, 'after the hit');
      const black = window(sim, 1);
      assert.ok(black.every((b) => b === 0), 'a removed player sees an all-black frame');
      assertWindow(sim, 1, { beams }, 'the removed player');
      step(sim);
      assert.ok(window(sim, 1).every((b) => b === 0), 'and still while it waits to respawn');
      assert.equal(readyToShoot(sim, 1), 0, "the zapper's READY_TO_SHOOT is 0 while removed (avatar_library.lua:737-744)");
    });
    }

    it('draws the cleaning beam over the zap beam where both reach (Clean Up)', () => {
      const sim = freshSim('clean_up');
      const [x, y] = mustOpenSpot(sim, 2, 3);
      // Player 0 cleans northwards from (x − 1, y), player 2 zaps northwards from (x + 1, y): both reach column x.
      arrange(sim, [[0, x - 1, y, Dir.N], [2, x + 1, y, Dir.N]], [[x, y]]);
      step(sim, { 0: 'FIRE_CLEAN', 2: 'FIRE_ZAP' });
      const a = appearanceOf(sim.spec);
      const beams = beamMap(sim, beamShapeNorth(x - 1, y, 3, 1), a.beams.clean as SpriteArt, beamMap(sim, beamShapeNorth(x + 1, y, 3, 1), a.beams.zap as SpriteArt));
      assert.equal(beams.get((y - 1) * sim.width + x)?.length, 2, 'a cell both beams reach');
      for (const slot of [0, 2]) assertWindow(sim, slot, { beams }, 'clean and zap');
      assertWorld(sim, { beams }, 'clean and zap');
    });
  });

  describe('the matrix games', () => {
    for (const name of ['prisoners_dilemma_in_the_matrix__repeated', 'prisoners_dilemma_in_the_matrix__arena', 'stag_hunt_in_the_matrix__repeated', 'chicken_in_the_matrix__repeated']) {
      it(`draws the interaction beam, the ready marker, the result markers and black for removed players in ${name}`, () => {
        const sim = freshSim(name);
        const a = appearanceOf(sim.spec);
        const m = a.markers;
        const st = matrixOf(sim);
        assert.ok(m && st && sim.spec.matrix);
        const { grid, c } = sim.world;
        // Player 1 walks onto a resource: it is ready to interact.
        let res: [number, number] | null = null;
        for (let y = 1; y < sim.height && !res; y++) {
          for (let x = 0; x < sim.width && !res; x++) {
            const e = grid.at(x, y, Layer.Lower);
            if (e !== 0 && isClearAvatarCell(sim, x, y + 1)) res = [x, y];
          }
        }
        assert.ok(res);
        const [rx, ry] = res;
        arrange(sim, [[1, rx, ry + 1, Dir.N]], [[rx, ry + 1]]);
        step(sim, { 1: 'FORWARD' });
        assert.equal(st.ready[1], 1, 'player 1 collected a resource');
        const cellOf = (slot: number): number => c.Position.y[sim.avatars[slot]] * sim.width + c.Position.x[sim.avatars[slot]];
        let markers = new Map<number, SpriteArt>([[cellOf(1), m.ready]]);
        for (let slot = 0; slot < sim.players; slot++) assertWindow(sim, slot, { markers }, `${name}, player 1 ready`);
        assertWorld(sim, { markers }, `${name}, player 1 ready`);

        // Player 0 collects too, then fires at player 1 two cells ahead.
        arrange(sim, [[1, rx, ry, Dir.N]], [[rx, ry]]);
        const b = sim.spec.matrix.interaction;
        let spot: [number, number] | null = null;
        for (let y = sim.height - 1; y >= 0 && !spot; y--) {
          for (let x = 0; x < sim.width && !spot; x++) {
            const cells = [[x, y], ...beamShapeNorth(x, y, b.length, b.radius), [x, y - 4]] as [number, number][];
            if (cells.every(([cx, cy]) => isClear(sim, cx, cy)) && grid.at(x - 1, y, Layer.Lower) !== 0) spot = [x, y];
          }
        }
        if (!spot) return; // no resource beside an open spot on this map: the ready marker above is still checked
        const [x, y] = spot;
        arrange(sim, [[0, x, y, Dir.W], [1, x, y - 2, Dir.S]], [[x, y], [x, y - 2]]);
        step(sim, { 0: 'FORWARD' });
        assert.equal(st.ready[0], 1, 'player 0 collected a resource');
        arrange(sim, [[0, x, y, Dir.N], [1, x, y - 2, Dir.S]], [[x, y], [x, y - 2]]);
        step(sim, { 0: 'INTERACT' });
        assert.ok(st.effectsAt[0] > sim.world.tick && st.effectsAt[1] > sim.world.tick, 'the two interacted');
        const col = st.pendingRow[1] === 0 ? 1 : 0;
        const row = col === 1 ? 0 : 1;
        const payoff = [0, 0];
        payoff[row] = st.pendingRowReward[col];
        payoff[col] = st.pendingColReward[col];
        const colourOf = (r: number): SpriteArt => {
          const k = m.intervals.findIndex(([lo, hi]) => lo <= r && r < hi);
          return m.results[k < 0 ? m.results.length - 1 : k];
        };
        markers = new Map([[cellOf(0), colourOf(payoff[0])], [cellOf(1), colourOf(payoff[1])]]);
        const beamCells = beamShapeNorth(x, y, b.length, b.radius).filter(([cx, cy]) => !(cx === x && cy <= y - 2));
        const beams = beamMap(sim, beamCells, a.beams.interact as SpriteArt);
        for (let slot = 0; slot < sim.players; slot++) assertWindow(sim, slot, { markers, beams }, `${name}, interaction`);
        assertWorld(sim, { markers, beams }, `${name}, interaction`);

        // The effects land and both leave the map: black frames. READY_TO_SHOOT still counts the cooldown down.
        while (grid.has(sim.avatars[0])) step(sim);
        assert.equal(grid.has(sim.avatars[1]), false);
        for (const slot of [0, 1]) assert.ok(window(sim, slot).every((v) => v === 0), `player ${slot} removed sees black`);
        assertWorld(sim, {}, `${name}, both removed`);
        // Matrix READY_TO_SHOOT = 1 − timer / cooldown even while removed (meltingpot/lua/levels/the_matrix/components.lua:916-919).
        const cd = b.cooldown;
        for (const slot of [0, 1]) assert.equal(readyToShoot(sim, slot), 1 - c.Cooldown.timer[sim.avatars[slot]] / cd, `player ${slot}`);
        assert.equal(readyToShoot(sim, 1), 1, 'the target never fired: ready while removed');
        c.Cooldown.timer[sim.avatars[0]] = 1;
        assert.equal(readyToShoot(sim, 0), 1 - 1 / cd, 'half-cooled while removed');
      });
    }
  });

  describe('dead apple patches (Commons Harvest)', () => {
    /** An isolated apple (3, 1) and a pair (1, 3), (2, 3); the player starts south of the isolated one. */
    const MAP = ['WWWWWWW', 'W  A  W', 'W  P  W', 'WAA  PW', 'WWWWWWW'];

    it('draws grass as dessicated (the floor sprite) under a waiting apple with no live neighbour, from the next tick', () => {
      const sim = tinySim(tinySpec(MAP, { players: 2 }));
      placeAll(sim, [[0, 3, 2, Dir.N], [1, 5, 3, Dir.W]]);
      const dead = 1 * sim.width + 3;
      step(sim, { 0: 'FORWARD' }); // eats the isolated apple
      assertWindow(sim, 0, {}, 'the tick it is eaten: still grass');
      step(sim, { 0: 'BACKWARD' });
      const dessicated = new Set([dead]);
      assertWindow(sim, 0, { dessicated }, 'the next tick');
      assertWorld(sim, { dessicated }, 'the next tick');
      assert.notDeepEqual(window(sim, 0), expectedWindow(sim, 0), 'the dead patch shows');
    });

    it('keeps grass under a waiting apple that still has a live neighbour', () => {
      const sim = tinySim(tinySpec(MAP, { players: 2 }));
      placeAll(sim, [[0, 3, 2, Dir.N], [1, 2, 2, Dir.W]]);
      step(sim, { 1: 'STEP_LEFT' }); // facing west, stepping left goes south onto (2, 3)
      assert.equal(sim.world.grid.at(2, 3, Layer.Lower), 0, 'the apple at (2, 3) was eaten');
      step(sim, { 1: 'STEP_RIGHT' });
      step(sim);
      assertWindow(sim, 0, {}, 'a neighbour is still live');
      assertWorld(sim, {}, 'a neighbour is still live');
    });
  });

  describe('Clean Up layers', () => {
    it("draws avatars over the north shadows (avatars on superOverlay, shadows on overlay: clean_up.py:644, :267)", () => {
      const sim = freshSim('clean_up');
      // Row 6 of the map is '=' (sand + shadow_n) from column 1 to 14; stand there facing south, so the shadow,
      // turned with the view, lies along the bottom row of the cell, where the avatar's feet are.
      const x = 5, y = 6;
      assert.equal(sim.map.chars[y * sim.width + x], '=');
      arrange(sim, [[0, x, y, Dir.S]], [[x, y]]);
      const frame = assertWindow(sim, 0, {}, 'standing on a shadow');
      const { view, spriteSize: px } = sim.spec.observation;
      const cols = view.left + view.right + 1;
      const at = ((view.forward * px + 7) * cols * px + view.left * px + 2) * 3; // the left foot: CUTE_AVATAR_N row 7, column 2
      // Clean Up's Self is human_readable[0] (45, 110, 220) (clean_up.py:487-493); '&' is × 0.75.
      assert.deepEqual([...frame.subarray(at, at + 3)], [33, 82, 165], "the Self palette's '&', not shaded");
    });
  });

  describe('Clean Up water', () => {
    it('animates the river: each cell moves one frame every two ticks, from a start frame that varies by cell', () => {
      const sim = freshSim('clean_up');
      const river: number[] = [];
      for (let cell = 0; cell < sim.background.length; cell++) if (sim.background[cell] === Sprite.River) river.push(cell);
      const starts = new Set(river.map((cell) => riverFrame(sim, cell)));
      assert.equal(starts.size, 4, 'all four start frames occur');
      const at0 = river.map((cell) => riverFrame(sim, cell));
      step(sim);
      assert.deepEqual(river.map((cell) => riverFrame(sim, cell)), at0, 'tick 1: same frame');
      step(sim);
      assert.deepEqual(river.map((cell) => riverFrame(sim, cell)), at0.map((f) => (f + 1) & 3), 'tick 2: next frame');
      assertWorld(sim, {}, 'the river at tick 2');
    });
  });
});

/** A clear cell an avatar could be put on. */
function isClearAvatarCell(sim: Sim, x: number, y: number): boolean {
  return isClear(sim, x, y);
}
