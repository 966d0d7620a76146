/** Every mechanic, once. Adding a family = one line here. */
import type { Mechanic } from '../mechanics.js';
import { TERRITORY } from '../territory/index.js';

export const MECHANICS: readonly Mechanic<unknown>[] = [TERRITORY as Mechanic<unknown>];
