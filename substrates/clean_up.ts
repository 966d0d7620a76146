/**
 * clean_up — Clean Up, a public-good provision game.
 *
 * Seven players are rewarded +1 for each apple they eat. Apples grow in an orchard (bottom of the map) at a rate
 * that falls as the river (top of the map) gets dirtier: each waiting apple appears each step with probability
 * 0.05 · (1 − f / 0.4), where f is the fraction of the river's dirt-capable cells that are dirty, and not at all
 * once f ≥ 0.4. The river starts 79/147 ≈ 54 % dirty, so there are no apples until someone cleans; from step 51 on
 * it gains one dirt cell with probability 0.5 every step. A player can fire a short cleaning beam that cleans the
 * first dirty cell in each of its lines, but must walk up to the river, away from the apples, to do it: the benefit
 * of a clean river is shared by all, the cost is borne by the cleaner. Players may also zap each other; a zapped
 * player leaves the map for 50 steps.
 *
 * Observations: the egocentric RGB window, READY_TO_SHOOT (the zapper), NUM_OTHERS_WHO_CLEANED_THIS_STEP (how many
 * other players' beams cleaned something — one step late, as in Melting Pot; systems/cleanUp/fireCleaningBeams.ts) and
 * COLLECTIVE_REWARD. The episode ends with probability 0.2 at every 100th step from step 1000 on, and is cut at
 * 5000 steps.
 * Source: Melting Pot `configs/substrates/clean_up.py`, `lua/levels/clean_up/components.lua`.
 */
import { HUMAN_READABLE_COLORS, MOVEMENT_ACTIONS, OUT_OF_BOUNDS_COLOR } from './shared.js';
import type { SubstrateSpec } from './types.js';

/** AppleGrow: the growth probability at a clean river, and the dirt fractions where it hits 0 and its maximum. */
export const MAX_APPLE_GROWTH_RATE = 0.05;
export const THRESHOLD_DEPLETION = 0.4;
export const THRESHOLD_RESTORATION = 0.0;

/** DirtSpawner: probability per step of one more dirty cell, and the steps at the start with none. */
export const DIRT_SPAWN_PROBABILITY = 0.5;
export const DELAY_START_OF_DIRT_SPAWNING = 50;

/**
 * 21 rows × 30 columns, verbatim. The river (H, F, S, ~) runs along the top and down the middle; the orchard (B, T)
 * is the bottom band; players spawn on the sand (P) in between. The cosmetic shadow and grass-edge characters
 * (s + f ; , ^ = > <) are plain sand or grass here.
 */
export const MAP = [
  'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW',
  'WHFFFHFFHFHFHFHFHFHFHHFHFFFHFW',
  'WHFHFHFFHFHFHFHFHFHFHHFHFFFHFW',
  'WHFFHFFHHFHFHFHFHFHFHHFHFFFHFW',
  'WHFHFHFFHFHFHFHFHFHFHHFHFFFHFW',
  'WHFFFFFFHFHFHFHFHFHFHHFHFFFHFW',
  'W==============+~FHHHHHHf====W',
  'W   P    P      ===+~SSf     W',
  'W     P     P   P  <~Sf  P   W',
  'W             P   P<~S>      W',
  'W   P    P         <~S>   P  W',
  'W               P  <~S>P     W',
  'W     P           P<~S>      W',
  'W           P      <~S> P    W',
  'W  P             P <~S>      W',
  'W^T^T^T^T^T^T^T^T^T;~S,^T^T^TW',
  'WBBBBBBBBBBBBBBBBBBBssBBBBBBBW',
  'WBBBBBBBBBBBBBBBBBBBBBBBBBBBBW',
  'WBBBBBBBBBBBBBBBBBBBBBBBBBBBBW',
  'WBBBBBBBBBBBBBBBBBBBBBBBBBBBBW',
  'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW',
] as const;

/**
 * Melting Pot's CHAR_PREFAB_MAP with the cosmetic prefabs (shadow_n/e/w, grass_edge) dropped: each such character
 * is its base tile. Potential apples start waiting (no apples at step 0); `H` starts clean, `F` starts dirty.
 */
export const LEGEND = {
  W: ['wall'],
  ' ': ['sand'],
  P: ['sand', 'spawn:spawnPoints'],
  B: ['grass', 'potentialApple'],
  T: ['sand', 'potentialApple'], // sand + grass_edge + potential_apple
  H: ['river', 'potentialDirt'],
  F: ['river', 'dirt'],
  S: ['river'],
  '~': ['river'], // river + shadow_w
  s: ['grass'], // grass + shadow_n
  '+': ['sand'], // sand + shadow_e + shadow_n
  f: ['sand'], // sand + shadow_w + shadow_n
  ';': ['sand'], // sand + grass_edge + shadow_e
  ',': ['sand'], // sand + grass_edge + shadow_w
  '^': ['sand'], // sand + grass_edge
  '=': ['sand'], // sand + shadow_n
  '>': ['sand'], // sand + shadow_w
  '<': ['sand'], // sand + shadow_e
} as const;

/** Colours from clean_up.py: sand, grass, wall, apple (body, leaf), the water's dominant shade, dirt (opaque here). */
export const PALETTE = {
  sand: [222, 221, 189],
  floor: [222, 221, 189],
  grass: [164, 189, 75],
  river: [33, 125, 158],
  dirt: [2, 245, 80],
  wall: [95, 95, 95],
  apple: [212, 80, 57],
  leaf: [43, 127, 53],
  outOfBounds: OUT_OF_BOUNDS_COLOR,
} as const;

export const substrate: SubstrateSpec = {
  name: 'clean_up',
  description:
    'Seven players eat apples that grow only while the river is clean enough; cleaning it means leaving the orchard. ' +
    'Zapping removes a player for 50 steps.',
  map: MAP,
  legend: LEGEND,
  actions: [
    ...MOVEMENT_ACTIONS,
    { name: 'FIRE_ZAP', move: 0, turn: 0, fire: 'zap' },
    { name: 'FIRE_CLEAN', move: 0, turn: 0, fire: 'clean' },
  ],
  population: {
    players: 7,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'cleaner', 'free_rider'],
  },
  episode: { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.2 },
  observation: {
    view: { left: 5, right: 5, forward: 9, backward: 1 },
    spriteSize: 8,
    names: ['RGB', 'READY_TO_SHOOT', 'NUM_OTHERS_WHO_CLEANED_THIS_STEP', 'COLLECTIVE_REWARD'],
    palette: PALETTE,
    // clean_up pops human_readable[0] as the Self colour; player i is drawn in human_readable[i + 1].
    selfColor: HUMAN_READABLE_COLORS[0],
    playerColors: HUMAN_READABLE_COLORS.slice(1),
  },
  skipWaitStateRewards: true,
  eating: { reward: 1 },
  zapper: {
    cooldown: 10,
    length: 3,
    radius: 1,
    framesTillRespawn: 50,
    penaltyForBeingZapped: 0,
    rewardForZapping: 0,
    removeHitPlayer: true,
  },
  cleaner: { cooldown: 2, length: 3, radius: 1 },
  dirt: { spawnProbability: DIRT_SPAWN_PROBABILITY, delayStart: DELAY_START_OF_DIRT_SPAWNING },
  appleGrowth: {
    maxRate: MAX_APPLE_GROWTH_RATE,
    thresholdDepletion: THRESHOLD_DEPLETION,
    thresholdRestoration: THRESHOLD_RESTORATION,
  },
};
