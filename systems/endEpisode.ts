/**
 * StochasticIntervalEpisodeEnding with a hard cap. Melting Pot's component keeps a counter that is one ahead of the
 * step number n (it starts at 1 and is incremented before the check), so from step `minimumSteps` on the episode
 * terminates with `probability` at every step where (n + 1) is a multiple of `interval`: steps 1099, 1199, … for
 * commons harvest. Step `maxSteps` is the last one. Melting Pot reports both endings as dm_env termination
 * (discount 0); Crucible keeps them apart — `terminated` (the environment ended) versus `truncated` (the time limit
 * cut it) — as RL libraries need.
 */
import type { Sim } from './sim.js';

export function endEpisode(sim: Sim): void {
  const e = sim.spec.episode;
  const t = sim.world.tick;
  if (e.probability > 0 && t >= e.minimumSteps && (t + 1) % e.interval === 0 && sim.world.rng.float() < e.probability) {
    sim.terminated = true;
  } else if (t >= e.maxSteps) {
    sim.truncated = true;
  }
}
