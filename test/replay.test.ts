/**
 * Replays (server/replay.ts, server/replayMedia.ts, server/replayCli.ts): recorded by the headless runner and by
 * rooms, re-simulated to the byte-identical summary, a changed recording or engine reported, pictures drawn.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '../client/agent.js';
import { decodePng } from '../systems/encoding.js';
import { Environment } from '../systems/environment.js';
import { renderWorld, worldShape } from '../systems/renderObservations.js';
import { runEpisode, type EpisodeArgs } from '../server/episode.js';
import { checkReplay, decodeReplay, encodeReplay, readReplay, REPLAY_FORMAT } from '../server/replay.js';
import { FFMPEG, renderReplay } from '../server/replayMedia.js';
import { liveServer, waitFor } from './helpers/liveServer.js';

const run = promisify(execFile);

function episodeArgs(over: Partial<EpisodeArgs>): EpisodeArgs {
  return {
    substrate: 'commons_harvest__open', scenario: 'commons_harvest__open_0', steps: null, seed: 4, focalPolicy: 'random', scale: 1,
    out: null, printMap: false, obs: 'none', saveObs: null, performance: false, replay: null, ...over,
  };
}

describe('replays', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crucible-replay-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [substrate, scenario] of [
    ['commons_harvest__open', 'commons_harvest__open_0'],
    ['clean_up', 'clean_up_1'],
    ['prisoners_dilemma_in_the_matrix__repeated', 'prisoners_dilemma_in_the_matrix__repeated_0'],
  ] as const) {
    it(`re-simulates a headless ${substrate} episode to the byte-identical summary`, () => {
      const file = join(dir, `${substrate}.replay.gz`);
      const report = runEpisode(episodeArgs({ substrate, scenario, replay: file }));
      assert.equal(report.replay, file);
      const bytes = readFileSync(file);
      const replay = decodeReplay(bytes);
      assert.equal(replay.header.format, REPLAY_FORMAT);
      assert.equal(replay.header.steps, report.steps);
      assert.equal(replay.actions.length, report.steps * replay.header.players);
      const check = checkReplay(replay, file, bytes.length);
      assert.deepEqual(check.differences, []);
      assert.equal(check.first_divergence, null);
      assert.equal(check.identical, true);
      // The recorded summary is the results line without the runner's own fields.
      const { metrics: _m, replay: _r, ...summary } = report;
      assert.equal(JSON.stringify(replay.header.summary), JSON.stringify(summary));
      assert.ok(check.bytes_per_agent_step < 1.5, `${check.bytes_per_agent_step} bytes per agent-step`);
    });
  }

  it('honours a --steps limit: the replay stops there and is marked truncated like the run', () => {
    const file = join(dir, 'short.replay.gz');
    const report = runEpisode(episodeArgs({ steps: 40, replay: file }));
    const replay = readReplay(file);
    assert.equal(replay.header.steps, 40);
    assert.equal(report.truncated, true);
    assert.equal(checkReplay(replay, file, 0).identical, true);
  });

  it('reports changed focal actions of a headless run at their first tick: its focal bot chooses again', () => {
    const replay = readReplay(join(dir, 'commons_harvest__open.replay.gz'));
    const n = replay.header.players;
    const orig = replay.actions[5 * n + 2];
    replay.actions[5 * n + 2] = (orig + 1) % replay.header.actions.length;
    const check = checkReplay(replay, 'tampered', 0);
    assert.equal(check.identical, false);
    assert.deepEqual(check.first_divergence, { tick: 5, slot: 2, agent: 'player_2', recorded: (orig + 1) % replay.header.actions.length, replayed: orig });
  });

  it('reports a changed engine: a recorded summary the engine no longer produces names the fields that differ', () => {
    const replay = readReplay(join(dir, 'clean_up.replay.gz'));
    replay.header.summary = { ...replay.header.summary, returns: { ...replay.header.summary.returns, player_0: 999 } };
    replay.header.crucible = '0.0.1';
    const check = checkReplay(replay, 'engine', 0);
    assert.equal(check.identical, false);
    assert.deepEqual(check.differences.map((d) => d.field), ['returns']);
    assert.equal(check.recorded_version, '0.0.1');
    assert.notEqual(check.current_version, '0.0.1');
  });

  it('reports the first bot action that comes out differently, with its tick and slot', () => {
    const replay = readReplay(join(dir, 'clean_up.replay.gz'));
    const n = replay.header.players;
    // Slot 6 is a background bot in clean_up_1: claim it chose something else at tick 3.
    const orig = replay.actions[3 * n + 6];
    replay.actions[3 * n + 6] = (orig + 1) % replay.header.actions.length;
    const check = checkReplay(replay, 'bot', 0);
    assert.equal(check.identical, false);
    assert.deepEqual(check.first_divergence, { tick: 3, slot: 6, agent: 'player_6', recorded: (orig + 1) % replay.header.actions.length, replayed: orig });
  });

  it('refuses a file that is not a replay with INVALID_REPLAY', () => {
    assert.throws(() => decodeReplay(new Uint8Array([1, 2, 3])), (e: Error & { code?: string }) => e.code === 'INVALID_REPLAY');
    const replay = readReplay(join(dir, 'short.replay.gz'));
    const cut = encodeReplay({ header: replay.header, actions: replay.actions.subarray(1) });
    assert.throws(() => decodeReplay(cut), /expected 40 × 7 action bytes, found 279/);
  });

  it('writes frame t as the WORLD.RGB of the episode at tick t', async () => {
    const file = join(dir, 'short.replay.gz');
    const frames = join(dir, 'frames');
    const res = await renderReplay(readReplay(file), { framesDir: frames });
    assert.equal(res.frames, 41);
    assert.equal(readdirSync(frames).length, 41);
    // An independent run of the same episode, stepped to tick 17.
    const env = new Environment({ substrate: 'commons_harvest__open', scenario: 'commons_harvest__open_0', seed: 4, focalPolicy: 'random', monitor: false });
    env.reset();
    for (let t = 0; t < 17; t++) env.step();
    const [h, w] = worldShape(env.sim);
    const world = new Uint8Array(h * w * 3);
    renderWorld(env.sim, world);
    const png = decodePng(readFileSync(join(frames, 'frame_00017.png')));
    assert.deepEqual([png.width, png.height], [w, h]);
    assert.ok(Buffer.from(png.rgb).equals(Buffer.from(world)), 'frame 17 equals WORLD.RGB at tick 17');
    const png16 = decodePng(readFileSync(join(frames, 'frame_00016.png')));
    assert.ok(!Buffer.from(png16.rgb).equals(Buffer.from(world)), 'frame 16 differs from tick 17');
  });

  it('puts an agent view beside the world with --agent', async () => {
    const res = await renderReplay(readReplay(join(dir, 'short.replay.gz')), { framesDir: join(dir, 'agent'), agent: 2 });
    // 192 px of world, a 4 px gap, the 88 px egocentric view.
    assert.deepEqual([res.width, res.height], [284, 144]);
  });

  (existsSync(FFMPEG) ? it : it.skip)('encodes GIF and MP4 videos with ffmpeg', async () => {
    const replay = readReplay(join(dir, 'short.replay.gz'));
    const gif = join(dir, 'short.gif');
    const mp4 = join(dir, 'short.mp4');
    const g = await renderReplay(replay, { video: gif, zoom: 1 });
    const m = await renderReplay(replay, { video: mp4, agent: 0 });
    assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
    assert.equal(readFileSync(mp4).subarray(4, 8).toString('latin1'), 'ftyp');
    assert.ok(g.video!.bytes > 1000 && m.video!.bytes > 1000);
  });

  it('npm run replay exits 0 for a faithful replay and 1, saying why, for a changed one', async () => {
    const good = join(dir, 'short.replay.gz');
    const ok = await run('npx', ['tsx', 'server/replayCli.ts', good]);
    assert.equal((JSON.parse(ok.stdout) as { identical: boolean }).identical, true);
    const replay = readReplay(good);
    replay.header.summary = { ...replay.header.summary, steps: 41 };
    const bad = join(dir, 'bad.replay.gz');
    writeFileSync(bad, encodeReplay(replay));
    const err = await run('npx', ['tsx', 'server/replayCli.ts', bad]).then(
      () => assert.fail('expected exit code 1'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    assert.match(err.stderr, /MISMATCH .*summary fields steps/);
    assert.equal((JSON.parse(err.stdout) as { identical: boolean }).identical, false);
  });
});

describe('replays recorded by rooms', function () {
  this.timeout(60_000);
  const live = liveServer('replay-room');

  it('records each episode when created with record: true, names the file in the results line, and replays it exactly', async () => {
    const agent = await connect(live.srv.url, 'commons_harvest__open', {
      method: 'create', scenario: 'commons_harvest__open_0', lockstep: true, actionTimeoutMs: 0, maxSteps: 25, seed: 9, record: true, obs: 'none', policy: 'tester',
    });
    live.open.push(agent);
    // Two episodes: the agent walks and zaps in a fixed pattern (episode 1 replays from seed 10).
    agent.onObservation((o) => {
      if (!o.done) agent.act([1, 1, 5, 7, 3][o.tick % 5]);
    });
    const results = join(live.dir, 'episodes.jsonl');
    await waitFor('two episodes in the results file', () => existsSync(results) && readFileSync(results, 'utf8').trim().split('\n').length >= 2, 30_000);
    const lines = readFileSync(results, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const [i, line] of lines.slice(0, 2).entries()) {
      assert.equal(line.replay, `replays/commons_harvest__open__${line.room as string}__ep${i}.replay.gz`);
      const path = join(live.dir, line.replay as string);
      const replay = readReplay(path);
      assert.equal(replay.header.episode, i);
      assert.equal(replay.header.seed, 9 + i);
      // Slot 0 was played by the agent from tick 0; the other focal slots by the scenario's stand-in bot.
      assert.deepEqual(replay.header.seats.find((s) => s.slot === 0), { tick: 0, slot: 0, bot: null, label: 'tester' });
      const check = checkReplay(replay, path, 0);
      assert.deepEqual(check.differences, [], `episode ${i}`);
      assert.equal(check.identical, true, `episode ${i}`);
      // The room's own fields (its agents' late/missed counts, id, time, replay file, population figures and decision
      // times) are not part of the environment's summary that the replay holds.
      const { actions: _a, room: _r, finished_at: _f, replay: _p, by_population: _b, decisions: _d, ...summary } = line;
      assert.equal(JSON.stringify(replay.header.summary), JSON.stringify(summary));
    }
    // The agent's own actions are taken from the file: make it zap at every tick instead and the outcome changes.
    const replay = readReplay(join(live.dir, lines[0].replay as string));
    const zap = replay.header.actions.indexOf('FIRE_ZAP');
    for (let t = 0; t < replay.header.steps; t++) replay.actions[t * replay.header.players] = zap;
    const check = checkReplay(replay, 'tampered', 0);
    assert.equal(check.identical, false);
    assert.ok(check.differences.some((d) => d.field === 'events'), JSON.stringify(check.differences));
  });
});
