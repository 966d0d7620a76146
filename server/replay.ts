/**
 * Replays: one compact file per episode, enough to re-simulate it exactly and to check that today's engine still
 * gives the same result.
 *
 * File (`*.replay.gz`): gzip of one JSON header line, a newline, then the actions packed as u8, `steps × players`
 * bytes, row t = every slot's action applied at tick t (focal slots and bots alike). `zcat F | head -1` shows the
 * header. The header holds the Crucible version, the substrate and scenario (by name and their full definition),
 * scale, the episode's seed and index, the step cap, who played each focal slot when (`seats`: agent or which
 * stand-in bot, from which tick), and the episode summary as recorded.
 *
 * Re-simulation (`ReplayPlayer`): the same environment is built and reset, the seat changes are applied at the ticks
 * they happened, and each tick the focal slots played from outside (agents, humans) take their recorded action while
 * bots choose again with the world's generator. Bots therefore re-derive their actions: a bot action that differs
 * from the recorded one is the first sign of a changed engine, and its tick and slot are reported. At the end the
 * summary is compared byte for byte with the recorded one.
 *
 * Recording (`ReplayRecorder`) is a post-step stage of the Environment: it copies `sim.actions` (what the step
 * applied) and notes any change of who plays a focal slot. It allocates only when its buffer doubles.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { agentId, Environment, type EpisodeSummary } from '../systems/environment.js';
import { createBot } from '../systems/policies/index.js';
import type { Bot } from '../systems/sim.js';
import { getSubstrate } from '../substrates/registry.js';
import { getScenario, scenarioSubstrate } from '../substrates/scenarios.js';
import pkg from '../package.json' with { type: 'json' };

export const REPLAY_FORMAT = 'crucible-replay/1';
export const REPLAY_EXTENSION = '.replay.gz';
/** Rooms write their replays into this folder of the results directory. */
export const REPLAY_DIR = 'replays';

/** The Crucible version (package.json), written into every replay. Imported, not read at run time, so a bundled server
 * (the Python package's) carries it too. */
export const CRUCIBLE_VERSION: string = pkg.version;

/** From tick `tick` on, focal slot `slot` is played by bot `bot` (null: from outside: an agent, a human, or NOOP), labelled `label`. */
export interface SeatChange {
  tick: number;
  slot: number;
  bot: string | null;
  label: string;
}

export interface ReplayHeader {
  format: typeof REPLAY_FORMAT;
  crucible: string;
  substrate: string;
  scenario: string | null;
  scale: number;
  /** The bot the environment itself puts on focal slots at reset (headless runs), or null (rooms). */
  focal_policy: string | null;
  /** The episode's own seed (sim.seed during it) and its index in its room (0 for headless runs). */
  seed: number;
  episode: number;
  /** A room's `maxSteps` cap, or a headless `--steps` limit (the run is then marked truncated), or null. */
  max_steps: number | null;
  players: number;
  steps: number;
  /** Action names by index (the bytes below index this table). */
  actions: string[];
  seats: SeatChange[];
  /** The full definitions the episode ran with, so a changed substrate or scenario is told from a changed engine. */
  definition: { substrate: unknown; scenario: unknown };
  /** The episode summary as recorded (what the results line holds, without the room's own fields). */
  summary: EpisodeSummary;
  recorded_at: string;
  /** The room that played it (rooms only). */
  room?: string;
}

export interface Replay {
  header: ReplayHeader;
  /** steps × players action indices, row-major by tick. */
  actions: Uint8Array;
}

export function encodeReplay(replay: Replay): Buffer {
  const head = Buffer.from(JSON.stringify(replay.header) + '\n', 'utf8');
  return gzipSync(Buffer.concat([head, replay.actions]), { level: 9 });
}

function invalidReplay(message: string): CrucibleError {
  return new CrucibleError('INVALID_REPLAY', message);
}

/**
 * The header's fields that decoding and re-simulation rely on, checked so that a damaged or hand-made file is refused
 * here with INVALID_REPLAY instead of failing (or silently playing something else) later: the counts are integers in
 * range, every seat change names a tick, a slot of the replay, a bot or null, and a label.
 */
