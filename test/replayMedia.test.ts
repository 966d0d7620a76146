/**
 * Pictures of a replay (server/replayMedia.ts) on a short episode, fast enough to run once per mutant: the frame
 * composer's layout (the world at the left, a 4 px black gap, the agent's view, black padding to even sizes), the PNG
 * frames, the options' bounds, the yielding, and the videos ffmpeg encodes, decoded again by ffmpeg and compared with
 * the frames the recorded episode drew (README "Replays"). The whole-episode replays are in test/replay.test.ts.
 */
import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CrucibleError } from '../ecs/errors.js';
import { decodePng } from '../systems/encoding.js';
import { Environment } from '../systems/environment.js';
import { renderRgb, renderWorld } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { encodeReplay, ReplayRecorder, type Replay } from '../server/replay.js';
import { FFMPEG, FrameComposer, renderReplay } from '../server/replayMedia.js';
import { substrate as open } from '../substrates/commons_harvest__open.js';
import { eventLoopTurns } from './helpers/eventLoopTurns.js';
import { waitFor } from './helpers/waitFor.js';
import { tinySim, tinySpec } from './helpers/tinyWorld.js';

const run = promisify(execFile);
const FFPROBE = FFMPEG.replace(/ffmpeg$/, 'ffprobe');
const withFfmpeg = existsSync(FFMPEG) ? it : it.skip;
/** commons_harvest__open: 24 × 18 cells of 8 px; the view is 11 × 11 cells (5 left, 5 right, 9 ahead, 1 behind). */
const WW = 192, WH = 144, VIEW = 88;
const STEPS = 8;
const AGENT = 2;

/** One RGB picture: width, height and rows of `width · 3` bytes. */
interface Picture { width: number; height: number; rgb: Uint8Array }

/** The pixel at (x, y) as [r, g, b]. */
function px(p: Picture, x: number, y: number): number[] {
  const i = (y * p.width + x) * 3;
  return [p.rgb[i], p.rgb[i + 1], p.rgb[i + 2]];
}

/** The first pixel where `actual` is not `expected(x, y)`, or '' if none (sizes must match). */
function firstDifference(actual: Picture, width: number, height: number, expected: (x: number, y: number) => number[]): string {
  if (actual.width !== width || actual.height !== height) return `size ${actual.width}×${actual.height}, expected ${width}×${height}`;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = px(actual, x, y), e = expected(x, y);
      if (a.some((v, c) => v !== e[c])) return `(${x}, ${y}): ${a.join(',')}, expected ${e.join(',')}`;
    }
  }
  return '';
}

const BLACK = [0, 0, 0];

/** The picture with `world` at the left and, 4 px to its right, `view` (if any); black elsewhere. Sizes given. */
function composed(world: Picture, view: Picture | null): (x: number, y: number) => number[] {
  return (x, y) => {
    if (x < world.width) return y < world.height ? px(world, x, y) : BLACK;
    if (view && x >= world.width + 4 && x < world.width + 4 + view.width && y < view.height) return px(view, x - world.width - 4, y);
    return BLACK;
  };
}

function worldPicture(sim: Sim): Picture {
  const s = sim.spec.observation.spriteSize;
  const p = { width: sim.width * s, height: sim.height * s, rgb: new Uint8Array(sim.width * s * sim.height * s * 3) };
  renderWorld(sim, p.rgb);
  return p;
}

function viewPicture(sim: Sim, slot: number): Picture {
  const { view, spriteSize: s } = sim.spec.observation;
  const width = (view.left + view.right + 1) * s, height = (view.forward + view.backward + 1) * s;
  const p = { width, height, rgb: new Uint8Array(width * height * 3) };
  renderRgb(sim, slot, p.rgb);
  return p;
}

