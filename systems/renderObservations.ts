/**
 * Observations (Melting Pot section 3): the egocentric RGB window, a symbolic window of the same cells, WORLD.RGB,
 * and the scalars READY_TO_SHOOT, the step reward and COLLECTIVE_REWARD. Nothing here allocates per frame.
 *
 * The window. An avatar at (x, y) facing f sees `forward` cells ahead, `backward` behind and `left` / `right` to
 * the sides (commons: 9 / 1 / 5 / 5 → 11 × 11 cells → 88 × 88 × 3), rotated so that it always faces up: row 0 of
 * the image is the row farthest ahead, column 0 the farthest to its left, and the avatar itself sits at row
 * `forward`, column `left`. A cell shows its background tile, then the live object on the lower layer (an apple),
 * then the upper layer (a wall or an avatar); cells off the map show the out-of-bounds tile. The observer's own
 * avatar is drawn in `selfColor`, every other avatar in `playerColors[slot % playerColors.length]`. Tile art turns
 * with the view; avatar art stays upright (systems/spriteSheet.ts).
 *
 * A removed observer (zapped, waiting to respawn) still gets a frame: the window at its last position and facing,
 * without its own avatar, which is off the map. This follows Lab2D, where the zapped avatar's piece stays at its
 * cell in an invisible wait state and the view is still taken from that piece. Its READY_TO_SHOOT is 0.
 *
 * Symbolic window: one byte per window cell, same geometry and layer order, codes in `SYMBOL_NAMES`:
 *
 * | code | name        | cell shows                                                    |
 * |------|-------------|---------------------------------------------------------------|
 * | 0    | outOfBounds | off the map (or a map cell with no background and nothing on it) |
 * | 1    | floor       | floor, or dessicated grass (drawn with the floor sprite)      |
 * | 2    | wall        | a wall                                                        |
 * | 3    | apple       | a live apple                                                  |
 * | 4    | grass       | grass without a live apple                                    |
 * | 5–8  | self…       | the observer, facing up / right / down / left in the view (always 5 while visible) |
 * | 9–12 | other…      | another player, facing up / right / down / left in the view   |
 * | 13   | sand        |                                                               |
 * | 14   | river       |                                                               |
 * | 15   | dirt        |                                                               |
 * | 16   | resource1   |                                                               |
 * | 17   | resource2   |                                                               |
 *
 * Facing "in the view": (avatar facing − observer facing) mod 4, 0 = up, clockwise.
 */
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import type { ViewSpec } from '../substrates/types.js';
import { Layer } from './layers.js';
import type { Sim } from './sim.js';
import {
  BACKGROUND_CLASS,
  BACKGROUND_CLASSES,
  BACKGROUND_SPRITES,
  getSpriteAtlas,
  LOWER_CLASS,
  LOWER_CLASSES,
  LOWER_SPRITES,
  UPPER_SELF,
  UPPER_WALL,
  type SpriteAtlas,
} from './spriteSheet.js';
import { Sprite, SPRITE_COUNT, SPRITE_NAMES } from './sprites.js';

/** Symbolic codes, by code. The order is the table above; `SYMBOL_CODES` is derived from it. */
export const SYMBOL_NAMES = [
  'outOfBounds', 'floor', 'wall', 'apple', 'grass',
  'selfUp', 'selfRight', 'selfDown', 'selfLeft',
  'otherUp', 'otherRight', 'otherDown', 'otherLeft',
  'sand', 'river', 'dirt', 'resource1', 'resource2',
] as const;
export type SymbolName = (typeof SYMBOL_NAMES)[number];

/** Symbol name → code. */
export const SYMBOL_CODES: Readonly<Record<SymbolName, number>> = Object.freeze(
  Object.fromEntries(SYMBOL_NAMES.map((name, code) => [name, code])) as Record<SymbolName, number>,
);

/** Sprites whose symbol is another sprite's: dessicated grass is drawn with the floor sprite. */
const SYMBOL_ALIASES: Readonly<Record<string, SymbolName>> = { dessicated: 'floor' };
const NO_SYMBOL = 255;

