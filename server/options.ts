/**
 * Room create options and join options: validated and frozen once, with the bad value and what is allowed in every
 * error (CrucibleError, code INVALID_OPTION or UNKNOWN_SCENARIO). The room reads only the frozen config.
 *
 * joinOrCreate sends one options object for both the create and the join, so each validator accepts the other's
 * keys and rejects any key that is neither (a typo such as `tickrate` fails loudly instead of being ignored). The
 * options are described in server/schema.ts; what depends on the substrate or the server is checked here.
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate } from '../substrates/registry.js';
import { getScenario, scenariosOf } from '../substrates/scenarios.js';
import type { ObsMode } from '../client/protocol.js';
import type { ObservationSet } from '../systems/vectorObservations.js';
import type { Budgets } from './budgets.js';
import type { SharedBudgets } from './clusterBudgets.js';
import { describe, excerpt } from './messages.js';
import {
  checkOption, CREATE_KEYS, CREATE_OPTIONS, FILL_FOCAL, JOIN_KEYS, JOIN_OPTIONS, OPTION_SCHEMAS, ROLES, ruleOf, type OptionKey,
} from './schema.js';
import type { Static } from 'typebox';

export { FILL_FOCAL, ROLES };
export type FillFocal = (typeof FILL_FOCAL)[number];
export type Role = (typeof ROLES)[number];

/** Server-wide settings the operator chooses (not clients); passed to every room through its handler options. */
export interface ServerSettings {
  /** Default results file (JSON lines); rooms may only choose files in the same directory. */
  resultsFile: string;
  /** When set, agents must join with this token, and creating a room needs it too. */
  token: string | null;
  /** The process's budget ledger (server/budgets.ts); none = no budgets (tests of options alone). */
  budgets?: Budgets | SharedBudgets;
  /** In a cluster: this process's name; its rooms append to `<results>.<node>.jsonl` (server/cluster.ts). */
  node?: string;
}

/** A room's configuration, validated and frozen. Units in the names. */
export interface RoomConfig {
  readonly substrate: string;
  readonly scenario: string | null;
  /** Seed of episode 0; each later episode uses the next seed. */
  readonly seed: number;
  /** Simulation rate in Hz (ticks per second) in real-time mode; in lockstep mode the pace when agents are slow. */
  readonly tickRate: number;
  /** 1000 / tickRate. */
  readonly tickIntervalMs: number;
  readonly lockstep: boolean;
  readonly scale: number;
  /** Lockstep: how long a tick waits for missing actions (ms); 0 waits forever. */
  readonly actionTimeoutMs: number;
  readonly fillFocal: FillFocal;
  /** How long a dropped agent keeps its slot (s). */
  readonly reconnectSeconds: number;
  /** Absolute path of the results file. */
  readonly resultsFile: string;
  /** Episode length cap in ticks overriding the substrate's own (null = the substrate's). */
  readonly maxSteps: number | null;
  /** Record each episode as a replay file in the results directory's `replays/` (server/replay.ts). */
  readonly record: boolean;
  /** Messages per second per client above which it is disconnected. */
  readonly maxMessagesPerSecond: number;
  /** State patch interval (ms): the tick interval, but never below 50 ms — spectators never need more than 20 Hz. */
  readonly patchRateMs: number;
  /** Observations agents get: Melting Pot's permitted set (default with a scenario) or all (default without). */
  readonly observations: ObservationSet;
  /** Start the next episode by itself when one ends (false: the room waits for a controller's `reset`). */
  readonly autoReset: boolean;
  /** Text agents: ticks between decision points while a macro runs (0 = only when the macro ends). */
  readonly decisionInterval: number;
  /** HTTP agents: ms without a request after which the seat is released (0 = never). */
  readonly httpIdleTimeoutMs: number;
}

/** How long an HTTP agent may make no request before its seat is released (create option httpIdleTimeoutMs). */
export const DEFAULT_HTTP_IDLE_TIMEOUT_MS = 300_000;

export interface JoinConfig {
  readonly role: Role;
  readonly obs: ObsMode;
  readonly policy: string;
  readonly token: string | null;
  /** Receive the synchronised room state (spectators by default; agents opt in). */
  readonly state: boolean;
  /** Controllers: the focal slots to hold (null = every free focal slot). */
  readonly slots: readonly number[] | null;
  /** Controllers: per-step event counters appended to each step frame. */
  readonly events: boolean;
  /** Controllers: raw WORLD.RGB bytes appended to each step frame. */
  readonly world: boolean;
  /** Agents: text observations and macros (join option `obs: 'text'`; the binary observation is then 'none'). */
  readonly text: boolean;
}

