/**
 * The substrate registry: every variant by name, validated and frozen when this module loads.
 * Adding a variant = adding a file and one line here.
 */
import { CrucibleError } from '../ecs/errors.js';
import { substrate as allelopathicHarvestOpen } from './allelopathic_harvest__open.js';
import { substrate as chickenInTheMatrixRepeated } from './chicken_in_the_matrix__repeated.js';
import { substrate as cleanUp } from './clean_up.js';
import { substrate as coins } from './coins.js';
import { substrate as commonsHarvestClosed } from './commons_harvest__closed.js';
import { substrate as commonsHarvestOpen } from './commons_harvest__open.js';
import { substrate as commonsHarvestPartnership } from './commons_harvest__partnership.js';
import { substrate as pdInTheMatrixArena } from './prisoners_dilemma_in_the_matrix__arena.js';
import { substrate as pdInTheMatrixConsent } from './prisoners_dilemma_in_the_matrix__consent.js';
import { substrate as pdInTheMatrixRepeated } from './prisoners_dilemma_in_the_matrix__repeated.js';
import { substrate as stagHuntInTheMatrixRepeated } from './stag_hunt_in_the_matrix__repeated.js';
import { MATRIX_FAMILY } from './matrix_family.js';
import { substrate as territoryInsideOut } from './territory__inside_out.js';
import { substrate as territoryOpen } from './territory__open.js';
import { substrate as territoryRooms } from './territory__rooms.js';
import type { SubstrateSpec } from './types.js';
import { validateSubstrate } from './validate.js';

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const ALL: readonly SubstrateSpec[] = [
  commonsHarvestOpen, commonsHarvestClosed, commonsHarvestPartnership, cleanUp,
  pdInTheMatrixRepeated, pdInTheMatrixArena, pdInTheMatrixConsent, stagHuntInTheMatrixRepeated, chickenInTheMatrixRepeated,
  allelopathicHarvestOpen,
  ...MATRIX_FAMILY,
  coins,
  territoryRooms, territoryOpen, territoryInsideOut,
];

const REGISTRY: ReadonlyMap<string, SubstrateSpec> = new Map(
  [...ALL]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => {
      validateSubstrate(s);
      return [s.name, deepFreeze(s)] as const;
    }),
);

/** Registered substrate names, sorted. */
export function substrateNames(): string[] {
  return [...REGISTRY.keys()];
}

export function getSubstrate(name: string): SubstrateSpec {
  const s = REGISTRY.get(name);
  if (!s) {
    throw new CrucibleError('UNKNOWN_SUBSTRATE', `unknown substrate "${name}"; known substrates: ${substrateNames().join(', ')}`, {
      value: name,
      allowed: substrateNames(),
    });
  }
  return s;
}
