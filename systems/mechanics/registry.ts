/**
 * Every mechanic, listed once. A substrate gets the state of each mechanic whose `uses(spec)` is true; adding a
 * family is one line here (plus its stages in systems/pipeline.ts). The order is part of the behaviour: the episode
 * builder runs the mechanics' hooks in this order (see systems/mechanics.ts), so entity ids and random draws follow it.
 */
import type { Mechanic } from '../mechanics.js';
import { APPLES } from '../apples/index.js';
import { CLEAN_UP } from '../cleanUp/index.js';
import { MATRIX } from '../matrix/index.js';
import { ALLELOPATHIC_HARVEST } from '../allelopathicHarvest/index.js';
import { COINS } from '../coins/index.js';
import { TERRITORY } from '../territory/index.js';

export const MECHANICS: readonly Mechanic<unknown>[] = [APPLES, CLEAN_UP, MATRIX, ALLELOPATHIC_HARVEST as Mechanic<unknown>, COINS, TERRITORY as Mechanic<unknown>];
