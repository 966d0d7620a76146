/**
 * A mechanic: one substrate family's rule set (apples, Clean Up's river, the matrix games, …) that owns its state,
 * its systems and its per-episode setup, in its own folder `systems/<family>/`. The substrate's data chooses the
 * mechanics it uses (`uses(spec)`); the `Sim` holds nothing family-specific. Every mechanic is listed once in
 * `systems/mechanics/registry.ts`; the systems that run its rules are ordered in `systems/pipeline.ts` with all the
 * others, and look their state up with `stateOf` (null when the substrate does not use the mechanic: they return).
 *
 * The episode builder (`buildEpisodeWorld`, systems/sim.ts) runs the hooks in this order, mechanics in registry
 * order within each step: `reset`; the map, cell by cell in map order, walls and each cell's prefabs in legend
 * order, the prefabs a mechanic claims handed to its `place`; `afterMap`; the avatars spawn; `afterAvatars`.
 * Entity ids and random draws therefore follow the map and the registry, never the mechanics' own choices.
 */
import type { Prefab, SubstrateSpec } from '../substrates/types.js';
import type { Sim } from './sim.js';

export interface Mechanic<S> {
  /** Unique name: 'apples', 'cleanUp', 'matrix', 'allelopathicHarvest', 'territory', 'coins', ... */
  readonly name: string;
  /** True when the substrate's data asks for this mechanic (e.g. `spec.territory !== undefined`). */
  uses(spec: SubstrateSpec): boolean;
  /** Legend prefabs this mechanic lays; the episode builder hands each such map cell to `place`. */
  readonly prefabs: readonly Prefab[];
  /** Once per Sim (after the map is parsed): the mechanic's state, preallocated. */
  create(sim: Sim): S;
  /** Per episode, before the map is laid: clear the state. */
  reset?(sim: Sim, state: S): void;
  /** Per episode, for each map cell carrying one of `prefabs`, in map order, interleaved with the walls. */
  place?(sim: Sim, state: S, x: number, y: number, prefab: Prefab): void;
  /** Per episode, after the map is laid, before the avatars spawn. */
  afterMap?(sim: Sim, state: S): void;
  /** Per episode, after the avatars spawn (its random draws come after the spawn draws). */
  afterAvatars?(sim: Sim, state: S): void;
  /**
   * Length of every avatar's `Inventory` vector this mechanic needs (the matrix games: one entry per resource
   * class). The world's default (2) applies when no mechanic in use asks; otherwise the largest request.
   */
  inventorySize?(spec: SubstrateSpec): number;
}

/** A mechanic the substrate uses, with its state in this sim. */
export interface ActiveMechanic {
  readonly mechanic: Mechanic<unknown>;
  readonly state: unknown;
}

/**
 * Mechanic m's state in this sim, or null when the substrate does not use it. A scan of the few mechanics in use
 * (at most a handful) by identity: no allocation, fine per tick.
 */
export function stateOf<S>(sim: Sim, m: Mechanic<S>): S | null {
  const active = sim.mechanics;
  for (let i = 0; i < active.length; i++) {
    if (active[i].mechanic === m) return active[i].state as S;
  }
  return null;
}

/** True when some legend character of `spec` lays one of `prefabs` (whether or not the map uses that character). */
export function legendLays(spec: SubstrateSpec, prefabs: readonly Prefab[]): boolean {
  for (const ch in spec.legend) {
    for (const p of spec.legend[ch]) if (prefabs.includes(p)) return true;
  }
  return false;
}
