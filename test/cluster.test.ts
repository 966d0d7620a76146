/**
 * Cluster mode (README, section "Cluster"): Debian's redis-server, two Crucible processes sharing it, and the front
 * (server/front.ts) as the one URL clients use. Matchmaking through one process for a room held by the other,
 * the API and history across processes, budgets counted across the cluster, a process killed mid-episode, Redis
 * stopped and started again. Skipped (saying why) where redis-server is not installed; `.ci/run` installs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { Redis } from 'ioredis';
import { chromium } from 'playwright-core';
import { AgentClient, type Observation } from '../client/agent.js';
import { CLOSE_PROCESS_LOST, decodeObservation } from '../client/protocol.js';
import { buildDashboard } from '../server/buildDashboard.js';
import { ROOM_COUNT_KEY } from '../server/cluster.js';
import { startFront, type RunningFront } from '../server/front.js';
import { child, CLUSTER_CLI, exited, freePort, haveRedis, removeDir, REPO, startProcess, startRedis, stopAll, tempDir, waitForOutput, type RedisServer, type ServerProcess } from './helpers/cluster.js';
import { waitFor } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
const CHROMIUM = '/usr/bin/chromium';
const OPERATOR = 'operator-secret-for-the-cluster-test';

interface Reservation {
  name: string;
  roomId: string;
  processId: string;
  sessionId: string;
  publicAddress?: string;
}

interface Listed {
  roomId: string;
  processId: string;
  substrate: string;
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function getJson<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as T };
}

/** Matchmake over HTTP at one process (`base`), as the SDK does, and return the seat reservation. */
async function matchmake(base: string, method: string, name: string, options: Record<string, unknown>): Promise<Reservation> {
  const r = await post(base, `/matchmake/${method}/${name}`, options);
  assert.equal(r.status, 200, `matchmake ${method} at ${base}: ${JSON.stringify(r.body)}`);
  return r.body as unknown as Reservation;
}

