/**
 * A substrate's vector observations beyond the ones every substrate has (RGB, READY_TO_SHOOT, COLLECTIVE_REWARD),
 * flattened into one float vector in the order of the substrate's `observation.names`:
 * - NUM_OTHERS_WHO_CLEANED_THIS_STEP (1): Clean Up, lagged one step as in Melting Pot;
 * - INVENTORY (K) and INTERACTION_INVENTORIES (2·K, own row then partner row): the Matrix games.
 * The server appends this vector to each agent's binary observation; its layout is announced when an agent joins.
 */
import { numOthersWhoCleanedThisStep } from './cleanUp/fireCleaningBeams.js';
import { interactionInventoriesOf, inventoryLength, inventoryOf } from './matrix/matrixObservations.js';
import type { Sim } from './sim.js';

/** Observations carried elsewhere (pixels or symbols, and the fixed scalars of the binary header). */
export const COMMON_OBSERVATIONS: readonly string[] = ['RGB', 'READY_TO_SHOOT', 'COLLECTIVE_REWARD'];

/**
 * What Melting Pot's scenarios pass to focal players (`meltingpot/scenario.py:47-60`, PERMITTED_OBSERVATIONS): the
 * privileged NUM_OTHERS_WHO_CLEANED_THIS_STEP and INTERACTION_INVENTORIES are not among them (its bots' puppeteers
 * read them; an agent under test does not).
 */
export const PERMITTED_OBSERVATIONS: ReadonlySet<string> = new Set([
  'RGB', 'HUNGER', 'INVENTORY', 'MY_OFFER', 'OFFERS', 'READY_TO_SHOOT', 'STAMINA', 'VOTING', 'COLLECTIVE_REWARD',
]);

/** Which observations an agent gets: Melting Pot's permitted set (scenario evaluation) or all (training). */
export type ObservationSet = 'permitted' | 'all';
export const OBSERVATION_SETS: readonly ObservationSet[] = ['permitted', 'all'];

/** The substrate's observation names an agent gets under `set`, in the substrate's order. */
export function observationNames(names: readonly string[], set: ObservationSet): string[] {
  return set === 'all' ? [...names] : names.filter((n) => PERMITTED_OBSERVATIONS.has(n));
}

/** Vector observations this module can write. */
export const VECTOR_OBSERVATIONS: readonly string[] = ['NUM_OTHERS_WHO_CLEANED_THIS_STEP', 'INVENTORY', 'INTERACTION_INVENTORIES'];

export interface VectorField {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
}

/** The fields of the vector, with offsets, for `names` (default: every observation of this sim's substrate). */
export function vectorLayout(sim: Sim, names: readonly string[] = sim.spec.observation.names): VectorField[] {
  const k = inventoryLength(sim);
  const fields: VectorField[] = [];
  let offset = 0;
  for (const name of names) {
    if (COMMON_OBSERVATIONS.includes(name)) continue;
    const length = name === 'NUM_OTHERS_WHO_CLEANED_THIS_STEP' ? 1 : name === 'INVENTORY' ? k : name === 'INTERACTION_INVENTORIES' ? 2 * k : -1;
    if (length < 0) throw new Error(`substrate ${sim.spec.name} names an observation this server cannot produce: ${name}`);
    fields.push({ name, offset, length });
    offset += length;
  }
  return fields;
}

export function vectorLength(sim: Sim, names?: readonly string[]): number {
  let n = 0;
  for (const f of vectorLayout(sim, names)) n += f.length;
  return n;
}

const scratch = new Float64Array(64);

/** Write the vector of `slot` into `out` (length ≥ `vectorLength`), as laid out by `layout`. Allocates nothing. */
export function writeVectorObservations(sim: Sim, slot: number, layout: readonly VectorField[], out: Float32Array | Float64Array): void {
  for (let f = 0; f < layout.length; f++) {
    const { name, offset, length } = layout[f];
    if (name === 'NUM_OTHERS_WHO_CLEANED_THIS_STEP') out[offset] = numOthersWhoCleanedThisStep(sim, slot);
    else {
      if (name === 'INVENTORY') inventoryOf(sim, slot, scratch);
      else interactionInventoriesOf(sim, slot, scratch);
      for (let i = 0; i < length; i++) out[offset + i] = scratch[i];
    }
  }
}
