/**
 * Claimed walls pay (`Resource:registerUpdaters` `provideRewards`, lua/levels/territory/components.lua:85-102; the
 * updater's group is `claimedResources`, default priority 100, `probability` = `rewardRate` 0.01, `startFrame` =
 * `rewardDelay` 25, configs/substrates/territory.py:404-413): each tick every claimed wall is drawn with
 * probability `rewardRate`, and one claimed at least `rewardDelay` ticks ago pays its owner `reward` and shows dry
 * paint from then on (Lab2D `Grid::RunUpdaters`, dmlab2d/lib/system/grid_world/grid.cc:163-183: the draw, then the
 * frames-in-state check). A removed owner earns nothing (`skipWaitStateRewards`).
 */
import { giveReward } from '../giveReward.js';
import type { Sim } from '../sim.js';
import { territoryOf } from './index.js';

export function payTerritoryRewards(sim: Sim): void {
  // The spec block first: a substrate without Territory pays one field read.
  const spec = sim.spec.territory;
  if (!spec) return;
  const st = territoryOf(sim);
  if (!st) return;
  const { rng } = sim.world;
  const tick = sim.world.tick;
  const r = spec.resource;
  for (let i = 0; i < st.count; i++) {
    const owner = st.owner[i];
    if (owner < 0 || st.destroyed[i] === 1) continue;
    if (!(rng.float() < r.rewardRate)) continue;
    if (tick - st.changedAt[i] < r.rewardDelay) continue;
    giveReward(sim, owner, r.reward);
    st.rewarding[i] = 1;
  }
}
