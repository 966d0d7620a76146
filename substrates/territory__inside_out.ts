/**
 * territory__inside_out — Territory: Inside Out (Melting Pot `configs/substrates/territory__inside_out.py`).
 *
 * Five players start on the outside of a maze of resource walls drawn anew each episode and move inward to claim
 * territory, soon meeting the others doing the same: high scores need tacit agreements on borders, and the
 * negotiation differs every episode because the maze does. Rules: substrates/territory.ts.
 *
 * The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at 5000 steps.
 */
import { TERRITORY_ACTIONS, TERRITORY_EPISODE, TERRITORY_LEGEND, TERRITORY_OBSERVATION, TERRITORY_RULES } from './territory.js';
import type { SubstrateSpec } from './types.js';

/** `ASCII_MAP`, territory__inside_out.py:39-63 (23 × 23). */
export const MAP = [
  'F=====================T',
  '|,,,,,,,,,,P,,,,,,,,,,|',
  '|,P,,,,QQ,,,,,QQ,,,,P,|',
  '|,,RRR,,,,RRR,,,,RRR,,|',
  '|,,R,RAAAAR,RAAAAR,R,,|',
  '|,,RRR,BB,RRR,BB,RRR,,|',
  '|,,,A,,BB,,A,,BB,,A,,,|',
  '|,Q,ABBRRBBABBRRBBA,Q,|',
  '|,Q,ABBRRBBABBRRBBA,Q,|',
  '|,,,A,,BB,,A,,BB,,A,,,|',
  '|,,RRR,BB,RRR,BB,RRR,,|',
  '|P,R,RAAAAR,RAAAAR,R,P|',
  '|,,RRR,BB,RRR,BB,RRR,,|',
  '|,,,A,,BB,,A,,BB,,A,,,|',
  '|,Q,ABBRRBBABBRRBBA,Q,|',
  '|,Q,ABBRRBBABBRRBBA,Q,|',
  '|,,,A,,BB,,A,,BB,,A,,,|',
  '|,,RRR,BB,RRR,BB,RRR,,|',
  '|,,R,RAAAAR,RAAAAR,R,,|',
  '|,,RRR,,,,RRR,,,,RRR,,|',
  '|,P,,,,QQ,,,,,QQ,,,,P,|',
  '|,,,,,,,,,,P,,,,,,,,,,|',
  'L=====================J',
] as const;

export const substrate: SubstrateSpec = {
  name: 'territory__inside_out',
  description:
    'Five players start outside a maze of resource walls, drawn anew each episode, and claim walls inward by ' +
    'painting them; zapping destroys walls and removes players (two hits each) for the rest of the episode.',
  map: MAP,
  // `CHAR_PREFAB_MAP` (territory__inside_out.py:72-85): `Q` a spawn point with odds 1:6, `A` a resource wall with odds
  // 2:1, `B` one with odds 1:3 (`a_or_b_with_odds`), else floor.
  legend: {
    ...TERRITORY_LEGEND,
    Q: ['floor', 'spawn@1/7:spawnPoints'],
    A: ['floor', 'claimable@2/3'],
    B: ['floor', 'claimable@1/4'],
  },
  actions: TERRITORY_ACTIONS,
  population: {
    players: 5,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'noop', 'territory__inside_out__aggressor_0', 'territory__inside_out__somewhat_tolerant_bot_0'],
  },
  episode: TERRITORY_EPISODE,
  observation: TERRITORY_OBSERVATION,
  skipWaitStateRewards: true,
  territory: TERRITORY_RULES,
};
