/**
 * The matrix games' bookkeeping (Melting Pot `the_matrix` level, `lua/levels/the_matrix/components.lua`): the
 * resources and their state machine, each player's readiness, pending interaction effects, the last interaction's
 * inventories, and the consent requests of Crucible's consent variant. Inventories themselves live in the ECS
 * `Inventory` component (`count[eid · K + k]`). Sized once per sim; `buildMatrixEpisode` refills it at each reset.
 *
 * A resource is live (on the lower layer, collectable, stops the interaction beam) or waiting (on the logic layer,
 * invisible). The changes go through `setResourceLive` / `setResourceWaiting`, which keep the grid layer, the
 * `Resource.state` field and the dense waiting set in step.
 */
import { ResourceState } from '../../ecs/components.js';
import { spawnMapObject } from '../spawnMapObject.js';
import type { MatrixSpec, Prefab, SubstrateSpec } from '../../substrates/types.js';
import { stateOf, type Mechanic } from '../mechanics.js';
import { Layer } from '../layers.js';
import type { ParsedMap, Sim } from '../sim.js';
import { Sprite } from '../sprites.js';

/** Figures counted over an episode of a matrix substrate. */
export interface MatrixCounters {
  resourcesCollected: number;
  /** Live resources destroyed by interaction-beam hits (`Destroyable`). */
  resourcesDestroyed: number;
  interactionBeamsFired: number;
  /** Interactions resolved (payoffs computed). */
  interactions: number;
  /** Beam hits refused because a player had not collected a resource since its last reset. */
  unreadyHits: number;
  consentRequests: number;
  consentAccepted: number;
  consentRefused: number;
}

export interface MatrixState {
  /** Resource classes (K): the inventory length. */
  readonly classes: number;
  /** Resource index → entity id; `count` resources this episode. */
  readonly eids: Int32Array;
  count: number;
  /** Entity id → resource index, −1 for anything else. */
  readonly indexOf: Int32Array;
  /** Resource index → class, 0-based (legend `resource:k` is class k − 1). */
  readonly cls: Uint8Array;
  /** Resource index → 1 if live. */
  readonly live: Uint8Array;
  liveCount: number;
  /** Resource index → tick it last started waiting. */
  readonly waitingSince: Int32Array;
  /** Resource index → interaction-beam hits it can still take (`Destroyable` health). */
  readonly health: Uint8Array;
  /** Dense set of waiting resources and each one's position in it (−1 when live). */
  readonly waiting: Int32Array;
  waitingCount: number;
  readonly waitingPos: Int32Array;
  /** Resources whose regrowth draw succeeded on a free cell before this tick's moves; they turn live after them. */
  readonly regrowing: Int32Array;
  regrowingCount: number;

  /** Slot → 1 once the player has collected a resource since its last inventory reset (`playerCollectedAtLeastOneResource`). */
  readonly ready: Uint8Array;
  /** Slot → last tick a beam hit involved the player, as firer or target (`interactedThisStep`). */
  readonly hitAt: Int32Array;
  /** Slot → tick its pending interaction effects land (0 = none). Players with pending effects cannot be hit. */
  readonly effectsAt: Int32Array;
  /** Column slot → its row partner while the pair's effects are pending (−1 otherwise). The effects live on the column player, as in Melting Pot. */
  readonly pendingRow: Int32Array;
  /** Column slot → the pair's row and column payoffs, and 1 if the row player won (ties go to the row player). */
  readonly pendingRowReward: Float64Array;
  readonly pendingColReward: Float64Array;
  readonly pendingRowWon: Uint8Array;

  /** Slot → tick of its last interaction (−1 = none this episode). */
  readonly interactionTick: Int32Array;
  /** Slot → interactions it took part in this episode. */
  readonly interactionCount: Int32Array;
  /** Slot → its own then its partner's inventory at its last interaction (2 · K values). */
  readonly interactionInventories: Float64Array;
  /** Slot → class of the unique majority of its inventory at its last interaction (−1: none yet, or a tie). */
  readonly lastChoice: Int8Array;

  /** Consent variant: target slot → requester slot of its open request (−1), and requester → target. */
  readonly requestFrom: Int32Array;
  readonly requestTo: Int32Array;
  /** Target slot → last tick on which it may accept its open request. */
  readonly requestDeadline: Int32Array;

  readonly counters: MatrixCounters;
}

/** Cells whose legend places a resource, in the (tiled) map. */
function resourceCells(spec: SubstrateSpec, map: ParsedMap): number {
  let n = 0;
  for (const ch of map.chars) {
    if ((spec.legend[ch] as readonly Prefab[]).some((p) => p.startsWith('resource:'))) n++;
  }
  return n;
}

