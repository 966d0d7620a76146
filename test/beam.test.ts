/**
 * Beam geometry (systems/beam.ts) on bare grids, every cell a beam reaches written out by hand. Lab2D
 * `hitBeam(length L, radius R)` (Lab2D `dmlab2d/lib/system/grid_world/grid.cc:882` HitBeamActual): the centre line starts
 * one cell ahead and covers L cells; for r = 1..R each side line starts r cells to the side, in the firer's row, and
 * covers L − r + 1 cells; a blocked first cell of a side line skips that side's wider lines.
 */
import { strict as assert } from 'node:assert';
import { Dir } from '../ecs/components.js';
import { SpatialGrid } from '../ecs/grid.js';
import { traceBeam, traceBeamShape, type BeamVisitor } from '../systems/beam.js';
import type { Sim } from '../systems/sim.js';

/** Just what the tracers read: the grid and the wall cells. */
function field(width: number, height: number, walls: [number, number][] = [], torus = false): Sim {
  const grid = new SpatialGrid({ width, height, layers: 1, capacity: 2, torus });
  const wallCells = new Uint8Array(width * height);
  for (const [x, y] of walls) wallCells[grid.cellIndex(x, y)] = 1;
  return { world: { grid }, walls: wallCells } as unknown as Sim;
}

/** Records the cells visited, in order; stops a line at the given cells (a wall, a player, dirt...). */
class Recorder implements BeamVisitor {
  readonly cells: string[] = [];
  constructor(private readonly stops: string[] = []) {}
  visit(x: number, y: number): boolean {
    const key = `${x},${y}`;
    this.cells.push(key);
    return this.stops.includes(key);
  }
}

function trace(sim: Sim, x: number, y: number, dir: Dir, length: number, radius: number, stops: string[] = []): string[] {
  const r = new Recorder(stops);
  traceBeam(sim, x, y, dir, length, radius, r);
  return r.cells;
}

function shape(sim: Sim, x: number, y: number, dir: Dir, length: number, radius: number): string[] {
  const r = new Recorder();
  traceBeamShape(sim, x, y, dir, length, radius, r);
  return r.cells;
}

const sorted = (cells: string[]): string[] => [...cells].sort();

