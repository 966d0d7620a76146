/**
 * The apples (Melting Pot's `Edible` apples with `DensityRegrow`, and Clean Up's potential apples): the state, its
 * per-episode setup and the mechanic that puts them in a substrate whose legend lays them.
 *
 * Apple state changes, the one place that keeps the grid layer, the live-neighbour counts and the waiting set in
 * step: an eaten apple moves to the logic layer and joins the waiting set; a regrown one moves back.
 * Each live/dead transition adds or subtracts 1 from its neighbours' counts (Melting Pot's DensityRegrow).
 */
import { ResourceState } from '../../ecs/components.js';
import { Metric } from '../../ecs/grid.js';
import type { Prefab, SubstrateSpec } from '../../substrates/types.js';
import { legendLays, stateOf, type Mechanic } from '../mechanics.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { spawnMapObject } from '../spawnMapObject.js';
import { Sprite } from '../sprites.js';

/**
 * Apples and their neighbourhoods. Apples never move, so each apple's neighbours within the regrowth radius are
 * computed once per episode (CSR arrays); live-neighbour counts are then kept incrementally.
 */
export interface AppleIndex {
  /** apple index → entity id */
  eids: Int32Array;
  count: number;
  /** entity id → apple index, −1 for non-apples */
  indexOf: Int32Array;
  /** neighbours of apple i: nbr[nbrStart[i] .. nbrStart[i+1]) as apple indices */
  nbrStart: Int32Array;
  nbr: Int32Array;
  /** apple index → live apples within the radius, self excluded */
  liveNeighbors: Uint8Array;
  /** liveNeighbors as they stood at the start of this tick (snapshot taken by snapshotAppleCounts). */
  startCounts: Uint8Array;
  /** apple index → the count a waiting apple's regrowth uses this tick (the start-of-tick count one tick ago). */
  waitK: Uint8Array;
  /** apple index → 1 if live */
  live: Uint8Array;
  /** Dense set of waiting apples (apple indices) and each one's position in it (−1 if live). */
  waiting: Int32Array;
  waitingCount: number;
  waitingPos: Int32Array;
  /** apple index → tick it was eaten (it first gets a chance to regrow two ticks later). */
  eatenAt: Int32Array;
  liveCount: number;
}

/** `apple` starts live, `potentialApple` starts waiting. */
const APPLE_PREFABS: readonly Prefab[] = ['apple', 'potentialApple'];

/** The apples: used by every substrate whose legend lays an apple. */
export const APPLES: Mechanic<AppleIndex> = {
  name: 'apples',
  uses: (spec: SubstrateSpec) => legendLays(spec, APPLE_PREFABS),
  prefabs: APPLE_PREFABS,
  create: createAppleIndex,
  reset(_sim: Sim, apples: AppleIndex): void {
    apples.count = 0;
    apples.indexOf.fill(-1);
  },
  place: placeApple,
  afterMap: indexAppleNeighbours,
};

/** The apples of this sim, or null when its substrate has none. */
export function applesOf(sim: Sim): AppleIndex | null {
  return stateOf(sim, APPLES);
}

/** Sized for every apple cell of the (tiled) map. */
function createAppleIndex(sim: Sim): AppleIndex {
  const { spec, map } = sim;
  let appleCells = 0;
  for (let cell = 0; cell < map.chars.length; cell++) {
    for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) if (p === 'apple' || p === 'potentialApple') appleCells++;
  }
  return {
    eids: new Int32Array(appleCells),
    count: 0,
    indexOf: new Int32Array(sim.capacity + 1),
    nbrStart: new Int32Array(appleCells + 1),
    nbr: new Int32Array(0),
    liveNeighbors: new Uint8Array(appleCells),
    startCounts: new Uint8Array(appleCells),
    waitK: new Uint8Array(appleCells),
    live: new Uint8Array(appleCells),
    waiting: new Int32Array(appleCells),
    waitingCount: 0,
    waitingPos: new Int32Array(appleCells),
    eatenAt: new Int32Array(appleCells),
    liveCount: 0,
  };
}

