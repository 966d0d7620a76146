/**
 * Pictures of a replay: each tick's WORLD.RGB (optionally beside one agent's egocentric RGB view), as PNG files or
 * as a video.
 *
 * Videos are encoded by Debian's ffmpeg (`/usr/bin/ffmpeg`; `.ci/run` installs it when missing), fed raw RGB frames
 * on its stdin. Why ffmpeg rather than an npm encoder: MP4 needs an H.264 encoder, and Node has none (mp4-muxer only
 * muxes frames that WebCodecs encoded, and WebCodecs is a browser API), so MP4 from Node means ffmpeg anyway; one
 * tool then serves both formats, and its two-pass palette (palettegen/paletteuse) gives exact sprite colours in GIFs.
 * Frames are scaled up by an integer factor with nearest-neighbour sampling, so sprites stay crisp.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { renderRgb, renderWorld, rgbShape, worldShape } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { ReplayPlayer, type Replay } from './replay.js';
import { encodePngAsync } from './worldImage.js';

export const FFMPEG = process.env.CRUCIBLE_FFMPEG ?? '/usr/bin/ffmpeg';

/** Draws one picture per tick: the world, and an agent's view to its right when `agent` is set. */
export class FrameComposer {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
  private readonly world: Uint8Array;
  private readonly view: Uint8Array | null;
  private readonly ww: number;
  private readonly wh: number;
  private readonly vw: number;
  private readonly vh: number;

  constructor(sim: Sim, readonly agent: number | null) {
    const [wh, ww] = worldShape(sim);
    this.ww = ww;
    this.wh = wh;
    this.world = new Uint8Array(wh * ww * 3);
    if (agent !== null) {
      if (!Number.isInteger(agent) || agent < 0 || agent >= sim.players) {
        throw new CrucibleError('INVALID_OPTION', `--agent must be a slot from 0 to ${sim.players - 1}, got ${agent}`);
      }
      const [vh, vw] = rgbShape(sim);
      this.vw = vw;
      this.vh = vh;
      this.view = new Uint8Array(vh * vw * 3);
    } else {
      this.vw = 0;
      this.vh = 0;
      this.view = null;
    }
    // A 4 px gap between the two; both dimensions even (H.264 in yuv420p needs it).
    const gap = this.view ? 4 : 0;
    this.width = even(ww + gap + this.vw);
    this.height = even(Math.max(wh, this.vh));
    this.rgb = new Uint8Array(this.width * this.height * 3);
  }

  draw(sim: Sim): Uint8Array {
    renderWorld(sim, this.world);
    const out = this.rgb;
    out.fill(0);
    blit(this.world, this.ww, this.wh, out, this.width, 0);
    if (this.view && this.agent !== null) {
      renderRgb(sim, this.agent, this.view);
      blit(this.view, this.vw, this.vh, out, this.width, this.ww + 4);
    }
    return out;
  }
}

function even(n: number): number {
  return n + (n & 1);
}

function blit(src: Uint8Array, w: number, h: number, dst: Uint8Array, dstW: number, x0: number): void {
  for (let y = 0; y < h; y++) dst.set(src.subarray(y * w * 3, (y + 1) * w * 3), (y * dstW + x0) * 3);
}

export interface MediaOptions {
  /** Write tick t's picture as DIR/frame_<t>.png (t zero-padded to 5 digits). */
  framesDir?: string | null;
  /** Encode a video (.mp4 or .gif) of every tick. */
  video?: string | null;
  agent?: number | null;
  /** Video frame rate (default 20, a room's default tick rate). */
  fps?: number;
  /** Integer upscaling of the video (default 2). */
  zoom?: number;
  /**
   * Yield to the event loop whenever this many milliseconds of simulation and drawing have passed without a pause
   * (a server renders this way so its rooms keep ticking); default: never (the command line).
   */
  yieldAfterMs?: number;
  /** Called with the picture size and frame count before anything is drawn or encoded; may throw to refuse. */
  check?: (width: number, height: number, frames: number) => void;
}

export interface MediaResult {
  frames: number;
  width: number;
  height: number;
  frames_dir?: string;
  video?: { path: string; bytes: number; encoder: string };
}

/** Encode raw RGB frames with ffmpeg; `push` resolves when ffmpeg has taken the frame, `end` when the file is written. */
class FfmpegVideo {
  private readonly proc;
  private readonly done: Promise<void>;
  private stderr = '';

