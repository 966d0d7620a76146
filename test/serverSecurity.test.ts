import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { connect, ConnectError, type ConnectOptions, type Observation } from '../client/agent.js';
import { rawJoin } from '../loadtest/socketClient.js';
import { CLOSE_SLOW_CONSUMER } from '../client/protocol.js';
import { backlogLimit } from '../server/wire.js';
import { MAX_FRAME_BYTES } from '../server/messages.js';
import { Budgets, budgetsFromEnv, DEFAULT_BUDGETS } from '../server/budgets.js';
import { liveServer, waitFor } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
const TOKEN = 'agent-token-b7c1';
const ADMIN = 'operator-token-9f2e0d';
const ALLOWED_ORIGIN = 'https://lab.example.org';

async function refusal(url: string, options: ConnectOptions): Promise<ConnectError> {
  try {
    const a = await connect(url, SUBSTRATE, options);
    await a.leave();
  } catch (err) {
    assert.ok(err instanceof ConnectError, `a ConnectError, got ${String(err)}`);
    return err;
  }
  assert.fail(`connect with ${JSON.stringify(options)} should have been refused`);
}

describe('server: operator routes, CORS and the create token', function () {
  this.timeout(30_000);
  const live = liveServer('security', TOKEN, { adminToken: ADMIN, corsOrigins: [ALLOWED_ORIGIN] });

  it('serves the monitor only to the operator token (Bearer or Basic), and never echoes a token', async () => {
    const url = `${live.srv.httpUrl}/monitor/api`;
    const none = await fetch(url);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { code: string }).code, 'INVALID_TOKEN');
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}x` } });
    assert.equal(wrong.status, 401);
    const agentToken = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(agentToken.status, 401, "the agents' token is not the operator's");
    const bearer = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(bearer.status, 200);
    const text = await bearer.text();
    assert.ok(!text.includes(ADMIN) && !text.includes(TOKEN));
    const basic = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`anyone:${ADMIN}`).toString('base64')}` } });
    assert.equal(basic.status, 200);
    // The page itself works offline: it links nothing on the internet (the stock page loads a Google font).
    const page = await fetch(`${live.srv.httpUrl}/monitor/`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /assets\/index-/);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  it("lets the monitor call only its own room methods, and what it reads holds no token or server path", async () => {
    const a = await connect(live.srv.url, SUBSTRATE, { method: 'create', token: TOKEN });
    live.open.push(a);
    const roomId = a.room.roomId;
    const auth = { authorization: `Bearer ${ADMIN}` };
    for (const method of ['endEpisode', 'config', 'settings', 'results', '__proto__']) {
      const r = await fetch(`${live.srv.httpUrl}/monitor/api/room/call?roomId=${roomId}&method=${method}&args=[]`, { headers: auth });
      assert.equal(r.status, 403, method);
    }
    const inspect = await fetch(`${live.srv.httpUrl}/monitor/api/room?roomId=${roomId}`, { headers: auth });
    assert.equal(inspect.status, 200);
    const metrics = await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/metrics`);
    const listing = await fetch(`${live.srv.httpUrl}/api/rooms`);
    for (const body of [await inspect.text(), await metrics.text(), await listing.text()]) {
      assert.ok(!body.includes(TOKEN) && !body.includes(ADMIN), 'no token in what the API shows');
      assert.ok(!body.includes(live.dir), 'no server path in what the API shows');
    }
  });

  it('answers cross-origin requests only for listed origins, never with credentials', async () => {
    for (const path of ['/api/rooms', '/api/substrates']) {
      const evil = await fetch(`${live.srv.httpUrl}${path}`, { headers: { origin: 'https://evil.example' } });
      assert.equal(evil.headers.get('access-control-allow-origin'), null, path);
      assert.equal(evil.headers.get('access-control-allow-credentials'), null, path);
      const listed = await fetch(`${live.srv.httpUrl}${path}`, { headers: { origin: ALLOWED_ORIGIN } });
      assert.equal(listed.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN, path);
      assert.equal(listed.headers.get('access-control-allow-credentials'), null, path);
    }
    const preflight = await fetch(`${live.srv.httpUrl}/matchmake/create/${SUBSTRATE}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('needs the server token to create a room, not only to join one as an agent', async () => {
    const before = ((await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[]).length;
    const spectator = await refusal(live.srv.url, { method: 'create', role: 'spectator' });
    assert.equal(spectator.code, 'INVALID_TOKEN');
    assert.equal(spectator.status, 401);
    const wrong = await refusal(live.srv.url, { method: 'create', token: 'guess' });
    assert.equal(wrong.code, 'INVALID_TOKEN');
    const after = ((await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[]).length;
    assert.equal(after, before, 'no room was made for a refused create');
  });
});

describe('server: budgets (OVER_BUDGET before any world is built)', function () {
  this.timeout(60_000);
  const live = liveServer('budgets', null, { budgets: { maxRooms: 3, maxTotalCellHz: 1_000_000, maxCreatesPerSecond: 1000 } });

  it('makes no more rooms than the budget when many creates arrive at once', async () => {
    const tries = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        fetch(`${live.srv.httpUrl}/matchmake/create/${SUBSTRATE}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ role: 'spectator' }),
        }).then(async (r) => ({ status: r.status, body: await r.text() })),
      ),
    );
    const answers = tries.map((t) => (t.status === 'fulfilled' ? t.value : { status: 0, body: String(t.reason) }));
    assert.equal(answers.filter((a) => a.status === 200).length, 3);
    const refused = answers.filter((a) => a.status !== 200);
    assert.equal(refused.length, 9);
    for (const r of refused) {
      assert.equal(r.status, 403);
      assert.match(r.body, /OVER_BUDGET/);
    }
    const rooms = (await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[];
    assert.ok(rooms.length <= 3, `${rooms.length} rooms`);
  });

  it('refuses a room too big, too fast, or asking for too high a message rate, naming the budget', async () => {
    // Wait for the reserved-but-never-joined rooms of the last test to go.
    await waitFor('the empty rooms to be disposed', async () => ((await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[]).length === 0, 40_000);
    const cases: [ConnectOptions, string][] = [
      [{ scale: 32, tickRate: 1000 }, 'CRUCIBLE_MAX_ROOM_CELLS'],
      [{ scale: 4, tickRate: 1000 }, 'CRUCIBLE_MAX_ROOM_CELL_HZ'],
      [{ maxMessagesPerSecond: 100_000 }, 'CRUCIBLE_MAX_MESSAGES_PER_SECOND'],
      [{ tickRate: 1000, maxSteps: 1 }, 'CRUCIBLE_MAX_EPISODES_PER_SECOND'],
    ];
    for (const [options, budget] of cases) {
      const err = await refusal(live.srv.url, { method: 'create', ...options });
      assert.equal(err.code, 'OVER_BUDGET', JSON.stringify(options));
      assert.equal(err.status, 403);
      assert.match(err.message, /at most/);
      void budget;
    }
    // The total: 1,000,000 cells × Hz in all; a 432-cell room at 1000 Hz costs 432,000, so the third is refused.
    const a = await connect(live.srv.url, SUBSTRATE, { method: 'create', tickRate: 1000, obs: 'none' });
    live.open.push(a);
    const b = await connect(live.srv.url, SUBSTRATE, { method: 'create', tickRate: 1000, obs: 'none' });
    live.open.push(b);
    const third = await refusal(live.srv.url, { method: 'create', tickRate: 1000 });
    assert.equal(third.code, 'OVER_BUDGET');
    assert.match(third.message, /together/);
  });
});

describe('server: backpressure (an agent that stops reading)', function () {
  this.timeout(60_000);
  const live = liveServer('slow');

  async function metrics(roomId: string): Promise<{ backpressure: { observations_dropped: number; clients_closed: number; max_backlog_bytes: number } }> {
    return (await (await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as never;
  }

  it(`closes a socket that sends a frame over ${MAX_FRAME_BYTES} bytes with 1009 (message too big), before any parsing`, async () => {
    const host = await connect(live.srv.url, SUBSTRATE, { method: 'create', obs: 'none', reconnectSeconds: 0 });
    live.open.push(host);
    const raw = await rawJoin(live.srv.httpUrl, 'joinById', host.room.roomId, { obs: 'none' });
    try {
      await waitFor('the raw agent to observe', () => raw.observations.length > 0);
      raw.ws.send(new Uint8Array(MAX_FRAME_BYTES + 1));
      await waitFor('the socket to be closed', () => raw.closeCode !== null, 10_000);
      assert.equal(raw.closeCode, 1009);
    } finally {
      raw.ws.terminate();
    }
  });

  it('drops its observations (flagged on the next one), keeps its backlog bounded, closes it with 4008, and the others keep every tick', async () => {
    // 300 Hz of 88×88 RGB frames (23 KB each, 7 MB/s) fills the kernel's socket buffers within seconds.
    const honest = await connect(live.srv.url, SUBSTRATE, { method: 'create', tickRate: 300, obs: 'symbolic', reconnectSeconds: 0 });
    live.open.push(honest);
    const roomId = honest.room.roomId;
    // The slow agent at the socket level (loadtest/socketClient.ts), so its socket can stop reading.
    const slow = await rawJoin(live.srv.httpUrl, 'joinById', roomId, { obs: 'rgb' });
    const honestTicks: Observation[] = [];
    honest.onObservation((o) => honestTicks.push(o));
    try {
      await waitFor('the slow agent to observe', () => slow.observations.length > 0);
      slow.ws._socket.pause();
      await waitFor('observations to be dropped', async () => (await metrics(roomId)).backpressure.observations_dropped > 0, 30_000);
      const seenBefore = slow.observations.length;
      slow.ws._socket.resume();
      await waitFor('an observation flagged as following dropped ones', () => slow.observations.slice(seenBefore).some((o) => o.dropped), 10_000);

      slow.ws._socket.pause();
      await waitFor('the slow client to be closed', async () => (await metrics(roomId)).backpressure.clients_closed > 0, 30_000);
      slow.ws._socket.resume();
      await waitFor('the close to reach the client', () => slow.closeCode !== null, 10_000);
      assert.equal(slow.closeCode, CLOSE_SLOW_CONSUMER);
    } finally {
      slow.ws.terminate();
    }

    const m = await metrics(roomId);
    const frameBytes = 32 + 88 * 88 * 3;
    assert.ok(m.backpressure.max_backlog_bytes <= backlogLimit(frameBytes) + 2 * frameBytes, `backlog peaked at ${m.backpressure.max_backlog_bytes} bytes`);
    // The honest agent got an observation for every tick meanwhile, none of them after dropped ones.
    assert.ok(honestTicks.length > 100);
    for (let i = 1; i < honestTicks.length; i++) {
      const [p, o] = [honestTicks[i - 1]!, honestTicks[i]!];
      if (o.episode === p.episode) assert.equal(o.tick, p.tick + 1, `tick after ${p.tick}`);
      assert.equal(o.dropped, false);
    }
  });
});

describe('server: the npm start entry point refuses a port in use', function () {
  this.timeout(60_000);

  it('exits with status 1 and says the port is in use, instead of running without listening', async () => {
    const holder = createNetServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const port = (holder.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
        env: { ...process.env, PORT: String(port), HOST: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      assert.equal(status, 1, out);
      assert.match(out, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      holder.close();
    }
  });
});

describe('server: the budget ledger (server/budgets.ts)', () => {
  const limits = { ...DEFAULT_BUDGETS, maxRooms: 3, maxCreatesPerSecond: 8, maxTotalCellHz: 10_000 };

  it('admits rooms up to each budget, refuses the next with OVER_BUDGET naming it, and frees on release', () => {
    let now = 0;
    const b = new Budgets(limits, () => now);
    assert.equal(b.admit('r1', { cells: 432, tickRate: 1 }), null);
    assert.equal(b.admit('r2', { cells: 432, tickRate: 1 }), null);
    const fast = b.admit('r3', { cells: 432, tickRate: 1 });
    assert.equal(fast?.code, 'OVER_BUDGET', 'a bucket of a quarter of a second: 2 creates at once at 8/s');
    assert.equal(fast?.details?.budget, 'CRUCIBLE_MAX_CREATES_PER_SECOND');
    now += 125;
    assert.equal(b.admit('r3', { cells: 432, tickRate: 1 }), null);
    now += 1000;
    assert.equal(b.admit('r4', { cells: 432, tickRate: 1 })?.details?.budget, 'CRUCIBLE_MAX_ROOMS');
    b.release('r1');
    b.release('r1');
    assert.equal(b.roomCount, 2);
    assert.equal(b.admit('r5', { cells: 432, tickRate: 100 })?.details?.budget, 'CRUCIBLE_MAX_TOTAL_CELL_HZ');
    assert.equal(b.admit('r5', { cells: 20_000, tickRate: 1 })?.details?.budget, 'CRUCIBLE_MAX_ROOM_CELLS');
    assert.equal(b.admit('r5', { cells: 432, tickRate: 1 }, 5000)?.details?.budget, 'CRUCIBLE_MAX_MESSAGES_PER_SECOND');
    assert.equal(b.admit('r5', { cells: 432, tickRate: 20, episodesPerSecond: 20 })?.details?.budget, 'CRUCIBLE_MAX_EPISODES_PER_SECOND');
    assert.equal(b.cellHz, 864, 'refused creates reserve nothing');
  });

  it('reads the budgets from the environment and refuses a malformed one at startup', () => {
    assert.equal(budgetsFromEnv({ CRUCIBLE_MAX_ROOMS: '7' }).maxRooms, 7);
    assert.equal(budgetsFromEnv({}).maxRooms, DEFAULT_BUDGETS.maxRooms);
    assert.throws(() => budgetsFromEnv({ CRUCIBLE_MAX_ROOMS: 'lots' }), /CRUCIBLE_MAX_ROOMS must be a positive integer/);
  });
});
