/**
 * prisoners_dilemma_in_the_matrix__arena — the Prisoner's Dilemma in the matrix, eight players in an open arena.
 *
 * The rules of the repeated variant (collect cooperate / defect resources, tag a partner, be paid r·M·c with
 * M_row = [[3, 0], [5, 1]], M_col = [[3, 5], [0, 1]], freeze 16 steps, reset to [1, 1], both removed), but eight
 * players in a 24 × 25 arena, with the usual 11 × 11 view, so each player chooses whom to interact with.
 * Differences from the repeated variant: resources regrow with probability 0.04 per step (after 10 steps), a removed
 * player stays out for 50 steps, resources do not all come back when everyone is off the map (the arena has no
 * `SpawnResourcesWhenAllPlayersZapped`), and every player keeps its own colour (`colors.palette[slot]`).
 *
 * The episode ends with probability 0.15 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/prisoners_dilemma_in_the_matrix__arena.py`.
 */
import { SELF_COLOR } from './shared.js';
import { COLUMN_MATRIX, ROW_MATRIX } from './prisoners_dilemma_in_the_matrix__repeated.js';
import {
  ARENA_PLAYER_COLORS,
  MATRIX_ACTIONS,
  MATRIX_BOTS,
  MATRIX_OBSERVATIONS,
  MATRIX_PALETTE,
  REPEATED_INTERACTION,
  RESOURCE1_COLOR,
  RESOURCE1_HIGHLIGHT,
  RESOURCE2_COLOR,
  RESOURCE2_HIGHLIGHT,
} from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

/** 24 rows × 25 columns: W 120, P 64 spawn points, `1` 13, `2` 13, `a` 10 (each drawn per episode). */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWWW',
  'WPPPP      W W      PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'W                       W',
  'W        11             W',
  'W        11             W',
  'W        aa             W',
  'W    WW     W  222      W',
  'WW    1a    W  222      W',
  'WWW   1a  WWWWWWWWW     W',
  'W     1a    111       WWW',
  'W           111         W',
  'W       aa W            W',
  'W       22 W   WW       W',
  'W       22     Waaa     W',
  'W               222     W',
  'W                       W',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP         W     PPPPW',
  'WWWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** `CHAR_PREFAB_MAP` of the arena: as the repeated maps, but spawn points are `P`. */
export const LEGEND = {
  W: ['wall'],
  ' ': ['floor'],
  P: ['floor', 'spawn:spawnPoints'],
  '1': ['floor', 'resource:1'],
  '2': ['floor', 'resource:2'],
  a: ['floor', 'resource:choice'],
} as const;

export const substrate: SubstrateSpec = {
  name: 'prisoners_dilemma_in_the_matrix__arena',
  description:
    'Eight players collect cooperate (green) and defect (red) resources in an open arena and choose whom to tag ' +
    'with the interaction beam; each interaction pays the Prisoner\'s Dilemma on the two inventory mixes.',
  map: MAP,
  legend: LEGEND,
  actions: MATRIX_ACTIONS,
  population: {
    players: 8,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: MATRIX_BOTS,
  },
  episode: { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.15 },
  observation: {
    view: { left: 5, right: 5, forward: 9, backward: 1 },
    spriteSize: 8,
    names: MATRIX_OBSERVATIONS,
    palette: MATRIX_PALETTE,
    selfColor: SELF_COLOR,
    playerColors: ARENA_PLAYER_COLORS,
  },
  skipWaitStateRewards: false,
  matrix: {
    resources: [
      { name: 'cooperate', color: RESOURCE1_COLOR, highlight: RESOURCE1_HIGHLIGHT, role: 'cooperate' },
      { name: 'defect', color: RESOURCE2_COLOR, highlight: RESOURCE2_HIGHLIGHT, role: 'defect' },
    ],
    initialInventory: [1, 1],
    regeneration: { delay: 10, rate: 0.04 },
    resourceHealth: 3,
    rowMatrix: ROW_MATRIX,
    columnMatrix: COLUMN_MATRIX,
    interaction: { ...REPEATED_INTERACTION, framesTillRespawn: 50 },
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: false,
  },
};
