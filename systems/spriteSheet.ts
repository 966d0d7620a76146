/**
 * Sprite atlas for the observation renderer: Melting Pot's art (systems/spriteArt.ts) turned into pixels the way
 * Lab2D does it, and every combination a cell can show composed into one RGB tile per view facing.
 *
 * Sprites. Each shape is coloured from its palette (RGBA), scaled to the sprite size as Lab2D's `image.scale(…,
 * 'nearest')` does (integer magnification repeats pixels; 16×16 art drawn at 8 px averages each 2×2 block and
 * truncates, Lab2D's `averagingMinify`), and, if it turns with the view, rotated (Lab2D `generateRotations`:
 * rotation r is the shape turned r quarter turns clockwise).
 *
 * A cell is drawn layer by layer in Lab2D's render order, each sprite blended onto the pixels below with Lab2D's
 * `Interp` ((255 − a)·below + a·sprite + 127) / 255, starting from black (`TileRenderer::MakeSprite`):
 * background tile, the map character's cosmetic pieces below (Clean Up's grass edges and east/west shadows), the
 * lower object (apple, dirt, resource), the upper object (wall or avatar), the cosmetic pieces above (Clean Up's
 * north shadow; drawn before the upper object where avatars are on a higher layer, as in Clean Up), the matrix
 * games' marker, then the beams in their render order. A sprite that turns with the view
 * is drawn at rotation (piece facing − observer facing) = −observer facing, as every map piece faces north
 * (Lab2D `FromView`); an avatar is drawn upright with its shape for its facing relative to the observer.
 *
 * Composite key = bg + nBg · (lower + nLower · (upper + nUpper · (marker + nMarker · beams))), with
 * - bg = tile + TILE_COUNT · decor: the background `Tile` and the map character's decor index (0 = none);
 * - lower: 0 nothing, 1 apple, 2 dirt, 3 + k resource class k (Allelopathic Harvest: unripe berries of colour
 *   k + 1, then ripe ones from 3 + 3), 9 + k a coin in colour k (Coins);
 * - upper: 0 nothing, 1 wall, 2 + 4 · colour + facing: an avatar in avatar colour `colour` (0 = Self, then the
 *   other players' colours) with its absolute facing;
 * - marker: 0 nothing, 1 ready to interact, 2 + r interaction result r (Allelopathic Harvest: m = sanction mark
 *   of level m; an avatar's colour there is its colour id, the observer's own included);
 * - beams: bit i set when the substrate's i-th beam kind (zap, clean, interact, those it has) covers the cell.
 * Key 0 is an empty cell: black, which is also what Lab2D shows off the map.
 *
 * Tiles are composed lazily, the first time a (facing, key) is drawn, into a pool that grows by doubling; after the
 * combinations in play have been seen, drawing allocates nothing. The renderer copies a tile 8 bytes at a time
 * unless one of its 8-byte words is a NaN (white pixels make some: an engine may canonicalise a NaN's bits), then 4.
 */
import type { SubstrateSpec } from '../substrates/types.js';
import { BeamKind } from './beamOverlay.js';
import { appearanceOf, AVATAR_SHAPES, getPalette, type Appearance, type Palette, type SpriteArt } from './spriteArt.js';
import { COIN_SPRITES, Sprite, SPRITE_COUNT } from './sprites.js';

/** Background tiles, in class order. The river's four animation frames are consecutive. */
export const enum Tile {
  None = 0,
  Floor = 1,
  Grass = 2,
  Sand = 3,
  Dessicated = 4,
  River0 = 5,
  /** After the river's four frames. */
  Soil = 9,
}
export const TILE_COUNT = 10;

/** `Sprite` id → background tile (the river as its first frame). */
export const TILE_OF_SPRITE: Uint8Array = (() => {
  const t = new Uint8Array(SPRITE_COUNT);
  t[Sprite.Floor] = Tile.Floor;
  t[Sprite.Grass] = Tile.Grass;
  t[Sprite.Sand] = Tile.Sand;
  t[Sprite.River] = Tile.River0;
  t[Sprite.Dessicated] = Tile.Dessicated;
  t[Sprite.Soil] = Tile.Soil;
  return t;
})();

