/**
 * The matrix games' vector observations (Melting Pot `specs.py`: both float64):
 * - INVENTORY (K): the player's inventory now (`InventoryObserver`);
 * - INTERACTION_INVENTORIES (2 × K, row-major): its own then its partner's inventory as they were at an
 *   interaction, on the tick of that interaction only; every other tick it is all −1, "no interaction"
 *   (`GameInteractionZapper.latest_interaction_inventories`, refilled with −1 each frame). Melting Pot marks it
 *   debug-only and its scenarios withhold it from focal players.
 * Both write into a caller-owned buffer and allocate nothing.
 */
import type { Sim } from '../sim.js';
import { matrixOf } from './matrixState.js';

/** Number of resource classes (K), 0 for a substrate without a matrix. */
export function inventoryLength(sim: Sim): number {
  return matrixOf(sim)?.classes ?? 0;
}

/** INVENTORY of `slot` into `out[0 .. K)`. */
export function inventoryOf(sim: Sim, slot: number, out: Float64Array): Float64Array {
  const k = inventoryLength(sim);
  const inv = sim.world.c.Inventory;
  const base = sim.avatars[slot] * inv.size;
  for (let i = 0; i < k; i++) out[i] = inv.count[base + i];
  return out;
}

/** INTERACTION_INVENTORIES of `slot` into `out[0 .. 2K)`: own row, then partner row; −1 unless it interacted this tick. */
export function interactionInventoriesOf(sim: Sim, slot: number, out: Float64Array): Float64Array {
  const st = matrixOf(sim);
  if (!st) return out;
  const n = 2 * st.classes;
  if (st.interactionTick[slot] !== sim.world.tick) {
    out.fill(-1, 0, n);
    return out;
  }
  const from = slot * n;
  for (let i = 0; i < n; i++) out[i] = st.interactionInventories[from + i];
  return out;
}
