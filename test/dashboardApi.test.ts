/**
 * The dashboard's HTTP routes (server/dashboardApi.ts): history from the results files across a restart, filters,
 * the episode summary, CSV/JSON export, replay files, timelines and frames, and room creation behind the operator
 * token.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type AgentClient, type Observation } from '../client/agent.js';
import { startServer, type RunningServer } from '../server/app.js';
import { decodePng } from '../systems/encoding.js';
import { waitFor } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';
const ADMIN = 'operator-secret';

/** Every observation the agent receives, in order (none missed between two awaits). */
function queue(agent: AgentClient): () => Promise<Observation> {
  const got: Observation[] = [];
  const waiting: ((o: Observation) => void)[] = [];
  agent.onObservation((o) => {
    const w = waiting.shift();
    if (w) w(o);
    else got.push(o);
  });
  return () => {
    const o = got.shift();
    return o ? Promise.resolve(o) : new Promise((resolve) => waiting.push(resolve));
  };
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

interface Row { id: string; substrate: string; scenario: string | null; policies: string[]; replay: string | null; episode: number; steps: number; returns: Record<string, number> }

describe('dashboard API: history, replays, room creation', function () {
  this.timeout(60_000);
  let dir: string;
  let srv: RunningServer | undefined;
  /** WORLD.RGB PNGs the live room served at ticks 0…4 of its first episode. */
  const live: Uint8Array[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crucible-dashapi-'));
    srv = await startServer({ resultsFile: join(dir, 'episodes.jsonl'), token: null, adminToken: ADMIN, budgets: { maxCreatesPerSecond: 10_000 } });
    // A lockstep room that waits for its one agent: two recorded episodes of 12 steps; a world picture at each of
    // the first ticks, taken while the room waits.
    const agent = await connect(srv.url, SUBSTRATE, {
      method: 'create', scenario: SCENARIO, lockstep: true, actionTimeoutMs: 0, maxSteps: 12, seed: 5, record: true, obs: 'none', policy: 'human',
    });
    const roomId = agent.room.roomId;
    const inbox = queue(agent);
    for (;;) {
      const obs = await inbox();
      if (obs.episode === 2) break;
      if (obs.done) continue;
      if (obs.episode === 0 && obs.tick < 5) {
        live[obs.tick] = new Uint8Array(await (await fetch(`${srv.httpUrl}/api/rooms/${roomId}/world.png`)).arrayBuffer());
      }
      agent.act([1, 3, 1, 7, 2][obs.tick % 5]);
    }
    await agent.leave();
    // A second room, never recorded, of another scenario.
    const other = await connect(srv.url, SUBSTRATE, { method: 'create', scenario: 'commons_harvest__open_1', lockstep: true, maxSteps: 3, obs: 'none', policy: 'other' });
    const otherInbox = queue(other);
    for (;;) {
      const o = await otherInbox();
      if (o.episode > 0) break;
      if (!o.done) other.act(0);
    }
    await other.leave();
    await waitFor('three episodes in the history', async () => (await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history`)).body.episodes.length >= 3);
    // Restart: a new server on the same results file.
    await srv.close();
    srv = await startServer({ resultsFile: join(dir, 'episodes.jsonl'), token: null, adminToken: ADMIN, budgets: { maxCreatesPerSecond: 10_000 } });
  });

  after(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the episodes of the results files after a restart, newest first, with their replay', async () => {
    const { body } = await json<{ episodes: Row[]; facets: { substrates: string[]; scenarios: string[]; policies: string[] } }>(`${srv!.httpUrl}/api/history`);
    assert.equal(body.episodes.length, 3);
    const recorded = body.episodes.filter((e) => e.scenario === SCENARIO);
    assert.deepEqual(recorded.map((e) => e.episode), [1, 0]);
    for (const e of recorded) assert.match(e.replay ?? '', /^commons_harvest__open__.+__ep[01]\.replay\.gz$/);
    assert.equal(body.episodes.find((e) => e.scenario !== SCENARIO)?.replay, null);
    assert.deepEqual(body.facets.scenarios, ['commons_harvest__open_0', 'commons_harvest__open_1']);
    assert.ok(body.facets.policies.includes('human') && body.facets.policies.some((p) => p.startsWith('commons_harvest__open__free_')));
  });

  it('filters by substrate, scenario and policy', async () => {
    const q = async (query: string) => (await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history?${query}`)).body.episodes.length;
    assert.equal(await q(`scenario=${SCENARIO}`), 2);
    assert.equal(await q('policy=other'), 1);
    assert.equal(await q('policy=human&scenario=commons_harvest__open_1'), 0);
    assert.equal(await q('substrate=clean_up'), 0);
  });

  it("opens an episode's summary: returns per agent, fairness figures, the human's seat labelled human", async () => {
    const list = (await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history?scenario=${SCENARIO}`)).body.episodes;
    const { status, body } = await json<{ agents: { agent: string; policy: string; focal: boolean; return: number }[]; fairness: Record<string, number> }>(
      `${srv!.httpUrl}/api/history/${encodeURIComponent(list[0].id)}`,
    );
    assert.equal(status, 200);
    assert.equal(body.agents.length, 7);
    assert.deepEqual(body.agents[0], { agent: 'player_0', slot: 0, policy: 'human', focal: true, return: list[0].returns.player_0 });
    assert.ok(body.fairness.gini_coefficient >= 0 && body.fairness.gini_coefficient <= 1);
    const missing = await json<{ code: string }>(`${srv!.httpUrl}/api/history/nope.jsonl:99`);
    assert.deepEqual([missing.status, missing.body.code], [404, 'UNKNOWN_EPISODE']);
  });

  it('exports the filtered table as CSV and JSON', async () => {
    const csv = await (await fetch(`${srv!.httpUrl}/api/history.csv?scenario=${SCENARIO}`)).text();
    const lines = csv.trim().split('\n');
    assert.equal(lines.length, 3);
    const head = lines[0].split(',');
    assert.equal(head[0], 'id');
    assert.ok(head.includes('gini_coefficient') && head.includes('return_player_6'));
    const res = await fetch(`${srv!.httpUrl}/api/history.json?policy=other`);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    assert.equal(((await res.json()) as Row[]).length, 1);
  });

  it("serves a replay's frame at tick t equal to the room's live WORLD.RGB at t", async () => {
    const { body } = await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history?scenario=${SCENARIO}`);
    const first = body.episodes.find((e) => e.episode === 0)!;
    for (const t of [0, 1, 4]) {
      const png = new Uint8Array(await (await fetch(`${srv!.httpUrl}/api/replays/${first.replay}/frame/${t}.png`)).arrayBuffer());
      const a = decodePng(png);
      const b = decodePng(live[t]);
      assert.deepEqual([a.width, a.height], [b.width, b.height]);
      assert.ok(Buffer.from(a.rgb).equals(Buffer.from(b.rgb)), `tick ${t}`);
    }
    const t3 = decodePng(new Uint8Array(await (await fetch(`${srv!.httpUrl}/api/replays/${first.replay}/frame/3.png`)).arrayBuffer()));
    assert.ok(!Buffer.from(t3.rgb).equals(Buffer.from(decodePng(live[4]).rgb)), 'tick 3 differs from tick 4 (seeking back works)');
    const timeline = await json<{ steps: number; returns: number[][]; live_apples: number[]; identical: boolean }>(`${srv!.httpUrl}/api/replays/${first.replay}/timeline`);
    assert.equal(timeline.body.steps, 12);
    assert.equal(timeline.body.returns.length, 7);
    assert.equal(timeline.body.returns[0].length, 13);
    assert.equal(timeline.body.live_apples.length, 13);
    assert.equal(timeline.body.identical, true);
    const file = await fetch(`${srv!.httpUrl}/api/replays/${first.replay}`);
    assert.equal(file.status, 200);
    assert.equal(new Uint8Array(await file.arrayBuffer())[0], 0x1f); // gzip
    for (const bad of ['..%2Fepisodes.jsonl', 'none.replay.gz']) {
      const r = await json<{ code: string }>(`${srv!.httpUrl}/api/replays/${bad}/timeline`);
      assert.deepEqual([r.status, r.body.code], [404, 'UNKNOWN_REPLAY'], bad);
    }
  });

  it('creates a room only for the operator, and refuses bad options with their code', async () => {
    const post = (body: unknown, token?: string) =>
      json<{ roomId?: string; code?: string }>(`${srv!.httpUrl}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const anon = await post({ substrate: SUBSTRATE });
    assert.deepEqual([anon.status, anon.body.code], [401, 'INVALID_TOKEN']);
    const wrong = await post({ substrate: SUBSTRATE }, 'guess');
    assert.deepEqual([wrong.status, wrong.body.code], [401, 'INVALID_TOKEN']);
    const bad = await post({ substrate: SUBSTRATE, options: { tickRate: 0 } }, ADMIN);
    assert.deepEqual([bad.status, bad.body.code], [400, 'INVALID_OPTION']);
    const unknown = await post({ substrate: 'nope' }, ADMIN);
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'UNKNOWN_SUBSTRATE']);
    const ok = await post({ substrate: SUBSTRATE, options: { scenario: SCENARIO, tickRate: 5 } }, ADMIN);
    assert.equal(ok.status, 201);
    const rooms = (await json<{ roomId: string }[]>(`${srv!.httpUrl}/api/rooms`)).body;
    assert.ok(rooms.some((r) => r.roomId === ok.body.roomId));
  });
});