/** Lower-layer classes. */
export const LOWER_NONE = 0;
export const LOWER_APPLE = 1;
export const LOWER_DIRT = 2;
export const LOWER_RESOURCE = 3;
/** Coins' coins by colour k: `LOWER_COIN + k` (after the resource classes and Allelopathic Harvest's six berry classes). */
export const LOWER_COIN = LOWER_RESOURCE + 6;
export const COIN_COLOUR_CLASSES = 5;
/** `Sprite` id → lower class (0 for sprites that do not live on the lower layer). */
export const LOWER_OF_SPRITE: Uint8Array = (() => {
  const t = new Uint8Array(SPRITE_COUNT);
  t[Sprite.Apple] = LOWER_APPLE;
  t[Sprite.Dirt] = LOWER_DIRT;
  t[Sprite.Resource1] = LOWER_RESOURCE;
  t[Sprite.Resource2] = LOWER_RESOURCE + 1;
  // Allelopathic Harvest's berries take the resource classes (its appearance lists them as its `resources`).
  for (let k = 0; k < 3; k++) {
    t[Sprite.UnripeBerry1 + k] = LOWER_RESOURCE + k;
    t[Sprite.RipeBerry1 + k] = LOWER_RESOURCE + 3 + k;
  }
  t[Sprite.Resource3] = LOWER_RESOURCE + 2;
  COIN_SPRITES.forEach((sprite, k) => (t[sprite] = LOWER_COIN + k));
  return t;
})();

/** Upper-layer classes: nothing, a wall, then avatars (2 + 4 · colour + facing). */
export const UPPER_NONE = 0;
export const UPPER_WALL = 1;
export const UPPER_AVATAR = 2;

/** Bytes per element of `tileUnits`: 4 when a tile row is a whole number of 32-bit words, else 1. */
export type CopyUnit = 1 | 4;

/** Player colours in use: the substrate's colours by slot, cycled beyond their number (at least one). */
function usedColours(spec: SubstrateSpec, players: number): (readonly number[])[] {
  const others = spec.observation.playerColors;
  // Coins colours its players anew each episode: every colour gets a palette (the renderer picks per slot).
  const used = spec.coins ? others.length : Math.max(1, Math.min(players, others.length));
  const list: (readonly number[])[] = [];
  for (let k = 0; k < used; k++) list.push(others.length > 0 ? others[k] : spec.observation.selfColor);
  return list;
}

/**
 * Avatar palettes of a substrate: Self first, then the other players' colours in slot order (cycled); or, where
 * avatars are coloured by their state (`avatarColors`), one palette per colour id.
 */
function avatarPalettes(spec: SubstrateSpec, players: number, a: Appearance): Palette[] {
  if (a.avatarColors) return a.avatarColors.map((rgb) => getPalette(rgb));
  const palette = a.avatarPalette ?? getPalette;
  return [palette(spec.observation.selfColor), ...usedColours(spec, players).map((rgb) => palette(rgb))];
}

/**
 * Territory's pieces in a composite key: an "extra" number above the other classes (key = rest + keys · extra),
 * mixed radix over, lowest first: the resource (0 none, 1 unclaimed, 2 + k wet paint of colour k), dry paint (0 or
 * 1 + k), damage (0/1), the sanction mark (0/1), the zap beam (0/1), the paintbrush (0 or 1 + 4k + facing), the
 * claiming beam (0 or 1 + k); k is a colour index (0-based into the substrate's player colours).
 */
export class TerritoryKeys {
  readonly colours: number;
  readonly mDry: number;
  readonly mDamage: number;
  readonly mMark: number;
  readonly mZap: number;
  readonly mBrush: number;
  readonly mClaim: number;
  /** Number of extra values. */
  readonly count: number;

  constructor(colours: number) {
    this.colours = colours;
    this.mDry = colours + 2;
    this.mDamage = this.mDry * (colours + 1);
    this.mMark = this.mDamage * 2;
    this.mZap = this.mMark * 2;
    this.mBrush = this.mZap * 2;
    this.mClaim = this.mBrush * (4 * colours + 1);
    this.count = this.mClaim * (colours + 1);
  }
}

/** RGBA pixels of `art` at `size` px (Lab2D `textToSprite` then `image.scale(…, 'nearest')`). */
export function spritePixels(art: SpriteArt, size: number): Uint8Array {
  const h = art.shape.length, w = art.shape[0].length;
  const src = new Uint8Array(h * w * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ch = art.shape[y][x];
      const c = art.palette[ch];
      if (!c) throw new Error(`colour '${ch}' not in palette`);
      src.set(c, (y * w + x) * 4);
    }
  }
  return scale(src, h, w, size);
}

