/**
 * Data shared by the "*_in_the_matrix" substrates (Melting Pot's `the_matrix` level, `configs/substrates/the_matrix.py`
 * and the variant files): the action table, the colours, the two resource classes' colours, the legend and the
 * beam settings every variant here uses. Values only; each variant file states its own map, matrices and tunables.
 */
import { MOVEMENT_ACTIONS } from './shared.js';
import type { ActionSpec, ResourceClassSpec, Rgb } from './types.js';

/** NOOP, FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT, TURN_LEFT, TURN_RIGHT, INTERACT (8 actions). */
export const MATRIX_ACTIONS: readonly ActionSpec[] = [...MOVEMENT_ACTIONS, { name: 'INTERACT', move: 0, turn: 0, fire: 'interact' }];

/** Resource class 1, green (`RESOURCE1_COLOR`): cooperate / stag / dove. */
export const RESOURCE1_COLOR: Rgb = [30, 225, 185];
export const RESOURCE1_HIGHLIGHT: Rgb = [98, 234, 206];
/** Resource class 2, red (`RESOURCE2_COLOR`): defect / hare / hawk. */
export const RESOURCE2_COLOR: Rgb = [225, 30, 70];
export const RESOURCE2_HIGHLIGHT: Rgb = [234, 98, 126];

/**
 * Running with Scissors' three classes and colours (`running_with_scissors_in_the_matrix__repeated.py:75-86`; the
 * same in __arena and __one_shot, and in rationalizable_coordination_in_the_matrix__arena): rock yellow, paper
 * violet, scissors cyan.
 */
export const RWS_RESOURCES: readonly ResourceClassSpec[] = [
  { name: 'rock', color: [255, 227, 11], highlight: [255, 214, 91] },
  { name: 'paper', color: [109, 42, 255], highlight: [132, 91, 255] },
  { name: 'scissors', color: [42, 188, 255], highlight: [91, 214, 255] },
];

/**
 * The coordination games' classes in their repeated variants and in pure_coordination_in_the_matrix__arena
 * (`pure_coordination_in_the_matrix__repeated.py:43-53`): red, green, blue.
 */
export const COORDINATION_RESOURCES: readonly ResourceClassSpec[] = [
  { name: 'red', color: [150, 0, 0], highlight: [200, 0, 0] },
  { name: 'green', color: [0, 150, 0], highlight: [0, 200, 0] },
  { name: 'blue', color: [0, 0, 150], highlight: [0, 0, 200] },
];

/**
 * Bach or Stravinsky's classes (`bach_or_stravinsky_in_the_matrix__repeated.py:52-58`, the same in __arena): Bach
 * light blue, Stravinsky light orange.
 */
export const BACH_OR_STRAVINSKY_RESOURCES: readonly ResourceClassSpec[] = [
  { name: 'bach', color: [123, 231, 255], highlight: [157, 217, 230] },
  { name: 'stravinsky', color: [255, 163, 123], highlight: [230, 170, 157] },
];

/** Bach or Stravinsky's role colours (`create_avatar_objects`): a bach fan (row player) blue, a stravinsky fan orange. */
export const BACH_FAN_COLOR: Rgb = [50, 100, 200];
export const STRAVINSKY_FAN_COLOR: Rgb = [200, 100, 50];

/** Every other player in the two-player variants (`TARGET_SPRITE_OTHER`, `get_palette((200, 100, 50))`). */
export const OTHER_COLOR: Rgb = [200, 100, 50];

/** The first eight entries of Melting Pot's `colors.palette`: the arena's players, by slot. */
export const ARENA_PLAYER_COLORS: readonly Rgb[] = [
  [1, 0, 103],
  [213, 255, 0],
  [255, 0, 86],
  [158, 0, 142],
  [14, 76, 161],
  [255, 229, 2],
  [0, 95, 57],
  [0, 255, 0],
];

/**
 * Wall (`WALL` palette "*") and the resources. The matrix maps put nothing on empty cells, which Lab2D renders as
 * black, so the floor is black here (like cells off the map).
 */
export const MATRIX_PALETTE = {
  floor: [0, 0, 0],
  wall: [95, 95, 95],
  resource1: RESOURCE1_COLOR,
  resource2: RESOURCE2_COLOR,
  outOfBounds: [0, 0, 0],
} as const;

/**
 * `CHAR_PREFAB_MAP` of the two-player maps: `n` spawn point, `1` / `2` a resource of that class, `a` a uniformly
 * random choice between the two, drawn per cell with the episode's generator when the world is built. Every cell
 * has a floor underneath.
 */
export const REPEATED_LEGEND = {
  W: ['wall'],
  ' ': ['floor'],
  n: ['floor', 'spawn:spawnPoints'],
  '1': ['floor', 'resource:1'],
  '2': ['floor', 'resource:2'],
  a: ['floor', 'resource:choice'],
} as const;

/** The observation names of every matrix variant (`individual_observation_names`) plus COLLECTIVE_REWARD. */
export const MATRIX_OBSERVATIONS = ['RGB', 'INVENTORY', 'READY_TO_SHOOT', 'INTERACTION_INVENTORIES', 'COLLECTIVE_REWARD'] as const;

/** Episode ending of the repeated variants: p = 0.1 every 100 ticks from tick 1000, cut at 5000. */
export const REPEATED_EPISODE = { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.1 } as const;

/**
 * `GameInteractionZapper` of the repeated variants: cooldown 2, length 3, radius 1, freeze 16, respawn after 5;
 * both inventories reset and both players removed after every interaction.
 */
export const REPEATED_INTERACTION = {
  cooldown: 2,
  length: 3,
  radius: 1,
  freezeTicks: 16,
  framesTillRespawn: 5,
  resetWinnerInventory: true,
  resetLoserInventory: true,
  winnerRemoved: true,
  loserRemoved: true,
} as const;

/** Bots every matrix variant offers (systems/policies/matrix.ts). */
export const MATRIX_BOTS = ['random', 'cooperator', 'defector', 'tit_for_tat', 'grim_trigger'] as const;
