/**
 * bach_or_stravinsky_in_the_matrix__repeated — Bach or Stravinsky (battle of the sexes), played by collecting resources.
 *
 * The map and mechanics of prisoners_dilemma_in_the_matrix__repeated (two players, 5 × 5 view, inventories from
 * [1, 1], interaction beam, freeze 16 steps, payoffs r·M·c, both reset and removed for 5 steps, every resource back
 * when nobody is on the map), with K = 2 resources for the pure strategies Bach (light blue) and Stravinsky (light
 * orange), and two roles. Player 0 is a bach fan, the row player, drawn blue; player 1 a stravinsky fan, the column
 * player, drawn orange; each sees itself in its own colour. With M_row = [[3, 0], [0, 2]] and M_col = [[2, 0], [0, 3]],
 * going to the same concert pays both, Bach more to its fan and Stravinsky more to the other, and failing to
 * coordinate pays nothing: the players agree that they want to meet but not where.
 *
 * Roles (`DyadicRole`): only a row player and a column player interact, whoever fires; a bach fan is always the row
 * player. Ties (equal payoffs) are broken at random (`randomTieBreaking`), which decides only whose inventory is reset
 * first, since both are reset and removed.
 *
 * The episode ends with probability 0.1 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/bach_or_stravinsky_in_the_matrix__repeated.py`.
 */
import { MAP } from './prisoners_dilemma_in_the_matrix__repeated.js';
import {
  BACH_FAN_COLOR,
  BACH_OR_STRAVINSKY_RESOURCES,
  MATRIX_ACTIONS,
  MATRIX_OBSERVATIONS,
  REPEATED_EPISODE,
  REPEATED_INTERACTION,
  REPEATED_LEGEND,
  STRAVINSKY_FAN_COLOR,
} from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

/** The bach fan's (row player's) payoffs, rows = its Bach, Stravinsky; columns = the stravinsky fan's. */
export const ROW_MATRIX = [
  [3, 0],
  [0, 2],
] as const;
/** The stravinsky fan's (column player's) payoffs, same indexing. */
export const COLUMN_MATRIX = [
  [2, 0],
  [0, 3],
] as const;

/** Wall, the two resources, floor. */
export const PALETTE = {
  floor: [0, 0, 0],
  wall: [95, 95, 95],
  resource1: BACH_OR_STRAVINSKY_RESOURCES[0].color,
  resource2: BACH_OR_STRAVINSKY_RESOURCES[1].color,
  outOfBounds: [0, 0, 0],
} as const;

export const substrate: SubstrateSpec = {
  name: 'bach_or_stravinsky_in_the_matrix__repeated',
  description:
    'A bach fan (blue, row player) and a stravinsky fan (orange, column player) collect Bach and Stravinsky ' +
    'resources and tag each other; each interaction pays Bach or Stravinsky on their inventory mixes (3/2 for Bach, ' +
    '2/3 for Stravinsky, 0 apart), then both reset and respawn.',
  map: MAP,
  legend: REPEATED_LEGEND,
  actions: MATRIX_ACTIONS,
  population: {
    players: 2,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random'],
  },
  episode: REPEATED_EPISODE,
  observation: {
    view: { left: 2, right: 2, forward: 3, backward: 1 },
    spriteSize: 8,
    names: MATRIX_OBSERVATIONS,
    palette: PALETTE,
    selfColor: BACH_FAN_COLOR,
    // `default_player_roles` ("bach_fan", "stravinsky_fan"): no sprite map, so a player sees itself in its role colour.
    playerColors: [BACH_FAN_COLOR, STRAVINSKY_FAN_COLOR],
    selfInOwnColor: true,
  },
  skipWaitStateRewards: false,
  matrix: {
    resources: BACH_OR_STRAVINSKY_RESOURCES,
    initialInventory: [1, 1],
    regeneration: { delay: 10, rate: 0.02 },
    resourceHealth: 3,
    rowMatrix: ROW_MATRIX,
    columnMatrix: COLUMN_MATRIX,
    interaction: REPEATED_INTERACTION,
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: true,
    randomTieBreaking: true,
    rowPlayers: [true, false],
  },
};
