/**
 * Expected observation frames, composed pixel by pixel straight from Melting Pot's sprite art (the data in
 * systems/spriteArt.ts) and a reading of the grid, without the renderer or its atlas: the character art is turned
 * as a grid of characters, coloured from its palette, scaled, and blended layer by layer with Lab2D's formula. A test
 * says what else the frame must show (this tick's beam cells, the matrix markers, dead apple patches), worked out
 * from the situation it set up.
 *
 * Lab2D facts used (cited where tests rely on them):
 * - `Interp` (dmlab2d/lib/system/tile/pixel.h:66-81): ((255 − a)·from + a·to + 127) / 255, integer division.
 * - Layers are blended in render order from black (dmlab2d/lib/system/tile/tile_renderer.cc:140-242).
 * - A sprite that turns shows rotation (piece facing − viewer facing), rotation k being k clockwise quarter turns
 *   (dmlab2d/lib/game_scripts/common/image_helpers.lua:31-44; dmlab2d/lib/system/math/math2d.h:110-113).
 * - 16×16 art drawn at 8 px averages 2×2 blocks and truncates (dmlab2d/lib/system/image/lua_image.cc:283-323).
 * - Off the map, and everywhere for a removed observer, is black (lua_grid_view.cc:97-123; base_simulation.lua:323).
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import { BeamKind } from '../../systems/beamOverlay.js';
import { Layer } from '../../systems/layers.js';
import { riverFrame } from '../../systems/renderObservations.js';
import type { Sim } from '../../systems/sim.js';
import { appearanceOf, AVATAR_SHAPES, getPalette, type Rgba, type SpriteArt } from '../../systems/spriteArt.js';
import { allelopathicOf } from '../../systems/allelopathicHarvest/index.js';
import { coinsOf } from '../../systems/coins/index.js';
import { COIN_SPRITES, Sprite } from '../../systems/sprites.js';
import { territoryOf } from '../../systems/territory/index.js';

/** What a test expects beyond the grid: beam sprites and markers by map cell, and dead patches. */
export interface Extras {
  /** Map cell → beam sprites covering it, in render order. */
  beams?: ReadonlyMap<number, readonly SpriteArt[]>;
  /** Map cell → marker sprite over the player there. */
  markers?: ReadonlyMap<number, SpriteArt>;
  /** Map cells whose grass is dessicated. */
  dessicated?: ReadonlySet<number>;
  /** Territory: map cell → the paintbrush shown there (its painter and the painter's absolute facing). */
  brushes?: ReadonlyMap<number, { readonly slot: number; readonly facing: number }>;
  /** Territory: map cell → the slot whose claiming beam shows there. */
  claimBeams?: ReadonlyMap<number, number>;
}

/** A layer to draw: art and the clockwise quarter turns to show it at. */
interface Drawn {
  art: SpriteArt;
  turns: number;
}

/** Turn rows of characters one quarter clockwise. */
function turnClockwise(rows: readonly string[]): string[] {
  const h = rows.length, w = rows[0].length;
  const out: string[] = [];
  for (let y = 0; y < w; y++) {
    let row = '';
    for (let x = 0; x < h; x++) row += rows[h - 1 - x][y];
    out.push(row);
  }
  return out;
}

/** The art as `size` × `size` RGBA pixels after `turns` clockwise quarter turns. */
export function artPixels(art: SpriteArt, turns: number, size: number): Rgba[][] {
  let rows = [...art.shape];
  if (art.rotates) for (let k = 0; k < (turns & 3); k++) rows = turnClockwise(rows);
  const n = rows.length;
  const out: Rgba[][] = [];
  for (let y = 0; y < size; y++) {
    const line: Rgba[] = [];
    for (let x = 0; x < size; x++) {
      if (n <= size) {
        line.push(art.palette[rows[Math.floor((y * n) / size)][Math.floor((x * n) / size)]]);
      } else {
        const f = n / size;
        const px: number[] = [];
        for (let ch = 0; ch < 4; ch++) {
          let sum = 0;
          for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += art.palette[rows[y * f + dy][x * f + dx]][ch];
          px.push(Math.floor(sum / (f * f)));
        }
        line.push(px as unknown as Rgba);
      }
    }
    out.push(line);
  }
  return out;
}

function blend(from: number, to: number, a: number): number {
  return Math.floor(((255 - a) * from + a * to + 127) / 255);
}

/**
 * The beams the beam systems recorded this tick (`sim.beams`), as the sprites to draw: for tests about something
 * else that run random play, where beams are fired along the way. Tests of beams state the cells themselves.
 */
