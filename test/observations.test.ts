/**
 * Observations (Melting Pot section 3): the egocentric symbolic window, the shapes of the RGB window and WORLD.RGB,
 * READY_TO_SHOOT and the per-agent buffers. Melting Pot facts checked: the window is 9 ahead, 1 behind, 5 to each
 * side and rotates with the avatar so that forward is up (meltingpot/configs/substrates/commons_harvest__open.py:
 * 482-488); 8 px sprites (:579), so 88×88×3 for commons and WORLD.RGB 144×192 (:551-556); a removed player's view
 * is out of bounds everywhere (lab2d dmlab2d/lib/system/grid_world/lua/lua_grid_view.cc:97-123); the zapper's
 * READY_TO_SHOOT = max(1 − timer/cooldown, 0) on the map, 0 off it (meltingpot/lua/modules/avatar_library.lua:
 * 737-744). The pixels themselves are checked against Melting Pot's art in test/renderFrames.test.ts.
 */
import { strict as assert } from 'node:assert';
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import { Rng } from '../ecs/rng.js';
import { substrate as open } from '../substrates/commons_harvest__open.js';
import { substrateNames } from '../substrates/registry.js';
import type { Rgb } from '../substrates/types.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import {
  createObservationStage,
  ObservationBuffers,
  readyToShoot,
  renderRgb,
  renderSymbolic,
  renderWorld,
  rgbShape,
  SYMBOL_CODES,
  SYMBOL_NAMES,
  worldShape,
} from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { Sprite, SPRITE_NAMES } from '../systems/sprites.js';
import { expectedWorld, firstDifference, recordedBeams } from './helpers/expectedFrames.js';
import { Dir, placeAll, step, tinySim, tinySpec } from './helpers/tinyWorld.js';
import { applesOf } from '../systems/apples/index.js';

/**
 * 6 columns × 5 rows. Live apple on grass at (2, 1); grass under a waiting (invisible) apple at (4, 3).
 * Player 0 (the observer) stands at (2, 2), player 1 east of it at (3, 2) facing north.
 */
const MAP = ['WWWWWW', 'W A  W', 'WPP  W', 'W   aW', 'WWWWWW'];
const ROWS = 11, COLS = 11, PX = 8;
/** Where the observer sits in its own window: row `forward`, column `left`. */
const SELF_ROW = 9, SELF_COL = 5;

function tiny(observerFacing: Dir, otherFacing: Dir = Dir.N): Sim {
  const sim = tinySim(tinySpec(MAP, { players: 2 }));
  placeAll(sim, [[0, 2, 2, observerFacing], [1, 3, 2, otherFacing]]);
  return sim;
}

/** One character per code: ' ' off the map, '.' floor, W wall, a apple, g grass, ^>v< self, URDL others. */
const CHARS = ' .Wag^>v<URDL';

function symbolRows(sim: Sim, slot: number): string[] {
  const out = new Uint8Array(ROWS * COLS);
  renderSymbolic(sim, slot, out);
  const rows: string[] = [];
  for (let i = 0; i < ROWS; i++) rows.push([...out.subarray(i * COLS, (i + 1) * COLS)].map((c) => CHARS[c]).join(''));
  return rows;
}

const BLANK = '           ';

/** Rows 6–10 of player 0's window, worked out by hand from MAP (rows 0–5 are off the map in every facing). */
const GOLDEN: Record<string, string[]> = {
  N: [BLANK, '   WWWWWW  ', '   W.a..W  ', '   W.^U.W  ', '   W...gW  '],
  E: ['   WWWWW   ', '   W..gW   ', '   W.L.W   ', '   Wa^.W   ', '   W...W   '],
  S: [BLANK, '  WWWWWW   ', '  Wg...W   ', '  W.D^.W   ', '  W..a.W   '],
  W: [BLANK, '   WWWWW   ', '   W...W   ', '   W.^aW   ', '   W.R.W   '],
};
const FACINGS: readonly [string, Dir][] = [['N', Dir.N], ['E', Dir.E], ['S', Dir.S], ['W', Dir.W]];