function checkHeader(parsed: unknown): ReplayHeader {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidReplay('the header line is not a JSON object');
  const h = parsed as Record<string, unknown>;
  if (h.format !== REPLAY_FORMAT) throw invalidReplay(`format ${JSON.stringify(h.format)} is not ${REPLAY_FORMAT}`);
  const integer = (where: string, v: unknown, min: number, max: number): void => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
      throw invalidReplay(`${where} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
  };
  integer('steps', h.steps, 0, Number.MAX_SAFE_INTEGER);
  integer('players', h.players, 1, 0xffff);
  integer('seed', h.seed, 0, 0xffffffff);
  integer('episode', h.episode, 0, Number.MAX_SAFE_INTEGER);
  if (h.max_steps !== null) integer('max_steps', h.max_steps, 1, Number.MAX_SAFE_INTEGER);
  if (!Array.isArray(h.seats)) throw invalidReplay(`seats must be an array, got ${JSON.stringify(h.seats)}`);
  for (const [i, c] of (h.seats as unknown[]).entries()) {
    // Object(): null becomes {}, and a number or string a wrapper without these fields.
    const seat = Object(c) as Record<string, unknown>;
    integer(`seats[${i}].tick`, seat.tick, 0, (h.steps as number) - 1);
    integer(`seats[${i}].slot`, seat.slot, 0, (h.players as number) - 1);
    if (seat.bot !== null && typeof seat.bot !== 'string') throw invalidReplay(`seats[${i}].bot must be a bot's name or null, got ${JSON.stringify(seat.bot)}`);
    if (typeof seat.label !== 'string') throw invalidReplay(`seats[${i}].label must be a string, got ${JSON.stringify(seat.label)}`);
  }
  return parsed as ReplayHeader;
}

export function decodeReplay(bytes: Uint8Array): Replay {
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes);
  } catch (err) {
    throw invalidReplay(`not a gzip file (${err instanceof Error ? err.message : String(err)}); a replay is ${REPLAY_EXTENSION}`);
  }
  const nl = raw.indexOf(0x0a);
  if (nl < 0) throw invalidReplay('no header line');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.subarray(0, nl).toString('utf8'));
  } catch {
    throw invalidReplay('the header line is not JSON');
  }
  const header = checkHeader(parsed);
  const actions = new Uint8Array(raw.subarray(nl + 1));
  if (actions.length !== header.steps * header.players) {
    throw invalidReplay(`expected ${header.steps} × ${header.players} action bytes, found ${actions.length}`);
  }
  return { header, actions };
}

export function readReplay(path: string): Replay {
  return decodeReplay(readFileSync(path));
}

// ---------------------------------------------------------------------------------------------------------------
// Recording

export interface RecorderOptions {
  focalPolicy: string | null;
  maxSteps: number | null;
  room?: string;
}

/**
 * Records the environment's episodes, one at a time: install once, call `finish` at each episode end (before the
 * reset). The first step of a new episode starts a new recording by itself.
 */
export class ReplayRecorder {
  private buf: Uint8Array;
  private steps = 0;
  private episode = -1;
  private seats: SeatChange[] = [];
  private readonly lastBot: (Bot | null | undefined)[];
  private readonly lastLabel: string[];

  constructor(private readonly env: Environment, private readonly opts: RecorderOptions) {
    if (env.spec.actions.length > 256) throw invalidReplay(`${env.spec.name} has more than 256 actions: they do not fit a byte`);
    this.buf = new Uint8Array(env.players * 1024);
    this.lastBot = new Array<Bot | null | undefined>(env.players).fill(undefined);
    this.lastLabel = new Array<string>(env.players).fill('');
    env.addPostStage({ name: 'replay', run: () => this.record() });
  }

  private record(): void {
    const env = this.env;
    const sim = env.sim;
    const n = sim.players;
    if (sim.episode !== this.episode) {
      this.episode = sim.episode;
      this.steps = 0;
      this.seats = [];
      this.lastBot.fill(undefined);
    }
    // The step just taken was tick `tick - 1`: who played each focal slot in it.
    const tick = sim.world.tick - 1;
    for (const s of env.focalSlots) {
      const bot = sim.bots[s];
      const label = env.labels[s];
      if (bot !== this.lastBot[s] || label !== this.lastLabel[s]) {
        this.lastBot[s] = bot;
        this.lastLabel[s] = label;
        this.seats.push({ tick, slot: s, bot: bot ? bot.name : null, label });
      }
    }
    const at = this.steps * n;
    if (at + n > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    const a = sim.actions;
    for (let s = 0; s < n; s++) this.buf[at + s] = a[s];
    this.steps++;
  }

