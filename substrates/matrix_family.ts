/**
 * The rest of Melting Pot's Matrix family ("*_in_the_matrix__*"), listed once here so the registry takes them with
 * one line: Running with Scissors (three resources), Bach or Stravinsky (roles), the coordination games and the
 * arenas of Chicken and the Stag Hunt.
 */
import { substrate as bosArena } from './bach_or_stravinsky_in_the_matrix__arena.js';
import { substrate as bosRepeated } from './bach_or_stravinsky_in_the_matrix__repeated.js';
import { substrate as rwsArena } from './running_with_scissors_in_the_matrix__arena.js';
import { substrate as rwsOneShot } from './running_with_scissors_in_the_matrix__one_shot.js';
import { substrate as rwsRepeated } from './running_with_scissors_in_the_matrix__repeated.js';
import { substrate as chickenArena } from './chicken_in_the_matrix__arena.js';
import { substrate as pureArena } from './pure_coordination_in_the_matrix__arena.js';
import { substrate as pureRepeated } from './pure_coordination_in_the_matrix__repeated.js';
import { substrate as rationalArena } from './rationalizable_coordination_in_the_matrix__arena.js';
import { substrate as rationalRepeated } from './rationalizable_coordination_in_the_matrix__repeated.js';
import { substrate as stagHuntArena } from './stag_hunt_in_the_matrix__arena.js';
import type { SubstrateSpec } from './types.js';

export const MATRIX_FAMILY: readonly SubstrateSpec[] = [
  rwsRepeated, rwsArena, rwsOneShot, bosRepeated, bosArena, chickenArena, stagHuntArena,
  pureRepeated, pureArena, rationalRepeated, rationalArena,
];
