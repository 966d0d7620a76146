/**
 * stag_hunt_in_the_matrix__repeated — the Stag Hunt, played by collecting resources.
 *
 * The mechanics of prisoners_dilemma_in_the_matrix__repeated (two players, 5 × 5 view, inventories from [1, 1],
 * interaction beam, freeze 16 steps, payoffs r·M·c, both reset and removed for 5 steps, every resource back when
 * nobody is on the map), with K = 2 resources for the pure strategies stag (green) and hare (red) and the payoffs
 * M_row = [[4, 0], [2, 2]], M_col = [[4, 2], [0, 2]]: hunting stag together pays 4 each, but a stag hunter whose
 * partner plays hare gets 0, while hare always pays 2. Its map is the repeated map with more hare resources (the
 * Melting Pot file has its own map, which differs from the Prisoner's Dilemma one). The episode is shorter: the
 * stochastic ending (p = 0.1 every 100 steps from step 1000) is capped at 2500 steps.
 *
 * Source: Melting Pot `configs/substrates/stag_hunt_in_the_matrix__repeated.py`.
 */
import { substrate as pd } from './prisoners_dilemma_in_the_matrix__repeated.js';
import { RESOURCE1_COLOR, RESOURCE1_HIGHLIGHT, RESOURCE2_COLOR, RESOURCE2_HIGHLIGHT } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** 15 rows × 23 columns. `n` spawn point, `1` stag, `2` hare, `a` either (drawn each episode). */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWW',
  'Wn         n         nW',
  'W  2WWW W  W  W WW2   W',
  'W    W 11a W 222 W    W',
  'Wn  WW 11a W a22 WW  nW',
  'W      1aa 2 a22      W',
  'W  2               2  W',
  'Wn WW  WW2 n WW  WWW nW',
  'W   2            2    W',
  'W      22a 2 aa1      W',
  'Wn   W 22a W a11 W   nW',
  'W   2W 222 W a11 WW   W',
  'W  WWWW W  W  W WWW2  W',
  'Wn         n         nW',
  'WWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** The Prisoner's Dilemma mechanics (repeated variant) with this game's resources and matrices: data only. */
export const substrate: SubstrateSpec = {
  ...pd,
  name: 'stag_hunt_in_the_matrix__repeated',
  description:
    'Two players collect stag (green) and hare (red) resources and tag each other with an interaction beam; ' +
    'each interaction pays the Stag Hunt on their inventory mixes, then both reset and respawn.',
  map: MAP,
  episode: { ...pd.episode, maxSteps: 2500 },
  matrix: {
    ...(pd.matrix as MatrixSpec),
    resources: [
      { name: 'stag', color: RESOURCE1_COLOR, highlight: RESOURCE1_HIGHLIGHT, role: 'cooperate' },
      { name: 'hare', color: RESOURCE2_COLOR, highlight: RESOURCE2_HIGHLIGHT, role: 'defect' },
    ],
    rowMatrix: [
      [4, 0],
      [2, 2],
    ],
    columnMatrix: [
      [4, 2],
      [0, 2],
    ],
  },
};
