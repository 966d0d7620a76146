/**
 * Text agents through a live server: HTTP agents and a WebSocket text agent beside a controller and bots, in
 * lockstep, to an episode end; the results line split by population; coded errors for malformed macros.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinHttp, runHttpTextAgent, type TextFrame } from '../client/textAgent.js';
import { RawClient } from '../loadtest/rawClient.js';
import { liveServer, waitFor } from './helpers/liveServer.js';

const SUB = 'commons_harvest__open';

describe('server: text agents', function () {
  this.timeout(60_000);
  const live = liveServer('text');
  const open: RawClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.leave().catch(() => {})));
  });

  async function createRoom(options: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${live.srv.httpUrl}/api/substrates/${SUB}/rooms`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { roomId: string }).roomId;
  }

  /**
   * Two HTTP text agents (slots 0, 1), a controller holding slots 2–4 stepping a fixed pattern, bots in 5 and 6;
   * lockstep, to the episode's end. Everyone joins before anyone acts, so the run depends only on the seed.
   */
  async function mixedEpisode(seed: number, resultsFile: string): Promise<{ roomId: string; frames: TextFrame[][] }> {
    const roomId = await createRoom({ lockstep: true, actionTimeoutMs: 0, maxSteps: 40, seed, autoReset: false, resultsFile });
    const a = await joinHttp(live.srv.httpUrl, roomId, { policy: 'text' });
    const b = await joinHttp(live.srv.httpUrl, roomId, { policy: 'text' });
    assert.deepEqual([a.agent, b.agent], ['player_0', 'player_1']);
    const c = await RawClient.join(live.srv.httpUrl, 'joinById', roomId, { role: 'controller', slots: [2, 3, 4], obs: 'none', policy: 'rl' });
    open.push(c);
    const w = await c.nextPayload<{ slots: number[] }>('welcome');
    assert.deepEqual(w.slots, [2, 3, 4]);
    let frame = await c.nextBytes('step');
    const stepping = (async () => {
      for (;;) {
        const flags = frame[3], tick = frame.readUInt32LE(4), episode = frame.readUInt32LE(8);
        if (flags & 3) return tick;
        c.send('step', { episode, tick, actions: [1 + (tick % 7), (tick * 3) % 8, tick % 2 === 0 ? 5 : 1] });
        frame = await c.nextBytes('step', 30_000);
      }
    })();
    const frames = await Promise.all([
      runHttpTextAgent({ baseUrl: live.srv.httpUrl, roomId }, a),
      runHttpTextAgent({ baseUrl: live.srv.httpUrl, roomId }, b),
    ]);
    assert.equal(await stepping, 40, 'the controller saw the episode end at maxSteps');
    return { roomId, frames };
  }

  it('runs two HTTP text agents, a 3-slot controller and two bots in lockstep to the end; the results line splits figures by population', async () => {
    const { roomId, frames } = await mixedEpisode(7, 'mixed.jsonl');
    for (const f of frames) {
      assert.ok(f.length >= 2, 'a text agent decides more than once');
      assert.match(f[f.length - 1].text, /^The episode has ended \(truncated\)\.$/m);
    }
    const file = join(live.dir, 'mixed.jsonl');
    await waitFor('the results line', () => existsSync(file) && readFileSync(file, 'utf8').includes(roomId));
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const rec = lines.find((l) => l.room === roomId);
    assert.ok(rec, 'the episode was recorded');
    assert.equal(rec.steps, 40);
    const pops = rec.by_population as Record<string, { players: number; agents: string[]; total_return: number; mean_return: number }>;
    assert.deepEqual(Object.keys(pops), ['random', 'rl', 'text']);
    assert.deepEqual(pops.text.agents, ['player_0', 'player_1']);
    assert.deepEqual(pops.rl.agents, ['player_2', 'player_3', 'player_4']);
    assert.deepEqual(pops.random.agents, ['player_5', 'player_6']);
    assert.equal(pops.text.total_return, rec.returns.player_0 + rec.returns.player_1);
    assert.equal(pops.rl.mean_return, (rec.returns.player_2 + rec.returns.player_3 + rec.returns.player_4) / 3);
    for (const p of ['player_0', 'player_1']) {
      assert.ok(rec.decisions[p].count >= 1, `${p}'s decisions were timed`);
      assert.ok(rec.decisions[p].mean_ms >= 0);
    }
  });

  it('gives the text agents byte-identical observations in two runs with the same seed and actions', async () => {
    const first = await mixedEpisode(13, 'det1.jsonl');
    const second = await mixedEpisode(13, 'det2.jsonl');
    for (let i = 0; i < 2; i++) {
      const x = first.frames[i].map((f) => f.text), y = second.frames[i].map((f) => f.text);
      assert.equal(x.length, y.length, `agent ${i}: as many decisions`);
      for (let k = 0; k < x.length; k++) assert.equal(x[k], y[k], `agent ${i}, decision ${k}`);
    }
  });

  it('answers every malformed macro over HTTP with 400 and INVALID_MACRO, and bad requests with their codes', async () => {
    const roomId = await createRoom({ lockstep: true, actionTimeoutMs: 0, maxSteps: 20 });
    const a = await joinHttp(live.srv.httpUrl, roomId, {});
    const post = async (body: string, key = a.key): Promise<{ status: number; code: string; details?: { reason?: string } }> => {
      const res = await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/agents/${key}/macro`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, ...((await res.json()) as { code: string }) };
    };
    const cases: [unknown, string][] = [
      [{}, 'unknown_macro'], [{ macro: 'teleport' }, 'unknown_macro'], [{ macro: 'move_to', x: 3 }, 'missing_argument'],
      [{ macro: 'move_to', x: -1, y: 3 }, 'out_of_map'], [{ macro: 'zap', target: 'nobody' }, 'unknown_target'],
      [{ macro: 'stay', ticks: 'long' }, 'bad_argument'], [{ macro: 'clean_nearest' }, 'not_in_substrate'], [[1], 'not_an_object'],
    ];
    for (const [body, reason] of cases) {
      const r = await post(JSON.stringify(body));
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.code, 'INVALID_MACRO');
      assert.equal(r.details?.reason, reason, JSON.stringify(body));
    }
    assert.equal((await post('{not json')).code, 'MALFORMED_MESSAGE');
    const big = await post(JSON.stringify({ macro: 'stay', pad: 'x'.repeat(5000) }));
    assert.deepEqual([big.status, big.code], [413, 'MESSAGE_TOO_LARGE']);
    const unknown = await post('{"macro":"stay"}', 'f'.repeat(32));
    assert.deepEqual([unknown.status, unknown.code], [404, 'UNKNOWN_AGENT']);
    const noRoom = await fetch(`${live.srv.httpUrl}/api/rooms/nope/agents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noRoom.status, 404);
    assert.equal(((await noRoom.json()) as { code: string }).code, 'UNKNOWN_ROOM');
    const ok = await post('{"macro":"stay","ticks":2}');
    assert.equal(ok.status, 200, 'a good macro after the bad ones is taken: nothing changed');
    const metrics = (await (await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as Record<string, any>;
    assert.equal(metrics.errors.INVALID_MACRO, cases.length);
    assert.equal(metrics.text_agents.player_0.transport, 'http');
    assert.equal(metrics.text_agents.player_0.count, 1);
    assert.ok(metrics.by_population.agent, 'the metrics split by population too');
  });

  it('streams observations as Server-Sent Events', async () => {
    const roomId = await createRoom({ lockstep: true, actionTimeoutMs: 0, maxSteps: 20 });
    const a = await joinHttp(live.srv.httpUrl, roomId, {});
    const ctl = new AbortController();
    const res = await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/agents/${a.key}/stream`, { signal: ctl.signal });
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: observation\ndata: .*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    assert.match(text, /^id: 1$/m);
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]) as TextFrame;
    assert.equal(data.seq, 1);
    assert.match(data.text, /You are player_0\./);
    ctl.abort();
  });

  it('sends a controller with obs "text" each held slot\'s text observation with every step frame', async () => {
    const c = await RawClient.join(live.srv.httpUrl, 'create', SUB, { role: 'controller', obs: 'text', slots: [0, 1], fillFocal: 'noop', maxSteps: 10 });
    open.push(c);
    await c.nextPayload('welcome');
    await c.nextBytes('step');
    const first = await c.nextPayload<{ tick: number; agents: Record<string, { text: string; observation: { agent: string } }> }>('text');
    assert.equal(first.tick, 0);
    assert.deepEqual(Object.keys(first.agents), ['player_0', 'player_1']);
    c.send('step', { episode: 0, tick: 0, actions: [7, 0] });
    await c.nextBytes('step');
    const next = await c.nextPayload<typeof first>('text');
    assert.equal(next.tick, 1);
    assert.match(next.agents.player_0.text, /^Tick 1 of episode 0 in commons_harvest__open\. You are player_0\.$/m);
    assert.match(next.agents.player_0.text, /^- tick 1: you fired a zap beam$/m, 'the events since the last step');
  });

  it('serves obs "text" over the WebSocket: a text message per decision, macros answered, malformed ones refused with their code', async () => {
    const c = await RawClient.join(live.srv.httpUrl, 'create', SUB, { obs: 'text', lockstep: true, maxSteps: 30, fillFocal: 'noop' });
    open.push(c);
    const w = await c.nextPayload<{ obs: string; slot: number }>('welcome');
    assert.equal(w.obs, 'none', 'no binary observation');
    const first = await c.nextPayload<TextFrame>('text');
    assert.equal(first.seq, 1);
    assert.match(first.text, /^Tick 0 of episode 0 in commons_harvest__open\. You are player_0\.$/m);
    c.send('macro', { macro: 'move_to', x: 1000, y: 0 });
    const err = await c.nextPayload<{ code: string; message: string }>('error');
    assert.equal(err.code, 'INVALID_MACRO');
    c.send('macro', { macro: 'stay', ticks: 3 });
    const next = await c.nextPayload<TextFrame>('text');
    assert.equal(next.observation.tick, 3, 'the room stepped the macro\'s three ticks, then asked again');
    assert.match(next.text, /^Macro stay: done at tick 3 \(stayed 3 ticks\)\.$/m);
    await waitFor('metrics', async () => {
      const m = (await (await fetch(`${live.srv.httpUrl}/api/rooms/${c.reservation.roomId}/metrics`)).json()) as Record<string, any>;
      return m.text_agents?.player_0?.count === 1 && m.text_agents.player_0.transport === 'websocket';
    });
    c.ws.terminate(); // a drop while deciding: the observation is sent again on reconnecting
    await waitFor('the drop', () => c.closeCode !== null);
    const back = await RawClient.reconnect(live.srv.httpUrl, c.reservation.roomId, c.reconnectionToken!);
    open.push(back);
    const again = await back.nextPayload<TextFrame>('text');
    assert.equal(again.seq, next.seq);
    assert.equal(again.text, next.text);
  });
});

describe('server: HTTP text agents with a token and a rate limit', function () {
  this.timeout(30_000);
  const live = liveServer('texttoken', 's3cret');

  it('needs the token to join (body or bearer header) and refuses requests over maxMessagesPerSecond with 429 RATE_LIMITED', async () => {
    const res = await fetch(`${live.srv.httpUrl}/api/substrates/${SUB}/rooms`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lockstep: true, actionTimeoutMs: 0, maxMessagesPerSecond: 3, token: 's3cret' }),
    });
    const { roomId } = (await res.json()) as { roomId: string };
    await assert.rejects(joinHttp(live.srv.httpUrl, roomId, {}), (e: Error & { code?: string; status?: number }) => e.code === 'INVALID_TOKEN' && e.status === 401);
    await assert.rejects(joinHttp(live.srv.httpUrl, roomId, { token: 'wrong' }), /INVALID_TOKEN/);
    const byHeader = await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/agents`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' }, body: '{}',
    });
    assert.equal(byHeader.status, 201);
    const { key } = (await byHeader.json()) as { key: string };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/agents/${key}/observations`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  });
});
