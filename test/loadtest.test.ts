import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientState, getMessageBytes, Protocol, type Client } from '@colyseus/core';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { MessageType } from '../client/protocol.js';
import { ArgError, defaultWorkers, parseLoadtestArgs } from '../loadtest/args.js';
import { scaleFor } from '../loadtest/loadtest.js';
import { encodeHistogram, histogramDelta, holds, newHistogram, rateHolds, percentilesMs, type LoadtestReport } from '../loadtest/report.js';
import { FixedRateLoop } from '../server/tickLoop.js';
import { AgentWire, backlogLimit, SendOutcome, encodeMessage } from '../server/wire.js';
import { VirtualTime } from './helpers/virtualTime.js';
import { runLoadtestCli } from './helpers/loadtestCli.js';


const runCli = runLoadtestCli;

const PERCENTILE_KEYS = ['p50', 'p95', 'p99', 'max'] as const;

function assertPercentiles(name: string, p: unknown): void {
  assert.equal(typeof p, 'object', `${name} is an object`);
  const o = p as Record<string, number>;
  for (const k of PERCENTILE_KEYS) assert.ok(Number.isFinite(o[k]) && o[k] >= 0, `${name}.${k} is a non-negative number, got ${o[k]}`);
  assert.ok(o.p50 <= o.p95 && o.p95 <= o.p99 && o.p99 <= o.max, `${name} percentiles are ordered: ${JSON.stringify(o)}`);
}

describe('loadtest: the CLI through a real server', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crucible-loadtest-test-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs 20 agents for 2 s against its own server and prints the report as the last stdout line', async () => {
    const out = join(dir, 'report.json');
    // 5 Hz: a tick (200 ms) is longer than the skew between the server's and the bots' measurement windows on a busy
    // machine, so the observation count can be checked against the ticks to within one tick at each end.
    const { code, stdout, stderr } = await runCli(['--agents', '20', '--hz', '5', '--seconds', '2', '--warmup', '0', '--out', out]);
    assert.equal(code, 0, `exit code 0; stderr:\n${stderr}`);
    const lines = stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]) as LoadtestReport;

    assert.equal(report.agents, 20);
    assert.equal(report.target_hz, 5);
    // 2 s (measured from the server's clock, a little more on a busy machine) at 5 Hz: about 10 ticks.
    assert.ok(report.ticks >= 9 && report.ticks <= 12, `about 10 ticks measured, got ${report.ticks}`);
    assert.ok(Math.abs(report.achieved_hz - report.ticks / report.seconds) < 0.05, 'achieved_hz is ticks per measured second');
    assertPercentiles('tick_ms', report.tick_ms);
    assertPercentiles('rtt_ms', report.rtt_ms);
    assert.ok(report.rtt_ms.p50 > 0, 'round trips were measured');
    for (const k of ['late_ticks', 'errors', 'disconnects', 'msgs_in_per_s', 'msgs_out_per_s', 'bytes_out_per_s', 'server_cpu_pct', 'bot_cpu_pct'] as const) {
      assert.ok(Number.isFinite(report[k]) && report[k] >= 0, `${k} is a non-negative number, got ${report[k]}`);
    }
    assert.equal(report.disconnects, 0);
    // Every action the bots sent (a preencoded {tick, episode, action} frame) was valid and taken.
    assert.equal(report.errors, 0, `no errors: ${JSON.stringify(report.error_codes)}`);
    assert.ok(report.late_actions !== null && report.missed_actions !== null, 'the server reports late and missed actions');
    assert.ok(report.missed_action_pct < 50, `the agents acted in most steps (missed ${report.missed_action_pct} %)`);
    // Every agent sees one observation per tick: 20 × ticks, give or take one tick at each end of the window.
    assert.ok(Math.abs(report.observations - 20 * report.ticks) <= 2 * 20, `20 agents × ${report.ticks} ticks observations, got ${report.observations}`);
    assert.ok(report.msgs_out_per_s >= report.observations_per_s, 'every observation is a message out of the server');
    assert.ok(report.msgs_in_per_s > 0 && report.bytes_out_per_s > 0);
    assert.ok(report.server_cpu_pct > 0, 'the server used some CPU');
    assert.equal(report.players, 28, '20 agents need scale 2 of a 7-player map');
    const sends = report.obs_sends!;
    assert.ok(sends.one_write > 0 && sends.fallback <= sends.one_write / 100, `observations go out as one socket write: ${JSON.stringify(sends)}`);
    assert.match(stderr, /tick duration ms/, 'the readable table goes to stderr');

    const file = JSON.parse(readFileSync(out, 'utf8')) as LoadtestReport & { histograms: { rtt_us: string; tick_us: string } };
    assert.equal(file.agents, 20);
    const rtt = decodeFromCompressedBase64(file.histograms.rtt_us);
    const tick = decodeFromCompressedBase64(file.histograms.tick_us);
    assert.ok(rtt.totalCount > 0, 'the round-trip histogram holds samples');
    // The tick counter moves when a tick falls due and the histogram when it has run (a setImmediate later): a tick in
    // flight at either end of the window is in one and not yet in the other.
    assert.ok(Math.abs(tick.totalCount - report.ticks) <= 1, `the tick histogram holds the measured ticks (${tick.totalCount} vs ${report.ticks})`);
  });

  it('exits 2 with a clear message on bad arguments', async () => {
    const bad = await runCli(['--agents', 'many', '--hz', '100', '--seconds', '1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--agents must be an integer from 1 to 2000, got "many"/);
    const missing = await runCli(['--agents', '10']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --hz, --seconds/);
  });
});

