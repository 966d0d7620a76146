import { strict as assert } from 'node:assert';
import { ALL_LAYERS, Metric, SpatialGrid } from '../ecs/grid.js';
import { Rng } from '../ecs/rng.js';

/** Where the reference model believes an entity is. */
interface Placed {
  x: number;
  y: number;
  layer: number;
}

/** Brute-force reference: a plain map from entity id to position, scanned in full for every question. */
class Model {
  readonly where = new Map<number, Placed>();
  constructor(
    readonly width: number,
    readonly height: number,
    readonly torus: boolean,
  ) {}

  /** Distance along one axis: the short way round on a torus. */
  private axis(d: number, size: number): number {
    const a = Math.abs(d);
    return this.torus ? Math.min(a, size - a) : a;
  }

  within(cx: number, cy: number, radius: number, metric: Metric, layer: number): number[] {
    const found: number[] = [];
    for (const [eid, p] of this.where) {
      if (layer !== ALL_LAYERS && p.layer !== layer) continue;
      const dx = this.axis(p.x - cx, this.width);
      const dy = this.axis(p.y - cy, this.height);
      const inside = metric === Metric.Manhattan ? dx + dy <= radius : dx * dx + dy * dy <= radius * radius;
      if (inside) found.push(eid);
    }
    return found.sort((a, b) => a - b);
  }

  allAt(x: number, y: number, layer: number): number[] {
    const found: number[] = [];
    for (const [eid, p] of this.where) if (p.x === x && p.y === y && p.layer === layer) found.push(eid);
    return found.sort((a, b) => a - b);
  }
}

function sorted(buf: Int32Array, n: number): number[] {
  return Array.from(buf.subarray(0, n)).sort((a, b) => a - b);
}

/** A coordinate biased towards the edges, so corners and borders get as much traffic as the interior. */
function coord(rng: Rng, size: number): number {
  const k = rng.int(4);
  if (k === 0) return 0;
  if (k === 1) return size - 1;
  return rng.int(size);
}

/** Random operations per grid shape (GRID_OPS shortens the run under mutation testing: test/mutation/mutate.ts). */
const OPS = Number(process.env.GRID_OPS ?? 3000);

const MANHATTAN_RADII = [0, 1, 2, 3, 4.5, 6, 40];
const EUCLIDEAN_RADII = [0, 1, 1.5, 2.0, 2.5, Math.SQRT2, 3, 4.2, 40];

interface Shape {
  width: number;
  height: number;
  torus: boolean;
}

const SHAPES: Shape[] = [];
for (const [width, height] of [
  [7, 13],
  [13, 7],
  [1, 9],
  [9, 1],
  [1, 1],
  [2, 3],
  [4, 6],
  [31, 17],
]) {
  SHAPES.push({ width, height, torus: false }, { width, height, torus: true });
}