/** Sprite id → symbol code (NO_SYMBOL for the avatar, whose code depends on who looks). */
export const SPRITE_SYMBOL: Uint8Array = (() => {
  const t = new Uint8Array(SPRITE_COUNT).fill(NO_SYMBOL);
  SPRITE_NAMES.forEach((name, id) => {
    const sym = SYMBOL_ALIASES[name] ?? name;
    if (Object.hasOwn(SYMBOL_CODES, sym)) t[id] = SYMBOL_CODES[sym as SymbolName];
  });
  return t;
})();

function classSymbols(sprites: readonly Sprite[], first: number): Uint8Array {
  const t = new Uint8Array(sprites.length + first);
  sprites.forEach((s, i) => {
    if (SPRITE_SYMBOL[s] === NO_SYMBOL) throw new Error(`sprite ${SPRITE_NAMES[s]} has no symbolic code`);
    t[first + i] = SPRITE_SYMBOL[s];
  });
  return t;
}

/** Background class → code; lower class → code (class 0 = nothing). Same classes as the RGB composites. */
const BACKGROUND_SYMBOL = classSymbols(BACKGROUND_SPRITES, 0);
const LOWER_SYMBOL = classSymbols(LOWER_SPRITES, 1);
const WALL_SYMBOL = SYMBOL_CODES.wall;
const SELF_UP = SYMBOL_CODES.selfUp;
const OTHER_UP = SYMBOL_CODES.otherUp;

/** Window size in cells. */
export function viewRows(view: ViewSpec): number {
  return view.forward + view.backward + 1;
}

export function viewCols(view: ViewSpec): number {
  return view.left + view.right + 1;
}

/** Shape of the RGB window, (rows · spriteSize, cols · spriteSize, 3). */
export function rgbShape(sim: Sim): [number, number, number] {
  const { view, spriteSize } = sim.spec.observation;
  return [viewRows(view) * spriteSize, viewCols(view) * spriteSize, 3];
}

/** Shape of WORLD.RGB, (height · spriteSize, width · spriteSize, 3). */
export function worldShape(sim: Sim): [number, number, number] {
  const s = sim.spec.observation.spriteSize;
  return [sim.height * s, sim.width * s, 3];
}

type Units = Uint8Array | Uint32Array | Float64Array;

/** Composite keys per upper class (background × lower combinations). */
const KEYS_PER_UPPER = BACKGROUND_CLASSES * LOWER_CLASSES;
/** Symbol codes span: avatar facing remaps are tabled for every byte value. */
const CODE_SPAN = 256;

/**
 * `RELATIVE_SYMBOL[viewDir · 256 + code]`: the code as seen by an observer facing `viewDir`. The scene stores an
 * avatar with its absolute facing (`otherUp` + facing); the view turns it by the observer's facing.
 */
const RELATIVE_SYMBOL: Uint8Array = (() => {
  const t = new Uint8Array(4 * CODE_SPAN);
  for (let d = 0; d < 4; d++) {
    for (let code = 0; code < CODE_SPAN; code++) {
      const family = code >= OTHER_UP && code < OTHER_UP + 4 ? OTHER_UP : code >= SELF_UP && code < SELF_UP + 4 ? SELF_UP : -1;
      t[d * CODE_SPAN + code] = family < 0 ? code : family + ((code - family - d) & 3);
    }
  }
  return t;
})();

/**
 * A copy of a byte array (the map's background or walls) that can tell cheaply whether the array has changed
 * since: compared four bytes at a time.
 */
class Snapshot {
  private readonly copy: Uint8Array;
  private readonly srcWords: Uint32Array;
  private readonly copyWords: Uint32Array;
  private taken = false;

  constructor(private readonly src: Uint8Array) {
    this.copy = new Uint8Array(src.length);
    const words = src.byteOffset % 4 === 0 ? src.length >> 2 : 0;
    this.srcWords = new Uint32Array(src.buffer, src.byteOffset, words);
    this.copyWords = new Uint32Array(this.copy.buffer, 0, words);
  }

  changed(): boolean {
    if (!this.taken) return true;
    const a = this.srcWords, b = this.copyWords;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
    for (let i = a.length * 4; i < this.src.length; i++) if (this.src[i] !== this.copy[i]) return true;
    return false;
  }

  take(): void {
    this.copy.set(this.src);
    this.taken = true;
  }
}

