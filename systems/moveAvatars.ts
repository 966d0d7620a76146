/**
 * Turn, then move (Lab2D's Avatar move updater). Players resolve in a fresh random order each tick; a move into a
 * cell that already holds something on the avatar layer (a wall or an avatar, at the time of the move) fails.
 * Moves are relative to facing: 1 forward, 2 right, 3 backward, 4 left. Removed or frozen avatars do nothing.
 */
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import { Layer } from './layers.js';
import type { Sim } from './sim.js';

export function moveAvatars(sim: Sim): void {
  const { world, spec, order } = sim;
  const { c, grid, rng } = world;
  const tick = world.tick;
  const actions = spec.actions;
  for (let s = 0; s < sim.players; s++) order[s] = s;
  rng.shuffle(order, sim.players);
  for (let k = 0; k < sim.players; k++) {
    const slot = order[k];
    const eid = sim.avatars[slot];
    if (c.Removed.until[eid] > 0 || c.Frozen.until[eid] > tick) continue;
    const a = actions[sim.actions[slot]];
    let dir = c.Orientation.dir[eid];
    if (a.turn !== 0) {
      dir = (dir + a.turn + 4) & 3;
      c.Orientation.dir[eid] = dir;
    }
    if (a.move === 0) continue;
    const heading = (dir + a.move - 1) & 3;
    let x = c.Position.x[eid] + DIR_DX[heading];
    let y = c.Position.y[eid] + DIR_DY[heading];
    if (grid.torus) {
      x = grid.wrapX(x);
      y = grid.wrapY(y);
    } else if (!grid.inBounds(x, y)) continue;
    if (grid.at(x, y, Layer.Upper) !== 0) continue;
    grid.move(eid, x, y);
    c.Position.x[eid] = x;
    c.Position.y[eid] = y;
    sim.moved[slot] = 1;
  }
}
