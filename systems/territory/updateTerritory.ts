/**
 * Territory's component phase, before the step's moves (Lab2D calls every component's `update` before the
 * updaters; `BaseSimulation:update`, lua/modules/base_simulation.lua:476-486), in object order:
 * - avatars (`Avatar:update`, lua/modules/avatar_library.lua:334-354): a removal scheduled by a second zap takes
 *   the player off the map for good (Territory's `framesTillRespawn` is 1e6, configs/substrates/territory.py:720);
 * - zappers (`Zapper:update`, avatar_library.lua:713-724): while zapping is disallowed the cooling timer is held at
 *   cooldown + 1, and the disallowing counter runs down;
 * - resource walls (`Resource:update`, lua/levels/territory/components.lua:193-206): a damaged wall shows its damage
 *   and, from `delayTillSelfRepair` ticks after the last zap, regains one health with `selfRepairProbability` a tick;
 * - reward indicators (`RewardIndicator:update`, components.lua:304-313): the paint shows dry once the wall has paid.
 */
import type { Sim } from '../sim.js';
import { territoryOf } from './index.js';
import { REMOVED_FOR_GOOD } from './state.js';

export function updateTerritory(sim: Sim): void {
  // The spec block first: a substrate without Territory pays one field read.
  const spec = sim.spec.territory;
  if (!spec) return;
  const st = territoryOf(sim);
  if (!st) return;
  const { world } = sim;
  const { c, grid, rng } = world;
  const tick = world.tick;
  for (let slot = 0; slot < sim.players; slot++) {
    const eid = sim.avatars[slot];
    if (st.removeAt[slot] === tick) {
      st.removeAt[slot] = 0;
      if (grid.has(eid)) grid.remove(eid);
      c.Removed.until[eid] = REMOVED_FOR_GOOD;
      st.removals++;
    }
  }
  for (let slot = 0; slot < sim.players; slot++) {
    const eid = sim.avatars[slot];
    if (st.zapDisallowed[slot] === 1) c.Cooldown.timer[eid] = spec.zap.cooldown + 1;
    const old = st.noZapCounter[slot];
    st.noZapCounter[slot] = old > 0 ? old - 1 : 0;
    if (old === 1) st.zapDisallowed[slot] = 0;
  }
  const r = spec.resource;
  for (let i = 0; i < st.count; i++) {
    if (st.health[i] < r.initialHealth) {
      st.damagedShown[i] = 1;
      if (st.sinceZapped[i] >= r.delayTillSelfRepair && rng.float() < r.selfRepairProbability) {
        st.health[i]++;
        if (st.health[i] === r.initialHealth) st.damagedShown[i] = 0;
      }
      st.sinceZapped[i]++;
    }
    st.dryShown[i] = st.rewarding[i] === 1 && st.destroyed[i] === 0 && st.owner[i] >= 0 ? st.owner[i] + 1 : 0;
  }
}
