/**
 * coins — a two-player mixed-motive game (Melting Pot `configs/substrates/coins.py`, `lua/levels/coins/`).
 *
 * Two players share a walled room whose every cell but the two spawn points may hold a coin. Each episode the
 * players get two distinct colours out of five (red, blue, yellow, green, purple); each avatar is drawn in its
 * colour. Coins start absent; each tick every absent coin appears with probability 0.0005, in either player's
 * colour with equal chance. Stepping onto a coin collects it: a coin of one's own colour pays +1; a coin of the
 * partner's colour also pays the collector +1 but costs the partner −2. Taking only one's own coins is the
 * cooperative policy; taking every coin is individually better but, if both do it, both are worse off than if
 * neither did (each expects +1 − 2 per pair of coins instead of +1).
 *
 * Observations: the egocentric RGB window (9 ahead, 1 behind, 5 to each side: 11 × 11 cells, 88 × 88 px),
 * MISMATCHED_COIN_COLLECTED_BY_PARTNER (1 on a step in which the partner took one of this player's coins; a signal
 * for Melting Pot's reciprocating bots, not among the observations a focal agent gets in a scenario) and
 * COLLECTIVE_REWARD.
 * Actions: the seven movement actions (no beam).
 *
 * The episode ends with probability 0.05 at every 100th step from step 300 on, and is cut at 5000 steps.
 *
 * Melting Pot draws the room's inner size anew for every build, uniformly from 10–15 × 10–15 cells, with its
 * own unseeded generator, inside a 17 × 17 frame (WORLD.RGB is 136 × 136). Crucible plays the largest room,
 * 15 × 15, which fills that frame; its map below is `get_ascii_map` at that size (configs/substrates/coins.py:45-83).
 */
import { MOVEMENT_ACTIONS, OUT_OF_BOUNDS_COLOR } from './shared.js';
import type { Rgb, SubstrateSpec } from './types.js';

/** `COIN_PALETTES` (configs/substrates/coins.py:36-42), in its order: the colours a player may be given. */
export const COIN_COLOURS: readonly { readonly name: string; readonly color: Rgb }[] = [
  { name: 'red', color: [238, 102, 119] },
  { name: 'blue', color: [68, 119, 170] },
  { name: 'yellow', color: [204, 187, 68] },
  { name: 'green', color: [34, 136, 51] },
  { name: 'purple', color: [170, 51, 119] },
];

/** 17 × 17: walls `W`, coin cells `C`, the two spawn points `_` (one in from the top-right and bottom-left corners). */
export const MAP = [
  'WWWWWWWWWWWWWWWWW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCC_CW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WC_CCCCCCCCCCCCCW',
  'WCCCCCCCCCCCCCCCW',
  'WWWWWWWWWWWWWWWWW',
] as const;

export const substrate: SubstrateSpec = {
  name: 'coins',
  description:
    'Two players in their own colours collect coins: one of your own colour pays you +1; one of your partner\'s ' +
    'colour pays you +1 and costs your partner −2.',
  map: MAP,
  // No floor: Melting Pot's coins level lays none, so empty cells are black (configs/substrates/coins.py:87-91).
  legend: { W: ['wall'], C: ['coin'], _: ['spawn:spawnPoints'] },
  actions: MOVEMENT_ACTIONS,
  population: {
    players: 2,
    spawnGroup: 'spawnPoints',
    randomizeInitialOrientation: true,
    bots: ['random', 'coins_cooperator', 'coins_defector', 'coins_reciprocator'],
  },
  episode: { maxSteps: 5000, minimumSteps: 300, interval: 100, probability: 0.05 },
  observation: {
    view: { left: 5, right: 5, forward: 9, backward: 1 },
    spriteSize: 8,
    // COLLECTIVE_REWARD: Melting Pot's CollectiveRewardWrapper adds it to every substrate.
    names: ['RGB', 'MISMATCHED_COIN_COLLECTED_BY_PARTNER', 'COLLECTIVE_REWARD'],
    palette: {
      outOfBounds: OUT_OF_BOUNDS_COLOR,
      wall: [95, 95, 95],
      ...Object.fromEntries(COIN_COLOURS.map((c) => [`coin_${c.name}`, c.color])),
    },
    // Unused: every player sees itself, and is seen, in its coin colour (no "Self" palette in coins).
    selfColor: COIN_COLOURS[0].color,
    playerColors: COIN_COLOURS.map((c) => c.color),
  },
  skipWaitStateRewards: true,
  coins: {
    colours: COIN_COLOURS,
    regrowProbability: 0.0005,
    rewards: { selfForMatch: 1, selfForMismatch: 1, otherForMatch: 0, otherForMismatch: -2 },
  },
};
