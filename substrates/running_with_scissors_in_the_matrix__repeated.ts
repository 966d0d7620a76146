/**
 * running_with_scissors_in_the_matrix__repeated — rock, paper, scissors, played by collecting resources.
 *
 * Two players walk a small maze of yellow (rock), violet (paper) and cyan (scissors) resources. Walking onto a
 * resource adds one of its class to the player's inventory, which starts at [1, 1, 1]; the inventory's mix is the
 * player's mixed strategy. Once both players have collected at least one resource, either may tag the other with
 * the interaction beam: the firer is the row player, the target the column player, and with r and c their
 * normalised inventories they are paid r·M·c and r·Mᵀ·c, M = [[0, −10, 10], [10, 0, −10], [−10, 10, 0]] (rows and
 * columns rock, paper, scissors; Melting Pot gives only `matrix`, so the column player's matrix is its transpose).
 * Both then freeze for 16 steps, receive their payoffs, have their inventories reset and leave the map for 5 steps;
 * when no player is on the map every resource comes back. Collecting pays nothing; resources regrow with
 * probability 0.02 per step after 15 steps, and three interaction-beam hits destroy one. A player can watch which
 * resources its partner takes (or which are missing) and counter it; feints follow.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/running_with_scissors_in_the_matrix__repeated.py`.
 */
import { SELF_COLOR } from './shared.js';
import {
  MATRIX_ACTIONS,
  MATRIX_OBSERVATIONS,
  OTHER_COLOR,
  REPEATED_INTERACTION,
  RWS_RESOURCES,
} from './the_matrix.js';
import type { SubstrateSpec } from './types.js';

/** Row player's payoffs, rows = row player's rock, paper, scissors; columns = the column player's. */
export const ROW_MATRIX = [
  [0, -10, 10],
  [10, 0, -10],
  [-10, 10, 0],
] as const;
/** Column player's payoffs: the transpose (`components.lua:213-218`). */
export const COLUMN_MATRIX = [
  [0, 10, -10],
  [-10, 0, 10],
  [10, -10, 0],
] as const;

/** 15 rows × 23 columns. `n` spawn point, `r` rock, `p` paper, `s` scissors, `a` any of the three (drawn each episode). */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWW',
  'Wn         n         nW',
  'W   WWW W     W WW    W',
  'W    W rra   app W    W',
  'Wn  WW rra   app WW  nW',
  'W      rra   app      W',
  'W                     W',
  'Wn WW      n         nW',
  'W             WWWW    W',
  'W      ssa W          W',
  'Wn   W ssa W aaa W   nW',
  'W    W ssa W aaa WW   W',
  'W  WWWW W  W  W WWW   W',
  'Wn         n         nW',
  'WWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** `CHAR_PREFAB_MAP`: `r`, `p`, `s` the three classes, `a` a uniform choice among them, `n` a spawn point. */
export const LEGEND = {
  W: ['wall'],
  ' ': ['floor'],
  n: ['floor', 'spawn:spawnPoints'],
  r: ['floor', 'resource:1'],
  p: ['floor', 'resource:2'],
  s: ['floor', 'resource:3'],
  a: ['floor', 'resource:choice'],
} as const;

/** Wall, the three resources (class colours), floor. */
export const PALETTE = {
  floor: [0, 0, 0],
  wall: [95, 95, 95],
  resource1: RWS_RESOURCES[0].color,
  resource2: RWS_RESOURCES[1].color,
  resource3: RWS_RESOURCES[2].color,
  outOfBounds: [0, 0, 0],
} as const;

export const substrate: SubstrateSpec = {
  name: 'running_with_scissors_in_the_matrix__repeated',
  description:
    'Two players collect rock (yellow), paper (violet) and scissors (cyan) resources and tag each other with an ' +
    'interaction beam; each interaction pays rock-paper-scissors (±10) on their inventory mixes, then both reset and respawn.',
  map: MAP,
  legend: LEGEND,
  actions: MATRIX_ACTIONS,
  population: {
    players: 2,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random'],
  },
  episode: { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.2 },
  observation: {
    view: { left: 2, right: 2, forward: 3, backward: 1 },
    spriteSize: 8,
    names: MATRIX_OBSERVATIONS,
    palette: PALETTE,
    selfColor: SELF_COLOR,
    playerColors: [OTHER_COLOR],
  },
  skipWaitStateRewards: false,
  matrix: {
    resources: RWS_RESOURCES,
    initialInventory: [1, 1, 1],
    regeneration: { delay: 15, rate: 0.02 },
    resourceHealth: 3,
    rowMatrix: ROW_MATRIX,
    columnMatrix: COLUMN_MATRIX,
    interaction: REPEATED_INTERACTION,
    disallowUnreadyInteractions: true,
    spawnResourcesWhenAllPlayersRemoved: true,
  },
};
