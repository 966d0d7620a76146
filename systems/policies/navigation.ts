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
