/**
 * The dashboard's replay library (server/replayViewer.ts) on short replays: names, timelines and their sampling,
 * frames, videos and the bounds (README "Replays", "Videos from the dashboard"; the HTTP routes are in
 * test/dashboardApi.test.ts).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { applesOf } from '../systems/apples/index.js';
import { cleanUpOf } from '../systems/cleanUp/index.js';
import { matrixOf } from '../systems/matrix/index.js';
import { decodePng } from '../systems/encoding.js';
import { Environment } from '../systems/environment.js';
import { renderWorld, worldShape } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { encodeReplay, ReplayRecorder, type Replay } from '../server/replay.js';
import { FFMPEG } from '../server/replayMedia.js';
import { playerColours, ReplayLibrary, resourceStock } from '../server/replayViewer.js';

const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';
const PLAYERS = 7;

function newEnv(seed: number): Environment {
  return new Environment({ substrate: SUBSTRATE, scenario: SCENARIO, seed, focalPolicy: 'random', monitor: false });
}

/** A headless-style replay of `steps` ticks (random focal policy, truncated at its cap). */
function record(steps: number, seed: number, room?: string): Replay {
  const env = newEnv(seed);
  env.addPostStage({ name: 'maxSteps', run: (e) => { if (e.tick >= steps) e.sim.truncated = true; } });
  const recorder = new ReplayRecorder(env, { focalPolicy: 'random', maxSteps: steps, ...(room ? { room } : {}) });
  env.reset();
  for (let t = 0; t < steps; t++) env.step();
  return recorder.take();
}

/** The same episode stepped independently: `at(t)` gives its sim at tick t (ticks asked in increasing order). */
function shadow(seed: number): (t: number) => Sim {
  const env = newEnv(seed);
  env.reset();
  return (t) => {
    while (env.tick < t) env.step();
    return env.sim;
  };
}

