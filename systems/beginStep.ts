import type { Sim } from './sim.js';

/** Start a tick: advance the clock and clear last tick's per-player figures. Scheduled events fire later. */
export function beginStep(sim: Sim): void {
  const { world } = sim;
  world.tick++;
  const step = world.c.Reward.step;
  for (let s = 0; s < sim.players; s++) step[sim.avatars[s]] = 0;
  sim.moved.fill(0);
  sim.apples.startCounts.set(sim.apples.liveNeighbors);
}
