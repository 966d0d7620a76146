/**
 * Fairness and game-theoretic figures over one set of values: pure functions, no state.
 *
 * These replace the Python sketches of the original specification (section 2), fixing where they were wrong:
 * - the Gini coefficient accepts negative returns (they are shifted, see `giniCoefficient`);
 * - Pareto efficiency follows its definition (the share of outcomes that no other outcome dominates) instead of
 *   counting dominated pairs in one direction only.
 *
 * Inputs are never modified. Non-finite inputs (NaN, ±Infinity) are rejected with a RangeError: a NaN return is a
 * bug upstream, and silently producing NaN figures would hide it.
 */

function checkFinite(value: number, what: string, index: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${what}[${index}] must be a finite number, got ${value}`);
}

/**
 * Gini coefficient of a set of values: 0 = perfect equality, (n−1)/n = one value holds everything.
 *
 * Uses the sorted-values formula G = (2·Σ i·x₍ᵢ₎) / (n·Σx) − (n+1)/n, with x₍₁₎ ≤ … ≤ x₍ₙ₎ and i from 1.
 *
 * Negative values: the formula assumes non-negative values (with negatives it can leave [0, 1]). If any value is
 * negative, every value is shifted up by −min so that the smallest becomes 0, and the Gini of the shifted values is
 * returned. This measures the inequality of the spread of returns; it is not the same number as the Gini of the
 * raw values would be if those were all non-negative (a shift changes the Gini), so compare like with like.
 *
 * Returns 0 for an empty set and when the (shifted) sum is 0 (all values equal to the minimum).
 */
export function giniCoefficient(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    checkFinite(v, 'values', i);
    sorted[i] = v;
  }
  sorted.sort();
  const shift = sorted[0]! < 0 ? -sorted[0]! : 0;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]! + shift;
    sum += x;
    weighted += (i + 1) * x;
  }
  if (sum === 0) return 0;
  const g = (2 * weighted) / (n * sum) - (n + 1) / n;
  // Rounding can leave a tiny negative number for equal values; the true value is ≥ 0.
  return g < 0 ? 0 : g;
}

/** True when a Pareto-dominates b: a ≥ b in every coordinate and a > b in at least one. Equal lengths assumed. */
export function dominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x < y) return false;
    if (x > y) strictly = true;
  }
  return strictly;
}

/**
 * Pareto efficiency of a set of outcome vectors (one vector per outcome, one coordinate per agent): the share of
 * outcomes that no OTHER outcome in the set Pareto-dominates (≥ in every coordinate, > in at least one).
 *
 * - An empty set returns 1: there is no outcome that is dominated (vacuously efficient).
 * - Duplicates do not dominate each other (domination needs a strict improvement somewhere), so [[1,1],[1,1]] = 1.
 * - Vectors of different lengths are not comparable: RangeError.
 *
 * O(m²·d) for m outcomes of d coordinates.
 */
export function paretoEfficiency(outcomes: readonly ArrayLike<number>[]): number {
  const m = outcomes.length;
  if (m === 0) return 1;
  const d = outcomes[0]!.length;
  for (let i = 0; i < m; i++) {
    const o = outcomes[i]!;
    if (o.length !== d) {
      throw new RangeError(`outcome ${i} has ${o.length} coordinates, outcome 0 has ${d}: all must have the same length`);
    }
    for (let k = 0; k < d; k++) checkFinite(o[k]!, `outcomes[${i}]`, k);
  }
  let undominated = 0;
  for (let i = 0; i < m; i++) {
    let dominated = false;
    for (let j = 0; j < m && !dominated; j++) {
      if (j !== i && dominates(outcomes[j]!, outcomes[i]!)) dominated = true;
    }
    if (!dominated) undominated++;
  }
  return undominated / m;
}

/** Arithmetic mean ("collective return" when given every agent's return). 0 for an empty set (documented choice). */
export function meanReturn(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    checkFinite(v, 'values', i);
    sum += v;
  }
  return sum / n;
}

/**
 * Equality among the background population: 1 − Gini of the strictly positive returns (zero and negative returns
 * are left out, as in the original specification). 1 when no return is positive.
 * The caller selects the background agents' returns.
 */
export function backgroundEquality(backgroundReturns: ArrayLike<number>): number {
  const positive: number[] = [];
  for (let i = 0; i < backgroundReturns.length; i++) {
    const v = backgroundReturns[i]!;
    checkFinite(v, 'backgroundReturns', i);
    if (v > 0) positive.push(v);
  }
  if (positive.length === 0) return 1;
  return 1 - giniCoefficient(positive);
}

/**
 * Simpson diversity index (Gini–Simpson form) of a set of labels: 1 − Σₖ pₖ², where pₖ is the share of label k.
 * 0 when every label is the same, approaching 1 with many equally common labels. 0 for an empty set.
 */
export function simpsonDiversity(labels: readonly string[]): number {
  const n = labels.length;
  if (n === 0) return 0;
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let sumSquares = 0;
  for (const c of counts.values()) sumSquares += (c / n) * (c / n);
  const d = 1 - sumSquares;
  return d < 0 ? 0 : d;
}

/**
 * Union-find (disjoint sets) over nodes 0..n−1, with path halving and union by size. Typed arrays, reusable via
 * `reset` without allocation when the capacity suffices.
 */
export class UnionFind {
  private parent: Int32Array;
  private size: Int32Array;
  private count = 0;

  constructor(n: number) {
    checkCount(n);
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n);
    this.reset(n);
  }

  /** Number of nodes. */
  get length(): number {
    return this.count;
  }

  /** Make every node 0..n−1 its own set again. Reallocates only if n exceeds the current capacity. */
  reset(n: number = this.count): void {
    checkCount(n);
    if (n > this.parent.length) {
      this.parent = new Int32Array(n);
      this.size = new Int32Array(n);
    }
    this.count = n;
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.size[i] = 1;
    }
  }

  find(a: number): number {
    const parent = this.parent;
    let x = a;
    while (parent[x] !== x) {
      const grand = parent[parent[x]!]!;
      parent[x] = grand;
      x = grand;
    }
    return x;
  }

  /** Merge the sets of a and b. Returns false if they were already in the same set. */
  union(a: number, b: number): boolean {
    this.checkNode(a);
    this.checkNode(b);
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    this.size[ra] = this.size[ra]! + this.size[rb]!;
    return true;
  }

  /** Sizes of all sets (singletons included), largest first. Sum = n. */
  sizes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.parent[i] === i) out.push(this.size[i]!);
    out.sort((a, b) => b - a);
    return out;
  }

  private checkNode(a: number): void {
    if (!Number.isInteger(a) || a < 0 || a >= this.count) {
      throw new RangeError(`node ${a} is out of range 0..${this.count - 1}`);
    }
  }
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`node count must be a non-negative integer, got ${n}`);
}

/**
 * Sizes of the connected components of an undirected graph on nodes 0..n−1 given as an edge list, largest first.
 * Isolated nodes count as components of size 1, so the sizes sum to n. Self-loops and repeated edges are harmless.
 * An edge naming a node outside 0..n−1 throws a RangeError.
 */
export function componentSizes(n: number, edges: readonly (readonly [number, number])[]): number[] {
  const uf = new UnionFind(n);
  for (const [a, b] of edges) uf.union(a, b);
  return uf.sizes();
}
