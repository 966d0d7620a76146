/**
 * pure_coordination_in_the_matrix__arena — the pure coordination game, eight players in an open arena.
 *
 * The rules of pure_coordination_in_the_matrix__repeated (red, green and blue resources, payoff 1 each for meeting
 * on the same colour, freeze 16 steps, both reset and removed) on running_with_scissors_in_the_matrix__arena's map
 * with its arena timings (regrowth 0.04 after 10 steps, removed for 50 steps, no resource respawn when everyone is off
 * the map) and the 11 × 11 view. Unlike the other arenas, every other player looks the same (Self blue, Other
 * orange), so a player cannot tell who it met before.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/pure_coordination_in_the_matrix__arena.py`.
 */
import { PALETTE, substrate as pure } from './pure_coordination_in_the_matrix__repeated.js';
import { substrate as rwsArena } from './running_with_scissors_in_the_matrix__arena.js';
import { SELF_COLOR } from './shared.js';
import { COORDINATION_RESOURCES, OTHER_COLOR } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** Running with Scissors' arena with this game's resources and matrix, and Self / Other colours: data only. */
export const substrate: SubstrateSpec = {
  ...rwsArena,
  name: 'pure_coordination_in_the_matrix__arena',
  description:
    'Eight players collect red, green and blue resources in an open arena and tag each other; an interaction pays ' +
    'each 1 when the pair meets on the same colour (on their inventory mixes). Every other player looks the same.',
  observation: { ...rwsArena.observation, palette: PALETTE, selfColor: SELF_COLOR, playerColors: [OTHER_COLOR] },
  matrix: {
    ...(rwsArena.matrix as MatrixSpec),
    resources: COORDINATION_RESOURCES,
    rowMatrix: (pure.matrix as MatrixSpec).rowMatrix,
    columnMatrix: (pure.matrix as MatrixSpec).columnMatrix,
  },
};
