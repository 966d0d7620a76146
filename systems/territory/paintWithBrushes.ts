/**
 * The paintbrush (`Paintbrush`, lua/levels/territory/components.lua:362-412, updater priority 130): every tick each
 * player on the map, frozen or not, touches the cell in front of it with its brush (a beam of length 1, radius 0).
 * A resource wall there is painted in its colour (`Resource:onHit` with a `directionHit`, components.lua:139-141);
 * the brush shows in that cell unless a wall of the map (or the map's edge) is there.
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import type { Sim } from '../sim.js';
import { claimResource } from './claimResource.js';
import { territoryOf } from './index.js';
import { beginOverlay, colourOf, markOverlay, onMap } from './state.js';

export function paintWithBrushes(sim: Sim): void {
  if (!sim.spec.territory) return;
  const st = territoryOf(sim);
  if (!st) return;
  beginOverlay(sim, st);
  const { c, grid } = sim.world;
  for (let slot = 0; slot < sim.players; slot++) {
    if (!onMap(sim, slot)) continue;
    const eid = sim.avatars[slot];
    const dir = c.Orientation.dir[eid];
    let x = c.Position.x[eid] + DIR_DX[dir], y = c.Position.y[eid] + DIR_DY[dir];
    if (grid.torus) {
      x = grid.wrapX(x);
      y = grid.wrapY(y);
    } else if (!grid.inBounds(x, y)) continue;
    const cell = grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) continue;
    const i = st.indexOfCell[cell];
    if (i >= 0) claimResource(sim, st, i, slot);
    markOverlay(st, cell, 1 + 4 * colourOf(sim, slot) + dir, 0);
  }
}