export function recordedBeams(sim: Sim): Map<number, SpriteArt[]> {
  const a = appearanceOf(sim.spec);
  const out = new Map<number, SpriteArt[]>();
  const o = sim.beams;
  if (o.world !== sim.world || o.tick !== sim.world.tick) return out;
  for (let i = 0; i < o.count; i++) {
    const cell = o.cells[i], mask = o.mask[cell];
    const colors = a.beams.colors ?? [];
    const zap = a.beams.zap ?? a.territory?.zap;
    const arts = [
      [BeamKind.Zap, zap], [BeamKind.Clean, a.beams.clean], [BeamKind.Interact, a.beams.interact],
      [BeamKind.Color1, colors[0]], [BeamKind.Color2, colors[1]], [BeamKind.Color3, colors[2]],
    ] as const;
    out.set(cell, arts.filter(([k, art]) => (mask & k) !== 0 && art).map(([, art]) => art as SpriteArt));
  }
  return out;
}

/** The layers map cell (x, y) shows to a viewer facing `viewDir`; `observer` is drawn as Self (−1: nobody). */
function cellLayers(sim: Sim, x: number, y: number, viewDir: number, observer: number, extras: Extras): Drawn[] {
  const a = appearanceOf(sim.spec);
  const { grid, c } = sim.world;
  const cell = y * sim.width + x;
  const turns = (4 - viewDir) & 3;
  const layers: Drawn[] = [];
  const push = (art: SpriteArt | undefined, t = turns): void => {
    if (art) layers.push({ art, turns: t });
  };
  const bg = sim.background[cell];
  if (bg === Sprite.Floor) push(a.floor);
  else if (bg === Sprite.Grass) push(extras.dessicated?.has(cell) ? a.dessicated : a.grass);
  else if (bg === Sprite.Sand) push(a.sand);
  else if (bg === Sprite.River) push(a.river?.[riverFrame(sim, cell)]);
  else if (bg === Sprite.Soil) push(a.soil);
  const decor = a.decor?.[sim.map.chars[cell]];
  for (const d of decor?.below ?? []) push(d);
  const lower = grid.at(x, y, Layer.Lower);
  if (lower !== 0) {
    const id = c.Sprite.id[lower];
    if (id === Sprite.Apple) push(a.apple);
    else if (id === Sprite.Dirt) push(a.dirt);
    else if (id === Sprite.Resource1) push(a.resources?.[0]);
    else if (id === Sprite.Resource2) push(a.resources?.[1]);
    // Allelopathic Harvest's berries: unripe colours 1-3, then ripe colours 1-3 (systems/spriteArt.ts).
    else if (id >= Sprite.UnripeBerry1 && id <= Sprite.RipeBerry3) push(a.resources?.[id - Sprite.UnripeBerry1]);
    else if (id === Sprite.Resource3) push(a.resources?.[2]);
    else if (COIN_SPRITES.includes(id)) push(a.coins?.[COIN_SPRITES.indexOf(id)]);
  }
  // Clean Up's avatars and walls are on superOverlay, above its overlay shadows (clean_up.py:644, :267, :297).
  if (a.avatarsOverOverlay) for (const d of decor?.above ?? []) push(d);
  const upper = grid.at(x, y, Layer.Upper);
  const o = sim.spec.observation;
  const colourOf = (slot: number): readonly number[] => o.playerColors[slot % Math.min(sim.players, o.playerColors.length)];
  const t = a.territory;
  const st = territoryOf(sim);
  const resource = st ? st.indexOfCell[cell] : -1;
  if (upper !== 0 && c.Sprite.id[upper] === Sprite.Wall) push(a.wall);
  else if (upper !== 0 && c.Sprite.id[upper] === Sprite.Claimable && t && st) {
    // Territory's resource wall: its texture (lowerPhysical), then the texture again or the owner's wet paint
    // (upperPhysical), then the dry paint (overlay) once it has paid (configs/substrates/territory.py:356-507).
    push(t.texture);
    push(st.owner[resource] < 0 ? t.texture : t.wet(colourOf(st.owner[resource])));
  } else if (upper !== 0) {
    const slot = c.Avatar.slot[upper];
    // Allelopathic Harvest: every avatar, the observer too, in its colour state (its colour overlay). Coins:
    // everyone, the observer included, in the coin colour of its player type this episode. Territory: the observer
    // in its own colour (`selfInOwnColour`), with its own avatar shapes and palette.
    const berries = allelopathicOf(sim);
    const coins = coinsOf(sim);
    const pal = a.avatarPalette ?? getPalette;
    const own = a.selfInOwnColour ? colourOf(slot) : o.selfColor;
    const palette = a.avatarColors && berries
      ? getPalette(a.avatarColors[berries.avatarColor[slot]])
      : coins
        ? getPalette(o.playerColors[coins.typeColour[slot & 1]])
        : slot === observer && o.selfInOwnColor !== true ? pal(own) : pal(colourOf(slot));
    const shape = (a.avatarShapes ?? AVATAR_SHAPES)[(c.Orientation.dir[upper] - viewDir + 4) & 3];
    push({ shape, palette, rotates: false }, 0);
  }
  if (!a.avatarsOverOverlay) for (const d of decor?.above ?? []) push(d);
  if (t && st) {
    if (resource >= 0 && st.destroyed[resource] === 0 && st.dryShown[resource] > 0) push(t.dry(colourOf(st.dryShown[resource] - 1)));
    // The sanction mark over a player at level 2 (superOverlay), the zap beam, the paintbrush, then the damage
    // indicator and the claiming beam (lua/levels/territory/init.lua:30-37).
    if (upper !== 0 && c.Sprite.id[upper] === Sprite.Avatar && st.level[c.Avatar.slot[upper]] === 2) push(t.mark);
    for (const b of extras.beams?.get(cell) ?? []) push(b);
    const brush = extras.brushes?.get(cell);
    if (brush) push(t.brush(colourOf(brush.slot), (brush.facing - viewDir + 4) & 3), 0);
    if (resource >= 0 && st.destroyed[resource] === 0 && st.damagedShown[resource] === 1) push(t.damage);
    const claim = extras.claimBeams?.get(cell);
    if (claim !== undefined) push(t.claimBeam(colourOf(claim)));
    return layers;
  }
  push(extras.markers?.get(cell));
  // Allelopathic Harvest's sanction mark (superOverlay) over a player on the map marked above level 1.
  const marked = upper !== 0 && c.Sprite.id[upper] === Sprite.Avatar ? allelopathicOf(sim) : null;
  if (marked && a.marks && marked.shownLevel[c.Avatar.slot[upper]] > 1) push(a.marks[marked.shownLevel[c.Avatar.slot[upper]] - 1]);
  for (const b of extras.beams?.get(cell) ?? []) push(b);
  return layers;
}

