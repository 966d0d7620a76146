/**
 * The interaction's scheduled effects (Melting Pot `GameInteractionZapper` updater `applyScheduledEffects`,
 * priority 4, the last of a tick's rules). On tick t + freezeTicks + 1 after an interaction at t, in Melting Pot's
 * order: both players are paid (paid even while removed: the matrix games set `skipWaitStateRewards` false), the
 * inventories of the winner and / or loser go back to the initial one (and they are no longer ready), and the
 * winner and / or loser leave the map. A removed player is back at the end of tick t_r + framesTillRespawn + 1
 * (t_r = the removal tick), through the scheduler, on a random free spawn point; its first action that counts is
 * the one after.
 */
import { giveReward } from '../giveReward.js';
import { matrixOf, resetInventory } from './matrixState.js';
import type { Sim } from '../sim.js';

export function applyInteractionEffects(sim: Sim): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  const tick = sim.world.tick;
  const b = m.interaction;
  for (let col = 0; col < sim.players; col++) {
    if (st.effectsAt[col] !== tick) continue;
    st.effectsAt[col] = 0;
    const row = st.pendingRow[col];
    if (row < 0) continue; // the row player of a pair: the effects live on the column player
    st.pendingRow[col] = -1;
    giveReward(sim, row, st.pendingRowReward[col]);
    giveReward(sim, col, st.pendingColReward[col]);
    const winner = st.pendingRowWon[col] === 1 ? row : col;
    const loser = winner === row ? col : row;
    if (b.resetLoserInventory) resetInventory(sim, loser);
    if (b.resetWinnerInventory) resetInventory(sim, winner);
    if (b.loserRemoved) removePlayer(sim, loser, b.framesTillRespawn);
    if (b.winnerRemoved) removePlayer(sim, winner, b.framesTillRespawn);
  }
}

function removePlayer(sim: Sim, slot: number, framesTillRespawn: number): void {
  const { world } = sim;
  const { c } = world;
  const eid = sim.avatars[slot];
  if (c.Removed.until[eid] > 0) return;
  world.grid.remove(eid);
  const due = world.tick + framesTillRespawn + 1;
  c.Removed.until[eid] = due;
  // Count from the scheduler's own clock, which has already reached this tick (runScheduledEvents ran earlier).
  world.scheduler.schedule(due - world.scheduler.now, sim.respawn, slot);
}