function frame(sim: Sim, slot: number): Uint8Array {
  const [h, w, ch] = rgbShape(sim);
  const out = new Uint8Array(h * w * ch);
  renderRgb(sim, slot, out);
  return out;
}

/** Symbol code of a sprite by name (dessicated grass reads as floor); undefined for the avatar. */
function codeOfSprite(id: number): number | undefined {
  const name = SPRITE_NAMES[id] === 'dessicated' ? 'floor' : SPRITE_NAMES[id];
  return (SYMBOL_CODES as Readonly<Record<string, number>>)[name];
}

/** The symbolic window computed straight from the grid, cell by cell: a reference independent of the renderer. */
function referenceSymbolic(sim: Sim, slot: number): Uint8Array {
  const { view } = sim.spec.observation;
  const rows = view.forward + view.backward + 1, cols = view.left + view.right + 1;
  const { c, grid } = sim.world;
  const eid = sim.avatars[slot];
  const dir = c.Orientation.dir[eid];
  const right = (dir + 1) % 4;
  const out = new Uint8Array(rows * cols);
  if (!grid.has(eid)) return out; // a removed observer sees nothing but out of bounds
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const ahead = view.forward - i, side = j - view.left;
      let x = c.Position.x[eid] + ahead * DIR_DX[dir] + side * DIR_DX[right];
      let y = c.Position.y[eid] + ahead * DIR_DY[dir] + side * DIR_DY[right];
      if (grid.torus) [x, y] = [grid.wrapX(x), grid.wrapY(y)];
      let code: number = SYMBOL_CODES.outOfBounds;
      if (grid.inBounds(x, y)) {
        const upper = grid.at(x, y, Layer.Upper), lower = grid.at(x, y, Layer.Lower);
        const lowerCode = lower === 0 ? undefined : codeOfSprite(c.Sprite.id[lower]);
        // Territory's resource walls read as walls.
        if (upper !== 0 && (c.Sprite.id[upper] === Sprite.Wall || c.Sprite.id[upper] === Sprite.Claimable)) code = SYMBOL_CODES.wall;
        else if (upper !== 0) code = (upper === eid ? SYMBOL_CODES.selfUp : SYMBOL_CODES.otherUp) + ((c.Orientation.dir[upper] - dir + 4) % 4);
        else if (lowerCode !== undefined) code = lowerCode;
        else if (deadPatch(sim, x, y)) code = SYMBOL_CODES.floor;
        else code = codeOfSprite(sim.background[grid.cellIndex(x, y)]) ?? SYMBOL_CODES.outOfBounds;
      }
      out[i * cols + j] = code;
    }
  }
  return out;
}

/**
 * Is (x, y) grass under an apple that was already waiting at the start of this tick with no live apple within the
 * regrowth radius then (dessicated, drawn as floor: meltingpot/lua/levels/commons_harvest/components.lua:181-193)?
 */
function deadPatch(sim: Sim, x: number, y: number): boolean {
  const { grid } = sim.world;
  const e = grid.at(x, y, Layer.Logic);
  const i = e === 0 ? -1 : (applesOf(sim)?.indexOf[e] ?? -1);
  if (!sim.spec.regrowth || i < 0 || sim.world.tick === 0 || sim.background[grid.cellIndex(x, y)] !== Sprite.Grass) return false;
  return applesOf(sim)!.startCounts[i] === 0 && applesOf(sim)!.eatenAt[i] < sim.world.tick;
}

/** A substrate after `steps` ticks of seeded random actions (zaps included, so some players get removed). */
function midEpisode(steps: number, seed = 3, scale = 1, substrate = 'commons_harvest__open'): Environment {
  const env = new Environment({ substrate, seed, scale });
  env.reset();
  const rng = new Rng(seed);
  const actions = new Int32Array(env.players);
  for (let t = 0; t < steps; t++) {
    for (let s = 0; s < actions.length; s++) actions[s] = rng.int(env.spec.actions.length);
    env.step(actions);
    if (env.done) env.reset();
  }
  return env;
}

