/**
 * The server side of the dashboard's replay viewer: replay files by name (only `*.replay.gz` directly inside the
 * results directory's `replays/`), each one's per-tick timeline for the charts, and the picture at any tick.
 *
 * Pictures come from re-simulation: a few players are kept (least recently used dropped) at the tick they last
 * drew, so playing forward costs one step per frame; seeking backwards starts again from tick 0 (thousands of
 * steps take milliseconds to tens of milliseconds).
 *
 * Bounds: a replay longer than `maxAgentSteps` (ticks × players) is refused with REPLAY_TOO_LARGE for the timeline,
 * frames and video (re-simulating it would hold the server); the timeline holds at most `maxTimelinePoints`
 * samples (every `stride`-th tick, and the last one: `ticks` names them); a video is refused beyond `maxVideoFrames`
 * frames or `maxVideoPixels` raw pixels in all (frames × width × height, before the upscaling).
 *
 * Videos (`video`) are rendered once by ffmpeg (server/replayMedia.ts) into a file beside the replay
 * (`<name without .replay.gz>.mp4|.gif`) and served from there afterwards; a render yields to the event loop every
 * few milliseconds, so rooms keep their tick rate while it runs, and renders run one at a time.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { applesOf } from '../systems/apples/index.js';
import { cleanUpOf } from '../systems/cleanUp/index.js';
import { matrixOf } from '../systems/matrix/index.js';
import { agentId } from '../systems/environment.js';
import { checkReplay, decodeReplay, REPLAY_DIR, REPLAY_EXTENSION, ReplayPlayer, type Divergence, type Replay } from './replay.js';
import { FrameComposer, renderReplay } from './replayMedia.js';
import { encodePngAsync } from './worldImage.js';
import type { Sim } from '../systems/sim.js';

/** What is left to harvest, and the hostile acts so far this episode: the figures the dashboard charts as stock. */
export interface Stock {
  live_apples: number;
  /** Dirty share of the river (Clean Up), null without one. */
  dirt_fraction: number | null;
  /** Live Matrix resources, null elsewhere. */
  resources: number | null;
  zaps: number;
  interactions: number;
}

export function resourceStock(sim: Sim): Stock {
  const apples = applesOf(sim), river = cleanUpOf(sim), matrix = matrixOf(sim);
  return {
    live_apples: apples ? apples.liveCount : 0,
    dirt_fraction: river && river.dirt.count > 0 ? river.dirt.dirtyCount / river.dirt.count : null,
    resources: matrix ? matrix.liveCount : null,
    zaps: sim.counters.zapsFired,
    interactions: matrix ? matrix.counters.interactions : 0,
  };
}

