/**
 * Painting a resource wall (`Resource:_claim`, lua/levels/territory/components.lua:119-136): a wall not destroyed
 * and not already in the painter's colour becomes the painter's; its paint is wet again (`_rewardingStatus`
 * inactive) and the updaters' `startFrame` counts from now. Repainting another player's wall is a hostile act (see
 * the README, Territory): it is reported as an exploitation attempt that landed.
 */
import type { Sim } from '../sim.js';
import { NOBODY, type TerritoryState } from './state.js';

export function claimResource(sim: Sim, st: TerritoryState, i: number, slot: number): void {
  if (st.destroyed[i] === 1 || st.owner[i] === slot) return;
  const { world } = sim;
  const previous = st.owner[i];
  st.owner[i] = slot;
  st.changedAt[i] = world.tick;
  st.rewarding[i] = 0;
  st.claims++;
  const events = world.events;
  const cell = st.cells[i];
  if (events.wants('resource_claimed')) {
    events.emit('resource_claimed', { tick: world.tick, slot, x: world.grid.cellX(cell), y: world.grid.cellY(cell), previous });
  }
  if (previous !== NOBODY) {
    st.tookOver[slot]++;
    st.takenOver[previous]++;
    if (events.wants('hostile_attempt')) events.emit('hostile_attempt', { tick: world.tick, attacker: slot, target: previous, landed: true });
  }
}
