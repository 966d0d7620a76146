import type { Sim } from './sim.js';

/**
 * Start a tick: advance the world's and the scheduler's clocks (so anything scheduled during this tick counts from
 * it) and clear last tick's per-player figures. Scheduled events fire later, in the respawn stage.
 */
export function beginStep(sim: Sim): void {
  const { world } = sim;
  world.tick++;
  world.scheduler.advanceTo(world.tick);
  const step = world.c.Reward.step;
  for (let s = 0; s < sim.players; s++) step[sim.avatars[s]] = 0;
  sim.moved.fill(0);
}
