/**
 * The timers a sanction leaves, run where Melting Pot runs its components' `update` (before any updater, so before
 * the moves): a player whose sanction removes it leaves the map now, a tick after the hit (`Avatar:update` →
 * `_handleScheduledRemoval`, `lua/modules/avatar_library.lua:342-354`; the delay lets the frame of the hit still show
 * it, :1060-1068), and respawns `framesTillRespawn` ticks later through the respawn stage; a frozen player's zap
 * timer is held at cooldown + 1 for as long as its freeze lasts (`Zapper:update`, :713-724), so it can zap again
 * only `cooldown` + 1 ticks after its freeze ends.
 */
import type { Sim } from '../sim.js';
import { allelopathicOf } from './index.js';
import { NEWBORN } from './state.js';

export function applySanctionTimers(sim: Sim): void {
  const st = allelopathicOf(sim);
  const zap = sim.spec.zapper;
  if (!st || !zap) return;
  const { world } = sim;
  const { c, grid } = world;
  const tick = world.tick;
  for (let slot = 0; slot < sim.players; slot++) {
    const eid = sim.avatars[slot];
    if (st.noZapUntil[slot] >= tick) c.Cooldown.timer[eid] = zap.cooldown + 1;
    if (st.removeAt[slot] !== tick) continue;
    st.removeAt[slot] = 0;
    if (c.Removed.until[eid] > 0) continue;
    grid.remove(eid);
    const due = tick + zap.framesTillRespawn;
    c.Removed.until[eid] = due;
    world.scheduler.scheduleAt(due, sim.respawn, slot);
    // It comes back in the newborn colour (`ColorZapper:preUpdate` after a respawn, components.lua:606-614).
    st.avatarColor[slot] = NEWBORN;
    st.shownLevel[slot] = st.level[slot];
    st.removals++;
  }
}
