/**
 * Attack replay: every attack of the hardening issue, against a fresh server (started here, as `npm start` runs it,
 * with an agent token, an operator token and a results directory of its own) or against `--url`. Each attack must
 * get its coded refusal or close; meanwhile an honest agent (a child process) plays a 20 Hz room and records the
 * gaps between its observations, and the server's RSS is read before and after each pass over the attacks.
 *
 *   npm run -s attack [-- --short] [--skip-part-a] [--passes=2] [--url=http://127.0.0.1:2567 --token=… --admin-token=…]
 *
 * Prints one JSON line: {"ok":…,"server_up":…,"attacks":[{"id","item","part","ok","detail"}],"honest":{…},"rss_mb":{…}}
 * and exits 0 when every attack that ran got its refusal, the server stayed up, the honest agent had no gap over 3
 * intervals, and RSS after the last pass is within 50 MB of before it (1 otherwise).
 *
 * The attacks run `--passes` times (default 2) and the RSS check is on the last pass: the first flood grows the V8
 * heap and the allocator's arenas to their working size (heap used after a full GC grows ~6 MB while RSS grows ~50),
 * and that memory is kept, not leaked; a leak grows again on every pass. `rss_mb.passes` lists each pass's readings.
 *
 * Attacks marked `part: "A"` (message and option handlers made total, frames, error excerpts, create bodies) pass
 * once that work is in; `--skip-part-a` leaves them out. They run last: one of them (the toString trap) stopped
 * the whole process before it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@colyseus/sdk';
import { connect, ConnectError, type AgentClient, type ConnectOptions } from '../client/agent.js';
import { rawJoin, type RawClient } from './socketClient.js';

const SUBSTRATE = 'commons_harvest__open';
const CLOSE_SLOW_CONSUMER = 4008;

interface Outcome {
  /** Epoch ms when the attack began and ended (to line up with the honest agent's long gaps). */
  from: number;
  to: number;
  id: string;
  item: number;
  part: 'A' | 'B';
  ok: boolean;
  detail: string;
}

interface Target {
  http: string;
  ws: string;
  token: string | null;
  admin: string | null;
  /** The server's pid when this machine runs it (RSS is read from /proc). */
  pid: number | null;
  /** Its results directory when we started it. */
  resultsDir: string | null;
  banner: string;
  child: ChildProcess | null;
}

