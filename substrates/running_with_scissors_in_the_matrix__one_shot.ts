/**
 * running_with_scissors_in_the_matrix__one_shot — rock, paper, scissors, one interaction per episode.
 *
 * The rules of running_with_scissors_in_the_matrix__repeated (two players, 5 × 5 view, inventories from [1, 1, 1],
 * payoffs r·M·c and r·Mᵀ·c with M = [[0, −10, 10], [10, 0, −10], [−10, 10, 0]], freeze 16 steps), on an open map of
 * rows of resources, but the episode ends on the step after the first interaction's payoffs land
 * (`endEpisodeOnFirstInteraction`), and at the latest after 1000 steps. Resources never regrow (rate 0), a removed
 * player would stay out for 100 steps, and resources do not come back when both players are off the map.
 *
 * Source: Melting Pot `configs/substrates/running_with_scissors_in_the_matrix__one_shot.py`.
 */
import { LEGEND, substrate as repeated } from './running_with_scissors_in_the_matrix__repeated.js';
import { REPEATED_INTERACTION } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** 15 rows × 23 columns. `n` spawn point, `r` rock, `p` paper, `s` scissors, `a` any of the three (drawn each episode). */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWW',
  'Wn r  r  a   a  p  p nW',
  'W                     W',
  'Wn r  r  a   a  p  p nW',
  'W                     W',
  'Wn r  r  a   a  p  p nW',
  'W                     W',
  'W     n    n    n     W',
  'W                     W',
  'Wn s  s  a   a  a  a nW',
  'W                     W',
  'Wn s  s  a   a  a  a nW',
  'W                     W',
  'Wn s  s  a   a  a  a nW',
  'WWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** The repeated variant's rules with the one-shot map, ending and timings: data only. */
export const substrate: SubstrateSpec = {
  ...repeated,
  name: 'running_with_scissors_in_the_matrix__one_shot',
  description:
    'Two players collect rock, paper and scissors resources; the first interaction-beam tag pays rock-paper-scissors ' +
    'on their inventory mixes and ends the episode.',
  map: MAP,
  legend: LEGEND,
  // No StochasticIntervalEpisodeEnding: only the first interaction or the 1000-step cap ends it.
  episode: { maxSteps: 1000, minimumSteps: 0, interval: 1, probability: 0 },
  matrix: {
    ...(repeated.matrix as MatrixSpec),
    regeneration: { delay: 1000, rate: 0 },
    interaction: { ...REPEATED_INTERACTION, framesTillRespawn: 100, endEpisodeOnFirstInteraction: true },
    spawnResourcesWhenAllPlayersRemoved: false,
  },
};
