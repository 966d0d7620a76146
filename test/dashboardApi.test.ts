/**
 * The dashboard's HTTP routes (server/dashboardApi.ts): history from the results files across a restart, filters,
 * the episode summary, CSV/JSON export, replay files, timelines and frames, and room creation behind the operator
 * token.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type AgentClient, type Observation } from '../client/agent.js';
import { startServer, type RunningServer } from '../server/app.js';
import { parseEpisodeArgs, runEpisode } from '../server/episode.js';
import { FFMPEG } from '../server/replayMedia.js';
import { ReplayLibrary } from '../server/replayViewer.js';
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
  /** With each: its X-Crucible-Tick and X-Crucible-Agents headers, and the metrics report's avatars at that moment. */
  const liveHeads: { tick: string | null; agents: string | null; report: { x: number; y: number; facing: string; removed: boolean }[] }[] = [];

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
        const res = await fetch(`${srv.httpUrl}/api/rooms/${roomId}/world.png`);
        live[obs.tick] = new Uint8Array(await res.arrayBuffer());
        // The lockstep room waits for this agent: the report describes the same tick as the image.
        const report = (await (await fetch(`${srv.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as { agents: { x: number; y: number; facing: string; removed: boolean }[] };
        liveHeads[obs.tick] = { tick: res.headers.get('x-crucible-tick'), agents: res.headers.get('x-crucible-agents'), report: report.agents };
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

  it("sends the world image with its tick and every avatar's place at that tick", () => {
    for (const t of [0, 1, 4]) {
      const h = liveHeads[t];
      assert.equal(h.tick, String(t));
      const cells = (h.agents ?? '').split(';');
      assert.equal(cells.length, 7);
      assert.deepEqual(cells, h.report.map((a) => (a.removed ? '-' : `${a.x},${a.y},${a.facing}`)), `tick ${t}`);
    }
    assert.notEqual(liveHeads[0].agents, liveHeads[4].agents, 'the avatars moved between ticks 0 and 4');
  });

  it('renders a replay as a playable MP4 and a GIF, once, then serves it from beside the replay', async function () {
    if (!existsSync(FFMPEG)) this.skip();
    const { body } = await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history?scenario=${SCENARIO}`);
    const name = body.episodes.find((e) => e.episode === 0)!.replay!;
    const res = await fetch(`${srv!.httpUrl}/api/replays/${name}/video.mp4`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="?commons_harvest__open__.+__ep0\.mp4"?$/);
    const mp4 = Buffer.from(await res.arrayBuffer());
    assert.equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp');
    assert.ok(mp4.length > 2000, `${mp4.length} bytes`);
    const cached = join(dir, 'replays', name.replace(/\.replay\.gz$/, '.mp4'));
    assert.ok(Buffer.from(readFileSync(cached)).equals(mp4), 'the video is kept beside the replay');
    const ffprobe = FFMPEG.replace(/ffmpeg$/, 'ffprobe');
    if (existsSync(ffprobe)) {
      const out = execFileSync(ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'json', cached], { encoding: 'utf8' });
      const stream = (JSON.parse(out) as { streams: { codec_name: string; nb_read_frames: string }[] }).streams[0];
      assert.deepEqual([stream.codec_name, stream.nb_read_frames], ['h264', '13'], 'one frame per tick 0…12');
    }
    const mtime = statSync(cached).mtimeMs;
    const again = await fetch(`${srv!.httpUrl}/api/replays/${name}/video.mp4`);
    assert.ok(Buffer.from(await again.arrayBuffer()).equals(mp4));
    assert.equal(statSync(cached).mtimeMs, mtime, 'served from the cache, not rendered again');
    const gif = Buffer.from(await (await fetch(`${srv!.httpUrl}/api/replays/${name}/video.gif`)).arrayBuffer());
    assert.equal(gif.subarray(0, 4).toString('latin1'), 'GIF8');
    const bad = await json<{ code: string }>(`${srv!.httpUrl}/api/replays/${name}/video.avi`);
    assert.deepEqual([bad.status, bad.body.code], [400, 'INVALID_OPTION']);
    const none = await json<{ code: string }>(`${srv!.httpUrl}/api/replays/none.replay.gz/video.mp4`);
    assert.deepEqual([none.status, none.body.code], [404, 'UNKNOWN_REPLAY']);
  });

  it('samples long timelines every stride ticks, and refuses replays, frames and videos beyond the limits', async () => {
    const { body } = await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history?scenario=${SCENARIO}`);
    const name = body.episodes.find((e) => e.episode === 0)!.replay!;
    const full = new ReplayLibrary(dir).timeline(name);
    assert.deepEqual([full.stride, full.ticks.length], [1, 13]);
    const sampled = new ReplayLibrary(dir, { maxTimelinePoints: 5 }).timeline(name);
    assert.equal(sampled.stride, 4);
    assert.deepEqual(sampled.ticks, [0, 4, 8, 12]);
    assert.deepEqual(sampled.returns[0], sampled.ticks.map((t) => full.returns[0][t]));
    assert.deepEqual(sampled.live_apples, sampled.ticks.map((t) => full.live_apples[t]));
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return undefined;
    };
    const small = new ReplayLibrary(dir, { maxAgentSteps: 12 * 7 - 1 });
    assert.equal(code(() => small.timeline(name)), 'REPLAY_TOO_LARGE');
    assert.equal(code(() => small.frame(name, 0, null)), 'REPLAY_TOO_LARGE');
    // Episode 1's video was never rendered (no cached file answers first).
    const unrendered = body.episodes.find((e) => e.episode === 1)!.replay!;
    assert.equal(code(() => new ReplayLibrary(dir, { maxVideoFrames: 12 }).video(unrendered, 'gif')), 'REPLAY_TOO_LARGE');
    await assert.rejects(new ReplayLibrary(dir, { maxVideoPixels: 1000 }).video(unrendered, 'gif'), (e: { code?: string }) => e.code === 'REPLAY_TOO_LARGE');
    assert.ok(!existsSync(join(dir, 'replays', unrendered.replace(/\.replay\.gz$/, '.gif'))), 'nothing written for a refused video');
    assert.equal(code(() => new ReplayLibrary(dir, { maxAgentSteps: 10 }).video(unrendered, 'mp4')), 'REPLAY_TOO_LARGE');
    assert.equal(code(() => new ReplayLibrary(dir, { maxAgentSteps: 12 * 7 }).timeline(name)), undefined);
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

  it('lists a headless episode run with --results beside the rooms\' episodes, with its replay', async () => {
    const before = (await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history`)).body.episodes.length;
    const args = parseEpisodeArgs([
      '--substrate', 'clean_up', '--scenario', 'clean_up_0', '--steps', '30', '--seed', '9', '--no-performance',
      '--results', join(dir, 'headless.jsonl'), '--replay', join(dir, 'replays'),
    ]);
    const report = runEpisode(args);
    const { body } = await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history?substrate=clean_up`);
    assert.equal(body.episodes.length, 1);
    const row = body.episodes[0];
    assert.deepEqual([row.scenario, row.steps, row.replay], ['clean_up_0', 30, 'clean_up__clean_up_0__seed9.replay.gz']);
    assert.deepEqual(row.returns, report.returns);
    assert.equal((await json<{ episodes: Row[] }>(`${srv!.httpUrl}/api/history`)).body.episodes.length, before + 1);
    const timeline = await json<{ steps: number; identical: boolean }>(`${srv!.httpUrl}/api/replays/${row.replay}/timeline`);
    assert.deepEqual([timeline.status, timeline.body.steps, timeline.body.identical], [200, 30, true]);
    // A replay the history could not find is refused before the run.
    assert.throws(
      () => parseEpisodeArgs(['--substrate', 'clean_up', '--results', join(dir, 'headless.jsonl'), '--replay', join(dir, 'elsewhere')]),
      (e: { code?: string }) => e.code === 'INVALID_OPTION',
    );
    assert.throws(() => parseEpisodeArgs(['--substrate', 'clean_up', '--results', join(dir, 'headless.txt')]), (e: { code?: string }) => e.code === 'INVALID_OPTION');
  });
});