describe('Cluster: two processes on one Redis behind one front', function () {
  this.timeout(180_000);
  if (!haveRedis()) {
    it.skip("needs Debian's redis-server (apt-get install redis-server; .ci/run installs it)", () => {});
    return;
  }
  let redis: RedisServer;
  let dir: string;
  let p1: ServerProcess;
  let p2: ServerProcess;
  let front: RunningFront;
  const open: AgentClient[] = [];
  /** processId of each process by its name. */
  const ids: Record<string, string> = {};

  /** Take the seat through the front (the client never learns which process holds the room). */
  async function seat(reservation: Reservation): Promise<AgentClient> {
    const room: Room = await new Client(front.url).consumeSeatReservation(reservation as never);
    const a = new AgentClient(room);
    open.push(a);
    return a;
  }

  async function listing(base: string): Promise<Listed[]> {
    const r = await getJson<Listed[]>(base, '/api/rooms');
    assert.equal(r.status, 200);
    return r.body;
  }

  /**
   * Create rooms through the front until one is held by `processId`, then leave the others. The process a create
   * reaches makes the room itself unless it holds more rooms than the least-loaded one by the counts each process
   * publishes (as soon as a room is created or disposed; server/cluster.ts, `chooseProcess`), and the front sends
   * creates round robin: a room held elsewhere is kept, and the next create waits for that count to be published.
   */
  async function roomOn(processId: string, options: Record<string, unknown> = {}): Promise<{ a: AgentClient; r: Reservation }> {
    const misses: AgentClient[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const r = await matchmake(front.httpUrl, 'create', SUBSTRATE, { tickRate: 20, ...options });
        const a = await seat(r);
        if (r.processId === processId) return { a, r };
        misses.push(a);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`no room landed on ${processId} in 4 creates`);
    } finally {
      for (const m of misses) {
        await m.leave();
        open.splice(open.indexOf(m), 1);
      }
    }
  }

  before(async () => {
    dir = tempDir('cluster');
    redis = await startRedis();
    const env = { CRUCIBLE_MAX_ROOMS: '6', CRUCIBLE_ADMIN_TOKEN: OPERATOR };
    [p1, p2] = await Promise.all([
      startProcess(redis.url, 'p1', join(dir, 'episodes.jsonl'), env),
      startProcess(redis.url, 'p2', join(dir, 'episodes.jsonl'), env),
    ]);
    front = await startFront({ redisUrl: redis.url, refreshMs: 200 });
    await waitFor('the front to list both processes', async () => {
      await front.refresh();
      return front.processes().length === 2;
    });
    for (const e of front.processes()) ids[e.node] = e.processId;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.leave().catch(() => {})));
  });

  after(async () => {
    await front?.close();
    await stopAll();
    if (dir) removeDir(dir);
    if (redis) removeDir(redis.dir);
  });

  it('creates a room through one process and joins it by id through the other: both agents play the same room through the front', async () => {
    const created = await matchmake(p1.httpUrl, 'create', SUBSTRATE, { tickRate: 20 });
    const a = await seat(created);
    const joined = await matchmake(p2.httpUrl, 'joinById', created.roomId, {});
    assert.equal(joined.roomId, created.roomId);
    assert.equal(joined.processId, created.processId, 'the reservation names the process holding the room');
    const b = await seat(joined);
    const [wa, wb] = await Promise.all([a.welcome, b.welcome]);
    assert.deepEqual([wa.slot, wb.slot], [0, 1]);
    const [oa, ob] = await Promise.all([a.nextObservation(), b.nextObservation()]);
    assert.equal(oa.episode, ob.episode);
    assert.ok(Math.abs(oa.tick - ob.tick) <= 2, 'both agents see the same room clock');
    // The room's own report counts both agents, asked through the process that does not hold it.
    const other = created.processId === ids.p1 ? p2 : p1;
    const m = await getJson<{ agents: { connected: boolean }[] }>(other.httpUrl, `/api/rooms/${created.roomId}/metrics`);
    assert.equal(m.status, 200);
    assert.equal(m.body.agents.filter((s) => s.connected).length, 2);
  });

  it('publishes a process\u2019s room count as soon as one of its rooms is created or disposed, not a second later (placement reads these counts)', async () => {
    const redisClient = new Redis(redis.url);
    try {
      const p1Id = ids.p1!;
      const published = async (): Promise<number> => Number((await redisClient.hget(ROOM_COUNT_KEY, p1Id))?.split(',')[0]);
      await waitFor('p1 to hold no room', async () => (await published()) === 0);
      // Two creates at p1 itself (it holds no more than the least-loaded plus the slack, so it makes both), the second
      // well within a second of the first: Colyseus alone publishes at most once a second (waited for here: 0.6 s).
      const seats: AgentClient[] = [];
      for (let k = 1; k <= 2; k++) {
        const r = await matchmake(p1.httpUrl, 'create', SUBSTRATE, { tickRate: 20 });
        assert.equal(r.processId, p1Id);
        seats.push(await seat(r));
        await waitFor(`p1's published count to reach ${k}`, async () => (await published()) === k, 600);
      }
      // The rooms end one after the other (each disposes when its agent leaves): each change is published at once.
      for (let k = 1; k >= 0; k--) {
        const a = seats.pop()!;
        await a.leave();
        open.splice(open.indexOf(a), 1);
        await waitFor(`p1's published count to fall to ${k}`, async () => (await published()) === k, 600);
      }
    } finally {
      redisClient.disconnect();
    }
  });

  it('lists every room of both processes from either process and the front, with world images of rooms held by the other process', async () => {
    const a = await roomOn(ids.p1!);
    const b = await roomOn(ids.p2!);
    const mine = new Set([a.r.roomId, b.r.roomId]);
    for (const base of [p1.httpUrl, p2.httpUrl, front.httpUrl]) {
      const rooms = (await listing(base)).filter((r) => mine.has(r.roomId));
      assert.deepEqual(rooms.map((r) => r.processId).sort(), [ids.p1, ids.p2].sort(), `listing at ${base}`);
    }
    // p1 draws the world of the room p2 holds (a remote room call through Redis).
    const res = await fetch(`${p1.httpUrl}/api/rooms/${b.r.roomId}/world.png`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.ok(Number(res.headers.get('x-crucible-tick')) >= 0);
    // The monitor (operator only) lists and inspects rooms of both processes through the front.
    const auth = { authorization: `Bearer ${OPERATOR}` };
    const mon = (await (await fetch(`${front.httpUrl}/monitor/api`, { headers: auth })).json()) as { rooms: { roomId: string }[] };
    assert.ok(mine.size === 2 && [...mine].every((id) => mon.rooms.some((r) => r.roomId === id)), 'the monitor lists both rooms');
    for (const id of mine) assert.equal((await fetch(`${front.httpUrl}/monitor/api/room?roomId=${id}`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${front.httpUrl}/monitor/api`)).status, 401, 'the front does not open the monitor to anyone');
    // The dashboard page and its API through the front.
    const page = await fetch(`${front.httpUrl}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html|<!doctype/i);
  });

  it('joinOrCreate through either process joins the room whose create options match, wherever it runs, and creates when none does', async () => {
    const first = await matchmake(p1.httpUrl, 'joinOrCreate', SUBSTRATE, { seed: 4242, tickRate: 20 });
    const a = await seat(first);
    const second = await matchmake(p2.httpUrl, 'joinOrCreate', SUBSTRATE, { seed: 4242, tickRate: 20 });
    assert.equal(second.roomId, first.roomId, 'same filters: the running room, whichever process it is in');
    const b = await seat(second);
    assert.equal((await b.welcome).slot, 1);
    const third = await matchmake(p2.httpUrl, 'joinOrCreate', SUBSTRATE, { seed: 4243, tickRate: 20 });
    assert.notEqual(third.roomId, first.roomId, 'another seed: another room');
    await seat(third);
    void a;
  });

  it('gives a dropped agent its slot back when it reconnects through the front to a room of either process', async () => {
    for (const processId of [ids.p1!, ids.p2!]) {
      const { a } = await roomOn(processId, { reconnectSeconds: 20 });
      assert.equal((await a.welcome).slot, 0);
      const token = a.room.reconnectionToken;
      const dropped = new Promise<number>((r) => a.room.onLeave((code) => r(code)));
      a.room.reconnection.enabled = false;
      a.room.connection.close();
      await dropped;
      open.splice(open.indexOf(a), 1);
      const back: Room = await new Client(front.url).reconnect(token);
      const obs = await new Promise<Observation>((resolve) => back.onMessage('obs', (bytes: Uint8Array) => resolve(decodeObservation(bytes))));
      assert.equal(obs.slot, 0, 'the reconnected agent plays its old slot');
      await back.leave();
    }
  });

  it('serves a text agent over HTTP in a room of the other process: create through one process, join, poll and act through the other', async () => {
    const created = await post(p1.httpUrl, `/api/substrates/${SUBSTRATE}/rooms`, { lockstep: true, seed: 11 });
    assert.equal(created.status, 201);
    const roomId = String(created.body.roomId);
    const holder = (await listing(front.httpUrl)).find((r) => r.roomId === roomId)!.processId;
    const other = holder === ids.p1 ? p2 : p1;
    const joined = await post(other.httpUrl, `/api/rooms/${roomId}/agents`, { policy: 'http-cluster' });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    const key = String(joined.body.key);
    const polled = await getJson<{ observations: { seq: number; text: string }[] }>(other.httpUrl, `/api/rooms/${roomId}/agents/${key}/observations?after=0&wait=5000`);
    assert.equal(polled.status, 200);
    assert.ok(polled.body.observations.length >= 1 && /Tick \d+/.test(polled.body.observations[0]!.text));
    const acted = await post(front.httpUrl, `/api/rooms/${roomId}/agents/${key}/macro`, { macro: 'stay' });
    assert.equal(acted.status, 200, JSON.stringify(acted.body));
    assert.equal(acted.body.accepted, true);
    const left = await fetch(`${other.httpUrl}/api/rooms/${roomId}/agents/${key}`, { method: 'DELETE' });
    assert.equal(left.status, 200);
    // A room created over HTTP has no WebSocket client to close it: the operator disposes of it (through the monitor,
    // from the process that does not hold it).
    const disposed = await fetch(`${other.httpUrl}/monitor/api/room/call?roomId=${roomId}&method=disconnect&args=[]`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    assert.equal(disposed.status, 200);
    await waitFor('the room to close', async () => !(await listing(front.httpUrl)).some((r) => r.roomId === roomId));
  });

  it('counts the rooms budget across the cluster: a create over CRUCIBLE_MAX_ROOMS is refused through either process', async () => {
    await waitFor('rooms of earlier tests to close', async () => (await listing(front.httpUrl)).length === 0);
    // 6 rooms in all, created through both processes.
    for (let i = 0; i < 6; i++) await seat(await matchmake(i % 2 ? p2.httpUrl : p1.httpUrl, 'create', SUBSTRATE, { tickRate: 20 }));
    assert.equal((await listing(front.httpUrl)).length, 6);
    for (const base of [p1.httpUrl, p2.httpUrl]) {
      const r = await post(base, `/matchmake/create/${SUBSTRATE}`, { tickRate: 20 });
      assert.equal(r.status, 403, 'the status of OVER_BUDGET, whichever process the room would have been created in');
      assert.match(String(r.body.error), /^OVER_BUDGET: the cluster runs at most 6 rooms/, `refused at ${base}`);
    }
    // One room closes: one create fits again.
    const last = open.pop()!;
    await last.leave();
    await waitFor('the room to close', async () => (await listing(front.httpUrl)).length === 5);
    await seat(await matchmake(p2.httpUrl, 'create', SUBSTRATE, { tickRate: 20 }));
  });

  it('writes each process\u2019s episodes to a results file of its own, whole lines only, and the history through the front lists them all', async () => {
    const a = await roomOn(ids.p1!, { tickRate: 50, maxSteps: 10 });
    const b = await roomOn(ids.p2!, { tickRate: 50, maxSteps: 10 });
    await Promise.all([a.a.nextEpisode(20_000), b.a.nextEpisode(20_000)]);
    for (const [name, room] of [['p1', a.r.roomId], ['p2', b.r.roomId]] as const) {
      const text = readFileSync(join(dir, `episodes.${name}.jsonl`), 'utf8');
      assert.ok(text.endsWith('\n'));
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { room: string; steps: number });
      assert.ok(lines.some((l) => l.room === room && l.steps === 10), `${name}'s file holds its own room's episode`);
      const otherRoom = name === 'p1' ? b.r.roomId : a.r.roomId;
      assert.ok(!lines.some((l) => l.room === otherRoom), `${name}'s file holds no episode of the other process`);
    }
    assert.ok(!existsSync(join(dir, 'episodes.jsonl')), 'no process writes the shared file');
    const h = await getJson<{ episodes: { room: string; file: string }[] }>(front.httpUrl, '/api/history');
    const rooms = new Set(h.body.episodes.map((e) => e.room));
    assert.ok(rooms.has(a.r.roomId) && rooms.has(b.r.roomId), 'the history reads both files');
  });

  it('steps worlds held by both processes from the Python package through the front (the controller protocol)', async function () {
    const python = join(REPO, '.venv/bin/python');
    if (!existsSync(python)) this.skip();
    await waitFor('rooms of earlier tests to close', async () => (await listing(front.httpUrl)).length === 0);
    // Two worlds stepped together: the front sends the two creates to the two processes in turn, and each makes its
    // room itself (server/cluster.ts, chooseProcess).
    const script = [
      'import sys, time, crucible',
      'with crucible.Client(sys.argv[1]) as c:',
      "    a = c.create('commons_harvest__open', seed=5, tickRate=50)",
      '    time.sleep(1.2)',
      "    b = c.create('commons_harvest__open', seed=6, tickRate=50)",
      '    a.reset(); b.reset()',
      '    for _ in range(3):',
      '        fa = a.step([0] * a.count); fb = b.step([0] * b.count)',
      "    held = sorted(r['processId'] for r in c.rooms())",
      "    print('PLAYED', a.count, b.count, len(set(held)))",
    ].join('\n');
    // Asynchronously: the front runs in this process and must keep answering.
    const py = child(python, ['-c', script, front.url], { cwd: join(REPO, 'python') });
    await exited(py);
    const out = { stdout: py.out.join('') };
    assert.equal(py.exitCode, 0, out.stdout);
    const players = (await getJson<{ name: string; players: number }[]>(front.httpUrl, '/api/substrates')).body.find((s) => s.name === SUBSTRATE)!.players;
    assert.match(out.stdout, new RegExp(`PLAYED ${players} ${players} 2`), 'each Python room holds every focal slot; the two run in two processes');
  });

  it('shows the rooms of both processes in the dashboard served through the front, with the live world of a room held by either', async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    await buildDashboard();
    const a = await roomOn(ids.p1!);
    const b = await roomOn(ids.p2!);
    const dataDir = tempDir('cluster-chromium');
    const context = await chromium.launchPersistentContext(dataDir, {
      executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(String(err)));
      await page.goto(`${front.httpUrl}/`);
      for (const r of [a.r, b.r]) {
        const item = page.locator(`[data-testid="room-item"][data-room-id="${r.roomId}"]`);
        await item.waitFor({ timeout: 15_000 });
        // The page draws the world from GET /api/rooms/:id/world.png: through the front, from whichever process.
        const world = page.waitForResponse((res) => res.url().includes(`/api/rooms/${r.roomId}/world.png`) && res.status() === 200, { timeout: 15_000 });
        await item.click();
        await page.waitForFunction((id) => location.hash === `#room=${id}`, r.roomId, { timeout: 5_000 });
        assert.equal((await world).headers()['content-type'], 'image/png');
        await page.waitForFunction(() => Number(document.querySelector<HTMLImageElement>('[data-testid="world-image"]')?.dataset.frames) >= 2, null, { timeout: 15_000 });
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close().catch(() => {});
      removeDir(dataDir);
    }
  });

  it('ends the rooms of a killed process with close 4012, keeps the other process\u2019s rooms running, stops routing to it, and a restarted process takes new rooms', async () => {
    const onP1 = await roomOn(ids.p1!, { tickRate: 20 });
    const onP2 = await roomOn(ids.p2!, { tickRate: 20 });
    await Promise.all([onP1.a.nextObservation(), onP2.a.nextObservation()]);
    const p2File = join(dir, 'episodes.p2.jsonl');
    const linesBefore = existsSync(p2File) ? readFileSync(p2File, 'utf8').split('\n').length : 0;
    const closed = new Promise<{ code: number; at: number }>((r) => onP2.a.room.onLeave((code) => r({ code, at: Date.now() })));
    const killedAt = Date.now();
    p2.proc.kill('SIGKILL');
    const { code, at } = await closed;
    assert.equal(code, CLOSE_PROCESS_LOST);
    open.splice(open.indexOf(onP2.a), 1);
    // The other process's room runs on.
    const tick0 = (await onP1.a.nextObservation()).tick;
    await onP1.a.nextObservation((o) => o.tick >= tick0 + 5);
    // Matchmaking forgets the dead process: its rooms leave the listing, creates go to p1 only.
    await waitFor('the dead process\u2019s rooms to leave the listing', async () => !(await listing(front.httpUrl)).some((r) => r.processId === ids.p2), 10_000);
    const unlistedAt = Date.now();
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      const r = await matchmake(front.httpUrl, 'create', SUBSTRATE, { tickRate: 20 });
      assert.equal(r.processId, ids.p1);
      // A create sent to the dead process would wait for Colyseus's 2 s IPC timeout before falling back.
      assert.ok(Date.now() - t < 2000, 'no create waits for the dead process to time out');
      await seat(r);
    }
    const linesAfter = existsSync(p2File) ? readFileSync(p2File, 'utf8').split('\n').length : 0;
    assert.equal(linesAfter, linesBefore, 'the unfinished episode of the killed room is not recorded');
    console.log(JSON.stringify({ figure: 'cluster_process_kill', close_after_ms: at - killedAt, unlisted_after_ms: unlistedAt - killedAt }));
    // A process started again under the same name takes new rooms (it holds the fewest).
    p2 = await startProcess(redis.url, 'p2', join(dir, 'episodes.jsonl'), { CRUCIBLE_MAX_ROOMS: '6', CRUCIBLE_ADMIN_TOKEN: OPERATOR });
    await front.refresh();
    const fresh = front.processes().find((e) => e.node === 'p2');
    assert.ok(fresh && fresh.processId !== ids.p2, 'a new process id');
    ids.p2 = fresh.processId;
    const r = await matchmake(front.httpUrl, 'create', SUBSTRATE, { tickRate: 20 });
    assert.equal(r.processId, ids.p2);
    const a = await seat(r);
    await a.nextObservation();
  });

  it('keeps running rooms going while Redis is away, refuses matchmaking with 503 CLUSTER_UNAVAILABLE meanwhile, and resumes when Redis is back', async () => {
    const held = await roomOn(ids.p1!, { tickRate: 20 });
    await held.a.nextObservation();
    await redis.stop();
    const goneAt = Date.now();
    await waitFor('matchmaking to be refused', async () => {
      const r = await post(p1.httpUrl, `/matchmake/create/${SUBSTRATE}`, {});
      return r.status === 503 && /^CLUSTER_UNAVAILABLE: /.test(String(r.body.error));
    }, 5000);
    console.log(JSON.stringify({ figure: 'cluster_redis_gone', refused_after_ms: Date.now() - goneAt }));
    const api = await getJson<{ code: string }>(front.httpUrl, '/api/rooms');
    assert.equal(api.status, 503);
    assert.equal(api.body.code, 'CLUSTER_UNAVAILABLE');
    // The room ticks on, and its agent plays, without Redis.
    const tick0 = (await held.a.nextObservation()).tick;
    held.a.act(1);
    await held.a.nextObservation((o) => o.tick >= tick0 + 10);
    // Redis comes back empty (no persistence): each process lists its rooms again.
    await redis.start();
    const backAt = Date.now();
    await waitFor('the running room to be listed again', async () => {
      const r = await getJson<Listed[]>(front.httpUrl, '/api/rooms');
      return r.status === 200 && r.body.some((x) => x.roomId === held.r.roomId);
    }, 15_000);
    console.log(JSON.stringify({ figure: 'cluster_redis_back', relisted_after_ms: Date.now() - backAt }));
    // The front routes a WebSocket by the process table, which Redis lost: until both processes have registered again
    // (at once on reconnecting) and the front has re-read it, a seat at the process missing from it cannot be
    // reached through the front (the client is sent to another process, which refuses the seat).
    await waitFor('the front to route to both processes again', async () => {
      await front.refresh();
      return front.processes().length === 2;
    });
    const again = await matchmake(front.httpUrl, 'joinById', held.r.roomId, {});
    const b = await seat(again);
    assert.equal((await b.welcome).slot, 1);
  });

  it('reaches at once a process that joined since the front last read the process table (the table is read again for it)', async () => {
    // A front that re-reads the table only every minute, started before the new process: its table lacks it.
    const slow = await startFront({ redisUrl: redis.url, refreshMs: 60_000 });
    let p3: ServerProcess | null = null;
    try {
      assert.equal(slow.processes().length, 2);
      p3 = await startProcess(redis.url, 'p3', join(dir, 'episodes.jsonl'), { CRUCIBLE_MAX_ROOMS: '6', CRUCIBLE_ADMIN_TOKEN: OPERATOR });
      await waitFor('the main front to list the new process', async () => {
        await front.refresh();
        return front.processes().some((e) => e.node === 'p3');
      });
      const p3Id = front.processes().find((e) => e.node === 'p3')!.processId;
      assert.ok(!slow.processes().some((e) => e.processId === p3Id), 'the slow front has not read the table since');
      // A create at the new process: it holds no room, so it makes this one itself (chooseProcess).
      const r = await matchmake(p3.httpUrl, 'create', SUBSTRATE, { tickRate: 20 });
      assert.equal(r.processId, p3Id);
      const room: Room = await new Client(slow.url).consumeSeatReservation(r as never);
      const a = new AgentClient(room);
      open.push(a);
      assert.equal((await a.welcome).slot, 0);
      await a.nextObservation();
      assert.ok(slow.processes().some((e) => e.processId === p3Id), 'the slow front read the table again for it');
    } finally {
      await Promise.all(open.splice(0).map((x) => x.leave().catch(() => {})));
      await slow.close();
      if (p3) {
        p3.proc.kill('SIGKILL');
        await exited(p3.proc);
      }
    }
  });
});