function refused(fn: () => unknown, code: string, message: string | RegExp, details?: Record<string, unknown>): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CrucibleError, `a CrucibleError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    if (details) assert.deepEqual(e.details, details);
    return true;
  });
}

function hex(c: readonly number[]): string {
  return '#' + c.map((v) => (v < 16 ? '0' : '') + v.toString(16)).join('');
}

describe('replay library', function () {
  this.timeout(30_000);
  let results: string;
  let replays: string;
  const save = (name: string, replay: Replay): string => {
    const path = join(replays, name);
    writeFileSync(path, encodeReplay(replay));
    return path;
  };
  beforeEach(() => {
    results = mkdtempSync(join(tmpdir(), 'crucible-viewer-'));
    replays = join(results, 'replays');
    mkdirSync(replays);
  });
  afterEach(() => rmSync(results, { recursive: true, force: true }));

  describe('names', () => {
    it('finds a replay file directly inside the results directory\'s replays/', () => {
      const name = 'a-b.c_d.replay.gz';
      const path = save(name, record(2, 1));
      const lib = new ReplayLibrary(results);
      assert.equal(lib.dir, replays);
      assert.equal(lib.path(name), path);
      assert.equal(lib.read(name).bytes, statSync(path).size);
      assert.equal(lib.read(name).replay.header.steps, 2);
    });

    it('refuses names that are not a plain file name ending in .replay.gz', () => {
      const lib = new ReplayLibrary(results);
      save('x.replay.gz', record(1, 1));
      writeFileSync(join(replays, 'x.gz'), 'x');
      for (const name of ['../replays/x.replay.gz', 'sub/x.replay.gz', 'x.gz', '.x.replay.gz', '', 'x y.replay.gz', 'x.replay.gz\n']) {
        refused(() => lib.path(name), 'UNKNOWN_REPLAY', `a replay name is a file name ending in .replay.gz, got ${JSON.stringify(name)}`);
      }
      // At most 200 characters; the error quotes the first 80.
      const long = 'a'.repeat(191) + '.replay.gz';
      refused(() => lib.path(long), 'UNKNOWN_REPLAY', `a replay name is a file name ending in .replay.gz, got ${JSON.stringify(long.slice(0, 80))}`);
      const longest = 'a'.repeat(190) + '.replay.gz';
      save(longest, record(1, 1));
      assert.equal(lib.path(longest), join(replays, longest));
    });

    it('refuses a name with no such file', () => {
      refused(() => new ReplayLibrary(results).path('none.replay.gz'), 'UNKNOWN_REPLAY', 'no replay "none.replay.gz" in the results directory\'s replays', { value: 'none.replay.gz' });
    });
  });

  describe('timelines', () => {
    it('samples every tick of a short replay: returns, stock, zaps, agents, map size and the check', () => {
      const replay = record(10, 3, 'room-9');
      save('t.replay.gz', replay);
      const tl = new ReplayLibrary(results).timeline('t.replay.gz');
      const h = replay.header;
      assert.deepEqual(
        { name: tl.name, substrate: tl.substrate, scenario: tl.scenario, seed: tl.seed, episode: tl.episode, steps: tl.steps, players: tl.players, crucible: tl.crucible, recorded_at: tl.recorded_at, room: tl.room },
        { name: 't.replay.gz', substrate: SUBSTRATE, scenario: SCENARIO, seed: 3, episode: 0, steps: 10, players: PLAYERS, crucible: h.crucible, recorded_at: h.recorded_at, room: 'room-9' },
      );
      assert.equal(tl.stride, 1);
      assert.deepEqual(tl.ticks, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const at = shadow(3);
      const expected = { returns: [] as number[][], live: [] as number[], zaps: [] as number[] };
      for (const t of tl.ticks) {
        const sim = at(t);
        expected.returns.push(Array.from(sim.returns));
        expected.live.push(applesOf(sim)!.liveCount);
        expected.zaps.push(sim.counters.zapsFired);
      }
      // returns[slot][sample]
      assert.deepEqual(tl.returns, Array.from({ length: PLAYERS }, (_, s) => expected.returns.map((r) => r[s])));
      assert.deepEqual(tl.live_apples, expected.live);
      assert.deepEqual(tl.zaps, expected.zaps);
      assert.deepEqual(tl.dirt_fraction, tl.ticks.map(() => null));
      assert.deepEqual(tl.resources, tl.ticks.map(() => null));
      assert.deepEqual(tl.interactions, tl.ticks.map(() => 0));
      const sim = at(10);
      assert.deepEqual([tl.width, tl.height], [sim.width, sim.height]);
      const colours = sim.spec.observation.playerColors;
      assert.deepEqual(tl.agents, Array.from({ length: PLAYERS }, (_, s) => ({
        agent: `player_${s}`, slot: s, policy: s < 5 ? 'random' : 'commons_harvest__open__free_0', focal: s < 5, colour: hex(colours[s % colours.length]),
      })));
      assert.equal(tl.identical, true);
      assert.equal(tl.first_divergence, null);
    });

    it('samples a long replay every stride ticks, the last tick always included', () => {
      save('t.replay.gz', record(10, 3));
      // 11 ticks (0…10) in at most 4 points: stride ⌈11 / 3⌉ = 4.
      assert.deepEqual(new ReplayLibrary(results, { maxTimelinePoints: 4 }).timeline('t.replay.gz').ticks, [0, 4, 8, 10]);
      // At most 2 points still samples every ⌈11 / 2⌉ = 6 ticks (the divisor is never below 2).
      const two = new ReplayLibrary(results, { maxTimelinePoints: 2 }).timeline('t.replay.gz');
      assert.deepEqual([two.stride, two.ticks], [6, [0, 6, 10]]);
      assert.equal(two.returns[0].length, 3);
      // 12 points hold every tick.
      assert.deepEqual(new ReplayLibrary(results, { maxTimelinePoints: 12 }).timeline('t.replay.gz').ticks.length, 11);
      // 11 points: ⌈11 / 10⌉ = 2.
      assert.deepEqual(new ReplayLibrary(results, { maxTimelinePoints: 11 }).timeline('t.replay.gz').ticks, [0, 2, 4, 6, 8, 10]);
    });

    it('names an unknown policy "?" and reports a divergence', () => {
      const replay = record(4, 6);
      replay.header.summary = { ...replay.header.summary, policies: {} };
      const n = PLAYERS;
      const orig = replay.actions[2 * n + 5];
      replay.actions[2 * n + 5] = (orig + 1) % replay.header.actions.length;
      save('d.replay.gz', replay);
      const tl = new ReplayLibrary(results).timeline('d.replay.gz');
      assert.deepEqual(tl.agents.map((a) => a.policy), new Array(PLAYERS).fill('?'));
      assert.equal(tl.room, null);
      assert.equal(tl.identical, false);
      assert.deepEqual(tl.first_divergence, { tick: 2, slot: 5, agent: 'player_5', recorded: (orig + 1) % replay.header.actions.length, replayed: orig });
    });

    it('computes a timeline once, and again when the replay file changes', () => {
      const path = save('c.replay.gz', record(3, 2));
      const lib = new ReplayLibrary(results);
      const first = lib.timeline('c.replay.gz');
      assert.equal(lib.timeline('c.replay.gz'), first);
      writeFileSync(path, encodeReplay(record(5, 2)));
      const later = new Date(statSync(path).mtimeMs + 5000);
      utimesSync(path, later, later);
      assert.equal(lib.timeline('c.replay.gz').steps, 5);
    });

    it('refuses to re-simulate more agent-steps than its limit, and takes exactly the limit', () => {
      save('big.replay.gz', record(4, 2));
      // 4 ticks × 7 players = 28 agent-steps.
      const message = 'big.replay.gz has 28 agent-steps; this server re-simulates at most 27 (replay it with npm run -s replay)';
      const small = new ReplayLibrary(results, { maxAgentSteps: 27 });
      refused(() => small.timeline('big.replay.gz'), 'REPLAY_TOO_LARGE', message, { limit: 27, value: 28 });
      refused(() => small.frame('big.replay.gz', 0, null), 'REPLAY_TOO_LARGE', message);
      refused(() => small.video('big.replay.gz', 'gif'), 'REPLAY_TOO_LARGE', message);
      assert.equal(new ReplayLibrary(results, { maxAgentSteps: 28 }).timeline('big.replay.gz').steps, 4);
    });
  });

  describe('frames', () => {
    it('draws WORLD.RGB at any tick, forward and backward', async () => {
      save('f.replay.gz', record(8, 4));
      const lib = new ReplayLibrary(results);
      const worldAt = (t: number): Buffer => {
        const sim = shadow(4)(t);
        const [h, w] = worldShape(sim);
        const out = new Uint8Array(h * w * 3);
        renderWorld(sim, out);
        return Buffer.from(out);
      };
      for (const t of [0, 5, 6, 8, 2]) {
        const png = decodePng(await lib.frame('f.replay.gz', t, null));
        assert.ok(Buffer.from(png.rgb).equals(worldAt(t)), `tick ${t}`);
      }
    });

    it('puts the agent\'s view beside the world', async () => {
      save('f.replay.gz', record(2, 4));
      const lib = new ReplayLibrary(results);
      const world = decodePng(await lib.frame('f.replay.gz', 1, null));
      const both = decodePng(await lib.frame('f.replay.gz', 1, 3));
      // A 4 px gap and the 88 px egocentric view.
      assert.equal(both.width, world.width + 4 + 88);
    });

    it('refuses a tick outside 0…steps, on a fresh replay and on one already being viewed', async () => {
      save('f.replay.gz', record(3, 4));
      const lib = new ReplayLibrary(results);
      for (const tick of [-1, 4, 1.5, Number.NaN]) {
        refused(() => lib.frame('f.replay.gz', tick, null), 'INVALID_OPTION', `tick must be an integer from 0 to 3, got ${tick}`);
      }
      await lib.frame('f.replay.gz', 2, null);
      refused(() => lib.frame('f.replay.gz', 4, null), 'INVALID_OPTION', 'tick must be an integer from 0 to 3, got 4');
      assert.equal(decodePng(await lib.frame('f.replay.gz', 3, null)).width > 0, true);
    });

    it('plays forward on the re-simulation it keeps, and starts again from tick 0 only to go back', async () => {
      save('f.replay.gz', record(5, 4));
      const lib = new ReplayLibrary(results);
      const viewers = (lib as unknown as { viewers: Map<string, { player: { tick: number } }> }).viewers;
      const player = (): { tick: number } => viewers.get('f.replay.gz|')!.player;
      await lib.frame('f.replay.gz', 2, null);
      const first = player();
      await lib.frame('f.replay.gz', 2, null);
      assert.equal(player(), first, 'the same tick again');
      await lib.frame('f.replay.gz', 4, null);
      assert.equal(player(), first, 'forward');
      assert.equal(first.tick, 4);
      await lib.frame('f.replay.gz', 1, null);
      assert.notEqual(player(), first, 'back');
      assert.equal(player().tick, 1);
    });

    it('keeps at most four re-simulations, dropping the least recently used', async () => {
      save('f.replay.gz', record(2, 4));
      const lib = new ReplayLibrary(results);
      const viewers = (lib as unknown as { viewers: Map<string, unknown> }).viewers;
      for (const agent of [null, 0, 1, 2]) await lib.frame('f.replay.gz', 1, agent);
      assert.deepEqual([...viewers.keys()], ['f.replay.gz|', 'f.replay.gz|0', 'f.replay.gz|1', 'f.replay.gz|2']);
      await lib.frame('f.replay.gz', 2, null);
      await lib.frame('f.replay.gz', 2, 3);
      assert.deepEqual([...viewers.keys()], ['f.replay.gz|1', 'f.replay.gz|2', 'f.replay.gz|', 'f.replay.gz|3']);
    });
  });

  (existsSync(FFMPEG) ? describe : describe.skip)('videos', () => {
    it('renders a GIF once beside the replay, the same video asked twice rendered once, and again when the replay is newer', async () => {
      const path = save('v.replay.gz', record(2, 5));
      const lib = new ReplayLibrary(results);
      const a = lib.video('v.replay.gz', 'gif');
      assert.equal(lib.video('v.replay.gz', 'gif'), a, 'one render for both');
      const out = await a;
      assert.equal(out, join(replays, 'v.gif'));
      assert.deepEqual(readdirSync(replays).sort(), ['v.gif', 'v.replay.gz']);
      const made = statSync(out).mtimeMs;
      assert.equal(await lib.video('v.replay.gz', 'gif'), out);
      assert.equal(statSync(out).mtimeMs, made, 'served from the file');
      const later = new Date(made + 5000);
      utimesSync(path, later, later);
      await lib.video('v.replay.gz', 'gif');
      const again = statSync(out).mtimeMs;
      assert.ok(again > made, 'rendered again');
      // A video exactly as new as its replay is up to date.
      const same = new Date(Math.floor(again) + 10_000);
      utimesSync(path, same, same);
      utimesSync(out, same, same);
      // (Read back, not compared with the Date: the file system may store it a fraction of a millisecond off.)
      const stamped = statSync(out).mtimeMs;
      assert.equal(stamped, statSync(path).mtimeMs);
      assert.equal(await lib.video('v.replay.gz', 'gif'), out);
      assert.equal(statSync(out).mtimeMs, stamped, 'not rendered again');
    });

    it('refuses a video of too many frames at once, and too many pixels before ffmpeg starts, leaving no file', async () => {
      save('v.replay.gz', record(3, 5));
      // 3 ticks are 4 frames.
      refused(() => new ReplayLibrary(results, { maxVideoFrames: 3 }).video('v.replay.gz', 'mp4'), 'REPLAY_TOO_LARGE',
        'v.replay.gz has 4 frames; videos here have at most 3 (render it with npm run -s replay -- FILE --video out.mp4)', { limit: 3, value: 4 });
      const sim = shadow(5)(0);
      const [h, w] = worldShape(sim);
      const pixels = 4 * w * h;
      const tight = new ReplayLibrary(results, { maxVideoFrames: 4, maxVideoPixels: pixels - 1 });
      await assert.rejects(tight.video('v.replay.gz', 'gif'), (e: unknown) => {
        assert.ok(e instanceof CrucibleError);
        assert.equal(e.code, 'REPLAY_TOO_LARGE');
        assert.equal(e.message, `v.replay.gz makes ${pixels} pixels of video (4 frames of ${w}×${h}); at most ${pixels - 1} here`);
        assert.deepEqual(e.details, { limit: pixels - 1, value: pixels });
        return true;
      });
      assert.deepEqual(readdirSync(replays), ['v.replay.gz']);
      // A failed render is not kept: asked again, the video is rendered again (and refused again).
      const failed = tight.video('v.replay.gz', 'gif');
      await assert.rejects(failed, (e: unknown) => e instanceof CrucibleError && e.code === 'REPLAY_TOO_LARGE');
      const retry = tight.video('v.replay.gz', 'gif');
      assert.notEqual(retry, failed);
      await assert.rejects(retry, (e: unknown) => e instanceof CrucibleError && e.code === 'REPLAY_TOO_LARGE');
      // Nor does it stop the renders after it; the exact limit is allowed.
      tight.limits.maxVideoPixels = pixels;
      assert.equal(await tight.video('v.replay.gz', 'gif'), join(replays, 'v.gif'));
    });

    it('scales an MP4 up twice and a GIF not at all', async () => {
      save('v.replay.gz', record(1, 5));
      const lib = new ReplayLibrary(results);
      const gif = await lib.video('v.replay.gz', 'gif');
      const mp4 = await lib.video('v.replay.gz', 'mp4');
      const [h, w] = worldShape(shadow(5)(0));
      const gifBytes = readFileSync(gif);
      // GIF logical screen width and height: little-endian u16 at bytes 6 and 8.
      assert.deepEqual([gifBytes.readUInt16LE(6), gifBytes.readUInt16LE(8)], [w, h]);
      const probe = execFileSync(FFMPEG.replace(/ffmpeg$/, 'ffprobe'), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', mp4], { encoding: 'utf8' });
      assert.equal(probe.trim(), `${2 * w},${2 * h}`);
    });
  });
});

describe('resource stock and player colours', () => {
  it('reads the live apples and zaps of an orchard, with no river or Matrix resources', () => {
    const env = newEnv(1);
    env.reset();
    for (let t = 0; t < 3; t++) env.step();
    env.sim.counters.zapsFired = 4;
    assert.deepEqual(resourceStock(env.sim), { live_apples: applesOf(env.sim)!.liveCount, dirt_fraction: null, resources: null, zaps: 4, interactions: 0 });
  });

  it('reads the dirty share of Clean Up\'s river', () => {
    const env = new Environment({ substrate: 'clean_up', seed: 1, monitor: false });
    env.reset();
    const dirt = cleanUpOf(env.sim)!.dirt;
    dirt.count = 40;
    dirt.dirtyCount = 10;
    const st = resourceStock(env.sim);
    assert.equal(st.dirt_fraction, 0.25);
    dirt.count = 0;
    dirt.dirtyCount = 0;
    assert.equal(resourceStock(env.sim).dirt_fraction, null, 'a river without dirt cells has no dirty share');
    assert.equal(st.resources, null);
    assert.equal(st.interactions, 0);
  });

  it('reads the live resources and interactions of a Matrix game', () => {
    const env = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__repeated', seed: 1, monitor: false });
    env.reset();
    const m = matrixOf(env.sim)!;
    m.liveCount = 6;
    m.counters.interactions = 3;
    assert.deepEqual(resourceStock(env.sim), { live_apples: 0, dirt_fraction: null, resources: 6, zaps: 0, interactions: 3 });
  });

  it('gives each slot its colour as #rrggbb, cycling the palette, grey without one', () => {
    const sim = (players: number, playerColors: number[][]): Sim => ({ players, spec: { observation: { playerColors } } } as unknown as Sim);
    assert.deepEqual(playerColours(sim(3, [[1, 2, 255], [16, 0, 171]])), ['#0102ff', '#1000ab', '#0102ff']);
    assert.deepEqual(playerColours(sim(2, [])), ['#888888', '#888888']);
  });
});
