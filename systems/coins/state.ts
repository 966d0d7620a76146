/**
 * Coins' state (Melting Pot `lua/levels/coins/components.lua`): the coin cells, each waiting or live in one of the
 * two players' colours; each player's coin colour for this episode; the partner signal the puppeteers read; and
 * the episode's collection counts. Preallocated once per Sim; cleared per episode.
 */
import type { Sim } from '../sim.js';

/** A coin's state: waiting (`coinWait`), or live in the colour of player type 0 or 1 (`coin_type_a` / `_b`). */
export const COIN_WAITING = 0;
export const COIN_LIVE_TYPE0 = 1;

export interface CoinsState {
  /** coin index → entity id */
  readonly eids: Int32Array;
  count: number;
  /** entity id → coin index, −1 for other entities */
  readonly indexOf: Int32Array;
  /** coin index → `COIN_WAITING`, or `COIN_LIVE_TYPE0` + the player type whose colour it shows */
  readonly state: Uint8Array;
  /** coin index → tick it last started waiting (a coin collected on tick t first gets a chance to regrow at t + 1) */
  readonly waitingSince: Int32Array;
  liveCount: number;
  /** player type (0, 1) → index into `spec.coins.colours`, drawn per episode */
  readonly typeColour: Uint8Array;
  /** slot → 1 + its colour index: the renderer's avatar palette for that player (0 is unused "Self") */
  readonly avatarColour: Uint8Array;
  /**
   * slot → MISMATCHED_COIN_COLLECTED_BY_PARTNER: 1 when the partner collected a coin of this player's colour this
   * step (`PartnerTracker`, cleared at the start of every step by its `preUpdate`).
   */
  readonly partnerMismatch: Float64Array;
  /** slot → coins of its own colour / of the other colour collected this episode */
  readonly matched: Int32Array;
  readonly mismatched: Int32Array;
}

/** A player's type: 0 collects the first colour, 1 the second; tiled maps pair slots (0, 1), (2, 3), … */
export function playerType(slot: number): number {
  return slot & 1;
}

/** The partner of `slot` (Coins' `PartnerTracker`: player 1 ↔ player 2), or −1 when there is none. */
export function partnerOf(sim: Sim, slot: number): number {
  const p = slot ^ 1;
  return p < sim.players ? p : -1;
}

export function createCoinsState(sim: Sim, capacity: number): CoinsState {
  let coins = 0;
  for (const ch of sim.map.chars) if ((sim.spec.legend[ch] ?? []).includes('coin')) coins++;
  const n = sim.players;
  return {
    eids: new Int32Array(coins),
    count: 0,
    indexOf: new Int32Array(capacity + 1).fill(-1),
    state: new Uint8Array(coins),
    waitingSince: new Int32Array(coins),
    liveCount: 0,
    typeColour: new Uint8Array(2),
    avatarColour: new Uint8Array(n),
    partnerMismatch: new Float64Array(n),
    matched: new Int32Array(n),
    mismatched: new Int32Array(n),
  };
}
