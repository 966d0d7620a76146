/**
 * The HTTP agent interface's limits: an abandoned agent's seat is freed after the room's httpIdleTimeoutMs (a
 * lockstep room stops waiting for it, its next request says why), and room creation over HTTP goes through the same
 * token and budget checks as a matchmake create.
 */
import assert from 'node:assert/strict';
import { joinHttp } from '../client/textAgent.js';
import { liveServer } from './helpers/liveServer.js';

const SUB = 'commons_harvest__open';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const tickOf = (text: string): number => Number(/^Tick (\d+) of episode/m.exec(text)?.[1] ?? NaN);

describe('server: an idle HTTP agent loses its seat', function () {
  this.timeout(30_000);
  const live = liveServer('httpidle');

  it('releases an agent that makes no request for httpIdleTimeoutMs: the lockstep room moves on, the slot is free, its next request gets 410 AGENT_TIMED_OUT', async () => {
    const base = live.srv.httpUrl;
    const created = await post(`${base}/api/substrates/${SUB}/rooms`, { lockstep: true, actionTimeoutMs: 0, httpIdleTimeoutMs: 700, seed: 2 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const roomId = created.body.roomId as string;
    const idle = await joinHttp(base, roomId, { policy: 'gone' });
    const busy = await joinHttp(base, roomId, { policy: 'busy' });
    const agents = `${base}/api/rooms/${roomId}/agents`;
    const first = await get(`${agents}/${busy.key}/observations?after=0&wait=0`);
    const frames0 = first.body.observations as { seq: number; text: string }[];
    assert.equal(tickOf(frames0[frames0.length - 1].text), 0);
    const after = frames0[frames0.length - 1].seq;
    const started = performance.now();
    const macro = await post(`${agents}/${busy.key}/macro`, { macro: 'stay', ticks: 3 });
    assert.equal(macro.status, 200, JSON.stringify(macro.body));
    // The busy agent's next decision point (tick 3) comes only once the room stops waiting for the idle agent.
    let next: { seq: number; text: string }[] = [];
    while (next.length === 0) {
      next = (await get(`${agents}/${busy.key}/observations?after=${after}&wait=5000`)).body.observations as { seq: number; text: string }[];
    }
    assert.equal(tickOf(next[next.length - 1].text), 3);
    assert.ok(performance.now() - started >= 700, 'the room waited for the idle agent until its timeout');
    for (const req of [get(`${agents}/${idle.key}/observations`), post(`${agents}/${idle.key}/macro`, { macro: 'stay', ticks: 1 })]) {
      const r = await req;
      assert.equal(r.status, 410);
      assert.equal(r.body.code, 'AGENT_TIMED_OUT');
      assert.equal((r.body.details as { httpIdleTimeoutMs: number }).httpIdleTimeoutMs, 700);
    }
    // Its slot went back to its stand-in and is free again: the next agent to join gets it.
    const again = await joinHttp(base, roomId, { policy: 'new' });
    assert.equal(again.slot, idle.slot);
    // The busy agent, which kept asking, still holds its seat.
    assert.equal((await get(`${agents}/${busy.key}/observations?after=0&wait=0`)).status, 200);
  });

  it('keeps an agent whose long poll is in progress, however long, and refuses a bad httpIdleTimeoutMs', async () => {
    const base = live.srv.httpUrl;
    const bad = await post(`${base}/api/substrates/${SUB}/rooms`, { httpIdleTimeoutMs: -1 });
    assert.deepEqual([bad.status, bad.body.code], [400, 'INVALID_OPTION']);
    const created = await post(`${base}/api/substrates/${SUB}/rooms`, { lockstep: true, actionTimeoutMs: 0, httpIdleTimeoutMs: 300 });
    const roomId = created.body.roomId as string;
    const a = await joinHttp(base, roomId, {});
    const agents = `${base}/api/rooms/${roomId}/agents`;
    const seen = (await get(`${agents}/${a.key}/observations?after=0&wait=0`)).body.observations as { seq: number }[];
    // Nothing new comes (the room waits for this agent's macro): the poll runs its full 1500 ms, past the timeout.
    const poll = await get(`${agents}/${a.key}/observations?after=${seen[seen.length - 1].seq}&wait=1500`);
    assert.deepEqual([poll.status, poll.body.observations], [200, []]);
    const macro = await post(`${agents}/${a.key}/macro`, { macro: 'stay', ticks: 1 });
    assert.equal(macro.status, 200, JSON.stringify(macro.body));
  });
});

describe('server: room creation over HTTP has the matchmake create\'s token and budgets', function () {
  this.timeout(30_000);
  const live = liveServer('httpcreate', 's3cret', { budgets: { maxRooms: 1, maxCreatesPerSecond: 10_000 } });

  it('needs CRUCIBLE_TOKEN (body or bearer header; 401 INVALID_TOKEN) and refuses a room over a budget with 403 OVER_BUDGET, as /matchmake/create does', async () => {
    const url = `${live.srv.httpUrl}/api/substrates/${SUB}/rooms`;
    const none = await post(url, {});
    assert.deepEqual([none.status, none.body.code], [401, 'INVALID_TOKEN']);
    const wrong = await post(url, { token: 'nope' });
    assert.deepEqual([wrong.status, wrong.body.code], [401, 'INVALID_TOKEN']);
    const tooBig = await post(url, { token: 's3cret', scale: 8 });
    assert.deepEqual([tooBig.status, tooBig.body.code], [403, 'OVER_BUDGET']);
    assert.match(tooBig.body.message as string, /cells/);
    const ok = await post(url, {}, { authorization: 'Bearer s3cret' });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    // maxRooms 1: the room above holds it, over HTTP and over the matchmaker alike.
    const second = await post(url, { token: 's3cret' });
    assert.deepEqual([second.status, second.body.code], [403, 'OVER_BUDGET']);
    const viaMatchmake = await fetch(`${live.srv.httpUrl}/matchmake/create/${SUB}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 's3cret', role: 'spectator' }),
    });
    assert.equal(viaMatchmake.status, 403);
    assert.match(await viaMatchmake.text(), /OVER_BUDGET/);
    const rooms = (await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[];
    assert.equal(rooms.length, 1);
  });
});
