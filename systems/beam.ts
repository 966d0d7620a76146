/**
 * Beam geometry (Lab2D `hitBeam(length L, radius R)`), shared by every beam: the centre line starts one cell ahead
 * and covers L cells; for each side and r = 1..R a line starts r cells to that side, in the firer's own row, and
 * covers L − r + 1 cells forward. If the first cell of a side line is blocked (a wall or off the map), that side's
 * wider lines are skipped. Within a line the visitor decides where the beam stops (a wall, a hit player, dirt).
 */
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import { recordBeamCell, type BeamKind } from './beamOverlay.js';
import type { Sim } from './sim.js';

/** Called for each cell the beam reaches; return true to stop that line there. */
export interface BeamVisitor {
  visit(x: number, y: number): boolean;
}

/**
 * Trace a beam from (x, y) facing `dir`. Off-map cells stop a line (a torus wraps instead). A fired beam passes its
 * `drawn` kind: each cell it reaches and is not stopped in is recorded for the frames of this tick
 * (systems/beamOverlay.ts); a probe (a bot looking ahead) passes nothing.
 */
export function traceBeam(
  sim: Sim, x: number, y: number, dir: number, length: number, radius: number, v: BeamVisitor, drawn: BeamKind | 0 = 0,
): void {
  const fx = DIR_DX[dir], fy = DIR_DY[dir];
  walkLine(sim, x + fx, y + fy, fx, fy, length, v, true, drawn);
  for (let side = 1; side <= 3; side += 2) {
    const sd = (dir + side) & 3;
    const sx = DIR_DX[sd], sy = DIR_DY[sd];
    for (let r = 1; r <= radius; r++) {
      const x0 = x + sx * r, y0 = y + sy * r;
      if (blocked(sim, x0, y0)) break;
      walkLine(sim, x0, y0, fx, fy, length - r + 1, v, true, drawn);
    }
  }
}

/** Every cell of the beam's shape, ignoring all blockers (what the firer aimed at). */
export function traceBeamShape(sim: Sim, x: number, y: number, dir: number, length: number, radius: number, v: BeamVisitor): void {
  const fx = DIR_DX[dir], fy = DIR_DY[dir];
  walkLine(sim, x + fx, y + fy, fx, fy, length, v, false);
  for (let side = 1; side <= 3; side += 2) {
    const sd = (dir + side) & 3;
    for (let r = 1; r <= radius; r++) walkLine(sim, x + DIR_DX[sd] * r, y + DIR_DY[sd] * r, fx, fy, length - r + 1, v, false);
  }
}

function blocked(sim: Sim, x: number, y: number): boolean {
  const g = sim.world.grid;
  if (g.torus) return sim.walls[g.cellIndex(g.wrapX(x), g.wrapY(y))] === 1;
  return !g.inBounds(x, y) || sim.walls[g.cellIndex(x, y)] === 1;
}

/**
 * Visit the n cells of one beam line. `solid`: a real beam — an off-map cell ends the line, and so does the
 * visitor returning true; otherwise the aimed shape — off-map cells are skipped and nothing stops the line.
 */
function walkLine(
  sim: Sim, x: number, y: number, dx: number, dy: number, n: number, v: BeamVisitor, solid: boolean, drawn: BeamKind | 0 = 0,
): void {
  const g = sim.world.grid;
  for (let i = 0; i < n; i++, x += dx, y += dy) {
    let cx = x, cy = y;
    if (g.torus) {
      cx = g.wrapX(x);
      cy = g.wrapY(y);
    } else if (!g.inBounds(cx, cy)) {
      if (solid) return;
      continue;
    }
    if (v.visit(cx, cy)) {
      if (solid) return;
    } else if (drawn !== 0) recordBeamCell(sim, g.cellIndex(cx, cy), drawn);
  }
}