export const DEFAULT_TICK_RATE_HZ = 20;
export const DEFAULT_RECONNECT_S = 20;
export const DEFAULT_RESULTS_FILE = 'results/episodes.jsonl';
/** Lockstep rooms may step far faster than tickRate (as fast as the agents answer): a roomier flood limit. */
const LOCKSTEP_MIN_MESSAGES_PER_S = 1000;

/** Client options after the schema check (server/schema.ts): every key known, every value of its type, no nulls. */
export type ClientOptions = { -readonly [K in keyof typeof CREATE_OPTIONS]?: Static<(typeof CREATE_OPTIONS)[K]> } & {
  -readonly [K in keyof typeof JOIN_OPTIONS]?: Static<(typeof JOIN_OPTIONS)[K]>;
};

const ALLOWED_KEYS: readonly string[] = [...CREATE_KEYS, ...JOIN_KEYS];
/** Keys the server adds through the room handler's options (server/rooms/SubstrateRoom.ts `HandlerOptions`). */
const SERVER_KEYS: readonly string[] = ['substrate', 'server'];

function invalid(message: string, key: string, value: unknown, allowed?: unknown): CrucibleError {
  return new CrucibleError('INVALID_OPTION', message, { option: key, value: excerpt(value), ...(allowed !== undefined ? { allowed } : {}) });
}

/** A plain object (a parsed JSON object or msgpack map): not null, an array, bytes, or an instance of some class. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Check a client's options object against the schema (create and join options together: joinOrCreate sends one
 * object for both) and return its values, nulls dropped. Total: whatever `raw` is, this returns or throws a
 * CrucibleError (INVALID_OPTION) whose message quotes at most a short excerpt of the bad value. `undefined` is an
 * empty object. A key that is no option, including `__proto__`, `server` and `substrate` (the server sets those
 * itself), is refused, so a typo fails loudly instead of being ignored.
 */
export function checkClientOptions(raw: unknown): ClientOptions {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) throw invalid(`options must be a JSON object, got ${describe(raw)}`, 'options', raw);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!ALLOWED_KEYS.includes(key)) {
      if (SERVER_KEYS.includes(key)) {
        throw invalid(`option "${key}" is the server's to set, not a client's; allowed options: ${ALLOWED_KEYS.join(', ')}`, key, raw[key], ALLOWED_KEYS);
      }
      throw invalid(`unknown option ${describe(key, 40)}; allowed options: ${ALLOWED_KEYS.join(', ')}`, key.slice(0, 40), raw[key], ALLOWED_KEYS);
    }
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const k = key as OptionKey;
    if (!checkOption(k, value)) {
      if (k === 'token') throw invalid(`token must be ${ruleOf(OPTION_SCHEMAS.token)}`, 'token', '(hidden)');
      const schema = OPTION_SCHEMAS[k] as unknown as { enum?: unknown[] };
      throw invalid(`${k} must be ${ruleOf(OPTION_SCHEMAS[k])}, got ${describe(value)}`, k, value, schema.enum);
    }
    out[k] = value;
  }
  return out as ClientOptions;
}

/**
 * Resolve a room's results file. The operator's default (env CRUCIBLE_RESULTS or results/episodes.jsonl) may be
 * anywhere; a file chosen by a client must be a plain `.jsonl` file name (no directory part: clients create no
 * directories) in the default's directory, resolved through realpath: a symlink there that leads out of the
 * directory, or to anything but a regular file, is refused. Errors name the option, never the server's paths.
 */
export function resolveResultsFile(requested: unknown, serverDefault: string): string {
  const base = resolve(serverDefault);
  if (requested === undefined || requested === null) return base;
  if (
    typeof requested !== 'string' || !requested.endsWith('.jsonl') || requested.length > 200 || requested.includes('\0') ||
    requested.includes('/') || requested.includes('\\') || requested.startsWith('.')
  ) {
    throw invalid(
      'resultsFile must be a .jsonl file name of at most 200 characters, without a directory part (no /, \\, NUL or leading dot)',
      'resultsFile', excerpt(requested),
    );
  }
  let dir = dirname(base);
  try {
    dir = realpathSync(dir);
  } catch {
    // The results directory does not exist yet: the writer creates it (the operator's own path).
  }
  const path = join(dir, requested);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return path; // a new file, created in the results directory itself
  }
  if (dirname(real) !== dir || !statSync(real).isFile()) {
    throw invalid("resultsFile must be a regular file in the server's results directory (it is a link leading out of it, or not a file)", 'resultsFile', requested);
  }
  return real;
}

