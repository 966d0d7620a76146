/**
 * Allelopathic Harvest's state: the berries (colour, ripeness, ripening countdown), the global count of berries per
 * colour that sets the ripening rate, and per player its taste, its colour (the colour it last planted, or newborn),
 * its planting-beam timer and its graduated-sanction marking. Everything is preallocated when the sim is created;
 * `resetAllelopathicState` clears it for an episode.
 *
 * Melting Pot keeps these in `lua/levels/allelopathic_harvest/components.lua` (Berry, Regrowth, Coloring, Taste,
 * ColorZapper, GlobalBerryTracker) and `lua/modules/avatar_library.lua` (GraduatedSanctionsMarking).
 */
import type { AllelopathicHarvestSpec } from '../../substrates/types.js';
import type { Sim } from '../sim.js';

/** A player's colour id: 0 is the newborn colour (grey); 1..K the colour of the berries it last planted. */
export const NEWBORN = 0;

export interface AllelopathicState {
  readonly spec: AllelopathicHarvestSpec;
  /** Number of berry colours K. */
  readonly colors: number;
  // --- berries (index i = order laid on the map) ---
  /** berry index → entity id */
  readonly eids: Int32Array;
  count: number;
  /** map cell → berry index, −1 where there is none */
  readonly berryAt: Int32Array;
  /** berry index → colour id 1..K */
  readonly color: Uint8Array;
  /** berry index → 1 if ripe */
  readonly ripe: Uint8Array;
  /** berry index → ticks left before it may ripen (`Regrowth._countdown`; may go below 0). */
  readonly countdown: Int32Array;
  /** berry index → tick a planting beam last hit it (`Coloring._alreadyHit`: one planting hit per berry per tick). */
  readonly plantedAt: Int32Array;
  /**
   * berry index → avatar entity that ate it during its current stay in the cell, 0 if none (`Edible.triggered`,
   * cleared when the avatar leaves: a berry that ripens under the player who just ate it is not eaten again).
   */
  readonly eatenBy: Int32Array;
  /** berry index → tick of that meal */
  readonly eatenAt: Int32Array;
  /** colour id → ripe and unripe berries (`GlobalBerryTracker`); index 0 unused. */
  readonly ripeCount: Int32Array;
  readonly unripeCount: Int32Array;
  /** Probability that eating shows the eater's newborn colour this tick: 1 − the largest colour's share. */
  disclosure: number;
  // --- players (by slot) ---
  /** slot → preferred colour id 1..K (`Taste.mostTastyBerryId`). */
  readonly mostTasty: Uint8Array;
  /** slot → colour id (`ColorZapper.colorId`), NEWBORN or 1..K. */
  readonly avatarColor: Uint8Array;
  /** slot → berries eaten since it last planted (`_crypticBerriesEaten`, the non-stochastic rule). */
  readonly crypticEaten: Int32Array;
  /** slot → planting-beam cooling timer (`ColorZapper._coolingTimer`). */
  readonly plantTimer: Int32Array;
  /** slot → tick its planting timer was last counted down (`_alreadyDecrementedTimerThisFrame`). */
  readonly plantCountedAt: Int32Array;
  /** slot → tick it last entered a cell (starts its stay in that cell, for `eatenBy`). */
  readonly arrivedAt: Int32Array;
  /** slot → sanction level, from 1 (`GraduatedSanctionsMarking._level`). */
  readonly level: Uint8Array;
  /**
   * slot → the level its marking shows (`_setLevel`): a removing hit lowers `level` but leaves the mark drawn until
   * the player leaves the map; a respawn shows the level it then has.
   */
  readonly shownLevel: Uint8Array;
  /** slot → ticks alive since the level last changed by a hit (`_timeSinceNotInitial`). */
  readonly sinceHit: Int32Array;
  /** slot → last tick on which its zap timer is held at cooldown + 1 (`Zapper.disallowZappingUntil`), 0 none. */
  readonly noZapUntil: Int32Array;
  /** slot → tick at which it leaves the map after a removing sanction (`Avatar.removeAfterDelay`), 0 none. */
  readonly removeAt: Int32Array;
  // --- episode figures ---
  /** (colour − 1) · players + slot → berries that player replanted to that colour. */
  readonly plantedBy: Int32Array;
  /** (colour − 1) · players + slot → ripe berries of that colour that player ate. */
  readonly eatenByPlayer: Int32Array;
  /** zapped slot · players + zapper slot → zap hits (`WHO_ZAPPED_WHO`). */
  readonly zapMatrix: Int32Array;
  /** Sanctions that froze a player, and that removed one, this episode. */
  freezes: number;
  removals: number;
}

