/**
 * Melting Pot's sprite art and colours, as data: the 8×8 (and 16×16) character-art shapes, the palettes that colour
 * them, and which sprites each implemented substrate draws on which layer. The renderer (systems/spriteSheet.ts)
 * turns these into pixels exactly as Lab2D does; nothing here is code from Melting Pot, only the facts needed to
 * draw the same frames. Source: github.com/google-deepmind/meltingpot (Apache-2.0, see NOTICE), commit 81ee2e7;
 * paths below are relative to its `meltingpot/` folder, with lines.
 *
 * A shape is rows of palette characters; a palette maps a character to RGBA. Alpha 0 is transparent; partial
 * alpha is blended onto what lies beneath with Lab2D's `Interp` (systems/spriteSheet.ts). A sprite either turns
 * with the observer's view (`rotates`: Melting Pot's `noRotate` false — floors, walls, grass, water, shadows) or is
 * always drawn upright (apples, resources, markers, avatars, whose facing is shown by their four shapes instead).
 */
import type { MatrixSpec, ResourceClassSpec, SubstrateSpec } from '../substrates/types.js';

export type Rgba = readonly [number, number, number, number];
export type Palette = Readonly<Record<string, Rgba>>;

/** A sprite: a shape and its palette. A solid colour (Lab2D `addColor`) is a 1×1 shape, replicated to the cell. */
export interface SpriteArt {
  readonly shape: readonly string[];
  readonly palette: Palette;
  /** Turns with the view (the piece faces north, so the sprite is seen rotated by −(observer facing)). */
  readonly rotates: boolean;
}

