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
import { SELF_COLOR } from './shared.js';
import { MAP } from './prisoners_dilemma_in_the_matrix__repeated.js';
import {
  MATRIX_ACTIONS,
  MATRIX_BOTS,
  MATRIX_OBSERVATIONS,
  MATRIX_PALETTE,
  OTHER_COLOR,
  REPEATED_EPISODE,
  REPEATED_INTERACTION,
  REPEATED_LEGEND,
  RESOURCE1_COLOR,
  RESOURCE2_COLOR,
} from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

export const substrate: SubstrateSpec = {
  name: 'chicken_in_the_matrix__repeated',
  description:
    'Two players collect dove (green) and hawk (red) resources and tag each other with an interaction beam; ' +
    'each interaction pays Chicken on their inventory mixes, then both reset and respawn.',
  map: MAP,
  legend: REPEATED_LEGEND,
  actions: MATRIX_ACTIONS,
  population: {
    players: 2,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: MATRIX_BOTS,
  },
  episode: REPEATED_EPISODE,
  observation: {
    view: { left: 2, right: 2, forward: 3, backward: 1 },
    spriteSize: 8,
    names: MATRIX_OBSERVATIONS,
    palette: MATRIX_PALETTE,
    selfColor: SELF_COLOR,
    playerColors: [OTHER_COLOR],
  },
  skipWaitStateRewards: false,
  matrix: {
    resources: [
      { name: 'dove', color: RESOURCE1_COLOR, role: 'cooperate' },
      { name: 'hawk', color: RESOURCE2_COLOR, role: 'defect' },
    ],
    initialInventory: [1, 1],
    regeneration: { delay: 10, rate: 0.02 },
    resourceHealth: 3,
    rowMatrix: [
      [3, 2],
      [5, 0],
    ],
    columnMatrix: [
      [3, 5],
      [2, 0],
    ],
    interaction: REPEATED_INTERACTION,
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: true,
  },
};
