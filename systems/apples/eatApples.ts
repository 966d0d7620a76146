/**
 * Edible: a player who entered a cell holding a live apple this tick gets the eating reward and the apple starts
 * waiting. An apple that regrows under a player is eaten by that player at once (systems/regrowApples.ts).
 */
import { applesOf, setAppleWaiting } from './appleState.js';
import { enteredObject } from '../enteredObject.js';
import { giveReward } from '../giveReward.js';
import type { Sim } from '../sim.js';

export function eatApples(sim: Sim): void {
  const eating = sim.spec.eating;
  if (!eating) return;
  const apples = applesOf(sim);
  if (!apples) return;
  const { world } = sim;
  const { c, events } = world;
  for (let slot = 0; slot < sim.players; slot++) {
    const i = enteredObject(sim, slot, apples.indexOf);
    if (i < 0) continue;
    setAppleWaiting(sim, i);
    giveReward(sim, slot, eating.reward);
    sim.counters.applesEaten++;
    if (events.wants('apple_eaten')) {
      const eid = sim.avatars[slot];
      events.emit('apple_eaten', { tick: world.tick, slot, x: c.Position.x[eid], y: c.Position.y[eid], regrew: false });
    }
  }
}
