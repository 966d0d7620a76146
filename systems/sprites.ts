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
  /** Coins: a live coin in colour k of the substrate's `coins.colours` (1-based); see `COIN_SPRITES`. */
  Coin1 = 12,
  Coin2 = 13,
  Coin3 = 14,
  Coin4 = 15,
  Coin5 = 16,
}

export const SPRITE_NAMES: readonly string[] = [
  'outOfBounds', 'floor', 'grass', 'sand', 'river', 'wall', 'apple', 'dirt', 'resource1', 'resource2', 'avatar', 'dessicated',
  'coin1', 'coin2', 'coin3', 'coin4', 'coin5',
];

/** Coins: the sprite of a coin in colour k (0-based) of the substrate's `coins.colours`. */
export const COIN_SPRITES: readonly Sprite[] = [Sprite.Coin1, Sprite.Coin2, Sprite.Coin3, Sprite.Coin4, Sprite.Coin5];

export const SPRITE_COUNT = SPRITE_NAMES.length;
