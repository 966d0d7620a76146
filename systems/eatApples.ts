/**
 * Edible: a player who entered a cell holding a live apple this tick gets the eating reward and the apple starts
 * waiting. Only entering counts: an apple that regrows under a standing player waits for the next visitor.
 */
import { setAppleWaiting } from './appleState.js';
import { giveReward } from './giveReward.js';
import { Layer } from './layers.js';
import type { Sim } from './sim.js';

export function eatApples(sim: Sim): void {
  const eating = sim.spec.eating;
  if (!eating) return;
  const { world, apples } = sim;
  const { c, grid, events } = world;
  for (let slot = 0; slot < sim.players; slot++) {
    if (sim.moved[slot] === 0) continue;
    const eid = sim.avatars[slot];
    const x = c.Position.x[eid], y = c.Position.y[eid];
    const apple = grid.at(x, y, Layer.Lower);
    if (apple === 0) continue;
    const i = apples.indexOf[apple];
    if (i < 0) continue;
    setAppleWaiting(sim, i);
    giveReward(sim, slot, eating.reward);
    sim.counters.applesEaten++;
    if (events.wants('apple_eaten')) events.emit('apple_eaten', { tick: world.tick, slot, x, y, regrew: false });
  }
}
