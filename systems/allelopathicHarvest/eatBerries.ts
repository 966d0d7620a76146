/**
 * Eating (`Edible:onEnter`, `lua/levels/allelopathic_harvest/components.lua:173-207`): a player who entered a cell
 * holding a ripe berry this tick eats it — reward `rewardMostTasty` for its preferred colour, `rewardDefault` for
 * any other (`Taste:getReward`, :493-499) — and the berry is unripe again (systems/allelopathicHarvest/berries.ts).
 * Standing on a berry does not eat it; entering starts a new stay in the cell.
 */
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { eatBerry } from './berries.js';
import { allelopathicOf } from './index.js';

export function eatBerries(sim: Sim): void {
  const st = allelopathicOf(sim);
  if (!st) return;
  const { world } = sim;
  const { c, grid } = world;
  for (let slot = 0; slot < sim.players; slot++) {
    if (sim.moved[slot] === 0) continue;
    st.arrivedAt[slot] = world.tick;
    const eid = sim.avatars[slot];
    const cell = grid.cellIndex(c.Position.x[eid], c.Position.y[eid]);
    const i = st.berryAt[cell];
    if (i < 0 || st.ripe[i] === 0 || grid.atCell(cell, Layer.Lower) !== st.eids[i]) continue;
    eatBerry(sim, st, i, slot);
  }
}
