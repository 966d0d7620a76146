/**
 * allelopathic_harvest__open — Allelopathic Harvest, open map.
 *
 * Sixteen players in two populations share a field of 348 berry patches in three colours (red, green, blue). Eight
 * players like red and eight like green: eating a ripe berry of the preferred colour gives +2, any other colour +1.
 * A patch is replanted in a colour with that colour's planting beam (FIRE_ONE red, FIRE_TWO green, FIRE_THREE blue),
 * which turns the first unripe berry it reaches; the planter takes on that colour. A berry ripens, after at least 10
 * steps unripe, with a probability proportional to the number of berries of its colour, so the field yields most
 * when it is all one colour: the populations must agree on a colour (start-up problem), each prefers its own
 * (conflicting preferences), and everyone would rather eat than plant (free-rider problem). Eating may give a
 * planter back its grey newborn colour, the more likely the more mixed the field (a visible free rider).
 * Zapping is a graduated sanction: the first hit marks and freezes a player for 25 steps, a second hit while
 * marked costs it 10 and removes it for 25 steps. The map wraps around at its edges (a torus).
 *
 * The episode lasts exactly 2000 steps.
 * Source: Melting Pot `configs/substrates/allelopathic_harvest__open.py` and its base `allelopathic_harvest.py`
 * (Köster et al. 2020, "Model-free conventions in multi-agent reinforcement learning with heterogeneous preferences").
 */
import { MOVEMENT_ACTIONS, OUT_OF_BOUNDS_COLOR } from './shared.js';
import type { Rgb, SubstrateSpec } from './types.js';

/** Berry (and planting beam) colours red, green, blue (`COLORS`, allelopathic_harvest.py:97-101). */
export const BERRY_COLORS: readonly Rgb[] = [
  [200, 10, 10],
  [10, 200, 10],
  [10, 10, 200],
];

/** The newborn avatar colour, before it plants or after eating gave it away (allelopathic_harvest.py:909). */
export const NEWBORN_COLOR: Rgb = [125, 125, 125];

/** `OPEN_ASCII_MAP` (allelopathic_harvest__open.py:40-71): 30 rows × 29 columns, 116 berries of each colour. */
export const MAP = [
  '333PPPP12PPP322P32PPP1P13P3P3',
  '1PPPP2PP122PPP3P232121P2PP2P1',
  'P1P3P11PPP13PPP31PPPP23PPPPPP',
  'PPPPP2P2P1P2P3P33P23PP2P2PPPP',
  'P1PPPPPPP2PPP12311PP3321PPPPP',
  '133P2PP2PPP3PPP1PPP2213P112P1',
  '3PPPPPPPPPPPPP31PPPPPP1P3112P',
  'PP2P21P21P33PPPPPPP3PP2PPPP1P',
  'PPPPP1P1P32P3PPP22PP1P2PPPP2P',
  'PPP3PP3122211PPP2113P3PPP1332',
  'PP12132PP1PP1P321PP1PPPPPP1P3',
  'PPP222P12PPPP1PPPP1PPP321P11P',
  'PPP2PPPP3P2P1PPP1P23322PP1P13',
  '23PPP2PPPP2P3PPPP3PP3PPP3PPP2',
  '2PPPP3P3P3PP3PP3P1P3PP11P21P1',
  '21PPP2PP331PP3PPP2PPPPP2PP3PP',
  'P32P2PP2P1PPPPPPP12P2PPP1PPPP',
  'P3PP3P2P21P3PP2PP11PP1323P312',
  '2P1PPPPP1PPP1P2PPP3P32P2P331P',
  'PPPPP1312P3P2PPPP3P32PPPP2P11',
  'P3PPPP221PPP2PPPPPPPP1PPP311P',
  '32P3PPPPPPPPPP31PPPP3PPP13PPP',
  'PPP3PPPPP3PPPPPP232P13PPPPP1P',
  'P1PP1PPP2PP3PPPPP33321PP2P3PP',
  'P13PPPP1P333PPPP2PP213PP2P3PP',
  '1PPPPP3PP2P1PP21P3PPPP231P2PP',
  '1331P2P12P2PPPP2PPP3P23P21PPP',
  'P3P131P3PPP13P1PPP222PPPP11PP',
  '2P3PPPPPPPP2P323PPP2PPP1PPP2P',
  '21PPPPPPP12P23P1PPPPPP13P3P11',
] as const;

