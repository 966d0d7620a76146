import type { Sim } from './sim.js';

/** Add `r` to a player's reward this tick, unless it is removed and the substrate skips wait-state rewards. */
export function giveReward(sim: Sim, slot: number, r: number): void {
  if (r === 0) return;
  const eid = sim.avatars[slot];
  const c = sim.world.c;
  if (sim.spec.skipWaitStateRewards && c.Removed.until[eid] > 0) return;
  c.Reward.step[eid] += r;
}
