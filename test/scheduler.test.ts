import { strict as assert } from 'node:assert';
import { msToTicks, Scheduler } from '../ecs/scheduler.js';
import { Rng } from '../ecs/rng.js';

/** Advance the scheduler tick by tick from its current tick up to `last`, as the world does. */
function runTo(s: Scheduler, last: number): void {
  for (let t = s.now + 1; t <= last; t++) s.runDue(t);
}

describe('Scheduler', () => {
  describe('ordering', () => {
    it('fires events due on the same tick in the order they were scheduled', () => {
      const s = new Scheduler();
      const fired: number[] = [];
      for (const arg of [5, 3, 9, 1, 7]) s.schedule(2, (a) => fired.push(a), arg);
      s.runDue(1);
      assert.deepEqual(fired, []);
      s.runDue(2);
      assert.deepEqual(fired, [5, 3, 9, 1, 7]);
    });

    it('fires earlier ticks first, whatever the scheduling order, and passes the due tick', () => {
      const s = new Scheduler();
      const fired: [number, number][] = [];
      const log = (arg: number, tick: number): void => {
        fired.push([arg, tick]);
      };
      s.schedule(5, log, 0);
      s.schedule(1, log, 1);
      s.schedule(3, log, 2);
      s.schedule(1, log, 3);
      s.schedule(2, log, 4);
      s.schedule(3, log, 5);
      runTo(s, 6);
      assert.deepEqual(fired, [
        [1, 1],
        [3, 1],
        [4, 2],
        [2, 3],
        [5, 3],
        [0, 5],
      ]);
    });

    it('catches up in (due tick, scheduling order) when the clock jumps several ticks', () => {
      const s = new Scheduler();
      const fired: [number, number][] = [];
      const log = (arg: number, tick: number): void => {
        fired.push([arg, tick]);
      };
      s.schedule(4, log, 0);
      s.schedule(2, log, 1);
      s.schedule(4, log, 2);
      s.schedule(9, log, 3);
      s.runDue(6);
      assert.deepEqual(fired, [
        [1, 2],
        [0, 4],
        [2, 4],
      ]);
      assert.equal(s.now, 6);
      assert.equal(s.size, 1);
    });

    it('keeps order with far more events than its initial 64 slots', () => {
      const s = new Scheduler();
      const rng = new Rng(2024);
      const fired: number[] = [];
      const expected: { due: number; k: number }[] = [];
      const ids: number[] = [];
      const n = 1000;
      for (let k = 0; k < n; k++) {
        const delay = 1 + rng.int(40);
        ids.push(s.schedule(delay, (a, tick) => fired.push(a * 1000 + tick), k));
        expected.push({ due: delay, k });
      }
      // Cancel every seventh event; the rest must still fire in order.
      const cancelled = new Set<number>();
      for (let k = 0; k < n; k += 7) {
        assert.equal(s.cancel(ids[k]), true);
        cancelled.add(k);
      }
      assert.equal(s.size, n - cancelled.size);
      runTo(s, 41);
      const want = expected
        .filter((e) => !cancelled.has(e.k))
        .sort((a, b) => a.due - b.due || a.k - b.k)
        .map((e) => e.k * 1000 + e.due);
      assert.deepEqual(fired, want);
      assert.equal(s.size, 0);
    });

    it('keeps order while slots are recycled and the pool grows again', () => {
      const s = new Scheduler();
      const rng = new Rng(7);
      const fired: string[] = [];
      const expected: { due: number; seq: number; tag: string }[] = [];
      let seq = 0;
      for (let tick = 0; tick < 60; tick++) {
        if (tick > 0) s.runDue(tick);
        const burst = tick === 30 ? 300 : rng.int(6);
        for (let i = 0; i < burst; i++) {
          const delay = 1 + rng.int(10);
          const tag = `${tick}.${i}`;
          s.schedule(delay, () => fired.push(tag));
          expected.push({ due: tick + delay, seq: seq++, tag });
        }
      }
      runTo(s, 80);
      assert.deepEqual(
        fired,
        expected.sort((a, b) => a.due - b.due || a.seq - b.seq).map((e) => e.tag),
      );
    });
  });

  describe('delay 0', () => {
    it('fires at the next runDue of the current tick when the clock has not yet run it', () => {
      const s = new Scheduler();
      const fired: number[] = [];
      s.schedule(0, (_a, tick) => fired.push(tick));
      assert.deepEqual(fired, [], 'never synchronously inside schedule');
      s.runDue(0);
      assert.deepEqual(fired, [0]);
    });

    it('scheduled after its tick has run, fires at the next runDue and reports the tick it was due', () => {
      const s = new Scheduler();
      const fired: [string, number][] = [];
      runTo(s, 5);
      s.schedule(0, (_a, tick) => fired.push(['zero', tick]));
      s.schedule(1, (_a, tick) => fired.push(['one', tick]));
      assert.deepEqual(fired, []);
      s.runDue(6);
      // Both fire at tick 6; the delay-0 event reports the tick it was due (5) and comes first.
      assert.deepEqual(fired, [
        ['zero', 5],
        ['one', 6],
      ]);
    });

    it('scheduled from a handler, fires in the same runDue after everything already due', () => {
      const s = new Scheduler();
      const fired: string[] = [];
      s.schedule(1, () => {
        fired.push('a');
        s.schedule(0, () => fired.push('a+0'));
        s.schedule(1, () => fired.push('a+1'));
      });
      s.schedule(1, () => fired.push('b'));
      s.runDue(1);
      assert.deepEqual(fired, ['a', 'b', 'a+0']);
      s.runDue(2);
      assert.deepEqual(fired, ['a', 'b', 'a+0', 'a+1']);
    });
  });

  describe('recurring events', () => {
    it('fire every interval ticks after the first delay until cancelled', () => {
      const s = new Scheduler();
      const ticks: number[] = [];
      const id = s.schedule(2, (arg, tick) => {
        assert.equal(arg, 42);
        ticks.push(tick);
      }, 42, 3);
      runTo(s, 20);
      assert.deepEqual(ticks, [2, 5, 8, 11, 14, 17, 20]);
      assert.equal(s.size, 1, 'a recurring event stays pending');
      assert.equal(s.cancel(id), true);
      assert.equal(s.size, 0);
      runTo(s, 30);
      assert.deepEqual(ticks, [2, 5, 8, 11, 14, 17, 20]);
      assert.equal(s.cancel(id), false, 'cancelling twice');
    });

    it('fire once per due tick when the clock jumps past several intervals', () => {
      const s = new Scheduler();
      const ticks: number[] = [];
      s.schedule(1, (_a, tick) => ticks.push(tick), 0, 2);
      s.runDue(8);
      assert.deepEqual(ticks, [1, 3, 5, 7]);
    });

    it('re-enter the queue behind events already scheduled for their next tick', () => {
      const s = new Scheduler();
      const fired: string[] = [];
      s.schedule(1, (_a, t) => fired.push(`R@${t}`), 0, 2);
      s.schedule(3, (_a, t) => fired.push(`B@${t}`));
      runTo(s, 3);
      // B was scheduled at tick 0; R re-entered for tick 3 at tick 1, so B goes first.
      assert.deepEqual(fired, ['R@1', 'B@3', 'R@3']);
    });

    it('with interval 1 fire every tick', () => {
      const s = new Scheduler();
      let count = 0;
      s.schedule(1, () => count++, 0, 1);
      runTo(s, 10);
      assert.equal(count, 10);
    });
  });

  describe('cancel', () => {
    it('stops a pending one-shot event and is false once it has fired or been cancelled', () => {
      const s = new Scheduler();
      const fired: number[] = [];
      const a = s.schedule(2, (x) => fired.push(x), 1);
      const b = s.schedule(2, (x) => fired.push(x), 2);
      assert.equal(s.size, 2);
      assert.equal(s.cancel(a), true);
      assert.equal(s.size, 1);
      assert.equal(s.cancel(a), false);
      runTo(s, 3);
      assert.deepEqual(fired, [2]);
      assert.equal(s.cancel(b), false, 'already fired');
      assert.equal(s.size, 0);
    });

    it('lets a handler cancel a later event due on the same tick', () => {
      const s = new Scheduler();
      const fired: string[] = [];
      let victim = -1;
      s.schedule(1, () => {
        fired.push('first');
        assert.equal(s.cancel(victim), true);
      });
      victim = s.schedule(1, () => fired.push('victim'));
      s.schedule(1, () => fired.push('last'));
      s.runDue(1);
      assert.deepEqual(fired, ['first', 'last']);
    });

    it('from inside its own handler: a recurring event stops, a one-shot reports it already fired', () => {
      const s = new Scheduler();
      let count = 0;
      let rec = -1;
      rec = s.schedule(1, () => {
        count++;
        if (count === 3) assert.equal(s.cancel(rec), true);
      }, 0, 1);
      let oneShotResult: boolean | undefined;
      let one = -1;
      one = s.schedule(2, () => {
        oneShotResult = s.cancel(one);
      });
      runTo(s, 10);
      assert.equal(count, 3);
      assert.equal(oneShotResult, false);
      assert.equal(s.size, 0);
    });

    it('with a stale id returns false and leaves the event now using the recycled slot alone', () => {
      const s = new Scheduler();
      const fired: string[] = [];
      const old = s.schedule(1, () => fired.push('old'));
      s.runDue(1);
      const fresh = s.schedule(1, () => fired.push('fresh')); // reuses the slot `old` had
      assert.notEqual(fresh, old);
      assert.equal(s.cancel(old), false);
      s.runDue(2);
      assert.deepEqual(fired, ['old', 'fresh']);

      // Same after a cancel: the cancelled slot is recycled once the clock passes it.
      const gone = s.schedule(1, () => fired.push('gone'));
      assert.equal(s.cancel(gone), true);
      s.runDue(3);
      const again = s.schedule(1, () => fired.push('again'));
      assert.equal(s.cancel(gone), false);
      s.runDue(4);
      assert.deepEqual(fired, ['old', 'fresh', 'again']);
      assert.equal(s.cancel(again), false);
    });

    it('returns false for ids it never handed out', () => {
      const s = new Scheduler();
      s.schedule(1, () => {});
      for (const id of [12345, -1, 0x100000 + 0, 1.5, NaN]) assert.equal(s.cancel(id), false, `cancel(${id})`);
      assert.equal(s.size, 1);
    });
  });

  describe('size and clear', () => {
    it('size counts pending events', () => {
      const s = new Scheduler();
      assert.equal(s.size, 0);
      s.schedule(1, () => {});
      s.schedule(3, () => {});
      s.schedule(2, () => {}, 0, 5);
      assert.equal(s.size, 3);
      s.runDue(1);
      assert.equal(s.size, 2);
      s.runDue(3);
      assert.equal(s.size, 1, 'only the recurring one is left');
    });

    it('clear drops everything, resets the clock, invalidates ids and leaves the scheduler usable', () => {
      const s = new Scheduler();
      const fired: string[] = [];
      const ids = [s.schedule(1, () => fired.push('a')), s.schedule(2, () => fired.push('b'), 0, 1)];
      for (let i = 0; i < 100; i++) s.schedule(1 + (i % 5), () => fired.push('bulk'));
      s.runDue(1);
      fired.length = 0;
      s.clear();
      assert.equal(s.size, 0);
      assert.equal(s.now, 0);
      for (const id of ids) assert.equal(s.cancel(id), false);
      runTo(s, 10);
      assert.equal(fired.length, 0, 'nothing fires after clear');
      s.schedule(2, (_a, t) => fired.push(`new@${t}`));
      runTo(s, 12);
      assert.deepEqual(fired, ['new@12']);
    });
  });

  describe('validation', () => {
    it('rejects delays and intervals that are negative or not whole ticks', () => {
      const s = new Scheduler();
      for (const bad of [-1, 1.5, NaN, Infinity]) {
        assert.throws(() => s.schedule(bad, () => {}), RangeError, `delay ${bad}`);
        assert.throws(() => s.schedule(1, () => {}, 0, bad), RangeError, `interval ${bad}`);
      }
      assert.equal(s.size, 0);
    });
  });
});

describe('msToTicks', () => {
  it('converts milliseconds to ticks at a tick rate', () => {
    assert.equal(msToTicks(250, 20), 5);
    assert.equal(msToTicks(1000, 20), 20);
    assert.equal(msToTicks(0, 20), 0);
    assert.equal(msToTicks(100, 10), 1);
    assert.equal(msToTicks(1000, 1), 1);
  });

  it('rounds to the nearest tick, halves up', () => {
    // At 20 Hz a tick is 50 ms.
    assert.equal(msToTicks(24, 20), 0);
    assert.equal(msToTicks(25, 20), 1);
    assert.equal(msToTicks(74, 20), 1);
    assert.equal(msToTicks(75, 20), 2);
    assert.equal(msToTicks(260, 20), 5);
    assert.equal(msToTicks(333, 30), 10);
  });

  it('rejects a tick rate that is not positive and negative or missing milliseconds', () => {
    for (const rate of [0, -20, NaN]) assert.throws(() => msToTicks(250, rate), RangeError, `rate ${rate}`);
    for (const ms of [-1, NaN]) assert.throws(() => msToTicks(ms, 20), RangeError, `ms ${ms}`);
  });
});
