/**
 * territory__rooms — Territory: Rooms (Melting Pot `configs/substrates/territory__rooms.py`).
 *
 * Nine players start in nine rooms whose walls are all resource walls: a peaceful partition is there from the start
 * and easy to keep. A player may zap through its walls to invade a neighbour's room, but destroyed walls are lost to
 * everyone for good; once a neighbour has left its room, invading it pays, leaving one's own room undefended. The
 * map wraps around (a torus). Rules: substrates/territory.ts.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 */
import { TERRITORY_ACTIONS, TERRITORY_EPISODE, TERRITORY_LEGEND, TERRITORY_OBSERVATION, TERRITORY_RULES } from './territory.js';
import type { SubstrateSpec } from './types.js';

/** `ASCII_MAP`, territory__rooms.py:40-62 (21 × 21). */
export const MAP = [
  'JRRRRRLJRRRRRLJRRRRRL',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,P,,RR,,P,,RR,,P,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'TRRRRRFTRRRRRFTRRRRRF',
  'JRRRRRLJRRRRRLJRRRRRL',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,P,,RR,,P,,RR,,P,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'TRRRRRFTRRRRRFTRRRRRF',
  'JRRRRRLJRRRRRLJRRRRRL',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,P,,RR,,P,,RR,,P,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'R,,,,,RR,,,,,RR,,,,,R',
  'TRRRRRFTRRRRRFTRRRRRF',
] as const;

export const substrate: SubstrateSpec = {
  name: 'territory__rooms',
  description:
    'Nine players claim the resource walls of their own rooms by painting them; zapping walls opens a way into ' +
    "a neighbour's room but destroys the walls for good, and two zaps remove a player for the rest of the episode.",
  map: MAP,
  legend: TERRITORY_LEGEND,
  actions: TERRITORY_ACTIONS,
  population: {
    players: 9,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'noop', 'territory__rooms__aggressor_0', 'territory__rooms__puppet_considerate_claimer_0'],
  },
  episode: TERRITORY_EPISODE,
  observation: TERRITORY_OBSERVATION,
  skipWaitStateRewards: true,
  territory: TERRITORY_RULES,
  // `config.layout.topology = "TORUS"` (territory__rooms.py:91).
  torus: true,
};
