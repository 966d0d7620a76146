/**
 * stag_hunt_in_the_matrix__arena — the Stag Hunt in the matrix, eight players in an open arena.
 *
 * The rules of prisoners_dilemma_in_the_matrix__arena (11 × 11 view, regrowth 0.04 after 10 steps, removed for 50
 * steps, no resource respawn when everyone is off the map) with the Stag Hunt's resources and payoffs, stag (green)
 * and hare (red), M_row = [[4, 0], [2, 2]], M_col = [[4, 2], [0, 2]], on its own map: more hare than stag, and spawn
 * points along the sides as well as in the corners. Players are drawn in `colors.human_readable[1 + slot]` and see
 * themselves in `human_readable[0]`.
 *
 * The episode ends with probability 0.1 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/stag_hunt_in_the_matrix__arena.py`.
 */
import { substrate as pdArena } from './prisoners_dilemma_in_the_matrix__arena.js';
import { HUMAN_READABLE_COLORS } from './shared.js';
import { substrate as stagHunt } from './stag_hunt_in_the_matrix__repeated.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** 24 rows × 25 columns: P spawn points (88), `1` stag (23), `2` hare (40), `a` either (12, drawn each episode). */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWWW',
  'WPPPPPPP   W W   PPPPPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP       2222    PPPPW',
  'WP                     PW',
  'WP     222222   222    PW',
  'WP 2     11    11      PW',
  'W  2     11  a     222  W',
  'W    WW     W1 11a      W',
  'WW    21 11 W  11a  2   W',
  'WWW   21  WWWWWWWWW 2   W',
  'W   2 aa    111  1a   WWW',
  'W   2       111  1a     W',
  'W       aa W        22  W',
  'W  22   2a Waa WW       W',
  'WP      22     W222    PW',
  'WP              222    PW',
  'WP         222         PW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPP               PPPPW',
  'WPPPPPPP      W  PPPPPPPW',
  'WWWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** The PD arena's rules with the Stag Hunt's map, classes, matrices, colours and ending: data only. */
export const substrate: SubstrateSpec = {
  ...pdArena,
  name: 'stag_hunt_in_the_matrix__arena',
  description:
    'Eight players collect stag (green) and hare (red) resources in an open arena and choose whom to tag with the ' +
    'interaction beam; each interaction pays the Stag Hunt on the two inventory mixes.',
  map: MAP,
  episode: { ...pdArena.episode, probability: 0.1 },
  observation: { ...pdArena.observation, selfColor: HUMAN_READABLE_COLORS[0], playerColors: HUMAN_READABLE_COLORS.slice(1) },
  matrix: {
    ...(pdArena.matrix as MatrixSpec),
    resources: (stagHunt.matrix as MatrixSpec).resources,
    rowMatrix: (stagHunt.matrix as MatrixSpec).rowMatrix,
    columnMatrix: (stagHunt.matrix as MatrixSpec).columnMatrix,
  },
};
