/**
 * prisoners_dilemma_in_the_matrix__repeated — the Prisoner's Dilemma, played by collecting resources.
 *
 * Two players walk a small maze of green (cooperate) and red (defect) resources. Walking onto a resource adds one of
 * its class to the player's inventory, which starts at [1, 1]; the inventory's mix is the player's mixed strategy.
 * Once both players have collected at least one resource, either may tag the other with the interaction beam: the
 * firer is the row player, the target the column player, and with r and c their normalised inventories they are
 * paid r·M_row·c and r·M_col·c, M_row = [[3, 0], [5, 1]] (rows C, D), M_col = [[3, 5], [0, 1]]. Both then freeze
 * for 16 steps, receive their payoffs, have their inventories reset to [1, 1] and leave the map for 5 steps. When
 * no player is on the map every resource comes back. Collecting pays nothing; resources regrow with probability
 * 0.02 per step after 10 steps. Mutual cooperation pays 3 each, but defecting against a cooperator pays 5.
 *
 * The episode ends with probability 0.1 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/prisoners_dilemma_in_the_matrix__repeated.py`.
 */
import { SELF_COLOR } from './shared.js';
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
  RESOURCE1_HIGHLIGHT,
  RESOURCE2_COLOR,
  RESOURCE2_HIGHLIGHT,
} from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

/** Row player's payoffs, rows = row player's C, D; columns = column player's C, D. */
export const ROW_MATRIX = [
  [3, 0],
  [5, 1],
] as const;
/** Column player's payoffs, same indexing. */
export const COLUMN_MATRIX = [
  [3, 5],
  [0, 1],
] as const;

/** 15 rows × 23 columns. `n` spawn point (13), `1` cooperate, `2` defect, `a` either (drawn each episode). */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWW',
  'Wn         n         nW',
  'W   WWW W  W  W WW    W',
  'W    W 11a W a22 W    W',
  'Wn  WW 11a W a22 WW  nW',
  'W      11a   a22      W',
  'W                     W',
  'Wn WW  WW  n WW  WWW nW',
  'W                     W',
  'W      22a W a11      W',
  'Wn   W 22a W a11 W   nW',
  'W    W 22a W a11 WW   W',
  'W  WWWW W  W  W WWW   W',
  'Wn         n         nW',
  'WWWWWWWWWWWWWWWWWWWWWWW',
] as const;

export const substrate: SubstrateSpec = {
  name: 'prisoners_dilemma_in_the_matrix__repeated',
  description:
    'Two players collect cooperate (green) and defect (red) resources and tag each other with an interaction beam; ' +
    'each interaction pays the Prisoner\'s Dilemma on their inventory mixes, then both reset and respawn.',
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
      { name: 'cooperate', color: RESOURCE1_COLOR, highlight: RESOURCE1_HIGHLIGHT, role: 'cooperate' },
      { name: 'defect', color: RESOURCE2_COLOR, highlight: RESOURCE2_HIGHLIGHT, role: 'defect' },
    ],
    initialInventory: [1, 1],
    regeneration: { delay: 10, rate: 0.02 },
    resourceHealth: 3,
    rowMatrix: ROW_MATRIX,
    columnMatrix: COLUMN_MATRIX,
    interaction: REPEATED_INTERACTION,
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: true,
  },
};
