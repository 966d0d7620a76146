import { strict as assert } from 'node:assert';
import { Rng } from '../ecs/rng.js';

function draws(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.u32());
  return out;
}

/** Γ(a) for a a positive multiple of 1/2 (all that chi-square with whole degrees of freedom needs). */
function halfIntegerGamma(a: number): number {
  let g = Number.isInteger(a) ? 1 : Math.sqrt(Math.PI); // Γ(1) or Γ(1/2)
  for (let t = Number.isInteger(a) ? 1 : 0.5; t < a; t++) g *= t;
  return g;
}

/** P(chi-square with `dof` degrees of freedom > x), through the series of the regularized lower incomplete gamma. */
function chiSquareSurvival(x: number, dof: number): number {
  const a = dof / 2, h = x / 2;
  let term = 1 / a, sum = term;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= h / (a + n);
    sum += term;
  }
  return 1 - (sum * Math.exp(-h) * h ** a) / halfIntegerGamma(a);
}

/** The x with P(chi-square > x) = p, by bisection. */
function chiSquareCritical(dof: number, p: number): number {
  let lo = 0, hi = 1000;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, dof) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('Rng', () => {
  it('replays the same sequence from the same seed', () => {
    const a = new Rng(12345);
    const b = new Rng(12345);
    assert.deepEqual(draws(a, 1000), draws(b, 1000));
    const c = new Rng(12345);
    const d = new Rng(12345);
    for (let i = 0; i < 200; i++) {
      assert.equal(c.float(), d.float());
      assert.equal(c.int(7), d.int(7));
      assert.equal(c.chance(0.3), d.chance(0.3));
    }
  });

  it('gives different sequences for different seeds', () => {
    const seeds = [0, 1, 2, 3, 42, 0xffffffff, 123456789];
    const firsts = seeds.map((s) => draws(new Rng(s), 8).join(','));
    assert.equal(new Set(firsts).size, seeds.length);
    // Neighbouring seeds are not shifted copies of one another either.
    const a = draws(new Rng(1), 100);
    const b = new Set(draws(new Rng(2), 100));
    assert.ok(a.filter((x) => b.has(x)).length < 3);
  });

  it('reduces a seed to 32 bits, as documented', () => {
    assert.deepEqual(draws(new Rng(2 ** 32), 10), draws(new Rng(0), 10));
    assert.deepEqual(draws(new Rng(-1), 10), draws(new Rng(0xffffffff), 10));
    assert.deepEqual(draws(new Rng(7.9), 10), draws(new Rng(7), 10));
  });

  it('re-seeding in place restarts the sequence', () => {
    const rng = new Rng(99);
    const first = draws(rng, 50);
    rng.seed(99);
    assert.deepEqual(draws(rng, 50), first);
  });

  it('float is in [0, 1) and spread over the whole interval', () => {
    const rng = new Rng(3);
    let min = 1, max = 0, sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const f = rng.float();
      assert.ok(f >= 0 && f < 1, `float ${f}`);
      if (f < min) min = f;
      if (f > max) max = f;
      sum += f;
    }
    assert.ok(min < 0.001 && max > 0.999, `range [${min}, ${max}]`);
    // Mean of n uniforms: sd = sqrt(1/12 / n) ≈ 0.0009; allow 5 sd.
    assert.ok(Math.abs(sum / n - 0.5) < 0.0046, `mean ${sum / n}`);
  });

  it('u32 is an unsigned 32-bit integer', () => {
    const rng = new Rng(4);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.u32();
      assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32, `u32 ${x}`);
    }
  });

  it('int(n) stays in [0, n) for small, odd and huge n', () => {
    const rng = new Rng(5);
    for (const n of [1, 2, 3, 7, 10, 1000, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32]) {
      for (let i = 0; i < 2000; i++) {
        const x = rng.int(n);
        assert.ok(Number.isInteger(x) && x >= 0 && x < n, `int(${n}) = ${x}`);
      }
    }
    assert.equal(new Rng(6).int(1), 0);
  });

  it('int(n) is uniform: chi-square over 100,000 draws stays under the p = 0.001 critical value', () => {
    const critical = chiSquareCritical(9, 0.001);
    assert.ok(Math.abs(critical - 27.877) < 0.001, `critical value ${critical} for 9 dof (tables: 27.877)`);
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const n = 10, total = 100_000;
      const counts = new Array<number>(n).fill(0);
      for (let i = 0; i < total; i++) counts[rng.int(n)]++;
      const expected = total / n;
      const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      assert.ok(chi2 < critical, `seed ${seed}: chi-square ${chi2.toFixed(2)} ≥ ${critical.toFixed(2)} (${counts})`);
    }
  });

  it('int(n) for n that does not divide 2^32 is still uniform (rejection sampling)', () => {
    // n = 3 * 2^30: without rejection the lowest third of the range would be twice as likely.
    const rng = new Rng(8);
    const n = 3 * 2 ** 30, total = 30_000;
    const thirds = [0, 0, 0];
    for (let i = 0; i < total; i++) thirds[Math.floor(rng.int(n) / 2 ** 30)]++;
    const expected = total / 3;
    const chi2 = thirds.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    const critical = chiSquareCritical(2, 0.001);
    assert.ok(Math.abs(critical - 13.816) < 0.001, `critical value ${critical} for 2 dof (tables: 13.816)`);
    assert.ok(chi2 < critical, `chi-square ${chi2.toFixed(2)} ≥ ${critical.toFixed(2)}: ${thirds}`);
  });

  it('shuffle is a deterministic permutation', () => {
    const base = Array.from({ length: 50 }, (_, i) => i);
    const a = new Rng(11).shuffle(base.slice());
    const b = new Rng(11).shuffle(base.slice());
    assert.deepEqual(a, b);
    assert.deepEqual(a.slice().sort((x, y) => x - y), base);
    assert.notDeepEqual(a, base);
    assert.notDeepEqual(new Rng(12).shuffle(base.slice()), a);
  });

  it('shuffle works on typed arrays and can stop at a prefix', () => {
    const arr = Int32Array.from({ length: 20 }, (_, i) => i);
    new Rng(13).shuffle(arr, 10);
    const tail = Array.from({ length: 10 }, (_, i) => i + 10);
    assert.deepEqual(Array.from(arr.subarray(10)), tail, 'the tail is untouched');
    assert.deepEqual(Array.from(arr.subarray(0, 10)).sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i));
    assert.deepEqual(new Rng(1).shuffle([]), []);
    assert.deepEqual(new Rng(1).shuffle([7]), [7]);
  });

  it('shuffle puts every element everywhere about equally often', () => {
    const rng = new Rng(14);
    const n = 4, rounds = 24_000;
    const at = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let r = 0; r < rounds; r++) {
      const p = rng.shuffle([0, 1, 2, 3]);
      for (let i = 0; i < n; i++) at[p[i]][i]++;
    }
    for (const row of at) for (const c of row) assert.ok(Math.abs(c - rounds / n) < 400, `position counts ${row}`);
  });

  it('getState / setState restore a point in the sequence exactly', () => {
    const rng = new Rng(21);
    draws(rng, 37);
    const state = rng.getState();
    const after = [...draws(rng, 100), rng.int(1000), rng.float()];
    rng.setState(state);
    assert.deepEqual([...draws(rng, 100), rng.int(1000), rng.float()], after);
    // The state moves to another generator as well.
    const other = new Rng(999);
    other.setState(state);
    assert.deepEqual([...draws(other, 100), other.int(1000), other.float()], after);
    assert.ok(state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32), 'state words are unsigned 32-bit');
  });

  it('rejects bad seeds, bounds and states', () => {
    for (const seed of [NaN, Infinity, -Infinity]) assert.throws(() => new Rng(seed), RangeError, `seed ${seed}`);
    const rng = new Rng(1);
    for (const n of [0, -1, 1.5, NaN, Infinity, 2 ** 32 + 1]) assert.throws(() => rng.int(n), RangeError, `int(${n})`);
    assert.throws(() => rng.setState([1, 2, 3] as unknown as [number, number, number, number]), RangeError);
    assert.throws(() => rng.seed(NaN), RangeError);
  });
});
