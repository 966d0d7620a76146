/**
 * Territory's state (Melting Pot `lua/levels/territory/components.lua`): each resource wall's owner, health and
 * timers, each player's sanction level and timers, and what this tick's paintbrushes and claiming beams cover (for
 * the frames). Preallocated once per Sim; `resetTerritory` clears it for an episode.
 */
import type { Sim } from '../sim.js';

/** Resource index or player slot meaning "none". */
export const NOBODY = -1;
/** `Removed.until` of a player removed for the rest of the episode (Territory never respawns anyone). */
export const REMOVED_FOR_GOOD = 0x7fffffff;

export interface TerritoryState {
  /** Resource walls laid this episode: index → entity, map cell. */
  count: number;
  readonly eids: Int32Array;
  readonly cells: Int32Array;
  /** Map cell → resource index (−1: none). Destroyed walls keep their index. */
  readonly indexOfCell: Int32Array;
  /** Resource → owning player slot, −1 unclaimed (`Resource._claimedByAvatarComponent`). */
  readonly owner: Int32Array;
  /** Resource → tick it last changed state (claimed, released): the updaters' `startFrame` counts from it. */
  readonly changedAt: Int32Array;
  /** Resource → 1 once it has paid its owner since the claim (`_rewardingStatus == 'active'`). */
  readonly rewarding: Uint8Array;
  /** Resource → the dry paint shown, owner slot + 1 (0: none): `RewardIndicator:update`, a tick behind. */
  readonly dryShown: Int32Array;
  readonly health: Uint8Array;
  /** Resource → ticks since it was last zapped (`_framesSinceZapped`). */
  readonly sinceZapped: Int32Array;
  /** Resource → 1 while its damage indicator shows (set by `Resource:update`, a tick behind the zap). */
  readonly damagedShown: Uint8Array;
  readonly destroyed: Uint8Array;
  /** Resource walls not destroyed. */
  standing: number;

  /** Map cells of `spawn@a/b:<group>` prefabs (drawn each episode) and of the fixed spawn points of that group. */
  readonly chanceSpawnCells: Int32Array;
  readonly chanceSpawnOdds: Float64Array;
  readonly chanceSpawnGroup: string | null;
  readonly fixedSpawnCells: Int32Array;

  /** Player slot → sanction level (1 or 2; `GraduatedSanctionsMarking._level`). */
  readonly level: Uint8Array;
  /** Slot → ticks alive at a level other than 1 (`_timeSinceNotInitial`). */
  readonly sinceLevel: Int32Array;
  /** Slot → tick at which it leaves the map (0: none), `Avatar:removeAfterDelay`. */
  readonly removeAt: Int32Array;
  /** Slot → zapping disallowed (`Zapper._disallowZapping`) and the frames left (`_noZappingCounter`). */
  readonly zapDisallowed: Uint8Array;
  readonly noZapCounter: Int32Array;
  /** Slot → claiming beam cooling timer (`ResourceClaimer._cooldown`). */
  readonly claimTimer: Int32Array;

  /** This tick's paintbrushes: cell → 1 + 4 · painter colour + facing (0: none). */
  readonly brush: Int32Array;
  /** This tick's claiming beams: cell → 1 + beam colour (0: none). */
  readonly claimBeam: Int32Array;
  /** Cells written in `brush` / `claimBeam` this tick, to clear them at the next. */
  readonly touched: Int32Array;
  touchedCount: number;
  /** The world and tick the overlay belongs to. */
  overlayWorld: object | null;
  overlayTick: number;

  /** Episode figures: walls claimed (state changes), destroyed, players removed. */
  claims: number;
  destructions: number;
  removals: number;
  /** Slot → walls it destroyed that another player owned, and walls of its own destroyed by others. */
  readonly destroyedOthers: Int32Array;
  readonly lostToOthers: Int32Array;
  /** Slot → walls it repainted from another player's colour, and walls of its own repainted by others. */
  readonly tookOver: Int32Array;
  readonly takenOver: Int32Array;
}