function checkAgainstModel(grid: SpatialGrid, model: Model, rng: Rng, layers: number, out: Int32Array): void {
  const { width, height } = grid;
  // Bookkeeping of every entity id.
  assert.equal(grid.size, model.where.size, 'size');
  for (let eid = 1; eid < grid.capacity; eid++) {
    const p = model.where.get(eid);
    assert.equal(grid.has(eid), p !== undefined, `has(${eid})`);
    if (p) {
      assert.equal(grid.cellOfEntity(eid), grid.cellIndex(p.x, p.y), `cellOfEntity(${eid})`);
      assert.equal(grid.layerOfEntity(eid), p.layer, `layerOfEntity(${eid})`);
    } else {
      assert.equal(grid.cellOfEntity(eid), -1, `cellOfEntity(${eid}) off the grid`);
    }
  }
  // A few cells: at / allAt with stacking.
  for (let i = 0; i < 4; i++) {
    const x = coord(rng, width), y = coord(rng, height), layer = rng.int(layers);
    const want = model.allAt(x, y, layer);
    const n = grid.allAt(x, y, layer, out);
    assert.deepEqual(sorted(out, n), want, `allAt(${x}, ${y}, ${layer})`);
    const first = grid.at(x, y, layer);
    if (want.length === 0) assert.equal(first, 0, `at(${x}, ${y}, ${layer}) empty`);
    else assert.ok(want.includes(first), `at(${x}, ${y}, ${layer}) = ${first} not in ${want}`);
    // Walking nextInCell from atCell visits the same stack.
    const walked: number[] = [];
    for (let e = grid.atCell(grid.cellIndex(x, y), layer); e !== 0; e = grid.nextInCell(e)) walked.push(e);
    assert.deepEqual(walked.sort((a, b) => a - b), want, `atCell/nextInCell(${x}, ${y}, ${layer})`);
  }
  // Radius queries from a couple of centres, every metric, radius and layer choice.
  for (let i = 0; i < 2; i++) {
    const cx = coord(rng, width), cy = coord(rng, height);
    for (const [metric, radii] of [
      [Metric.Manhattan, MANHATTAN_RADII],
      [Metric.Euclidean, EUCLIDEAN_RADII],
    ] as const) {
      for (const radius of radii) {
        for (let layer = ALL_LAYERS; layer < layers; layer++) {
          const want = model.within(cx, cy, radius, metric, layer);
          const what = `${metric === Metric.Manhattan ? 'L1' : 'L2'} r=${radius} layer=${layer} at (${cx}, ${cy})`;
          const n = grid.queryRadius(cx, cy, radius, metric, layer, out);
          assert.deepEqual(sorted(out, n), want, `queryRadius ${what}`);
          assert.equal(grid.countRadius(cx, cy, radius, metric, layer), want.length, `countRadius ${what}`);
        }
      }
    }
  }
}

