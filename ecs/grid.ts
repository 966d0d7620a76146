/**
 * Spatial grid: width × height cells on several layers, backed by typed arrays.
 *
 * Each layer keeps, per cell, the head of an intrusive doubly linked list of entity ids (0 = empty), so a cell can
 * hold several entities (most layers hold at most one; the list costs nothing then). Per entity we keep its cell and
 * layer, so place / move / remove are O(1) and allocation-free. Radius queries walk only the cells inside the
 * radius and write into a caller-owned buffer.
 *
 * Coordinates: x is the column (0..width-1, east is +x), y is the row (0..height-1, south is +y), as in an ASCII map
 * read top to bottom. `cellIndex` is the one place that turns (x, y) into a flat index.
 */

/** Distance metric of a radius query: L1 (Manhattan, Lab2D's `queryDiamond`) or L2 (Euclidean, `queryDisc`). */
export const enum Metric {
  Manhattan = 1,
  Euclidean = 2,
}

/** Pass as the layer of a query to search every layer. */
export const ALL_LAYERS = -1;

export interface GridOptions {
  width: number;
  height: number;
  layers: number;
  /** Largest entity id + 1 that may be placed. */
  capacity: number;
  /** Wrap-around edges (a torus), as in Lab2D's TORUS topology. */
  torus?: boolean;
}

/** The output buffer of a count-only scan: zero length, so nothing is written. */
const NO_OUTPUT = new Int32Array(0);

/**
 * Append the entities in slots from..to (inclusive, part of one row of one layer) to `out` from position n and
 * return the new count. Writes stop at out.length; counting goes on.
 */
function scanRun(heads: Int32Array, next: Int32Array, from: number, to: number, out: Int32Array, n: number): number {
  const cap = out.length;
  for (let s = from; s <= to; s++) {
    for (let e = heads[s]; e > 0; e = next[e]) {
      if (n < cap) out[n] = e;
      n++;
    }
  }
  return n;
}

/** `scanRun` over `nl` layers, `cells` slots apart, cell by cell (every layer of a cell before the next cell). */
function scanRunLayers(
  heads: Int32Array,
  next: Int32Array,
  from: number,
  to: number,
  nl: number,
  cells: number,
  out: Int32Array,
  n: number,
): number {
  const cap = out.length;
  for (let s = from; s <= to; s++) {
    for (let l = 0, t = s; l < nl; l++, t += cells) {
      for (let e = heads[t]; e > 0; e = next[e]) {
        if (n < cap) out[n] = e;
        n++;
      }
    }
  }
  return n;
}

export class SpatialGrid {
  readonly width: number;
  readonly height: number;
  readonly layers: number;
  readonly cells: number;
  readonly torus: boolean;
  readonly capacity: number;

  /** heads[layer * cells + cell] = first entity in that cell on that layer, 0 if none. */
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** cellOf[eid] = flat cell index, -1 when the entity is not on the grid. */
  private readonly cellOf: Int32Array;
  private readonly layerOf: Int32Array;
  private count = 0;

  constructor(opts: GridOptions) {
    const { width, height, layers, capacity } = opts;
    for (const [k, v] of [['width', width], ['height', height], ['layers', layers], ['capacity', capacity]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`grid ${k} must be a positive integer, got ${v}`);
    }
    this.width = width;
    this.height = height;
    this.layers = layers;
    this.capacity = capacity;
    this.torus = opts.torus ?? false;
    this.cells = width * height;
    this.heads = new Int32Array(this.cells * layers);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.cellOf = new Int32Array(capacity).fill(-1);
    this.layerOf = new Int32Array(capacity).fill(-1);
  }

  /** The flat index of cell (x, y): the one place that owns `y * width + x`. */
  cellIndex(x: number, y: number): number {
    return y * this.width + x;
  }

  cellX(cell: number): number {
    return cell % this.width;
  }

  cellY(cell: number): number {
    return (cell / this.width) | 0;
  }

  /** Whether (x, y) is a cell of the map: integer coordinates inside it. */
  inBounds(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height && (x | 0) === x && (y | 0) === y;
  }

