import { strict as assert } from 'node:assert';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { PerformanceMonitor } from '../systems/performanceMonitor.js';

/** A monitor on a hand-driven clock and process probes. */
function fakeMonitor() {
  const state = { ms: 1000, cpuUs: 0, rss: 100 * 1024 * 1024, heap: 25 * 1024 * 1024 };
  const monitor = new PerformanceMonitor({
    now: () => state.ms,
    cpuUsage: () => ({ user: state.cpuUs * 0.75, system: state.cpuUs * 0.25 }),
    memoryUsage: () => ({ rss: state.rss, heapUsed: state.heap }),
  });
  return { monitor, state };
}

describe('PerformanceMonitor', () => {
  it('recorded values show up in count, min, max and mean', () => {
    const { monitor } = fakeMonitor();
    const h = monitor.register('step');
    monitor.record(h, 100);
    monitor.record(h, 300);
    monitor.record(h, 200);
    const s = monitor.stats().step!;
    assert.equal(s.count, 3);
    assert.equal(s.min, 100);
    assert.equal(s.max, 300);
    assert.equal(s.mean, 200);
    assert.ok(Math.abs(s.p50 - 200) <= 1, `p50 ${s.p50}`);
  });

  it('start/stop measures on the clock in whole microseconds', () => {
    const { monitor, state } = fakeMonitor();
    const h = monitor.register('observations');
    monitor.start(h);
    state.ms += 1.5;
    assert.equal(monitor.stop(h), 1500);
    const t0 = monitor.now();
    state.ms += 0.0424;
    assert.equal(monitor.time(h, t0), 42);
    const s = monitor.timerStats('observations')!;
    assert.equal(s.count, 2);
    assert.equal(s.min, 42);
    assert.equal(s.max, 1500);
  });

  it('stop without start records nothing and returns −1', () => {
    const { monitor } = fakeMonitor();
    const h = monitor.register('x');
    assert.equal(monitor.stop(h), -1);
    monitor.start(h);
    monitor.stop(h);
    assert.equal(monitor.stop(h), -1, 'a second stop does not record again');
    assert.equal(monitor.stats().x!.count, 1);
  });

  it('percentiles are ordered min ≤ p50 ≤ p95 ≤ p99 ≤ max and close to the exact ones', () => {
    const { monitor } = fakeMonitor();
    const h = monitor.register('actions');
    for (let v = 1000; v >= 1; v--) monitor.record(h, v); // 1..1000 µs, in reverse
    const s = monitor.stats().actions!;
    assert.equal(s.count, 1000);
    assert.equal(s.min, 1);
    assert.equal(s.max, 1000);
    assert.equal(s.mean, 500.5);
    assert.ok(s.min <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max, JSON.stringify(s));
    // 3 significant digits: within 0.1 % of the exact percentiles 500, 950, 990.
    assert.ok(Math.abs(s.p50 - 500) <= 1, `p50 ${s.p50}`);
    assert.ok(Math.abs(s.p95 - 950) <= 1, `p95 ${s.p95}`);
    assert.ok(Math.abs(s.p99 - 990) <= 1, `p99 ${s.p99}`);
  });

  it('keeps exact extremes for large and zero durations', () => {
    const { monitor } = fakeMonitor();
    const h = monitor.register('slow');
    monitor.record(h, 0);
    monitor.record(h, 123_456_789); // beyond the initial 60 s range: the histogram resizes
    monitor.record(h, -5); // clock went backwards: counts as 0
    const s = monitor.stats().slow!;
    assert.equal(s.count, 3);
    assert.equal(s.min, 0);
    assert.equal(s.max, 123_456_789);
    assert.ok(s.p99 <= s.max && s.p50 >= s.min);
  });

  it('reports zeros for a registered timer that recorded nothing', () => {
    const { monitor } = fakeMonitor();
    monitor.register('idle');
    assert.deepEqual(monitor.stats().idle, { count: 0, mean: 0, min: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it('register is idempotent, handles are dense integers, unknown handles throw', () => {
    const { monitor } = fakeMonitor();
    assert.equal(monitor.register('a'), 0);
    assert.equal(monitor.register('b'), 1);
    assert.equal(monitor.register('a'), 0);
    assert.equal(monitor.handle('b'), 1);
    assert.equal(monitor.handle('zzz'), undefined);
    assert.deepEqual(monitor.timerNames(), ['a', 'b']);
    assert.throws(() => monitor.record(7, 1), RangeError);
    // Many timers: the per-timer arrays grow.
    for (let i = 0; i < 40; i++) monitor.record(monitor.register(`t${i}`), i);
    assert.equal(monitor.stats().t39!.max, 39);
  });

  it('snapshot reports steps per second, CPU share and memory since the previous snapshot, plus passthrough figures', () => {
    const { monitor, state } = fakeMonitor();
    const h = monitor.register('step');
    for (let i = 0; i < 50; i++) {
      monitor.countStep();
      monitor.record(h, 1000);
    }
    state.ms += 500;
    state.cpuUs += 250_000;
    const r = monitor.snapshot({ active_agents: 16, event_queue_depth: 3, spatial_index_size: 240 });
    assert.equal(r.steps_per_s, 100);
    assert.equal(r.interval_s, 0.5);
    assert.equal(r.cpu_pct, 50);
    assert.deepEqual(r.memory, { rss_mb: 100, heap_mb: 25 });
    assert.equal(r.active_agents, 16);
    assert.equal(r.event_queue_depth, 3);
    assert.equal(r.spatial_index_size, 240);
    assert.equal(r.timers.step!.count, 50);

    // The next interval starts at the snapshot; timer statistics stay cumulative.
    monitor.countStep(10);
    state.ms += 2000;
    state.cpuUs += 3_000_000; // two busy threads
    const r2 = monitor.snapshot();
    assert.equal(r2.steps_per_s, 5);
    assert.equal(r2.cpu_pct, 150);
    assert.equal(r2.active_agents, undefined);
    assert.equal(r2.timers.step!.count, 50);
  });

  it('reset clears the timers and the step count but keeps the handles', () => {
    const { monitor, state } = fakeMonitor();
    const h = monitor.register('step');
    monitor.record(h, 5);
    monitor.countStep(100);
    monitor.reset();
    assert.equal(monitor.stats().step!.count, 0);
    state.ms += 1000;
    monitor.record(h, 7);
    const r = monitor.snapshot();
    assert.equal(r.steps_per_s, 0);
    assert.equal(r.timers.step!.count, 1);
    assert.equal(r.timers.step!.min, 7);
  });

  it('encodeHistogram gives compressed base64 that decodes to the same distribution', () => {
    const { monitor } = fakeMonitor();
    const h = monitor.register('step');
    for (let v = 1; v <= 100; v++) monitor.record(h, v * 10);
    const decoded = decodeFromCompressedBase64(monitor.encodeHistogram('step'));
    assert.equal(decoded.totalCount, 100);
    assert.equal(decoded.getValueAtPercentile(50), monitor.stats().step!.p50);
    assert.throws(() => monitor.encodeHistogram('nope'), RangeError);
  });

  it('defaults to performance.now and the process CPU and memory probes', () => {
    const MB = 1024 * 1024;
    const before = performance.now();
    const monitor = new PerformanceMonitor();
    const reading = monitor.now();
    assert.ok(before <= reading && reading <= performance.now(), 'now() reads performance.now()');
    const h = monitor.register('busy');
    monitor.start(h);
    const spinStart = performance.now();
    while (performance.now() - spinStart < 5) {
      // Spin 5 ms of wall and CPU time.
    }
    const us = monitor.stop(h);
    assert.ok(us >= 5000, `a 5 ms spin measures at least 5000 µs, got ${us}`);
    monitor.countStep();
    const rssBefore = process.memoryUsage().rss;
    const r = monitor.snapshot({ active_agents: 1 });
    const rssAfter = process.memoryUsage().rss;
    assert.equal(r.timers.busy!.count, 1);
    assert.ok(r.memory.rss_mb >= Math.min(rssBefore, rssAfter) / MB && r.memory.rss_mb <= Math.max(rssBefore, rssAfter) / MB, 'rss read from process.memoryUsage()');
    assert.ok(r.cpu_pct > 0, 'the spin used CPU time: process.cpuUsage() moved');
    assert.ok(r.steps_per_s > 0 && r.interval_s >= 0.005, 'one step in at least the 5 ms of the spin');
  });
});
