/**
 * Sprite sheet and tile atlas for the observation renderer (Melting Pot section 3). Built once per substrate and
 * player count (`getSpriteAtlas` caches it), never per frame.
 *
 * 1. Base sprites: one spriteSize × spriteSize RGBA tile per `Sprite` id, then one avatar tile per avatar colour
 *    (Self first, then each other-player colour in use), all in the one Uint8Array `sprites`. The art is ours:
 *    8×8 ASCII patterns below, scaled by nearest neighbour to other sprite sizes, coloured from the substrate's
 *    palette by sprite name (a missing key falls back to neutral grey, `outOfBounds` to black).
 * 2. Composite tiles: every (background, lower-layer object, upper-layer object) combination a cell can show,
 *    pre-blended and pre-rotated for each of the four facings, RGB only, in `tiles`. The renderer then draws a
 *    cell with one straight copy. Tile art (floor, grass, walls, apples) rotates with the view; avatars are drawn
 *    upright in every facing, as Melting Pot's avatar sprites have `noRotate=True`.
 *
 * Composite key = (upper · LOWER_CLASSES + lower) · BACKGROUND_CLASSES + background, with
 * - background class: index in `BACKGROUND_SPRITES` (class 0, `OutOfBounds`, is also what a cell outside the map
 *   shows, so key 0 is the out-of-bounds tile);
 * - lower class: 0 nothing, else 1 + index in `LOWER_SPRITES`;
 * - upper class: 0 nothing, 1 wall, 2 the observer's own avatar (Self colour), 3 + k another avatar in
 *   `playerColors[k]` (`slotUpperClass[slot]` gives it for a slot).
 */
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import type { Rgb, SubstrateSpec } from '../substrates/types.js';
import { Sprite, SPRITE_COUNT, SPRITE_NAMES } from './sprites.js';

/** Sprites that paint a cell's background (`Sim.background`), in class order. */
export const BACKGROUND_SPRITES: readonly Sprite[] = [
  Sprite.OutOfBounds, Sprite.Floor, Sprite.Grass, Sprite.Sand, Sprite.River, Sprite.Dessicated,
];
/** Sprites that live on the lower layer (collectables), in class order from 1. */
export const LOWER_SPRITES: readonly Sprite[] = [Sprite.Apple, Sprite.Dirt, Sprite.Resource1, Sprite.Resource2];

export const BACKGROUND_CLASSES = BACKGROUND_SPRITES.length;
export const LOWER_CLASSES = LOWER_SPRITES.length + 1;
/** Upper classes before the other-player colours: nothing, wall, Self. */
export const UPPER_NONE = 0;
export const UPPER_WALL = 1;
export const UPPER_SELF = 2;
export const UPPER_OTHER = 3;

function inverse(list: readonly Sprite[], first: number): Uint8Array {
  const t = new Uint8Array(SPRITE_COUNT);
  list.forEach((s, i) => (t[s] = first + i));
  return t;
}

/** Sprite id → background class (0 for sprites that are not backgrounds). */
export const BACKGROUND_CLASS: Uint8Array = inverse(BACKGROUND_SPRITES, 0);
/** Sprite id → lower class (0 = draws nothing, for sprites that do not live on the lower layer). */
export const LOWER_CLASS: Uint8Array = inverse(LOWER_SPRITES, 1);

/**
 * The 8×8 art. Characters: `.` transparent, `B` the sprite's palette colour, `d` a darker shade of it, `l` a
 * slightly lighter tone, `g` the apple's leaf. Centre 2×2 pixels are always `B`, so a cell's colour can be read off
 * its centre in any facing.
 */
const ART_SIZE = 8;
type Art = readonly string[];

const FLAT: Art = ['BBBBBBBB', 'BBBBBBBB', 'BBBBBBBB', 'BBBBBBBB', 'BBBBBBBB', 'BBBBBBBB', 'BBBBBBBB', 'BBBBBBBB'];
/** Asymmetric speckle, so the rotation of the view shows in the tile. */
const GRASS: Art = ['BBBBBBBB', 'BBBBBlBB', 'BlBBBBBB', 'BBBBBBBB', 'BBBBBBlB', 'BBlBBBBB', 'BBBBBBBB', 'BBBBlBBB'];
const SAND: Art = ['BBBBBBBB', 'BBBlBBBB', 'BBBBBBBB', 'BBBBBBlB', 'BlBBBBBB', 'BBBBBBBB', 'BBBBBlBB', 'BBBBBBBB'];
const RIVER: Art = ['BBBBBBBB', 'BllBBBBB', 'BBBllBBB', 'BBBBBllB', 'BBBBBBBB', 'llBBBBBB', 'BBllBBBB', 'BBBBllBB'];
const WALL: Art = ['dddddddd', 'dBBBBBBd', 'dBBBBBBd', 'dBBBBBBd', 'dBBBBBBd', 'dBBBBBBd', 'dBBBBBBd', 'dddddddd'];
const APPLE: Art = ['....g...', '..BBBB..', '.BBBBBB.', '.BBBBBB.', '.BBBBBB.', '.BBBBBB.', '..BBBB..', '........'];
const DIRT: Art = ['BB..BB..', 'BBB.BBB.', '.BB..BB.', '..BBB..B', 'B.BBB...', 'BB..BBB.', 'BBB.BBBB', '.B...BB.'];
const RESOURCE: Art = ['...BB...', '..BBBB..', '.BBBBBB.', 'BBBdBBBB', 'BBBBdBBB', '.BBBBBB.', '..BBBB..', '...BB...'];
/** A body with eyes; the transparent corners show the tile beneath. Left-right symmetric. */
const AVATAR: Art = ['..BBBB..', '.BBBBBB.', '.BdBBdB.', '.BBBBBB.', 'BBBBBBBB', '.BBBBBB.', '.BBBBBB.', '.BB..BB.'];

