/**
 * The walls of a removed player go back to unclaimed (`releaseClaimOfDeadAgent`, lua/levels/territory/
 * components.lua:103-116: updater priority 2, group `claimedResources`, `startFrame` 5): each tick every wall claimed
 * at least `releaseDelay` ticks ago whose owner is off the map loses its paint.
 */
import type { Sim } from '../sim.js';
import { territoryOf } from './index.js';
import { NOBODY } from './state.js';

export function releaseClaimsOfRemoved(sim: Sim): void {
  const spec = sim.spec.territory;
  if (!spec) return;
  const st = territoryOf(sim);
  if (!st || st.removals === 0) return;
  const tick = sim.world.tick;
  const removed = sim.world.c.Removed.until;
  for (let i = 0; i < st.count; i++) {
    const owner = st.owner[i];
    if (owner < 0 || st.destroyed[i] === 1 || removed[sim.avatars[owner]] === 0) continue;
    if (tick - st.changedAt[i] < spec.resource.releaseDelay) continue;
    st.owner[i] = NOBODY;
    st.changedAt[i] = tick;
    st.rewarding[i] = 0;
  }
}