  constructor(path: string, width: number, height: number, fps: number, zoom: number) {
    if (!existsSync(FFMPEG)) {
      throw new CrucibleError('INVALID_OPTION', `--video needs ffmpeg at ${FFMPEG} (apt-get install ffmpeg; .ci/run installs it), or set CRUCIBLE_FFMPEG`);
    }
    const scale = `scale=iw*${zoom}:ih*${zoom}:flags=neighbor`;
    const codec = path.endsWith('.gif')
      ? ['-vf', `${scale},split[a][b];[a]palettegen=max_colors=128:stats_mode=full[p];[b][p]paletteuse=dither=none`, '-loop', '0']
      : ['-vf', scale, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '20', '-preset', 'veryfast', '-movflags', '+faststart'];
    this.proc = spawn(
      FFMPEG,
      ['-y', '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-', ...codec, path],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // An ffmpeg that stops early (a path it cannot write, a full disk) closes its stdin: the write fails with EPIPE,
    // which must not be an unhandled 'error' (it would end the server); its exit status is the error reported.
    this.proc.stdin.on('error', () => undefined);
    this.done = new Promise((resolve, reject) => {
      this.proc.on('error', reject);
      this.proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${this.stderr.trim()}`))));
    });
    // Awaited by push or end; a render that fails elsewhere first (kill) leaves it unawaited.
    this.done.catch(() => undefined);
  }

  async push(frame: Uint8Array): Promise<void> {
    // ffmpeg reads asynchronously: hand it a copy, and wait when its pipe is full, or for its failure if it stopped.
    if (!this.proc.stdin.write(Buffer.from(frame))) {
      await Promise.race([new Promise<void>((resolve) => this.proc.stdin.once('drain', () => resolve())), this.done]);
    }
  }

  async end(): Promise<void> {
    this.proc.stdin.end();
    await this.done;
  }

  /** Stop ffmpeg after a failed render, so it does not wait for frames forever. */
  kill(): void {
    this.proc.kill('SIGKILL');
  }
}

/** Re-simulate `replay` from tick 0 to its end, writing the pictures asked for. */
export async function renderReplay(replay: Replay, opts: MediaOptions): Promise<MediaResult> {
  const pause = async (): Promise<void> => {
    if (opts.yieldAfterMs !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const player = new ReplayPlayer(replay);
  await pause();
  const composer = new FrameComposer(player.env.sim, opts.agent ?? null);
  opts.check?.(composer.width, composer.height, replay.header.steps + 1);
  const fps = opts.fps ?? 20;
  const zoom = opts.zoom ?? 2;
  if (!Number.isInteger(zoom) || zoom < 1 || zoom > 16) throw new CrucibleError('INVALID_OPTION', `--zoom must be an integer from 1 to 16, got ${zoom}`);
  if (!(fps > 0 && fps <= 240)) throw new CrucibleError('INVALID_OPTION', `--fps must be a number above 0 and at most 240, got ${fps}`);
  if (opts.video && !/\.(mp4|gif)$/.test(opts.video)) throw new CrucibleError('INVALID_OPTION', `--video must name a .mp4 or .gif file, got ${opts.video}`);
  if (opts.framesDir) mkdirSync(opts.framesDir, { recursive: true });
  const video = opts.video ? new FfmpegVideo(opts.video, composer.width, composer.height, fps, zoom) : null;
  let frames = 0;
  try {
    await pause();
    let since = performance.now();
    for (;;) {
      if (opts.yieldAfterMs !== undefined && performance.now() - since >= opts.yieldAfterMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      }
      const rgb = composer.draw(player.env.sim);
      if (opts.framesDir) {
        // Truecolour PNGs deflated by node:zlib (server/worldImage.ts): a few ms each, where upng-js's palette search
        // takes tens of ms a frame.
        writeFileSync(join(opts.framesDir, `frame_${String(player.tick).padStart(5, '0')}.png`), await encodePngAsync(rgb, composer.width, composer.height));
      }
      if (video) await video.push(rgb);
      frames++;
      if (!player.step()) break;
    }
  } catch (err) {
    video?.kill();
    throw err;
  }
  const result: MediaResult = { frames, width: composer.width, height: composer.height };
  if (opts.framesDir) result.frames_dir = opts.framesDir;
  if (video && opts.video) {
    await video.end();
    result.video = { path: opts.video, bytes: statSync(opts.video).size, encoder: `ffmpeg (${opts.video.endsWith('.gif') ? 'gif, palettegen' : 'libx264'})` };
  }
  return result;
}