/** Art and palette key of each sprite, by sprite name. `dessicated` grass is drawn with the floor sprite, as in MP. */
const SPRITE_ART: Readonly<Record<string, { art: Art; colour: string }>> = {
  outOfBounds: { art: FLAT, colour: 'outOfBounds' },
  floor: { art: FLAT, colour: 'floor' },
  grass: { art: GRASS, colour: 'grass' },
  sand: { art: SAND, colour: 'sand' },
  river: { art: RIVER, colour: 'river' },
  wall: { art: WALL, colour: 'wall' },
  apple: { art: APPLE, colour: 'apple' },
  dirt: { art: DIRT, colour: 'dirt' },
  resource1: { art: RESOURCE, colour: 'resource1' },
  resource2: { art: RESOURCE, colour: 'resource2' },
  avatar: { art: AVATAR, colour: 'avatar' },
  dessicated: { art: FLAT, colour: 'floor' },
};

const NEUTRAL_GREY: Rgb = [128, 128, 128];
const BLACK: Rgb = [0, 0, 0];
const DEFAULT_LEAF: Rgb = [53, 132, 49];
/** Shades: the darker border is 70 % of the colour; the speckle tone is 14 levels lighter (or darker near white). */
const DARK_FACTOR = 0.7;
const TONE_STEP = 14;

export interface SpriteAtlas {
  /** Pixels per cell side. */
  readonly size: number;
  /** Avatar colours: Self, then `playerColors[0 .. colours-2]`. */
  readonly colours: number;
  /** Base sprites, RGBA (alpha 0 or 255): tile t at t · size² · 4; avatar colour k at tile SPRITE_COUNT + k. */
  readonly sprites: Uint8Array;
  /** Composite keys per facing. */
  readonly keys: number;
  /** Bytes of one composite RGB tile: size² · 3. */
  readonly tileBytes: number;
  /** Composite RGB tiles: facing d, key k at (d · keys + k) · tileBytes; rows of size · 3 bytes, top to bottom. */
  readonly tiles: Uint8Array;
  /**
   * Bytes per copy unit the renderer may use on `tiles` (8, 4 or 1): the largest that divides a tile row and for
   * which copying through a typed-array view is bit-exact (8-byte words are used only when none of them is a
   * NaN, whose bits an engine may canonicalise).
   */
  readonly unit: 1 | 4 | 8;
  /** `tiles` seen in `unit`-byte elements. */
  readonly tileUnits: Uint8Array | Uint32Array | Float64Array;
  /** Player slot → upper class of that player seen by someone else. */
  readonly slotUpperClass: Uint8Array;
}

function paletteColour(spec: SubstrateSpec, key: string): Rgb {
  const c = spec.observation.palette[key];
  if (c) return c;
  return key === 'outOfBounds' ? BLACK : NEUTRAL_GREY;
}

function shade(c: number, ch: string): number {
  if (ch === 'd') return Math.round(c * DARK_FACTOR);
  if (ch === 'l') return c + TONE_STEP <= 255 ? c + TONE_STEP : c - TONE_STEP;
  return c;
}

/** Paint `art` in `colour` into tile `tile` of an RGBA sheet of `size`-pixel tiles. */
function paint(sheet: Uint8Array, tile: number, size: number, art: Art, colour: Rgb, leaf: Rgb): void {
  const base = tile * size * size * 4;
  for (let y = 0; y < size; y++) {
    const row = art[Math.floor((y * ART_SIZE) / size)];
    for (let x = 0; x < size; x++) {
      const ch = row[Math.floor((x * ART_SIZE) / size)];
      const p = base + (y * size + x) * 4;
      if (ch === '.') continue;
      const src = ch === 'g' ? leaf : colour;
      for (let k = 0; k < 3; k++) sheet[p + k] = ch === 'g' ? src[k] : shade(src[k], ch);
      sheet[p + 3] = 255;
    }
  }
}

/** Avatar colours for `players` players: Self, then the other-player colours in use (cycled by slot). */
function avatarColours(spec: SubstrateSpec, players: number): Rgb[] {
  const others = spec.observation.playerColors.length > 0 ? spec.observation.playerColors : [NEUTRAL_GREY];
  return [spec.observation.selfColor, ...others.slice(0, Math.max(1, Math.min(players, others.length)))];
}