  /** Wrap x on a torus (identity on a bounded grid). */
  wrapX(x: number): number {
    if (!this.torus) return x;
    const w = this.width;
    return ((x % w) + w) % w;
  }

  wrapY(y: number): number {
    if (!this.torus) return y;
    const h = this.height;
    return ((y % h) + h) % h;
  }

  /** Number of entities currently indexed. */
  get size(): number {
    return this.count;
  }

  has(eid: number): boolean {
    return this.cellOf[eid] >= 0;
  }

  cellOfEntity(eid: number): number {
    return this.cellOf[eid];
  }

  layerOfEntity(eid: number): number {
    return this.layerOf[eid];
  }

  /** Put an entity on the grid. An entity is on at most one layer at a time. */
  place(eid: number, x: number, y: number, layer: number): void {
    if (eid <= 0 || eid >= this.capacity) throw new RangeError(`entity id ${eid} outside 1..${this.capacity - 1}`);
    if (this.cellOf[eid] >= 0) throw new Error(`entity ${eid} is already on the grid`);
    if (!this.inBounds(x, y)) throw new RangeError(`cell (${x}, ${y}) outside ${this.width}x${this.height}`);
    this.checkLayer(layer);
    this.link(eid, this.cellIndex(x, y), layer);
    this.count++;
  }

  /** Move an entity to (x, y), keeping its layer. The cell must be on the map, as for `place` (no torus wrap). */
  move(eid: number, x: number, y: number): void {
    if (!this.inBounds(x, y)) throw new RangeError(`cell (${x}, ${y}) outside ${this.width}x${this.height}`);
    const layer = this.layerOf[eid];
    this.unlink(eid);
    this.link(eid, this.cellIndex(x, y), layer);
  }

  /** Move an entity to another layer in the same cell (e.g. an apple going from live to waiting). */
  setLayer(eid: number, layer: number): void {
    this.checkLayer(layer);
    const cell = this.cellOf[eid];
    this.unlink(eid);
    this.link(eid, cell, layer);
  }

  remove(eid: number): void {
    if (this.cellOf[eid] < 0) return;
    this.unlink(eid);
    this.cellOf[eid] = -1;
    this.layerOf[eid] = -1;
    this.count--;
  }

  /** First entity at (x, y) on `layer`, or 0. Out-of-bounds cells are empty (a torus wraps them). */
  at(x: number, y: number, layer: number): number {
    this.checkLayer(layer);
    if (this.torus) {
      x = this.wrapX(x);
      y = this.wrapY(y);
    }
    if (!this.inBounds(x, y)) return 0;
    return this.heads[layer * this.cells + y * this.width + x];
  }

  /** First entity in flat cell `cell` on `layer`, or 0. */
  atCell(cell: number, layer: number): number {
    return this.heads[layer * this.cells + cell];
  }

  /** The entity after `eid` in the same cell and layer, or 0 (for cells that stack). */
  nextInCell(eid: number): number {
    return this.next[eid];
  }

  /** Every entity at (x, y) on `layer` into `out`; returns how many were found (only `out.length` are written). */
  allAt(x: number, y: number, layer: number, out: Int32Array): number {
    let n = 0;
    for (let e = this.at(x, y, layer); e > 0; e = this.next[e]) {
      if (n < out.length) out[n] = e;
      n++;
    }
    return n;
  }

  /**
   * Entities within `radius` of (cx, cy) under `metric` on `layer` (or ALL_LAYERS), written to `out`.
   * Returns the number found; if it exceeds `out.length`, only the first `out.length` were written.
   * On a torus, distances are measured the short way round and each cell is visited once.
   */
  queryRadius(cx: number, cy: number, radius: number, metric: Metric, layer: number, out: Int32Array): number {
    return this.scan(cx, cy, radius, metric, layer, out);
  }

  /** Like `queryRadius` but only counts. */
  countRadius(cx: number, cy: number, radius: number, metric: Metric, layer: number): number {
    return this.scan(cx, cy, radius, metric, layer, null);
  }

