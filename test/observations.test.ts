/**
 * Observations (Melting Pot section 3): the egocentric RGB and symbolic windows, WORLD.RGB, READY_TO_SHOOT and the
 * per-agent buffers. Melting Pot facts checked: the window is 9 ahead, 1 behind, 5 to each side and rotates with
 * the avatar so that forward is up; 8 px sprites, so 88×88×3 for commons and WORLD.RGB 144×192; the observer is
 * drawn in the Self colour and others in `colors.human_readable[slot]`; READY_TO_SHOOT = max(1 − timer/cooldown, 0)
 * on the map, 0 off it.
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
import { buildSpriteAtlas } from '../systems/spriteSheet.js';
import { Sprite, SPRITE_COUNT, SPRITE_NAMES } from '../systems/sprites.js';
import { Dir, placeAll, step, tinySim, tinySpec } from './helpers/tinyWorld.js';

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

/** Pixel (px, py) of window cell (row, col) of a frame `cols` cells wide. */
function pixel(img: Uint8Array, cols: number, row: number, col: number, px = 4, py = 4): Rgb {
  const o = ((row * PX + py) * cols * PX + col * PX + px) * 3;
  return [img[o], img[o + 1], img[o + 2]];
}

function block(img: Uint8Array, cols: number, row: number, col: number): Rgb[][] {
  const rows: Rgb[][] = [];
  for (let py = 0; py < PX; py++) {
    const r: Rgb[] = [];
    for (let px = 0; px < PX; px++) r.push(pixel(img, cols, row, col, px, py));
    rows.push(r);
  }
  return rows;
}