  /** The episode so far as a replay (call at its end, before the reset). */
  take(summary: EpisodeSummary = this.env.summary()): Replay {
    const env = this.env;
    const header: ReplayHeader = {
      format: REPLAY_FORMAT,
      crucible: CRUCIBLE_VERSION,
      substrate: env.spec.name,
      scenario: env.scenario?.name ?? null,
      scale: env.sim.scale,
      focal_policy: this.opts.focalPolicy,
      seed: env.sim.seed,
      episode: env.sim.episode,
      max_steps: this.opts.maxSteps,
      players: env.players,
      steps: this.steps,
      actions: env.spec.actions.map((a) => a.name),
      seats: this.seats.slice(),
      definition: { substrate: env.spec, scenario: env.scenario },
      summary,
      recorded_at: new Date().toISOString(),
      ...(this.opts.room ? { room: this.opts.room } : {}),
    };
    return { header, actions: this.buf.slice(0, this.steps * env.players) };
  }

  /** Write the episode to `path` (directories created); returns the file's size in bytes. */
  write(path: string, summary?: EpisodeSummary): number {
    const bytes = encodeReplay(this.take(summary));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return bytes.length;
  }

  /**
   * A room's episode: write it to `replays/<substrate>__<room>__ep<episode>.replay.gz` beside the results file and
   * return that path relative to the results directory (what the results line names), or undefined if the write
   * failed (reported through `onError`; the room goes on). Written synchronously at the episode end: a few KB
   * gzipped in well under a millisecond, while the reset that follows takes longer.
   */
  writeFor(resultsFile: string, summary: EpisodeSummary, onError: (message: string) => void): string | undefined {
    const name = `${this.env.spec.name}__${this.opts.room ?? 'room'}__ep${this.env.sim.episode}${REPLAY_EXTENSION}`;
    try {
      this.write(join(dirname(resultsFile), REPLAY_DIR, name), summary);
      return `${REPLAY_DIR}/${name}`;
    } catch (err) {
      onError(`replay ${name} not written: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Re-simulation

export interface Divergence {
  tick: number;
  slot: number;
  agent: string;
  recorded: number;
  replayed: number;
}

/** Steps a fresh environment through a replay, one tick at a time. */
export class ReplayPlayer {
  readonly env: Environment;
  /** Ticks taken so far (0 = the world right after the reset). */
  tick = 0;
  /** The first bot action that came out differently from the recording, if any. */
  divergence: Divergence | null = null;
  private seatIndex = 0;
  private readonly row: Int32Array;

  constructor(readonly replay: Replay) {
    const h = replay.header;
    const first = h.episode === 0;
    this.env = new Environment({
      substrate: h.substrate,
      scenario: h.scenario,
      // Episode k > 0 of a room was reset from seed − 1 (each reset adds one): rebuild exactly that reset.
      seed: first ? h.seed : (h.seed - 1) >>> 0,
      scale: h.scale,
      focalPolicy: h.focal_policy,
      monitor: false,
    });
    if (!first) this.env.sim.episode = h.episode - 1;
    const cap = h.max_steps;
    if (cap !== null) {
      this.env.addPostStage({
        name: 'maxSteps',
        run: (e) => {
          if (e.tick >= cap && !e.sim.terminated) e.sim.truncated = true;
        },
      });
    }
    this.env.reset();
    this.row = new Int32Array(h.players);
    if (this.env.players !== h.players) throw invalidReplay(`the replay has ${h.players} players, ${h.substrate} at scale ${h.scale} has ${this.env.players}`);
  }

  get done(): boolean {
    return this.tick >= this.replay.header.steps;
  }

  /** Apply the seat changes due at this tick (the same bots created at the same moment as in the recording). */
  private applySeats(): void {
    const { seats } = this.replay.header;
    const env = this.env;
    const sim = env.sim;
    let changed = false;
    while (this.seatIndex < seats.length && seats[this.seatIndex].tick <= this.tick) {
      const c = seats[this.seatIndex++];
      const current = sim.bots[c.slot];
      // At tick 0 the reset may already have put this very bot there (headless runs' focal policy).
      const already = c.tick === 0 && (current ? current.name : null) === c.bot && env.labels[c.slot] === c.label && c.bot !== null;
      if (!already) sim.bots[c.slot] = c.bot === null ? null : createBot(c.bot, sim);
      env.labels[c.slot] = c.label;
      changed = true;
    }
    const last = env.focalSlots[env.focalSlots.length - 1];
    if (changed && last !== undefined) env.setLabel(last, env.labels[last]);
  }

  /** One tick; false when the replay has no more. */
  step(): boolean {
    if (this.done) return false;
    const { actions, header } = this.replay;
    const n = header.players;
    this.applySeats();
    const at = this.tick * n;
    for (let s = 0; s < n; s++) this.row[s] = actions[at + s];
    this.env.step(this.row);
    if (this.divergence === null) {
      const a = this.env.sim.actions;
      for (let s = 0; s < n; s++) {
        if (a[s] !== actions[at + s]) {
          this.divergence = { tick: this.tick, slot: s, agent: agentId(s), recorded: actions[at + s], replayed: a[s] };
          break;
        }
      }
    }
    this.tick++;
    return true;
  }

  /** The summary as a finished recording would have it (a run cut short of its end counts as truncated). */
  summary(): EpisodeSummary {
    const s = this.env.summary();
    if (!s.terminated && !s.truncated) s.truncated = true;
    return s;
  }
}

export interface ReplayCheck {
  replay: string;
  substrate: string;
  scenario: string | null;
  seed: number;
  episode: number;
  steps: number;
  players: number;
  /** Replay file bytes, and per agent-step (steps × players). */
  bytes: number;
  bytes_per_agent_step: number;
  recorded_version: string;
  current_version: string;
  /** The substrate / scenario definitions differ from today's registry. */
  definition_changed: string[];
  identical: boolean;
  /** Summary fields whose JSON differs. */
  differences: { field: string; recorded: unknown; replayed: unknown }[];
  first_divergence: Divergence | null;
}

/** Re-simulate `replay` to its end and compare with the recording. */
export function checkReplay(replay: Replay, name: string, bytes: number): ReplayCheck {
  const h = replay.header;
  const definitionChanged: string[] = [];
  // A scenario that seats fewer players than its substrate runs a copy of it with that many (scenarioSubstrate): the
  // recording holds that copy.
  const substrate = h.scenario ? scenarioSubstrate(getScenario(h.scenario)) : getSubstrate(h.substrate);
  if (JSON.stringify(substrate) !== JSON.stringify(h.definition.substrate)) definitionChanged.push(`substrate ${h.substrate}`);
  if (h.scenario && JSON.stringify(getScenario(h.scenario)) !== JSON.stringify(h.definition.scenario)) definitionChanged.push(`scenario ${h.scenario}`);
  const player = new ReplayPlayer(replay);
  while (player.step());
  const replayed = player.summary() as unknown as Record<string, unknown>;
  const recorded = h.summary as unknown as Record<string, unknown>;
  const differences: ReplayCheck['differences'] = [];
  for (const field of new Set([...Object.keys(recorded), ...Object.keys(replayed)])) {
    if (JSON.stringify(recorded[field]) !== JSON.stringify(replayed[field])) differences.push({ field, recorded: recorded[field], replayed: replayed[field] });
  }
  const identical = JSON.stringify(recorded) === JSON.stringify(replayed) && player.divergence === null;
  const agentSteps = Math.max(1, h.steps * h.players);
  return {
    replay: name,
    substrate: h.substrate,
    scenario: h.scenario,
    seed: h.seed,
    episode: h.episode,
    steps: h.steps,
    players: h.players,
    bytes,
    bytes_per_agent_step: Math.round((bytes / agentSteps) * 1000) / 1000,
    recorded_version: h.crucible,
    current_version: CRUCIBLE_VERSION,
    definition_changed: definitionChanged,
    identical,
    differences,
    first_divergence: player.divergence,
  };
}
