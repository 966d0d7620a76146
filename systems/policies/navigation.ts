/**
 * Shared helpers for scripted bots: find the nearest cell that passes a test, and pick the egocentric step that
 * brings a player closer to a target. Buffers are module-level and reused: no allocation per call.
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import { Metric } from '../../ecs/grid.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';

const found = new Int32Array(4096);

/**
 * The nearest entity (L1) on `layer` around the avatar of `slot` that `accept` allows, searching rings of growing
 * radius; 0 if none within `maxRadius`.
 */
export function nearestOnLayer(sim: Sim, slot: number, layer: Layer, accept: (eid: number) => boolean, maxRadius = 48): number {
  const { c, grid } = sim.world;
  const me = sim.avatars[slot];
  const x = c.Position.x[me], y = c.Position.y[me];
  for (let r = 3; ; r *= 2) {
    const radius = Math.min(r, maxRadius);
    const n = Math.min(grid.queryRadius(x, y, radius, Metric.Manhattan, layer, found), found.length);
    let best = 0, bestD = Infinity;
    for (let i = 0; i < n; i++) {
      const e = found[i];
      if (!accept(e)) continue;
      const d = Math.abs(c.Position.x[e] - x) + Math.abs(c.Position.y[e] - y);
      if (d < bestD) {
        bestD = d;
        best = e;
      }
    }
    if (best !== 0 || radius >= maxRadius) return best;
  }
}

/** Action-table indices of the movement actions, looked up by name once per bot. */
export interface MoveActions {
  noop: number;
  forward: number;
  backward: number;
  left: number;
  right: number;
  turnLeft: number;
  turnRight: number;
}

export function moveActions(sim: Sim): MoveActions {
  const idx = (name: string): number => {
    const i = sim.spec.actions.findIndex((a) => a.name === name);
    if (i < 0) throw new Error(`substrate ${sim.spec.name} has no ${name} action`);
    return i;
  };
  return {
    noop: idx('NOOP'), forward: idx('FORWARD'), backward: idx('BACKWARD'), left: idx('STEP_LEFT'),
    right: idx('STEP_RIGHT'), turnLeft: idx('TURN_LEFT'), turnRight: idx('TURN_RIGHT'),
  };
}

/**
 * The step (forward, backward, strafe) that brings the avatar of `slot` closer to (tx, ty) onto a cell that is
 * free on the avatar layer and allowed by `canEnter`; the larger axis first. Turns randomly when stuck.
 */
export function stepToward(sim: Sim, slot: number, tx: number, ty: number, m: MoveActions, canEnter?: (x: number, y: number) => boolean): number {
  const { c, grid, rng } = sim.world;
  const me = sim.avatars[slot];
  const x = c.Position.x[me], y = c.Position.y[me], dir = c.Orientation.dir[me];
  const dx = tx - x, dy = ty - y;
  // Components of the target offset along facing (forward) and to the right of facing.
  const fwd = dx * DIR_DX[dir] + dy * DIR_DY[dir];
  const rd = (dir + 1) & 3;
  const right = dx * DIR_DX[rd] + dy * DIR_DY[rd];
  const tryMove = (rel: number, action: number): number => {
    const h = (dir + rel) & 3;
    const nx = x + DIR_DX[h], ny = y + DIR_DY[h];
    if (!grid.inBounds(nx, ny) || grid.at(nx, ny, Layer.Upper) !== 0) return -1;
    if (canEnter && !canEnter(nx, ny)) return -1;
    return action;
  };
  const forwardFirst = Math.abs(fwd) >= Math.abs(right);
  const moveF = fwd > 0 ? tryMove(0, m.forward) : fwd < 0 ? tryMove(2, m.backward) : -1;
  const moveR = right > 0 ? tryMove(1, m.right) : right < 0 ? tryMove(3, m.left) : -1;
  const a = forwardFirst ? (moveF >= 0 ? moveF : moveR) : moveR >= 0 ? moveR : moveF;
  if (a >= 0) return a;
  return rng.int(2) === 0 ? m.turnLeft : m.turnRight;
}

/** Cells a bot's path search may visit per tick (bounds the cost on tiled maps). */
const MAX_SEARCH = 4096;

// Path finding: breadth-first search over free cells, buffers shared by all bots (they act one at a time).

let stamp = new Int32Array(0);
let firstDir = new Int8Array(0);
let queue = new Int32Array(0);
let epoch = 0;

function ensureBuffers(cells: number): void {
  if (stamp.length >= cells) return;
  stamp = new Int32Array(cells);
  firstDir = new Int8Array(cells);
  queue = new Int32Array(cells);
  epoch = 0;
}

/**
 * The absolute direction of the first step on a shortest path from the avatar of `slot` to a cell `isGoal`
 * accepts, through cells free of walls and avatars and, unless `allowAvoided`, not `avoid`ed; −1 if none within
 * MAX_SEARCH cells, −2 if the avatar already stands on a goal.
 */
export function firstStep(sim: Sim, slot: number, isGoal: (cell: number) => boolean, avoid: (cell: number) => boolean, allowAvoided: boolean): number {
  const { grid, c } = sim.world;
  const cells = sim.width * sim.height;
  ensureBuffers(cells);
  if (++epoch === 0x7fffffff) {
    stamp.fill(0);
    epoch = 1;
  }
  const me = sim.avatars[slot];
  const start = grid.cellIndex(c.Position.x[me], c.Position.y[me]);
  if (isGoal(start)) return -2;
  stamp[start] = epoch;
  let head = 0, tail = 0;
  for (let d = 0; d < 4; d++) {
    const next = neighbour(sim, start, d);
    if (next < 0 || stamp[next] === epoch || !free(sim, next) || (!allowAvoided && avoid(next))) continue;
    stamp[next] = epoch;
    firstDir[next] = d;
    queue[tail++] = next;
  }
  while (head < tail && tail < MAX_SEARCH) {
    const cell = queue[head++];
    if (isGoal(cell)) return firstDir[cell];
    for (let d = 0; d < 4; d++) {
      const next = neighbour(sim, cell, d);
      if (next < 0 || stamp[next] === epoch || !free(sim, next) || (!allowAvoided && avoid(next))) continue;
      stamp[next] = epoch;
      firstDir[next] = firstDir[cell];
      queue[tail++] = next;
    }
  }
  while (head < tail) if (isGoal(queue[head++])) return firstDir[queue[head - 1]];
  return -1;
}

export function neighbour(sim: Sim, cell: number, d: number): number {
  const g = sim.world.grid;
  const x = g.cellX(cell) + DIR_DX[d], y = g.cellY(cell) + DIR_DY[d];
  if (g.torus) return g.cellIndex(g.wrapX(x), g.wrapY(y));
  return g.inBounds(x, y) ? g.cellIndex(x, y) : -1;
}

function free(sim: Sim, cell: number): boolean {
  return sim.walls[cell] === 0 && sim.world.grid.atCell(cell, Layer.Upper) === 0;
}

/** The egocentric move action that steps in absolute direction `d` for an avatar facing `facing`. */
export function stepAction(m: MoveActions, facing: number, d: number): number {
  const rel = (d - facing + 4) & 3;
  return rel === 0 ? m.forward : rel === 1 ? m.right : rel === 2 ? m.backward : m.left;
}
