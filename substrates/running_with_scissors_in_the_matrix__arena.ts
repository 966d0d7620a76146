/**
 * running_with_scissors_in_the_matrix__arena — rock, paper, scissors in the matrix, eight players in an open arena.
 *
 * The rules of running_with_scissors_in_the_matrix__repeated (collect rock / paper / scissors, tag a partner, be
 * paid r·M·c and r·Mᵀ·c with M = [[0, −10, 10], [10, 0, −10], [−10, 10, 0]], freeze 16 steps, both reset and
 * removed), but eight players in a 24 × 25 arena with the 11 × 11 view, interacting in pairs. Differences from the
 * repeated variant: resources regrow with probability 0.04 per step after 10 steps, a removed player stays out for
 * 50 steps, resources do not all come back when everyone is off the map, and every player has its own colour
 * (`colors.human_readable[1 + slot]`), seeing itself in `human_readable[0]`.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/running_with_scissors_in_the_matrix__arena.py`.
 */
import { HUMAN_READABLE_COLORS } from './shared.js';
import { COLUMN_MATRIX, PALETTE, ROW_MATRIX } from './running_with_scissors_in_the_matrix__repeated.js';
import { MATRIX_ACTIONS, MATRIX_OBSERVATIONS, REPEATED_INTERACTION, RWS_RESOURCES } from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

/** 24 rows × 25 columns: P spawn points (64), `1` rock, `2` paper, `3` scissors, `a` any of the three. */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWWW',
  'WPPPP      W W      PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'W             aa        W',
  'W        11   aa        W',
  'W        11             W',
  'W        11             W',
  'W    WW     W  222      W',
  'WW    33    W  222      W',
  'WWW   33  WWWWWWWWW     W',
  'W     33    111       WWW',
  'W           111         W',
  'W       22 W            W',
  'W       22 W   WW       W',
  'W       22     W333     W',
  'W               333     W',
  'W          aa           W',
  'WPPPP      aa       PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP         W     PPPPW',
  'WWWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** `CHAR_PREFAB_MAP` of the arena: `1`, `2`, `3` the classes, `a` a uniform choice, `P` a spawn point. */
export const LEGEND = {
  W: ['wall'],
  ' ': ['floor'],
  P: ['floor', 'spawn:spawnPoints'],
  '1': ['floor', 'resource:1'],
  '2': ['floor', 'resource:2'],
  '3': ['floor', 'resource:3'],
  a: ['floor', 'resource:choice'],
} as const;

export const substrate: SubstrateSpec = {
  name: 'running_with_scissors_in_the_matrix__arena',
  description:
    'Eight players collect rock, paper and scissors resources in an open arena and choose whom to tag with the ' +
    'interaction beam; each interaction pays rock-paper-scissors (±10) on the two inventory mixes.',
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
    selfColor: HUMAN_READABLE_COLORS[0],
    playerColors: HUMAN_READABLE_COLORS.slice(1),
  },
  skipWaitStateRewards: false,
  matrix: {
    resources: RWS_RESOURCES,
    initialInventory: [1, 1, 1],
    regeneration: { delay: 10, rate: 0.04 },
    resourceHealth: 3,
    rowMatrix: ROW_MATRIX,
    columnMatrix: COLUMN_MATRIX,
    interaction: { ...REPEATED_INTERACTION, framesTillRespawn: 50 },
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: false,
  },
};
