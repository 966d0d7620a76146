/**
 * chicken_in_the_matrix__repeated — Chicken (hawk–dove), played by collecting resources.
 *
 * The map and mechanics of prisoners_dilemma_in_the_matrix__repeated (two players, 5 × 5 view, inventories from
 * [1, 1], interaction beam, freeze 16 steps, payoffs r·M·c, both reset and removed for 5 steps, every resource back
 * when nobody is on the map), with K = 2 resources for the pure strategies dove (green) and hawk (red) and the
 * payoffs M_row = [[3, 2], [5, 0]], M_col = [[3, 5], [2, 0]]: two doves get 3 each, a hawk facing a dove gets 5 and
 * the dove 2, and two hawks get nothing.
 *
 * The episode ends with probability 0.1 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/chicken_in_the_matrix__repeated.py`.
 */
import { substrate as pd } from './prisoners_dilemma_in_the_matrix__repeated.js';
import { RESOURCE1_COLOR, RESOURCE1_HIGHLIGHT, RESOURCE2_COLOR, RESOURCE2_HIGHLIGHT } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** The Prisoner's Dilemma mechanics (repeated variant) with this game's resources and matrices: data only. */
export const substrate: SubstrateSpec = {
  ...pd,
  name: 'chicken_in_the_matrix__repeated',
  description:
    'Two players collect dove (green) and hawk (red) resources and tag each other with an interaction beam; ' +
    'each interaction pays Chicken on their inventory mixes, then both reset and respawn.',
  matrix: {
    ...(pd.matrix as MatrixSpec),
    resources: [
      { name: 'dove', color: RESOURCE1_COLOR, highlight: RESOURCE1_HIGHLIGHT, role: 'cooperate' },
      { name: 'hawk', color: RESOURCE2_COLOR, highlight: RESOURCE2_HIGHLIGHT, role: 'defect' },
    ],
    rowMatrix: [
      [3, 2],
      [5, 0],
    ],
    columnMatrix: [
      [3, 5],
      [2, 0],
    ],
  },
};