/** `#rrggbb` of each player slot's avatar colour (Melting Pot's playerColors, cycled). */
export function playerColours(sim: Sim): string[] {
  const colours = sim.spec.observation.playerColors;
  const hex = (c: readonly number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  return Array.from({ length: sim.players }, (_, s) => (colours.length > 0 ? hex(colours[s % colours.length]) : '#888888'));
}

const NAME = /^[\w.-]{1,200}$/;
const KEEP_PLAYERS = 4;

export interface ReplayLimits {
  /** Ticks × players a replay may have to be re-simulated here (default 4,000,000). */
  maxAgentSteps: number;
  /** Samples in a timeline (default 2,001): longer episodes are sampled every `stride` ticks. */
  maxTimelinePoints: number;
  /** Frames in a video (default 20,000: over 16 minutes at 20 fps). */
  maxVideoFrames: number;
  /** Frames × width × height of a video before upscaling (default 1.5e9, about 4.5 GB of raw RGB fed to ffmpeg). */
  maxVideoPixels: number;
}

export const DEFAULT_REPLAY_LIMITS: ReplayLimits = { maxAgentSteps: 4_000_000, maxTimelinePoints: 2001, maxVideoFrames: 20_000, maxVideoPixels: 1.5e9 };

export type VideoFormat = 'mp4' | 'gif';

export interface Timeline {
  name: string;
  substrate: string;
  scenario: string | null;
  seed: number;
  episode: number;
  steps: number;
  players: number;
  crucible: string;
  recorded_at: string;
  room: string | null;
  agents: { agent: string; slot: number; policy: string; focal: boolean; colour: string }[];
  /** Sampling: the ticks the per-tick arrays below hold (0, stride, 2·stride, …, and always `steps`). */
  stride: number;
  ticks: number[];
  /** Map size in cells (the frame is 8 px a cell). */
  width: number;
  height: number;
  /** At each of `ticks`: each agent's return so far, by slot. */
  returns: number[][];
  /** Live apples, dirty share of the river (null without a river), live Matrix resources (null elsewhere). */
  live_apples: number[];
  dirt_fraction: (number | null)[];
  resources: (number | null)[];
  /** Cumulative zaps fired and Matrix interactions. */
  zaps: number[];
  interactions: number[];
  identical: boolean;
  first_divergence: Divergence | null;
}

interface Viewer {
  player: ReplayPlayer;
  composer: FrameComposer;
  agent: number | null;
}

export class ReplayLibrary {
  readonly dir: string;
  private readonly timelines = new Map<string, { mtimeMs: number; timeline: Timeline }>();
  private readonly viewers = new Map<string, Viewer>();
  readonly limits: ReplayLimits;
  private readonly renders = new Map<string, Promise<string>>();
  private renderQueue: Promise<unknown> = Promise.resolve();

  constructor(resultsDir: string, limits: Partial<ReplayLimits> = {}) {
    this.dir = join(resultsDir, REPLAY_DIR);
    this.limits = { ...DEFAULT_REPLAY_LIMITS, ...limits };
  }

  /** REPLAY_TOO_LARGE when re-simulating `replay` would hold the server too long. */
  private bounded(replay: Replay, name: string): void {
    const agentSteps = replay.header.steps * replay.header.players;
    if (agentSteps > this.limits.maxAgentSteps) {
      throw new CrucibleError('REPLAY_TOO_LARGE', `${name} has ${agentSteps} agent-steps; this server re-simulates at most ${this.limits.maxAgentSteps} (replay it with npm run -s replay)`, {
        limit: this.limits.maxAgentSteps, value: agentSteps,
      });
    }
  }

  /** The file of replay `name`, or UNKNOWN_REPLAY. */
  path(name: string): string {
    if (!NAME.test(name) || !name.endsWith(REPLAY_EXTENSION) || name.startsWith('.')) {
      throw new CrucibleError('UNKNOWN_REPLAY', `a replay name is a file name ending in ${REPLAY_EXTENSION}, got ${JSON.stringify(name.slice(0, 80))}`);
    }
    const path = join(this.dir, name);
    try {
      statSync(path);
    } catch {
      throw new CrucibleError('UNKNOWN_REPLAY', `no replay ${JSON.stringify(name)} in the results directory's replays`, { value: name });
    }
    return path;
  }

  read(name: string): { replay: Replay; bytes: number } {
    const buf = readFileSync(this.path(name));
    return { replay: decodeReplay(buf), bytes: buf.length };
  }

  timeline(name: string): Timeline {
    const path = this.path(name);
    const mtimeMs = statSync(path).mtimeMs;
    const hit = this.timelines.get(name);
    if (hit && hit.mtimeMs === mtimeMs) return hit.timeline;
    const { replay, bytes } = this.read(name);
    this.bounded(replay, name);
    const h = replay.header;
    const stride = Math.max(1, Math.ceil((h.steps + 1) / Math.max(2, this.limits.maxTimelinePoints - 1)));
    const player = new ReplayPlayer(replay);
    const sim = () => player.env.sim;
    const returns: number[][] = Array.from({ length: h.players }, () => []);
    const t: Omit<Timeline, 'identical' | 'first_divergence'> = {
      name, substrate: h.substrate, scenario: h.scenario, seed: h.seed, episode: h.episode, steps: h.steps, players: h.players,
      crucible: h.crucible, recorded_at: h.recorded_at, room: h.room ?? null,
      agents: Array.from({ length: h.players }, (_, s) => ({
        agent: agentId(s), slot: s, policy: h.summary.policies[agentId(s)] ?? '?', focal: h.summary.focal.includes(agentId(s)),
        colour: playerColours(player.env.sim)[s],
      })),
      stride, ticks: [],
      width: player.env.sim.width,
      height: player.env.sim.height,
      returns, live_apples: [], dirt_fraction: [], resources: [], zaps: [], interactions: [],
    };
    const sample = (): void => {
      const s = sim();
      t.ticks.push(player.tick);
      for (let p = 0; p < h.players; p++) returns[p].push(s.returns[p]);
      const st = resourceStock(s);
      t.live_apples.push(st.live_apples);
      t.dirt_fraction.push(st.dirt_fraction);
      t.resources.push(st.resources);
      t.zaps.push(st.zaps);
      t.interactions.push(st.interactions);
    };
    sample();
    while (player.step()) if (player.tick % stride === 0 || player.done) sample();
    // The check re-simulates once more: cheap next to the sampling, and it keeps one definition of "identical".
    const check = checkReplay(replay, name, bytes);
    const timeline: Timeline = { ...t, identical: check.identical, first_divergence: check.first_divergence };
    this.timelines.set(name, { mtimeMs, timeline });
    return timeline;
  }

  /** PNG of tick `tick` (0…steps): WORLD.RGB, with agent `agent`'s egocentric view beside it when given. */
  frame(name: string, tick: number, agent: number | null): Promise<Buffer> {
    const key = `${name}|${agent ?? ''}`;
    let v = this.viewers.get(key);
    if (v && v.player.tick > tick) v = undefined;
    if (!v) {
      const { replay } = this.read(name);
      this.bounded(replay, name);
      if (!Number.isInteger(tick) || tick < 0 || tick > replay.header.steps) {
        throw new CrucibleError('INVALID_OPTION', `tick must be an integer from 0 to ${replay.header.steps}, got ${tick}`);
      }
      const player = new ReplayPlayer(replay);
      v = { player, composer: new FrameComposer(player.env.sim, agent), agent };
    }
    if (tick > v.player.replay.header.steps) {
      throw new CrucibleError('INVALID_OPTION', `tick must be an integer from 0 to ${v.player.replay.header.steps}, got ${tick}`);
    }
    this.viewers.delete(key);
    this.viewers.set(key, v);
    while (this.viewers.size > KEEP_PLAYERS) this.viewers.delete(this.viewers.keys().next().value as string);
    while (v.player.tick < tick) v.player.step();
    const rgb = v.composer.draw(v.player.env.sim);
    // Compressed in the thread pool (server/worldImage.ts); the rows are copied before it returns.
    return encodePngAsync(rgb, v.composer.width, v.composer.height);
  }

  /**
   * The path of replay `name`'s video, rendering it first if no file newer than the replay exists. Refused with
   * REPLAY_TOO_LARGE beyond the limits before any work (the pixel limit: as soon as the frame size is known, before
   * ffmpeg starts; the promise rejects).
   */
  video(name: string, format: VideoFormat): Promise<string> {
    const path = this.path(name);
    const out = join(this.dir, `${name.slice(0, -REPLAY_EXTENSION.length)}.${format}`);
    if (existsSync(out) && statSync(out).mtimeMs >= statSync(path).mtimeMs) return Promise.resolve(out);
    const running = this.renders.get(out);
    if (running) return running;
    const { replay } = this.read(name);
    this.bounded(replay, name);
    const frames = replay.header.steps + 1;
    if (frames > this.limits.maxVideoFrames) {
      throw new CrucibleError('REPLAY_TOO_LARGE', `${name} has ${frames} frames; videos here have at most ${this.limits.maxVideoFrames} (render it with npm run -s replay -- FILE --video out.${format})`, {
        limit: this.limits.maxVideoFrames, value: frames,
      });
    }
    // One render at a time (each is an ffmpeg process and a simulation); the same video asked twice renders once.
    const part = `${out}.part.${format}`;
    const job = this.renderQueue.then(async () => {
      try {
        await renderReplay(replay, {
          video: part,
          zoom: format === 'gif' ? 1 : 2,
          yieldAfterMs: 5,
          // Checked once the frame size is known, before ffmpeg starts.
          check: (width, height, n) => {
            const pixels = n * width * height;
            if (pixels > this.limits.maxVideoPixels) {
              throw new CrucibleError('REPLAY_TOO_LARGE', `${name} makes ${pixels} pixels of video (${n} frames of ${width}×${height}); at most ${this.limits.maxVideoPixels} here`, {
                limit: this.limits.maxVideoPixels, value: pixels,
              });
            }
          },
        });
        renameSync(part, out);
        return out;
      } catch (err) {
        rmSync(part, { force: true });
        throw err;
      } finally {
        this.renders.delete(out);
      }
    });
    this.renderQueue = job.catch(() => undefined);
    this.renders.set(out, job);
    return job;
  }
}
