import { strict as assert } from 'node:assert';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { connect, decodeObservation, type AgentClient, type Observation } from '../client/agent.js';
import { OBS_HEADER_BYTES } from '../client/protocol.js';
import type { RunningServer } from '../server/app.js';
import { Environment } from '../systems/environment.js';
import { decodePng } from '../systems/encoding.js';
import { renderRgb, renderSymbolic, rgbShape, worldShape } from '../systems/renderObservations.js';
import { substrateNames } from '../substrates/registry.js';
import { Sprite } from '../systems/sprites.js';
import { current, liveServer, waitFor } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';

async function getJson<T = Record<string, unknown>>(srv: RunningServer, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${srv.httpUrl}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

/** A deterministic pseudo-random action stream per agent (FIRE_ZAP included). */
function actionAt(stream: number, tick: number, actionCount: number): number {
  return (Math.imul(tick + 1 + stream * 7919, 2654435761) >>> 16) % actionCount;
}

describe('server: substrate rooms through a real server', function () {
  this.timeout(30_000);
  const live = liveServer('server', null);
  const open = live.open;

  async function agent(options: Parameters<typeof connect>[2] = {}, substrate = SUBSTRATE): Promise<AgentClient> {
    const a = await connect(live.srv.url, substrate, options);
    open.push(a);
    return a;
  }

  it('lists every registered substrate with its players, actions and scenarios at GET /api/substrates', async () => {
    const { status, body } = await getJson<{ name: string; players: number; actions: string[]; scenarios: { name: string }[] }[]>(
      live.srv,
      '/api/substrates',
    );
    assert.equal(status, 200);
    assert.deepEqual(
      body.map((s) => s.name),
      substrateNames(),
    );
    const commons = body.find((s) => s.name === SUBSTRATE)!;
    assert.equal(commons.players, 7);
    assert.equal(commons.actions[0], 'NOOP');
    assert.ok(commons.scenarios.some((s) => s.name === SCENARIO));
  });

  it('opens a room for every registered substrate by its name, in both observation modes', async () => {
    for (const name of substrateNames()) {
      for (const obs of ['rgb', 'symbolic'] as const) {
        const a = await agent({ method: 'create', lockstep: true, actionTimeoutMs: 0, obs }, name);
        const welcome = await a.welcome;
        assert.equal(welcome.substrate, name);
        const env = new Environment({ substrate: name, seed: 0, metrics: false, monitor: false });
        const [rh, rw] = rgbShape(env.sim);
        const o0 = await current(a);
        assert.equal(o0.tick, 0, `${name} ${obs}`);
        const next = a.nextObservation((o) => o.tick === 1);
        a.act(welcome.actions.length - 1);
        const o1 = await next;
        const size = obs === 'rgb' ? rh * rw * 3 : (rh / env.spec.observation.spriteSize) * (rw / env.spec.observation.spriteSize);
        assert.equal(o1.data.byteLength, size, `${name} ${obs} observation size`);
        await a.leave();
        open.splice(open.indexOf(a), 1);
      }
    }
  });

  it('joins a room by substrate name and sends one binary observation per tick with a decodable header', async () => {
    const a = await agent({ tickRate: 50, obs: 'rgb', policy: 'test-rgb' });
    const welcome = await a.welcome;
    assert.equal(welcome.slot, 0);
    assert.equal(welcome.substrate, SUBSTRATE);
    const frames: Observation[] = [];
    a.onObservation((o) => frames.push(o));
    await waitFor('5 observations', () => frames.length >= 5);
    const [h, w] = [88, 88];
    for (const o of frames) {
      assert.equal(o.mode, 'rgb');
      assert.equal(o.slot, 0);
      assert.equal(o.width, w);
      assert.equal(o.height, h);
      assert.equal(o.data.byteLength, w * h * 3);
      assert.equal(o.episode, 0);
      assert.ok(o.readyToShoot >= 0 && o.readyToShoot <= 1);
    }
    for (let i = 1; i < frames.length; i++) assert.equal(frames[i].tick, frames[i - 1].tick + 1, 'one observation per tick, in order');
    // The raw frame: magic "CR", header then the observation.
    const raw = await new Promise<Uint8Array>((resolve) => {
      const off = a.room.onMessage('obs', (bytes: Uint8Array) => {
        off();
        resolve(bytes.slice());
      });
    });
    assert.equal(String.fromCharCode(raw[0], raw[1]), 'CR');
    assert.equal(raw.byteLength, OBS_HEADER_BYTES + w * h * 3);
    assert.equal(decodeObservation(raw).tick >= frames[frames.length - 1].tick, true);
  });

  it('appends the substrate\u2019s vector observations: INVENTORY and INTERACTION_INVENTORIES in the Matrix, NUM_OTHERS_WHO_CLEANED_THIS_STEP in Clean Up', async () => {
    // Melting Pot: the matrix games observe INVENTORY (K) and INTERACTION_INVENTORIES (2×K), the inventory starting at
    // [1, 1]; clean_up observes NUM_OTHERS_WHO_CLEANED_THIS_STEP (a count of other players, 0 before anyone cleans).
    const pd = await agent({ method: 'create', obs: 'symbolic', lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop' }, 'prisoners_dilemma_in_the_matrix__repeated');
    const welcome = await pd.welcome;
    assert.deepEqual(welcome.vector, [
      { name: 'INVENTORY', offset: 0, length: 2 },
      { name: 'INTERACTION_INVENTORIES', offset: 2, length: 4 },
    ]);
    const first = await current(pd);
    assert.equal(first.width, 5, 'the repeated matrix view is 5×5 cells');
    assert.deepEqual(Array.from(first.vector), [1, 1, -1, -1, -1, -1], 'inventory [1, 1], no interaction this tick');
    const cu = await agent({ method: 'create', obs: 'none', lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop' }, 'clean_up');
    assert.deepEqual((await cu.welcome).vector, [{ name: 'NUM_OTHERS_WHO_CLEANED_THIS_STEP', offset: 0, length: 1 }]);
    assert.deepEqual(Array.from((await current(cu)).vector), [0]);
    const commons = await agent({ method: 'create', obs: 'none', lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop' });
    assert.deepEqual((await commons.welcome).vector, []);
    assert.equal((await current(commons)).vector.length, 0, 'commons harvest has no vector observations');
  });

  it('in lockstep, two agents get exactly the observations and rewards of a headless Environment with the same seed and actions', async () => {
    const seed = 7;
    const opts = { scenario: SCENARIO, seed, lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop' as const, method: 'create' as const };
    const a = await agent({ ...opts, obs: 'rgb' });
    const b = await connect(live.srv.url, SUBSTRATE, { roomId: a.room.roomId, obs: 'symbolic' });
    open.push(b);
    assert.equal((await a.welcome).slot, 0);
    assert.equal((await b.welcome).slot, 1);
    assert.equal((await a.welcome).tick, 0, 'a lockstep room with no timeout waits for its agents');

    const env = new Environment({ substrate: SUBSTRATE, scenario: SCENARIO, seed, focalPolicy: null });
    env.reset();
    const n = env.spec.actions.length;
    const [rh, rw] = rgbShape(env.sim);
    const rgb = new Uint8Array(rh * rw * 3);
    const sym = new Uint8Array(121);
    const actions = new Int32Array(env.players);
    const ticks = 60;
    // The join-time observations (nothing else arrives before both agents act).
    const first = { a: await current(a), b: await current(b) };
    const seen = { a: [] as Observation[], b: [] as Observation[] };
    let zaps = 0;
    const done = new Promise<void>((resolve, reject) => {
      const check = () => {
        // Both agents have the observation of the same tick: compare it with the headless run, then act.
        while (seen.a.length > 0 && seen.b.length > 0) {
          const oa = seen.a.shift()!;
          const ob = seen.b.shift()!;
          try {
            const t = env.tick;
            assert.equal(oa.tick, t, `agent a tick`);
            assert.equal(ob.tick, t, `agent b tick`);
            renderRgb(env.sim, 0, rgb);
            renderSymbolic(env.sim, 1, sym);
            assert.ok(Buffer.from(oa.data).equals(Buffer.from(rgb)), `rgb observation of slot 0 differs at tick ${t}`);
            assert.ok(Buffer.from(ob.data).equals(Buffer.from(sym)), `symbolic observation of slot 1 differs at tick ${t}`);
            assert.equal(oa.reward, Math.fround(env.sim.rewards[0]), `reward of slot 0 at tick ${t}`);
            assert.equal(ob.reward, Math.fround(env.sim.rewards[1]), `reward of slot 1 at tick ${t}`);
            assert.equal(oa.collectiveReward, Math.fround(env.sim.collectiveReward), `collective reward at tick ${t}`);
            if (t >= ticks) return resolve();
            actions.fill(0);
            actions[0] = actionAt(1, t, n);
            actions[1] = actionAt(2, t, n);
            if (actions[0] === n - 1 || actions[1] === n - 1) zaps++;
            a.act(actions[0]);
            b.act(actions[1]);
            env.step(actions);
          } catch (err) {
            reject(err);
          }
        }
      };
      a.onObservation((o) => (seen.a.push(o), check()));
      b.onObservation((o) => (seen.b.push(o), check()));
      seen.a.push(first.a);
      seen.b.push(first.b);
      check();
    });
    await done;
    assert.ok(zaps > 0, 'the action stream exercised the zapper');
  });

  it('ends an episode with an "episode" message and exactly one complete JSON line per episode in the results file', async () => {
    const file = 'short-episodes.jsonl';
    const seed = 11;
    const a = await agent({ lockstep: true, actionTimeoutMs: 5, maxSteps: 6, seed, resultsFile: file, method: 'create' });
    const summaries: Record<string, unknown>[] = [];
    a.onEpisode((s) => summaries.push(s as unknown as Record<string, unknown>));
    a.onObservation(() => a.act(1));
    await waitFor('two episodes', () => summaries.length >= 2);
    const path = join(live.dir, file);
    await waitFor('two lines on disk', () => existsSync(path) && readFileSync(path, 'utf8').split('\n').length >= 3);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'), 'every line is complete');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.slice(0, 2).map((l) => [l.episode, l.seed, l.steps, l.truncated]),
      [
        [0, seed, 6, true],
        [1, seed + 1, 6, true],
      ],
    );
    assert.deepEqual(lines[0], summaries[0], 'the message and the line are the same record');
    assert.equal(lines[0].room, a.room.roomId);
  });

  it('keeps a dropped agent\u2019s slot through its reconnection window and gives it back on reconnect', async () => {
    const a = await agent({ method: 'create', tickRate: 40, reconnectSeconds: 10 });
    const roomId = a.room.roomId;
    assert.equal((await a.welcome).slot, 0);
    const token = a.room.reconnectionToken;
    const dropped = new Promise<number>((r) => a.room.onLeave((code) => r(code)));
    a.room.reconnection.enabled = false; // reconnect by hand below
    a.room.connection.close(); // not consented: the server sees a drop
    await dropped;
    open.splice(open.indexOf(a), 1);
    await waitFor('the server to notice the drop', async () => {
      const { body } = await getJson<{ agents: { slot: number; seated: boolean; connected: boolean }[] }>(live.srv, `/api/rooms/${roomId}/metrics`);
      const s0 = body.agents[0];
      return s0.seated && !s0.connected;
    });
    const b = await connect(live.srv.url, SUBSTRATE, { roomId });
    open.push(b);
    assert.equal((await b.welcome).slot, 1, 'slot 0 is still held for the dropped agent');
    const sdk = new Client(live.srv.url);
    const back: Room = await sdk.reconnect(token);
    const obs = await new Promise<Observation>((resolve) => back.onMessage('obs', (bytes: Uint8Array) => resolve(decodeObservation(bytes))));
    assert.equal(obs.slot, 0, 'the reconnected agent plays its old slot');
    // The new connection is guarded like the first one.
    const tooLarge = new Promise<{ code: string }>((resolve) => back.onMessage('error', resolve));
    back.send('action', { tick: obs.tick, action: 1, pad: 'x'.repeat(5000) });
    assert.equal((await tooLarge).code, 'MESSAGE_TOO_LARGE');
    const { body } = await getJson<{ agents: { connected: boolean }[] }>(live.srv, `/api/rooms/${roomId}/metrics`);
    assert.equal(body.agents[0].connected, true);
    await back.leave();
  });

  it('returns a dropped agent\u2019s slot to its stand-in bot when the reconnection window closes', async () => {
    const a = await agent({ method: 'create', tickRate: 40, reconnectSeconds: 0.2, scenario: SCENARIO, policy: 'mine' });
    const roomId = a.room.roomId;
    const spectator = await connect(live.srv.url, SUBSTRATE, { roomId, role: 'spectator' });
    open.push(spectator);
    await waitFor('the label of slot 0', async () => (await getJson<{ agents: { policy: string }[] }>(live.srv, `/api/rooms/${roomId}/metrics`)).body.agents[0].policy === 'mine');
    a.room.reconnection.enabled = false;
    a.room.connection.close();
    open.splice(open.indexOf(a), 1);
    await waitFor('slot 0 to return to the scenario bot', async () => {
      const { body } = await getJson<{ agents: { policy: string; seated: boolean }[] }>(live.srv, `/api/rooms/${roomId}/metrics`);
      return !body.agents[0].seated && body.agents[0].policy === 'commons_harvest__open__free_0';
    });
  });

  it('syncs the world state and WORLD.RGB frames to a spectator, and no state patches to an agent that did not ask', async () => {
    const a = await agent({ method: 'create', tickRate: 40 });
    const roomId = a.room.roomId;
    const spectator = await connect(live.srv.url, SUBSTRATE, { roomId, role: 'spectator' });
    open.push(spectator);
    const state = () =>
      spectator.room.state as { substrate: string; width: number; world?: { tick: number; agents: unknown[]; lowerCells: number[]; lower: number[] } };
    await waitFor('the world state', () => (state().world?.tick ?? 0) > 3);
    assert.equal(state().substrate, SUBSTRATE);
    assert.equal(state().width, 24);
    assert.equal(state().world!.agents.length, 7);
    const world = state().world!;
    assert.ok(world.lowerCells.length > 0);
    assert.equal(world.lower.length, world.lowerCells.length);
    assert.ok(
      [...world.lower].includes(Sprite.Apple),
      'the apple cells show live apples',
    );
    spectator.requestWorld(5);
    const png = await new Promise<Uint8Array>((resolve) => spectator.onWorld(resolve));
    const env = new Environment({ substrate: SUBSTRATE, seed: 0, metrics: false, monitor: false });
    const [wh, ww] = worldShape(env.sim);
    const image = decodePng(png);
    assert.deepEqual([image.height, image.width], [wh, ww]);
    // Ticks go on while the agent (which got the join-time snapshot of the root fields only) receives no patch.
    let agentStateChanges = 0;
    a.room.onStateChange(() => agentStateChanges++);
    const t0 = (await current(a)).tick;
    await a.nextObservation((o) => o.tick >= t0 + 5);
    assert.equal((a.room.state as { world?: unknown }).world, undefined);
    assert.equal(agentStateChanges, 0, 'an agent without state: true receives no state patches');
  });

  it('reports rooms, metrics and WORLD.RGB over HTTP, and 404 UNKNOWN_ROOM for an unknown id', async () => {
    const a = await agent({ method: 'create', tickRate: 40, scenario: SCENARIO, seed: 3 });
    const roomId = a.room.roomId;
    await a.nextObservation((o) => o.tick >= 3);
    const rooms = await getJson<Record<string, unknown>[]>(live.srv, '/api/rooms');
    const mine = rooms.body.find((r) => r.roomId === roomId)!;
    assert.equal(mine.substrate, SUBSTRATE);
    assert.equal(mine.scenario, SCENARIO);
    assert.equal(mine.agents, 1);
    assert.equal(mine.tickRate, 40);
    assert.equal(mine.lockstep, false);
    assert.ok((mine.tick as number) >= 3);

    const { status, body } = await getJson<Record<string, unknown>>(live.srv, `/api/rooms/${roomId}/metrics`);
    assert.equal(status, 200);
    for (const key of ['tick', 'episode', 'metrics', 'performance', 'series', 'agents', 'errors', 'late_ticks', 'achieved_tick_rate']) {
      assert.ok(key in body, `metrics report has ${key}`);
    }
    assert.equal((body.agents as unknown[]).length, 7);

    const png = await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/world.png`);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    const image = decodePng(new Uint8Array(await png.arrayBuffer()));
    assert.equal(image.width, 24 * 8);

    const missing = await getJson<{ code: string }>(live.srv, '/api/rooms/no-such-room/metrics');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'UNKNOWN_ROOM');
    const missingPng = await fetch(`${live.srv.httpUrl}/api/rooms/no-such-room/world.png`);
    assert.equal(missingPng.status, 404);
  });

  it('serves a dashboard page, and keeps the monitor off without an operator token (ADMIN_DISABLED)', async () => {
    const monitor = await fetch(`${live.srv.httpUrl}/monitor/api`);
    assert.equal(monitor.status, 403);
    assert.equal(((await monitor.json()) as { code: string }).code, 'ADMIN_DISABLED');
    const root = await fetch(`${live.srv.httpUrl}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type') ?? '', /html/);
  });

  it('reports the requested tick rate of a real-time room and the achieved rate of its clock', async () => {
    // The clock's timing (drift correction, catch-up, the achieved rate) is tested on virtual time in
    // serverTickLoop.test.ts; here, that the room runs on it at the requested rate and reports it.
    const a = await agent({ method: 'create', tickRate: 100 });
    const start = (await current(a)).tick;
    await a.nextObservation((o) => o.tick >= start + 10);
    const { body } = await getJson<{ tick_rate: number; achieved_tick_rate: number }>(live.srv, `/api/rooms/${a.room.roomId}/metrics`);
    assert.equal(body.tick_rate, 100);
    assert.ok(body.achieved_tick_rate > 0, `achieved ${body.achieved_tick_rate} Hz`);
  });
});