/** Build the base sprites and the composite tiles. Use `getSpriteAtlas` to share one per substrate and size. */
export function buildSpriteAtlas(spec: SubstrateSpec, players: number): SpriteAtlas {
  const size = spec.observation.spriteSize;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`spriteSize must be a positive integer, got ${size}`);
  const colourList = avatarColours(spec, players);
  const colours = colourList.length;
  const px = size * size;
  const sprites = new Uint8Array((SPRITE_COUNT + colours) * px * 4);
  const leaf = spec.observation.palette.leaf ?? DEFAULT_LEAF;
  for (let id = 0; id < SPRITE_COUNT; id++) {
    const { art, colour } = SPRITE_ART[SPRITE_NAMES[id]];
    paint(sprites, id, size, art, paletteColour(spec, colour), leaf);
  }
  for (let k = 0; k < colours; k++) paint(sprites, SPRITE_COUNT + k, size, AVATAR, colourList[k], leaf);

  const upperClasses = UPPER_OTHER + colours - 1;
  const keys = BACKGROUND_CLASSES * LOWER_CLASSES * upperClasses;
  // The renderer keeps a cell's key in 16 bits.
  if (keys > 0xffff) throw new RangeError(`${colours - 1} player colours need more than 65536 composite tiles`);
  const tileBytes = px * 3;
  const tiles = new Uint8Array(4 * keys * tileBytes);
  // Sprite tile of each layer's class (−1 = nothing drawn).
  const lowerTile = [-1, ...LOWER_SPRITES];
  const upperTile = (u: number): number => (u === UPPER_NONE ? -1 : u === UPPER_WALL ? Sprite.Wall : SPRITE_COUNT + u - UPPER_SELF);
  for (let dir = 0; dir < 4; dir++) {
    // View pixel (u, v) shows world pixel (wx, wy): the view's right is the facing turned clockwise, its up the facing.
    const fx = DIR_DX[dir], fy = DIR_DY[dir], rx = DIR_DX[(dir + 1) & 3], ry = DIR_DY[(dir + 1) & 3];
    for (let key = 0; key < keys; key++) {
      const bg = BACKGROUND_SPRITES[key % BACKGROUND_CLASSES];
      const lower = lowerTile[Math.floor(key / BACKGROUND_CLASSES) % LOWER_CLASSES];
      const upperClass = Math.floor(key / (BACKGROUND_CLASSES * LOWER_CLASSES));
      const upper = upperTile(upperClass);
      const upright = upperClass >= UPPER_SELF;
      const out = (dir * keys + key) * tileBytes;
      for (let v = 0; v < size; v++) {
        for (let u = 0; u < size; u++) {
          const wx = (size - 1 + (2 * u - size + 1) * rx - (2 * v - size + 1) * fx) / 2;
          const wy = (size - 1 + (2 * u - size + 1) * ry - (2 * v - size + 1) * fy) / 2;
          const rotated = (wy * size + wx) * 4;
          let src = bg * px * 4 + rotated;
          if (lower >= 0 && sprites[lower * px * 4 + rotated + 3] !== 0) src = lower * px * 4 + rotated;
          if (upper >= 0) {
            const p = upper * px * 4 + (upright ? (v * size + u) * 4 : rotated);
            if (sprites[p + 3] !== 0) src = p;
          }
          const o = out + (v * size + u) * 3;
          tiles[o] = sprites[src];
          tiles[o + 1] = sprites[src + 1];
          tiles[o + 2] = sprites[src + 2];
        }
      }
    }
  }
  const unit = copyUnit(tiles, size * 3);
  const tileUnits = unit === 8 ? new Float64Array(tiles.buffer) : unit === 4 ? new Uint32Array(tiles.buffer) : tiles;
  const slotUpperClass = new Uint8Array(players);
  for (let s = 0; s < players; s++) slotUpperClass[s] = UPPER_OTHER + (s % (colours - 1));
  return { size, colours, sprites, keys, tileBytes, tiles, unit, tileUnits, slotUpperClass };
}

function copyUnit(tiles: Uint8Array, rowBytes: number): 1 | 4 | 8 {
  if (rowBytes % 8 === 0) {
    const words = new Float64Array(tiles.buffer, tiles.byteOffset, tiles.byteLength / 8);
    let nan = false;
    for (let i = 0; i < words.length && !nan; i++) nan = Number.isNaN(words[i]);
    if (!nan) return 8;
  }
  return rowBytes % 4 === 0 ? 4 : 1;
}

const atlasCache = new WeakMap<SubstrateSpec, Map<number, SpriteAtlas>>();

/** The atlas of `spec` for `players` players, built on first use and shared afterwards. */
export function getSpriteAtlas(spec: SubstrateSpec, players: number): SpriteAtlas {
  let bySize = atlasCache.get(spec);
  if (!bySize) atlasCache.set(spec, (bySize = new Map()));
  let atlas = bySize.get(players);
  if (!atlas) bySize.set(players, (atlas = buildSpriteAtlas(spec, players)));
  return atlas;
}
