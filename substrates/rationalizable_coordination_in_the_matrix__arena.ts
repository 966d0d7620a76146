/**
 * rationalizable_coordination_in_the_matrix__arena — the rationalizable coordination game, eight players in an arena.
 *
 * pure_coordination_in_the_matrix__arena (map, timings, Self / Other colours) with the payoffs diag(1, 2, 3) for both
 * players and, unlike the repeated variant, Running with Scissors' resource colours: yellow (1), violet (2) and cyan
 * (3).
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/rationalizable_coordination_in_the_matrix__arena.py`.
 */
import { substrate as pureArena } from './pure_coordination_in_the_matrix__arena.js';
import { MATRIX } from './rationalizable_coordination_in_the_matrix__repeated.js';
import { PALETTE } from './running_with_scissors_in_the_matrix__repeated.js';
import { RWS_RESOURCES } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** Resource names by colour: the game's classes are worth 1, 2 and 3. */
const RESOURCES = RWS_RESOURCES.map((r, i) => ({ ...r, name: ['yellow', 'violet', 'cyan'][i] }));

export const substrate: SubstrateSpec = {
  ...pureArena,
  name: 'rationalizable_coordination_in_the_matrix__arena',
  description:
    'Eight players collect yellow, violet and cyan resources in an open arena and tag each other; an interaction ' +
    'pays each 1, 2 or 3 when the pair meets on yellow, violet or cyan (on their inventory mixes).',
  observation: { ...pureArena.observation, palette: PALETTE },
  matrix: { ...(pureArena.matrix as MatrixSpec), resources: RESOURCES, rowMatrix: MATRIX, columnMatrix: MATRIX },
};
