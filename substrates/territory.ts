/**
 * Data shared by the Territory substrates (Melting Pot's `territory` level, `configs/substrates/territory.py`, and
 * the variant files `territory__rooms.py`, `territory__open.py`, `territory__inside_out.py`): the action table, the
 * rules' tunables, the episode ending, the observation and the legend characters the maps share. Values only; each
 * variant file states its own map and population.
 *
 * The rules (systems/territory/): each player has its own colour and claims resource walls by painting them, with
 * the paintbrush it holds in front of it (every tick) or by flinging paint two cells ahead (FIRE_CLAIM; the paint
 * goes through resource walls). 25 ticks after a wall was painted its paint can dry: from then on, each tick with
 * probability 0.01 it pays its owner 1 and shows dry paint. The zap (FIRE_ZAP) damages walls — two hits destroy one
 * for good, and a damaged wall repairs itself after a while — and sanctions players: a first hit freezes the player
 * for 25 ticks and marks it, a second before the mark wears off (50 ticks) removes it for the rest of the episode,
 * and its walls go back to unclaimed.
 */
import { HUMAN_READABLE_COLORS, MOVEMENT_ACTIONS, OUT_OF_BOUNDS_COLOR } from './shared.js';
import type { ActionSpec, EpisodeSpec, ObservationSpec, Prefab, TerritorySpec } from './types.js';

/** NOOP, FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT, TURN_LEFT, TURN_RIGHT, FIRE_ZAP, FIRE_CLAIM (`ACTION_SET`, territory.py:592-602). */
export const TERRITORY_ACTIONS: readonly ActionSpec[] = [
  ...MOVEMENT_ACTIONS,
  { name: 'FIRE_ZAP', move: 0, turn: 0, fire: 'zap' },
  { name: 'FIRE_CLAIM', move: 0, turn: 0, fire: 'claim' },
];

/** The rules' tunables (territory.py: `Resource` :404-413, `Zapper` :714-726, `ResourceClaimer` :731-738, sanctions :802-818). */
export const TERRITORY_RULES: TerritorySpec = {
  resource: {
    initialHealth: 2,
    reward: 1,
    rewardRate: 0.01,
    rewardDelay: 25,
    delayTillSelfRepair: 15,
    selfRepairProbability: 0.1,
    // `releaseClaimOfDeadAgent`'s `startFrame` (lua/levels/territory/components.lua:111-116).
    releaseDelay: 5,
  },
  claim: { cooldown: 0, length: 2, radius: 0 },
  zap: { cooldown: 4, length: 2, radius: 1 },
  // `freeze` 25 and `recoveryTime` 50; the removal lands one frame after the hit (avatar_library.lua:1061-1065).
  sanctions: { freezeTicks: 25, recoveryTicks: 50, removalDelay: 1 },
};

/** `StochasticIntervalEpisodeEnding` (territory.py:625-631) and `maxEpisodeLengthFrames` 5000 (:880). */
export const TERRITORY_EPISODE: EpisodeSpec = { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.2 };

/** Player colours: `colors.human_readable` by player index (territory.py:349-353), nine at most in these maps. */
export const TERRITORY_PLAYER_COLORS = HUMAN_READABLE_COLORS.slice(0, 9);

/**
 * Main colours, for readers and tools (the frames use the full art, systems/spriteArt.ts `TERRITORY`): the floor
 * (territory.py:72-75), the map's walls (:105), an unclaimed resource wall (:443-444).
 */
export const TERRITORY_PALETTE = {
  floor: [27, 22, 20],
  wall: [61, 57, 55],
  claimable: [61, 61, 61],
  outOfBounds: OUT_OF_BOUNDS_COLOR,
} as const;

/**
 * Observations: RGB and READY_TO_SHOOT (territory.py:846-849) and COLLECTIVE_REWARD (added to every substrate by
 * utils/substrates/substrate.py), an 11 × 11 window (`view`, :697-703) at 8 px. Each
 * player sees itself in its own colour (the avatars have no sprite map; `selfColor` is not used by this family's
 * art, see systems/spriteArt.ts `TERRITORY`).
 */
export const TERRITORY_OBSERVATION: ObservationSpec = {
  view: { left: 5, right: 5, forward: 9, backward: 1 },
  spriteSize: 8,
  names: ['RGB', 'READY_TO_SHOOT', 'COLLECTIVE_REWARD'],
  palette: TERRITORY_PALETTE,
  selfColor: TERRITORY_PLAYER_COLORS[0],
  playerColors: TERRITORY_PLAYER_COLORS,
};

/**
 * `CHAR_PREFAB_MAP` characters the maps share: `P` spawn point, `,` floor, `R` resource wall (on floor), and the map's
 * walls with their highlights (`F` north-west, `T` north-east, `J` south-east, `L` south-west, `|` east-west, `=`
 * north-south, `W` plain); the highlights are drawn by the art (systems/spriteArt.ts `TERRITORY.decor`).
 */
export const TERRITORY_LEGEND: Readonly<Record<string, readonly Prefab[]>> = {
  P: ['floor', 'spawn:spawnPoints'],
  ',': ['floor'],
  W: ['wall'],
  F: ['wall'],
  T: ['wall'],
  J: ['wall'],
  L: ['wall'],
  '|': ['wall'],
  '=': ['wall'],
  R: ['floor', 'claimable'],
};