/** Scale an h × w RGBA image to size × size: integer magnification repeats, integer minification averages. */
function scale(src: Uint8Array, h: number, w: number, size: number): Uint8Array {
  if (h === size && w === size) return src;
  const out = new Uint8Array(size * size * 4);
  if (size % h === 0 && size % w === 0) {
    const fy = size / h, fx = size / w;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const from = (((y / fy) | 0) * w + ((x / fx) | 0)) * 4;
        out.set(src.subarray(from, from + 4), (y * size + x) * 4);
      }
    }
    return out;
  }
  if (h % size === 0 && w % size === 0) {
    // Lab2D scales rows, then columns, keeping doubles in between, and truncates at the end.
    const fy = h / size, fx = w / size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let ch = 0; ch < 4; ch++) {
          let total = 0;
          for (let dy = 0; dy < fy; dy++) {
            let row = 0;
            for (let dx = 0; dx < fx; dx++) row += src[((y * fy + dy) * w + x * fx + dx) * 4 + ch];
            total += row / fx;
          }
          out[(y * size + x) * 4 + ch] = Math.trunc(total / fy);
        }
      }
    }
    return out;
  }
  throw new RangeError(`a ${w}×${h} sprite cannot be drawn at ${size} px (sizes must divide one another)`);
}

/** The four rotations of a size × size RGBA image, r quarter turns clockwise (Lab2D `generateRotations`). */
function rotations(img: Uint8Array, size: number, rotates: boolean): Uint8Array {
  const px = size * size;
  const out = new Uint8Array(4 * px * 4);
  for (let r = 0; r < 4; r++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sy = y, sx = x;
        if (rotates && r === 1) [sy, sx] = [size - 1 - x, y];
        else if (rotates && r === 2) [sy, sx] = [size - 1 - y, size - 1 - x];
        else if (rotates && r === 3) [sy, sx] = [x, size - 1 - y];
        out.set(img.subarray((sy * size + sx) * 4, (sy * size + sx) * 4 + 4), (r * px + y * size + x) * 4);
      }
    }
  }
  return out;
}

/** Lab2D `Interp`: `from` blended towards `to` by alpha a (0–255), rounded as Lab2D rounds. */
export function interp(from: number, to: number, a: number): number {
  return (((255 - a) * from + a * to + 127) / 255) | 0;
}

const NO_SPRITE = -1;

export class SpriteAtlas {
  /** Pixels per cell side. */
  readonly size: number;
  readonly appearance: Appearance;
  /** Avatar palettes: Self, then the other players' colours. */
  readonly colours: number;
  /** Player slot → avatar colour index of that player seen by someone else (1 + slot mod the colours in use). */
  readonly slotColour: Uint8Array;
  /** Map character → decor index (0 = none). */
  readonly decorOf: ReadonlyMap<string, number>;
  /** Beam kind flags (`BeamKind` bits) → this substrate's beam bits. */
  readonly beamBits: Uint8Array;
  readonly nBg: number;
  readonly nLower: number;
  readonly nUpper: number;
  readonly nMarker: number;
  readonly nBeam: number;
  /** Multipliers of each class in a key. */
  readonly sLower: number;
  readonly sUpper: number;
  readonly sMarker: number;
  readonly sBeam: number;
  /** Composite keys per facing. */
  readonly keys: number;
  /** Bytes of one RGB tile: size² · 3. */
  readonly tileBytes: number;
  readonly unit: CopyUnit;
  /** (facing · keys + key) → tile index in `tiles`, −1 until first drawn. */
  readonly slots: Int32Array;
  /** Composite RGB tiles, rows of size · 3 bytes top to bottom; `tileUnits` sees them in `unit`-byte elements. */
  tiles: Uint8Array;
  tileUnits: Uint8Array | Int32Array;
  /**
   * `tiles` in 8-byte words when a tile row is a whole number of them (else null), and per tile 1 if none of its
   * words is a NaN: such a tile may be copied a word at a time (an engine may canonicalise a NaN's bits, so a tile
   * holding one, e.g. white avatar eyes, is copied in 4-byte units instead).
   */
  tileWords: Float64Array | null;
  wordSafe: Uint8Array;
  /** Tiles composed so far. */
  built = 0;

