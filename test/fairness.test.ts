import { strict as assert } from 'node:assert';
import {
  UnionFind,
  backgroundEquality,
  componentSizes,
  dominates,
  giniCoefficient,
  meanReturn,
  paretoEfficiency,
  simpsonDiversity,
} from '../systems/metrics/fairness.js';

const close = (actual: number, expected: number, eps = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);

describe('giniCoefficient', () => {
  it('is 0.26667 for [1, 2, 3, 4, 5] (2·55/(5·15) − 6/5)', () => {
    close(giniCoefficient([1, 2, 3, 4, 5]), 4 / 15);
  });

  it('does not depend on the order of the values and leaves the input untouched', () => {
    const values = [5, 1, 4, 2, 3];
    close(giniCoefficient(values), 4 / 15);
    assert.deepEqual(values, [5, 1, 4, 2, 3]);
    close(giniCoefficient(new Float64Array([3, 5, 1, 2, 4])), 4 / 15);
  });

  it('is 0 for an empty set', () => {
    assert.equal(giniCoefficient([]), 0);
  });

  it('is 0 when the values sum to zero', () => {
    assert.equal(giniCoefficient([0, 0, 0]), 0);
  });

  it('is 0 when all values are equal', () => {
    assert.equal(giniCoefficient([3, 3, 3, 3]), 0);
    assert.equal(giniCoefficient([7]), 0);
  });

  it('is (n−1)/n when one value holds everything', () => {
    close(giniCoefficient([0, 0, 10]), 2 / 3);
  });

  it('shifts negative values so the minimum is 0: [−1, 0, 1] → Gini of [0, 1, 2] = 4/9', () => {
    close(giniCoefficient([-1, 0, 1]), 4 / 9);
    close(giniCoefficient([0, 1, 2]), 4 / 9);
  });

  it('is 0 for equal negative values (the shifted sum is zero)', () => {
    assert.equal(giniCoefficient([-2, -2]), 0);
  });

  it('rejects NaN', () => {
    assert.throws(() => giniCoefficient([1, Number.NaN]), RangeError);
  });
});

describe('paretoEfficiency', () => {
  it('is 0.5 for [[1,1],[2,2]], where the one-direction sketch of the spec gives 1.0', () => {
    // The sketch only counts pairs (i < j) where outcome i dominates outcome j: [1,1] does not dominate [2,2].
    assert.equal(paretoEfficiency([[1, 1], [2, 2]]), 0.5);
  });

  it('is 1/3 for a chain [[0,0],[1,1],[2,2]] in either order', () => {
    close(paretoEfficiency([[0, 0], [1, 1], [2, 2]]), 1 / 3);
    // Here the sketch counts 3 dominated pairs and gives 1 − 3/3 = 0: still wrong.
    close(paretoEfficiency([[2, 2], [1, 1], [0, 0]]), 1 / 3);
  });

  it('counts weak domination (≥ everywhere, > somewhere)', () => {
    assert.equal(paretoEfficiency([[1, 2], [1, 1]]), 0.5);
  });

  it('does not let duplicates dominate each other', () => {
    assert.equal(paretoEfficiency([[1, 1], [1, 1]]), 1);
    close(paretoEfficiency([[1, 1], [1, 1], [0, 1]]), 2 / 3);
  });

  it('is 1 for a set of mutually incomparable outcomes', () => {
    assert.equal(paretoEfficiency([[1, 0], [0, 1], [0.5, 0.5]]), 1);
  });

  it('is 1 for an empty set and for a single outcome', () => {
    assert.equal(paretoEfficiency([]), 1);
    assert.equal(paretoEfficiency([[3, -1, 2]]), 1);
  });

  it('accepts typed arrays', () => {
    assert.equal(paretoEfficiency([new Float64Array([1, 1]), new Float64Array([2, 2])]), 0.5);
  });

  it('throws a RangeError for vectors of different lengths', () => {
    assert.throws(() => paretoEfficiency([[1, 2], [1, 2, 3]]), RangeError);
  });

  it('dominates() needs a strict improvement', () => {
    assert.equal(dominates([2, 2], [1, 2]), true);
    assert.equal(dominates([1, 2], [1, 2]), false);
    assert.equal(dominates([3, 0], [1, 2]), false);
  });
});

describe('meanReturn and backgroundEquality', () => {
  it('meanReturn averages, negatives included; 0 for no values', () => {
    assert.equal(meanReturn([1, 2, 3, -2]), 1);
    assert.equal(meanReturn([]), 0);
  });

  it('backgroundEquality is 1 − Gini of the strictly positive returns', () => {
    close(backgroundEquality([1, 2, 3, 4, 5]), 11 / 15);
    // 0 and −1 are left out; [2, 2] is perfectly equal.
    assert.equal(backgroundEquality([0, -1, 2, 2]), 1);
    // only [10, 30] remain: Gini = 2·(10+60)/(2·40) − 3/2 = 0.25
    close(backgroundEquality([10, 0, 30, -5]), 0.75);
  });

  it('backgroundEquality is 1 when no return is positive', () => {
    assert.equal(backgroundEquality([]), 1);
    assert.equal(backgroundEquality([0, -3]), 1);
  });
});

