/**
 * Observations (Melting Pot section 3): the egocentric RGB window, a symbolic window of the same cells, WORLD.RGB,
 * and the scalars READY_TO_SHOOT, the step reward and COLLECTIVE_REWARD. Nothing here allocates per frame (a tile
 * combination seen for the first time is composed once; systems/spriteSheet.ts).
 *
 * The window. An avatar at (x, y) facing f sees `forward` cells ahead, `backward` behind and `left` / `right` to
 * the sides (commons: 9 / 1 / 5 / 5 → 11 × 11 cells → 88 × 88 × 3), rotated so that it always faces up: row 0 of
 * the image is the row farthest ahead, column 0 the farthest to its left, and the avatar itself sits at row
 * `forward`, column `left`. Each cell is Melting Pot's art composed in Lab2D's layer order (systems/spriteArt.ts,
 * systems/spriteSheet.ts): background, cosmetic pieces, apple / dirt / resource, wall or avatar, the matrix games'
 * marker, and the beams fired this tick. Cells off the map are black. The observer's own avatar is drawn with the
 * Self palette (Coins has none: there, its own coin colour of this episode, `systems/coins/`) facing up (Melting Pot maps the observer's sprite to "Self", and an avatar is drawn with its shape
 * for its facing relative to the observer); every other avatar in its player colour with its relative facing.
 *
 * What the frame shows beyond the pieces (each as Melting Pot does):
 * - beams: the cells each zap, cleaning or interaction beam fired this tick reached and was not stopped in
 *   (systems/beamOverlay.ts);
 * - Commons Harvest: grass under a waiting apple with no live apple within the regrowth radius is dessicated
 *   (drawn as floor), as `DensityRegrow:_updateWaitState` sets it at the start of each tick the apple waits
 *   (`lua/levels/commons_harvest/components.lua:181-193`): so it reads the live-neighbour count at the start of
 *   the tick, for apples already waiting then;
 * - the matrix games: over each player on the map, its interaction-result marker while its interaction's effects
 *   are pending (colour by its payoff's interval), else the ready marker once it has collected a resource since its
 *   last reset (`lua/levels/the_matrix/components.lua:1058-1093`, `configs/substrates/the_matrix.py:76-164`);
 * - Clean Up: the river's water animation (four frames, two ticks each, from a random frame per cell drawn at the
 *   episode's start from a generator seeded with the episode seed, not the world's, so rule draws are unchanged).
 *
 * A removed observer (zapped, waiting to respawn) sees an all-black frame: Lab2D renders a piece that is not on a
 * layer as out of bounds everywhere (`dmlab2d/lib/system/grid_world/lua/lua_grid_view.cc:97-123`). Its symbolic
 * window is all `outOfBounds` for the same reason (Lab2D's `.LAYER` view is filled with the out-of-bounds sprite).
 *
 * Symbolic window: one byte per window cell, same geometry and layer order, codes in `SYMBOL_NAMES` (beams and
 * markers are not shown in it):
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
 * | 18   | soil        | soil without a berry (Allelopathic Harvest)                   |
 * | 19–21| unripeBerry1…3 | an unripe berry of colour 1 (red), 2 (green), 3 (blue)      |
 * | 22–24| ripeBerry1…3   | a ripe berry of colour 1, 2, 3                              |
 * | 25   | resource3   | (Running with Scissors and the coordination games)            |
 * | 26–30| coin1…coin5 | Coins: a coin in colour 1–5 of the substrate's `coins.colours` |
 *
 * Facing "in the view": (avatar facing − observer facing) mod 4, 0 = up, clockwise.
 */
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import type { ViewSpec } from '../substrates/types.js';
import { applesOf } from './apples/appleState.js';
import { beamCellCount, BeamKind } from './beamOverlay.js';
import { cleanUpOf } from './cleanUp/dirtState.js';
import { Layer } from './layers.js';
import { matrixOf, type MatrixState } from './matrix/matrixState.js';
import type { Sim } from './sim.js';
import { coinAvatarColours, coinsOf } from './coins/index.js';
import {
  COIN_COLOUR_CLASSES,
  getSpriteAtlas,
  LOWER_COIN,
  LOWER_APPLE,
  LOWER_DIRT,
  LOWER_OF_SPRITE,
  LOWER_RESOURCE,
  Tile,
  TILE_COUNT,
  TILE_OF_SPRITE,
  UPPER_WALL,
  type SpriteAtlas,
} from './spriteSheet.js';
import { COIN_SPRITES, Sprite, SPRITE_COUNT } from './sprites.js';
import { allelopathicOf } from './allelopathicHarvest/index.js';
import { territoryOf } from './territory/index.js';

