import { strict as assert } from 'node:assert';
import { Rng } from '../ecs/rng.js';
import { FairnessWindow } from '../systems/metrics/window.js';

/** Positions of n agents; all present, all far apart (20 cells between neighbours) unless moved. */
class Scene {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly present: Uint8Array;
  constructor(n: number) {
    this.x = new Int32Array(n);
    this.y = new Int32Array(n);
    this.present = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) this.x[i] = i * 20;
  }
  put(i: number, x: number, y: number): this {
    this.x[i] = x;
    this.y[i] = y;
    return this;
  }
}

/** Run `ticks` ticks with the same scene, calling `each` after recording positions. */
function run(w: FairnessWindow, scene: Scene, ticks: number, each?: (tick: number) => void): void {
  for (let t = 0; t < ticks; t++) {
    w.beginTick();
    w.recordPositions(scene.x, scene.y, scene.present);
    each?.(w.ticks);
  }
}

describe('FairnessWindow: coalitions', () => {
  it('links two agents adjacent for 60 of 100 ticks into a coalition', () => {
    const w = new FairnessWindow(3, 100);
    const apart = new Scene(3);
    const together = new Scene(3).put(0, 5, 5).put(1, 6, 5);
    run(w, apart, 40);
    run(w, together, 60);
    assert.equal(w.ticksTogether(0, 1), 60);
    assert.deepEqual(w.coalitionSizes(), [2, 1]);
  });

  it('needs at least half the window: 50 of 100 ticks links, 49 does not', () => {
    const together = new Scene(2).put(0, 0, 0).put(1, 1, 1);
    const apart = new Scene(2);
    const w = new FairnessWindow(2, 100);
    run(w, apart, 50);
    run(w, together, 50);
    assert.equal(w.coalitionThreshold(), 50);
    assert.deepEqual(w.coalitionSizes(), [2]);
    w.reset();
    run(w, apart, 51);
    run(w, together, 49);
    assert.deepEqual(w.coalitionSizes(), [1, 1]);
  });

  it('uses half the elapsed ticks before the window is full', () => {
    const w = new FairnessWindow(2, 100);
    run(w, new Scene(2), 5);
    run(w, new Scene(2).put(1, 0, 3), 5); // distance exactly 3
    assert.equal(w.ticksInWindow, 10);
    assert.equal(w.coalitionThreshold(), 5);
    assert.deepEqual(w.coalitionSizes(), [2]);
  });

  it('counts distance ≤ 3 (d² ≤ 9) as close: (2,2) yes, (3,0) yes, (2,3) no', () => {
    const cases: [number, number, number][] = [
      [2, 2, 1],
      [3, 0, 1],
      [0, -3, 1],
      [2, 3, 0],
      [4, 0, 0],
    ];
    for (const [dx, dy, expected] of cases) {
      const w = new FairnessWindow(2, 10);
      run(w, new Scene(2).put(0, 10, 10).put(1, 10 + dx, 10 + dy), 1);
      assert.equal(w.ticksTogether(0, 1), expected, `offset (${dx}, ${dy})`);
    }
  });

  it('ignores absent agents', () => {
    const w = new FairnessWindow(2, 10);
    const scene = new Scene(2).put(0, 0, 0).put(1, 0, 1);
    scene.present[1] = 0;
    run(w, scene, 10);
    assert.equal(w.ticksTogether(0, 1), 0);
    assert.deepEqual(w.coalitionSizes(), [1, 1]);
  });

  it('counts a tick once even if positions are recorded twice in it', () => {
    const w = new FairnessWindow(2, 10);
    const scene = new Scene(2).put(0, 0, 0).put(1, 1, 0);
    w.beginTick();
    w.recordPositions(scene.x, scene.y, scene.present);
    w.recordPositions(scene.x, scene.y, scene.present);
    assert.equal(w.ticksTogether(0, 1), 1);
  });

  it('chains coalitions transitively (0–1 and 1–2 close, 0–2 apart)', () => {
    const w = new FairnessWindow(4, 10);
    run(w, new Scene(4).put(0, 0, 0).put(1, 3, 0).put(2, 6, 0), 10);
    assert.equal(w.ticksTogether(0, 2), 0);
    assert.deepEqual(w.coalitionSizes(), [3, 1]);
  });

  it('breaks a coalition when one member aims a hostile act at the other, until the act leaves the window', () => {
    const w = new FairnessWindow(3, 100);
    const together = new Scene(3).put(0, 5, 5).put(1, 6, 5);
    run(w, together, 100);
    assert.deepEqual(w.coalitionSizes(), [2, 1]);
    w.beginTick(); // tick 101
    w.recordPositions(together.x, together.y, together.present);
    w.recordAttempt(1, 0, false); // a defended zap still breaks it
    assert.equal(w.hostileActsBetween(0, 1), 1);
    assert.deepEqual(w.coalitionSizes(), [1, 1, 1]);
    run(w, together, 99); // tick 200: the zap of tick 101 is still inside (ticks 101..200)
    assert.deepEqual(w.coalitionSizes(), [1, 1, 1]);
    run(w, together, 1); // tick 201: window is 102..201
    assert.equal(w.hostileActsBetween(0, 1), 0);
    assert.deepEqual(w.coalitionSizes(), [2, 1]);
  });

  it('slides proximity: together for ticks 1..60, apart 61..120 leaves 40 shared ticks in the window', () => {
    const w = new FairnessWindow(2, 100);
    run(w, new Scene(2).put(1, 1, 0), 60);
    run(w, new Scene(2), 60);
    assert.equal(w.ticksTogether(0, 1), 40);
    assert.deepEqual(w.coalitionSizes(), [1, 1]);
  });
});