export function createMatrixState(spec: SubstrateSpec, map: ParsedMap, players: number, capacity: number): MatrixState {
  const m = spec.matrix as MatrixSpec;
  const n = resourceCells(spec, map);
  const k = m.resources.length;
  return {
    classes: k,
    eids: new Int32Array(n),
    count: 0,
    indexOf: new Int32Array(capacity + 1).fill(-1),
    cls: new Uint8Array(n),
    live: new Uint8Array(n),
    liveCount: 0,
    waitingSince: new Int32Array(n),
    health: new Uint8Array(n),
    waiting: new Int32Array(n),
    waitingCount: 0,
    waitingPos: new Int32Array(n),
    regrowing: new Int32Array(n),
    regrowingCount: 0,
    ready: new Uint8Array(players),
    hitAt: new Int32Array(players),
    effectsAt: new Int32Array(players),
    pendingRow: new Int32Array(players),
    pendingRowReward: new Float64Array(players),
    pendingColReward: new Float64Array(players),
    pendingRowWon: new Uint8Array(players),
    interactionTick: new Int32Array(players),
    interactionCount: new Int32Array(players),
    interactionInventories: new Float64Array(players * 2 * k),
    lastChoice: new Int8Array(players),
    requestFrom: new Int32Array(players),
    requestTo: new Int32Array(players),
    requestDeadline: new Int32Array(players),
    counters: {
      resourcesCollected: 0, resourcesDestroyed: 0, interactionBeamsFired: 0, interactions: 0, unreadyHits: 0,
      consentRequests: 0, consentAccepted: 0, consentRefused: 0,
    },
  };
}

/**
 * The matrix games: used by a substrate with a `matrix` block. Its resources are laid after the avatars spawn (by
 * `buildMatrixEpisode`, which reads the map itself), because a `resource:choice` cell's class draw comes after the
 * spawn draws; so it hands no prefab to the map builder.
 */
export const MATRIX: Mechanic<MatrixState> = {
  name: 'matrix',
  uses: (spec: SubstrateSpec) => spec.matrix !== undefined,
  prefabs: [],
  create: (sim: Sim) => createMatrixState(sim.spec, sim.map, sim.players, sim.capacity),
  afterAvatars: (sim: Sim) => buildMatrixEpisode(sim),
  /** One inventory entry per resource class. */
  inventorySize: (spec: SubstrateSpec) => (spec.matrix as MatrixSpec).resources.length,
};

/** The matrix games' state in this sim, or null without a `matrix` block. */
export function matrixOf(sim: Sim): MatrixState | null {
  return stateOf(sim, MATRIX);
}

/**
 * Build the resources of a new episode and reset every player's matrix state (call after the avatars exist).
 * A `resource:choice` cell draws its class uniformly with the episode's generator, so it changes every episode
 * (Melting Pot's `{"type": "choice"}` prefab). Every resource starts live; inventories start at `initialInventory`.
 */
export function buildMatrixEpisode(sim: Sim): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  const { world, map, spec } = sim;
  const { c, grid, rng } = world;
  const k = st.classes;
  st.count = 0;
  st.indexOf.fill(-1);
  st.liveCount = 0;
  st.waitingCount = 0;
  st.regrowingCount = 0;
  for (let cell = 0; cell < map.chars.length; cell++) {
    for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) {
      if (!p.startsWith('resource:')) continue;
      const cls = p === 'resource:choice' ? rng.int(k) : Number(p.slice(9)) - 1;
      const eid = spawnMapObject(world, grid.cellX(cell), grid.cellY(cell), Layer.Lower, Sprite.Resource1 + cls, c.Resource);
      c.Resource.kind[eid] = cls + 1;
      c.Resource.state[eid] = ResourceState.Live;
      const i = st.count++;
      st.eids[i] = eid;
      st.indexOf[eid] = i;
      st.cls[i] = cls;
      st.live[i] = 1;
      st.waitingPos[i] = -1;
      st.waitingSince[i] = 0;
      st.health[i] = m.resourceHealth;
      st.liveCount++;
    }
  }
  for (let s = 0; s < sim.players; s++) resetInventory(sim, s);
  st.hitAt.fill(-1);
  st.effectsAt.fill(0);
  st.pendingRow.fill(-1);
  st.pendingRowReward.fill(0);
  st.pendingColReward.fill(0);
  st.pendingRowWon.fill(0);
  st.interactionTick.fill(-1);
  st.interactionCount.fill(0);
  st.interactionInventories.fill(-1);
  st.lastChoice.fill(-1);
  st.requestFrom.fill(-1);
  st.requestTo.fill(-1);
  st.requestDeadline.fill(0);
  const n = st.counters;
  n.resourcesCollected = n.resourcesDestroyed = n.interactionBeamsFired = n.interactions = n.unreadyHits = 0;
  n.consentRequests = n.consentAccepted = n.consentRefused = 0;
}

