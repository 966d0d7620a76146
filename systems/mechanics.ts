/**
 * A mechanic: one family's rules (its state, its systems, its per-episode setup), chosen by the substrate's data.
 * `createSim` creates the state of every registered mechanic the substrate uses (systems/mechanics/registry.ts);
 * the episode builder hands each map cell carrying one of a mechanic's prefabs to its `place`.
 */
import type { Prefab, SubstrateSpec } from '../substrates/types.js';
import type { Sim } from './sim.js';

export interface Mechanic<S> {
  /** Unique name: 'apples', 'cleanUp', 'matrix', 'territory', ... */
  readonly name: string;
  /** True when the substrate's data asks for this mechanic (e.g. `spec.territory !== undefined`). */
  uses(spec: SubstrateSpec): boolean;
  /** Legend prefabs this mechanic lays; the episode builder hands each such map cell to `place`. */
  readonly prefabs: readonly Prefab[];
  /** Prefabs given by a pattern (e.g. `claimable@2/3`), also handed to `place`; `prefabs` alone when absent. */
  lays?(prefab: Prefab): boolean;
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
}

const STATES = new WeakMap<Sim, Map<Mechanic<unknown>, unknown>>();

/** Mechanic m's state in this sim, or null when the substrate does not use it. */
export function stateOf<S>(sim: Sim, m: Mechanic<S>): S | null {
  const states = STATES.get(sim);
  if (!states) return null;
  const s = states.get(m as Mechanic<unknown>);
  return s === undefined ? null : (s as S);
}

/** Create the state of each of `mechanics` that `sim`'s substrate uses. */
export function createMechanicStates(sim: Sim, mechanics: readonly Mechanic<unknown>[]): void {
  const states = new Map<Mechanic<unknown>, unknown>();
  for (const m of mechanics) if (m.uses(sim.spec)) states.set(m, m.create(sim));
  STATES.set(sim, states);
}

/** The mechanics `sim` uses, with their states, in registry order. */
export function mechanicsOf(sim: Sim): ReadonlyMap<Mechanic<unknown>, unknown> {
  return STATES.get(sim) ?? new Map();
}

/** Does mechanic `m` lay prefab `p`? */
export function laysPrefab(m: Mechanic<unknown>, p: Prefab): boolean {
  return m.prefabs.includes(p) || (m.lays !== undefined && m.lays(p));
}
