/** Every mechanic, once. Adding a family = one line here. */
import { ALLELOPATHIC_HARVEST } from '../allelopathicHarvest/index.js';
import type { Mechanic } from '../mechanics.js';

export const MECHANICS: readonly Mechanic<unknown>[] = [ALLELOPATHIC_HARVEST as Mechanic<unknown>];
