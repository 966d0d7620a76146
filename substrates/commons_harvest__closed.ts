/**
 * commons_harvest__closed — Commons Harvest, closed rooms.
 *
 * The same orchard as the open variant, but the apple patches sit in two walled rooms reached through narrow
 * gaps, so a player can guard a room's entrance and exclude others. Eating an apple gives +1; regrowth depends on
 * live apples within distance 2. The zap beam is longer (4) and a zapped player stays out for 100 steps.
 *
 * The episode ends with probability 0.15 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/commons_harvest__closed.py`.
 */
import { substrate as open } from './commons_harvest__open.js';
import type { SubstrateSpec } from './types.js';

/** Regrowth probability by number of live apples within radius 2 (0, 1, 2, ≥3). */
export const REGROWTH_PROBABILITIES = [0.0, 0.001, 0.005, 0.025] as const;

export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWW',
  'WAAA    A  WW  A    AAAW',
  'WAA    AAA WW AAA    AAW',
  'WA    AAAAAWWAAAAA    AW',
  'W      AAA WW AAA      W',
  'W       A  WW  A       W',
  'W  A       WW       A  W',
  'W AAA  Q   WW   Q  AAA W',
  'WAAAAA     WW     AAAAAW',
  'W AAA  WWWWWWWWWW  AAA W',
  'W  A       WW       A  W',
  'WWWWWWWWWW WW WWWWWWWWWW',
  'W          WW          W',
  'W  WWWWWWWWWWWWWWWWWW  W',
  'W  PPPPPPPPPPPPPPPPPP  W',
  'W PPPPPPPPPPPPPPPPPPPP W',
  'WPPPPPPPPPPPPPPPPPPPPPPW',
  'WWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/** Everything not listed here is as in the open variant (players, spawning, actions, episode, observations). */
export const substrate: SubstrateSpec = {
  ...open,
  name: 'commons_harvest__closed',
  description:
    'Seven players harvest apples in two walled rooms with narrow entrances; a zap removes a player for 100 steps, ' +
    'so a room can be defended.',
  map: MAP,
  zapper: {
    cooldown: 1,
    length: 4,
    radius: 1,
    framesTillRespawn: 100,
    penaltyForBeingZapped: 0,
    rewardForZapping: 0,
    removeHitPlayer: true,
  },
  regrowth: { radius: 2, probabilities: REGROWTH_PROBABILITIES },
};
