/**
 * The Coins mechanic (Melting Pot `coins`, `lua/levels/coins/components.lua`): coin cells that regrow in either
 * player's colour, collected by stepping onto them, paying the collector and the other player by whether the coin
 * matched the collector's colour. Chosen by the substrate's `coins` block; owns its state (./state.ts), its episode
 * setup (here) and its systems (./collectCoins.ts, ./regrowCoins.ts), which the pipeline orders.
 */
import type { Prefab, SubstrateSpec } from '../../substrates/types.js';
import { Layer } from '../layers.js';
import { stateOf, type Mechanic } from '../mechanics.js';
import type { Sim } from '../sim.js';
import { spawnMapObject } from '../spawnMapObject.js';
import { COIN_SPRITES } from '../sprites.js';
import { COIN_WAITING, createCoinsState, playerType, type CoinsState } from './state.js';

export type { CoinsState } from './state.js';

export const COINS: Mechanic<CoinsState> = {
  name: 'coins',
  uses: (spec: SubstrateSpec) => spec.coins !== undefined,
  prefabs: ['coin'] satisfies readonly Prefab[],
  create: (sim: Sim) => createCoinsState(sim, sim.capacity),
  reset(_sim: Sim, st: CoinsState): void {
    st.count = 0;
    st.liveCount = 0;
    st.indexOf.fill(-1);
    st.partnerMismatch.fill(0);
    st.matched.fill(0);
    st.mismatched.fill(0);
  },
  /** A coin cell: every coin starts in its wait state (`initialState = "coinWait"`, configs/substrates/coins.py:225). */
  place(sim: Sim, st: CoinsState, x: number, y: number): void {
    const { world } = sim;
    const eid = spawnMapObject(world, x, y, Layer.Logic, COIN_SPRITES[0]);
    const i = st.count++;
    st.eids[i] = eid;
    st.indexOf[eid] = i;
    st.state[i] = COIN_WAITING;
    st.waitingSince[i] = 0;
  },
  /**
   * The episode's two colours, after the avatars spawn: an ordered pair of distinct colours drawn uniformly, as
   * `random.sample(tuple(COIN_PALETTES), k=2)` (configs/substrates/coins.py:500); Melting Pot draws it once per
   * build, Crucible once per episode from the world's generator, so a seed replays it.
   */
  afterAvatars(sim: Sim, st: CoinsState): void {
    const n = sim.spec.coins?.colours.length ?? 2;
    const { rng } = sim.world;
    const a = rng.int(n);
    let b = rng.int(n - 1);
    if (b >= a) b++;
    st.typeColour[0] = a;
    st.typeColour[1] = b;
    for (let s = 0; s < sim.players; s++) st.avatarColour[s] = 1 + st.typeColour[playerType(s)];
  },
};

/** Coins' state in this sim, or null when the substrate has no coins. */
export function coinsOf(sim: Sim): CoinsState | null {
  return stateOf(sim, COINS);
}

/** MISMATCHED_COIN_COLLECTED_BY_PARTNER of `slot` (0 or 1; 0 without coins). */
export function mismatchedCoinCollectedByPartner(sim: Sim, slot: number): number {
  const st = coinsOf(sim);
  return st ? st.partnerMismatch[slot] : 0;
}

/** Per-slot avatar palette (1 + colour index) for the renderer, or null when the substrate has no coins. */
export function coinAvatarColours(sim: Sim): Uint8Array | null {
  const st = coinsOf(sim);
  return st ? st.avatarColour : null;
}

/** Coins' episode figures: per player, coins of its own colour and of the partner's colour collected. */
export interface CoinsFigures {
  /** agent id order: slot 0, 1, … */
  readonly colours: string[];
  readonly matched: number[];
  readonly mismatched: number[];
}

export function coinsFigures(sim: Sim, st: CoinsState): CoinsFigures {
  const names = sim.spec.coins?.colours ?? [];
  const colours: string[] = [];
  for (let s = 0; s < sim.players; s++) colours.push(names[st.typeColour[playerType(s)]]?.name ?? '');
  return { colours, matched: Array.from(st.matched), mismatched: Array.from(st.mismatched) };
}