function flag(name: string): string | undefined {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (a === undefined) return undefined;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withTimeout<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function rssMb(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function alive(t: Target): Promise<boolean> {
  try {
    return (await withTimeout('health', fetch(`${t.http}/api/substrates`), 5000)).status === 200;
  } catch {
    return false;
  }
}

/** Start `node --import tsx server/index.ts` on a free port with tokens and a results directory of its own. */
async function startTarget(short: boolean): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-attack-'));
  const token = randomBytes(12).toString('hex');
  const admin = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '',
      CRUCIBLE_RESULTS: join(dir, 'results', 'episodes.jsonl'),
      CRUCIBLE_TOKEN: token,
      CRUCIBLE_ADMIN_TOKEN: admin,
      CRUCIBLE_CORS_ORIGINS: '',
      // A small results allowance so the flood of 1-step episodes meets it within the replay.
      CRUCIBLE_RESULTS_BYTES_PER_HOUR: '5000',
      ...(short ? { COLYSEUS_SEAT_RESERVATION_TIME: '3' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/listening on port (\d+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not start:\n${out}`);
    await sleep(50);
  }
  const port = Number(/listening on port (\d+)/.exec(out)![1]);
  mkdirSync(join(dir, 'results'), { recursive: true });
  return {
    http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, token, admin, pid: child.pid ?? null, resultsDir: join(dir, 'results'),
    banner: out.split('\n')[0] ?? '', child,
  };
}

/** The honest agent: a child process of this script (`--honest=<ws url>`), so its clock is not this one's. */
function startHonest(t: Target): { child: ChildProcess; roomId: Promise<string>; report: () => Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'loadtest/attack.ts', `--honest=${t.ws}`], {
    env: { ...process.env, CRUCIBLE_TOKEN: t.token ?? '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const roomId = (async () => {
    const deadline = Date.now() + 60_000;
    while (!/^room (\S+)$/m.test(out)) {
      if (Date.now() > deadline) throw new Error(`the honest agent did not join: ${out}`);
      await sleep(50);
    }
    return /^room (\S+)$/m.exec(out)![1]!;
  })();
  const report = async (): Promise<Record<string, unknown>> => {
    child.stdin!.end();
    await new Promise((r) => child.on('exit', r));
    const line = out.trim().split('\n').pop() ?? '{}';
    return JSON.parse(line) as Record<string, unknown>;
  };
  return { child, roomId, report };
}

/** --honest: play a 20 Hz room until stdin closes; print the observation gaps as JSON. */
async function honestAgent(url: string): Promise<void> {
  const a = await connect(url, SUBSTRATE, { method: 'create', obs: 'symbolic', policy: 'honest', token: process.env.CRUCIBLE_TOKEN || undefined });
  const welcome = await a.welcome;
  const interval = 1000 / welcome.tickRate;
  process.stdout.write(`room ${a.room.roomId}\n`);
  let last = -1;
  let maxGap = 0;
  let over3 = 0;
  let n = 0;
  /** Gaps over 3 intervals: when they ended (epoch ms) and how long they were. */
  const long: [number, number][] = [];
  a.onObservation(() => {
    const now = performance.now();
    if (last >= 0) {
      const gap = now - last;
      if (gap > maxGap) maxGap = gap;
      if (gap > 3 * interval) {
        over3++;
        long.push([Date.now(), Math.round(gap)]);
      }
    }
    last = now;
    n++;
    a.act(0);
  });
  process.stdin.resume();
  await new Promise((r) => process.stdin.on('end', r));
  process.stdout.write(`${JSON.stringify({ observations: n, interval_ms: interval, max_gap_ms: Math.round(maxGap), gaps_over_3_intervals: over3, long_gaps: long })}\n`);
  process.exit(0);
}

/**
 * An honest create after the flood: the create-rate budget refuses it for a moment (OVER_BUDGET, "a second");
 * try again for up to 5 s, as a well-behaved client would.
 */
async function createPolitely(t: Target, options: ConnectOptions): Promise<AgentClient> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await connect(t.ws, SUBSTRATE, { method: 'create', ...options });
    } catch (err) {
      if (!(err instanceof ConnectError) || err.code !== 'OVER_BUDGET' || !/a second/.test(err.message) || Date.now() > deadline) throw err;
      await sleep(300);
    }
  }
}

async function createRaw(t: Target, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(`${t.http}/matchmake/create/${SUBSTRATE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

async function roomCount(t: Target): Promise<number> {
  return ((await (await fetch(`${t.http}/api/rooms`)).json()) as unknown[]).length;
}

type Attack = { id: string; item: number; part: 'A' | 'B'; run: (t: Target) => Promise<string> };

function expect(cond: boolean, detail: string): string {
  if (!cond) throw new Error(detail);
  return detail;
}

/** The attacks; `pass` (0, 1, …) names what a pass leaves on disk, so a later pass starts from none of it. */
function attacks(short: boolean, pass: number): Attack[] {
  const tok = (t: Target): Record<string, string> => (t.token ? { token: t.token } : {});
  const list: Attack[] = [
    // 2. Operator routes, CORS, listen address.
    { id: 'listen-address', item: 2, part: 'B', run: async (t) => expect(t.child === null || /of 127\.0\.0\.1 /.test(t.banner), `banner: ${t.banner}`) },
    {
      id: 'monitor-without-credentials', item: 2, part: 'B',
      run: async (t) => {
        const paths = ['/monitor/api', '/monitor/api/room?roomId=x', '/monitor/api/room/call?roomId=x&method=disconnect&args=[]', '/monitor/'];
        const codes = await Promise.all(paths.map(async (p) => (await fetch(`${t.http}${p}`)).status));
        return expect(codes.every((c) => c === 401 || c === 403), `statuses ${codes.join(',')}`);
      },
    },
    {
      id: 'monitor-calls-beyond-its-own', item: 2, part: 'B',
      run: async (t) => {
        if (!t.admin) return 'skipped: no operator token';
        const id = (((await (await fetch(`${t.http}/api/rooms`)).json()) as { roomId: string }[])[0] ?? { roomId: 'x' }).roomId;
        const auth = { authorization: `Bearer ${t.admin}` };
        const statuses: number[] = [];
        for (const m of ['endEpisode', 'config', 'metadata', 'onDispose']) {
          statuses.push((await fetch(`${t.http}/monitor/api/room/call?roomId=${id}&method=${m}&args=[]`, { headers: auth })).status);
        }
        const inspect = await (await fetch(`${t.http}/monitor/api/room?roomId=${id}`, { headers: auth })).text();
        expect(!inspect.includes(t.admin) && !(t.token && inspect.includes(t.token)), 'a token in what the monitor reads');
        expect(!(t.resultsDir && inspect.includes(t.resultsDir)), 'the results path in what the monitor reads');
        return expect(statuses.every((s) => s === 403), `statuses ${statuses.join(',')}`);
      },
    },
    {
      id: 'cors-echo', item: 2, part: 'B',
      run: async (t) => {
        const origin = 'https://evil.example';
        const checks = [
          await fetch(`${t.http}/api/rooms`, { headers: { origin } }),
          await fetch(`${t.http}/monitor/api`, { headers: { origin } }),
          await fetch(`${t.http}/matchmake/create/${SUBSTRATE}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }),
        ];
        const echoed = checks.filter((r) => r.headers.get('access-control-allow-origin') !== null || r.headers.get('access-control-allow-credentials') !== null);
        return expect(echoed.length === 0, `${echoed.length} of ${checks.length} answers allow the origin`);
      },
    },
    {
      id: 'create-without-token', item: 2, part: 'B',
      run: async (t) => {
        if (!t.token) return 'skipped: the server has no token';
        const r = await createRaw(t, { role: 'spectator' });
        return expect(r.status === 401 && r.text.includes('INVALID_TOKEN'), `${r.status} ${r.text.slice(0, 120)}`);
      },
    },
    // 3. Create options as a resource attack.
    {
      id: 'huge-room', item: 3, part: 'B',
      run: async (t) => {
        const r = await createRaw(t, { scale: 32, tickRate: 1000, ...tok(t) });
        return expect(r.status === 403 && r.text.includes('OVER_BUDGET'), `${r.status} ${r.text.slice(0, 160)}`);
      },
    },
    {
      id: 'message-rate-ceiling', item: 3, part: 'B',
      run: async (t) => {
        const r = await createRaw(t, { maxMessagesPerSecond: 100_000, ...tok(t) });
        return expect(r.status === 403 && r.text.includes('OVER_BUDGET'), `${r.status} ${r.text.slice(0, 160)}`);
      },
    },
    {
      id: 'create-flood', item: 3, part: 'B',
      run: async (t) => {
        const n = short ? 120 : 300;
        const before = await roomCount(t);
        const started = performance.now();
        const answers: number[] = [];
        // n creates spread over 3 s (a burst every 100 ms).
        for (let i = 0; i < 30; i++) {
          const burst = Array.from({ length: Math.ceil(n / 30) }, () => createRaw(t, { role: 'spectator', ...tok(t) }).then((r) => r.status, () => 0));
          void Promise.all(burst).then((s) => answers.push(...s));
          await sleep(100);
        }
        while (answers.length < 30 * Math.ceil(n / 30) && performance.now() - started < 30_000) await sleep(50);
        const made = answers.filter((s) => s === 200).length;
        const refused = answers.filter((s) => s === 403).length;
        const rooms = await roomCount(t);
        return expect(refused > 0 && rooms < answers.length && made + before <= rooms + made, `${answers.length} creates: ${made} rooms made, ${refused} OVER_BUDGET, ${rooms} rooms listed`);
      },
    },
    {
      id: 'results-growth', item: 3, part: 'B',
      run: async (t) => {
        // The room (1000 Hz, 1-step episodes) is refused outright; the fastest room allowed (10 episodes a
        // second) meets the results allowance (5,000 bytes an hour on this server) within seconds.
        const flood = await createRaw(t, { tickRate: 1000, maxSteps: 1, ...tok(t) });
        expect(flood.status === 403 && flood.text.includes('OVER_BUDGET'), `1000 Hz × 1 step: ${flood.status} ${flood.text.slice(0, 120)}`);
        if (!t.resultsDir) return 'refused; results allowance not checked (--url)';
        // A file of this pass's own: the allowance is the room's results writer's, so a second room may write another 5000.
        const file = `flood-${pass}.jsonl`;
        const a = await createPolitely(t, { tickRate: 100, maxSteps: 10, obs: 'none', ...tok(t), resultsFile: file });
        await sleep(short ? 2500 : 4000);
        const m = (await (await fetch(`${t.http}/api/rooms/${a.room.roomId}/metrics`)).json()) as { results: { dropped_over_budget: number } };
        await a.leave();
        const size = statSync(join(t.resultsDir, file)).size;
        return expect(size <= 5000 && m.results.dropped_over_budget > 0, `1000 Hz × 1 step refused; 100 Hz × 10 steps: file ${size} bytes (allowance 5000/h), ${m.results.dropped_over_budget} summaries over it not written`);
      },
    },
    {
      id: 'world-png-big-map', item: 3, part: 'B',
      run: async (t) => {
        const a = await createPolitely(t, { scale: 4, obs: 'none', role: 'spectator', ...tok(t) });
        const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${t.http}/api/rooms/${a.room.roomId}/world.png`).then((r) => r.status)));
        await a.leave();
        return expect(statuses.every((s) => s === 200), `20 world.png of a 4×4-tiled map: ${statuses.join(',')}`);
      },
    },
    // 4. A client that stops reading.
    {
      id: 'slow-reader', item: 4, part: 'B',
      run: async (t) => {
        const roomId = (((await (await fetch(`${t.http}/api/rooms`)).json()) as { roomId: string; tickRate: number }[]).find((r) => r.tickRate === 20) ?? { roomId: '' }).roomId;
        const creator = await createPolitely(t, { tickRate: 300, obs: 'none', ...tok(t) });
        let slow: RawClient | null = null;
        try {
          slow = await rawJoin(t.http, 'joinById', creator.room.roomId, { obs: 'rgb', ...tok(t) });
          while (slow.observations.length === 0) await sleep(20);
          slow.ws._socket.pause();
          const deadline = performance.now() + 20_000;
          const url = `${t.http}/api/rooms/${creator.room.roomId}/metrics`;
          let closed = 0;
          while (closed === 0 && performance.now() < deadline) {
            await sleep(100);
            closed = ((await (await fetch(url)).json()) as { backpressure: { clients_closed: number } }).backpressure.clients_closed;
          }
          slow.ws._socket.resume();
          while (slow.closeCode === null && performance.now() < deadline + 5000) await sleep(20);
          void roomId;
          return expect(slow.closeCode === CLOSE_SLOW_CONSUMER, `close code ${slow.closeCode}`);
        } finally {
          slow?.ws.terminate();
          await creator.leave().catch(() => {});
        }
      },
    },
    // 6. Smaller ones.
    {
      id: 'results-file-paths', item: 6, part: 'B',
      run: async (t) => {
        if (t.resultsDir) {
          const outside = mkdtempSync(join(tmpdir(), 'crucible-outside-'));
          writeFileSync(join(outside, 'x.jsonl'), '');
          // A later pass finds the link already there.
          if (!existsSync(join(t.resultsDir, 'leads-out.jsonl'))) symlinkSync(join(outside, 'x.jsonl'), join(t.resultsDir, 'leads-out.jsonl'));
        }
        const bad = ['a\u0000.jsonl', 'sub/dir.jsonl', '../up.jsonl', ...(t.resultsDir ? ['leads-out.jsonl'] : [])];
        const answers = await Promise.all(bad.map((f) => createRaw(t, { resultsFile: f, ...tok(t) })));
        const ok = answers.every((r) => r.status === 400 && r.text.includes('INVALID_OPTION'));
        return expect(ok, answers.map((r) => `${r.status}`).join(','));
      },
    },
    {
      id: 'port-in-use', item: 6, part: 'B',
      run: async (t) => {
        if (t.child === null) return 'skipped: --url';
        const port = new URL(t.http).port;
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { env: { ...process.env, PORT: port, HOST: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        const code = await withTimeout('second server', new Promise<number | null>((r) => child.on('exit', r)), 60_000);
        return expect(code === 1 && /already in use/.test(out), `exit ${code}`);
      },
    },
    // Part A: handlers made total (these stopped the process before it).
    {
      id: 'message-tostring-trap', item: 1, part: 'A',
      run: async (t) => {
        const roomId = (((await (await fetch(`${t.http}/api/rooms`)).json()) as { roomId: string }[])[0] ?? { roomId: '' }).roomId;
        const sdk = new Client(t.ws);
        const room = await sdk.joinById(roomId, { role: 'spectator' });
        const errors: string[] = [];
        room.onMessage('error', (e: { code: string }) => errors.push(e.code));
        room.onMessage('*', () => {});
        // Each on its own: the SDK itself may refuse to encode one (that is the client's problem, not the attack).
        const sends: (() => void)[] = [
          () => room.send('*', { toString: 1 }),
          () => room.send('action', { toString: 1, tick: { toString: 1 } }),
          () => room.send('world', { fps: { valueOf: 1, toString: 1 } }),
          () => room.send({ toString: 1 } as unknown as string, 1),
        ];
        for (const send of sends) {
          try {
            send();
          } catch {
            // not sent
          }
        }
        await sleep(1000);
        await room.leave().catch(() => {});
        return expect(await alive(t), `server up; errors ${errors.join(',')}`);
      },
    },
    {
      id: 'invalid-frames', item: 6, part: 'A',
      run: async (t) => {
        const roomId = (((await (await fetch(`${t.http}/api/rooms`)).json()) as { roomId: string }[])[0] ?? { roomId: '' }).roomId;
        const c = await rawJoin(t.http, 'joinById', roomId, { role: 'spectator' });
        for (const f of [Uint8Array.of(0xc1), new Uint8Array(0), 'text frame', Uint8Array.of(13, 0xc1), Uint8Array.of(250, 1, 2)]) c.ws.send(f);
        await sleep(1000);
        c.ws.terminate();
        return expect(await alive(t), 'server up after invalid frames');
      },
    },
    {
      id: 'create-bodies', item: 6, part: 'A',
      run: async (t) => {
        const before = await roomCount(t);
        const bodies = ['null', '{"hasOwnProperty":1}', '42', '{"__proto__":{"x":1}}', '{"server":{"token":null}}', '{"substrate":"clean_up"}'];
        const answers = await Promise.all(bodies.map((b) => createRaw(t, b)));
        const after = await roomCount(t);
        return expect(answers.every((r) => r.status === 400 || r.status === 401) && after === before, answers.map((r) => r.status).join(','));
      },
    },
    {
      id: 'huge-error-excerpt', item: 6, part: 'A',
      run: async (t) => {
        const r = await withTimeout('create with a 100 KB value', createRaw(t, { scenario: 'x'.repeat(100_000), ...tok(t) }), 10_000);
        return expect(r.status === 400 && r.text.length < 4096, `${r.status}, ${r.text.length} bytes`);
      },
    },
  ];
  return list;
}

async function main(): Promise<void> {
  const honestUrl = flag('honest');
  if (honestUrl) return honestAgent(honestUrl);
  const short = flag('short') === 'true';
  const skipA = flag('skip-part-a') === 'true';
  const url = flag('url');
  const passes = Number(flag('passes') ?? '2');
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`--passes must be a whole number ≥ 1, not ${flag('passes')}`);
  const t: Target = url
    ? { http: url.replace(/^ws/, 'http'), ws: url.replace(/^http/, 'ws'), token: flag('token') ?? null, admin: flag('admin-token') ?? null, pid: null, resultsDir: null, banner: '', child: null }
    : await startTarget(short);
  const results: Outcome[] = [];
  let honest: Record<string, unknown> | null = null;
  let rss: { before: number | null; after: number | null } = { before: null, after: null };
  const passReadings: { before: number | null; after: number | null }[] = [];
  try {
    const h = startHonest(t);
    const honestRoom = await h.roomId;
    await sleep(1000);
    for (let pass = 0; pass < passes; pass++) {
      const before = rssMb(t.pid);
      for (const a of attacks(short, pass)) {
        if (a.part === 'A' && skipA) continue;
        let ok = false;
        let detail: string;
        const from = Date.now();
        try {
          detail = await withTimeout(a.id, a.run(t), 90_000);
          ok = true;
        } catch (err) {
          detail = err instanceof Error ? err.message : String(err);
        }
        if (ok && !(await alive(t))) {
          ok = false;
          detail += '; the server is down';
        }
        results.push({ from, to: Date.now(), id: a.id, item: a.item, part: a.part, ok, detail });
        if (!(await alive(t))) break;
      }
      // Let the attack's rooms go (reserved seats expire, rooms dispose) before reading RSS again.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await alive(t)) && (await roomCount(t)) > 1) await sleep(500);
      await sleep(2000);
      const after = rssMb(t.pid);
      passReadings.push({ before, after });
      rss = { before, after };
      if (!(await alive(t))) break;
    }
    void honestRoom;
    honest = await h.report();
  } finally {
    const up = await alive(t);
    t.child?.kill('SIGTERM');
    const rssOk = rss.before === null || rss.after === null || rss.after - rss.before <= 50;
    const honestOk = honest !== null && honest.gaps_over_3_intervals === 0;
    const attacksOk = results.every((r) => r.ok);
    const line = {
      ok: up && attacksOk && honestOk && rssOk,
      server_up: up,
      attacks_ok: attacksOk,
      attacks: results,
      honest,
      rss_mb: { ...rss, passes: passReadings, delta: rss.before !== null && rss.after !== null ? rss.after - rss.before : null, within_50: rssOk },
      skipped_part_a: skipA,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (t.resultsDir) rmSync(join(t.resultsDir, '..'), { recursive: true, force: true });
    process.exitCode = line.ok ? 0 : 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`attack: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
});