describe('simpsonDiversity', () => {
  it('is 1 − Σ p² of the label shares', () => {
    assert.equal(simpsonDiversity(['a', 'a', 'b', 'b']), 0.5);
    close(simpsonDiversity(['a', 'b', 'c']), 2 / 3);
    close(simpsonDiversity(['a', 'a', 'b']), 4 / 9);
  });

  it('is 0 for a single label and for no labels', () => {
    assert.equal(simpsonDiversity(['x', 'x', 'x']), 0);
    assert.equal(simpsonDiversity([]), 0);
  });
});

describe('componentSizes', () => {
  it('lists connected components largest first, singletons included', () => {
    assert.deepEqual(componentSizes(6, [[0, 1], [1, 2], [4, 5]]), [3, 2, 1]);
  });

  it('gives n singletons without edges and nothing for n = 0', () => {
    assert.deepEqual(componentSizes(3, []), [1, 1, 1]);
    assert.deepEqual(componentSizes(0, []), []);
  });

  it('tolerates self-loops, repeated edges and cycles', () => {
    assert.deepEqual(componentSizes(4, [[0, 0], [0, 1], [1, 0], [1, 2], [2, 0]]), [3, 1]);
  });

  it('throws a RangeError for an edge outside 0..n−1', () => {
    assert.throws(() => componentSizes(2, [[0, 2]]), RangeError);
  });

  it('UnionFind can be reset and reused with a different size', () => {
    const uf = new UnionFind(3);
    assert.equal(uf.union(0, 1), true);
    assert.equal(uf.union(1, 0), false);
    assert.deepEqual(uf.sizes(), [2, 1]);
    uf.reset(5);
    uf.union(3, 4);
    uf.union(2, 4);
    assert.equal(uf.find(2), uf.find(3));
    assert.deepEqual(uf.sizes(), [3, 1, 1]);
  });
});

describe('fairness figures: edges and bad input', () => {
  it('gives exactly 0, not a rounding residue below it, for equal values (6 × 0.3 leaves −2.2e−16 in the formula)', () => {
    assert.equal(giniCoefficient([0.3, 0.3, 0.3, 0.3, 0.3, 0.3]), 0);
    assert.equal(giniCoefficient([0.7, 0.7]), 0);
  });

  it('rejects non-finite values in every figure with a RangeError that names the position', () => {
    assert.throws(() => giniCoefficient([1, Number.POSITIVE_INFINITY]), /values\[1\] must be a finite number/);
    assert.throws(() => meanReturn([0, Number.NaN]), /values\[1\] must be a finite number, got NaN/);
    assert.throws(() => backgroundEquality([2, Number.NEGATIVE_INFINITY]), /backgroundReturns\[1\]/);
    assert.throws(() => paretoEfficiency([[1, 1], [1, Number.NaN]]), /outcomes\[1\]\[1\] must be a finite number/);
  });

  it('names the outcome whose length differs', () => {
    assert.throws(() => paretoEfficiency([[1, 1], [1, 1], [1]]), /outcome 2 has 1 coordinates, outcome 0 has 2/);
  });

  it('backgroundEquality leaves out zero and negative returns: [4, 0, −3, 2] counts as [4, 2]', () => {
    // Gini of [2, 4] = |4 − 2| · 2 / (2 · 4 · 3) = 1/6.
    close(backgroundEquality([4, 0, -3, 2]), 1 - 1 / 6);
  });

  it('UnionFind merges the smaller set into the larger and keeps every member findable', () => {
    const uf = new UnionFind(6);
    uf.union(0, 1);
    uf.union(1, 2); // {0, 1, 2}
    uf.union(3, 4); // {3, 4}
    assert.equal(uf.union(4, 0), true, 'joining a 2-set and a 3-set');
    const root = uf.find(0);
    for (const m of [1, 2, 3, 4]) assert.equal(uf.find(m), root, `member ${m}`);
    assert.notEqual(uf.find(5), root);
    assert.deepEqual(uf.sizes(), [5, 1]);
    assert.equal(uf.length, 6);
  });

  it('UnionFind rejects negative or fractional sizes and nodes', () => {
    assert.throws(() => new UnionFind(-1), /node count must be a non-negative integer, got -1/);
    assert.throws(() => new UnionFind(1.5), RangeError);
    const uf = new UnionFind(3);
    assert.throws(() => uf.union(0, 3), /node 3 is out of range 0..2/);
    assert.throws(() => uf.union(-1, 0), RangeError);
    assert.throws(() => uf.union(0.5, 1), RangeError);
    assert.throws(() => uf.reset(-2), RangeError);
  });

  it('UnionFind.reset to a larger size than it was built for starts every node alone', () => {
    const uf = new UnionFind(2);
    uf.union(0, 1);
    uf.reset(4);
    assert.deepEqual(uf.sizes(), [1, 1, 1, 1]);
    uf.union(2, 3);
    assert.deepEqual(uf.sizes(), [2, 1, 1]);
    uf.reset();
    assert.deepEqual(uf.sizes(), [1, 1, 1, 1], 'reset() keeps the size');
    uf.reset(2);
    assert.deepEqual(uf.sizes(), [1, 1], 'a smaller reset lists only its own nodes');
    assert.equal(uf.length, 2);
  });
});
