/**
 * Component stores, declared once. Each component is a plain object of typed arrays indexed by entity id and sized
 * from the world's capacity (bitECS 0.4 style: the world registers whatever objects we hand it).
 * Fast-changing state lives in fields (`Frozen.until[eid]`), not in adding/removing components each tick.
 */

/** Facing, clockwise from north, as Lab2D's compass `{'N','E','S','W'}`. */
export const enum Dir {
  N = 0,
  E = 1,
  S = 2,
  W = 3,
}

/** Unit step of each facing, indexed by `Dir` (y grows southwards, like map rows). */
export const DIR_DX: readonly number[] = [0, 1, 0, -1];
export const DIR_DY: readonly number[] = [-1, 0, 1, 0];
export const DIR_NAMES: readonly string[] = ['N', 'E', 'S', 'W'];

/** Resource state: live (collectable) or waiting to regrow. */
export const enum ResourceState {
  Live = 0,
  Waiting = 1,
}

export interface Components {
  /** Cell coordinates (x = column, y = row). */
  Position: { x: Int32Array; y: Int32Array };
  /** Facing, a `Dir`. */
  Orientation: { dir: Uint8Array };
  /** A player's avatar; `slot` is the player index 0..players-1. */
  Avatar: { slot: Int32Array };
  /** A collectable: `kind` (substrate-defined, e.g. apple, resource class) and `state` (`ResourceState`). */
  Resource: { kind: Uint8Array; state: Uint8Array };
  /** Avatar may not act while tick < until. */
  Frozen: { until: Int32Array };
  /** Avatar is off the grid while tick < until (0 = on the grid). */
  Removed: { until: Int32Array };
  /** Beam cooldown timer in ticks (0 = ready). */
  Cooldown: { timer: Int32Array };
  /** A small fixed inventory vector: count[eid * size + k]. */
  Inventory: { size: number; count: Float64Array };
  /** Reward received this tick and the episode return so far. */
  Reward: { step: Float64Array; episode: Float64Array };
  /** A wall: blocks movement on its layer and stops beams. */
  Wall: Record<string, never>;
  /** A spawn point; `group` indexes the substrate's spawn groups. */
  SpawnPoint: { group: Uint8Array };
  /** What the renderer draws for this entity (a substrate-level sprite id). */
  Sprite: { id: Uint8Array };
}

export function createComponents(capacity: number, inventorySize: number): Components {
  return {
    Position: { x: new Int32Array(capacity), y: new Int32Array(capacity) },
    Orientation: { dir: new Uint8Array(capacity) },
    Avatar: { slot: new Int32Array(capacity).fill(-1) },
    Resource: { kind: new Uint8Array(capacity), state: new Uint8Array(capacity) },
    Frozen: { until: new Int32Array(capacity) },
    Removed: { until: new Int32Array(capacity) },
    Cooldown: { timer: new Int32Array(capacity) },
    Inventory: { size: inventorySize, count: new Float64Array(capacity * inventorySize) },
    Reward: { step: new Float64Array(capacity), episode: new Float64Array(capacity) },
    Wall: {},
    SpawnPoint: { group: new Uint8Array(capacity) },
    Sprite: { id: new Uint8Array(capacity) },
  };
}