/** Symbolic codes, by code. The order is the table above; `SYMBOL_CODES` is derived from it. */
export const SYMBOL_NAMES = [
  'outOfBounds', 'floor', 'wall', 'apple', 'grass',
  'selfUp', 'selfRight', 'selfDown', 'selfLeft',
  'otherUp', 'otherRight', 'otherDown', 'otherLeft',
  'sand', 'river', 'dirt', 'resource1', 'resource2',
  'soil', 'unripeBerry1', 'unripeBerry2', 'unripeBerry3', 'ripeBerry1', 'ripeBerry2', 'ripeBerry3',
  'resource3',
  'coin1', 'coin2', 'coin3', 'coin4', 'coin5',
] as const;
export type SymbolName = (typeof SYMBOL_NAMES)[number];

/** Symbol name → code. */
export const SYMBOL_CODES: Readonly<Record<SymbolName, number>> = Object.freeze(
  Object.fromEntries(SYMBOL_NAMES.map((name, code) => [name, code])) as Record<SymbolName, number>,
);

/** Background tile → code (dessicated grass is drawn with the floor sprite, so it reads as floor). */
const TILE_SYMBOL: Uint8Array = (() => {
  const t = new Uint8Array(TILE_COUNT);
  t[Tile.Floor] = SYMBOL_CODES.floor;
  t[Tile.Grass] = SYMBOL_CODES.grass;
  t[Tile.Sand] = SYMBOL_CODES.sand;
  t[Tile.Dessicated] = SYMBOL_CODES.floor;
  for (let f = 0; f < 4; f++) t[Tile.River0 + f] = SYMBOL_CODES.river;
  t[Tile.Soil] = SYMBOL_CODES.soil;
  return t;
})();
/** Lower-layer sprite → code (by sprite: Allelopathic Harvest's berries share the resources' lower classes). */
const LOWER_SYMBOL: Uint8Array = (() => {
  const t = new Uint8Array(SPRITE_COUNT);
  t[Sprite.Apple] = SYMBOL_CODES.apple;
  t[Sprite.Dirt] = SYMBOL_CODES.dirt;
  t[Sprite.Resource1] = SYMBOL_CODES.resource1;
  t[Sprite.Resource2] = SYMBOL_CODES.resource2;
  t[Sprite.Resource3] = SYMBOL_CODES.resource3;
  t[Sprite.UnripeBerry1] = SYMBOL_CODES.unripeBerry1;
  t[Sprite.UnripeBerry2] = SYMBOL_CODES.unripeBerry2;
  t[Sprite.UnripeBerry3] = SYMBOL_CODES.unripeBerry3;
  t[Sprite.RipeBerry1] = SYMBOL_CODES.ripeBerry1;
  t[Sprite.RipeBerry2] = SYMBOL_CODES.ripeBerry2;
  t[Sprite.RipeBerry3] = SYMBOL_CODES.ripeBerry3;
  COIN_SPRITES.forEach((sprite, k) => (t[sprite] = SYMBOL_CODES.coin1 + k));
  return t;
})();
const WALL_SYMBOL = SYMBOL_CODES.wall;
const GRASS_SYMBOL = SYMBOL_CODES.grass;
const FLOOR_SYMBOL = SYMBOL_CODES.floor;
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

type Units = Uint8Array | Int32Array;

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
 * Start frame (0–3) of the river's water animation at map cell `cell` in an episode with seed `seed`. Melting Pot
 * draws it at random per cell when the episode starts (`Animation:postStart`, `lua/modules/component_library.lua:
 * 1064-1068`); here it is a hash of the seed and the cell, so that drawing it takes nothing from the world's
 * generator and the rules' random draws stay as they are.
 */
export function riverStartFrame(seed: number, cell: number): number {
  let h = Math.imul((seed ^ 0x5717e4) >>> 0, 0x9e3779b1) ^ Math.imul(cell + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) & 3;
}

/** Water animation frame (0–3) shown at map cell `cell` now: two ticks a frame from the cell's start frame. */
export function riverFrame(sim: Sim, cell: number): number {
  const per = getSpriteAtlas(sim.spec, sim.players).appearance.riverTicksPerFrame ?? 1;
  return (riverStartFrame(sim.seed, cell) + Math.floor(sim.world.tick / per)) & 3;
}