describe('FairnessWindow: exploitation, defense and consent', () => {
  it('has no attempts and a null defense rate before anything happens', () => {
    const w = new FairnessWindow(4, 10);
    assert.equal(w.exploitationAttempts(), 0);
    assert.equal(w.defenseSuccessRate(), null);
    assert.equal(w.consentRefusalRate(), null);
    w.beginTick();
    assert.equal(w.defenseSuccessRate(), null);
  });

  it('defense success rate is the share of attempts that did not land', () => {
    const w = new FairnessWindow(4, 10);
    w.beginTick();
    w.recordAttempt(0, 1, true);
    w.recordAttempt(2, 3, false);
    w.beginTick();
    w.recordAttempt(3, 2, false);
    assert.equal(w.exploitationAttempts(), 3);
    assert.equal(w.defenseSuccessRate(), 2 / 3);
  });

  it('forgets attempts once they slide out of the window', () => {
    const w = new FairnessWindow(2, 10);
    w.beginTick(); // tick 1
    w.recordAttempt(0, 1, true);
    for (let t = 2; t <= 10; t++) w.beginTick();
    assert.equal(w.exploitationAttempts(), 1, 'tick 10: window 1..10 still holds it');
    w.beginTick(); // tick 11: window 2..11
    w.recordAttempt(1, 0, false);
    assert.equal(w.exploitationAttempts(), 1);
    assert.equal(w.defenseSuccessRate(), 1);
    for (let t = 12; t <= 21; t++) w.beginTick();
    assert.equal(w.exploitationAttempts(), 0);
    assert.equal(w.defenseSuccessRate(), null);
  });

  it('grows its attempt buffer without losing order', () => {
    const w = new FairnessWindow(3, 3);
    for (let t = 0; t < 3; t++) {
      w.beginTick();
      for (let k = 0; k < 500; k++) w.recordAttempt(k % 3, (k + 1) % 3, t === 0);
    }
    assert.equal(w.exploitationAttempts(), 1500);
    assert.equal(w.defenseSuccessRate(), 1000 / 1500);
    w.beginTick(); // the first tick (all landed) leaves
    assert.equal(w.exploitationAttempts(), 1000);
    assert.equal(w.defenseSuccessRate(), 1);
  });

  it('consent refusal rate is refused / requested over the window', () => {
    const w = new FairnessWindow(2, 5);
    w.beginTick(); // 1
    w.recordConsent(4, 1);
    w.beginTick(); // 2
    w.recordConsent(2, 2);
    assert.equal(w.consentRefusalRate(), 3 / 6);
    for (let t = 3; t <= 6; t++) w.beginTick(); // window 2..6
    assert.equal(w.consentRefusalRate(), 1);
    w.beginTick(); // window 3..7
    assert.equal(w.consentRefusalRate(), null);
  });

  it('rejects bad input: recording before beginTick, self-attacks, unknown agents, refused > requested', () => {
    const w = new FairnessWindow(2, 5);
    assert.throws(() => w.recordAttempt(0, 1, true), /beginTick/);
    w.beginTick();
    assert.throws(() => w.recordAttempt(0, 0, true), RangeError);
    assert.throws(() => w.recordAttempt(0, 2, true), RangeError);
    assert.throws(() => w.recordConsent(1, 2), RangeError);
    assert.throws(() => w.recordPositions(new Int32Array(1), new Int32Array(1), new Uint8Array(1)), RangeError);
  });

  it('reset starts a new episode, possibly with another number of agents', () => {
    const w = new FairnessWindow(2, 10);
    run(w, new Scene(2).put(1, 1, 0), 10, () => w.recordConsent(1, 1));
    w.recordAttempt(0, 1, true);
    w.reset(4);
    assert.equal(w.agents, 4);
    assert.equal(w.ticks, 0);
    assert.equal(w.exploitationAttempts(), 0);
    assert.equal(w.consentRefusalRate(), null);
    assert.deepEqual(w.coalitionSizes(), [1, 1, 1, 1]);
    run(w, new Scene(4).put(2, 100, 0).put(3, 100, 2), 4);
    assert.deepEqual(w.figures(), {
      window_ticks: 4,
      exploitation_attempts: 0,
      defense_success_rate: null,
      coalition_sizes: [2, 1, 1],
      consent_refusal_rate: null,
    });
  });
});

