/**
 * bach_or_stravinsky_in_the_matrix__arena — Bach or Stravinsky in the matrix, eight players in an open arena.
 *
 * The rules of the repeated variant (Bach / Stravinsky resources, M_row = [[3, 0], [0, 2]], M_col = [[2, 0], [0, 3]],
 * dyadic roles, random tie-breaking, freeze 16 steps, both reset and removed), with eight players on the
 * Prisoner's Dilemma arena's map and the 11 × 11 view: players 0–3 are bach fans (row players, blue), players 4–7
 * stravinsky fans (column players, orange), and a fan can only interact with a fan of the other composer. As in the
 * other arenas, resources regrow with probability 0.04 per step after 10 steps, a removed player stays out for 50
 * steps, and resources do not all come back when everyone is off the map.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/bach_or_stravinsky_in_the_matrix__arena.py`.
 */
import { COLUMN_MATRIX, PALETTE, ROW_MATRIX } from './bach_or_stravinsky_in_the_matrix__repeated.js';
import { LEGEND, MAP } from './prisoners_dilemma_in_the_matrix__arena.js';
import {
  BACH_FAN_COLOR,
  BACH_OR_STRAVINSKY_RESOURCES,
  MATRIX_ACTIONS,
  MATRIX_OBSERVATIONS,
  REPEATED_INTERACTION,
  STRAVINSKY_FAN_COLOR,
} from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

/** `default_player_roles`: four bach fans, then four stravinsky fans. */
const ROW_PLAYERS = [true, true, true, true, false, false, false, false] as const;

export const substrate: SubstrateSpec = {
  name: 'bach_or_stravinsky_in_the_matrix__arena',
  description:
    'Four bach fans (blue) and four stravinsky fans (orange) collect Bach and Stravinsky resources in an open arena; ' +
    'a fan of one composer tags a fan of the other, and the pair is paid Bach or Stravinsky on their inventory mixes.',
  map: MAP,
  legend: LEGEND,
  actions: MATRIX_ACTIONS,
  population: {
    players: 8,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random'],
  },
  episode: { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.2 },
  observation: {
    view: { left: 5, right: 5, forward: 9, backward: 1 },
    spriteSize: 8,
    names: MATRIX_OBSERVATIONS,
    palette: PALETTE,
    selfColor: BACH_FAN_COLOR,
    playerColors: ROW_PLAYERS.map((row) => (row ? BACH_FAN_COLOR : STRAVINSKY_FAN_COLOR)),
    selfInOwnColor: true,
  },
  skipWaitStateRewards: false,
  matrix: {
    resources: BACH_OR_STRAVINSKY_RESOURCES,
    initialInventory: [1, 1],
    regeneration: { delay: 10, rate: 0.04 },
    resourceHealth: 3,
    rowMatrix: ROW_MATRIX,
    columnMatrix: COLUMN_MATRIX,
    interaction: { ...REPEATED_INTERACTION, framesTillRespawn: 50 },
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: false,
    randomTieBreaking: true,
    rowPlayers: ROW_PLAYERS,
  },
};
