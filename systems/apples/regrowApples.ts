/**
 * DensityRegrow: a waiting apple regrows each tick with probability p[k], k = live apples within the regrowth
 * radius (Euclidean, self excluded), counts beyond the table using its last entry. Counts are kept incrementally
 * by systems/apples/appleState.ts, never rescanned.
 *
 * Timing follows Melting Pot's state machine: an apple eaten at step t enters a plain wait state, is given its
 * count state `appleWait_k` during step t+1 (from the counts as they stood at the start of t+1), and first gets a
 * chance to sprout at step t+2. So the k used at step n is the count at the start of step n−1 (`AppleIndex.waitK`,
 * refreshed below from the snapshot `snapshotAppleCounts` takes). An apple may regrow under a player: that player is then
 * rewarded at once and the apple goes back to waiting, as Lab2D fires the apple's onEnter after a state change.
 */
import { applesOf, setAppleLive, setAppleWaiting } from './appleState.js';
import { giveReward } from '../giveReward.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';

export function regrowApples(sim: Sim): void {
  const regrowth = sim.spec.regrowth;
  if (!regrowth) return;
  const a = applesOf(sim);
  if (!a) return;
  const p = regrowth.probabilities;
  const last = p.length - 1;
  const { rng, grid, c } = sim.world;
  const tick = sim.world.tick;
  // Walk backwards: setAppleLive swap-removes from the waiting set, moving an already-visited entry into slot k.
  for (let k = a.waitingCount - 1; k >= 0; k--) {
    const i = a.waiting[k];
    if (tick - a.eatenAt[i] < 2) continue;
    const n = a.waitK[i];
    const prob = p[n < last ? n : last];
    if (prob > 0 && rng.float() < prob) {
      setAppleLive(sim, i);
      const eid = a.eids[i];
      // −1 when no avatar stands there (entity 0, "nothing", has no slot either).
      const slot = c.Avatar.slot[grid.at(c.Position.x[eid], c.Position.y[eid], Layer.Upper)];
      if (slot >= 0 && sim.spec.eating) {
        setAppleWaiting(sim, i);
        giveReward(sim, slot, sim.spec.eating.reward);
        sim.counters.applesEaten++;
        // Eaten the moment it regrew: the same event as stepping onto a live apple.
        if (sim.world.events.wants('apple_eaten')) {
          sim.world.events.emit('apple_eaten', { tick, slot, x: c.Position.x[eid], y: c.Position.y[eid], regrew: true });
        }
      }
    }
  }
  a.waitK.set(a.startCounts);
}