/**
 * The map as the renderer reads it: per cell its composite key (every avatar in its player colour) and its symbol
 * code (avatars with their absolute facing), padded on every side with `pad` cells of out-of-bounds (on a torus,
 * the cells that wrap around), so that a window never needs a bounds check. Built once per render pass and read
 * by every agent's window; the observer's own cell is patched to Self as its window is drawn.
 *
 * A pass starts from the static layer — background tiles, cosmetic pieces and walls, re-read only when
 * `sim.background` or `sim.walls` have changed — then adds the river's animation frame, dessicated grass, the
 * lower-layer entities of the sim's indexes (apples, Clean Up's dirt, the matrix games' resources), the avatars on
 * the map, the matrix games' markers and this tick's beams, rather than scanning every cell of the grid (a scan
 * costs ~9 ns a cell, 60 µs a tick at scale 4). Each entity counts only where the grid has it on that layer, and
 * only if it is the first entity of its cell there, as `SpatialGrid.atCell` returns it. A new kind of entity on the
 * lower or upper layer needs adding to `build`; test/observations.test.ts checks every registered substrate's
 * windows against a full reading of the grid, so a missing kind shows up there.
 */
class Scene {
  readonly pad: number;
  /** Padded width: cells between vertically adjacent entries. */
  readonly stride: number;
  readonly paddedHeight: number;
  /** Map width in cells. */
  readonly width: number;
  readonly keys: Uint32Array;
  readonly codes: Uint8Array;
  private readonly staticKeys: Uint32Array;
  private readonly staticCodes: Uint8Array;
  private readonly background: Snapshot;
  private readonly walls: Snapshot;
  /** River cells (padded indexes) and each one's animation start frame, drawn anew each episode. */
  private readonly river: Int32Array;
  private readonly riverCell: Int32Array;
  private readonly riverPhase: Uint8Array;
  private riverWorld: object | null = null;
  /** Slot → the payoff that colours its result marker (scratch). */
  private readonly payoff: Float64Array;

  constructor(sim: Sim, private readonly atlas: SpriteAtlas) {
    const v = sim.spec.observation.view;
    this.pad = Math.max(v.forward, v.backward, v.left, v.right);
    this.width = sim.width;
    this.stride = sim.width + 2 * this.pad;
    this.paddedHeight = sim.height + 2 * this.pad;
    const n = this.stride * this.paddedHeight;
    // Key 0 and code 0 are out of bounds: the padding of a bounded map is never written again.
    this.keys = new Uint32Array(n);
    this.codes = new Uint8Array(n);
    this.staticKeys = new Uint32Array(n);
    this.staticCodes = new Uint8Array(n);
    this.background = new Snapshot(sim.background);
    this.walls = new Snapshot(sim.walls);
    let rivers = 0;
    if (atlas.appearance.river) for (let cell = 0; cell < sim.background.length; cell++) if (sim.background[cell] === Sprite.River) rivers++;
    this.river = new Int32Array(rivers);
    this.riverCell = new Int32Array(rivers);
    this.riverPhase = new Uint8Array(rivers);
    this.payoff = new Float64Array(sim.players);
  }

  /** Padded index of map cell `cell`, which lies in row `y`. */
  private index(cell: number, y: number): number {
    return (y + this.pad) * this.stride + (cell - y * this.width) + this.pad;
  }

