/**
 * Ripening (`Regrowth:update`, `lua/levels/allelopathic_harvest/components.lua:240-250`), in Melting Pot's component
 * update phase, before the moves. Each unripe berry counts its countdown down; once it has run out the berry ripens
 * with probability baseRate · n (n = berries of its colour, ripe or not: `getProbability`, :266-286), so the more of
 * a colour there are, the faster each of them ripens — the allelopathic mechanism. A berry that ripens under a
 * player is eaten by that player at once (the state change fires Lab2D's `onEnter` for the piece already there,
 * `dmlab2d/lib/system/grid_world/grid.cc:403-405, 586-609`), unless that player already ate it during this stay.
 *
 * First this tick's disclosure probability, 1 − the largest colour's share of all berries (`ColorZapper:update`,
 * :652-663), used by every meal of the tick.
 */
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { eatBerry, eatenThisStay, ripen } from './berries.js';
import { allelopathicOf } from './index.js';
import { monocultureFraction, ripeningProbability } from './state.js';

/** Ripening probability by colour this tick (scratch; colours are few). */
const rate = new Float64Array(16);

export function ripenBerries(sim: Sim): void {
  const st = allelopathicOf(sim);
  if (!st) return;
  const { world } = sim;
  const { c, grid, rng } = world;
  st.disclosure = 1 - monocultureFraction(st);
  // Ripening leaves each colour's total unchanged, so one rate per colour serves the whole pass.
  for (let k = 1; k <= st.colors; k++) rate[k] = ripeningProbability(st, k);
  for (let i = 0; i < st.count; i++) {
    if (st.ripe[i] === 1) continue;
    if (--st.countdown[i] > 0) continue;
    if (!(rng.float() < rate[st.color[i]])) continue;
    ripen(sim, st, i);
    const eid = st.eids[i];
    const occupant = grid.atCell(grid.cellOfEntity(eid), Layer.Upper);
    if (occupant === 0) continue;
    const slot = c.Avatar.slot[occupant];
    if (slot < 0 || sim.avatars[slot] !== occupant || eatenThisStay(sim, st, i, slot)) continue;
    eatBerry(sim, st, i, slot);
  }
}