/** `CHAR_PREFAB_MAP` (allelopathic_harvest.py:87-93). */
export const LEGEND = {
  P: ['floor', 'spawn:spawnPoints'],
  W: ['wall'],
  '1': ['soil', 'berry:1'],
  '2': ['soil', 'berry:2'],
  '3': ['soil', 'berry:3'],
} as const;

export const PALETTE = {
  floor: [55, 55, 55],
  soil: [50, 50, 50],
  wall: [40, 40, 40],
  red: BERRY_COLORS[0],
  green: BERRY_COLORS[1],
  blue: BERRY_COLORS[2],
  newborn: NEWBORN_COLOR,
  zapBeam: [253, 253, 253],
  outOfBounds: OUT_OF_BOUNDS_COLOR,
} as const;

export const substrate: SubstrateSpec = {
  name: 'allelopathic_harvest__open',
  description:
    'Sixteen players, half preferring red berries and half green, replant a shared field in one of three colours; ' +
    'a colour ripens faster the more of the field it covers. Zapping marks and freezes, a second zap removes.',
  map: MAP,
  legend: LEGEND,
  // ACTION_SET (allelopathic_harvest.py:595-621).
  actions: [
    ...MOVEMENT_ACTIONS,
    { name: 'FIRE_ZAP', move: 0, turn: 0, fire: 'zap' },
    { name: 'FIRE_ONE', move: 0, turn: 0, fire: 'color:1' },
    { name: 'FIRE_TWO', move: 0, turn: 0, fire: 'color:2' },
    { name: 'FIRE_THREE', move: 0, turn: 0, fire: 'color:3' },
  ],
  population: {
    players: 16,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'noop', 'allelopathic_harvest__open__bot_that_supports_red_0', 'allelopathic_harvest__open__bot_that_supports_green_0'],
  },
  // `episode_timesteps = 2000` (allelopathic_harvest.py:954): no stochastic ending.
  episode: { maxSteps: 2000, minimumSteps: 2000, interval: 1, probability: 0 },
  observation: {
    view: { left: 5, right: 5, forward: 9, backward: 1 },
    spriteSize: 8,
    names: ['RGB', 'READY_TO_SHOOT', 'COLLECTIVE_REWARD'],
    palette: PALETTE,
    // Every avatar, the observer's own included, shows its colour state (newborn grey or a berry colour), not a
    // per-player colour: systems/spriteArt.ts ALLELOPATHIC_HARVEST.
    selfColor: NEWBORN_COLOR,
    playerColors: [NEWBORN_COLOR],
  },
  skipWaitStateRewards: true,
  // Zapper (allelopathic_harvest.py:497-508): removal is left to the graduated sanctions.
  zapper: {
    cooldown: 4,
    length: 3,
    radius: 1,
    framesTillRespawn: 25,
    penaltyForBeingZapped: 0,
    rewardForZapping: 0,
    removeHitPlayer: false,
  },
  torus: true,
  allelopathicHarvest: {
    colors: BERRY_COLORS,
    // default_player_roles (allelopathic_harvest__open.py:81-82); ROLE_TO_MOST_TASTY_BERRY_IDX (allelopathic_harvest.py:103-107).
    populations: [
      { role: 'player_who_likes_red', mostTasty: 1 },
      { role: 'player_who_likes_green', mostTasty: 2 },
    ],
    // Taste (allelopathic_harvest.py:513-519; rewardDefault's default, components.lua:439).
    rewardMostTasty: 2,
    rewardDefault: 1,
    // Regrowth (allelopathic_harvest.py:399-406; cubicRate's default, components.lua:220).
    regrowth: { minimumTimeToRipen: 10, baseRate: 5e-6, cubicRate: 0.000009, linearGrowth: true },
    // ColorZapper (allelopathic_harvest.py:520-536).
    plantingBeam: { cooldown: 2, length: 3, radius: 0 },
    stochasticallyCryptic: true,
    crypticConsumptionThreshold: 1,
    // GraduatedSanctionsMarking (allelopathic_harvest.py:821-839).
    sanctions: {
      recoveryTime: 50,
      levels: [
        { levelIncrement: 1, sourceReward: 0, targetReward: 0, freeze: 25, remove: false },
        { levelIncrement: -1, sourceReward: 0, targetReward: -10, freeze: 0, remove: true },
      ],
    },
  },
};