  build(sim: Sim): void {
    if (this.background.changed() || this.walls.changed()) this.readStatic(sim);
    const atlas = this.atlas;
    const keys = this.keys, codes = this.codes;
    keys.set(this.staticKeys);
    codes.set(this.staticCodes);
    if (this.river.length > 0) this.animateRiver(sim);
    if (atlas.appearance.dessicated) this.dessicate(sim);
    const apples = applesOf(sim), river = cleanUpOf(sim), matrix = matrixOf(sim);
    if (apples) this.addLower(sim, apples.eids, apples.count);
    if (river) this.addLower(sim, river.dirt.eids, river.dirt.count);
    if (matrix) this.addLower(sim, matrix.eids, matrix.count);
    const berries = allelopathicOf(sim);
    if (berries) this.addLower(sim, berries.eids, berries.count);
    const coins = coinsOf(sim);
    if (coins) this.addLower(sim, coins.eids, coins.count);
    const { c, grid } = sim.world;
    const spriteId = c.Sprite.id, posY = c.Position.y;
    const facing = c.Orientation.dir;
    // Coins colours each player by its coin colour of this episode; Allelopathic Harvest by its colour state.
    const sUpper = atlas.sUpper, slotColour = coins ? coins.avatarColour : atlas.slotColour;
    const stateColour = atlas.appearance.avatarColors && berries ? berries.avatarColor : null;
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      if (grid.layerOfEntity(eid) !== Layer.Upper || spriteId[eid] !== Sprite.Avatar) continue;
      const cell = grid.cellOfEntity(eid);
      if (grid.atCell(cell, Layer.Upper) !== eid) continue;
      const p = this.index(cell, posY[eid]);
      keys[p] += atlas.avatarClass(stateColour ? stateColour[slot] : slotColour[slot], facing[eid]) * sUpper;
      codes[p] = OTHER_UP + (facing[eid] & 3);
    }
    if (matrix && atlas.appearance.markers) this.addMarkers(sim, matrix);
    if (berries && atlas.appearance.marks) this.addMarks(sim, berries.shownLevel);
    this.addBeams(sim);
    if (atlas.territory) this.addTerritory(sim);
    if (grid.torus) this.wrapPadding(sim);
  }

  /**
   * Territory's pieces (systems/territory/): resource walls (texture, wet paint of the owner, dry paint, damage), the
   * sanction mark over players at level 2, and this tick's zap beams, paintbrushes and claiming beams, as the extra
   * digits of each cell's key (systems/spriteSheet.ts `TerritoryKeys`). A resource wall reads as a wall.
   */
  private addTerritory(sim: Sim): void {
    const st = territoryOf(sim);
    const k = this.atlas.territory;
    if (!st || !k) return;
    const keys = this.keys, codes = this.codes, base = this.atlas.keys;
    const { c, grid } = sim.world;
    const width = this.width;
    const colours = k.colours;
    for (let i = 0; i < st.count; i++) {
      if (st.destroyed[i] === 1) continue;
      const cell = st.cells[i];
      const p = this.index(cell, (cell / width) | 0);
      const owner = st.owner[i];
      let e = owner < 0 ? 1 : 2 + (owner % colours);
      if (st.dryShown[i] > 0) e += (1 + ((st.dryShown[i] - 1) % colours)) * k.mDry;
      if (st.damagedShown[i] === 1) e += k.mDamage;
      keys[p] += e * base;
      codes[p] = WALL_SYMBOL;
    }
    for (let slot = 0; slot < sim.players; slot++) {
      if (st.level[slot] !== 2) continue;
      const eid = sim.avatars[slot];
      if (grid.layerOfEntity(eid) !== Layer.Upper || grid.atCell(grid.cellOfEntity(eid), Layer.Upper) !== eid) continue;
      keys[this.index(grid.cellOfEntity(eid), c.Position.y[eid])] += k.mMark * base;
    }
    const n = beamCellCount(sim);
    const o = sim.beams;
    for (let i = 0; i < n; i++) {
      const cell = o.cells[i];
      if ((o.mask[cell] & BeamKind.Zap) !== 0) keys[this.index(cell, (cell / width) | 0)] += k.mZap * base;
    }
    if (st.overlayWorld === sim.world && st.overlayTick === sim.world.tick) {
      for (let i = 0; i < st.touchedCount; i++) {
        const cell = st.touched[i];
        const p = this.index(cell, (cell / width) | 0);
        keys[p] += (st.brush[cell] * k.mBrush + st.claimBeam[cell] * k.mClaim) * base;
      }
    }
  }

  /** Each river cell shows its frame of the water animation (`riverFrame`). */
  private animateRiver(sim: Sim): void {
    if (this.riverWorld !== sim.world) {
      // A new episode: new start frames.
      for (let i = 0; i < this.riverPhase.length; i++) this.riverPhase[i] = riverStartFrame(sim.seed, this.riverCell[i]);
      this.riverWorld = sim.world;
    }
    const step = Math.floor(sim.world.tick / (this.atlas.appearance.riverTicksPerFrame ?? 1));
    const keys = this.keys, river = this.river, phase = this.riverPhase;
    for (let i = 0; i < river.length; i++) keys[river[i]] += (phase[i] + step) & 3;
  }

  /**
   * Grass under a waiting apple whose live-neighbour count was 0 at the start of this tick, and which was already
   * waiting then, is dessicated (never at tick 0: Melting Pot's first update comes with the first step).
   */
  private dessicate(sim: Sim): void {
    const tick = sim.world.tick;
    if (tick === 0) return;
    const a = applesOf(sim), { c } = sim.world;
    if (a === null) return;
    const keys = this.keys, codes = this.codes, statics = this.staticKeys;
    for (let w = 0; w < a.waitingCount; w++) {
      const i = a.waiting[w];
      if (a.startCounts[i] !== 0 || a.eatenAt[i] >= tick) continue;
      const eid = a.eids[i];
      const y = c.Position.y[eid];
      const p = this.index(y * this.width + c.Position.x[eid], y);
      if (statics[p] % TILE_COUNT !== Tile.Grass) continue;
      keys[p] += Tile.Dessicated - Tile.Grass;
      if (codes[p] === GRASS_SYMBOL) codes[p] = FLOOR_SYMBOL;
    }
  }

  /** Draw the entities `eids[0 .. count)` that are on the lower layer. */
  private addLower(sim: Sim, eids: Int32Array, count: number): void {
    const { c, grid } = sim.world;
    const spriteId = c.Sprite.id, posY = c.Position.y;
    const keys = this.keys, codes = this.codes, sLower = this.atlas.sLower;
    for (let i = 0; i < count; i++) {
      const eid = eids[i];
      if (grid.layerOfEntity(eid) !== Layer.Lower) continue;
      const cell = grid.cellOfEntity(eid);
      const lc = LOWER_OF_SPRITE[spriteId[eid]];
      if (lc === 0 || grid.atCell(cell, Layer.Lower) !== eid) continue;
      const p = this.index(cell, posY[eid]);
      keys[p] += lc * sLower;
      // Under a wall (never in practice) the wall still shows.
      if (codes[p] !== WALL_SYMBOL) codes[p] = LOWER_SYMBOL[spriteId[eid]];
    }
  }

  /** The matrix games' marker over each player on the map: its pending interaction's result, else ready. */
  private addMarkers(sim: Sim, st: MatrixState): void {
    const markers = this.atlas.appearance.markers;
    if (!markers) return;
    const { c, grid } = sim.world;
    const tick = sim.world.tick;
    const payoff = this.payoff;
    // The pair's payoffs are kept on the column player (systems/matrix/matrixState.ts).
    for (let col = 0; col < sim.players; col++) {
      const row = st.pendingRow[col];
      if (row < 0) continue;
      payoff[row] = st.pendingRowReward[col];
      payoff[col] = st.pendingColReward[col];
    }
    const keys = this.keys, sMarker = this.atlas.sMarker;
    const intervals = markers.intervals;
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      if (grid.layerOfEntity(eid) !== Layer.Upper || grid.atCell(grid.cellOfEntity(eid), Layer.Upper) !== eid) continue;
      let marker = 0;
      if (st.effectsAt[slot] > tick) {
        // The first interval holding the payoff; one at or above every interval's end takes the last.
        const r = payoff[slot];
        let k = 0;
        while (k < intervals.length - 1 && !(intervals[k][0] <= r && r < intervals[k][1])) k++;
        marker = 2 + k;
      } else if (st.ready[slot] === 1) marker = 1;
      if (marker === 0) continue;
      keys[this.index(grid.cellOfEntity(eid), c.Position.y[eid])] += marker * sMarker;
    }
  }

  /** Allelopathic Harvest's sanction mark over each player on the map whose marking level is above 1. */
  private addMarks(sim: Sim, level: Uint8Array): void {
    const { c, grid } = sim.world;
    const keys = this.keys, sMarker = this.atlas.sMarker;
    for (let slot = 0; slot < sim.players; slot++) {
      if (level[slot] <= 1) continue;
      const eid = sim.avatars[slot];
      if (grid.layerOfEntity(eid) !== Layer.Upper || grid.atCell(grid.cellOfEntity(eid), Layer.Upper) !== eid) continue;
      keys[this.index(grid.cellOfEntity(eid), c.Position.y[eid])] += level[slot] * sMarker;
    }
  }

  /** The cells this tick's beams cover. */
  private addBeams(sim: Sim): void {
    const n = beamCellCount(sim);
    const o = sim.beams, keys = this.keys;
    const bits = this.atlas.beamBits, sBeam = this.atlas.sBeam;
    for (let i = 0; i < n; i++) {
      const cell = o.cells[i];
      const y = (cell / this.width) | 0;
      keys[this.index(cell, y)] += bits[o.mask[cell]] * sBeam;
    }
  }

  /** Background tiles, cosmetic pieces and walls of every cell. */
  private readStatic(sim: Sim): void {
    const background = sim.background, walls = sim.walls;
    const atlas = this.atlas, chars = sim.map.chars;
    let rivers = 0;
    for (let cell = 0; cell < background.length; cell++) {
      const tile = TILE_OF_SPRITE[background[cell]];
      const p = this.index(cell, (cell / sim.width) | 0);
      const wall = walls[cell] === 1;
      const decor = atlas.decorOf.get(chars[cell]) ?? 0;
      this.staticKeys[p] = tile + TILE_COUNT * decor + (wall ? UPPER_WALL * atlas.sUpper : 0);
      this.staticCodes[p] = wall ? WALL_SYMBOL : TILE_SYMBOL[tile];
      if (tile === Tile.River0 && rivers < this.river.length) {
        this.riverCell[rivers] = cell;
        this.river[rivers++] = p;
      }
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
  /** Avatar colour the observer sees itself in: 0 (Self), except where avatars are coloured by state (Allelopathic Harvest) or by coin colour (Coins). */
  selfColour: 0,
  /** The observer's player slot. */
  slot: 0,
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
  // The observer is drawn as Self (colour 0), or in its colour state where avatars are coloured by state
  // (Allelopathic Harvest), or in its coin colour (Coins).
  const slot = c.Avatar.slot[eid];
  win.slot = slot;
  const st = allelopathicOf(sim);
  const own = coinAvatarColours(sim);
  win.selfColour = st && slot >= 0 ? st.avatarColor[slot] : own ? own[slot] : 0;
}

/** Copy composite tile starting at unit `s` to the frame at unit `d`, `size` rows of `rowUnits`, frame rows `stride` apart. */
function blitTile(out: Units, tiles: Units, s: number, d: number, size: number, rowUnits: number, stride: number): void {
  if (rowUnits === 6) {
    // spriteSize 8 in 32-bit words: 24 bytes a row.
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

/** Copy a tile 8 bytes at a time: spriteSize 8, 3 words a row. */
function blitWords(out: Float64Array, tiles: Float64Array, s: number, d: number, size: number, stride: number): void {
  for (let r = 0; r < size; r++, s += 3, d += stride) {
    out[d] = tiles[s];
    out[d + 1] = tiles[s + 1];
    out[d + 2] = tiles[s + 2];
  }
}

/**
 * Draw the placed window from the tiles of its facing into `out`, a view of the frame in the atlas's units, and
 * through `words`, its 8-byte view (null if it has none), for the tiles that may be copied by words. An observer
 * off the map (removed) sees black.
 */
function drawRgb(sim: Sim, scene: Scene, atlas: SpriteAtlas, out: Units, words: Float64Array | null): void {
  const self = win.self;
  if (self < 0) {
    out.fill(0);
    return;
  }
  const { view } = sim.spec.observation;
  const rows = viewRows(view), cols = viewCols(view);
  const size = atlas.size, keys = scene.keys;
  const rowUnits = (size * 3) / atlas.unit;
  const tileUnits = rowUnits * size;
  const stride = cols * rowUnits;
  const dir = win.dir, colStep = win.colStep, rowStep = win.rowStep;
  const sUpper = atlas.sUpper, nUpper = atlas.nUpper;
  // Self is drawn in `selfColour` (Self, or its colour state or coin colour); in Territory in its own player colour;
  // and as the others see it where players see themselves so (`selfInOwnColor`: Bach or Stravinsky).
  const selfColour = atlas.appearance.selfInOwnColour ? atlas.slotColour[win.slot] : win.selfColour;
  const selfClass = sim.spec.observation.selfInOwnColor === true ? -1 : atlas.avatarClass(selfColour, dir);
  const slots = atlas.slots, base = dir * atlas.keys, dense = atlas.keys;
  let tiles = atlas.tileUnits, tileWords = atlas.tileWords, safe = atlas.wordSafe;
  const byWords = words !== null && tileWords !== null && rowUnits === 6;
  let rowStart = win.start, k = 0;
  for (let i = 0; i < rows; i++, rowStart += rowStep) {
    let d = i * size * stride;
    for (let j = 0, p = rowStart; j < cols; j++, k++, p += colStep, d += rowUnits) {
      let key = keys[p];
      if (k === self && selfClass >= 0) key += (selfClass - (Math.floor(key / sUpper) % nUpper)) * sUpper;
      let t = key < dense ? slots[base + key] : -1;
      if (t < 0) {
        // First sight of this combination: compose it (the pool may grow, so take its view again).
        t = atlas.tile(dir, key);
        tiles = atlas.tileUnits;
        tileWords = atlas.tileWords;
        safe = atlas.wordSafe;
      }
      if (byWords && safe[t] === 1) blitWords(words as Float64Array, tileWords as Float64Array, t * (tileUnits >> 1), d >> 1, size, stride >> 1);
      else blitTile(out, tiles, t * tileUnits, d, size, rowUnits, stride);
    }
  }
}

/** Write the placed window's symbol codes into `out`; all out of bounds for an observer off the map. */
function drawSymbolic(sim: Sim, scene: Scene, out: Uint8Array): void {
  if (win.self < 0) {
    out.fill(SYMBOL_CODES.outOfBounds);
    return;
  }
  const { view } = sim.spec.observation;
  const rows = viewRows(view), cols = viewCols(view);
  const codes = scene.codes, colStep = win.colStep, rowStep = win.rowStep;
  const turn = win.dir * CODE_SPAN;
  let rowStart = win.start, k = 0;
  for (let i = 0; i < rows; i++, rowStart += rowStep) {
    for (let j = 0, p = rowStart; j < cols; j++, k++, p += colStep) out[k] = RELATIVE_SYMBOL[turn + codes[p]];
  }
  out[win.self] = SELF_UP;
}

/** Per-sim scene and scratch frame for the one-off render functions; `ObservationBuffers` keeps its own. */
interface Scratch {
  scene: Scene;
  atlas: SpriteAtlas;
  /** An aligned frame, for callers whose buffer is not word-aligned. */
  frame: Uint8Array;
  frameUnits: Units;
  frameWords: Float64Array | null;
}
const scratchOf = new WeakMap<Sim, Scratch>();
/** Word views of callers' buffers, made once per buffer. */
const unitViews = new WeakMap<Uint8Array, Units>();
const wordViews = new WeakMap<Uint8Array, Float64Array | null>();

/** The scratch of `sim`, its scene built from the current state. */
function freshScratch(sim: Sim): Scratch {
  let s = scratchOf.get(sim);
  if (!s) {
    const atlas = getSpriteAtlas(sim.spec, sim.players);
    const [h, w, ch] = rgbShape(sim);
    const frame = new Uint8Array(h * w * ch);
    s = { scene: new Scene(sim, atlas), atlas, frame, frameUnits: unitsOf(frame, atlas.unit), frameWords: wordsOf(frame) };
    scratchOf.set(sim, s);
  }
  s.scene.build(sim);
  return s;
}

/** `bytes` seen in `unit`-byte elements (same memory); it must be aligned for them. */
function unitsOf(bytes: Uint8Array, unit: 1 | 4): Units {
  if (unit === 1) return bytes;
  if (!alignedTo(bytes, unit)) throw new RangeError(`buffer not aligned to ${unit} bytes`);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** `bytes` in 8-byte words, or null when it is not aligned for them. */
function wordsOf(bytes: Uint8Array): Float64Array | null {
  return alignedTo(bytes, 8) ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) : null;
}

function cachedWords(bytes: Uint8Array): Float64Array | null {
  let v = wordViews.get(bytes);
  if (v === undefined) wordViews.set(bytes, (v = wordsOf(bytes)));
  return v;
}

function alignedTo(bytes: Uint8Array, unit: number): boolean {
  return bytes.byteOffset % unit === 0 && bytes.byteLength % unit === 0;
}

function cachedUnits(bytes: Uint8Array, unit: 1 | 4): Units {
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
    drawRgb(sim, s.scene, s.atlas, cachedUnits(out, s.atlas.unit), cachedWords(out));
  } else {
    drawRgb(sim, s.scene, s.atlas, s.frameUnits, s.frameWords);
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

/**
 * WORLD.RGB: the whole map, unrotated (the global view faces north), every avatar in its player colour with its
 * own facing (nobody is Self; the two-player matrix games draw everyone as "Other", their `worldSpriteMap`), with
 * this tick's beams and markers: the same tiles as the egocentric windows (`BaseSimulation:addObservations`,
 * `lua/modules/base_simulation.lua:345-368`, renders the same tile set).
 */
export function renderWorld(sim: Sim, out: Uint8Array): void {
  const { scene, atlas } = freshScratch(sim);
  checkLength('renderWorld', out, sim.height * sim.width * atlas.tileBytes);
  const aligned = alignedTo(out, atlas.unit);
  const unit = aligned ? atlas.unit : 1;
  const size = atlas.size, rowUnits = (size * 3) / unit, stride = sim.width * rowUnits, tileUnits = rowUnits * size;
  const units = aligned ? cachedUnits(out, atlas.unit) : out;
  for (let y = 0; y < sim.height; y++) {
    for (let x = 0, p = (y + scene.pad) * scene.stride + scene.pad; x < sim.width; x++, p++) {
      const t = atlas.tile(0, scene.keys[p]);
      const s = t * tileUnits, d = y * size * stride + x * rowUnits;
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
 * READY_TO_SHOOT: 1 − timer / cooldown (1 if the cooldown is 0); 0 without a beam.
 * - The zapper (Commons Harvest, Clean Up): max(1 − timer / cooldown, 0) while on the map, 0 while removed
 *   (`Zapper:readyToShoot`, `lua/modules/avatar_library.lua:737-744`).
 * - The matrix games' interaction beam: 1 − timer / cooldown whether on the map or removed
 *   (`GameInteractionZapper:readyToShoot`, `lua/levels/the_matrix/components.lua:916-919`).
 */
export function readyToShoot(sim: Sim, slot: number): number {
  // Territory's zap is a Zapper too (systems/territory/fireTerritoryZaps.ts).
  const zapper = sim.spec.zapper ?? sim.spec.territory?.zap;
  const zap = zapper ?? sim.spec.matrix?.interaction;
  if (!zap) return 0;
  const eid = sim.avatars[slot];
  const { c, grid } = sim.world;
  if (zapper && (c.Removed.until[eid] > 0 || !grid.has(eid))) return 0;
  if (zap.cooldown === 0) return 1;
  const r = 1 - c.Cooldown.timer[eid] / zap.cooldown;
  return r > 0 ? r : 0;
}

/** COLLECTIVE_REWARD: the sum of every player's reward this step. */
export function collectiveReward(sim: Sim): number {
  return sim.collectiveReward;
}

/** NUM_OTHERS_WHO_CLEANED_THIS_STEP (Clean Up; one step late, as in Melting Pot): see systems/cleanUp/fireCleaningBeams.ts. */
export { numOthersWhoCleanedThisStep } from './cleanUp/fireCleaningBeams.js';

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
  private readonly rgbWords: (Float64Array | null)[];
  private readonly scene: Scene;
  private readonly spec: Sim['spec'];

  constructor(sim: Sim, mode: ObservationMode = 'rgb') {
    this.players = sim.players;
    this.spec = sim.spec;
    this.atlas = getSpriteAtlas(sim.spec, sim.players);
    this.rgbShape = rgbShape(sim);
    const view = sim.spec.observation.view;
    this.symbolicShape = [viewRows(view), viewCols(view)];
    this.scene = new Scene(sim, this.atlas);
    this.rgb = new Array<Uint8Array>(this.players).fill(NO_FRAME);
    this.rgbUnits = new Array<Units>(this.players).fill(NO_FRAME);
    this.rgbWords = new Array<Float64Array | null>(this.players).fill(null);
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
      this.rgbWords[slot] = wordsOf(this.rgb[slot]);
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
        this.scene.build(sim);
        built = true;
      }
      placeWindow(sim, this.scene, sim.avatars[s]);
      if (mode === 'rgb') drawRgb(sim, this.scene, this.atlas, this.rgbUnits[s], this.rgbWords[s]);
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

/**
 * Window geometry for readers other than the renderer (text observations, macros): the same placement as
 * `placeWindow`. Window cell (row, col) lies `forward − row` cells ahead of the observer and `col − left` to its
 * right; `out` receives the map (x, y) it shows. Returns false when that cell is off a bounded map.
 */
export function windowCellToMap(sim: Sim, eid: number, row: number, col: number, out: { x: number; y: number }): boolean {
  const { view } = sim.spec.observation;
  const { c, grid } = sim.world;
  const dir = c.Orientation.dir[eid] & 3;
  const ahead = view.forward - row, right = col - view.left;
  const x = c.Position.x[eid] + ahead * DIR_DX[dir] + right * DIR_DX[(dir + 1) & 3];
  const y = c.Position.y[eid] + ahead * DIR_DY[dir] + right * DIR_DY[(dir + 1) & 3];
  if (grid.torus) {
    out.x = grid.wrapX(x);
    out.y = grid.wrapY(y);
    return true;
  }
  out.x = x;
  out.y = y;
  return grid.inBounds(x, y);
}

/**
 * The inverse: where map cell (x, y) lies relative to the observer `eid` (`ahead`, `right`, in cells), and
 * whether its window shows it. On a torus the nearest copy of the cell counts.
 */
export function mapToWindow(sim: Sim, eid: number, x: number, y: number, out: { ahead: number; right: number }): boolean {
  const { view } = sim.spec.observation;
  const { c, grid } = sim.world;
  const dir = c.Orientation.dir[eid] & 3;
  let dx = x - c.Position.x[eid], dy = y - c.Position.y[eid];
  if (grid.torus) {
    if (dx > sim.width / 2) dx -= sim.width;
    else if (dx < -sim.width / 2) dx += sim.width;
    if (dy > sim.height / 2) dy -= sim.height;
    else if (dy < -sim.height / 2) dy += sim.height;
  }
  const rd = (dir + 1) & 3;
  out.ahead = dx * DIR_DX[dir] + dy * DIR_DY[dir];
  out.right = dx * DIR_DX[rd] + dy * DIR_DY[rd];
  return out.ahead <= view.forward && out.ahead >= -view.backward && out.right <= view.right && out.right >= -view.left;
}
