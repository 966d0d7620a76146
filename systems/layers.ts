/**
 * Grid layers, bottom to top. Melting Pot puts walls and avatars on one layer (so walls block avatars), live
 * apples (and Clean Up's dirt) on the layer below, and waiting apples on an invisible logic layer. The floor is not
 * a layer: it is the per-cell background sprite array of the simulation.
 */
export const enum Layer {
  /** Invisible state: waiting apples, potential dirt. */
  Logic = 0,
  /** Live collectables: apples, dirt, resources. */
  Lower = 1,
  /** Walls and avatars: at most one per cell. */
  Upper = 2,
}

export const LAYER_COUNT = 3;