/**
 * The map as the renderer reads it: per cell its composite key (every avatar in its player colour) and its symbol
 * code (avatars with their absolute facing), padded on every side with `pad` cells of out-of-bounds (on a torus,
 * the cells that wrap around), so that a window never needs a bounds check. Built once per render pass and read
 * by every agent's window; the observer's own cell is patched to Self as its window is drawn.
 *
 * A pass starts from the static layer — background tiles and walls, re-read only when `sim.background` or
 * `sim.walls` have changed — then adds the lower-layer entities of the sim's indexes (apples, Clean Up's dirt, the
 * matrix games' resources) and the avatars on the map, rather than scanning every cell of the grid (a scan costs
 * ~9 ns a cell, 60 µs a tick at scale 4). Each entity counts only where the grid has it on that layer, and only if
 * it is the first entity of its cell there, as `SpatialGrid.atCell` returns it. A new kind of entity on the lower
 * or upper layer needs adding to `build`; test/observations.test.ts checks every registered substrate's windows
 * against a full reading of the grid, so a missing kind shows up there.
 */
class Scene {
  readonly pad: number;
  /** Padded width: cells between vertically adjacent entries. */
  readonly stride: number;
  readonly paddedHeight: number;
  /** Map width in cells. */
  readonly width: number;
  readonly keys: Uint16Array;
  readonly codes: Uint8Array;
  private readonly staticKeys: Uint16Array;
  private readonly staticCodes: Uint8Array;
  private readonly background: Snapshot;
  private readonly walls: Snapshot;

  constructor(sim: Sim) {
    const v = sim.spec.observation.view;
    this.pad = Math.max(v.forward, v.backward, v.left, v.right);
    this.width = sim.width;
    this.stride = sim.width + 2 * this.pad;
    this.paddedHeight = sim.height + 2 * this.pad;
    const n = this.stride * this.paddedHeight;
    // Key 0 and code 0 are out of bounds: the padding of a bounded map is never written again.
    this.keys = new Uint16Array(n);
    this.codes = new Uint8Array(n);
    this.staticKeys = new Uint16Array(n);
    this.staticCodes = new Uint8Array(n);
    this.background = new Snapshot(sim.background);
    this.walls = new Snapshot(sim.walls);
  }

  /** Padded index of map cell `cell`, which lies in row `y`. */
  private index(cell: number, y: number): number {
    return (y + this.pad) * this.stride + (cell - y * this.width) + this.pad;
  }

  build(sim: Sim, slotUpperClass: Uint8Array): void {
    if (this.background.changed() || this.walls.changed()) this.readStatic(sim);
    const keys = this.keys, codes = this.codes;
    keys.set(this.staticKeys);
    codes.set(this.staticCodes);
    this.addLower(sim, sim.apples.eids, sim.apples.count);
    this.addLower(sim, sim.dirt.eids, sim.dirt.count);
    if (sim.matrix) this.addLower(sim, sim.matrix.eids, sim.matrix.count);
    const { c, grid } = sim.world;
    const spriteId = c.Sprite.id, posY = c.Position.y;
    const facing = c.Orientation.dir;
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      if (grid.layerOfEntity(eid) !== Layer.Upper || spriteId[eid] !== Sprite.Avatar) continue;
      const cell = grid.cellOfEntity(eid);
      if (grid.atCell(cell, Layer.Upper) !== eid) continue;
      const p = this.index(cell, posY[eid]);
      keys[p] = (keys[p] % KEYS_PER_UPPER) + slotUpperClass[slot] * KEYS_PER_UPPER;
      codes[p] = OTHER_UP + (facing[eid] & 3);
    }
    if (grid.torus) this.wrapPadding(sim);
  }

  /** Draw the entities `eids[0 .. count)` that are on the lower layer. */
  private addLower(sim: Sim, eids: Int32Array, count: number): void {
    const { c, grid } = sim.world;
    const spriteId = c.Sprite.id, posY = c.Position.y;
    const keys = this.keys, codes = this.codes;
    for (let i = 0; i < count; i++) {
      const eid = eids[i];
      if (grid.layerOfEntity(eid) !== Layer.Lower) continue;
      const cell = grid.cellOfEntity(eid);
      const lc = LOWER_CLASS[spriteId[eid]];
      if (lc === 0 || grid.atCell(cell, Layer.Lower) !== eid) continue;
      const p = this.index(cell, posY[eid]);
      keys[p] += lc * BACKGROUND_CLASSES;
      // Under a wall (never in practice) the wall still shows.
      if (keys[p] < KEYS_PER_UPPER) codes[p] = LOWER_SYMBOL[lc];
    }
  }

  /** Background tiles and walls of every cell. */
  private readStatic(sim: Sim): void {
    const background = sim.background, walls = sim.walls;
    for (let cell = 0; cell < background.length; cell++) {
      const bc = BACKGROUND_CLASS[background[cell]];
      const p = this.index(cell, (cell / sim.width) | 0);
      const wall = walls[cell] === 1;
      this.staticKeys[p] = bc + (wall ? UPPER_WALL * KEYS_PER_UPPER : 0);
      this.staticCodes[p] = wall ? WALL_SYMBOL : BACKGROUND_SYMBOL[bc];
    }
    this.background.take();
    this.walls.take();
  }

  /** On a torus the padding shows the cells across the seam. */
  private wrapPadding(sim: Sim): void {
    const { grid } = sim.world;
    const pad = this.pad, stride = this.stride;
    for (let py = 0; py < this.paddedHeight; py++) {
      const inside = py >= pad && py < pad + sim.height;
      for (let px = 0; px < stride; px++) {
        if (inside && px >= pad && px < pad + sim.width) continue;
        const from = (grid.wrapY(py - pad) + pad) * stride + grid.wrapX(px - pad) + pad;
        this.keys[py * stride + px] = this.keys[from];
        this.codes[py * stride + px] = this.codes[from];
      }
    }
  }
}