/** Compose `layers` into the frame at cell (row, col) of a frame `cols` cells wide. */
function paint(out: Uint8Array, cols: number, row: number, col: number, size: number, layers: readonly Drawn[]): void {
  const images = layers.map((l) => artPixels(l.art, l.turns, size));
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const rgb = [0, 0, 0];
      for (const img of images) {
        const p = img[v][u];
        for (let ch = 0; ch < 3; ch++) rgb[ch] = blend(rgb[ch], p[ch], p[3]);
      }
      out.set(rgb, ((row * size + v) * cols * size + col * size + u) * 3);
    }
  }
}

/** The egocentric RGB frame `slot` should see. */
export function expectedWindow(sim: Sim, slot: number, extras: Extras = {}): Uint8Array {
  const { view, spriteSize: size } = sim.spec.observation;
  const rows = view.forward + view.backward + 1, cols = view.left + view.right + 1;
  const out = new Uint8Array(rows * cols * size * size * 3);
  const { c, grid } = sim.world;
  const eid = sim.avatars[slot];
  if (!grid.has(eid)) return out;
  const dir = c.Orientation.dir[eid];
  const right = (dir + 1) & 3;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const ahead = view.forward - i, side = j - view.left;
      let x = c.Position.x[eid] + ahead * DIR_DX[dir] + side * DIR_DX[right];
      let y = c.Position.y[eid] + ahead * DIR_DY[dir] + side * DIR_DY[right];
      if (grid.torus) [x, y] = [grid.wrapX(x), grid.wrapY(y)];
      if (!grid.inBounds(x, y)) continue;
      paint(out, cols, i, j, size, cellLayers(sim, x, y, dir, slot, extras));
    }
  }
  return out;
}

/** The WORLD.RGB frame: the whole map facing north, nobody drawn as Self. */
export function expectedWorld(sim: Sim, extras: Extras = {}): Uint8Array {
  const size = sim.spec.observation.spriteSize;
  const out = new Uint8Array(sim.height * sim.width * size * size * 3);
  for (let y = 0; y < sim.height; y++) {
    for (let x = 0; x < sim.width; x++) paint(out, sim.width, y, x, size, cellLayers(sim, x, y, 0, -1, extras));
  }
  return out;
}

/** Where two frames first differ, as "pixel (x, y) a ≠ b", or '' when they are equal. */
export function firstDifference(actual: Uint8Array, expected: Uint8Array, widthPx: number): string {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      const p = Math.floor(i / 3);
      const at = (k: Uint8Array): string => [...k.subarray(p * 3, p * 3 + 3)].join(',');
      return `pixel (${p % widthPx}, ${Math.floor(p / widthPx)}) is ${at(actual)}, expected ${at(expected)}`;
    }
  }
  return '';
}
