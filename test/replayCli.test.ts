/**
 * `npm run -s replay -- FILE [--video out.mp4|out.gif] [--frames DIR] [--agent N] [--fps F] [--zoom K]`
 * (server/replayCli.ts), run as a process on an 8-tick episode: the JSON line it prints, its exit codes (0 faithful,
 * 1 a mismatch said on stderr, 2 bad arguments or an unreadable file) and the options it hands to the renderer.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Environment } from '../systems/environment.js';
import { CRUCIBLE_VERSION, encodeReplay, ReplayRecorder, type Replay } from '../server/replay.js';
import { FFMPEG } from '../server/replayMedia.js';

const STEPS = 8;
const PLAYERS = 7;
const USAGE = 'usage: npm run -s replay -- FILE [--video out.mp4|out.gif] [--frames DIR] [--agent N] [--fps F] [--zoom K]';
const withFfmpeg = existsSync(FFMPEG) ? it : it.skip;

interface Outcome { code: number; stdout: string; stderr: string }

/** Run the command line (from the working directory's source) with `args`; never rejects. */
function replayCli(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/replayCli.ts', ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A headless-style 8-tick episode of commons_harvest__open_0 (7 players; slots 5 and 6 are background bots). */
function record(): Replay {
  const env = new Environment({ substrate: 'commons_harvest__open', scenario: 'commons_harvest__open_0', seed: 5, focalPolicy: 'random', monitor: false });
  env.addPostStage({ name: 'maxSteps', run: (e) => { if (e.tick >= STEPS) e.sim.truncated = true; } });
  const recorder = new ReplayRecorder(env, { focalPolicy: 'random', maxSteps: STEPS });
  env.reset();
  for (let t = 0; t < STEPS; t++) env.step();
  return recorder.take();
}

function refused(out: Outcome, line: string): void {
  assert.equal(out.stderr, `replay: ${line}\n`);
  assert.equal(out.stdout, '');
  assert.equal(out.code, 2);
}

describe('npm run replay', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let replay: Replay;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crucible-replay-cli-'));
    replay = record();
    file = join(dir, 'short.replay.gz');
    writeFileSync(file, encodeReplay(replay));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the check of a faithful replay as one JSON line, without media, and exits 0', async () => {
    const out = await replayCli(file);
    assert.equal(out.code, 0);
    assert.equal(out.stderr, '');
    assert.match(out.stdout, /^[^\n]+\n$/);
    const line = JSON.parse(out.stdout) as Record<string, unknown>;
    assert.deepEqual(
      [line.replay, line.substrate, line.steps, line.players, line.bytes, line.identical, line.differences, line.first_divergence, 'media' in line],
      [file, 'commons_harvest__open', STEPS, PLAYERS, statSync(file).size, true, [], null, false],
    );
  });

  it('writes frames with the agent\'s view beside the world and reports them as media', async () => {
    const frames = join(dir, 'frames');
    const out = await replayCli(file, '--frames', frames, '--agent', '2');
    assert.equal(out.code, 0, out.stderr);
    const line = JSON.parse(out.stdout) as { identical: boolean; media: unknown };
    assert.equal(line.identical, true);
    // 192 px of world, a 4 px gap, the 88 px view; 8 ticks and the start.
    assert.deepEqual(line.media, { frames: STEPS + 1, width: 284, height: 144, frames_dir: frames });
    assert.equal(readdirSync(frames).length, STEPS + 1);
  });

  withFfmpeg('encodes a video at the zoom and frame rate given, adding it to media', async () => {
    const gif = join(dir, 'out.gif');
    const out = await replayCli(file, '--video', gif, '--zoom', '1', '--fps', '10');
    assert.equal(out.code, 0, out.stderr);
    const { media } = JSON.parse(out.stdout) as { media: unknown };
    assert.deepEqual(media, { frames: STEPS + 1, width: 192, height: 144, video: { path: gif, bytes: statSync(gif).size, encoder: 'ffmpeg (gif, palettegen)' } });
  });

  it('hands --agent, --fps and --zoom to the renderer, which refuses them out of range (exit 2)', async () => {
    const frames = join(dir, 'never');
    const [agent, fps, zoom] = await Promise.all([
      replayCli(file, '--frames', frames, '--agent', '7'),
      replayCli(file, '--frames', frames, '--fps', '0'),
      replayCli(file, '--frames', frames, '--zoom', '17'),
    ]);
    refused(agent, 'INVALID_OPTION: --agent must be a slot from 0 to 6, got 7');
    refused(fps, 'INVALID_OPTION: --fps must be a number above 0 and at most 240, got 0');
    refused(zoom, 'INVALID_OPTION: --zoom must be an integer from 1 to 16, got 17');
    assert.equal(existsSync(frames), false);
  });

  it('refuses an --agent, --fps or --zoom that is not a finite number, naming the option (exit 2)', async () => {
    const [agent, fps, zoom] = await Promise.all([
      replayCli(file, '--frames', join(dir, 'never'), '--agent', 'two'),
      replayCli(file, '--frames', join(dir, 'never'), '--fps', 'Infinity'),
      replayCli(file, '--frames', join(dir, 'never'), '--zoom', 'x2'),
    ]);
    refused(agent, 'INVALID_OPTION: --agent must be a number, got "two"');
    refused(fps, 'INVALID_OPTION: --fps must be a number, got "Infinity"');
    refused(zoom, 'INVALID_OPTION: --zoom must be a number, got "x2"');
  });

  it('prints the usage unless given exactly one file, and refuses unknown options (exit 2)', async () => {
    const [none, two, unknown] = await Promise.all([replayCli(), replayCli(file, file), replayCli(file, '--speed', '2')]);
    refused(none, `INVALID_OPTION: ${USAGE}`);
    refused(two, `INVALID_OPTION: ${USAGE}`);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^replay: ERR_PARSE_ARGS_UNKNOWN_OPTION: Unknown option '--speed'/);
  });

  it('refuses a file it cannot read, or that is not a replay (exit 2)', async () => {
    const missing = join(dir, 'missing.replay.gz');
    const junk = join(dir, 'junk.replay.gz');
    writeFileSync(junk, 'not gzip');
    const [gone, bad] = await Promise.all([replayCli(missing), replayCli(junk)]);
    refused(gone, `UNKNOWN_REPLAY: cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'`);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^replay: INVALID_REPLAY: /);
  });

  withFfmpeg('reports an error that has no code by its message alone (ffmpeg failing, exit 2)', async () => {
    const out = await replayCli(file, '--video', join(dir, 'no-such-dir', 'x.gif'));
    assert.equal(out.code, 2);
    assert.match(out.stderr, /^replay: ffmpeg exited with 1: .*No such file or directory\n$/);
  });

  it('exits 1 on a changed summary, naming the fields and both versions on stderr after the JSON line', async () => {
    const changed = join(dir, 'changed.replay.gz');
    const summary = { ...replay.header.summary, steps: STEPS + 1, returns: { ...replay.header.summary.returns, player_0: 99 } };
    writeFileSync(changed, encodeReplay({ header: { ...replay.header, crucible: '0.0.1', summary }, actions: replay.actions }));
    const out = await replayCli(changed);
    assert.equal(out.code, 1);
    // The fields in the recorded summary's order.
    const fields = Object.keys(summary).filter((k) => k === 'steps' || k === 'returns');
    assert.equal(fields.length, 2);
    assert.equal(out.stderr, `replay: MISMATCH (recorded with Crucible 0.0.1, replayed with ${CRUCIBLE_VERSION}): summary fields ${fields.join(', ')}\n`);
    const line = JSON.parse(out.stdout) as { identical: boolean; differences: { field: string }[] };
    assert.equal(line.identical, false);
    assert.deepEqual(line.differences.map((d) => d.field).sort(), ['returns', 'steps']);
  });

  it('exits 1 when a bot chose differently, naming the tick, the agent and both actions', async () => {
    const changed = join(dir, 'bot.replay.gz');
    const actions = Uint8Array.from(replay.actions);
    // Slot 6 is a background bot: claim it chose the next action at tick 3.
    const orig = actions[3 * PLAYERS + 6];
    const claimed = (orig + 1) % replay.header.actions.length;
    actions[3 * PLAYERS + 6] = claimed;
    writeFileSync(changed, encodeReplay({ header: replay.header, actions }));
    const out = await replayCli(changed);
    assert.equal(out.code, 1);
    assert.equal(out.stderr, `replay: MISMATCH (recorded with Crucible ${CRUCIBLE_VERSION}, replayed with ${CRUCIBLE_VERSION}): tick 3, player_6: recorded action ${claimed}, replayed ${orig}\n`);
  });
});