describe('beam geometry', () => {
  it('L=3 R=1 facing east from (3, 2) on a 7×5 map: the centre line, then each side line of 3 cells', () => {
    assert.deepEqual(trace(field(7, 5), 3, 2, Dir.E, 3, 1), [
      '4,2', '5,2', '6,2', // centre: one cell ahead, 3 cells
      '3,3', '4,3', '5,3', // the south side (E + 1 quarter turn), from the firer's own column
      '3,1', '4,1', '5,1', // the north side
    ]);
  });

  it('L=3 R=2 facing north: the r = 2 side lines are 2 cells long', () => {
    assert.deepEqual(sorted(trace(field(9, 9), 4, 4, Dir.N, 3, 2)), sorted([
      '4,3', '4,2', '4,1',
      '5,4', '5,3', '5,2', '6,4', '6,3',
      '3,4', '3,3', '3,2', '2,4', '2,3',
    ]));
  });

  it('traces in a fixed order: centre line, then the clockwise side (r = 1, 2), then the other side', () => {
    // Facing north the clockwise side is east; facing east it is south.
    const north = ['4,3', '4,2', '4,1', '5,4', '5,3', '5,2', '6,4', '6,3', '3,4', '3,3', '3,2', '2,4', '2,3'];
    assert.deepEqual(trace(field(9, 9), 4, 4, Dir.N, 3, 2), north);
    assert.deepEqual(shape(field(9, 9), 4, 4, Dir.N, 3, 2), north);
    const east = ['5,4', '6,4', '7,4', '4,5', '5,5', '6,5', '4,6', '5,6', '4,3', '5,3', '6,3', '4,2', '5,2'];
    assert.deepEqual(trace(field(9, 9), 4, 4, Dir.E, 3, 2), east);
    assert.deepEqual(shape(field(9, 9), 4, 4, Dir.E, 3, 2), east);
  });

  it('a line stops where the visitor says so; the other lines go on', () => {
    assert.deepEqual(trace(field(7, 5), 3, 2, Dir.E, 3, 1, ['5,2', '3,3']), ['4,2', '5,2', '3,3', '3,1', '4,1', '5,1']);
  });

  it('a wall at the first cell of a side line skips that side (its wider lines too); the other side reaches r = 2', () => {
    const cells = trace(field(9, 9, [[5, 4]]), 4, 4, Dir.N, 3, 2);
    assert.deepEqual(sorted(cells), sorted(['4,3', '4,2', '4,1', '3,4', '3,3', '3,2', '2,4', '2,3']));
  });

  it('a wall further along a side line does not skip the wider line', () => {
    const cells = trace(field(9, 9, [[5, 3]]), 4, 4, Dir.N, 3, 2);
    assert.ok(cells.includes('6,4') && cells.includes('6,3'), 'r = 2 on the east side is traced');
    assert.ok(cells.includes('5,4'), 'the walled line starts (the visitor decides at the wall)');
  });

  it('off the map a line ends, and a side line starting off the map skips that side', () => {
    // From (0, 2) facing north on a 7×5 map: the west side starts at x = −1.
    assert.deepEqual(sorted(trace(field(7, 5), 0, 2, Dir.N, 3, 2)), sorted(['0,1', '0,0', '1,2', '1,1', '1,0', '2,2', '2,1']));
    assert.deepEqual(trace(field(7, 5), 1, 2, Dir.W, 3, 0), ['0,2'], 'the centre line leaves the map after one cell');
  });

  it('on a torus lines wrap across the edges, and a wall across the seam blocks a side line', () => {
    assert.deepEqual(trace(field(7, 5, [], true), 0, 2, Dir.W, 3, 0), ['6,2', '5,2', '4,2']);
    assert.deepEqual(sorted(trace(field(7, 5, [], true), 3, 0, Dir.N, 2, 1)), sorted(['3,4', '3,3', '4,0', '4,4', '2,0', '2,4']));
    assert.deepEqual(trace(field(7, 5, [], true), 0, 2, Dir.N, 2, 1), ['0,1', '0,0', '1,2', '1,1', '6,2', '6,1'], 'the west side starts across the seam');
    const walled = field(7, 5, [[6, 2]], true);
    assert.deepEqual(sorted(trace(walled, 0, 2, Dir.N, 2, 1)), sorted(['0,1', '0,0', '1,2', '1,1']), 'the west side starts on the wall at (6, 2)');
  });

  describe('the aimed shape (traceBeamShape)', () => {
    it('visits every cell of the shape, through walls and past whatever the visitor reports', () => {
      const sim = field(9, 9, [[5, 4], [4, 2]]);
      assert.deepEqual(sorted(shape(sim, 4, 4, Dir.N, 3, 2)), sorted([
        '4,3', '4,2', '4,1',
        '5,4', '5,3', '5,2', '6,4', '6,3',
        '3,4', '3,3', '3,2', '2,4', '2,3',
      ]));
      const r = new Recorder(['4,3']);
      traceBeamShape(sim, 4, 4, Dir.N, 3, 0, r);
      assert.deepEqual(r.cells, ['4,3', '4,2', '4,1'], 'a visitor returning true does not stop the shape');
      const sides = new Recorder(['5,4', '3,4']);
      traceBeamShape(sim, 4, 4, Dir.N, 2, 1, sides);
      assert.deepEqual(sides.cells, ['4,3', '4,2', '5,4', '5,3', '3,4', '3,3'], 'nor a side line');
    });

    it('leaves out cells off the map and keeps the rest of the shape', () => {
      assert.deepEqual(sorted(shape(field(7, 5), 0, 1, Dir.N, 3, 1)), sorted(['0,0', '1,1', '1,0']));
    });

    it('wraps on a torus', () => {
      assert.deepEqual(shape(field(7, 5, [], true), 6, 2, Dir.E, 2, 0), ['0,2', '1,2']);
    });
  });
});