  private scan(cx: number, cy: number, radius: number, metric: Metric, layer: number, out: Int32Array | null): number {
    if ((cx | 0) !== cx || (cy | 0) !== cy) throw new RangeError(`query centre (${cx}, ${cy}) is not a cell`);
    if (radius < 0) return 0;
    let l0 = 0, nl = this.layers;
    if (layer !== ALL_LAYERS) {
      this.checkLayer(layer);
      l0 = layer;
      nl = 1;
    }
    const w = this.width, h = this.height, cells = this.cells, torus = this.torus;
    const heads = this.heads, next = this.next;
    const buf = out === null ? NO_OUTPUT : out;
    const r = Math.floor(radius);
    const r2 = radius * radius;
    const manhattan = metric === Metric.Manhattan;
    const layerBase = l0 * cells;
    let n = 0;
    if (!torus) {
      let y0 = cy - r, y1 = cy + r;
      if (y0 < 0) y0 = 0;
      if (y1 > h - 1) y1 = h - 1;
      for (let y = y0; y <= y1; y++) {
        const ady = y < cy ? cy - y : y - cy;
        const span = manhattan ? r - ady : Math.floor(Math.sqrt(r2 - ady * ady) + 1e-9);
        let x0 = cx - span, x1 = cx + span;
        if (x0 < 0) x0 = 0;
        if (x1 > w - 1) x1 = w - 1;
        const rowBase = layerBase + y * w;
        n = nl === 1
          ? scanRun(heads, next, rowBase + x0, rowBase + x1, buf, n)
          : scanRunLayers(heads, next, rowBase + x0, rowBase + x1, nl, cells, buf, n);
      }
      return n;
    }
    // Torus: visit each distinct row once, at its shortest offset, and likewise each column.
    const dyMin = -Math.min(r, (h - 1) >> 1);
    const dyMax = Math.min(r, h >> 1);
    const wLo = (w - 1) >> 1, wHi = w >> 1;
    for (let dy = dyMin; dy <= dyMax; dy++) {
      const ady = dy < 0 ? -dy : dy;
      const span = manhattan ? r - ady : Math.floor(Math.sqrt(r2 - ady * ady) + 1e-9);
      if (span < 0) continue;
      const dxMin = -(span < wLo ? span : wLo);
      const dxMax = span < wHi ? span : wHi;
      const rowBase = layerBase + ((((cy + dy) % h) + h) % h) * w;
      const x0 = (((cx + dxMin) % w) + w) % w;
      const x1 = x0 + dxMax - dxMin;
      // A run that crosses the seam is split in two.
      const end = x1 < w ? x1 : w - 1;
      n = nl === 1
        ? scanRun(heads, next, rowBase + x0, rowBase + end, buf, n)
        : scanRunLayers(heads, next, rowBase + x0, rowBase + end, nl, cells, buf, n);
      if (x1 >= w) {
        n = nl === 1
          ? scanRun(heads, next, rowBase, rowBase + x1 - w, buf, n)
          : scanRunLayers(heads, next, rowBase, rowBase + x1 - w, nl, cells, buf, n);
      }
    }
    return n;
  }

  private checkLayer(layer: number): void {
    if (!(layer >= 0 && layer < this.layers && (layer | 0) === layer)) {
      throw new RangeError(`layer ${layer} outside 0..${this.layers - 1}`);
    }
  }

  private link(eid: number, cell: number, layer: number): void {
    const slot = layer * this.cells + cell;
    const head = this.heads[slot];
    this.next[eid] = head;
    this.prev[eid] = 0;
    if (head !== 0) this.prev[head] = eid;
    this.heads[slot] = eid;
    this.cellOf[eid] = cell;
    this.layerOf[eid] = layer;
  }

  private unlink(eid: number): void {
    const cell = this.cellOf[eid];
    if (cell < 0) throw new Error(`entity ${eid} is not on the grid`);
    const p = this.prev[eid], nx = this.next[eid];
    if (p !== 0) this.next[p] = nx;
    else this.heads[this.layerOf[eid] * this.cells + cell] = nx;
    if (nx !== 0) this.prev[nx] = p;
    this.next[eid] = 0;
    this.prev[eid] = 0;
  }
}
