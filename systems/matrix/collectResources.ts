/**
 * Collecting (Melting Pot `the_matrix` `Resource:onEnter`): a player who entered a cell holding a live resource this
 * tick adds 1 of its class to its inventory, becomes ready to interact, and the resource starts waiting. Collecting
 * pays nothing here (`Taste` with `mostTastyResourceClass = -1` gives `defaultTastinessReward = 0`).
 */
import { enteredObject } from '../enteredObject.js';
import { matrixOf, setResourceWaiting } from './matrixState.js';
import type { Sim } from '../sim.js';

export function collectResources(sim: Sim): void {
  const st = matrixOf(sim);
  if (!st) return;
  const { world } = sim;
  const { c, events } = world;
  const inv = c.Inventory;
  for (let slot = 0; slot < sim.players; slot++) {
    const i = enteredObject(sim, slot, st.indexOf);
    if (i < 0) continue;
    const cls = st.cls[i];
    inv.count[sim.avatars[slot] * inv.size + cls] += 1;
    st.ready[slot] = 1;
    setResourceWaiting(sim, i);
    st.counters.resourcesCollected++;
    if (events.wants('resource_collected')) events.emit('resource_collected', { tick: world.tick, slot, resource: cls + 1 });
  }
}
