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
  /** Territory's resource wall (claimable by painting; drawn by its owner and state, systems/territory/render.ts). */
  Claimable = 12,
}

export const SPRITE_NAMES: readonly string[] = [
  'outOfBounds', 'floor', 'grass', 'sand', 'river', 'wall', 'apple', 'dirt', 'resource1', 'resource2', 'avatar', 'dessicated',
  'claimable',
];

export const SPRITE_COUNT = SPRITE_NAMES.length;