/**
 * Two hosts: network namespaces joined by a veth pair (10.231.0.1 and 10.231.0.2), Redis and one process in the
 * first, the other process in the second, the front and the client in the first. The client joins, through the
 * front, a room held by the process in the other namespace: the path a cluster of several machines takes.
 */
describe('Cluster: clients straight to the processes (CRUCIBLE_PUBLIC_ADDRESS)', function () {
  this.timeout(120_000);
  if (!haveRedis()) {
    it.skip("needs Debian's redis-server (apt-get install redis-server; .ci/run installs it)", () => {});
    return;
  }
  let redis: RedisServer;
  let dir: string;
  let front: RunningFront;
  const addresses: Record<string, string> = {};

  before(async () => {
    dir = tempDir('cluster-direct');
    redis = await startRedis();
    const ports = [await freePort(), await freePort()];
    await Promise.all(ports.map((port, k) => startProcess(redis.url, `d${k + 1}`, join(dir, 'episodes.jsonl'), { PORT: String(port), CRUCIBLE_PUBLIC_ADDRESS: `127.0.0.1:${port}` })));
    front = await startFront({ redisUrl: redis.url, refreshMs: 200 });
    await waitFor('the front to list both processes', async () => {
      await front.refresh();
      return front.processes().length === 2;
    });
    for (const e of front.processes()) addresses[e.processId] = e.address;
  });

  after(async () => {
    await front?.close();
    await stopAll();
    if (dir) removeDir(dir);
    if (redis) removeDir(redis.dir);
  });

  it('names the holding process\u2019s own address in each seat reservation, and the SDK and the Python package play there while the front relays no WebSocket', async function () {
    const before = front.upgrades();
    const held = new Set<string>();
    const agents: AgentClient[] = [];
    try {
      // Two creates through the front (round robin: one reaches each process, which makes the room itself).
      for (let i = 0; i < 2; i++) {
        const r = await matchmake(front.httpUrl, 'create', SUBSTRATE, { tickRate: 20 });
        assert.equal(r.publicAddress, addresses[r.processId], 'the reservation names the address of the process that holds the room');
        held.add(r.processId);
        const room: Room = await new Client(front.url).consumeSeatReservation(r as never);
        const a = new AgentClient(room);
        agents.push(a);
        const obs: Observation = await a.nextObservation();
        assert.ok(obs.tick >= 0);
      }
      assert.equal(held.size, 2, 'the two rooms run in the two processes');
      const python = join(REPO, '.venv/bin/python');
      if (existsSync(python)) {
        const script = [
          'import sys, crucible',
          'with crucible.Client(sys.argv[1]) as c:',
          "    a = c.create('commons_harvest__open', seed=5, tickRate=50)",
          '    a.reset()',
          '    for _ in range(3): f = a.step([0] * a.count)',
          "    print('PLAYED', f.tick)",
        ].join('\n');
        const py = child(python, ['-c', script, front.url], { cwd: join(REPO, 'python') });
        await exited(py);
        assert.equal(py.exitCode, 0, py.out.join(''));
        assert.match(py.out.join(''), /PLAYED 3/);
      }
      assert.equal(front.upgrades(), before, 'every WebSocket opened at a process, none at the front');
    } finally {
      await Promise.all(agents.map((a) => a.leave().catch(() => {})));
    }
  });
});