/** Inventory back to the initial one, and the player is no longer ready (`TheMatrix:resetInventory`). */
export function resetInventory(sim: Sim, slot: number): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  const inv = sim.world.c.Inventory;
  const base = sim.avatars[slot] * inv.size;
  for (let k = 0; k < st.classes; k++) inv.count[base + k] = m.initialInventory[k];
  st.ready[slot] = 0;
}

export function setResourceWaiting(sim: Sim, i: number): void {
  const st = matrixOf(sim);
  if (!st || st.live[i] === 0) return;
  const eid = st.eids[i];
  st.live[i] = 0;
  st.liveCount--;
  st.waitingSince[i] = sim.world.tick;
  sim.world.c.Resource.state[eid] = ResourceState.Waiting;
  sim.world.grid.setLayer(eid, Layer.Logic);
  st.waitingPos[i] = st.waitingCount;
  st.waiting[st.waitingCount++] = i;
}

export function setResourceLive(sim: Sim, i: number): void {
  const st = matrixOf(sim);
  if (!st || st.live[i] === 1) return;
  const eid = st.eids[i];
  st.live[i] = 1;
  st.liveCount++;
  sim.world.c.Resource.state[eid] = ResourceState.Live;
  sim.world.grid.setLayer(eid, Layer.Lower);
  // Swap-remove from the waiting set.
  const pos = st.waitingPos[i];
  const last = st.waiting[--st.waitingCount];
  st.waiting[pos] = last;
  st.waitingPos[last] = pos;
  st.waitingPos[i] = -1;
}

/** Class (0-based) of the unique largest entry of `inv[offset .. offset + k)`, or −1 on a tie. */
export function majorityClass(inv: ArrayLike<number>, offset: number, k: number): number {
  let best = -1, bestV = -Infinity, tied = false;
  for (let i = 0; i < k; i++) {
    const v = inv[offset + i];
    if (v > bestV) {
      bestV = v;
      best = i;
      tied = false;
    } else if (v === bestV) tied = true;
  }
  return tied ? -1 : best;
}

/** 0-based class with `role`, or −1. */
export function classWithRole(m: MatrixSpec, role: 'cooperate' | 'defect'): number {
  return m.resources.findIndex((r) => r.role === role);
}

/**
 * The payoffs of an interaction (`GameInteractionZapper:_resolve`): r and c are the row and column inventories
 * divided by their sums (left as they are when a sum is 0); row = r·M_row·c, column = r·M_col·c. Written to
 * `out[0]`, `out[1]`.
 */
export function interactionPayoffs(
  m: MatrixSpec,
  row: ArrayLike<number>,
  rowOffset: number,
  col: ArrayLike<number>,
  colOffset: number,
  out: Float64Array,
): void {
  const k = m.resources.length;
  let rs = 0, cs = 0;
  for (let i = 0; i < k; i++) {
    rs += row[rowOffset + i];
    cs += col[colOffset + i];
  }
  const rd = rs > 0 ? rs : 1, cd = cs > 0 ? cs : 1;
  let rowReward = 0, colReward = 0;
  for (let i = 0; i < k; i++) {
    const ri = row[rowOffset + i] / rd;
    for (let j = 0; j < k; j++) {
      const p = ri * (col[colOffset + j] / cd);
      rowReward += p * m.rowMatrix[i][j];
      colReward += p * m.columnMatrix[i][j];
    }
  }
  out[0] = rowReward;
  out[1] = colReward;
}

/** The episode's matrix figures for summaries, snake_case like the other summary fields. */
export interface MatrixFigures {
  resources_collected: number;
  resources_destroyed: number;
  interaction_beams_fired: number;
  interactions: number;
  unready_hits: number;
  consent_requests: number;
  consent_accepted: number;
  consent_refused: number;
}

export function matrixFigures(st: MatrixState): MatrixFigures {
  const n = st.counters;
  return {
    resources_collected: n.resourcesCollected,
    resources_destroyed: n.resourcesDestroyed,
    interaction_beams_fired: n.interactionBeamsFired,
    interactions: n.interactions,
    unready_hits: n.unreadyHits,
    consent_requests: n.consentRequests,
    consent_accepted: n.consentAccepted,
    consent_refused: n.consentRefused,
  };
}