describe('loadtest: options and figures', () => {
  it('validates options and names the bad one', () => {
    assert.throws(() => parseLoadtestArgs(['--agents', '10', '--hz', '0', '--seconds', '1']), (e: unknown) => e instanceof ArgError && /--hz must be/.test(e.message));
    assert.throws(() => parseLoadtestArgs(['--agents', '10', '--hz', '10', '--seconds', '1', '--obs', 'pixels']), /--obs must be one of none, rgb, symbolic/);
    assert.throws(() => parseLoadtestArgs(['--agents', '10', '--hz', '10', '--seconds', '1', '--substrate', 'nope']), /--substrate must be one of/);
    assert.throws(() => parseLoadtestArgs(['--agents', '10', '--hz', '10', '--seconds', '1', '--url', 'http://x']), /--url must be a ws:\/\/ or wss:\/\/ URL/);
    assert.throws(() => parseLoadtestArgs(['--agents', '10,20', '--hz', '10', '--seconds', '1']), /comma list only with --sweep/);
    assert.throws(() => parseLoadtestArgs(['--bogus']), ArgError);
    assert.throws(() => parseLoadtestArgs(['--agents', '10', '--hz', '10', '--seconds', '1', '--bot-cpu-prof', ' ']), /--bot-cpu-prof needs a directory/);
    assert.equal(parseLoadtestArgs(['--agents', '10', '--hz', '10', '--seconds', '1', '--bot-cpu-prof', '/tmp/p']).botCpuProf, '/tmp/p');
    const sweep = parseLoadtestArgs(['--sweep']);
    assert.deepEqual([...sweep.agents], [50, 100, 200, 300, 500]);
    assert.equal(sweep.hz, 100);
    assert.equal(sweep.seconds, 15);
    assert.deepEqual([...parseLoadtestArgs(['--sweep', '--agents', '5,10', '--seconds', '1']).agents], [5, 10]);
  });

  it('picks the smallest map scale with a focal slot for every agent', () => {
    assert.equal(scaleFor(7, 1), 1);
    assert.equal(scaleFor(7, 7), 1);
    assert.equal(scaleFor(7, 8), 2);
    assert.equal(scaleFor(7, 100), 4); // 112 players
    assert.equal(scaleFor(7, 300), 7); // 343
    assert.equal(scaleFor(7, 500), 9); // 567
  });

  it('uses one bot process per 250 agents, leaving a core to the server', () => {
    assert.equal(defaultWorkers(100, 2), 1);
    assert.equal(defaultWorkers(500, 2), 1);
    assert.equal(defaultWorkers(500, 8), 2);
    assert.equal(defaultWorkers(2000, 4), 3);
    assert.equal(defaultWorkers(10, 1), 1);
  });

  it('holds only with the rate, no errors or disconnects, tick p99 ≤ 5 ms and rtt p99 ≤ 25 ms; the rate alone for the sweep', () => {
    const ok = { achieved_hz: 99.5, target_hz: 100, errors: 0, disconnects: 0, tick_ms: { p50: 1, p95: 2, p99: 5, max: 9 }, rtt_ms: { p50: 10, p95: 12, p99: 25, max: 30 }, lockstep: false };
    assert.equal(holds(ok), true);
    assert.equal(holds({ ...ok, achieved_hz: 98.9 }), false);
    assert.equal(holds({ ...ok, errors: 1 }), false);
    assert.equal(holds({ ...ok, disconnects: 1 }), false);
    assert.equal(holds({ ...ok, tick_ms: { ...ok.tick_ms, p99: 5.01 } }), false);
    assert.equal(holds({ ...ok, rtt_ms: { ...ok.rtt_ms, p99: 25.1 } }), false);
    assert.equal(holds({ ...ok, achieved_hz: 40, lockstep: true }), true, 'a lockstep room has no rate to hold');
    const slow = { ...ok, tick_ms: { ...ok.tick_ms, p99: 9 }, rtt_ms: { ...ok.rtt_ms, p99: 40 } };
    assert.equal(holds(slow), false);
    assert.equal(rateHolds(slow), true, 'the sweep criterion leaves the percentiles aside');
    assert.equal(rateHolds({ ...ok, achieved_hz: 98.9 }), false);
    assert.equal(rateHolds({ ...ok, errors: 1 }), false);
    assert.equal(rateHolds({ ...ok, disconnects: 1 }), false);
    assert.equal(holds({ ...ok, target_hz: 20, achieved_hz: 20, rtt_ms: { ...ok.rtt_ms, p99: 120 } }), true, 'the round-trip limit is 2.5 intervals: 125 ms at 20 Hz');
  });

  it('takes the tick figures of the window as the difference of two cumulative histograms', () => {
    const h = newHistogram();
    for (let i = 0; i < 100; i++) h.recordValue(1000); // 1 ms ticks before the window
    const before = encodeHistogram(h);
    for (let i = 0; i < 50; i++) h.recordValue(4000); // 4 ms ticks during it
    const window = histogramDelta(before, encodeHistogram(h));
    assert.equal(window.totalCount, 50);
    // HDR values are bucket bounds, within 0.1 % (3 significant digits).
    for (const [k, v] of Object.entries(percentilesMs(window))) assert.ok(Math.abs(v - 4) <= 0.004, `${k} ≈ 4 ms, got ${v}`);
    assert.deepEqual(percentilesMs(newHistogram()), { p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Server pieces the load test relies on (server/wire.ts, FixedRateLoop.restartTimeline).

/** A client whose socket records what is written to it; `joined: false` stands for a client still joining. */
function fakeClient(joined = true): { client: Client; written: Buffer[]; sent: { type: string; bytes: Uint8Array }[] } {
  const written: Buffer[] = [];
  const sent: { type: string; bytes: Uint8Array }[] = [];
  const socket = { writableLength: 0, destroyed: false, write: (b: Buffer) => written.push(Buffer.from(b)) };
  const client = {
    state: joined ? ClientState.JOINED : ClientState.JOINING,
    ref: { readyState: 1, _socket: socket, _extensions: {} },
    sendBytes: (type: string, bytes: Uint8Array) => sent.push({ type, bytes: Uint8Array.from(bytes) }),
    _enqueuedMessages: [] as Uint8Array[],
  } as unknown as Client;
  return { client, written, sent };
}

/** A server → client WebSocket binary frame around `payload`. */
function wsFrame(payload: Uint8Array): Buffer {
  const header = payload.length <= 125 ? Buffer.from([0x82, payload.length]) : Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

describe('server: one socket write per agent per tick (server/wire.ts)', () => {
  const frame = Uint8Array.from({ length: 153 }, (_, i) => i);
  const obsMessage = getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, MessageType.Obs, undefined, frame);

  it('writes exactly the bytes client.sendBytes("obs", frame) would send, as one write', () => {
    const { client, written, sent } = fakeClient();
    const wire = new AgentWire(frame.length);
    assert.equal(wire.send(client, frame), SendOutcome.OneWrite);
    assert.equal(sent.length, 0);
    assert.equal(written.length, 1);
    assert.deepEqual(written[0], wsFrame(obsMessage));
  });

  it('puts queued messages in front of the observation in the same write, in order', () => {
    const { client, written } = fakeClient();
    const wire = new AgentWire(frame.length);
    const error = encodeMessage(MessageType.Error, { code: 'STALE_ACTION', message: 'late' });
    const summary = encodeMessage(MessageType.Episode, { episode: 0, returns: {} });
    wire.queue(error);
    wire.queue(summary);
    assert.equal(wire.send(client, frame), SendOutcome.OneWrite);
    assert.equal(written.length, 1);
    assert.deepEqual(written[0], Buffer.concat([wsFrame(error), wsFrame(summary), wsFrame(obsMessage)]));
    assert.equal(wire.queued, 0);
    wire.send(client, frame);
    assert.deepEqual(written[1], wsFrame(obsMessage), 'sent messages are not sent again');
  });

  it('falls back to Colyseus for a client that is still joining or whose socket has data queued', () => {
    const joining = fakeClient(false);
    const wire = new AgentWire(frame.length);
    assert.equal(wire.send(joining.client, frame), SendOutcome.Colyseus);
    assert.equal(joining.written.length, 0);
    assert.deepEqual(joining.sent, [{ type: MessageType.Obs, bytes: frame }]);

    const busy = fakeClient();
    ((busy.client.ref as unknown as { _socket: { writableLength: number } })._socket).writableLength = 10;
    assert.equal(wire.send(busy.client, frame), SendOutcome.Colyseus, 'our buffer may still be referenced by the pending write');
    assert.equal(busy.written.length, 0);
  });

  it('drops observations while the backlog is over its bound, keeps queued messages for the next one it sends', () => {
    const { client, written, sent } = fakeClient();
    const socket = (client.ref as unknown as { _socket: { writableLength: number } })._socket;
    const wire = new AgentWire(frame.length);
    const summary = encodeMessage(MessageType.Episode, { episode: 0, returns: {} });
    wire.queue(summary);
    socket.writableLength = backlogLimit(frame.length) + 1;
    assert.equal(wire.send(client, frame), SendOutcome.Dropped);
    assert.equal(wire.send(client, frame), SendOutcome.Dropped);
    assert.equal(written.length + sent.length, 0, 'nothing is written to a socket over its bound');
    assert.equal(wire.droppedSinceSent, 2);
    assert.ok(wire.behindFor(performance.now() + 10) >= 10);
    socket.writableLength = 0;
    assert.equal(wire.send(client, frame), SendOutcome.OneWrite);
    assert.deepEqual(written[0], Buffer.concat([wsFrame(summary), wsFrame(obsMessage)]));
    assert.equal(wire.droppedSinceSent, 0);
    assert.equal(wire.dropped, 2);
    assert.equal(wire.behindFor(performance.now()), 0);
  });
});


describe('server: FixedRateLoop.restartTimeline (after an episode reset)', () => {
  it('makes the next tick due one full interval after a long step, instead of at once and late', () => {
    const time = new VirtualTime();
    const starts: number[] = [];
    let loop!: FixedRateLoop;
    loop = new FixedRateLoop(
      () => {
        starts.push(time.now);
        if (starts.length === 3) {
          time.now += 25; // a 25 ms reset inside the step
          loop.restartTimeline();
        }
      },
      { intervalMs: 10, now: () => time.now, timers: time },
    );
    loop.start();
    time.runUntil(() => starts.length >= 6);
    loop.stop();
    assert.deepEqual(starts, [10, 20, 30, 65, 75, 85], 'the tick after the reset comes 10 ms after it ended, then on the new timeline');
    assert.equal(loop.stats().lateTicks, 0);
  });

  it('reschedules the pending tick when called outside a step (a room that ticks from setImmediate)', () => {
    const time = new VirtualTime();
    const starts: number[] = [];
    const loop = new FixedRateLoop(() => starts.push(time.now), { intervalMs: 10, now: () => time.now, timers: time });
    loop.start();
    time.runUntil(() => starts.length >= 2);
    time.now = 27; // 7 ms into the interval, the deferred tick ran long
    loop.restartTimeline();
    time.runUntil(() => starts.length >= 4);
    loop.stop();
    assert.deepEqual(starts, [10, 20, 37, 47]);
  });
});
