/**
 * Recovery (`GraduatedSanctionsMarking` updater, priority 3, `lua/modules/avatar_library.lua:1009-1026`): a player
 * on the map whose level is not 1 counts ticks since its last hit, the hit's own tick included; at `recoveryTime`
 * (50) its level goes back to 1. A removed player does not count.
 */
import type { Sim } from '../sim.js';
import { allelopathicOf } from './index.js';

export function recoverSanctionLevels(sim: Sim): void {
  const st = allelopathicOf(sim);
  if (!st) return;
  const { c } = sim.world;
  const recovery = st.spec.sanctions.recoveryTime;
  for (let slot = 0; slot < sim.players; slot++) {
    if (st.level[slot] === 1 || c.Removed.until[sim.avatars[slot]] > 0) continue;
    if (++st.sinceHit[slot] === recovery) {
      st.level[slot] = 1;
      st.shownLevel[slot] = 1;
      st.sinceHit[slot] = 0;
    }
  }
}
