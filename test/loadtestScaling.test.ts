import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { ArgError, parseLoadtestArgs } from '../loadtest/args.js';
import { assignTargets, split } from '../loadtest/loadtest.js';
import type { LoadtestReport } from '../loadtest/report.js';
import { parseRedisInfo, RedisInfoReader, redisDelta, startRedis, type RedisProcess } from '../loadtest/servers.js';
import { runLoadtestCli } from './helpers/loadtestCli.js';

const run = promisify(execFile);

function hasRedis(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const runCli = runLoadtestCli;

function lastReport(stdout: string): LoadtestReport {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as LoadtestReport;
}

describe('loadtest: many rooms, clusters (options)', () => {
  const base = ['--agents', '10', '--hz', '10', '--seconds', '1'];

  it('takes --rooms up to the number of agents, --cluster without --url, --redis only with --url', () => {
    assert.equal(parseLoadtestArgs(base).rooms, 1);
    assert.equal(parseLoadtestArgs(base).cluster, 0);
    assert.equal(parseLoadtestArgs([...base, '--rooms', '10']).rooms, 10);
    assert.throws(() => parseLoadtestArgs([...base, '--rooms', '11']), (e: unknown) => e instanceof ArgError && /--rooms \(11\) must not exceed --agents \(10\)/.test(e.message));
    assert.throws(() => parseLoadtestArgs([...base, '--rooms', '0']), /--rooms must be an integer from 1 to 10000/);
    assert.equal(parseLoadtestArgs([...base, '--cluster', '3']).cluster, 3);
    assert.equal(parseLoadtestArgs([...base, '--cluster', '3']).direct, false);
    assert.equal(parseLoadtestArgs([...base, '--cluster', '3', '--direct']).direct, true);
    assert.throws(() => parseLoadtestArgs([...base, '--direct']), /--direct is a mode of the cluster this tool starts: give --cluster N/);
    assert.throws(() => parseLoadtestArgs([...base, '--cluster', '0']), /--cluster must be an integer from 1 to 64/);
    assert.throws(() => parseLoadtestArgs([...base, '--cluster', '2', '--url', 'ws://a:1']), /--cluster starts its own servers/);
    assert.throws(() => parseLoadtestArgs([...base, '--redis', 'redis://x:1']), /--redis reads the Redis of servers given by --url/);
    assert.throws(() => parseLoadtestArgs([...base, '--url', 'ws://a:1', '--redis', 'http://x']), /--redis must be a redis:\/\/ URL/);
    assert.throws(() => parseLoadtestArgs([...base, '--join-probes=-1']), /--join-probes must be an integer from 0 to 10000/);
    assert.equal(parseLoadtestArgs(base).joinProbes, 20);
  });

  it('takes --create-concurrency from 1 to 256 creates in flight, 8 by default', () => {
    assert.equal(parseLoadtestArgs(base).createConcurrency, 8);
    assert.equal(parseLoadtestArgs([...base, '--create-concurrency', '1']).createConcurrency, 1);
    assert.equal(parseLoadtestArgs([...base, '--create-concurrency', '32']).createConcurrency, 32);
    assert.equal(parseLoadtestArgs([...base, '--create-concurrency', '256']).createConcurrency, 256);
    for (const bad of ['0', '257', '2.5', ''])
      assert.throws(() => parseLoadtestArgs([...base, `--create-concurrency=${bad}`]), /--create-concurrency must be an integer from 1 to 256/, bad);
  });

  it('takes --scenario only as a scenario of the substrate', () => {
    assert.equal(parseLoadtestArgs(base).scenario, null);
    assert.equal(parseLoadtestArgs([...base, '--scenario', 'commons_harvest__open_0']).scenario, 'commons_harvest__open_0');
    assert.throws(() => parseLoadtestArgs([...base, '--scenario', 'clean_up_0']), /--scenario must be a scenario of commons_harvest__open \(commons_harvest__open_0, /);
    assert.throws(() => parseLoadtestArgs([...base, '--scenario', 'nope']), (e: unknown) => e instanceof ArgError && /got "nope"/.test(e.message));
  });

  it('reads --url as one URL or a comma list of them', () => {
    assert.deepEqual(parseLoadtestArgs([...base, '--url', 'ws://a:1/']).url, ['ws://a:1']);
    assert.deepEqual(parseLoadtestArgs([...base, '--url', 'ws://a:1,ws://b:2', '--redis', 'redis://r:6379']).url, ['ws://a:1', 'ws://b:2']);
    assert.throws(() => parseLoadtestArgs([...base, '--url', 'ws://a:1,http://b:2']), /--url must be a ws:\/\/ or wss:\/\/ URL/);
  });

  it('spreads agents evenly over the rooms and each room\'s joins over the other processes first', () => {
    assert.deepEqual(split(10, 3), [4, 3, 3]);
    assert.deepEqual(split(6, 6), [1, 1, 1, 1, 1, 1]);
    const targets = assignTargets([2, 1, 1], ['A', 'B', 'C'], ['ws://p0', 'ws://p1', 'ws://p2']);
    assert.deepEqual(targets, [
      { roomId: 'A', url: 'ws://p1' },
      { roomId: 'A', url: 'ws://p2' },
      { roomId: 'B', url: 'ws://p2' },
      { roomId: 'C', url: 'ws://p0' },
    ]);
    // One process: every bot goes through it.
    assert.ok(assignTargets([3], ['A'], ['ws://only']).every((t) => t.url === 'ws://only'));
  });

  it('takes Redis figures from INFO: per-command calls, this tool\'s own INFO calls and their bytes left out', () => {
    const a = parseRedisInfo('# Stats\r\ntotal_commands_processed:10\r\ntotal_net_input_bytes:1000\r\ntotal_net_output_bytes:5000\r\n# Commandstats\r\ncmdstat_publish:calls=4,usec=1\r\ncmdstat_info:calls=2,usec=1\r\n# Memory\r\nused_memory:2048\r\n');
    assert.equal(a.usedMemoryBytes, 2048);
    assert.deepEqual(a.calls, { publish: 4, info: 2 });
    const b = { ...a, commands: 30, netInputBytes: 1500, netOutputBytes: 9000, calls: { publish: 20, hset: 3, info: 3 } };
    const d = redisDelta(a, b);
    // 20 commands in all, one of them the first reading's INFO.
    assert.equal(d.commands, 19);
    assert.deepEqual(d.calls, { publish: 16, hset: 3 });
    assert.deepEqual(Object.keys(d.calls), ['publish', 'hset'], 'largest first');
    assert.equal(d.netOutputBytes, 4000 - a.replyBytes);
    assert.ok(d.netInputBytes < 500 && d.netInputBytes > 450, 'the INFO request bytes are taken out');
  });
});

describe('loadtest: Redis counters of a real redis-server', function () {
  this.timeout(20_000);
  let redis: RedisProcess | null = null;

  before(function () {
    if (!hasRedis()) this.skip();
  });
  after(async () => {
    await redis?.stop();
  });

  it('counts exactly the commands sent between two readings', async () => {
    redis = await startRedis();
    const reader = new RedisInfoReader(redis.url);
    const a = await reader.read();
    for (let i = 0; i < 5; i++) await run('redis-cli', ['-u', redis.url, 'SET', `k${i}`, 'v']);
    await run('redis-cli', ['-u', redis.url, 'PUBLISH', 'ch', 'hello']);
    const b = await reader.read();
    reader.close();
    const d = redisDelta(a, b);
    assert.deepEqual(d.calls, { set: 5, publish: 1 });
    assert.equal(d.commands, 6);
    // Six requests and six short replies: tens of bytes each, not the kilobytes of an INFO reply.
    assert.ok(d.netInputBytes > 6 * 20 && d.netInputBytes < 6 * 60, `request bytes ${d.netInputBytes}`);
    assert.ok(d.netOutputBytes > 0 && d.netOutputBytes < 6 * 10, `reply bytes ${d.netOutputBytes}`);
  });
});

describe('loadtest: agents spread over many rooms of one process', function () {
  this.timeout(120_000);

  it('measures every room, times joins while the rooms run, and reports memory per room and per agent (rooms of a scenario, its bots in the empty slots)', async () => {
    const { code, stdout, stderr } = await runCli(['--agents', '7', '--rooms', '3', '--hz', '5', '--seconds', '2', '--warmup', '0', '--join-probes', '4', '--scenario', 'commons_harvest__open_0', '--create-concurrency', '1']);
    assert.equal(code, 0, `exit code 0; stderr:\n${stderr}`);
    const r = lastReport(stdout);
    assert.equal(r.rooms, 3);
    assert.equal(r.processes, 1);
    assert.equal(r.players, 7, '3 agents at most in a room: a 7-player map');
    assert.equal(r.scenario, 'commons_harvest__open_0');
    assert.equal(r.fill_focal, 'bots', 'the scenario\'s bots play the slots no load-test bot holds');
    assert.equal(r.errors, 0, JSON.stringify(r.error_codes));
    // Three rooms at 5 Hz (a tick is longer than the skew between the readings on a busy machine) for about 2 s:
    // about 30 ticks in all (one room alone would give 10).
    assert.ok(r.ticks >= 26 && r.ticks <= 36, `ticks of three rooms, got ${r.ticks}`);
    assert.ok(r.room_hz_min <= r.achieved_hz, 'the slowest room is no faster than the mean');
    // Each of the 7 agents sees one observation per tick of its own room: 7 × 10, give or take a tick at each end.
    assert.ok(Math.abs(r.observations - 7 * (r.ticks / 3)) <= 2 * 7, `7 agents × ${r.ticks / 3} ticks observations, got ${r.observations}`);
    const j = r.join_ms!;
    assert.equal(j.n, 4, `four joins timed (${j.first_error ?? ''})`);
    assert.equal(j.failed, 0);
    assert.equal(j.via_other_process, 0, 'one process: no other to go through');
    assert.ok(j.reserve!.p50 > 0 && j.connect!.p50 > 0 && j.total!.p50 >= j.reserve!.p50, JSON.stringify(j));
    assert.ok(r.create.rooms_per_s !== null && r.create.rooms_per_s > 0, 'two rooms were created after the first');
    assert.equal(r.create.concurrency, 1, 'one create at a time, as asked (the default would have both in flight)');
    // Each create's clients (an HTTP request, a WebSocket, the join) cost this process CPU, and the machine at least
    // as much as the server and this process together (other jobs only add; /proc counts in 10 ms ticks, over 2 rooms).
    const lt = r.create.loadtester_cpu_ms_per_room, machine = r.create.machine_cpu_ms_per_room, server = r.create.server_cpu_ms_per_room;
    assert.ok(lt !== null && lt > 0, `load tester CPU per create ${lt}`);
    assert.ok(machine !== null && server !== null && machine + 20 >= server + lt, `machine ${machine} ms ≥ server ${server} + load tester ${lt}`);
    assert.equal(r.create.redis_commands_per_room, null, 'no Redis in a single process');
    assert.equal(r.redis, null);
    const m = r.memory!;
    assert.ok(m.rss_mb.start > 30, `a server process holds tens of MB, got ${m.rss_mb.start}`);
    assert.ok(Number.isFinite(m.per_room_kb) && Number.isFinite(m.per_agent_kb));
    assert.match(stderr, /join ms +4 probes/);
    assert.match(stderr, /agents +7 in 3 rooms of 7 players \(scale 1, the scenario's bots in the other slots\)/);
  });
});

describe('loadtest: a cluster of its own (Redis, two processes behind the front)', function () {
  this.timeout(180_000);

  before(function () {
    if (!hasRedis()) this.skip();
  });

  it('spreads the rooms over both processes, reserves each probe at the process without the room, and reads Redis', async () => {
    const { code, stdout, stderr } = await runCli(['--cluster', '2', '--agents', '4', '--rooms', '4', '--hz', '20', '--seconds', '1.5', '--warmup', '0', '--join-probes', '4'], 170_000);
    assert.equal(code, 0, `exit code 0; stderr:\n${stderr}`);
    const r = lastReport(stdout);
    assert.equal(r.processes, 2);
    assert.equal(r.rooms_per_process.length, 2);
    assert.equal(r.rooms_per_process[0] + r.rooms_per_process[1], 4, `every room is in one of the two processes: ${JSON.stringify(r.rooms_per_process)}`);
    assert.ok(r.rooms_per_process.every((n) => n > 0), `both processes run rooms: ${JSON.stringify(r.rooms_per_process)}`);
    assert.equal(r.errors, 0, JSON.stringify(r.error_codes));
    assert.ok(r.ticks >= 4 * 20 * 1.5 * 0.8, `four rooms ticked, got ${r.ticks} ticks`);
    const j = r.join_ms!;
    assert.equal(j.failed, 0, j.first_error ?? '');
    assert.equal(j.n, 4);
    assert.equal(j.via_other_process, 4, 'every probe reserved its seat at the process that does not own the room');
    assert.ok(j.redis_commands_per_join !== null && j.redis_commands_per_join > 0, 'a cross-process join goes through Redis');
    assert.ok(r.redis !== null && r.redis.commands_per_s > 0, 'the cluster talks to Redis while it runs');
    assert.ok(r.create.redis_commands_per_room !== null && r.create.redis_commands_per_room > 0, 'creating a room writes its listing to Redis');
    assert.ok(r.front_cpu_pct !== null && r.front_cpu_pct > 0, 'the front carried the bots\' traffic');
    assert.ok(r.memory !== null && r.memory.redis_per_room_kb !== null);
  });
});
