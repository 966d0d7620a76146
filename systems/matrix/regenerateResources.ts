/**
 * Resource regeneration (Melting Pot `the_matrix` `Resource`, updater `maybeRespawn` with
 * `startFrame = regenerationDelay`, priority 100): a resource that started waiting at tick w first gets a chance at
 * tick w + delay + 1 (the same counting as a respawn: removed at t with F frames → back at t + F + 1), then every
 * tick with probability `rate`, and only if no avatar stands on its cell (the draw is made either way, as in the Lua).
 *
 * Two stages, because Lab2D runs every updater before any queued move or state change lands (`Grid::DoUpdate`:
 * `RunUpdaters`, then `ProcessQueue`): the occupancy check sees where the avatars stood before this tick's moves
 * (`chooseRegrowingResources`, before moveAvatars), and the resource turns live after the moves
 * (`regenerateResources`), so an avatar that steps onto the cell on that tick stands on it without collecting it.
 */
import { matrixOf, setResourceLive } from './matrixState.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';

/** Before the moves: draw for every waiting resource past its delay and keep those with no avatar on the cell. */
export function chooseRegrowingResources(sim: Sim): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  st.regrowingCount = 0;
  const { delay, rate } = m.regeneration;
  if (rate <= 0) return;
  const { rng, grid, c, tick } = sim.world;
  for (let k = st.waitingCount - 1; k >= 0; k--) {
    const i = st.waiting[k];
    if (tick - st.waitingSince[i] <= delay) continue;
    if (rng.float() >= rate) continue;
    const eid = st.eids[i];
    if (grid.at(c.Position.x[eid], c.Position.y[eid], Layer.Upper) !== 0) continue;
    st.regrowing[st.regrowingCount++] = i;
  }
}

/** After the moves: the resources chosen this tick come back. */
export function regenerateResources(sim: Sim): void {
  const st = matrixOf(sim);
  if (!st) return;
  for (let k = 0; k < st.regrowingCount; k++) {
    const i = st.regrowing[k];
    if (st.live[i] === 0) setResourceLive(sim, i);
  }
  st.regrowingCount = 0;
}