const P = open.observation.palette;
const SELF = open.observation.selfColor;
const OTHERS = open.observation.playerColors;
const same = (a: Rgb, b: Rgb): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** What a cell is, read only from the colour at its centre (every sprite's centre 2×2 is its own colour). */
function kindFromColours(img: Uint8Array, cols: number, row: number, col: number): string {
  const c = pixel(img, cols, row, col);
  if (same(c, SELF)) return 'self';
  if (OTHERS.some((o) => same(c, o))) return 'other';
  const named: [string, Rgb][] = [['apple', P.apple], ['wall', P.wall], ['grass', P.grass], ['floor', P.floor], ['outOfBounds', P.outOfBounds]];
  for (const [name, colour] of named) if (same(c, colour)) return name;
  return `unknown colour ${c.join(',')}`;
}

function kindFromCode(code: number): string {
  const name = SYMBOL_NAMES[code];
  return name.startsWith('self') ? 'self' : name.startsWith('other') ? 'other' : name;
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
        if (upper !== 0 && c.Sprite.id[upper] === Sprite.Wall) code = SYMBOL_CODES.wall;
        else if (upper !== 0) code = (upper === eid ? SYMBOL_CODES.selfUp : SYMBOL_CODES.otherUp) + ((c.Orientation.dir[upper] - dir + 4) % 4);
        else if (lowerCode !== undefined) code = lowerCode;
        else code = codeOfSprite(sim.background[grid.cellIndex(x, y)]) ?? SYMBOL_CODES.outOfBounds;
      }
      out[i * cols + j] = code;
    }
  }
  return out;
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

  it('shows a removed observer the window at its last position and facing, without itself', () => {
    const sim = tiny(Dir.E);
    sim.world.grid.remove(sim.avatars[0]);
    sim.world.c.Removed.until[sim.avatars[0]] = sim.world.tick + 5;
    const rows = symbolRows(sim, 0);
    assert.equal(rows[SELF_ROW], '   Wa..W   ', 'the own cell shows the floor beneath');
    assert.equal(rows[SELF_ROW - 1], '   W.L.W   ', 'the rest of the view is unchanged');
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
  /** [row, col] of each kind of cell in player 0's window, read off the golden windows. */
  const CELLS: Record<string, Record<string, [number, number]>> = {
    N: { other: [9, 6], apple: [8, 5], wall: [7, 5], floor: [10, 5], grass: [10, 7] },
    E: { other: [8, 5], apple: [9, 4], wall: [6, 5], floor: [10, 5], grass: [7, 6] },
    S: { other: [9, 4], apple: [10, 5], wall: [7, 5], floor: [8, 5], grass: [8, 3] },
    W: { other: [10, 5], apple: [9, 6], wall: [7, 5], floor: [9, 4] },
  };

  for (const [name, dir] of FACINGS) {
    it(`draws self, other player, apple, wall, floor, grass and off-map cells in place when facing ${name}`, () => {
      const img = frame(tiny(dir), 0);
      assert.deepEqual(pixel(img, COLS, SELF_ROW, SELF_COL), SELF, 'the observer in the Self colour');
      const at = CELLS[name];
      assert.deepEqual(pixel(img, COLS, ...at.other), OTHERS[1], 'player 1 in playerColors[1]');
      assert.deepEqual(pixel(img, COLS, ...at.apple), P.apple);
      assert.deepEqual(pixel(img, COLS, ...at.apple, 0, 7), P.grass, 'the apple sits on grass');
      assert.deepEqual(pixel(img, COLS, ...at.wall), P.wall);
      assert.notDeepEqual(pixel(img, COLS, ...at.wall, 0, 0), P.wall, 'walls have a darker border');
      assert.deepEqual(pixel(img, COLS, ...at.floor), P.floor);
      if (at.grass) assert.deepEqual(pixel(img, COLS, ...at.grass), P.grass);
      assert.deepEqual(pixel(img, COLS, SELF_ROW, SELF_COL, 0, 0), P.floor, 'avatar corners show the floor beneath');
      for (const [r, c] of [[0, 0], [0, 10], [5, 5], [10, 0]] as const) {
        assert.deepEqual(pixel(img, COLS, r, c), P.outOfBounds, `off-map cell (${r}, ${c})`);
      }
    });
  }

  it('is 88×88×3 for commons_harvest__open', () => {
    const env = midEpisode(0);
    assert.deepEqual(rgbShape(env.sim), [88, 88, 3]);
    assert.throws(() => renderRgb(env.sim, 0, new Uint8Array(88 * 88 * 3 - 1)), /23232 bytes/);
  });

  it('turns tile art with the view but keeps avatars upright (Melting Pot noRotate avatars)', () => {
    const north = frame(tiny(Dir.N), 0), east = frame(tiny(Dir.E), 0);
    // The same grass cell (4, 3): (10, 7) facing north, (7, 6) facing east. Facing east, view pixel (u, v) shows
    // world pixel (7 − v, u).
    const n = block(north, COLS, 10, 7), e = block(east, COLS, 7, 6);
    for (let v = 0; v < PX; v++) for (let u = 0; u < PX; u++) assert.deepEqual(e[v][u], n[u][7 - v], `pixel (${u}, ${v})`);
    assert.notDeepEqual(e, n, 'the grass speckle is not rotation-symmetric');
    for (const [, dir] of FACINGS) {
      assert.deepEqual(block(frame(tiny(dir), 0), COLS, SELF_ROW, SELF_COL), block(north, COLS, SELF_ROW, SELF_COL));
    }
  });

  it('matches the symbolic window cell by cell, reading each cell from its colours', () => {
    const check = (sim: Sim, slot: number, what: string): void => {
      const img = frame(sim, slot);
      const codes = new Uint8Array(ROWS * COLS);
      renderSymbolic(sim, slot, codes);
      for (let r = 0; r < ROWS; r++) {
        for (let c = 0; c < COLS; c++) {
          assert.equal(kindFromColours(img, COLS, r, c), kindFromCode(codes[r * COLS + c]), `${what}, cell (${r}, ${c})`);
        }
      }
    };
    for (const [name, dir] of FACINGS) for (const slot of [0, 1]) check(tiny(dir), slot, `tiny map facing ${name}, player ${slot}`);
    const env = midEpisode(250);
    for (let slot = 0; slot < env.players; slot++) check(env.sim, slot, `commons, player ${slot}`);
  });

  it('renders the same into a buffer that is not word-aligned', () => {
    const sim = tiny(Dir.S);
    const n = ROWS * COLS * PX * PX * 3;
    const odd = new Uint8Array(new ArrayBuffer(n + 1), 1, n);
    renderRgb(sim, 0, odd);
    assert.deepEqual(odd, frame(sim, 0));
  });
});