  /** Every sprite's four rotations, RGBA; sprite i rotation r at (4i + r) · size² · 4. */
  private readonly images: Uint8Array;
  private readonly tileSprite: Int32Array;
  private readonly decorBelow: number[][];
  private readonly decorAbove: number[][];
  private readonly lowerSprite: Int32Array;
  private readonly wallSprite: number;
  /** colour · 4 + shape facing → sprite. */
  private readonly avatarSprite: Int32Array;
  private readonly markerSprite: Int32Array;
  /** Beam bit → sprite. */
  private readonly beamSprite: Int32Array;
  /** Composition scratch, one RGB pixel per entry group. */
  private readonly rgb: Uint8Array;
  /** Territory's extra key digits (null for other substrates) and the sprites of its pieces. */
  readonly territory: TerritoryKeys | null;
  private readonly terr: {
    texture: number; wet: Int32Array; dry: Int32Array; mark: number; zap: number; brush: Int32Array; damage: number; claim: Int32Array;
  } | null;
  /** Tiles of composite keys beyond the dense table (Territory), by key · 4 + facing. */
  private readonly sparse = new Map<number, number>();

  constructor(spec: SubstrateSpec, players: number) {
    const size = spec.observation.spriteSize;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`spriteSize must be a positive integer, got ${size}`);
    this.size = size;
    const a = appearanceOf(spec);
    this.appearance = a;
    const images: Uint8Array[] = [];
    const cache = new Map<SpriteArt, number>();
    const add = (art: SpriteArt | undefined): number => {
      if (!art) return NO_SPRITE;
      let i = cache.get(art);
      if (i === undefined) {
        i = images.length;
        images.push(rotations(spritePixels(art, size), size, art.rotates));
        cache.set(art, i);
      }
      return i;
    };

    const tile = new Int32Array(TILE_COUNT).fill(NO_SPRITE);
    tile[Tile.Floor] = add(a.floor);
    tile[Tile.Grass] = add(a.grass);
    tile[Tile.Sand] = add(a.sand);
    tile[Tile.Dessicated] = add(a.dessicated ?? a.grass);
    tile[Tile.Soil] = add(a.soil);
    for (let f = 0; f < 4; f++) tile[Tile.River0 + f] = add(a.river?.[f % a.river.length]);
    this.tileSprite = tile;

    const decorOf = new Map<string, number>();
    this.decorBelow = [[]];
    this.decorAbove = [[]];
    for (const [ch, d] of Object.entries(a.decor ?? {})) {
      decorOf.set(ch, this.decorBelow.length);
      this.decorBelow.push(d.below.map(add));
      this.decorAbove.push(d.above.map(add));
    }
    this.decorOf = decorOf;

    const resources = a.resources ?? [];
    const lower = [NO_SPRITE, add(a.apple), add(a.dirt), ...resources.map(add)];
    if (a.coins) {
      while (lower.length < LOWER_COIN) lower.push(NO_SPRITE);
      lower.push(...a.coins.map(add));
    }
    this.lowerSprite = Int32Array.from(lower);
    this.wallSprite = add(a.wall);
    const palettes = avatarPalettes(spec, players, a);
    this.colours = palettes.length;
    this.avatarSprite = new Int32Array(palettes.length * 4);
    const avatarShapes = a.avatarShapes ?? AVATAR_SHAPES;
    palettes.forEach((palette, k) => {
      for (let f = 0; f < 4; f++) this.avatarSprite[k * 4 + f] = add({ shape: avatarShapes[f], palette, rotates: false });
    });
    const t = a.territory;
    if (t) {
      const rgbs = usedColours(spec, players);
      this.territory = new TerritoryKeys(rgbs.length);
      this.terr = {
        texture: add(t.texture),
        wet: Int32Array.from(rgbs.map((rgb) => add(t.wet(rgb)))),
        dry: Int32Array.from(rgbs.map((rgb) => add(t.dry(rgb)))),
        mark: add(t.mark),
        zap: add(t.zap),
        brush: Int32Array.from(rgbs.flatMap((rgb) => [0, 1, 2, 3].map((f) => add(t.brush(rgb, f))))),
        damage: add(t.damage),
        claim: Int32Array.from(rgbs.map((rgb) => add(t.claimBeam(rgb)))),
      };
    } else {
      this.territory = null;
      this.terr = null;
    }
    this.slotColour = new Uint8Array(players);
    for (let s = 0; s < players; s++) this.slotColour[s] = palettes.length > 1 ? 1 + (s % (palettes.length - 1)) : 0;
    const m = a.markers;
    // Marker m: the matrix games' ready (1) and results (2 + r); or a sanction mark at level m (`marks[m − 1]`).
    this.markerSprite = Int32Array.from(m ? [NO_SPRITE, add(m.ready), ...m.results.map(add)] : [NO_SPRITE, ...(a.marks ?? []).map(add)]);
    const colors = a.beams.colors ?? [];
    const kinds: [BeamKind, SpriteArt | undefined][] = [
      [BeamKind.Zap, a.beams.zap], [BeamKind.Clean, a.beams.clean], [BeamKind.Interact, a.beams.interact],
      [BeamKind.Color1, colors[0]], [BeamKind.Color2, colors[1]], [BeamKind.Color3, colors[2]],
    ];
    const present = kinds.filter(([, art]) => art);
    this.beamSprite = Int32Array.from(present.map(([, art]) => add(art)));
    this.beamBits = new Uint8Array(64);
    for (let mask = 0; mask < 64; mask++) {
      present.forEach(([kind], bit) => {
        if (mask & kind) this.beamBits[mask] |= 1 << bit;
      });
    }

