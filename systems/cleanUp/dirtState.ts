/**
 * Clean Up's river: dirt state changes and the cleaning bookkeeping, the one place that keeps the grid layer, the
 * dirty count and the set of clean cells in step (Melting Pot's DirtTracker, RiverMonitor and DirtSpawner
 * potential set, kept incrementally, never rescanned).
 *
 * Every dirt-capable river cell holds one dirt entity for the whole episode: on the lower layer (drawn as
 * `Sprite.Dirt`, like a live apple) while dirty, on the invisible logic layer while clean. Avatars stand on the
 * upper layer, so they walk over river cells, dirty or clean.
 */
import { spawnMapObject } from '../spawnMapObject.js';
import type { Prefab, SubstrateSpec } from '../../substrates/types.js';
import { legendLays, stateOf, type Mechanic } from '../mechanics.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { Sprite } from '../sprites.js';

export interface DirtIndex {
  /** dirt index → entity id */
  eids: Int32Array;
  /** Dirt-capable river cells (the denominator of the dirt fraction). */
  count: number;
  /** map cell → dirt index, −1 where the river cannot get dirty (empty when the map has no dirt-capable cell). */
  byCell: Int32Array;
  /** dirt index → 1 if dirty */
  dirty: Uint8Array;
  dirtyCount: number;
  /** Dense set of clean dirt indices (what the spawner draws from) and each one's position in it (−1 if dirty). */
  clean: Int32Array;
  cleanCount: number;
  cleanPos: Int32Array;
  /** dirt index → tick + 1 of the tick a cleaning beam last cleaned it (0 = not yet this episode). */
  cleanedAt: Int32Array;
}

/** The cleaning beam's per-player state. */
export interface CleaningState {
  /** slot → cleaning-beam cooling timer in ticks (0 = ready); counts down only while the player is on the map. */
  timer: Int32Array;
  /** slot → 1 if this player's beam cleaned at least one cell this tick. */
  cleanedNow: Uint8Array;
  nowCount: number;
  /** `cleanedNow` of the previous tick: what NUM_OTHERS_WHO_CLEANED_THIS_STEP reports (one tick late, as in MP). */
  cleanedPrev: Uint8Array;
  prevCount: number;
}

/** Clean Up's state: the river's dirt and the cleaning beams. */
export interface CleanUpState {
  readonly dirt: DirtIndex;
  readonly cleaning: CleaningState;
}

/** `dirt` starts dirty, `potentialDirt` starts clean. */
const DIRT_PREFABS: readonly Prefab[] = ['dirt', 'potentialDirt'];

/**
 * Clean Up's river: used by a substrate whose data has a cleaning beam, a dirt spawner, pollution-driven apple
 * growth or dirt-capable river in its legend.
 */
export const CLEAN_UP: Mechanic<CleanUpState> = {
  name: 'cleanUp',
  uses: (spec: SubstrateSpec) =>
    spec.cleaner !== undefined || spec.dirt !== undefined || spec.appleGrowth !== undefined || legendLays(spec, DIRT_PREFABS),
  prefabs: DIRT_PREFABS,
  create(sim: Sim): CleanUpState {
    const { spec, map } = sim;
    let dirtCells = 0;
    for (let cell = 0; cell < map.chars.length; cell++) {
      for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) if (p === 'dirt' || p === 'potentialDirt') dirtCells++;
    }
    return { dirt: createDirtIndex(dirtCells, map.chars.length), cleaning: createCleaningState(sim.players) };
  },
  reset: (_sim: Sim, state: CleanUpState) => resetRiver(state),
  place: (sim: Sim, state: CleanUpState, x: number, y: number, prefab: Prefab) => addDirt(sim, state, x, y, prefab === 'dirt'),
};

/** Clean Up's state in this sim, or null when its substrate has no river to clean. */
export function cleanUpOf(sim: Sim): CleanUpState | null {
  return stateOf(sim, CLEAN_UP);
}

export function createDirtIndex(dirtCells: number, cells: number): DirtIndex {
  return {
    eids: new Int32Array(dirtCells),
    count: 0,
    byCell: new Int32Array(dirtCells > 0 ? cells : 0).fill(-1),
    dirty: new Uint8Array(dirtCells),
    dirtyCount: 0,
    clean: new Int32Array(dirtCells),
    cleanCount: 0,
    cleanPos: new Int32Array(dirtCells),
    cleanedAt: new Int32Array(dirtCells),
  };
}

export function createCleaningState(players: number): CleaningState {
  return {
    timer: new Int32Array(players),
    cleanedNow: new Uint8Array(players),
    nowCount: 0,
    cleanedPrev: new Uint8Array(players),
    prevCount: 0,
  };
}

/** Forget last episode's river and cleaning state (called before the map is rebuilt). */
export function resetRiver(state: CleanUpState): void {
  const d = state.dirt;
  d.count = 0;
  d.dirtyCount = 0;
  d.cleanCount = 0;
  d.byCell.fill(-1);
  d.cleanedAt.fill(0);
  const cl = state.cleaning;
  cl.timer.fill(0);
  cl.cleanedNow.fill(0);
  cl.cleanedPrev.fill(0);
  cl.nowCount = 0;
  cl.prevCount = 0;
}

/** Create the dirt entity of a dirt-capable river cell at (x, y), dirty or clean. */
export function addDirt(sim: Sim, state: CleanUpState, x: number, y: number, dirty: boolean): void {
  const { world } = sim;
  const { grid } = world;
  const d = state.dirt;
  const eid = spawnMapObject(world, x, y, dirty ? Layer.Lower : Layer.Logic, Sprite.Dirt);
  const i = d.count++;
  d.eids[i] = eid;
  d.byCell[grid.cellIndex(x, y)] = i;
  if (dirty) {
    d.dirty[i] = 1;
    d.dirtyCount++;
    d.cleanPos[i] = -1;
  } else {
    d.dirty[i] = 0;
    d.cleanPos[i] = d.cleanCount;
    d.clean[d.cleanCount++] = i;
  }
}

/** Dirt fraction of the river: dirty / dirt-capable cells (0 when the map has none). */
export function dirtFraction(sim: Sim): number {
  const st = cleanUpOf(sim);
  if (st === null) return 0;
  const d = st.dirt;
  return d.count === 0 ? 0 : d.dirtyCount / d.count;
}

export function setDirty(sim: Sim, i: number): void {
  const st = cleanUpOf(sim);
  if (st === null || st.dirt.dirty[i] === 1) return;
  const d = st.dirt;
  d.dirty[i] = 1;
  d.dirtyCount++;
  sim.world.grid.setLayer(d.eids[i], Layer.Lower);
  // Swap-remove from the clean set.
  const pos = d.cleanPos[i];
  const last = d.clean[--d.cleanCount];
  d.clean[pos] = last;
  d.cleanPos[last] = pos;
  d.cleanPos[i] = -1;
}

export function setClean(sim: Sim, i: number): void {
  const st = cleanUpOf(sim);
  if (st === null || st.dirt.dirty[i] === 0) return;
  const d = st.dirt;
  d.dirty[i] = 0;
  d.dirtyCount--;
  sim.world.grid.setLayer(d.eids[i], Layer.Logic);
  d.cleanPos[i] = d.cleanCount;
  d.clean[d.cleanCount++] = i;
}