/** Where a window lies in a scene: filled in place by `placeWindow` (no allocation per frame). */
const win = {
  /** Scene index of window cell (0, 0), the far-left cell. */
  start: 0,
  /** Scene index step one column right, one row down. */
  colStep: 0,
  rowStep: 0,
  dir: 0,
  /** Window index of the observer's own cell, −1 when the observer is off the map. */
  self: -1,
};

function placeWindow(sim: Sim, scene: Scene, eid: number): void {
  const { view } = sim.spec.observation;
  const { c, grid } = sim.world;
  const dir = c.Orientation.dir[eid] & 3;
  // Going down the image steps backwards (−f); going right steps to the avatar's right (r = f turned clockwise).
  const fx = DIR_DX[dir], fy = DIR_DY[dir];
  const rx = DIR_DX[(dir + 1) & 3], ry = DIR_DY[(dir + 1) & 3];
  const s = scene.stride, pad = scene.pad;
  const x = c.Position.x[eid] + pad + view.forward * fx - view.left * rx;
  const y = c.Position.y[eid] + pad + view.forward * fy - view.left * ry;
  win.start = y * s + x;
  win.colStep = ry * s + rx;
  win.rowStep = -(fy * s + fx);
  win.dir = dir;
  win.self = grid.has(eid) ? view.forward * viewCols(view) + view.left : -1;
}

/** Copy composite tile starting at unit `s` to the frame at unit `d`, `size` rows of `rowUnits`, frame rows `stride` apart. */
function blitTile(out: Units, tiles: Units, s: number, d: number, size: number, rowUnits: number, stride: number): void {
  if (rowUnits === 3) {
    // spriteSize 8 in 8-byte words: 24 bytes a row.
    for (let r = 0; r < size; r++, s += 3, d += stride) {
      out[d] = tiles[s];
      out[d + 1] = tiles[s + 1];
      out[d + 2] = tiles[s + 2];
    }
  } else if (rowUnits === 6) {
    for (let r = 0; r < size; r++, s += 6, d += stride) {
      out[d] = tiles[s];
      out[d + 1] = tiles[s + 1];
      out[d + 2] = tiles[s + 2];
      out[d + 3] = tiles[s + 3];
      out[d + 4] = tiles[s + 4];
      out[d + 5] = tiles[s + 5];
    }
  } else {
    for (let r = 0; r < size; r++, s += rowUnits, d += stride) {
      for (let u = 0; u < rowUnits; u++) out[d + u] = tiles[s + u];
    }
  }
}