describe('FairnessWindow agrees with a brute-force recount of the last W ticks', () => {
  interface Tick {
    x: Int32Array;
    y: Int32Array;
    present: Uint8Array;
    attempts: [number, number, boolean][];
    consent: [number, number];
  }

  function bruteForce(history: Tick[], n: number, W: number) {
    const recent = history.slice(-W);
    const together = (i: number, j: number) =>
      recent.filter((t) => {
        if (!t.present[i] || !t.present[j]) return false;
        const dx = t.x[i]! - t.x[j]!;
        const dy = t.y[i]! - t.y[j]!;
        return dx * dx + dy * dy <= 9;
      }).length;
    const attempts = recent.flatMap((t) => t.attempts);
    const hostile = (i: number, j: number) => attempts.some(([a, b]) => (a === i && b === j) || (a === j && b === i));
    const threshold = Math.max(1, Math.ceil(recent.length / 2));
    // Components by repeated relabelling (independent of the union-find under test).
    const label = Array.from({ length: n }, (_, i) => i);
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++)
          if (together(i, j) >= threshold && !hostile(i, j) && label[i] !== label[j]) {
            const m = Math.min(label[i]!, label[j]!);
            label[i] = label[j] = m;
            changed = true;
          }
    }
    const sizes = new Map<number, number>();
    for (const l of label) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    const requested = recent.reduce((s, t) => s + t.consent[0], 0);
    const refused = recent.reduce((s, t) => s + t.consent[1], 0);
    const landed = attempts.filter((a) => a[2]).length;
    return {
      attempts: attempts.length,
      defense: attempts.length === 0 ? null : (attempts.length - landed) / attempts.length,
      refusal: requested === 0 ? null : refused / requested,
      coalitions: [...sizes.values()].sort((a, b) => b - a),
      together,
    };
  }

  it('over 300 random ticks with 7 agents and W = 25', () => {
    const n = 7;
    const W = 25;
    const rng = new Rng(2024);
    const w = new FairnessWindow(n, W);
    const history: Tick[] = [];
    // Agents wander on a 10×10 patch so that they meet often.
    const x = new Int32Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.int(10);
      y[i] = rng.int(10);
    }
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < n; i++) {
        x[i] = Math.min(9, Math.max(0, x[i]! + rng.int(3) - 1));
        y[i] = Math.min(9, Math.max(0, y[i]! + rng.int(3) - 1));
      }
      const present = new Uint8Array(n);
      for (let i = 0; i < n; i++) present[i] = rng.int(10) === 0 ? 0 : 1;
      const attempts: [number, number, boolean][] = [];
      if (rng.int(8) === 0) {
        const a = rng.int(n);
        const b = (a + 1 + rng.int(n - 1)) % n;
        attempts.push([a, b, rng.int(2) === 0]);
      }
      const requested = rng.int(3);
      const consent: [number, number] = [requested, rng.int(requested + 1)];
      history.push({ x: x.slice(), y: y.slice(), present, attempts, consent });

      w.beginTick();
      w.recordPositions(x, y, present);
      for (const [a, b, landed] of attempts) w.recordAttempt(a, b, landed);
      w.recordConsent(consent[0], consent[1]);

      const expected = bruteForce(history, n, W);
      assert.equal(w.exploitationAttempts(), expected.attempts, `tick ${t + 1}`);
      assert.equal(w.defenseSuccessRate(), expected.defense, `tick ${t + 1}`);
      assert.equal(w.consentRefusalRate(), expected.refusal, `tick ${t + 1}`);
      assert.deepEqual(w.coalitionSizes(), expected.coalitions, `tick ${t + 1}`);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) assert.equal(w.ticksTogether(i, j), expected.together(i, j), `tick ${t + 1} pair ${i},${j}`);
    }
  });
});

