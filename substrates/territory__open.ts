/**
 * territory__open — Territory: Open (Melting Pot `configs/substrates/territory__open.py`).
 *
 * Nine players spawn in an open space near one another, at some distance from the resource walls, some parts of
 * the map richer in walls than others. Each claims walls by painting them in its colour; dry paint pays its owner.
 * Painting over another's wall, zapping it (two zaps destroy it for good) or zapping its owner (two zaps remove a
 * player for good, and its walls return to unclaimed) are the ways to take territory. Rules: substrates/territory.ts.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 */
import { TERRITORY_ACTIONS, TERRITORY_EPISODE, TERRITORY_LEGEND, TERRITORY_OBSERVATION, TERRITORY_RULES } from './territory.js';
import type { SubstrateSpec } from './types.js';

/** `ASCII_MAP`, territory__open.py:65-89 (39 × 23). */
export const MAP = [
  'F=====================================T',
  '|,,RRRRR,,RR,,RR,,,,,,RR,,,,,,RR,,,,,,|',
  '|,,,,,RR,,,,,,RR,,,,,,RR,,,,,,,,,,,,,,|',
  '|,,,,,RR,,,,,,RR,,,,,,,,,,,,,,,,,,,,,,|',
  '|,RR,,RR,,,,,,RR,,,,,,,,,,R,,,RR,,,RR,|',
  '|,,,,,RR,,,,,,RR,,,,,,,,,,R,,,RR,,,,,,|',
  '|,,,,,RR,,,,,,,,,,RRRR,,,,R,,,,,,,,,,,|',
  '|,,RR,RR,,,,,,,,,,,,,,,,,,R,,,,,,,,,,,|',
  '|,,,,,RR,,,,,,,RR,,,,,,,,,R,,,,,,,,,,,|',
  '|,,,,,RRRR,,,,,,,,,,,,,,,,,,,,,RR,,,,,|',
  '|,,,,,,,,,,,,,,,,,,,,RR,,,,,,,,,,,,,,,|',
  '|,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,|',
  '|,,RRRR,,,RRRRRR,,,,,,,,,,,RR,,,,R,,,,|',
  '|,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,R,,,,|',
  '|,,,,,,,,,,,,,,,,RR,,,,,,,,,,,,,,,,P,,|',
  '|,,,,RR,,,,,,,,,,,,,,,,RR,,,,,,,P,,,,,|',
  '|,,,,,,,,,RR,,,,,,,,,,,,,,,,,,,,,P,,P,|',
  '|,,,,,,,,,,,,,,,,,,,,,,,,,,,P,,P,,,,,,|',
  '|,,,,,,,,,,,,,,,,,,,,,,,,,,,,,P,,,P,,,|',
  '|,,P,,,,P,,,P,,P,,,P,,,,P,P,,P,,P,,P,,|',
  '|,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,|',
  '|,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,|',
  'L=====================================J',
] as const;

export const substrate: SubstrateSpec = {
  name: 'territory__open',
  description:
    'Nine players claim resource walls in an open field by painting them; dry paint pays its owner. Zapping ' +
    'destroys walls (two hits) and removes players (two hits) for the rest of the episode.',
  map: MAP,
  legend: TERRITORY_LEGEND,
  actions: TERRITORY_ACTIONS,
  population: {
    players: 9,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'noop', 'territory__open__aggressor_0'],
  },
  episode: TERRITORY_EPISODE,
  observation: TERRITORY_OBSERVATION,
  skipWaitStateRewards: true,
  territory: TERRITORY_RULES,
};