describe('SpatialGrid', () => {
  describe('agrees with a brute-force scan under thousands of random operations', () => {
    for (const shape of SHAPES) {
      const { width, height, torus } = shape;
      it(`on a ${width}x${height} ${torus ? 'torus' : 'bounded grid'}`, () => {
        const layers = 3;
        const capacity = 41; // ids 1..40: dense enough that cells stack
        const grid = new SpatialGrid({ width, height, layers, capacity, torus });
        const model = new Model(width, height, torus);
        const rng = new Rng(width * 1000 + height * 10 + (torus ? 1 : 0));
        const out = new Int32Array(capacity);
        const ops = OPS;
        for (let op = 0; op < ops; op++) {
          const eid = 1 + rng.int(capacity - 1);
          const p = model.where.get(eid);
          const kind = rng.int(10);
          if (p === undefined) {
            if (kind < 7) {
              const next = { x: coord(rng, width), y: coord(rng, height), layer: rng.int(layers) };
              grid.place(eid, next.x, next.y, next.layer);
              model.where.set(eid, next);
            } else {
              grid.remove(eid); // removing an absent entity is a no-op
            }
          } else if (kind < 5) {
            const x = coord(rng, width), y = coord(rng, height);
            grid.move(eid, x, y);
            model.where.set(eid, { x, y, layer: p.layer });
          } else if (kind < 7) {
            const layer = rng.int(layers);
            grid.setLayer(eid, layer);
            model.where.set(eid, { x: p.x, y: p.y, layer });
          } else {
            grid.remove(eid);
            model.where.delete(eid);
          }
          if (op % 10 === 0 || op === ops - 1) checkAgainstModel(grid, model, rng, layers, out);
        }
      });
    }
  });

  describe('on a torus', () => {
    it('counts each cell once when the radius covers more than half the map', () => {
      for (const [width, height] of [
        [7, 13],
        [13, 7],
        [4, 6],
        [1, 5],
        [2, 2],
      ]) {
        const grid = new SpatialGrid({ width, height, layers: 1, capacity: width * height + 1, torus: true });
        let eid = 1;
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grid.place(eid++, x, y, 0);
        const out = new Int32Array(width * height * 2);
        for (const metric of [Metric.Manhattan, Metric.Euclidean]) {
          for (const [cx, cy] of [
            [0, 0],
            [width - 1, height - 1],
            [width >> 1, height >> 1],
          ]) {
            const n = grid.queryRadius(cx, cy, 100, metric, 0, out);
            assert.equal(n, width * height, `${width}x${height} metric ${metric} from (${cx}, ${cy})`);
            assert.equal(new Set(out.subarray(0, n)).size, n, 'no entity returned twice');
          }
        }
      }
    });

    it('reaches across the seam: a corner entity is next to the opposite corner', () => {
      const grid = new SpatialGrid({ width: 7, height: 13, layers: 1, capacity: 4, torus: true });
      grid.place(1, 6, 12, 0);
      grid.place(2, 3, 6, 0);
      const out = new Int32Array(4);
      assert.equal(grid.queryRadius(0, 0, 2, Metric.Manhattan, 0, out), 1);
      assert.equal(out[0], 1);
      assert.equal(grid.countRadius(0, 0, 1, Metric.Manhattan, 0), 0, 'the seam corner is 2 steps away, not 1');
      assert.equal(grid.countRadius(0, 0, Math.SQRT2, Metric.Euclidean, 0), 1);
      const bounded = new SpatialGrid({ width: 7, height: 13, layers: 1, capacity: 4 });
      bounded.place(1, 6, 12, 0);
      assert.equal(bounded.countRadius(0, 0, 2, Metric.Manhattan, 0), 0, 'a bounded grid does not wrap');
    });

    it('wraps out-of-bounds coordinates in at and allAt', () => {
      const grid = new SpatialGrid({ width: 5, height: 3, layers: 1, capacity: 4, torus: true });
      grid.place(1, 4, 2, 0);
      grid.place(2, 4, 2, 0);
      assert.ok([1, 2].includes(grid.at(-1, -1, 0)));
      assert.ok([1, 2].includes(grid.at(9, 5, 0)));
      const out = new Int32Array(4);
      assert.deepEqual(sorted(out, grid.allAt(-1, 2, 0, out)), [1, 2]);
      assert.equal(grid.wrapX(-1), 4);
      assert.equal(grid.wrapY(3), 0);
    });
  });

  describe('cell indexing on non-square maps', () => {
    for (const [width, height] of [
      [7, 13],
      [13, 7],
      [1, 9],
      [9, 1],
      [31, 17],
    ]) {
      it(`${width}x${height}: cellIndex is y * width + x and cellX / cellY invert it`, () => {
        const grid = new SpatialGrid({ width, height, layers: 1, capacity: 2 });
        assert.equal(grid.cells, width * height);
        const seen = new Set<number>();
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const cell = grid.cellIndex(x, y);
            assert.equal(cell, y * width + x);
            assert.equal(grid.cellX(cell), x);
            assert.equal(grid.cellY(cell), y);
            seen.add(cell);
          }
        }
        assert.equal(seen.size, width * height, 'every cell has its own index');
        assert.equal(Math.min(...seen), 0);
        assert.equal(Math.max(...seen), width * height - 1);
      });
    }

    it('places by (column, row): x runs along the width, y along the height', () => {
      const grid = new SpatialGrid({ width: 13, height: 7, layers: 1, capacity: 3 });
      grid.place(1, 12, 6, 0);
      assert.equal(grid.at(12, 6, 0), 1);
      assert.equal(grid.cellOfEntity(1), 6 * 13 + 12);
      assert.throws(() => grid.place(2, 6, 12, 0), RangeError, 'y = 12 is outside a 7-high map');
      const tall = new SpatialGrid({ width: 7, height: 13, layers: 1, capacity: 2 });
      assert.throws(() => tall.place(1, 12, 6, 0), RangeError, 'x = 12 is outside a 7-wide map');
      tall.place(1, 6, 12, 0);
      assert.equal(tall.at(6, 12, 0), 1);
    });
  });

  describe('at / allAt', () => {
    it('returns 0 outside a bounded grid', () => {
      const grid = new SpatialGrid({ width: 7, height: 13, layers: 2, capacity: 4 });
      grid.place(1, 0, 0, 0);
      grid.place(2, 6, 12, 1);
      for (const [x, y] of [
        [-1, 0],
        [0, -1],
        [7, 0],
        [0, 13],
        [7, 13],
        [-1, -1],
        [13, 7],
        [6, 13],
      ]) {
        assert.equal(grid.at(x, y, 0), 0, `at(${x}, ${y}, 0)`);
        assert.equal(grid.at(x, y, 1), 0, `at(${x}, ${y}, 1)`);
        assert.equal(grid.allAt(x, y, 0, new Int32Array(2)), 0);
      }
      assert.equal(grid.at(0, 0, 0), 1);
      assert.equal(grid.at(0, 0, 1), 0, 'layers are separate');
      assert.equal(grid.at(6, 12, 1), 2);
    });

    it('lists a stack of entities and reports the full count even when the buffer is short', () => {
      const grid = new SpatialGrid({ width: 3, height: 2, layers: 1, capacity: 10 });
      for (let e = 1; e <= 5; e++) grid.place(e, 2, 1, 0);
      const out = new Int32Array(8);
      assert.deepEqual(sorted(out, grid.allAt(2, 1, 0, out)), [1, 2, 3, 4, 5]);
      const short = new Int32Array(3).fill(-7);
      assert.equal(grid.allAt(2, 1, 0, short), 5);
      assert.deepEqual(Array.from(short), Array.from(out.subarray(0, 3)), 'the first out.length are written');
      grid.remove(3); // from the middle of the stack
      assert.deepEqual(sorted(out, grid.allAt(2, 1, 0, out)), [1, 2, 4, 5]);
      grid.move(5, 0, 0);
      grid.setLayer(1, 0);
      assert.deepEqual(sorted(out, grid.allAt(2, 1, 0, out)), [1, 2, 4]);
      assert.deepEqual(sorted(out, grid.allAt(0, 0, 0, out)), [5]);
    });
  });

  describe('queryRadius', () => {
    it('returns the total count but writes only out.length entries', () => {
      const grid = new SpatialGrid({ width: 9, height: 5, layers: 2, capacity: 30 });
      let eid = 1;
      for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) grid.place(eid++, x, y, (x + y) & 1);
      const full = new Int32Array(30);
      const total = grid.queryRadius(2, 2, 2, Metric.Manhattan, ALL_LAYERS, full);
      assert.equal(total, 13);
      for (const len of [0, 1, 5, 12, 13]) {
        const out = new Int32Array(len + 2).fill(-1);
        const view = out.subarray(0, len);
        assert.equal(grid.queryRadius(2, 2, 2, Metric.Manhattan, ALL_LAYERS, view), total, `len ${len}`);
        assert.deepEqual(Array.from(view), Array.from(full.subarray(0, len)), `the first ${len} match`);
        assert.deepEqual(Array.from(out.subarray(len)), [-1, -1], 'nothing written past out.length');
      }
      assert.equal(grid.countRadius(2, 2, 2, Metric.Manhattan, ALL_LAYERS), total);
    });

    it('finds nothing for a negative radius and just the centre cell for radius 0', () => {
      const grid = new SpatialGrid({ width: 3, height: 3, layers: 1, capacity: 4 });
      grid.place(1, 1, 1, 0);
      grid.place(2, 1, 2, 0);
      const out = new Int32Array(4);
      assert.equal(grid.queryRadius(1, 1, -1, Metric.Manhattan, 0, out), 0);
      assert.equal(grid.countRadius(1, 1, -0.5, Metric.Euclidean, 0), 0);
      assert.equal(grid.queryRadius(1, 1, 0, Metric.Euclidean, 0, out), 1);
      assert.equal(out[0], 1);
      assert.equal(grid.countRadius(1, 1, 0.99, Metric.Manhattan, 0), 1);
    });

    it('distinguishes the diamond from the disc', () => {
      const grid = new SpatialGrid({ width: 11, height: 11, layers: 1, capacity: 200 });
      let eid = 1;
      for (let y = 0; y < 11; y++) for (let x = 0; x < 11; x++) grid.place(eid++, x, y, 0);
      // Cells with |dx| + |dy| <= r, and with dx² + dy² <= r².
      assert.equal(grid.countRadius(5, 5, 2, Metric.Manhattan, 0), 13);
      assert.equal(grid.countRadius(5, 5, 2, Metric.Euclidean, 0), 13);
      assert.equal(grid.countRadius(5, 5, 2.5, Metric.Euclidean, 0), 21);
      assert.equal(grid.countRadius(5, 5, 2.5, Metric.Manhattan, 0), 13);
      assert.equal(grid.countRadius(5, 5, 3, Metric.Manhattan, 0), 25);
      assert.equal(grid.countRadius(5, 5, 3, Metric.Euclidean, 0), 29);
    });
  });

  describe('bookkeeping', () => {
    it('tracks size through place, move, setLayer and remove', () => {
      const grid = new SpatialGrid({ width: 4, height: 3, layers: 2, capacity: 5 });
      assert.equal(grid.size, 0);
      grid.place(1, 0, 0, 0);
      grid.place(2, 3, 2, 1);
      assert.equal(grid.size, 2);
      grid.move(1, 3, 2);
      grid.setLayer(2, 0);
      assert.equal(grid.size, 2);
      grid.remove(1);
      grid.remove(1);
      assert.equal(grid.size, 1);
      assert.equal(grid.has(1), false);
      grid.place(1, 1, 1, 1);
      assert.equal(grid.size, 2);
    });

    it('rejects bad ids, cells, layers and dimensions', () => {
      const grid = new SpatialGrid({ width: 4, height: 3, layers: 2, capacity: 5 });
      assert.throws(() => grid.place(0, 0, 0, 0), RangeError);
      assert.throws(() => grid.place(5, 0, 0, 0), RangeError);
      assert.throws(() => grid.place(1, 4, 0, 0), RangeError);
      assert.throws(() => grid.place(1, 0, 3, 0), RangeError);
      assert.throws(() => grid.place(1, 0, 0, 2), RangeError);
      assert.throws(() => grid.move(1, 0, 0), /not on the grid/);
      assert.throws(() => grid.setLayer(1, 0), /not on the grid/);
      assert.equal(grid.size, 0, 'failed calls change nothing');
      assert.throws(() => grid.place(1, 0, 0, 0.5), RangeError);
      for (const bad of [0, -1, 1.5, NaN]) {
        assert.throws(() => new SpatialGrid({ width: bad, height: 3, layers: 1, capacity: 2 }), RangeError);
        assert.throws(() => new SpatialGrid({ width: 3, height: bad, layers: 1, capacity: 2 }), RangeError);
        assert.throws(() => new SpatialGrid({ width: 3, height: 3, layers: bad, capacity: 2 }), RangeError);
        assert.throws(() => new SpatialGrid({ width: 3, height: 3, layers: 1, capacity: bad }), RangeError);
      }
    });

    it('names the bad value and the allowed range in each refusal', () => {
      const grid = new SpatialGrid({ width: 4, height: 3, layers: 2, capacity: 5 });
      const out = new Int32Array(4);
      const refuses = (fn: () => unknown, type: typeof Error, message: string): void => {
        assert.throws(fn, (err: unknown) => err instanceof type && (err as Error).message === message, message);
      };
      refuses(() => grid.place(0, 0, 0, 0), RangeError, 'entity id 0 outside 1..4');
      refuses(() => grid.place(5, 0, 0, 0), RangeError, 'entity id 5 outside 1..4');
      refuses(() => grid.place(1, 4, 0, 0), RangeError, 'cell (4, 0) outside 4x3');
      refuses(() => grid.place(1, 0, 3, 0), RangeError, 'cell (0, 3) outside 4x3');
      refuses(() => grid.place(1, 0, 0, 2), RangeError, 'layer 2 outside 0..1');
      grid.place(1, 1, 1, 0);
      refuses(() => grid.place(1, 2, 2, 0), Error, 'entity 1 is already on the grid');
      refuses(() => grid.move(1, -1, 2), RangeError, 'cell (-1, 2) outside 4x3');
      refuses(() => grid.move(2, 0, 0), Error, 'entity 2 is not on the grid');
      refuses(() => grid.queryRadius(1.5, 0, 1, Metric.Manhattan, ALL_LAYERS, out), RangeError, 'query centre (1.5, 0) is not a cell');
      refuses(() => grid.countRadius(0, 0.5, 1, Metric.Euclidean, 0), RangeError, 'query centre (0, 0.5) is not a cell');
      refuses(() => grid.at(0, 0, -1), RangeError, 'layer -1 outside 0..1');
      refuses(() => new SpatialGrid({ width: 4, height: 0, layers: 1, capacity: 2 }), RangeError, 'grid height must be a positive integer, got 0');
      refuses(() => new SpatialGrid({ width: 1.5, height: 3, layers: 1, capacity: 2 }), RangeError, 'grid width must be a positive integer, got 1.5');
      refuses(() => new SpatialGrid({ width: 4, height: 3, layers: -1, capacity: 2 }), RangeError, 'grid layers must be a positive integer, got -1');
      refuses(() => new SpatialGrid({ width: 4, height: 3, layers: 1, capacity: NaN }), RangeError, 'grid capacity must be a positive integer, got NaN');
    });

    for (const torus of [false, true]) {
      it(`refuses to move off a ${torus ? 'torus' : 'bounded grid'} and leaves the entity where it was`, () => {
        const grid = new SpatialGrid({ width: 5, height: 4, layers: 2, capacity: 4, torus });
        grid.place(1, 4, 1, 1);
        for (const [x, y] of [
          [-1, 1],
          [5, 1],
          [4, -1],
          [4, 4],
          [0.5, 1],
        ]) {
          assert.throws(() => grid.move(1, x, y), RangeError, `move to (${x}, ${y})`);
        }
        assert.equal(grid.has(1), true);
        assert.equal(grid.size, 1);
        assert.equal(grid.cellOfEntity(1), grid.cellIndex(4, 1));
        assert.equal(grid.at(4, 1, 1), 1);
        assert.equal(grid.countRadius(0, 0, 100, Metric.Manhattan, ALL_LAYERS), 1);
      });
    }

    it('rejects a layer outside the grid in setLayer, at, allAt and queries instead of misfiling or hanging', () => {
      const grid = new SpatialGrid({ width: 5, height: 4, layers: 2, capacity: 4 });
      grid.place(1, 0, 0, 1);
      const out = new Int32Array(4);
      for (const bad of [2, 3, -2, 0.5, NaN]) {
        assert.throws(() => grid.setLayer(1, bad), RangeError, `setLayer ${bad}`);
        assert.throws(() => grid.at(0, 0, bad), RangeError, `at layer ${bad}`);
        assert.throws(() => grid.allAt(0, 0, bad, out), RangeError, `allAt layer ${bad}`);
        assert.throws(() => grid.queryRadius(0, 0, 1, Metric.Manhattan, bad, out), RangeError, `query layer ${bad}`);
        assert.throws(() => grid.countRadius(0, 0, 1, Metric.Euclidean, bad), RangeError, `countRadius layer ${bad}`);
      }
      assert.equal(grid.layerOfEntity(1), 1, 'a refused setLayer leaves the layer alone');
      assert.equal(grid.at(0, 0, 1), 1);
    });

    it('refuses to place an entity that is already placed, and leaves it where it was', () => {
      const grid = new SpatialGrid({ width: 5, height: 4, layers: 2, capacity: 4 });
      grid.place(1, 1, 1, 0);
      assert.throws(() => grid.place(1, 3, 2, 1), /entity 1 is already on the grid/);
      assert.equal(grid.at(1, 1, 0), 1);
      assert.equal(grid.at(3, 2, 1), 0);
      assert.equal(grid.cellOfEntity(1), grid.cellIndex(1, 1));
      assert.equal(grid.size, 1);
      // Cell 0, the top-left corner, is a cell like any other.
      grid.place(2, 0, 0, 0);
      assert.throws(() => grid.place(2, 4, 3, 0), /entity 2 is already on the grid/);
      assert.equal(grid.at(0, 0, 0), 2);
      assert.equal(grid.at(4, 3, 0), 0);
      assert.equal(grid.size, 2);
    });

    it('wraps coordinates on a torus only: on a bounded grid wrapX and wrapY return them unchanged', () => {
      const bounded = new SpatialGrid({ width: 5, height: 4, layers: 1, capacity: 2 });
      const torus = new SpatialGrid({ width: 5, height: 4, layers: 1, capacity: 2, torus: true });
      for (const x of [-1, 0, 4, 5, 12]) assert.equal(bounded.wrapX(x), x, `bounded wrapX(${x})`);
      for (const y of [-1, 0, 3, 4, 9]) assert.equal(bounded.wrapY(y), y, `bounded wrapY(${y})`);
      assert.deepEqual([-1, 0, 4, 5, 12].map((x) => torus.wrapX(x)), [4, 0, 4, 0, 2]);
      assert.deepEqual([-1, 0, 3, 4, 9].map((y) => torus.wrapY(y)), [3, 0, 3, 0, 1]);
    });

    it('queries one layer by its index and every layer with ALL_LAYERS (−1)', () => {
      const grid = new SpatialGrid({ width: 5, height: 4, layers: 3, capacity: 5 });
      grid.place(1, 2, 2, 0);
      grid.place(2, 2, 2, 1);
      grid.place(3, 2, 1, 2);
      const out = new Int32Array(4);
      assert.equal(ALL_LAYERS, -1);
      for (const [layer, want] of [
        [0, [1]],
        [1, [2]],
        [2, [3]],
        [-1, [1, 2, 3]],
      ] as const) {
        const n = grid.queryRadius(2, 2, 1, Metric.Manhattan, layer, out);
        assert.deepEqual(sorted(out, n), want, `layer ${layer}`);
        assert.equal(grid.countRadius(2, 2, 1, Metric.Euclidean, layer), want.length, `count, layer ${layer}`);
      }
    });

    it('reports a removed entity as off the grid: no cell, no layer (−1 for both)', () => {
      const grid = new SpatialGrid({ width: 5, height: 4, layers: 3, capacity: 4 });
      assert.deepEqual([grid.cellOfEntity(1), grid.layerOfEntity(1)], [-1, -1], 'never placed');
      grid.place(1, 2, 3, 2);
      assert.deepEqual([grid.cellOfEntity(1), grid.layerOfEntity(1)], [grid.cellIndex(2, 3), 2]);
      grid.remove(1);
      assert.deepEqual([grid.cellOfEntity(1), grid.layerOfEntity(1)], [-1, -1], 'removed');
      assert.equal(grid.has(1), false);
    });

    it('refuses a fractional y as well as a fractional x (inBounds, place, move)', () => {
      const grid = new SpatialGrid({ width: 5, height: 4, layers: 1, capacity: 4 });
      assert.equal(grid.inBounds(1, 1.5), false);
      assert.equal(grid.inBounds(1, 1), true);
      assert.throws(() => grid.place(1, 1, 1.5, 0), RangeError);
      grid.place(1, 1, 1, 0);
      assert.throws(() => grid.move(1, 2, 0.5), RangeError);
      assert.equal(grid.cellOfEntity(1), grid.cellIndex(1, 1), 'the refused move left it in place');
    });

    for (const torus of [false, true]) {
      it(`treats fractional coordinates as no cell on a ${torus ? 'torus' : 'bounded grid'}`, () => {
        const grid = new SpatialGrid({ width: 5, height: 4, layers: 1, capacity: 4, torus });
        grid.place(1, 1, 1, 0);
        grid.place(2, 2, 1, 0);
        assert.throws(() => grid.place(3, 0.5, 1, 0), RangeError);
        assert.equal(grid.inBounds(1.5, 1), false);
        assert.equal(grid.at(1.5, 1, 0), 0);
        assert.equal(grid.allAt(1, 1.5, 0, new Int32Array(4)), 0);
        assert.throws(() => grid.countRadius(1.5, 1, 1, Metric.Manhattan, 0), RangeError);
        assert.throws(() => grid.queryRadius(1, NaN, 1, Metric.Euclidean, 0, new Int32Array(4)), RangeError);
      });
    }
  });
});