describe('symbol codes', () => {
  it('derives the name → code table from the code → name list', () => {
    SYMBOL_NAMES.forEach((name, code) => assert.equal(SYMBOL_CODES[name], code));
    assert.equal(Object.keys(SYMBOL_CODES).length, SYMBOL_NAMES.length);
    assert.deepEqual(
      [SYMBOL_CODES.outOfBounds, SYMBOL_CODES.floor, SYMBOL_CODES.wall, SYMBOL_CODES.apple, SYMBOL_CODES.grass],
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual([SYMBOL_CODES.selfUp, SYMBOL_CODES.selfLeft, SYMBOL_CODES.otherUp, SYMBOL_CODES.otherLeft], [5, 8, 9, 12]);
  });
});

describe('renderSymbolic: the egocentric window', () => {
  for (const [name, dir] of FACINGS) {
    it(`rotates the window so that forward is up when facing ${name} (golden window)`, () => {
      const rows = symbolRows(tiny(dir), 0);
      assert.deepEqual(rows.slice(0, 6), new Array<string>(6).fill(BLANK), 'rows 0-5 lie beyond the map');
      assert.deepEqual(rows.slice(6), GOLDEN[name], `facing ${name}`);
    });
  }

  it('puts the observer at row `forward`, column `left`, always facing up', () => {
    for (const [name, dir] of FACINGS) {
      const out = new Uint8Array(ROWS * COLS);
      renderSymbolic(tiny(dir), 0, out);
      assert.equal(out[SELF_ROW * COLS + SELF_COL], SYMBOL_CODES.selfUp, `facing ${name}`);
    }
  });

  it("codes another player's facing relative to the observer's", () => {
    // Observer faces north, the other player (east of it) turns through N, E, S, W: up, right, down, left.
    const seen = FACINGS.map(([, d]) => symbolRows(tiny(Dir.N, d), 0)[SELF_ROW][SELF_COL + 1]);
    assert.deepEqual(seen, ['U', 'R', 'D', 'L']);
    // Both facing east: the other player, straight ahead, faces up in the view.
    assert.equal(symbolRows(tiny(Dir.E, Dir.E), 0)[SELF_ROW - 1][SELF_COL], 'U');
  });

  it('shows a removed observer nothing: every cell is out of bounds', () => {
    const sim = tiny(Dir.E);
    sim.world.grid.remove(sim.avatars[0]);
    sim.world.c.Removed.until[sim.avatars[0]] = sim.world.tick + 5;
    assert.deepEqual(symbolRows(sim, 0), new Array<string>(ROWS).fill(BLANK));
    const other = new Uint8Array(ROWS * COLS);
    renderSymbolic(sim, 1, other);
    assert.deepEqual([...other], [...referenceSymbolic(sim, 1)], 'the other player still sees the map');
    assert.ok(other.some((code) => code !== SYMBOL_CODES.outOfBounds));
  });

  it('matches a cell-by-cell reading of the grid for every player of a commons episode, removed ones included', () => {
    const env = midEpisode(250);
    const rng = new Rng(9);
    const actions = new Int32Array(env.players);
    const offMap = (): number => env.sim.avatars.filter((eid) => !env.sim.world.grid.has(eid)).length;
    for (let t = 0; t < 500 && offMap() === 0; t++) {
      for (let s = 0; s < actions.length; s++) actions[s] = rng.int(env.spec.actions.length);
      env.step(actions);
    }
    assert.ok(offMap() > 0, 'some player is waiting to respawn');
    const out = new Uint8Array(ROWS * COLS);
    for (let slot = 0; slot < env.players; slot++) {
      renderSymbolic(env.sim, slot, out);
      assert.deepEqual([...out], [...referenceSymbolic(env.sim, slot)], `player ${slot}`);
    }
  });

  for (const name of substrateNames()) {
    it(`matches a cell-by-cell reading of the grid in ${name}, every player, over 300 random ticks`, () => {
      const env = midEpisode(0, 11, 1, name);
      const buffers = new ObservationBuffers(env.sim, 'symbolic');
      const rng = new Rng(11);
      const actions = new Int32Array(env.players);
      for (let t = 0; t < 300; t++) {
        for (let s = 0; s < actions.length; s++) actions[s] = rng.int(env.spec.actions.length);
        env.step(actions);
        if (env.done) env.reset();
        if (t % 30 !== 29) continue;
        buffers.render(env.sim);
        for (let slot = 0; slot < env.players; slot++) {
          assert.deepEqual([...buffers.symbolic[slot]], [...referenceSymbolic(env.sim, slot)], `tick ${env.tick}, player ${slot}`);
        }
      }
    });
  }

  it('rejects a buffer of the wrong size', () => {
    assert.throws(() => renderSymbolic(tiny(Dir.N), 0, new Uint8Array(120)), /121 bytes/);
  });
});

describe('renderRgb: the egocentric RGB window', () => {
  it('is 88×88×3 for commons_harvest__open', () => {
    const env = midEpisode(0);
    assert.deepEqual(rgbShape(env.sim), [88, 88, 3]);
    assert.throws(() => renderRgb(env.sim, 0, new Uint8Array(88 * 88 * 3 - 1)), /23232 bytes/);
  });

  it('renders the same into a buffer that is not word-aligned', () => {
    const sim = tiny(Dir.S);
    const n = ROWS * COLS * PX * PX * 3;
    const odd = new Uint8Array(new ArrayBuffer(n + 1), 1, n);
    renderRgb(sim, 0, odd);
    assert.deepEqual(odd, frame(sim, 0));
  });
});

describe('renderWorld: WORLD.RGB', () => {
  it('is 144×192×3 for commons, the whole map facing north with every avatar in its player colour', () => {
    const env = midEpisode(40);
    const sim = env.sim;
    assert.deepEqual(worldShape(sim), [144, 192, 3]);
    const img = new Uint8Array(144 * 192 * 3);
    renderWorld(sim, img);
    assert.equal(firstDifference(img, expectedWorld(sim, { beams: recordedBeams(sim) }), 192), '');
  });

  it('cycles the player colours beyond the palette (scale 2: 28 players, 16 colours)', () => {
    const env = midEpisode(5, 3, 2);
    const sim = env.sim;
    const [h, w] = worldShape(sim);
    const img = new Uint8Array(h * w * 3);
    renderWorld(sim, img);
    assert.equal(firstDifference(img, expectedWorld(sim, { beams: recordedBeams(sim) }), w), '');
  });

  it('renders the same into a buffer that is not word-aligned', () => {
    const sim = midEpisode(10).sim;
    const n = 144 * 192 * 3;
    const odd = new Uint8Array(new ArrayBuffer(n + 1), 1, n);
    renderWorld(sim, odd);
    assert.equal(firstDifference(odd, expectedWorld(sim, { beams: recordedBeams(sim) }), 192), '');
  });
});

describe('readyToShoot', () => {
  it('is 1 when ready, 0 right after firing, then 0.5 and 1 again as the cooldown of 2 runs down', () => {
    const sim = tiny(Dir.N);
    const seen = [readyToShoot(sim, 0)];
    step(sim, { 0: 'FIRE_ZAP' });
    seen.push(readyToShoot(sim, 0));
    for (let t = 0; t < 2; t++) {
      step(sim);
      seen.push(readyToShoot(sim, 0));
    }
    assert.deepEqual(seen, [1, 0, 0.5, 1]);
  });

  it('is 0 while the player is removed', () => {
    const sim = tiny(Dir.E);
    step(sim, { 1: 'TURN_LEFT' }); // player 1 now faces west, towards player 0 next to it
    step(sim, { 1: 'FIRE_ZAP' });
    assert.equal(sim.world.grid.has(sim.avatars[0]), false, 'player 0 was zapped');
    assert.equal(readyToShoot(sim, 0), 0);
  });

  it('is 1 with a cooldown of 0 and 0 in a substrate without a zapper', () => {
    const free = tinySim(tinySpec(MAP, { players: 2, zapper: { cooldown: 0 } }));
    step(free, { 0: 'FIRE_ZAP' });
    assert.equal(readyToShoot(free, 0), 1);
    const none = tinySim({ ...tinySpec(MAP, { players: 2 }), zapper: undefined, actions: open.actions.slice(0, 7) });
    assert.equal(readyToShoot(none, 0), 0);
  });
});

describe('ObservationBuffers', () => {
  it('holds an 88×88×3 RGB frame per agent by default for commons, and 11×11 symbolic windows', () => {
    const env = midEpisode(0);
    const rgb = new ObservationBuffers(env.sim);
    assert.deepEqual(rgb.rgbShape, [88, 88, 3]);
    assert.deepEqual(rgb.symbolicShape, [11, 11]);
    assert.equal(rgb.rgb.length, 7);
    for (let s = 0; s < 7; s++) {
      assert.equal(rgb.rgb[s].length, 88 * 88 * 3);
      assert.equal(rgb.mode(s), 'rgb');
    }
    const sym = new ObservationBuffers(env.sim, 'symbolic');
    assert.equal(sym.symbolic[3].length, 121);
  });

  it('renders what renderRgb and renderSymbolic render, for every agent', () => {
    const env = midEpisode(120);
    const buffers = new ObservationBuffers(env.sim);
    for (let s = 0; s < env.players; s += 2) buffers.setMode(s, 'symbolic');
    buffers.render(env.sim);
    const codes = new Uint8Array(121);
    for (let s = 0; s < env.players; s++) {
      if (s % 2 === 0) {
        renderSymbolic(env.sim, s, codes);
        assert.deepEqual(buffers.symbolic[s], codes, `player ${s} symbolic`);
      } else {
        assert.deepEqual(buffers.rgb[s], frame(env.sim, s), `player ${s} rgb`);
      }
      assert.equal(buffers.readyToShoot[s], readyToShoot(env.sim, s));
    }
  });

  it("leaves a 'none' agent's buffer untouched", () => {
    const sim = tiny(Dir.N);
    const buffers = new ObservationBuffers(sim);
    buffers.render(sim);
    buffers.setMode(0, 'none');
    buffers.rgb[0].fill(7);
    buffers.readyToShoot[0] = 0.25;
    placeAll(sim, [[0, 3, 3, Dir.W]]);
    buffers.render(sim);
    assert.ok(buffers.rgb[0].every((b) => b === 7), 'frame unchanged');
    assert.equal(buffers.readyToShoot[0], 0.25);
    assert.deepEqual(buffers.rgb[1], frame(sim, 1), 'the other agent was rendered');
    const none = new ObservationBuffers(sim, 'none');
    none.render(sim);
    assert.equal(none.rgb[0].length, 0, 'no frame is even allocated');
  });

  it('follows the sim across steps and episode resets as a pipeline stage', () => {
    const env = new Environment({ substrate: 'commons_harvest__open', seed: 5 });
    env.reset();
    const buffers = new ObservationBuffers(env.sim, 'symbolic');
    const stage = createObservationStage(buffers);
    for (let t = 0; t < 3; t++) {
      env.step();
      stage(env.sim);
    }
    env.reset();
    stage(env.sim);
    for (let s = 0; s < env.players; s++) assert.deepEqual([...buffers.symbolic[s]], [...referenceSymbolic(env.sim, s)], `player ${s}`);
  });

  it('rejects an unknown mode, a bad slot and another sim', () => {
    const sim = tiny(Dir.N);
    const buffers = new ObservationBuffers(sim);
    assert.throws(() => buffers.setMode(0, 'depth' as 'rgb'), /rgb, symbolic, none/);
    assert.throws(() => buffers.setMode(2, 'rgb'), /0 to 1/);
    assert.throws(() => buffers.render(midEpisode(0).sim), /tiny with 2 players/);
  });
});
