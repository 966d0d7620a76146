/**
 * Lab2D's `onEnter` for the objects on the lower layer that players pick up (commons_harvest's `Edible` apples, the
 * matrix games' `Resource`s): only a player who entered the cell this tick triggers it; standing on it does not.
 */
import { Layer } from './layers.js';
import type { Sim } from './sim.js';

/**
 * The index (through `indexOf`, entity id → index, −1 for entity 0 and other entities) of the live object on the lower layer of
 * the cell the player in `slot` entered this tick, or −1 when it did not move or the cell holds no such object.
 */
export function enteredObject(sim: Sim, slot: number, indexOf: Int32Array): number {
  if (sim.moved[slot] === 0) return -1;
  const { c, grid } = sim.world;
  const eid = sim.avatars[slot];
  // An empty cell gives entity 0, which indexes −1 (no entity has id 0).
  return indexOf[grid.at(c.Position.x[eid], c.Position.y[eid], Layer.Lower)];
}
