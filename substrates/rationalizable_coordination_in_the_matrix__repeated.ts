/**
 * rationalizable_coordination_in_the_matrix__repeated — a coordination game with a best equilibrium.
 *
 * pure_coordination_in_the_matrix__repeated (same map, resources, rules and timings) with the payoffs
 * diag(1, 2, 3) for both players: meeting on red pays 1 each, on green 2, on blue 3, anything else 0. Every
 * equilibrium is rationalizable, but blue is better for both.
 *
 * The episode ends with probability 0.1 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/rationalizable_coordination_in_the_matrix__repeated.py`.
 */
import { substrate as pure } from './pure_coordination_in_the_matrix__repeated.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** Both players' payoffs (the matrix is symmetric, so its transpose is the same). */
export const MATRIX = [
  [1, 0, 0],
  [0, 2, 0],
  [0, 0, 3],
] as const;

export const substrate: SubstrateSpec = {
  ...pure,
  name: 'rationalizable_coordination_in_the_matrix__repeated',
  description:
    'Two players collect red, green and blue resources and tag each other; an interaction pays each 1, 2 or 3 when ' +
    'they meet on red, green or blue (on their inventory mixes), then both reset and respawn.',
  matrix: { ...(pure.matrix as MatrixSpec), rowMatrix: MATRIX, columnMatrix: MATRIX },
};