    this.images = new Uint8Array(images.length * 4 * size * size * 4);
    images.forEach((img, i) => this.images.set(img, i * img.length));

    this.nBg = TILE_COUNT * this.decorBelow.length;
    this.nLower = this.lowerSprite.length;
    this.nUpper = UPPER_AVATAR + 4 * this.colours;
    this.nMarker = this.markerSprite.length;
    this.nBeam = 1 << present.length;
    this.sLower = this.nBg;
    this.sUpper = this.sLower * this.nLower;
    this.sMarker = this.sUpper * this.nUpper;
    this.sBeam = this.sMarker * this.nMarker;
    this.keys = this.sBeam * this.nBeam;
    if (4 * this.keys > 0x7fffffff) throw new RangeError(`${this.keys} composite tiles are too many to index`);
    // Territory's keys go beyond the dense table; a scene stores them in 32 bits.
    if (this.territory && this.keys * this.territory.count > 0xffffffff) {
      throw new RangeError(`${this.keys} × ${this.territory.count} composite keys do not fit in 32 bits`);
    }
    this.slots = new Int32Array(4 * this.keys).fill(-1);
    this.tileBytes = size * size * 3;
    this.unit = (size * 3) % 4 === 0 ? 4 : 1;
    this.tiles = new Uint8Array(64 * this.tileBytes);
    this.tileUnits = this.viewOf(this.tiles);
    this.tileWords = this.wordsOf(this.tiles);
    this.wordSafe = new Uint8Array(64);
    this.rgb = new Uint8Array(this.tileBytes);
  }

  /** The upper class of an avatar in colour `colour` facing `facing` (absolute). */
  avatarClass(colour: number, facing: number): number {
    return UPPER_AVATAR + 4 * colour + (facing & 3);
  }

  /** Index in `tiles` of the tile of `key` seen by an observer facing `dir`, composing it on first use. */
  tile(dir: number, key: number): number {
    if (key >= this.keys) {
      // Territory's pieces: a sparse table (its combinations are too many for a dense one).
      const at = key * 4 + dir;
      const t = this.sparse.get(at);
      if (t !== undefined) return t;
      const made = this.compose(dir, key, -1);
      this.sparse.set(at, made);
      return made;
    }
    const at = dir * this.keys + key;
    const t = this.slots[at];
    return t >= 0 ? t : this.compose(dir, key, at);
  }

  private wordsOf(bytes: Uint8Array): Float64Array | null {
    return (this.size * 3) % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) : null;
  }

  private viewOf(bytes: Uint8Array): Uint8Array | Int32Array {
    return this.unit === 4 ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : bytes;
  }

  private compose(dir: number, full: number, at: number): number {
    const rgb = this.rgb;
    rgb.fill(0);
    const rot = (4 - dir) & 3;
    const key = full % this.keys;
    const extra = Math.floor(full / this.keys);
    const bg = key % this.nBg;
    const decor = (bg / TILE_COUNT) | 0;
    const lower = ((key / this.sLower) | 0) % this.nLower;
    const upper = ((key / this.sUpper) | 0) % this.nUpper;
    const marker = ((key / this.sMarker) | 0) % this.nMarker;
    const beams = (key / this.sBeam) | 0;
    this.draw(this.tileSprite[bg % TILE_COUNT], rot);
    for (const s of this.decorBelow[decor]) this.draw(s, rot);
    this.draw(this.lowerSprite[lower], rot);
    const over = this.appearance.avatarsOverOverlay === true;
    if (over) for (const s of this.decorAbove[decor]) this.draw(s, rot);
    if (upper === UPPER_WALL) this.draw(this.wallSprite, rot);
    else if (upper >= UPPER_AVATAR) {
      const colour = (upper - UPPER_AVATAR) >> 2, facing = (upper - UPPER_AVATAR) & 3;
      this.draw(this.avatarSprite[colour * 4 + ((facing - dir) & 3)], 0);
    }
    if (!over) for (const s of this.decorAbove[decor]) this.draw(s, rot);
    this.draw(this.markerSprite[marker], rot);
    for (let bit = 0; bit < this.beamSprite.length; bit++) if (beams & (1 << bit)) this.draw(this.beamSprite[bit], rot);
    if (extra > 0) this.drawTerritory(extra, dir, rot);

    const t = this.built++;
    if ((t + 1) * this.tileBytes > this.tiles.length) {
      const grown = new Uint8Array(this.tiles.length * 2);
      grown.set(this.tiles);
      this.tiles = grown;
      this.tileUnits = this.viewOf(grown);
      this.tileWords = this.wordsOf(grown);
      const safe = new Uint8Array(this.wordSafe.length * 2);
      safe.set(this.wordSafe);
      this.wordSafe = safe;
    }
    this.tiles.set(rgb, t * this.tileBytes);
    const words = this.tileWords;
    if (words) {
      let safe = 1;
      for (let w = (t * this.tileBytes) / 8, end = w + this.tileBytes / 8; w < end && safe === 1; w++) if (Number.isNaN(words[w])) safe = 0;
      this.wordSafe[t] = safe;
    }
    if (at >= 0) this.slots[at] = t;
    return t;
  }

  /** Territory's pieces of extra value `e` (see `TerritoryKeys`), in its render order. */
  private drawTerritory(e: number, dir: number, rot: number): void {
    const k = this.territory, s = this.terr;
    if (!k || !s) return;
    const res = e % k.mDry;
    const dry = Math.floor(e / k.mDry) % (k.colours + 1);
    const damage = Math.floor(e / k.mDamage) % 2;
    const mark = Math.floor(e / k.mMark) % 2;
    const zap = Math.floor(e / k.mZap) % 2;
    const brush = Math.floor(e / k.mBrush) % (4 * k.colours + 1);
    const claim = Math.floor(e / k.mClaim);
    if (res > 0) {
      this.draw(s.texture, rot);
      this.draw(res === 1 ? s.texture : s.wet[res - 2], rot);
    }
    if (dry > 0) this.draw(s.dry[dry - 1], rot);
    if (mark > 0) this.draw(s.mark, rot);
    if (zap > 0) this.draw(s.zap, rot);
    if (brush > 0) {
      // Drawn upright in its shape for the painter's facing relative to the viewer.
      const colour = (brush - 1) >> 2, facing = (brush - 1) & 3;
      this.draw(s.brush[colour * 4 + ((facing - dir) & 3)], 0);
    }
    if (damage > 0) this.draw(s.damage, rot);
    if (claim > 0) this.draw(s.claim[claim - 1], rot);
  }

  /** Blend rotation `rot` of sprite `s` onto the scratch tile. */
  private draw(s: number, rot: number): void {
    if (s === NO_SPRITE) return;
    const px = this.size * this.size;
    const img = this.images, rgb = this.rgb;
    const base = (s * 4 + rot) * px * 4;
    for (let p = 0; p < px; p++) {
      const i = base + p * 4, a = img[i + 3];
      if (a === 0) continue;
      const o = p * 3;
      if (a === 255) {
        rgb[o] = img[i];
        rgb[o + 1] = img[i + 1];
        rgb[o + 2] = img[i + 2];
      } else {
        rgb[o] = interp(rgb[o], img[i], a);
        rgb[o + 1] = interp(rgb[o + 1], img[i + 1], a);
        rgb[o + 2] = interp(rgb[o + 2], img[i + 2], a);
      }
    }
  }
}

const atlasCache = new WeakMap<SubstrateSpec, Map<number, SpriteAtlas>>();

/** The atlas of `spec` for `players` players, built on first use and shared afterwards. */
export function getSpriteAtlas(spec: SubstrateSpec, players: number): SpriteAtlas {
  let byPlayers = atlasCache.get(spec);
  if (!byPlayers) atlasCache.set(spec, (byPlayers = new Map()));
  let atlas = byPlayers.get(players);
  if (!atlas) byPlayers.set(players, (atlas = new SpriteAtlas(spec, players)));
  return atlas;
}