describe('FairnessWindow proximity matches a brute-force count', () => {
  // recordPositions buckets agents by position; this checks it against the definition on random layouts, both on a
  // map-sized range (the bucketed path) and over a huge range (the all-pairs fallback).
  for (const [label, span] of [['on a 40×30 map', 40], ['spread over a million cells', 1_000_000]] as const) {
    it(`counts exactly the pairs within distance 3, ${label}`, () => {
      const n = 60, W = 5;
      const win = new FairnessWindow(n, W);
      const rng = new Rng(11);
      const x = new Int32Array(n), y = new Int32Array(n), present = new Uint8Array(n);
      const expected = new Int32Array(n * n);
      const history: Int32Array[] = [];
      for (let t = 0; t < 12; t++) {
        win.beginTick();
        for (let i = 0; i < n; i++) {
          // Cluster half the agents so that close pairs exist even over the huge range.
          x[i] = i % 2 === 0 ? 5 + rng.int(8) : rng.int(span);
          y[i] = i % 2 === 0 ? 5 + rng.int(6) : rng.int(Math.min(span, 30));
          present[i] = rng.int(10) === 0 ? 0 : 1;
        }
        win.recordPositions(x, y, present);
        const close = new Int32Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            const dx = x[i] - x[j], dy = y[i] - y[j];
            if (present[i] && present[j] && dx * dx + dy * dy <= 9) close[i * n + j] = 1;
          }
        }
        history.push(close);
        expected.fill(0);
        for (const h of history.slice(-W)) for (let k = 0; k < h.length; k++) expected[k] += h[k];
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) assert.equal(win.ticksTogether(i, j), expected[i * n + j], `tick ${t + 1}, pair ${i}-${j}`);
        }
      }
    });
  }
});