/** The shapes Crucible draws, verbatim from `utils/substrates/shapes.py` (the later `WALL` is the one in force). */
export const SHAPES = {
  /** utils/substrates/shapes.py:309-318 */
  CUTE_AVATAR_N: [
    'xxxxxxxx',
    'xx*xx*xx',
    'xx****xx',
    'xx&&&&xx',
    'x******x',
    'x&****&x',
    'xx****xx',
    'xx&xx&xx',
  ],
  /** utils/substrates/shapes.py:320-329 */
  CUTE_AVATAR_E: [
    'xxxxxxxx',
    'xx*x*xxx',
    'xx****xx',
    'xx*O*Oxx',
    'x**##*&x',
    'x&****&x',
    'xx****xx',
    'xx&&x&xx',
  ],
  /** utils/substrates/shapes.py:331-340 */
  CUTE_AVATAR_S: [
    'xxxxxxxx',
    'xx*xx*xx',
    'xx****xx',
    'xxO**Oxx',
    'x&*##*&x',
    'x&****&x',
    'xx****xx',
    'xx&xx&xx',
  ],
  /** utils/substrates/shapes.py:342-351 */
  CUTE_AVATAR_W: [
    'xxxxxxxx',
    'xxx*x*xx',
    'xx****xx',
    'xxO*O*xx',
    'x&*##**x',
    'x&****&x',
    'xx****xx',
    'xx&x&&xx',
  ],
  /** utils/substrates/shapes.py:3411-3420 */
  APPLE: [
    'xxxxxxxx',
    'xxxxxxxx',
    'xxo|*xxx',
    'x*#|**xx',
    'x*****xx',
    'x#***#xx',
    'xx###xxx',
    'xxxxxxxx',
  ],
  /** utils/substrates/shapes.py:2337-2346 */
  GRAINY_FLOOR: [
    '+*+*++*+',
    '*+*+**+*',
    '+*+****+',
    '****+*+*',
    '*+*+****',
    '**+***++',
    '+*+*+**+',
    '***+**+*',
  ],
  /** utils/substrates/shapes.py:903-912 */
  GRASS_STRAIGHT: [
    '********',
    '*@*@****',
    '*@*@****',
    '********',
    '*****@*@',
    '*****@*@',
    '********',
    '********',
  ],
  /** utils/substrates/shapes.py:914-923 */
  GRASS_STRAIGHT_N_EDGE: [
    '****x*x*',
    '*@*@****',
    '*@*@****',
    '********',
    '*****@*@',
    '*****@*@',
    '********',
    '********',
  ],
  /** utils/substrates/shapes.py:2326-2335 */
  WALL: [
    '**#*****',
    '**#*****',
    '########',
    '*****#**',
    '*****#**',
    '########',
    '**#*****',
    '**#*****',
  ],
  /** utils/substrates/shapes.py:2359-2368 */
  SHADOW_W: [
    '#@*xxxxx',
    '#*x~xxxx',
    '#@*xxxxx',
    '#*x~xxxx',
    '#@*xxxxx',
    '#*x~xxxx',
    '#@*xxxxx',
    '#*x~xxxx',
  ],
  /** utils/substrates/shapes.py:2370-2379 */
  SHADOW_E: [
    'xxxxx*@#',
    'xxxx~x*#',
    'xxxxx*@#',
    'xxxx~x*#',
    'xxxxx*@#',
    'xxxx~x*#',
    'xxxxx*@#',
    'xxxx~x*#',
  ],
  /** utils/substrates/shapes.py:2381-2390 */
  SHADOW_N: [
    '########',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
  ],
  /** utils/substrates/shapes.py:1115-1132 */
  WATER_1: [
    '**~~*ooo~~~oo~**',
    '~~~o**~~~~~~~**o',
    'ooo~***~~~~~***~',
    'o~~~~**~~*****~~',
    '~~~~*****@@**~~o',
    'o~**********~oo~',
    'o**~~~~~~***o~~~',
    '*oo~~~~~~o**~~~~',
    '~~~ooooooo~**~**',
    '*~~~~oooo~~*@~**',
    '**~~~~oo~~~~**~~',
    '~**~~~~oo~~~**~~',
    '~*@*~~~~oo~~**~~',
    '~~*@**~~~~o**~~~',
    '~~~~********~~~~',
    '~~**~~~~ooo~***~',
  ],
  /** utils/substrates/shapes.py:1135-1152 */
  WATER_2: [
    '*~~*~oo~~~~oo~~*',
    '~~oo*~~~~~~~~**~',
    'oo~~~**~~~***~~o',
    '~~~*********~~~~',
    '~~~****@@**~~~oo',
    'o~**********oo~~',
    '~***~~~~~~***~~~',
    '*~~oooo~ooo**~~~',
    '~~~~~~oooo~~*@**',
    '*~~~~~~~~oo~***~',
    '~**~~~~~~~o~**~~',
    '~~**~~~~~~o**~~~',
    '~~*@**~~~~**~~~~',
    '~~~~********~~~~',
    '~~~**~~~~oo***~~',
    '~***~~~oo~~~~**~',
  ],
  /** utils/substrates/shapes.py:1154-1171 */
  WATER_3: [
    '***oooo~~~oo**~*',
    'oo~**~~~~~~~**oo',
    '~~~***~~~~~***~~',
    'o~~~~********ooo',
    '~ooo~*@@*****~~~',
    '~~o*****oo****~~',
    '~~**~~oooo~***~~',
    '~*~~~~~~~oo~**~~',
    '*~~~~~~~~~oo*@**',
    '*~~~~~~~~~~***~~',
    '*~~~~~~~~~**o~~~',
    '~**~~~~~~**~oo~~',
    '~*@**~~~**~~~o~~',
    '~~*@******~~o~~~',
    '~~**~~~~~***~~~~',
    '~**~~~~ooo~~***~',
  ],
  /** utils/substrates/shapes.py:1173-1190 */
  WATER_4: [
    '*~~*~oo~~ooo~~~*',
    '~ooo*~~~~~~~***o',
    'o~~~~**~~~**~~~~',
    '~~~**@******~~~~',
    'o~~***@@@**~~~oo',
    '~o**********oo~~',
    '~***~~~~~o***~~~',
    '*~oooo~oooo**~~~',
    '~~~~~oooo~~~*@**',
    '*~~~~~~ooo~~***~',
    '~**~~~~~~oo~**~~',
    '~~**~~~~~~o***~~',
    '~~**~~~~~~o**~~~',
    '~~~*@@*~~~**o~~~',
    '~~~~**@******~~~',
    '~***~~~oo~~~~**~',
  ],
  /** utils/substrates/shapes.py:1001-1018 */
  BUTTON: [
    'xxxxxxxxxxxxxxxx',
    'xxxxxxxxxxxxxxxx',
    'xx************xx',
    'xx************xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx**########**xx',
    'xx************xx',
    'xx************xx',
    'xxxxxxxxxxxxxxxx',
    'xxxxxxxxxxxxxxxx',
  ],
  /** utils/substrates/shapes.py:2112-2121 */
  BRONZE_CAP: [
    'xxxxxxxx',
    'xx####xx',
    'xx####xx',
    'x@xxxx@x',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
    'xxxxxxxx',
  ],
  /** utils/substrates/shapes.py:1957-1966 (Allelopathic Harvest's floor) */
  DIRT_PATTERN: ['xxxxxxxx', 'xXXXxxxx', 'xXXXxxxx', 'xxxxxxxx', 'xxxxXXXx', 'xxxxxXXx', 'xxxXXxxx', 'xxxxXXXX'],
  /** utils/substrates/shapes.py:2138-2147 */
  SOIL: ['xXDxDDxx', 'XdDdDDDx', 'DdDDdDdd', 'dDdDDdDd', 'xDdDdDdX', 'DDDDDDXd', 'ddDdDDdD', 'xDdDdDDx'],
  /** utils/substrates/shapes.py:2149-2158 */
  BERRY_SEEDS: ['xxxxxxxx', 'xxxxxxxx', 'xxxOxxxx', 'xxxxoxOx', 'xxoxxxxx', 'xxxxxxxx', 'xxxxoxxx', 'xxxxxxxx'],
  /** utils/substrates/shapes.py:2160-2169 */
  BERRY_RIPE: ['xxxxxxxx', 'xxxxxxxx', 'xxooxxxx', 'xxooOOxx', 'xxxdOOxx', 'xxxddxxx', 'xxxxxxxx', 'xxxxxxxx'],
  /** `MARKING_SPRITE`, configs/substrates/allelopathic_harvest.py:109-118 (the same in territory.py:35-44) */
  MARKING: ['oxxxxxxo', 'xoxxxxox', 'xxoxxoxx', 'xxxooxxx', 'xxxooxxx', 'xxoxxoxx', 'xoxxxxox', 'oxxxxxxo'],
  /** utils/substrates/shapes.py:660-677 (16 × 16, drawn at 8 px by averaging 2 × 2 blocks) */
  COIN: [
    'xxxxxxxxxxxxxxxx',
    'xxxxxxxxxxxxxxxx',
    'xxxxxxxxxxxxxxxx',
    'xxxxxx@###xxxxxx',
    'xxxxx@@@@##xxxxx',
    'xxxx&&&@@@@#xxxx',
    'xxx&&&&&&&@@#xxx',
    'xxx&*&&&&&&&&xxx',
    'xxx&***&&&&&&xxx',
    'xxx**********xxx',
    'xxxx********xxxx',
    'xxxxx******xxxxx',
    'xxxxxx****xxxxxx',
    'xxxxxxxxxxxxxxxx',
    'xxxxxxxxxxxxxxxx',
    'xxxxxxxxxxxxxxxx',
  ],
  /** utils/substrates/shapes.py:870-879 */
  FILL: ['iiiiiiii', 'iiiiiiii', 'iiiiiiii', 'iiiiiiii', 'iiiiiiii', 'iiiiiiii', 'iiiiiiii', 'iiiiiiii'],
  /** utils/substrates/shapes.py:2173-2182 */
  NW_HIGHLIGHT: ['x*******', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx'],
  /** utils/substrates/shapes.py:2184-2193 */
  NE_HIGHLIGHT: ['*******x', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo'],
  /** utils/substrates/shapes.py:2195-2204 */
  E_W_HIGHLIGHT: ['*xxxxxxo', '*xxxxxxo', '*xxxxxxo', '*xxxxxxo', '*xxxxxxo', '*xxxxxxo', '*xxxxxxo', '*xxxxxxo'],
  /** utils/substrates/shapes.py:2206-2215 */
  N_S_HIGHLIGHT: ['********', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'oooooooo'],
  /** utils/substrates/shapes.py:2217-2226 */
  SE_HIGHLIGHT: ['xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'xxxxxxxo', 'ooooooox'],
  /** utils/substrates/shapes.py:2228-2237 */
  SW_HIGHLIGHT: ['*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', '*xxxxxxx', 'xooooooo'],
  /** utils/substrates/shapes.py:2239-2248 */
  CUTE_AVATAR_HOLDING_PAINTBRUSH_N: ['xxxxxOOO', 'xx*xx*+x', 'xx****-x', 'xx&&&&&x', 'x******x', 'x&****xx', 'xx****xx', 'xx&xx&xx'],
  /** utils/substrates/shapes.py:2250-2259 */
  CUTE_AVATAR_HOLDING_PAINTBRUSH_E: ['xxxxxxxx', 'xx*x*xxx', 'xx****xx', 'xx*,*,xx', 'x**##*&&', 'x&****xx', 'xx****xx', 'xx&&x&xx'],
  /** utils/substrates/shapes.py:2261-2270 */
  CUTE_AVATAR_HOLDING_PAINTBRUSH_S: ['xxxxxxxx', 'xx*xx*xx', 'xx****xx', 'xx,**,xx', 'x&*##*&x', 'x&****&x', 'xx****-x', 'xx&xx&+x'],
  /** utils/substrates/shapes.py:2272-2281 */
  CUTE_AVATAR_HOLDING_PAINTBRUSH_W: ['xxxxxxxx', 'xxx*x*xx', 'xx****xx', 'xx,*,*xx', '&&*##**x', 'xx****&x', 'xx****xx', 'xx&x&&xx'],
  /** utils/substrates/shapes.py:2289-2298 */
  PAINTBRUSH_N: ['xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxx*&o', 'xxxxx*k&', 'xxxxxkkk'],
  /** utils/substrates/shapes.py:2300-2309 */
  PAINTBRUSH_E: ['xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxOk**xx', '-+Okk&xx', 'xxOk&oxx', 'xxxxxxxx', 'xxxxxxxx'],
  /** utils/substrates/shapes.py:2311-2320 */
  PAINTBRUSH_S: ['xxxxxOOO', 'xxxxxkkk', 'xxxxx&k*', 'xxxxxo&*', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx'],
  /** `PAINTBRUSH_W = flip_horizontal(PAINTBRUSH_E)`, utils/substrates/shapes.py:2322 (flipped here). */
  PAINTBRUSH_W: ['xxxxxxxx', 'xxxxxxxx', 'xxxxxxxx', 'xx**kOxx', 'xx&kkO+-', 'xxo&kOxx', 'xxxxxxxx', 'xxxxxxxx'],
  /** The resource's damage indicator, configs/substrates/territory.py:512-521. */
  DAMAGED_RESOURCE: [',,bb,,,,', ',,bb,bb,', ',,,b,,b,', ',,,b,,,,', ',,,b,,,b', ',,,bb,,b', ',,,bb,,b', 'b,,,b,,,'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** `utils/substrates/shapes.py:25-28`. */
export const ALPHA: Rgba = [0, 0, 0, 0];
export const WHITE: Rgba = [255, 255, 255, 255];
export const BLACK: Rgba = [0, 0, 0, 255];
export const DARK_GRAY: Rgba = [60, 60, 60, 255];

/** `scale_color` (`shapes.py:40-62`): each channel × factor, truncated, at most 255; alpha replaced. */
function scaleColor(rgb: readonly number[], factor: number, alpha: number): Rgba {
  const f = (v: number): number => Math.trunc(Math.min(v * factor, 255));
  return [f(rgb[0]), f(rgb[1]), f(rgb[2]), alpha];
}

/** `get_palette` (`shapes.py:66-104`): the avatar palette of a player colour. */
export function getPalette(rgb: readonly number[]): Palette {
  return {
    '*': [rgb[0], rgb[1], rgb[2], 255],
    '&': scaleColor(rgb, 0.75, 255),
    o: scaleColor(rgb, 0.55, 255),
    '!': scaleColor(rgb, 0.65, 255),
    '~': scaleColor(rgb, 0.9, 255),
    '@': scaleColor(rgb, 1.25, 255),
    r: [rgb[0], rgb[2], rgb[1], 255],
    R: scaleColor([rgb[0], rgb[2], rgb[1]], 1.25, 255),
    '%': [178, 206, 234, 255],
    '#': WHITE,
    O: DARK_GRAY,
    ',': BLACK,
    x: ALPHA,
  };
}

/** A solid-colour sprite (Lab2D `tileSet:addColor`); three channels are opaque. */
export function solid(rgba: readonly number[]): SpriteArt {
  return { shape: ['*'], palette: { '*': [rgba[0], rgba[1], rgba[2], rgba[3] ?? 255] }, rotates: false };
}

function art(shape: readonly string[], palette: Palette, rotates: boolean): SpriteArt {
  return { shape, palette, rotates };
}

/** The avatar's shape per facing N, E, S, W (`CUTE_AVATAR`, `shapes.py:353`), each drawn upright. */
export const AVATAR_SHAPES: readonly (readonly string[])[] = [
  SHAPES.CUTE_AVATAR_N, SHAPES.CUTE_AVATAR_E, SHAPES.CUTE_AVATAR_S, SHAPES.CUTE_AVATAR_W,
];

/** `WALL` palette, the same in every implemented substrate (`configs/substrates/commons_harvest__open.py:194-197`). */
const WALL_PALETTE: Palette = { '*': [95, 95, 95, 255], '&': [100, 100, 100, 255], '@': [109, 109, 109, 255], '#': [152, 152, 152, 255] };

/** Beam colours: the zapper's default yellow (`lua/modules/avatar_library.lua:579`, drawn by `addColor`, opaque). */
export const ZAP_BEAM = solid([252, 252, 106]);

/** Where each drawn thing comes from, and how it looks, for one substrate family. */
export interface Appearance {
  /** Background tiles by `Sprite` name; a missing one draws nothing (black, Lab2D's empty cell). */
  readonly floor?: SpriteArt;
  readonly grass?: SpriteArt;
  readonly sand?: SpriteArt;
  /** Allelopathic Harvest's soil under the berries. */
  readonly soil?: SpriteArt;
  /** Grass under an apple that can no longer regrow (Commons Harvest's `dessicated` state). */
  readonly dessicated?: SpriteArt;
  /** The river's animation frames, each shown `riverTicksPerFrame` ticks, from a random frame per cell. */
  readonly river?: readonly SpriteArt[];
  readonly riverTicksPerFrame?: number;
  readonly wall: SpriteArt;
  readonly apple?: SpriteArt;
  readonly dirt?: SpriteArt;
  /** The matrix games' resources, by class; Allelopathic Harvest's berries, unripe then ripe, by colour. */
  readonly resources?: readonly SpriteArt[];
  /** Coins: a live coin in each colour of the substrate's `coins.colours`, in order. */
  readonly coins?: readonly SpriteArt[];
  /**
   * Avatars coloured by their state instead of by player (Allelopathic Harvest's colour overlay): palette k for
   * colour id k, the observer's own avatar included (no Self palette).
   */
  readonly avatarColors?: readonly (readonly number[])[];
  /** Sanction marks over a player, by marking level from 1 (Allelopathic Harvest's `GraduatedSanctionsMarking`). */
  readonly marks?: readonly SpriteArt[];
  /**
   * Cosmetic pieces a map character adds (Clean Up's shadows and grass edges): `below` is drawn over the
   * background and under everything else, `above` over the avatars (the `overlay` layer).
   */
  readonly decor?: Readonly<Record<string, { readonly below: readonly SpriteArt[]; readonly above: readonly SpriteArt[] }>>;
  /**
   * Avatars (and walls) are drawn over the `above` decor: Clean Up puts them on the superOverlay layer, above the
   * overlay that holds its north shadows; elsewhere avatars are on upperPhysical, under the overlay.
   */
  readonly avatarsOverOverlay?: boolean;
  /** Beam sprites, drawn in this order (Lab2D's render order: each beam layer is appended as its component registers). */
  readonly beams: {
    readonly zap?: SpriteArt;
    readonly clean?: SpriteArt;
    readonly interact?: SpriteArt;
    /** Allelopathic Harvest's planting beams, by colour (drawn over the zap: the `ColorZapper` registers later). */
    readonly colors?: readonly SpriteArt[];
  };
  /** The avatar's shapes by facing N, E, S, W (default `AVATAR_SHAPES`) and its palette from a player colour (default `getPalette`). */
  readonly avatarShapes?: readonly (readonly string[])[];
  readonly avatarPalette?: (rgb: readonly number[]) => Palette;
  /** Each player sees itself in its own player colour (no "Self" sprite map), as in Territory. */
  readonly selfInOwnColour?: boolean;
  /** Territory's pieces, drawn over the rest of a cell in Lab2D's render order (see `TerritoryArt`). */
  readonly territory?: TerritoryArt;
  /** The matrix games' markers over a player: ready to interact, and the result of its interaction. */
  readonly markers?: {
    readonly ready: SpriteArt;
    readonly results: readonly SpriteArt[];
    /** [low, high) reward interval of each result colour (`resultIndicatorColorIntervals`). */
    readonly intervals: readonly (readonly [number, number])[];
  };
}

/**
 * Territory's pieces (configs/substrates/territory.py), in its render order (`lua/levels/territory/init.lua:30-37`
 * appends `directionIndicatorLayer` and `superDirectionIndicatorLayer` after the default layers and the Zapper's
 * `beamZap`): the resource's texture (lowerPhysical), the resource (upperPhysical: the texture while unclaimed, the
 * owner's wet paint once claimed), the dry paint (overlay), the sanction mark (superOverlay), the zap beam, the
 * paintbrush in front of each avatar (directionIndicatorLayer), then the damage indicator or a claiming beam
 * (superDirectionIndicatorLayer).
 */
export interface TerritoryArt {
  readonly texture: SpriteArt;
  wet(rgb: readonly number[]): SpriteArt;
  dry(rgb: readonly number[]): SpriteArt;
  readonly mark: SpriteArt;
  readonly zap: SpriteArt;
  /** The brush of a player of colour `rgb` facing `facing` (0 N … 3 W), as seen facing north. */
  brush(rgb: readonly number[], facing: number): SpriteArt;
  readonly damage: SpriteArt;
  claimBeam(rgb: readonly number[]): SpriteArt;
}

/** `get_brush_palette` (configs/substrates/territory.py:336-347). */
export function territoryBrushPalette(rgb: readonly number[]): Palette {
  return {
    '*': [rgb[0], rgb[1], rgb[2], 255],
    '&': scaleColor(rgb, 0.75, 255),
    o: scaleColor(rgb, 0.55, 255),
    O: [70, 70, 70, 255],
    '-': [143, 96, 74, 255],
    '+': [117, 79, 61, 255],
    k: [199, 176, 135, 255],
    x: ALPHA,
  };
}

const PAINTBRUSH_SHAPES = [SHAPES.PAINTBRUSH_N, SHAPES.PAINTBRUSH_E, SHAPES.PAINTBRUSH_S, SHAPES.PAINTBRUSH_W];
/** `shapes.HIGHLIGHT_PALETTE` (utils/substrates/shapes.py:5268-5272). */
const HIGHLIGHT_PALETTE: Palette = { '*': [255, 255, 255, 35], o: [0, 0, 0, 35], x: ALPHA };
const highlight = (shape: readonly string[]): SpriteArt => art(shape, HIGHLIGHT_PALETTE, true);

/** Territory (`configs/substrates/territory.py`; the three variants share it). */
export const TERRITORY: Appearance = {
  floor: art(SHAPES.GRAINY_FLOOR, { '*': [27, 22, 20, 255], '+': [23, 17, 15, 255] }, false), // :52-83, noRotates
  wall: art(SHAPES.FILL, { i: [61, 57, 55, 255] }, true), // :85-117
  // The wall highlights (:119-297, overlay layer, turning with the view) by map character (territory__*.py CHAR_PREFAB_MAP).
  decor: {
    F: { below: [], above: [highlight(SHAPES.NW_HIGHLIGHT)] },
    T: { below: [], above: [highlight(SHAPES.NE_HIGHLIGHT)] },
    J: { below: [], above: [highlight(SHAPES.SE_HIGHLIGHT)] },
    L: { below: [], above: [highlight(SHAPES.SW_HIGHLIGHT)] },
    '|': { below: [], above: [highlight(SHAPES.E_W_HIGHLIGHT)] },
    '=': { below: [], above: [highlight(SHAPES.N_S_HIGHLIGHT)] },
  },
  // The zap beam is drawn among Territory's pieces (its layer lies between the mark and the paintbrush).
  beams: {},
  // `CUTE_AVATAR_HOLDING_PAINTBRUSH` in `{**color_palette, **paintbrush_palette}` (:675-676).
  avatarShapes: [
    SHAPES.CUTE_AVATAR_HOLDING_PAINTBRUSH_N, SHAPES.CUTE_AVATAR_HOLDING_PAINTBRUSH_E,
    SHAPES.CUTE_AVATAR_HOLDING_PAINTBRUSH_S, SHAPES.CUTE_AVATAR_HOLDING_PAINTBRUSH_W,
  ],
  avatarPalette: (rgb) => ({ ...getPalette(rgb), ...territoryBrushPalette(rgb) }),
  selfInOwnColour: true,
  territory: {
    texture: art(SHAPES.WALL, { '*': [61, 61, 61, 255], '#': [80, 80, 80, 255] }, false), // :420-453
    // colored_square in the player's colour at alpha 75 (:373-375).
    wet: (rgb) => solid([rgb[0], rgb[1], rgb[2], 75]),
    // `get_dry_painted_wall_palette` on `WALL` (:328-333, :467-476).
    dry: (rgb) => art(SHAPES.WALL, { '*': scaleColor(rgb, 0.75, 200), '#': scaleColor(rgb, 0.9, 150) }, false),
    // level 2 of `create_marking_overlay` (:758-822; level 1 is drawn at alpha 0, i.e. not at all).
    mark: art(SHAPES.MARKING, { x: ALPHA, o: [0, 0, 0, 255] }, false),
    zap: ZAP_BEAM,
    brush: (rgb, facing) => art(PAINTBRUSH_SHAPES[facing & 3], territoryBrushPalette(rgb), false),
    damage: art(SHAPES.DAMAGED_RESOURCE, { ',': ALPHA, b: BLACK }, false), // :510-554
    // `ResourceClaimer:addSprites`: `addColor` of the player colour, opaque (lua/levels/territory/components.lua:243-245).
    claimBeam: (rgb) => solid(rgb),
  },
};

/** Commons Harvest (`configs/substrates/commons_harvest__open.py`; `__closed` and `__partnership` are the same). */
const COMMONS_FLOOR = art(SHAPES.GRAINY_FLOOR, { '*': [220, 205, 185, 255], '+': [210, 195, 175, 255] }, true); // :113-118
export const COMMONS_HARVEST: Appearance = {
  floor: COMMONS_FLOOR,
  grass: art(SHAPES.GRASS_STRAIGHT, { '*': [158, 194, 101, 255], '@': [170, 207, 112, 255] }, true), // :154-165
  // The grass prefab's second sprite: GRAINY_FLOOR in the floor's colours (:140-164).
  dessicated: COMMONS_FLOOR,
  wall: art(SHAPES.WALL, WALL_PALETTE, true), // :191-198
  apple: art(SHAPES.APPLE, {
    x: ALPHA, '*': [214, 88, 88, 255], '#': [194, 79, 79, 255], o: [53, 132, 49, 255], '|': [102, 51, 61, 255],
  }, false), // :359-369
  beams: { zap: ZAP_BEAM },
};

/** Clean Up (`configs/substrates/clean_up.py`). */
const SAND = art(SHAPES.GRAINY_FLOOR, { '+': [222, 221, 189, 255], '*': [219, 218, 186, 255] }, true); // :120-126
const CLEAN_UP_GRASS_PALETTE: Palette = { '*': [164, 189, 75, 255], '@': [182, 207, 95, 255], x: ALPHA }; // :154-156
/** `SHADOW_PALETTE`, `shapes.py:5529-5535`. */
const SHADOW_PALETTE: Palette = {
  '~': [0, 0, 0, 20], '*': [0, 0, 0, 43], '@': [0, 0, 0, 49], '#': [0, 0, 0, 55], x: ALPHA,
};
const GRASS_EDGE = art(SHAPES.GRASS_STRAIGHT_N_EDGE, CLEAN_UP_GRASS_PALETTE, true); // :181-190, lowerPhysical
const SHADOW_W = art(SHAPES.SHADOW_W, SHADOW_PALETTE, true); // :198-226, upperPhysical
const SHADOW_E = art(SHAPES.SHADOW_E, SHADOW_PALETTE, true); // :228-256, upperPhysical
const SHADOW_N = art(SHAPES.SHADOW_N, SHADOW_PALETTE, true); // :258-286, overlay
/** Water palette (`clean_up.py:534-538`), the same for its four frames. */
const WATER_PALETTE: Palette = {
  '@': [66, 173, 212, 255], '*': [35, 133, 168, 255], o: [34, 129, 163, 255], '~': [33, 125, 158, 255],
};
export const CLEAN_UP: Appearance = {
  sand: SAND,
  floor: SAND,
  grass: art(SHAPES.GRASS_STRAIGHT, CLEAN_UP_GRASS_PALETTE, true), // :150-158
  // `get_water` (:496-553): four 16×16 frames, no `noRotates` (so they turn), Animation 2 frames each, random start.
  river: [SHAPES.WATER_1, SHAPES.WATER_2, SHAPES.WATER_3, SHAPES.WATER_4].map((s) => art(s, WATER_PALETTE, true)),
  riverTicksPerFrame: 2,
  wall: art(SHAPES.WALL, WALL_PALETTE, true), // :303-313 (on the superOverlay layer; nothing shares a wall's cell)
  apple: art(SHAPES.APPLE, {
    x: ALPHA, '*': [212, 80, 57, 255], '#': [173, 66, 47, 255], o: [43, 127, 53, 255], '|': [79, 47, 44, 255],
  }, false), // :375-387
  // "greenish, and quite transparent to expose the animated water below" (:434-441): a colored_square.
  dirt: solid([2, 245, 80, 50]),
  // CHAR_PREFAB_MAP (:80-99): the cosmetic prefabs of each map character.
  decor: {
    s: { below: [], above: [SHADOW_N] },
    '+': { below: [SHADOW_E], above: [SHADOW_N] },
    f: { below: [SHADOW_W], above: [SHADOW_N] },
    ';': { below: [GRASS_EDGE, SHADOW_E], above: [] },
    ',': { below: [GRASS_EDGE, SHADOW_W], above: [] },
    '^': { below: [GRASS_EDGE], above: [] },
    '=': { below: [], above: [SHADOW_N] },
    '>': { below: [SHADOW_W], above: [] },
    '<': { below: [SHADOW_E], above: [] },
    '~': { below: [SHADOW_W], above: [] },
    T: { below: [GRASS_EDGE], above: [] },
  },
  // Avatars and walls are on the superOverlay layer (:644, :297), over the north shadows (overlay, :267).
  avatarsOverOverlay: true,
  // The avatar's Zapper is listed before its Cleaner (:707, :722), so beamZap is drawn under beamClean.
  beams: { zap: ZAP_BEAM, clean: solid([99, 223, 242, 175]) }, // lua/levels/clean_up/components.lua:192-195
};

/** `GOLD_CROWN_PALETTE` and `SILVER_CROWN_PALETTE`, `shapes.py:5226-5236`. */
const GOLD_CROWN_PALETTE: Palette = { '#': [244, 180, 27, 255], '@': [186, 136, 20, 150], x: ALPHA };
const SILVER_CROWN_PALETTE: Palette = { '#': [204, 203, 200, 255], '@': [171, 170, 167, 150], x: ALPHA };

/**
 * `get_indicator_color_palette` (`configs/substrates/the_matrix.py:67-73`): the gold crown palette with `#` the
 * colour and `@` the colour × 0.9 (Python `round`) at alpha 150. The five results, red to violet (:139-143),
 * computed once with Python's rounding.
 */
const RESULT_COLOURS: readonly (readonly [Rgba, Rgba])[] = [
  [[139, 0, 0, 255], [125, 0, 0, 150]],
  [[253, 184, 1, 255], [228, 166, 1, 150]],
  [[0, 102, 0, 255], [0, 92, 0, 150]],
  [[2, 71, 254, 255], [2, 64, 229, 150]],
  [[127, 0, 255, 255], [114, 0, 230, 150]],
];

/**
 * The resource sprite: `BUTTON` (16×16) in the class colour and its highlight (`create_resource_prefab`, e.g.
 * `prisoners_dilemma_in_the_matrix__repeated.py:43-49, 484-491`; the colours are the substrate's data,
 * `ResourceClassSpec.color` / `highlight`). BUTTON is symmetric under quarter turns, so the arenas' `noRotates: False`
 * draws the same.
 */
function resource(r: ResourceClassSpec): SpriteArt {
  return art(SHAPES.BUTTON, { '*': [...r.color, 255], '#': [...r.highlight, 255], x: ALPHA }, false);
}

/**
 * The matrix games (`configs/substrates/*_in_the_matrix__*.py`, `the_matrix.py`). Their maps have no floor: an empty
 * cell is black. The interaction beam is the `GameInteractionZapper`'s default yellow
 * (`lua/levels/the_matrix/components.lua:363, 399-401`).
 */
function theMatrix(intervals: readonly (readonly [number, number])[], resources: readonly ResourceClassSpec[]): Appearance {
  return {
    wall: art(SHAPES.WALL, WALL_PALETTE, true), // prisoners_dilemma_in_the_matrix__repeated.py:104-114
    resources: resources.map(resource),
    beams: { interact: ZAP_BEAM },
    markers: {
      // `create_ready_to_interact_marker` (the_matrix.py:76-164): BRONZE_CAP on the overlay layer, upright.
      ready: art(SHAPES.BRONZE_CAP, SILVER_CROWN_PALETTE, false),
      results: RESULT_COLOURS.map(([c, d]) => art(SHAPES.BRONZE_CAP, { ...GOLD_CROWN_PALETTE, '#': c, '@': d }, false)),
      intervals,
    },
  };
}

/**
 * `resultIndicatorColorIntervals` of each game (`*_in_the_matrix__repeated.py:227-230`, arena :231-234; the arena
 * and repeated variants of a game have the same ones).
 */
const PRISONERS_DILEMMA_INTERVALS = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]] as const;
const STAG_HUNT_INTERVALS = [[0, 0.5], [0.5, 1.5], [1.5, 2.5], [2.5, 3.5], [3.5, 4]] as const;
const CHICKEN_INTERVALS = [[0, 1.5], [1.5, 2.5], [2.5, 3.5], [3.5, 5]] as const;
/** bach_or_stravinsky_in_the_matrix__repeated.py:231-234, __arena.py:237-240. */
const BACH_OR_STRAVINSKY_INTERVALS = [[0, 0.5], [0.5, 1.5], [1.5, 2.5], [2.5, 3]] as const;
/** pure_coordination_in_the_matrix__repeated.py:228-231, __arena.py:240-243. */
const PURE_COORDINATION_INTERVALS = [[0, 0.2], [0.2, 0.4], [0.4, 0.6], [0.6, 0.8], [0.8, 1]] as const;
/** rationalizable_coordination_in_the_matrix__repeated.py:228-231, __arena.py:242-245. */
const RATIONALIZABLE_COORDINATION_INTERVALS = [[0, 0.5], [0.5, 1.5], [1.5, 2.5], [2.5, 3]] as const;
/** running_with_scissors_in_the_matrix__repeated.py:259-265 (the same in __arena and __one_shot). */
const RUNNING_WITH_SCISSORS_INTERVALS = [[-10, -5], [-5, -2.5], [-2.5, 2.5], [2.5, 5], [5, 10]] as const;

const MATRIX_INTERVALS_BY_PREFIX: readonly (readonly [string, readonly (readonly [number, number])[]])[] = [
  ['prisoners_dilemma_in_the_matrix', PRISONERS_DILEMMA_INTERVALS],
  ['stag_hunt_in_the_matrix', STAG_HUNT_INTERVALS],
  ['chicken_in_the_matrix', CHICKEN_INTERVALS],
  ['bach_or_stravinsky_in_the_matrix', BACH_OR_STRAVINSKY_INTERVALS],
  ['pure_coordination_in_the_matrix', PURE_COORDINATION_INTERVALS],
  ['rationalizable_coordination_in_the_matrix', RATIONALIZABLE_COORDINATION_INTERVALS],
  ['running_with_scissors_in_the_matrix', RUNNING_WITH_SCISSORS_INTERVALS],
];

/** A matrix game's appearance, built once per substrate (its resource colours are its data). */
const matrixAppearances = new WeakMap<MatrixSpec, Map<string, Appearance>>();

function matrixAppearance(name: string, m: MatrixSpec): Appearance {
  let byName = matrixAppearances.get(m);
  if (!byName) matrixAppearances.set(m, (byName = new Map()));
  let a = byName.get(name);
  if (!a) {
    const intervals = MATRIX_INTERVALS_BY_PREFIX.find(([prefix]) => name.startsWith(prefix))?.[1] ?? PRISONERS_DILEMMA_INTERVALS;
    byName.set(name, (a = theMatrix(intervals, m.resources)));
  }
  return a;
}

/**
 * Allelopathic Harvest (`configs/substrates/allelopathic_harvest.py`). Berries: `BERRY_SEEDS` unripe, `BERRY_RIPE`
 * ripe, in the berry colour and scaled shades (:326-381), upright. Avatars show their colour overlay (`CUTE_AVATAR`
 * in `get_palette` of grey (125, 125, 125) when newborn, else of the colour last planted, :899-912), which covers
 * the avatar's own sprite exactly; the observer is not drawn as Self. The sanction mark is `MARKING_SPRITE`, black
 * at alpha 0, 127 and 255 for levels 1-3 (:121-124, :807-818), on the superOverlay layer over the avatar. The zap
 * beam is white (253, 253, 253) (:502), the planting beams the berry colours (`ColorZapper:addSprites`,
 * `lua/levels/allelopathic_harvest/components.lua:560-565`).
 */
const BERRY_RGB = [[200, 10, 10], [10, 200, 10], [10, 10, 200]] as const;
const marking = (alpha: number): SpriteArt => art(SHAPES.MARKING, { x: ALPHA, o: [0, 0, 0, Math.trunc(alpha * 255)] }, false);
export const ALLELOPATHIC_HARVEST: Appearance = {
  floor: art(SHAPES.DIRT_PATTERN, { x: [55, 55, 55, 255], X: [60, 60, 60, 255] }, false), // :128-159
  soil: art(SHAPES.SOIL, { D: [40, 40, 40, 255], d: [50, 50, 50, 255], X: [60, 60, 60, 255], x: [70, 70, 70, 255] }, true), // :161-193
  wall: solid([40, 40, 40]), // :195-219
  resources: [
    ...BERRY_RGB.map((c) => art(SHAPES.BERRY_SEEDS, { o: [c[0], c[1], c[2], 255], O: scaleColor(c, 1.5, 255), x: ALPHA }, false)),
    ...BERRY_RGB.map((c) => art(SHAPES.BERRY_RIPE, {
      d: [c[0], c[1], c[2], 255], O: scaleColor(c, 1.5, 255), o: scaleColor(c, 1.25, 255), x: ALPHA,
    }, false)),
  ],
  avatarColors: [[125, 125, 125], ...BERRY_RGB],
  marks: [marking(0), marking(0.5), marking(1)],
  beams: { zap: solid([253, 253, 253]), colors: BERRY_RGB.map((c) => solid(c)) },
};

/**
 * The appearance of a substrate, by its family: a matrix game (its colour intervals by game name, the Prisoner's
 * Dilemma's for another), Clean Up (a cleaning beam), else Commons Harvest.
 */
export function appearanceOf(spec: Pick<SubstrateSpec, 'name' | 'matrix' | 'cleaner' | 'allelopathicHarvest' | 'coins' | 'territory'>): Appearance {
  if (spec.allelopathicHarvest) return ALLELOPATHIC_HARVEST;
  if (spec.coins) return coinsAppearance(spec.coins);
  if (spec.territory) return TERRITORY;
  if (spec.matrix) return matrixAppearance(spec.name, spec.matrix);
  return spec.cleaner ? CLEAN_UP : COMMONS_HARVEST;
}

/**
 * Coins (`configs/substrates/coins.py`): no floor (empty cells are black), the usual wall (:147-188), and the coin
 * (`shapes.COIN`, turning with the view: `noRotates` false, :243-251) in `get_palette` of each colour
 * (`COIN_PALETTES`, :36-42). Avatars are drawn in the same palettes (`get_player_color_palettes`, :425-427).
 */
const coinsAppearances = new WeakMap<NonNullable<SubstrateSpec['coins']>, Appearance>();
function coinsAppearance(coins: NonNullable<SubstrateSpec['coins']>): Appearance {
  let a = coinsAppearances.get(coins);
  if (!a) {
    a = { wall: art(SHAPES.WALL, WALL_PALETTE, true), coins: coins.colours.map((c) => art(SHAPES.COIN, getPalette(c.color), true)), beams: {} };
    coinsAppearances.set(coins, a);
  }
  return a;
}
