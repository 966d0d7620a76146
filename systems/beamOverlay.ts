/**
 * The beams drawn this tick. Lab2D paints a beam's sprite on its own layer into each cell the beam reaches and is
 * not stopped in (`Grid::DoHit`, dmlab2d/lib/system/grid_world/grid.cc:840-866: a blocked cell — a wall, a hit
 * player, cleaned dirt, off the map — gets no beam sprite), and clears those sprites at the next update, so a beam
 * shows in the frames of the tick it was fired. The beam systems record the cells here through `traceBeam`
 * (systems/beam.ts); the renderer reads them. The record belongs to one tick of one world: the first cell recorded
 * in a new tick (or a new episode's world) clears the old ones, so nothing needs resetting between ticks.
 */
import type { Sim } from './sim.js';

/** Beam kinds, as bit flags: a cell may be covered by several kinds in one tick. */
export const enum BeamKind {
  Zap = 1,
  Clean = 2,
  Interact = 4,
  /** Allelopathic Harvest's planting beams, colours 1 to 3. */
  Color1 = 8,
  Color2 = 16,
  Color3 = 32,
}

export interface BeamOverlay {
  /** The world and tick the cells belong to. */
  world: object | null;
  tick: number;
  /** cell → `BeamKind` flags of the beams covering it (valid for the cells listed in `cells`). */
  readonly mask: Uint8Array;
  /** Cells with a beam, in the order first reached; `count` of them. */
  readonly cells: Int32Array;
  count: number;
}

export function createBeamOverlay(cells: number): BeamOverlay {
  return { world: null, tick: -1, mask: new Uint8Array(cells), cells: new Int32Array(cells), count: 0 };
}

/** Record that a beam of `kind` covers map cell `cell` this tick. */
export function recordBeamCell(sim: Sim, cell: number, kind: BeamKind): void {
  const o = sim.beams;
  if (o.world !== sim.world || o.tick !== sim.world.tick) {
    for (let i = 0; i < o.count; i++) o.mask[o.cells[i]] = 0;
    o.count = 0;
    o.world = sim.world;
    o.tick = sim.world.tick;
  }
  if (o.mask[cell] === 0) o.cells[o.count++] = cell;
  o.mask[cell] |= kind;
}

/** Number of cells with a beam in the sim's current tick (0 when the record is from another tick or world). */
export function beamCellCount(sim: Sim): number {
  const o = sim.beams;
  return o.world === sim.world && o.tick === sim.world.tick ? o.count : 0;
}
