/**
 * Sprite ids: what a cell shows. Background tiles come from the legend; objects carry a `Sprite.id`. The renderer
 * draws each with Melting Pot's art for the substrate (systems/spriteArt.ts, systems/spriteSheet.ts).
 */
export const enum Sprite {
  OutOfBounds = 0,
  Floor = 1,
  Grass = 2,
  Sand = 3,
  River = 4,
  Wall = 5,
  Apple = 6,
  Dirt = 7,
  Resource1 = 8,
  Resource2 = 9,
  Avatar = 10,
  /**
   * Grass under a waiting apple with no live neighbour: it cannot regrow (drawn as floor). The renderer works this
   * out itself each tick (systems/renderObservations.ts); a background set to it draws the same.
   */
  Dessicated = 11,
  /** Allelopathic Harvest: the soil under a berry, and the berries, unripe then ripe, by colour (1 red, 2 green, 3 blue). */
  Soil = 12,
  UnripeBerry1 = 13,
  UnripeBerry2 = 14,
  UnripeBerry3 = 15,
  RipeBerry1 = 16,
  RipeBerry2 = 17,
  RipeBerry3 = 18,
  /** The third resource class (Running with Scissors' scissors, the coordination games' third colour). */
  Resource3 = 19,
  /** Coins: a live coin in colour k of the substrate's `coins.colours` (1-based); see `COIN_SPRITES`. */
  Coin1 = 20,
  Coin2 = 21,
  Coin3 = 22,
  Coin4 = 23,
  Coin5 = 24,
  /** Territory's resource wall (claimable by painting; drawn by its owner and state, systems/territory/render.ts). */
  Claimable = 25,
}

export const SPRITE_NAMES: readonly string[] = [
  'outOfBounds', 'floor', 'grass', 'sand', 'river', 'wall', 'apple', 'dirt', 'resource1', 'resource2', 'avatar', 'dessicated',
  'soil', 'unripeBerry1', 'unripeBerry2', 'unripeBerry3', 'ripeBerry1', 'ripeBerry2', 'ripeBerry3', 'resource3',
  'coin1', 'coin2', 'coin3', 'coin4', 'coin5', 'claimable',
];

/**
 * The sprite of each matrix resource class (0-based), in class order: look classes up here, never by arithmetic on
 * sprite ids (the ids of the classes are not consecutive).
 */
export const RESOURCE_SPRITES: readonly Sprite[] = [Sprite.Resource1, Sprite.Resource2, Sprite.Resource3];

/** Coins: the sprite of a coin in colour k (0-based) of the substrate's `coins.colours`. */
export const COIN_SPRITES: readonly Sprite[] = [Sprite.Coin1, Sprite.Coin2, Sprite.Coin3, Sprite.Coin4, Sprite.Coin5];

export const SPRITE_COUNT = SPRITE_NAMES.length;
