/**
 * Data shared by several substrate files: Lab2D's action primitives in Melting Pot's order and the colour tables.
 * Values only; each substrate file states its own map, legend and tunables.
 */
import type { ActionSpec, Rgb } from './types.js';

/** The movement part of every action set: NOOP, FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT, TURN_LEFT, TURN_RIGHT. */
export const MOVEMENT_ACTIONS: readonly ActionSpec[] = [
  { name: 'NOOP', move: 0, turn: 0 },
  { name: 'FORWARD', move: 1, turn: 0 },
  { name: 'BACKWARD', move: 3, turn: 0 },
  { name: 'STEP_LEFT', move: 4, turn: 0 },
  { name: 'STEP_RIGHT', move: 2, turn: 0 },
  { name: 'TURN_LEFT', move: 0, turn: -1 },
  { name: 'TURN_RIGHT', move: 0, turn: 1 },
];

/** Melting Pot's `colors.human_readable` player palette, in slot order (cycled beyond its end). */
export const HUMAN_READABLE_COLORS: readonly Rgb[] = [
  [45, 110, 220],
  [125, 50, 200],
  [205, 5, 165],
  [245, 65, 65],
  [245, 130, 0],
  [195, 180, 0],
  [125, 185, 65],
  [35, 185, 175],
  [160, 15, 200],
  [230, 50, 95],
  [230, 90, 55],
  [220, 140, 15],
  [180, 195, 0],
  [25, 210, 140],
  [25, 170, 200],
  [85, 80, 210],
];

/** The observing player's own colour in commons_harvest and the matrix games (`get_palette((50, 100, 200))`). */
export const SELF_COLOR: Rgb = [50, 100, 200];

/** Cells outside the map in an egocentric view. */
export const OUT_OF_BOUNDS_COLOR: Rgb = [0, 0, 0];

/** `n` focal player slots followed by `background` bot slots (a scenario's `isFocal`). */
export function focal(n: number, background: number): boolean[] {
  return [...Array<boolean>(n).fill(true), ...Array<boolean>(background).fill(false)];
}
