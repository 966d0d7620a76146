import { strict as assert } from 'node:assert';
import { FixedRateLoop, LockstepLoop } from '../server/tickLoop.js';
import { VirtualTime } from './helpers/virtualTime.js';


function run(loop: { start(): void; stop(): void }, until: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      loop.stop();
      reject(new Error('loop did not finish in time'));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (until()) {
        clearInterval(poll);
        clearTimeout(deadline);
        loop.stop();
        resolve();
      }
    }, 1);
    loop.start();
  });
}

describe('server: tick clocks', function () {
  this.timeout(10_000);

  describe('FixedRateLoop', () => {
    it('schedules tick k at start + k·interval, so ticks that run long do not slow the average rate', () => {
      const time = new VirtualTime();
      const starts: number[] = [];
      const loop = new FixedRateLoop(
        () => {
          starts.push(time.now);
          // Every 10th tick runs 25 ms (2.5 intervals): a setInterval-style loop would lose that time for good.
          if (starts.length % 10 === 0) time.now += 25;
        },
        { intervalMs: 10, now: () => time.now, timers: time },
      );
      loop.start();
      time.runUntil(() => starts.length >= 60);
      loop.stop();
      assert.equal(starts[0], 10);
      assert.equal(starts[59] - starts[0], 590, '60 ticks span exactly 59 intervals');
      assert.equal(starts[10], 125, 'the tick after a long one starts when it ends, 15 ms late');
      assert.equal(starts[11], 125, 'and the next one, already due, at once: back on the timeline');
      assert.equal(starts[12], 130);
      const stats = loop.stats();
      assert.equal(stats.lateTicks, 5, 'one late tick (≥ 1 interval behind) after each long one');
      assert.equal(stats.resyncs, 0);
      assert.equal(stats.ticks, 60);
    });

    it('restarts its timeline after a stall longer than maxLagIntervals instead of bursting to catch up', () => {
      const time = new VirtualTime();
      const starts: number[] = [];
      const loop = new FixedRateLoop(
        () => {
          starts.push(time.now);
          if (starts.length === 5) time.now += 200; // 20 intervals behind; at most 5 may be caught up
        },
        { intervalMs: 10, maxLagIntervals: 5, now: () => time.now, timers: time },
      );
      loop.start();
      time.runUntil(() => starts.length >= 15);
      loop.stop();
      assert.deepEqual(starts.slice(0, 5), [10, 20, 30, 40, 50]);
      assert.deepEqual(starts.slice(5, 10), [250, 260, 270, 280, 290], 'a fresh timeline from the end of the stall, no burst');
      assert.equal(loop.stats().resyncs, 1);
      assert.equal(loop.stats().lateTicks, 1);
    });

    it('reports the achieved rate over its last 64 ticks: the nominal rate when ticks are short, less when they overrun', () => {
      const time = new VirtualTime();
      let ticks = 0;
      let tickMs = 0;
      const loop = new FixedRateLoop(
        () => {
          ticks++;
          time.now += tickMs;
        },
        { intervalMs: 5, maxLagIntervals: 1000, now: () => time.now, timers: time },
      );
      assert.equal(loop.stats().achievedHz, 0, 'no rate before two ticks');
      loop.start();
      time.runUntil(() => ticks >= 40);
      assert.equal(loop.stats().achievedHz, 200, '40 ticks 5 ms apart: 200 Hz');
      // From now on each tick takes 10 ms: the loop runs them back to back, one every 10 ms (it cannot catch up).
      tickMs = 10;
      time.runUntil(() => ticks >= 40 + 64);
      loop.stop();
      assert.equal(loop.stats().achievedHz, 100, 'the last 64 ticks are 10 ms apart: 100 Hz');
    });
  });

  describe('LockstepLoop', () => {
    it('steps as soon as the room says every agent has acted, and not before', async () => {
      let steps = 0;
      const loop = new LockstepLoop(() => steps++, { timeoutMs: 0 });
      loop.start();
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(steps, 0, 'with no timeout it waits');
      loop.ready();
      loop.ready(); // twice before it runs: still one step
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      assert.equal(steps, 1);
      loop.stop();
    });

    it('steps when the action timeout runs out', async () => {
      const starts: number[] = [];
      const loop = new LockstepLoop(() => starts.push(performance.now()), { timeoutMs: 15 });
      await run(loop, () => starts.length >= 5);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]);
      for (const g of gaps) assert.ok(g >= 13, `gap of ${g.toFixed(1)} ms`);
    });
  });
});