/** The apple of a map cell: live on the lower layer (`apple`) or waiting on the logic layer (`potentialApple`). */
function placeApple(sim: Sim, apples: AppleIndex, x: number, y: number, prefab: Prefab): void {
  const { world } = sim;
  const { c } = world;
  const live = prefab === 'apple';
  const eid = spawnMapObject(world, x, y, live ? Layer.Lower : Layer.Logic, Sprite.Apple, c.Resource);
  c.Resource.state[eid] = live ? ResourceState.Live : ResourceState.Waiting;
  apples.indexOf[eid] = apples.count;
  apples.eids[apples.count++] = eid;
}

/** Precompute each apple's neighbours within the regrowth radius and count the live ones. */
function indexAppleNeighbours(sim: Sim, apples: AppleIndex): void {
  const { world } = sim;
  const { grid, c } = world;
  const radius = sim.spec.regrowth?.radius ?? 0;
  const n = apples.count;
  const starts = apples.nbrStart;
  const scratch = new Int32Array(64);
  const lists: number[] = [];
  for (let i = 0; i < n; i++) {
    starts[i] = lists.length;
    const eid = apples.eids[i];
    const x = c.Position.x[eid], y = c.Position.y[eid];
    for (const layer of [Layer.Lower, Layer.Logic]) {
      const found = grid.queryRadius(x, y, radius, Metric.Euclidean, layer, scratch);
      for (let k = 0; k < Math.min(found, scratch.length); k++) {
        const other = apples.indexOf[scratch[k]];
        if (other >= 0 && other !== i) lists.push(other);
      }
    }
  }
  starts[n] = lists.length;
  apples.nbr = Int32Array.from(lists);
  apples.waitingCount = 0;
  apples.liveCount = 0;
  for (let i = 0; i < n; i++) {
    const live = c.Resource.state[apples.eids[i]] === 0;
    apples.live[i] = live ? 1 : 0;
    apples.eatenAt[i] = -2;
    if (live) {
      apples.liveCount++;
      apples.waitingPos[i] = -1;
    } else {
      apples.waitingPos[i] = apples.waitingCount;
      apples.waiting[apples.waitingCount++] = i;
    }
  }
  for (let i = 0; i < n; i++) {
    let live = 0;
    for (let k = starts[i]; k < starts[i + 1]; k++) live += apples.live[apples.nbr[k]];
    apples.liveNeighbors[i] = live;
  }
  apples.startCounts.set(apples.liveNeighbors);
  apples.waitK.set(apples.liveNeighbors);
}

export function setAppleWaiting(sim: Sim, i: number): void {
  const a = applesOf(sim);
  if (a === null || a.live[i] === 0) return;
  const eid = a.eids[i];
  a.live[i] = 0;
  a.liveCount--;
  a.eatenAt[i] = sim.world.tick;
  sim.world.c.Resource.state[eid] = 1;
  sim.world.grid.setLayer(eid, Layer.Logic);
  for (let k = a.nbrStart[i]; k < a.nbrStart[i + 1]; k++) a.liveNeighbors[a.nbr[k]]--;
  a.waitingPos[i] = a.waitingCount;
  a.waiting[a.waitingCount++] = i;
}

export function setAppleLive(sim: Sim, i: number): void {
  const a = applesOf(sim);
  if (a === null || a.live[i] === 1) return;
  const eid = a.eids[i];
  a.live[i] = 1;
  a.liveCount++;
  sim.world.c.Resource.state[eid] = 0;
  sim.world.grid.setLayer(eid, Layer.Lower);
  for (let k = a.nbrStart[i]; k < a.nbrStart[i + 1]; k++) a.liveNeighbors[a.nbr[k]]++;
  // Swap-remove from the waiting set.
  const pos = a.waitingPos[i];
  const last = a.waiting[--a.waitingCount];
  a.waiting[pos] = last;
  a.waitingPos[last] = pos;
  a.waitingPos[i] = -1;
}