/** Draw the placed window from the tiles of its facing into `out`, a view of the frame in the atlas's units. */
function drawRgb(sim: Sim, scene: Scene, atlas: SpriteAtlas, out: Units): void {
  const { view } = sim.spec.observation;
  const rows = viewRows(view), cols = viewCols(view);
  const size = atlas.size, tiles = atlas.tileUnits, keys = scene.keys;
  const rowUnits = (size * 3) / atlas.unit;
  const tileUnits = rowUnits * size;
  const stride = cols * rowUnits;
  const base = win.dir * atlas.keys;
  const self = win.self, colStep = win.colStep, rowStep = win.rowStep;
  let rowStart = win.start, k = 0;
  for (let i = 0; i < rows; i++, rowStart += rowStep) {
    let d = i * size * stride;
    for (let j = 0, p = rowStart; j < cols; j++, k++, p += colStep, d += rowUnits) {
      let key = keys[p];
      if (k === self) key = (key % KEYS_PER_UPPER) + UPPER_SELF * KEYS_PER_UPPER;
      blitTile(out, tiles, (base + key) * tileUnits, d, size, rowUnits, stride);
    }
  }
}

/** Write the placed window's symbol codes into `out`. */
function drawSymbolic(sim: Sim, scene: Scene, out: Uint8Array): void {
  const { view } = sim.spec.observation;
  const rows = viewRows(view), cols = viewCols(view);
  const codes = scene.codes, colStep = win.colStep, rowStep = win.rowStep;
  const turn = win.dir * CODE_SPAN;
  let rowStart = win.start, k = 0;
  for (let i = 0; i < rows; i++, rowStart += rowStep) {
    for (let j = 0, p = rowStart; j < cols; j++, k++, p += colStep) out[k] = RELATIVE_SYMBOL[turn + codes[p]];
  }
  if (win.self >= 0) out[win.self] = SELF_UP;
}

/** Per-sim scene and scratch frame for the one-off render functions; `ObservationBuffers` keeps its own. */
interface Scratch {
  scene: Scene;
  atlas: SpriteAtlas;
  /** An aligned frame, for callers whose buffer is not word-aligned. */
  frame: Uint8Array;
  frameUnits: Units;
}
const scratchOf = new WeakMap<Sim, Scratch>();
/** Word views of callers' buffers, made once per buffer. */
const unitViews = new WeakMap<Uint8Array, Units>();

/** The scratch of `sim`, its scene built from the current state. */
function freshScratch(sim: Sim): Scratch {
  let s = scratchOf.get(sim);
  if (!s) {
    const atlas = getSpriteAtlas(sim.spec, sim.players);
    const [h, w, ch] = rgbShape(sim);
    const frame = new Uint8Array(h * w * ch);
    s = { scene: new Scene(sim), atlas, frame, frameUnits: unitsOf(frame, atlas.unit) };
    scratchOf.set(sim, s);
  }
  s.scene.build(sim, s.atlas.slotUpperClass);
  return s;
}

