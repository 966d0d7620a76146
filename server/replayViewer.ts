/**
 * The server side of the dashboard's replay viewer: replay files by name (only `*.replay.gz` directly inside the
 * results directory's `replays/`), each one's per-tick timeline for the charts, and the picture at any tick.
 *
 * Pictures come from re-simulation: a few players are kept (least recently used dropped) at the tick they last
 * drew, so playing forward costs one step per frame; seeking backwards starts again from tick 0 (thousands of
 * steps take milliseconds to tens of milliseconds).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { agentId } from '../systems/environment.js';
import { checkReplay, decodeReplay, REPLAY_DIR, REPLAY_EXTENSION, ReplayPlayer, type Divergence, type Replay } from './replay.js';
import { FrameComposer } from './replayMedia.js';
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
  return {
    live_apples: sim.apples.liveCount,
    dirt_fraction: sim.dirt.count > 0 ? sim.dirt.dirtyCount / sim.dirt.count : null,
    resources: sim.matrix ? sim.matrix.liveCount : null,
    zaps: sim.counters.zapsFired,
    interactions: sim.matrix ? sim.matrix.counters.interactions : 0,
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
  /** Map size in cells (the frame is 8 px a cell). */
  width: number;
  height: number;
  /** Per tick 0…steps (steps + 1 values): each agent's return so far, by slot. */
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

  constructor(resultsDir: string) {
    this.dir = join(resultsDir, REPLAY_DIR);
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
      throw new CrucibleError('UNKNOWN_REPLAY', `no replay ${JSON.stringify(name)} in ${this.dir}`, { value: name });
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
    const h = replay.header;
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
      width: player.env.sim.width,
      height: player.env.sim.height,
      returns, live_apples: [], dirt_fraction: [], resources: [], zaps: [], interactions: [],
    };
    const sample = (): void => {
      const s = sim();
      for (let p = 0; p < h.players; p++) returns[p].push(s.returns[p]);
      const st = resourceStock(s);
      t.live_apples.push(st.live_apples);
      t.dirt_fraction.push(st.dirt_fraction);
      t.resources.push(st.resources);
      t.zaps.push(st.zaps);
      t.interactions.push(st.interactions);
    };
    sample();
    while (player.step()) sample();
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
}