/**
 * Validate a client's create options (the handler's `substrate` and `server` already taken out) into a frozen
 * RoomConfig: the schema first (checkClientOptions), then the rules that depend on the substrate.
 */
export function parseCreateOptions(raw: unknown, substrate: string, server: ServerSettings): RoomConfig {
  const o = checkClientOptions(raw);
  const spec = getSubstrate(substrate);

  let scenario: string | null = null;
  if (o.scenario !== undefined) {
    const allowed = scenariosOf(substrate).map((s) => s.name);
    const sc = getScenario(o.scenario); // UNKNOWN_SCENARIO for a name no substrate has
    if (sc.substrate !== substrate) {
      throw new CrucibleError(
        'UNKNOWN_SCENARIO',
        `scenario "${o.scenario}" belongs to ${sc.substrate}, not ${substrate}; ${substrate} has ${allowed.length} scenarios (details.allowed; GET /api/substrates)`,
        { value: o.scenario, allowed },
      );
    }
    scenario = sc.name;
  }
  const cap = spec.episode.maxSteps;
  if (o.maxSteps !== undefined && o.maxSteps > cap) {
    throw invalid(`maxSteps must be an integer from 1 to ${cap} (the substrate's own cap), got ${o.maxSteps}`, 'maxSteps', o.maxSteps, { min: 1, max: cap });
  }

  const tickRate = o.tickRate ?? DEFAULT_TICK_RATE_HZ;
  const tickIntervalMs = 1000 / tickRate;
  // A room created by a controller (a trainer) gets a trainer's defaults: lockstep, wait for ever for its actions,
  // and no automatic reset (the trainer resets). Explicit options still win.
  const byController = o.role === 'controller';
  // A lockstep room created by a text agent waits for its decisions for ever unless told otherwise.
  const byTextAgent = o.obs === 'text';
  const lockstep = o.lockstep ?? byController;
  const defaultMessages = Math.ceil(2 * tickRate + 20);
  const config: RoomConfig = {
    substrate,
    scenario,
    seed: o.seed ?? 0,
    tickRate,
    tickIntervalMs,
    lockstep,
    scale: o.scale ?? 1,
    actionTimeoutMs: o.actionTimeoutMs ?? (byController || (byTextAgent && lockstep) ? 0 : tickIntervalMs),
    fillFocal: o.fillFocal ?? 'bots',
    reconnectSeconds: o.reconnectSeconds ?? DEFAULT_RECONNECT_S,
    resultsFile: resolveResultsFile(o.resultsFile, server.resultsFile),
    maxSteps: o.maxSteps ?? null,
    maxMessagesPerSecond: o.maxMessagesPerSecond ?? (lockstep ? Math.max(defaultMessages, LOCKSTEP_MIN_MESSAGES_PER_S) : defaultMessages),
    record: o.record ?? false,
    patchRateMs: Math.max(50, Math.min(tickIntervalMs, 1000)),
    observations: o.observations ?? (scenario ? 'permitted' : 'all'),
    autoReset: o.autoReset ?? !byController,
    decisionInterval: o.decisionInterval ?? 0,
    httpIdleTimeoutMs: o.httpIdleTimeoutMs ?? DEFAULT_HTTP_IDLE_TIMEOUT_MS,
  };
  return Object.freeze(config);
}

/** Validate join options into a frozen JoinConfig (every option in the object is checked, create options too). */
export function parseJoinOptions(raw: unknown): JoinConfig {
  const o = checkClientOptions(raw);
  const role = o.role ?? 'agent';
  const text = o.obs === 'text';
  if (text && role === 'spectator') throw invalid(`obs 'text' is for agents and controllers, not for spectators`, 'obs', o.obs);
  let slots: number[] | null = null;
  if (o.slots !== undefined) {
    if (new Set(o.slots).size !== o.slots.length) throw invalid(`slots must be distinct, got ${describe(o.slots)}`, 'slots', o.slots);
    slots = Object.freeze([...o.slots].sort((a, b) => a - b)) as number[];
  }
  if (role !== 'controller') {
    for (const k of ['slots', 'events', 'world'] as const) {
      if (o[k] !== undefined && o[k] !== false) throw invalid(`${k} is a controller option (role: 'controller'), not for role '${role}'`, k, o[k]);
    }
  }
  return Object.freeze({
    role,
    // A text agent's binary frames carry no pixels: it reads the text observation.
    obs: o.obs === undefined ? 'rgb' : o.obs === 'text' ? 'none' : o.obs,
    policy: o.policy ?? 'agent',
    token: o.token ?? null,
    state: o.state ?? role === 'spectator',
    slots,
    events: o.events ?? false,
    world: o.world ?? false,
    text,
  });
}
