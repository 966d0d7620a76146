/**
 * SpawnResourcesWhenAllPlayersZapped (Melting Pot `the_matrix`, updater priority 7): when no avatar is on the map
 * (after this tick's respawns), every waiting resource comes back at once. In the two-player games both players leave after
 * each interaction, so the map is full again when they respawn. Runs after regeneration (priority 100) and before
 * the interaction effects (priority 4), so the tick on which both players are removed does not count yet.
 */
import { matrixOf, setResourceLive } from './matrixState.js';
import type { Sim } from '../sim.js';

export function spawnResourcesWhenAllPlayersRemoved(sim: Sim): void {
  const st = matrixOf(sim);
  if (!st || !sim.spec.matrix?.spawnResourcesWhenAllPlayersRemoved || st.waitingCount === 0) return;
  const removed = sim.world.c.Removed.until;
  for (let s = 0; s < sim.players; s++) if (removed[sim.avatars[s]] === 0) return;
  while (st.waitingCount > 0) setResourceLive(sim, st.waiting[st.waitingCount - 1]);
}
