/**
 * Resource regeneration (Melting Pot `the_matrix` `Resource`, updater `maybeRespawn` with
 * `startFrame = regenerationDelay`): a resource that started waiting at tick w first gets a chance at tick
 * w + delay + 1 (the same counting as a respawn: removed at t with F frames → back at t + F + 1), then every tick
 * with probability `rate`, and only if no avatar stands on its cell then (the draw is made either way, as in the
 * Lua).
 */
import { setResourceLive } from './matrixState.js';
import { Layer } from './layers.js';
import type { Sim } from './sim.js';

export function regenerateResources(sim: Sim): void {
  const m = sim.spec.matrix;
  const st = sim.matrix;
  if (!m || !st) return;
  const { delay, rate } = m.regeneration;
  if (rate <= 0) return;
  const { rng, grid, c, tick } = sim.world;
  // Walk backwards: setResourceLive swap-removes from the waiting set, moving an already-visited entry into slot k.
  for (let k = st.waitingCount - 1; k >= 0; k--) {
    const i = st.waiting[k];
    if (tick - st.waitingSince[i] <= delay) continue;
    if (rng.float() >= rate) continue;
    const eid = st.eids[i];
    if (grid.at(c.Position.x[eid], c.Position.y[eid], Layer.Upper) !== 0) continue;
    setResourceLive(sim, i);
  }
}