/** A recorded 8-tick episode, with the world and agent 2's view as the recording itself drew them at each tick. */
function recordEpisode(): { replay: Replay; worlds: Picture[]; views: Picture[] } {
  const env = new Environment({ substrate: 'commons_harvest__open', scenario: 'commons_harvest__open_0', seed: 5, focalPolicy: 'random', monitor: false });
  env.addPostStage({ name: 'maxSteps', run: (e) => { if (e.tick >= STEPS) e.sim.truncated = true; } });
  const recorder = new ReplayRecorder(env, { focalPolicy: 'random', maxSteps: STEPS });
  env.reset();
  const worlds = [worldPicture(env.sim)], views = [viewPicture(env.sim, AGENT)];
  for (let t = 0; t < STEPS; t++) {
    env.step();
    worlds.push(worldPicture(env.sim));
    views.push(viewPicture(env.sim, AGENT));
  }
  return { replay: recorder.take(), worlds, views };
}

function invalidOption(message: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof CrucibleError, `a CrucibleError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_OPTION');
    assert.equal(e.message, message);
    return true;
  };
}

/** Every frame of a video decoded by ffmpeg to raw RGB. */
function decodeVideo(path: string, width: number, height: number): Picture[] {
  const raw = execFileSync(FFMPEG, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
  const size = width * height * 3;
  assert.equal(raw.length % size, 0, `${raw.length} bytes are not whole ${width}×${height} frames`);
  const out: Picture[] = [];
  for (let o = 0; o < raw.length; o += size) out.push({ width, height, rgb: raw.subarray(o, o + size) });
  return out;
}

/** ffprobe's view of the first video stream: its fields by name. */
function probe(path: string): Record<string, string> {
  const text = execFileSync(FFPROBE, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames', '-of', 'default=noprint_wrappers=1', path], { encoding: 'utf8' });
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=') as [string, string]));
}

/** The ffmpeg processes this test process started that are still running (Linux /proc). */
function ffmpegChildren(): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (stat.includes('(ffmpeg)') && Number(fields[1]) === process.pid && fields[0] !== 'Z') found.push(Number(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

describe('replay pictures', function () {
  this.timeout(60_000);
  let dir: string;
  let replay: Replay;
  let worlds: Picture[];
  let views: Picture[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crucible-replay-media-'));
    ({ replay, worlds, views } = recordEpisode());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('the frame composer', () => {
    // spriteSize 1: a 4 × 3 map is a 4 × 3 px world and the 11 × 11 cell view is 11 × 11 px.
    const spec = tinySpec(['WWWW', 'WP P', 'WWWW'], { players: 2, extra: { observation: { ...open.observation, spriteSize: 1 } } });

    it('pads a world of odd height with black to even sizes (H.264 in yuv420p needs them)', () => {
      const sim = tinySim(spec);
      const composer = new FrameComposer(sim, null);
      // 4 × 3 → 4 × 4: one black row below.
      assert.deepEqual([composer.width, composer.height], [4, 4]);
      const frame = { width: composer.width, height: composer.height, rgb: composer.draw(sim) };
      assert.equal(firstDifference(frame, 4, 4, composed(worldPicture(sim), null)), '');
    });

    it('puts the agent\'s view 4 px right of the world, the picture padded to even sizes', () => {
      const sim = tinySim(spec);
      const composer = new FrameComposer(sim, 1);
      // 4 px of world, 4 of gap, 11 of view = 19 → 20 wide; max(3, 11) = 11 → 12 high.
      assert.deepEqual([composer.width, composer.height], [20, 12]);
      const frame = { width: 20, height: 12, rgb: composer.draw(sim) };
      assert.equal(firstDifference(frame, 20, 12, composed(worldPicture(sim), viewPicture(sim, 1))), '');
      // The gap and the padding are black.
      assert.deepEqual(px(frame, 5, 0), BLACK);
      assert.deepEqual(px(frame, 19, 11), BLACK);
      // The agent stands on view row 9 (9 cells ahead of it are off the map, black): its row shows the map.
      assert.ok(frame.rgb.subarray((9 * 20 + 7) * 3, (9 * 20 + 18) * 3).some((v) => v !== 0), 'the agent\'s row of the view is drawn');
    });

    it('takes the picture\'s height from a view taller than the world', () => {
      // spriteSize 2: an 8 × 6 px world and a 22 × 22 px view; 8 + 4 + 22 = 34 wide, 22 high (both even already).
      const sim = tinySim(tinySpec(['WWWW', 'WP P', 'WWWW'], { players: 2, extra: { observation: { ...open.observation, spriteSize: 2 } } }));
      const composer = new FrameComposer(sim, 0);
      assert.deepEqual([composer.width, composer.height], [34, 22]);
      const frame = { width: 34, height: 22, rgb: composer.draw(sim) };
      assert.equal(firstDifference(frame, 34, 22, composed(worldPicture(sim), viewPicture(sim, 0))), '');
    });

    it('refuses an agent that is not a slot of the substrate, naming the slots', () => {
      const sim = tinySim(spec);
      for (const agent of [2, -1, 0.5]) {
        assert.throws(() => new FrameComposer(sim, agent), invalidOption(`--agent must be a slot from 0 to 1, got ${agent}`));
      }
      assert.equal(new FrameComposer(sim, 0).width, 20);
    });
  });

  describe('frames and options', () => {
    it('writes frame t, zero-padded to 5 digits, as the world at tick t, creating the directory', async () => {
      const frames = join(dir, 'nested', 'frames');
      const res = await renderReplay(replay, { framesDir: frames });
      assert.deepEqual(res, { frames: STEPS + 1, width: WW, height: WH, frames_dir: frames });
      const names = Array.from({ length: STEPS + 1 }, (_, t) => `frame_0000${t}.png`);
      assert.deepEqual(readdirSync(frames).sort(), names);
      for (let t = 0; t <= STEPS; t++) {
        const png = decodePng(readFileSync(join(frames, names[t])));
        assert.equal(firstDifference(png, WW, WH, composed(worlds[t], null)), '', `frame ${t}`);
      }
    });

    it('draws agent 2\'s view beside the world in every frame', async () => {
      const frames = join(dir, 'agent');
      const res = await renderReplay(replay, { framesDir: frames, agent: AGENT });
      // 192 + 4 + 88 = 284 wide, max(144, 88) high.
      assert.deepEqual([res.width, res.height], [284, 144]);
      for (let t = 0; t <= STEPS; t++) {
        const png = decodePng(readFileSync(join(frames, `frame_0000${t}.png`)));
        assert.equal(firstDifference(png, 284, 144, composed(worlds[t], views[t])), '', `frame ${t}`);
      }
    });

    it('counts the frames without writing any when asked for no pictures, and tells check the size first', async () => {
      const seen: number[][] = [];
      const res = await renderReplay(replay, { check: (w, h, n) => seen.push([w, h, n]) });
      assert.deepEqual(res, { frames: STEPS + 1, width: WW, height: WH });
      assert.deepEqual(seen, [[WW, WH, STEPS + 1]]);
      const withAgent = await renderReplay(replay, { agent: AGENT, check: (w, h, n) => seen.push([w, h, n]) });
      assert.deepEqual(withAgent, { frames: STEPS + 1, width: 284, height: WH });
      assert.deepEqual(seen[1], [284, WH, STEPS + 1]);
    });

    it('fails with the file system\'s error when a frame cannot be written', async () => {
      const frames = join(dir, 'blocked-frames');
      // A directory where frame 3's file should go.
      mkdirSync(join(frames, 'frame_00003.png'), { recursive: true });
      await assert.rejects(renderReplay(replay, { framesDir: frames }), /^Error: EISDIR: illegal operation on a directory/);
      assert.deepEqual(readdirSync(frames).sort(), ['frame_00000.png', 'frame_00001.png', 'frame_00002.png', 'frame_00003.png']);
    });

    it('writes nothing when check refuses', async () => {
      const frames = join(dir, 'refused');
      await assert.rejects(renderReplay(replay, { framesDir: frames, check: () => { throw new CrucibleError('REPLAY_TOO_LARGE', 'no'); } }), /no/);
      assert.equal(existsSync(frames), false);
    });

    it('takes zoom 1 to 16 (integers) and fps above 0 up to 240, and refuses others before writing anything', async () => {
      for (const zoom of [1, 16]) assert.equal((await renderReplay(replay, { zoom })).frames, STEPS + 1);
      for (const fps of [240, 0.5]) assert.equal((await renderReplay(replay, { fps })).frames, STEPS + 1);
      const frames = join(dir, 'bad-options');
      for (const zoom of [0, 17, 1.5]) {
        await assert.rejects(renderReplay(replay, { zoom, framesDir: frames }), invalidOption(`--zoom must be an integer from 1 to 16, got ${zoom}`));
      }
      for (const fps of [0, -1, 241, NaN]) {
        await assert.rejects(renderReplay(replay, { fps, framesDir: frames }), invalidOption(`--fps must be a number above 0 and at most 240, got ${fps}`));
      }
      for (const video of ['out.avi', 'out.gif.bak', 'gif', 'out_mp4']) {
        await assert.rejects(renderReplay(replay, { video: join(dir, video), framesDir: frames }), invalidOption(`--video must name a .mp4 or .gif file, got ${join(dir, video)}`));
      }
      assert.equal(existsSync(frames), false);
    });

    it('yields to the event loop between frames only when yieldAfterMs is set, and only once that time has passed', async () => {
      // No pictures: nothing in the render waits for I/O, so the loop turns only when the render yields.
      const turns = (yieldAfterMs?: number): Promise<number> => eventLoopTurns(() => renderReplay(replay, yieldAfterMs === undefined ? {} : { yieldAfterMs }));
      assert.equal(await turns(), 0);
      // A clock that stands still: no time passes between frames, so a limit of 0 ms is reached at every frame
      // ("this many milliseconds have passed") and one of 10 ms never is.
      const now = performance.now;
      performance.now = () => 1_000_000;
      try {
        assert.ok((await turns(0)) >= STEPS + 1);
        const still = await turns(10);
        assert.ok(still >= 1 && still <= 3, `${still} turns`);
        // A clock that moves 4 ms each time it is read: 10 ms pass every few frames, so the render yields then and
        // counts again from there: more often than never, less often than at every frame.
        let t = 0;
        performance.now = () => (t += 4);
        const moving = await turns(10);
        assert.ok(moving > 3 && moving < STEPS + 1, `${moving} turns`);
      } finally {
        performance.now = now;
      }
      // 9 frames, yielding before each (0 ms always passed), and before and after setting up.
      assert.ok((await turns(0)) >= STEPS + 1);
      // An hour never passes: only the two pauses of the set-up.
      const long = await turns(3_600_000);
      assert.ok(long >= 1 && long <= 3, `${long} turns`);
    });
  });

  describe('videos', () => {
    withFfmpeg('encodes a GIF at the asked zoom and frame rate whose frames are the world\'s exact colours', async () => {
      const gif = join(dir, 'zoom3.gif');
      const res = await renderReplay(replay, { video: gif, zoom: 3, fps: 10 });
      assert.deepEqual(res, { frames: STEPS + 1, width: WW, height: WH, video: { path: gif, bytes: statSync(gif).size, encoder: 'ffmpeg (gif, palettegen)' } });
      assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
      const info = probe(gif);
      assert.deepEqual([info.codec_name, info.width, info.height, info.r_frame_rate, info.nb_read_frames], ['gif', '576', '432', '10/1', String(STEPS + 1)]);
      const decoded = decodeVideo(gif, 3 * WW, 3 * WH);
      assert.equal(decoded.length, STEPS + 1);
      for (const t of [0, STEPS]) {
        // Nearest-neighbour: pixel (x, y) is the world's (⌊x / 3⌋, ⌊y / 3⌋).
        assert.equal(firstDifference(decoded[t], 3 * WW, 3 * WH, (x, y) => px(worlds[t], Math.floor(x / 3), Math.floor(y / 3))), '', `frame ${t}`);
      }
    });

    withFfmpeg('encodes an H.264 MP4 (yuv420p, quality 20, preset veryfast, moov first for streaming) at zoom 2 and 20 fps by default', async () => {
      const mp4 = join(dir, 'default.mp4');
      const res = await renderReplay(replay, { video: mp4, agent: AGENT });
      assert.deepEqual(res, { frames: STEPS + 1, width: 284, height: WH, video: { path: mp4, bytes: statSync(mp4).size, encoder: 'ffmpeg (libx264)' } });
      const info = probe(mp4);
      assert.deepEqual([info.codec_name, info.pix_fmt, info.width, info.height, info.r_frame_rate, info.nb_read_frames], ['h264', 'yuv420p', '568', '288', '20/1', String(STEPS + 1)]);
      const bytes = readFileSync(mp4);
      assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), '+faststart puts the index before the data');
      // x264 writes its settings into the stream: constant quality 20, and the veryfast preset's one reference frame
      // and subpel refinement 2 (x264 --fullhelp: veryfast is --ref 1 --subme 2; the default, medium, is 3 and 7).
      const settings = ` ${/x264 - core [^\0]*/.exec(bytes.toString('latin1'))?.[0] ?? ''} `;
      for (const s of [' crf=20.0 ', ' ref=1 ', ' subme=2 ']) assert.ok(settings.includes(s), `x264 settings have${s}`);
      // Lossy, but close: the first frame's mean error against the composed picture is small.
      const [first] = decodeVideo(mp4, 568, 288);
      const expected = composed(worlds[0], views[0]);
      let error = 0;
      for (let y = 0; y < 288; y++) for (let x = 0; x < 568; x++) error += Math.abs(px(first, x, y)[1] - expected(x >> 1, y >> 1)[1]);
      assert.ok(error / (568 * 288) < 8, `mean error ${error / (568 * 288)}`);
    });

    withFfmpeg('reports ffmpeg\'s failure with its exit status and message, and the process goes on', async () => {
      const video = join(dir, 'no-such-dir', 'out.gif');
      await assert.rejects(renderReplay(replay, { video, zoom: 1 }), (e: Error) => {
        assert.equal(e.message, `ffmpeg exited with 1: ${video}: No such file or directory`);
        return true;
      });
      // A failed ffmpeg's closed pipe must be no uncaught EPIPE: mocha fails the running test on an uncaught error, so
      // the test waits here for one; then the renderer still works.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal((await renderReplay(replay, {})).frames, STEPS + 1);
    });

    withFfmpeg('stops ffmpeg when a frame cannot be written, leaving no encoder waiting for frames', async () => {
      const frames = join(dir, 'blocked');
      // A directory where frame 3's file should go.
      mkdirSync(join(frames, 'frame_00003.png'), { recursive: true });
      await assert.rejects(renderReplay(replay, { framesDir: frames, video: join(dir, 'blocked.gif'), zoom: 1 }), /EISDIR/);
      await waitFor('the encoder to be stopped', () => ffmpegChildren().length === 0, 1000).catch(() => undefined);
      assert.deepEqual(ffmpegChildren(), []);
    });

    it('composes no frame ahead of an encoder that is not reading (each frame waits for the pipe to drain), then finishes when it reads', async function () {
      this.timeout(60_000);
      const file = join(dir, 'slow.replay.gz');
      writeFileSync(file, encodeReplay(replay));
      const frames = join(dir, 'slow-frames');
      const go = join(dir, 'slow-go');
      // An encoder that reads nothing until told to, then takes every byte and writes its output file (its last argument).
      const encoder = join(dir, 'slow-ffmpeg');
      writeFileSync(encoder, `#!/bin/sh\nwhile [ ! -e ${JSON.stringify(go)} ]; do sleep 0.02; done\ncat > /dev/null\nfor last; do :; done\n: > "$last"\n`, { mode: 0o755 });
      const script = `import { readReplay } from './server/replay.ts'; import { renderReplay } from './server/replayMedia.ts';
        renderReplay(readReplay(${JSON.stringify(file)}), { framesDir: ${JSON.stringify(frames)}, video: ${JSON.stringify(join(dir, 'slow.mp4'))}, agent: ${AGENT}, zoom: 1 })
          .then((r) => console.log(r.frames), (e) => console.log('failed', e.message));`;
      const child = run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, CRUCIBLE_FFMPEG: encoder } });
      const pngs = (): number => (existsSync(frames) ? readdirSync(frames).filter((f) => f.endsWith('.png')).length : 0);
      await waitFor('the first frame', () => pngs() > 0, 20_000);
      // A frame is 284 × 144 × 3 = 122,688 bytes. ffmpeg's stdin is a Unix socket whose send buffer (net.core.wmem_default,
      // 208 KiB on Linux by default) takes a frame or so before a write is left waiting: then the renderer waits in that
      // frame's push. Without the wait it would compose and buffer all 9 frames at once.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const whileBlocked = pngs();
      writeFileSync(go, '');
      const { stdout } = await child;
      assert.ok(whileBlocked >= 1 && whileBlocked <= 3, `at most 3 of the ${STEPS + 1} frames composed while the encoder read nothing, got ${whileBlocked}`);
      assert.equal(stdout.trim(), String(STEPS + 1));
      assert.equal(pngs(), STEPS + 1);
    });

    it('looks for ffmpeg at /usr/bin/ffmpeg or CRUCIBLE_FFMPEG, refusing a video when it is missing or cannot run', async () => {
      const file = join(dir, 'short.replay.gz');
      writeFileSync(file, encodeReplay(replay));
      const notProgram = join(dir, 'not-a-program');
      writeFileSync(notProgram, 'not executable', { mode: 0o644 });
      // A fresh process for each setting: FFMPEG is read once, when the module loads.
      const script = `import { readReplay } from './server/replay.ts'; import { FFMPEG, renderReplay } from './server/replayMedia.ts';
        console.log(FFMPEG);
        renderReplay(readReplay(${JSON.stringify(file)}), { video: process.env.VIDEO, zoom: 1 })
          .then(() => console.log('rendered'), (e) => console.log(e.code, e.message));`;
      const child = async (ffmpeg: string | null): Promise<string[]> => {
        const env: NodeJS.ProcessEnv = { ...process.env, VIDEO: join(dir, `${ffmpeg === null ? 'default' : 'none'}.gif`) };
        if (ffmpeg === null) delete env.CRUCIBLE_FFMPEG;
        else env.CRUCIBLE_FFMPEG = ffmpeg;
        const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env });
        return stdout.trim().split('\n');
      };
      const [unset, missing, cannotRun] = await Promise.all([child(null), child('/no/such/ffmpeg'), child(notProgram)]);
      assert.equal(unset[0], '/usr/bin/ffmpeg');
      if (existsSync('/usr/bin/ffmpeg')) assert.deepEqual([unset[1], existsSync(join(dir, 'default.gif'))], ['rendered', true]);
      assert.deepEqual(missing, ['/no/such/ffmpeg', 'INVALID_OPTION --video needs ffmpeg at /no/such/ffmpeg (apt-get install ffmpeg; .ci/run installs it), or set CRUCIBLE_FFMPEG']);
      // The spawn's own failure, reported (not an uncaught 'error' event).
      assert.deepEqual(cannotRun, [notProgram, `EACCES spawn ${notProgram} EACCES`]);
      assert.equal(existsSync(join(dir, 'none.gif')), false);
    });
  });
});
