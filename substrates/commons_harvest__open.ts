/**
 * commons_harvest__open — Commons Harvest, open map.
 *
 * Seven players share an orchard. Eating an apple gives +1. A picked apple regrows with a probability that grows
 * with the number of live apples within distance 2 of it, so a patch stripped bare never comes back: the dilemma
 * is restraint now against apples for everyone later. Players may zap each other with a short beam; a zapped
 * player leaves the map and respawns a few steps later. There are no walls between the patches.
 *
 * The episode ends with probability 0.15 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Source: Melting Pot `configs/substrates/commons_harvest__open.py`.
 */
import { HUMAN_READABLE_COLORS, MOVEMENT_ACTIONS, OUT_OF_BOUNDS_COLOR, SELF_COLOR } from './shared.js';
import type { SubstrateSpec } from './types.js';

/** Regrowth probability by number of live apples within radius 2 (0, 1, 2, ≥3). */
export const REGROWTH_PROBABILITIES = [0.0, 0.0025, 0.005, 0.025] as const;

export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWW',
  'WAAA    A      A    AAAW',
  'WAA    AAA    AAA    AAW',
  'WA    AAAAA  AAAAA    AW',
  'W      AAA    AAA      W',
  'W       A      A       W',
  'W  A                A  W',
  'W AAA  Q        Q  AAA W',
  'WAAAAA            AAAAAW',
  'W AAA              AAA W',
  'W  A                A  W',
  'W                      W',
  'W                      W',
  'W                      W',
  'W  PPPPPPPPPPPPPPPPPP  W',
  'W PPPPPPPPPPPPPPPPPPPP W',
  'WPPPPPPPPPPPPPPPPPPPPPPW',
  'WWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

export const LEGEND = {
  W: ['wall'],
  ' ': ['floor'],
  P: ['floor', 'spawn:spawnPoints'],
  Q: ['floor', 'spawn:insideSpawnPoints'],
  A: ['grass', 'apple'],
} as const;

export const PALETTE = {
  floor: [220, 205, 185],
  grass: [158, 194, 101],
  dessicated: [210, 195, 175],
  wall: [95, 95, 95],
  apple: [214, 88, 88],
  leaf: [53, 132, 49],
  outOfBounds: OUT_OF_BOUNDS_COLOR,
} as const;

export const substrate: SubstrateSpec = {
  name: 'commons_harvest__open',
  description:
    'Seven players harvest apples that regrow only near other live apples; zapping removes a player for 4 steps. ' +
    'Open map: no walls between the apple patches.',
  map: MAP,
  legend: LEGEND,
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
    cooldown: 2,
    length: 3,
    radius: 1,
    framesTillRespawn: 4,
    penaltyForBeingZapped: 0,
    rewardForZapping: 0,
    removeHitPlayer: true,
  },
  regrowth: { radius: 2, probabilities: REGROWTH_PROBABILITIES },
};