describe('sprite sheet', () => {
  it('falls back to neutral grey for a missing palette key and black for a missing out-of-bounds colour', () => {
    const { outOfBounds: _, ...palette } = P;
    const atlas = buildSpriteAtlas({ ...open, observation: { ...open.observation, palette } }, 7);
    const texel = (tile: number): number[] => [...atlas.sprites.subarray(tile * 256 + 4 * 36, tile * 256 + 4 * 36 + 3)];
    assert.deepEqual(texel(Sprite.Sand), [128, 128, 128], 'commons has no sand colour');
    assert.deepEqual(texel(Sprite.OutOfBounds), [0, 0, 0]);
    assert.deepEqual(texel(Sprite.Dessicated), [...P.floor], 'dessicated grass is drawn as floor');
    assert.equal(atlas.colours, 8, 'Self and seven player colours');
    assert.equal(atlas.sprites.length, (SPRITE_COUNT + 8) * 64 * 4);
  });

  it('copies through 4-byte words, bit-exact, when a palette colour would make 8-byte words NaN', () => {
    const white = tinySpec(MAP, { players: 2, extra: {} });
    const spec = { ...white, observation: { ...white.observation, palette: { ...P, floor: [255, 255, 255] as Rgb } } };
    assert.equal(buildSpriteAtlas(open, 7).unit, 8);
    assert.equal(buildSpriteAtlas(spec, 2).unit, 4);
    const sim = tinySim(spec);
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 3, 2, Dir.N]]);
    const img = frame(sim, 0);
    assert.deepEqual(pixel(img, COLS, 10, 5), [255, 255, 255]);
    assert.deepEqual(pixel(img, COLS, SELF_ROW, SELF_COL, 0, 0), [255, 255, 255]);
  });
});

describe('renderWorld: WORLD.RGB', () => {
  it('is 144×192×3 for commons, unrotated, with every avatar in its player colour', () => {
    const env = midEpisode(40);
    const sim = env.sim;
    assert.deepEqual(worldShape(sim), [144, 192, 3]);
    const img = new Uint8Array(144 * 192 * 3);
    renderWorld(sim, img);
    assert.deepEqual(pixel(img, 24, 0, 0), P.wall);
    assert.notDeepEqual(pixel(img, 24, 0, 0, 0, 0), P.wall, 'wall border');
    assert.deepEqual(pixel(img, 24, 17, 23), P.wall, 'bottom-right corner');
    const { c, grid } = sim.world;
    let drawn = 0;
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      if (!grid.has(eid)) continue;
      assert.deepEqual(pixel(img, 24, c.Position.y[eid], c.Position.x[eid]), OTHERS[slot], `player ${slot}`);
      drawn++;
    }
    assert.ok(drawn > 0);
    for (let y = 0; y < sim.height; y++) {
      for (let x = 0; x < sim.width; x++) {
        const live = grid.at(x, y, Layer.Lower) !== 0 && grid.at(x, y, Layer.Upper) === 0;
        if (live) assert.deepEqual(pixel(img, 24, y, x), P.apple, `apple at (${x}, ${y})`);
      }
    }
  });

  it('cycles the player colours beyond the palette (scale 2: 28 players, 16 colours)', () => {
    const env = midEpisode(5, 3, 2);
    const sim = env.sim;
    const [h, w] = worldShape(sim);
    const img = new Uint8Array(h * w * 3);
    renderWorld(sim, img);
    const { c, grid } = sim.world;
    for (let slot = 16; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      if (grid.has(eid)) assert.deepEqual(pixel(img, sim.width, c.Position.y[eid], c.Position.x[eid]), OTHERS[slot % 16], `player ${slot}`);
    }
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
