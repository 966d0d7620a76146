import type { Sim } from './sim.js';

/** Background slots: ask each bot for this tick's action. Focal slots keep what the caller wrote. */
export function chooseBotActions(sim: Sim): void {
  const n = sim.spec.actions.length;
  for (let s = 0; s < sim.players; s++) {
    const bot = sim.bots[s];
    if (bot === null) continue;
    const a = bot.act(sim, s);
    sim.actions[s] = a >= 0 && a < n ? a : 0;
  }
}