/** Map cells per legend prefab kind, counted once when the sim is created. */
export function createTerritoryState(sim: Sim, resourceCells: number, chanceSpawnCells: number[], chanceSpawnOdds: number[],
  chanceSpawnGroup: string | null, fixedSpawnCells: number[]): TerritoryState {
  const cells = sim.width * sim.height;
  const p = sim.players;
  return {
    count: 0,
    eids: new Int32Array(resourceCells),
    cells: new Int32Array(resourceCells),
    indexOfCell: new Int32Array(cells).fill(NOBODY),
    owner: new Int32Array(resourceCells).fill(NOBODY),
    changedAt: new Int32Array(resourceCells),
    rewarding: new Uint8Array(resourceCells),
    dryShown: new Int32Array(resourceCells),
    health: new Uint8Array(resourceCells),
    sinceZapped: new Int32Array(resourceCells),
    damagedShown: new Uint8Array(resourceCells),
    destroyed: new Uint8Array(resourceCells),
    standing: 0,
    chanceSpawnCells: Int32Array.from(chanceSpawnCells),
    chanceSpawnOdds: Float64Array.from(chanceSpawnOdds),
    chanceSpawnGroup,
    fixedSpawnCells: Int32Array.from(fixedSpawnCells),
    level: new Uint8Array(p),
    sinceLevel: new Int32Array(p),
    removeAt: new Int32Array(p),
    zapDisallowed: new Uint8Array(p),
    noZapCounter: new Int32Array(p),
    claimTimer: new Int32Array(p),
    brush: new Int32Array(cells),
    claimBeam: new Int32Array(cells),
    touched: new Int32Array(cells),
    touchedCount: 0,
    overlayWorld: null,
    overlayTick: -1,
    claims: 0,
    destructions: 0,
    removals: 0,
    destroyedOthers: new Int32Array(p),
    lostToOthers: new Int32Array(p),
    tookOver: new Int32Array(p),
    takenOver: new Int32Array(p),
  };
}

/** Clear the state for a new episode (before the map is laid). */
export function resetTerritory(st: TerritoryState): void {
  st.count = 0;
  st.standing = 0;
  st.indexOfCell.fill(NOBODY);
  st.owner.fill(NOBODY);
  st.changedAt.fill(0);
  st.rewarding.fill(0);
  st.dryShown.fill(0);
  st.sinceZapped.fill(0);
  st.damagedShown.fill(0);
  st.destroyed.fill(0);
  st.level.fill(1);
  st.sinceLevel.fill(0);
  st.removeAt.fill(0);
  st.zapDisallowed.fill(0);
  st.noZapCounter.fill(0);
  st.claimTimer.fill(0);
  st.brush.fill(0);
  st.claimBeam.fill(0);
  st.touchedCount = 0;
  st.overlayWorld = null;
  st.overlayTick = -1;
  st.claims = 0;
  st.destructions = 0;
  st.removals = 0;
  st.destroyedOthers.fill(0);
  st.lostToOthers.fill(0);
  st.tookOver.fill(0);
  st.takenOver.fill(0);
}

/** Start this tick's overlay (paintbrushes, claiming beams): clear the previous tick's cells once per tick. */
export function beginOverlay(sim: Sim, st: TerritoryState): void {
  if (st.overlayWorld === sim.world && st.overlayTick === sim.world.tick) return;
  for (let i = 0; i < st.touchedCount; i++) {
    const cell = st.touched[i];
    st.brush[cell] = 0;
    st.claimBeam[cell] = 0;
  }
  st.touchedCount = 0;
  st.overlayWorld = sim.world;
  st.overlayTick = sim.world.tick;
}

/** Record a paintbrush (`brush`) or claiming beam (`claim`) drawn in `cell` this tick. */
export function markOverlay(st: TerritoryState, cell: number, brush: number, claim: number): void {
  if (st.brush[cell] === 0 && st.claimBeam[cell] === 0) st.touched[st.touchedCount++] = cell;
  if (brush !== 0) st.brush[cell] = brush;
  if (claim !== 0) st.claimBeam[cell] = claim;
}

/** Is the avatar of `slot` on the map (alive, not removed)? */
export function onMap(sim: Sim, slot: number): boolean {
  const eid = sim.avatars[slot];
  return sim.world.c.Removed.until[eid] === 0 && sim.world.grid.has(eid);
}

/** The colour index (0-based, into the substrate's player colours) a player's paint and beams are drawn in. */
export function colourOf(sim: Sim, slot: number): number {
  const n = Math.max(1, Math.min(sim.players, sim.spec.observation.playerColors.length));
  return slot % n;
}
