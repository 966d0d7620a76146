/**
 * AppleGrow (Clean Up): every waiting apple appears with probability p = maxRate · interp, where
 * interp = min((f − thresholdDepletion) / (thresholdRestoration − thresholdDepletion), 1) and f is the river's dirt
 * fraction (dirty / dirt-capable cells, kept incrementally in systems/cleanUp/dirtState.ts). With Clean Up's 0.05, 0.4 and 0.0
 * that is p = 0.05 · (1 − f / 0.4) below f = 0.4 and exactly 0 from there on; the growth does not depend on
 * neighbouring apples (this is not DensityRegrow, which stays off: Clean Up has no `regrowth` block).
 *
 * Timing: Melting Pot runs AppleGrow in its component phase and the state change lands before the step's moves, so
 * this stage runs after the bots choose and before moveAvatars: an apple can appear at step t and be eaten at step
 * t by a player moving onto it. The dirt fraction is the one standing at the start of the step (this step's new dirt
 * and cleaning land later). An apple that appears under a standing player is eaten by that player at once, as in
 * systems/apples/regrowApples.ts (Lab2D fires the apple's onEnter after a state change).
 */
import { applesOf, setAppleLive, setAppleWaiting } from '../apples/appleState.js';
import { cleanUpOf, dirtFraction } from './dirtState.js';
import { giveReward } from '../giveReward.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';

/** This tick's growth probability for one waiting apple (0 without an `appleGrowth` block). */
export function appleGrowthProbability(sim: Sim): number {
  const g = sim.spec.appleGrowth;
  const st = cleanUpOf(sim);
  if (!g || st === null || st.dirt.count === 0) return 0;
  const interp = (dirtFraction(sim) - g.thresholdDepletion) / (g.thresholdRestoration - g.thresholdDepletion);
  const p = g.maxRate * (interp < 1 ? interp : 1);
  return p > 0 ? p : 0;
}

export function growCleanUpApples(sim: Sim): void {
  if (!sim.spec.appleGrowth) return;
  const p = appleGrowthProbability(sim);
  const a = applesOf(sim);
  if (p === 0 || a === null) return;
  const { rng, grid, c } = sim.world;
  const eating = sim.spec.eating;
  // Walk backwards: setAppleLive swap-removes from the waiting set, moving an already-visited entry into slot k.
  for (let k = a.waitingCount - 1; k >= 0; k--) {
    if (rng.float() >= p) continue;
    const i = a.waiting[k];
    setAppleLive(sim, i);
    const eid = a.eids[i];
    const avatar = grid.at(c.Position.x[eid], c.Position.y[eid], Layer.Upper);
    if (eating && avatar !== 0 && c.Avatar.slot[avatar] >= 0) {
      setAppleWaiting(sim, i);
      giveReward(sim, c.Avatar.slot[avatar], eating.reward);
      sim.counters.applesEaten++;
      // Eaten the moment it grew: the same event as stepping onto a live apple.
      if (sim.world.events.wants('apple_eaten')) {
        sim.world.events.emit('apple_eaten', { tick: sim.world.tick, slot: c.Avatar.slot[avatar], x: c.Position.x[eid], y: c.Position.y[eid], regrew: true });
      }
    }
  }
}
