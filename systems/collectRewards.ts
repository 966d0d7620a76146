import type { Sim } from './sim.js';

/** Close the tick's rewards: per-slot rewards, episode returns, and COLLECTIVE_REWARD (the sum of all rewards). */
export function collectRewards(sim: Sim): void {
  const { c } = sim.world;
  let total = 0;
  for (let s = 0; s < sim.players; s++) {
    const eid = sim.avatars[s];
    const r = c.Reward.step[eid];
    c.Reward.episode[eid] += r;
    sim.rewards[s] = r;
    sim.returns[s] = c.Reward.episode[eid];
    total += r;
  }
  sim.collectiveReward = total;
}
