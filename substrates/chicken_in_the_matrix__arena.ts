/**
 * chicken_in_the_matrix__arena — Chicken (hawk–dove) in the matrix, eight players in an open arena.
 *
 * The arena of prisoners_dilemma_in_the_matrix__arena (its map, 11 × 11 view, regrowth 0.04 after 10 steps, removed
 * for 50 steps, no resource respawn when everyone is off the map) with Chicken's resources and payoffs, dove (green)
 * and hawk (red), M_row = [[3, 2], [5, 0]], M_col = [[3, 5], [2, 0]]. Unlike the PD arena, players are drawn in
 * `colors.human_readable[1 + slot]` and see themselves in `human_readable[0]`.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/chicken_in_the_matrix__arena.py`.
 */
import { substrate as chicken } from './chicken_in_the_matrix__repeated.js';
import { substrate as pdArena } from './prisoners_dilemma_in_the_matrix__arena.js';
import { HUMAN_READABLE_COLORS } from './shared.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** The PD arena with Chicken's classes and matrices and its own colours and ending: data only. */
export const substrate: SubstrateSpec = {
  ...pdArena,
  name: 'chicken_in_the_matrix__arena',
  description:
    'Eight players collect dove (green) and hawk (red) resources in an open arena and choose whom to tag with the ' +
    'interaction beam; each interaction pays Chicken on the two inventory mixes.',
  episode: { ...pdArena.episode, probability: 0.2 },
  observation: { ...pdArena.observation, selfColor: HUMAN_READABLE_COLORS[0], playerColors: HUMAN_READABLE_COLORS.slice(1) },
  matrix: {
    ...(pdArena.matrix as MatrixSpec),
    resources: (chicken.matrix as MatrixSpec).resources,
    rowMatrix: (chicken.matrix as MatrixSpec).rowMatrix,
    columnMatrix: (chicken.matrix as MatrixSpec).columnMatrix,
  },
};
