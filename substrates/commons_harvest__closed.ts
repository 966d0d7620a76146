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
import { HUMAN_READABLE_COLORS, MOVEMENT_ACTIONS, SELF_COLOR } from './shared.js';
import { LEGEND as OPEN_LEGEND, PALETTE } from './commons_harvest__open.js';
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

export const substrate: SubstrateSpec = {
  name: 'commons_harvest__closed',
  description:
    'Seven players harvest apples in two walled rooms with narrow entrances; a zap removes a player for 100 steps, ' +
    'so a room can be defended.',
  map: MAP,
  legend: OPEN_LEGEND,
  actions: [...MOVEMENT_ACTIONS, { name: 'FIRE_ZAP', move: 0, turn: 0, fire: 'zap' }],
  population: {
    players: 7,
    firstSpawn: { slots: [0, 1], group: 'insideSpawnPoints' },
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'unsustainable_harvester', 'sustainable_harvester'],
  },
  episode: { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.15 },
  observation: {
    view: { left: 5, right: 5, forward: 9, backward: 1 },
    spriteSize: 8,
    names: ['RGB', 'READY_TO_SHOOT', 'COLLECTIVE_REWARD'],
    palette: PALETTE,
    selfColor: SELF_COLOR,
    playerColors: HUMAN_READABLE_COLORS,
  },
  skipWaitStateRewards: true,
  eating: { reward: 1 },
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