/** `bytes` seen in `unit`-byte elements (same memory); it must be aligned for them. */
function unitsOf(bytes: Uint8Array, unit: 1 | 4 | 8): Units {
  if (unit === 1) return bytes;
  if (!alignedTo(bytes, unit)) throw new RangeError(`buffer not aligned to ${unit} bytes`);
  return unit === 8
    ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
    : new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function alignedTo(bytes: Uint8Array, unit: number): boolean {
  return bytes.byteOffset % unit === 0 && bytes.byteLength % unit === 0;
}

function cachedUnits(bytes: Uint8Array, unit: 1 | 4 | 8): Units {
  let v = unitViews.get(bytes);
  if (v === undefined || v.BYTES_PER_ELEMENT !== unit) unitViews.set(bytes, (v = unitsOf(bytes, unit)));
  return v;
}

function checkLength(what: string, out: Uint8Array, expected: number): void {
  if (out.length !== expected) throw new RangeError(`${what} needs a buffer of ${expected} bytes, got ${out.length}`);
}

/**
 * The egocentric RGB window of `slot` into `out`, (rows·size) × (cols·size) × 3 bytes, row-major. Reads the whole
 * map each call; to render many agents per step use `ObservationBuffers`, which reads it once.
 */
export function renderRgb(sim: Sim, slot: number, out: Uint8Array): void {
  const s = freshScratch(sim);
  checkLength('renderRgb', out, s.frame.length);
  placeWindow(sim, s.scene, sim.avatars[slot]);
  if (alignedTo(out, s.atlas.unit)) {
    drawRgb(sim, s.scene, s.atlas, cachedUnits(out, s.atlas.unit));
  } else {
    drawRgb(sim, s.scene, s.atlas, s.frameUnits);
    out.set(s.frame);
  }
}

/** The symbolic window of `slot` into `out`, rows × cols bytes, row-major; codes in `SYMBOL_NAMES`. */
export function renderSymbolic(sim: Sim, slot: number, out: Uint8Array): void {
  const { view } = sim.spec.observation;
  checkLength('renderSymbolic', out, viewRows(view) * viewCols(view));
  const s = freshScratch(sim);
  placeWindow(sim, s.scene, sim.avatars[slot]);
  drawSymbolic(sim, s.scene, out);
}

/** WORLD.RGB: the whole map, unrotated, every avatar in its player colour (nobody is Self). */
export function renderWorld(sim: Sim, out: Uint8Array): void {
  const { scene, atlas } = freshScratch(sim);
  checkLength('renderWorld', out, sim.height * sim.width * atlas.tileBytes);
  const aligned = alignedTo(out, atlas.unit);
  const unit = aligned ? atlas.unit : 1;
  const size = atlas.size, rowUnits = (size * 3) / unit, stride = sim.width * rowUnits, tileUnits = rowUnits * size;
  const units = aligned ? cachedUnits(out, atlas.unit) : out;
  for (let y = 0; y < sim.height; y++) {
    for (let x = 0, p = (y + scene.pad) * scene.stride + scene.pad; x < sim.width; x++, p++) {
      const s = scene.keys[p] * tileUnits, d = y * size * stride + x * rowUnits;
      // An unaligned buffer is drawn byte by byte, in a loop of its own so the word loop stays monomorphic.
      if (aligned) blitTile(units, atlas.tileUnits, s, d, size, rowUnits, stride);
      else blitBytes(out, atlas.tiles, s, d, size, rowUnits, stride);
    }
  }
}

function blitBytes(out: Uint8Array, tiles: Uint8Array, s: number, d: number, size: number, rowBytes: number, stride: number): void {
  for (let r = 0; r < size; r++, s += rowBytes, d += stride) {
    for (let u = 0; u < rowBytes; u++) out[d + u] = tiles[s + u];
  }
}

/**
 * READY_TO_SHOOT: max(1 − timer / cooldown, 0) while on the map (1 if the cooldown is 0), else 0; 0 without a
 * beam. The beam is the zapper or the matrix games' interaction beam (`ReadyToShootObservation` on the
 * `GameInteractionZapper`).
 */
export function readyToShoot(sim: Sim, slot: number): number {
  const zap = sim.spec.zapper ?? sim.spec.matrix?.interaction;
  if (!zap) return 0;
  const eid = sim.avatars[slot];
  const { c, grid } = sim.world;
  if (c.Removed.until[eid] > 0 || !grid.has(eid)) return 0;
  if (zap.cooldown === 0) return 1;
  const r = 1 - c.Cooldown.timer[eid] / zap.cooldown;
  return r > 0 ? r : 0;
}

/** COLLECTIVE_REWARD: the sum of every player's reward this step. */
export function collectiveReward(sim: Sim): number {
  return sim.collectiveReward;
}

/** NUM_OTHERS_WHO_CLEANED_THIS_STEP (Clean Up; one step late, as in Melting Pot): see systems/fireCleaningBeams.ts. */
export { numOthersWhoCleanedThisStep } from './fireCleaningBeams.js';

/** Which observation each agent gets rendered each step. */
export type ObservationMode = 'rgb' | 'symbolic' | 'none';
export const OBSERVATION_MODES: readonly ObservationMode[] = ['rgb', 'symbolic', 'none'];

const NO_FRAME = new Uint8Array(0);

/**
 * Per-agent observation buffers and modes, allocated once (a slot's buffer when it first needs one), rendered by
 * `render(sim)` each step for the mode of every slot. `rgb[slot]` / `symbolic[slot]` are empty until the slot's
 * mode has asked for them, and keep their last contents while the mode is 'none'.
 */
export class ObservationBuffers {
  readonly players: number;
  readonly atlas: SpriteAtlas;
  /** (rows · spriteSize, cols · spriteSize, 3): 88 × 88 × 3 for commons. */
  readonly rgbShape: readonly [number, number, number];
  /** (rows, cols) in cells: 11 × 11 for commons. */
  readonly symbolicShape: readonly [number, number];
  readonly rgb: Uint8Array[];
  readonly symbolic: Uint8Array[];
  /** slot → READY_TO_SHOOT, refreshed by `render` for slots whose mode is not 'none'. */
  readonly readyToShoot: Float64Array;
  private readonly modes: ObservationMode[];
  private readonly rgbUnits: Units[];
  private readonly scene: Scene;
  private readonly spec: Sim['spec'];

  constructor(sim: Sim, mode: ObservationMode = 'rgb') {
    this.players = sim.players;
    this.spec = sim.spec;
    this.atlas = getSpriteAtlas(sim.spec, sim.players);
    this.rgbShape = rgbShape(sim);
    const view = sim.spec.observation.view;
    this.symbolicShape = [viewRows(view), viewCols(view)];
    this.scene = new Scene(sim);
    this.rgb = new Array<Uint8Array>(this.players).fill(NO_FRAME);
    this.rgbUnits = new Array<Units>(this.players).fill(NO_FRAME);
    this.symbolic = new Array<Uint8Array>(this.players).fill(NO_FRAME);
    this.readyToShoot = new Float64Array(this.players);
    this.modes = new Array<ObservationMode>(this.players).fill('none');
    this.setAllModes(mode);
  }

  mode(slot: number): ObservationMode {
    this.checkSlot(slot);
    return this.modes[slot];
  }

  setMode(slot: number, mode: ObservationMode): void {
    this.checkSlot(slot);
    if (!OBSERVATION_MODES.includes(mode)) {
      throw new RangeError(`observation mode must be one of ${OBSERVATION_MODES.join(', ')}, got ${String(mode)}`);
    }
    this.modes[slot] = mode;
    if (mode === 'rgb' && this.rgb[slot] === NO_FRAME) {
      const [h, w, ch] = this.rgbShape;
      // A fresh ArrayBuffer per frame: offset 0, so the word view is always aligned.
      this.rgb[slot] = new Uint8Array(h * w * ch);
      this.rgbUnits[slot] = unitsOf(this.rgb[slot], this.atlas.unit);
    }
    if (mode === 'symbolic' && this.symbolic[slot] === NO_FRAME) this.symbolic[slot] = new Uint8Array(viewRows(this.spec.observation.view) * viewCols(this.spec.observation.view));
  }

  setAllModes(mode: ObservationMode): void {
    for (let s = 0; s < this.players; s++) this.setMode(s, mode);
  }

  /** Render every slot's requested observation for the sim's current state (the map is read once). */
  render(sim: Sim): void {
    if (sim.spec !== this.spec || sim.players !== this.players) {
      throw new Error(`these buffers are for ${this.spec.name} with ${this.players} players, not ${sim.spec.name} with ${sim.players}`);
    }
    let built = false;
    for (let s = 0; s < this.players; s++) {
      const mode = this.modes[s];
      if (mode === 'none') continue;
      if (!built) {
        this.scene.build(sim, this.atlas.slotUpperClass);
        built = true;
      }
      placeWindow(sim, this.scene, sim.avatars[s]);
      if (mode === 'rgb') drawRgb(sim, this.scene, this.atlas, this.rgbUnits[s]);
      else drawSymbolic(sim, this.scene, this.symbolic[s]);
      this.readyToShoot[s] = readyToShoot(sim, s);
    }
  }

  private checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.players) {
      throw new RangeError(`player slot must be an integer from 0 to ${this.players - 1}, got ${slot}`);
    }
  }
}

/** A pipeline stage that renders `buffers` after each step: `{ name: 'renderObservations', run: createObservationStage(b) }`. */
export function createObservationStage(buffers: ObservationBuffers): (sim: Sim) => void {
  return (sim) => buffers.render(sim);
}
