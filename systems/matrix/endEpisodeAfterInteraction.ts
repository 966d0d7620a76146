/**
 * The one-shot matrix games' ending (Melting Pot `GameInteractionZapper` with `endEpisodeOnFirstInteraction`,
 * `lua/levels/the_matrix/components.lua:466-491`): the tick after the first interaction's effects land
 * (systems/matrix/applyInteractionEffects.ts sets `endEpisodeAt`), the episode terminates at the end of that tick.
 */
import { matrixOf } from './matrixState.js';
import type { Sim } from '../sim.js';

export function endEpisodeAfterInteraction(sim: Sim): void {
  if (!sim.spec.matrix) return;
  const st = matrixOf(sim);
  if (!st || st.endEpisodeAt === 0) return;
  if (sim.world.tick >= st.endEpisodeAt) sim.terminated = true;
}
