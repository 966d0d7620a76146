/**
 * Every mechanic, listed once. A substrate gets the state of each mechanic whose `uses(spec)` is true; adding a
 * family is one line here (plus its stages in systems/pipeline.ts). The order is part of the behaviour: the episode
 * builder runs the mechanics' hooks in this order (see systems/mechanics.ts).
 */
import { COINS } from '../coins/index.js';
import type { Mechanic } from '../mechanics.js';

export const MECHANICS: readonly Mechanic<unknown>[] = [
  COINS as Mechanic<unknown>,
];
