/**
 * The one-shot matrix games' ending (Melting Pot `GameInteractionZapper` with `endEpisodeOnFirstInteraction`,
 * `lua/levels/the_matrix/components.lua:466-491`): the tick after the first interaction's effects land
 * (systems/applyInteractionEffects.ts sets `endEpisodeAt`), the episode terminates at the end of that tick.
 */
import type { Sim } from './sim.js';

export function endEpisodeAfterInteraction(sim: Sim): void {
  const st = sim.matrix;
  if (!st || st.endEpisodeAt === 0) return;
  if (sim.world.tick >= st.endEpisodeAt) sim.terminated = true;
}
