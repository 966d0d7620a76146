/**
 * pure_coordination_in_the_matrix__repeated — a pure coordination game, played by collecting resources.
 *
 * The map and mechanics of running_with_scissors_in_the_matrix__repeated (two players, 5 × 5 view, inventories from
 * [1, 1, 1], interaction beam, freeze 16 steps, both reset and removed for 5 steps, every resource back when nobody
 * is on the map), with K = 3 resources, red, green and blue, and the identity as payoff matrix for both players
 * (the column player's is its transpose, the same): meeting on the same colour pays 1 each, anything else 0. The
 * three ways to coordinate are equally good; the players only have to agree on one.
 *
 * Resources regrow with probability 0.02 per step after 10 steps. The episode ends with probability 0.1 at every
 * 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/pure_coordination_in_the_matrix__repeated.py`.
 */
import { substrate as rws } from './running_with_scissors_in_the_matrix__repeated.js';
import { COORDINATION_RESOURCES, REPEATED_EPISODE } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** Both players' payoffs: 1 for meeting on the same colour. */
export const MATRIX = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
] as const;

/** Wall, the three resources, floor. */
export const PALETTE = {
  floor: [0, 0, 0],
  wall: [95, 95, 95],
  resource1: COORDINATION_RESOURCES[0].color,
  resource2: COORDINATION_RESOURCES[1].color,
  resource3: COORDINATION_RESOURCES[2].color,
  outOfBounds: [0, 0, 0],
} as const;

/** Running with Scissors' map and mechanics with this game's resources, matrix and timings: data only. */
export const substrate: SubstrateSpec = {
  ...rws,
  name: 'pure_coordination_in_the_matrix__repeated',
  description:
    'Two players collect red, green and blue resources and tag each other with an interaction beam; an interaction ' +
    'pays each 1 when they meet on the same colour (on their inventory mixes), then both reset and respawn.',
  episode: REPEATED_EPISODE,
  observation: { ...rws.observation, palette: PALETTE },
  matrix: {
    ...(rws.matrix as MatrixSpec),
    resources: COORDINATION_RESOURCES,
    regeneration: { delay: 10, rate: 0.02 },
    rowMatrix: MATRIX,
    columnMatrix: MATRIX,
  },
};