describe('Cluster: two processes as two hosts (network namespaces)', function () {
  this.timeout(180_000);
  const nsA = `crucible-a-${process.pid}`;
  const nsB = `crucible-b-${process.pid}`;
  let created: string[] = [];
  let dir = '';
  let frontOut = '';
  let redis: RedisServer | null = null;

  const ip = (...args: string[]): { ok: boolean; err: string } => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    return { ok: r.status === 0, err: (r.stderr ?? '').trim() || String(r.error ?? '') };
  };

  before(function () {
    if (!haveRedis()) {
      console.log("      (skipped: needs Debian's redis-server)");
      this.skip();
    }
    if (process.getuid?.() !== 0) {
      console.log('      (skipped: creating network namespaces needs root; CI runs as root)');
      this.skip();
    }
    const add = ip('netns', 'add', nsA);
    if (!add.ok) {
      console.log(`      (skipped: ip netns add failed here: ${add.err.slice(0, 200)})`);
      this.skip();
    }
    created.push(nsA);
    const steps: string[][] = [
      ['netns', 'add', nsB],
      ['link', 'add', `cr${process.pid % 100000}a`, 'type', 'veth', 'peer', 'name', `cr${process.pid % 100000}b`],
      ['link', 'set', `cr${process.pid % 100000}a`, 'netns', nsA],
      ['link', 'set', `cr${process.pid % 100000}b`, 'netns', nsB],
      ['-n', nsA, 'addr', 'add', '10.231.0.1/24', 'dev', `cr${process.pid % 100000}a`],
      ['-n', nsB, 'addr', 'add', '10.231.0.2/24', 'dev', `cr${process.pid % 100000}b`],
      ['-n', nsA, 'link', 'set', `cr${process.pid % 100000}a`, 'up'],
      ['-n', nsB, 'link', 'set', `cr${process.pid % 100000}b`, 'up'],
      ['-n', nsA, 'link', 'set', 'lo', 'up'],
      ['-n', nsB, 'link', 'set', 'lo', 'up'],
    ];
    for (const s of steps) {
      const r = ip(...s);
      if (!r.ok) throw new Error(`ip ${s.join(' ')}: ${r.err}`);
      if (s[1] === 'add' && s[0] === 'netns') created.push(s[2]!);
    }
  });

  after(async () => {
    await stopAll();
    for (const ns of created) ip('netns', 'del', ns);
    created = [];
    if (dir) removeDir(dir);
    if (redis) removeDir(redis.dir);
  });

  it('a client in one namespace plays, through the front, a room held by the process in the other namespace', async () => {
    dir = tempDir('netns');
    redis = await startRedis('10.231.0.1', nsA);
    const results = join(dir, 'episodes.jsonl');
    await Promise.all([
      startProcess(redis.url, 'hostA', results, { HOST: '10.231.0.1' }, nsA),
      startProcess(redis.url, 'hostB', results, { HOST: '10.231.0.2' }, nsB),
    ]);
    const front = child('ip', ['netns', 'exec', nsA, process.execPath, '--import', 'tsx', CLUSTER_CLI, '--processes', '0', '--host', '10.231.0.1', '--port', '2567'], {
      env: { ...process.env, REDIS_URL: redis.url },
    });
    await waitForOutput(front, /Dashboard {2}http:\/\/10\.231\.0\.1:2567\//);
    frontOut = front.out.join('');
    const client = child('ip', ['netns', 'exec', nsA, process.execPath, '--import', 'tsx', join(REPO, 'test/helpers/netnsClient.ts'), 'http://10.231.0.1:2567', 'hostB']);
    await exited(client);
    const out = client.out.join('');
    assert.equal(client.exitCode, 0, out + frontOut);
    const line = JSON.parse(out.trim().split('\n').pop()!) as { node: string; ticks: number[]; processes: number };
    assert.equal(line.node, 'hostB');
    assert.equal(line.processes, 2);
    assert.ok(line.ticks[1]! >= line.ticks[0]! + 3, 'the room ticks and its observations reach the client');
  });
});