export function createAllelopathicState(sim: Sim, spec: AllelopathicHarvestSpec): AllelopathicState {
  const cells = sim.width * sim.height;
  let berries = 0;
  for (let cell = 0; cell < cells; cell++) {
    for (const p of sim.spec.legend[sim.map.chars[cell]]) if (p.startsWith('berry:')) berries++;
  }
  const k = spec.colors.length;
  const n = sim.players;
  const mostTasty = new Uint8Array(n);
  // The players split into equal consecutive groups, one per population (`populations`), as Melting Pot's roles.
  const groups = spec.populations.length;
  for (let slot = 0; slot < n; slot++) mostTasty[slot] = spec.populations[Math.floor((slot * groups) / n)].mostTasty;
  return {
    spec,
    colors: k,
    eids: new Int32Array(berries),
    count: 0,
    berryAt: new Int32Array(cells).fill(-1),
    color: new Uint8Array(berries),
    ripe: new Uint8Array(berries),
    countdown: new Int32Array(berries),
    plantedAt: new Int32Array(berries),
    eatenBy: new Int32Array(berries),
    eatenAt: new Int32Array(berries),
    ripeCount: new Int32Array(k + 1),
    unripeCount: new Int32Array(k + 1),
    disclosure: 0,
    mostTasty,
    avatarColor: new Uint8Array(n),
    crypticEaten: new Int32Array(n),
    plantTimer: new Int32Array(n),
    plantCountedAt: new Int32Array(n),
    arrivedAt: new Int32Array(n),
    level: new Uint8Array(n),
    shownLevel: new Uint8Array(n),
    sinceHit: new Int32Array(n),
    noZapUntil: new Int32Array(n),
    removeAt: new Int32Array(n),
    plantedBy: new Int32Array(k * n),
    eatenByPlayer: new Int32Array(k * n),
    zapMatrix: new Int32Array(n * n),
    freezes: 0,
    removals: 0,
  };
}

export function resetAllelopathicState(st: AllelopathicState): void {
  st.count = 0;
  st.berryAt.fill(-1);
  st.ripeCount.fill(0);
  st.unripeCount.fill(0);
  st.eatenBy.fill(0);
  st.eatenAt.fill(0);
  st.plantedAt.fill(-1);
  st.disclosure = 0;
  st.avatarColor.fill(NEWBORN);
  st.crypticEaten.fill(0);
  st.plantTimer.fill(0);
  st.plantCountedAt.fill(0);
  st.arrivedAt.fill(0);
  st.level.fill(1);
  st.shownLevel.fill(1);
  st.sinceHit.fill(0);
  st.noZapUntil.fill(0);
  st.removeAt.fill(0);
  st.plantedBy.fill(0);
  st.eatenByPlayer.fill(0);
  st.zapMatrix.fill(0);
  st.freezes = 0;
  st.removals = 0;
}

/** Berries of colour `k` (1-based), ripe or not. */
export function berriesOfColor(st: AllelopathicState, k: number): number {
  return st.ripeCount[k] + st.unripeCount[k];
}

/**
 * The ripening probability of an unripe berry of colour `k` this tick (`Regrowth:getProbability`,
 * `lua/levels/allelopathic_harvest/components.lua:252-286`): linear baseRate · n, or that plus the cubic term.
 */
export function ripeningProbability(st: AllelopathicState, k: number): number {
  const n = berriesOfColor(st, k);
  const r = st.spec.regrowth;
  return r.linearGrowth ? n * r.baseRate : n * r.baseRate + n * n * n * r.baseRate * r.cubicRate;
}

/** The largest colour's share of all berries (`GlobalBerryTracker:getMonocultureFraction`); 0 with no berries. */
export function monocultureFraction(st: AllelopathicState): number {
  let total = 0, most = 0;
  for (let k = 1; k <= st.colors; k++) {
    const n = berriesOfColor(st, k);
    total += n;
    if (n > most) most = n;
  }
  return total === 0 ? 0 : most / total;
}
