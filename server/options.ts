/**
 * Room create options and join options: validated and frozen once, with the bad value and what is allowed in every
 * error (CrucibleError, code INVALID_OPTION or UNKNOWN_SCENARIO). The room reads only the frozen config.
 *
 * joinOrCreate sends one options object for both the create and the join, so each validator accepts the other's
 * keys and rejects any key that is neither (a typo such as `tickrate` fails loudly instead of being ignored).
 */
import { isAbsolute, relative, resolve, dirname } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate } from '../substrates/registry.js';
import { getScenario, scenariosOf } from '../substrates/scenarios.js';
import { OBS_MODES, type ObsMode } from '../client/protocol.js';

export const FILL_FOCAL = ['bots', 'noop'] as const;
export type FillFocal = (typeof FILL_FOCAL)[number];

export const ROLES = ['agent', 'spectator', 'controller'] as const;
export type Role = (typeof ROLES)[number];

/** Server-wide settings the operator chooses (not clients); passed to every room through its handler options. */
export interface ServerSettings {
  /** Default results file (JSON lines); rooms may only choose files in the same directory. */
  resultsFile: string;
  /** When set, agents must join with this token. */
  token: string | null;
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
  /** Messages per second per client above which it is disconnected. */
  readonly maxMessagesPerSecond: number;
  /** State patch interval (ms): the tick interval, but never below 50 ms — spectators never need more than 20 Hz. */
  readonly patchRateMs: number;
  /** Start the next episode by itself when one ends (false: the room waits for a controller's `reset`). */
  readonly autoReset: boolean;
}

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
}

const CREATE_KEYS = [
  'scenario', 'seed', 'tickRate', 'lockstep', 'scale', 'actionTimeoutMs', 'fillFocal', 'reconnectSeconds',
  'resultsFile', 'maxSteps', 'maxMessagesPerSecond', 'autoReset',
] as const;
const JOIN_KEYS = ['role', 'obs', 'policy', 'token', 'state', 'slots', 'events', 'world'] as const;
/** Keys the server itself adds through the room handler's default options. */
const HANDLER_KEYS = ['substrate', 'server'] as const;

export const DEFAULT_TICK_RATE_HZ = 20;
export const DEFAULT_RECONNECT_S = 20;
export const DEFAULT_RESULTS_FILE = 'results/episodes.jsonl';
/** Lockstep rooms may step far faster than tickRate (as fast as the agents answer): a roomier flood limit. */
const LOCKSTEP_MIN_MESSAGES_PER_S = 1000;

function invalid(message: string, key: string, value: unknown, allowed?: unknown): CrucibleError {
  return new CrucibleError('INVALID_OPTION', message, { option: key, value, ...(allowed !== undefined ? { allowed } : {}) });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(options: Record<string, unknown>): void {
  const allowed: readonly string[] = [...CREATE_KEYS, ...JOIN_KEYS, ...HANDLER_KEYS];
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw invalid(`unknown option "${k}"; allowed options: ${[...CREATE_KEYS, ...JOIN_KEYS].join(', ')}`, k, options[k], [...CREATE_KEYS, ...JOIN_KEYS]);
    }
  }
}

function numberOpt(o: Record<string, unknown>, key: string, min: number, max: number, integer: boolean): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw invalid(`${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}`, key, v, { min, max });
  }
  return v;
}

function boolOpt(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${key} must be true or false, got ${JSON.stringify(v)}`, key, v, [true, false]);
  return v;
}

function enumOpt<T extends string>(o: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalid(`${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, key, v, allowed);
  }
  return v as T;
}

/**
 * Resolve a room's results file. The operator's default (env CRUCIBLE_RESULTS or results/episodes.jsonl) may be
 * anywhere; a file chosen by a client must be a `.jsonl` path inside the default's directory, so a client cannot
 * make the server write elsewhere.
 */
export function resolveResultsFile(requested: unknown, serverDefault: string): string {
  const base = resolve(serverDefault);
  if (requested === undefined || requested === null) return base;
  const dir = dirname(base);
  if (typeof requested !== 'string' || !requested.endsWith('.jsonl') || requested.length > 200) {
    throw invalid(`resultsFile must be a .jsonl file name of at most 200 characters, got ${JSON.stringify(requested)}`, 'resultsFile', requested);
  }
  const path = resolve(dir, requested);
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw invalid(`resultsFile must stay inside ${dir}, got ${JSON.stringify(requested)}`, 'resultsFile', requested, { directory: dir });
  }
  return path;
}

/** Validate create options (merged with the handler's `substrate` and `server`) into a frozen RoomConfig. */
export function parseCreateOptions(raw: unknown, substrate: string, server: ServerSettings): RoomConfig {
  if (raw !== undefined && raw !== null && !isRecord(raw)) throw invalid('options must be an object', 'options', raw);
  const o: Record<string, unknown> = isRecord(raw) ? raw : {};
  checkKeys(o);
  const spec = getSubstrate(substrate);

  let scenario: string | null = null;
  if (o.scenario !== undefined && o.scenario !== null) {
    const allowed = scenariosOf(substrate).map((s) => s.name);
    if (typeof o.scenario !== 'string') throw invalid(`scenario must be a string, got ${JSON.stringify(o.scenario)}`, 'scenario', o.scenario, allowed);
    const sc = getScenario(o.scenario); // UNKNOWN_SCENARIO for a name no substrate has
    if (sc.substrate !== substrate) {
      throw new CrucibleError(
        'UNKNOWN_SCENARIO',
        `scenario "${o.scenario}" belongs to ${sc.substrate}, not ${substrate}; scenarios of ${substrate}: ${allowed.join(', ') || '(none)'}`,
        { value: o.scenario, allowed },
      );
    }
    scenario = sc.name;
  }

  const tickRate = numberOpt(o, 'tickRate', 1, 1000, false) ?? DEFAULT_TICK_RATE_HZ;
  const tickIntervalMs = 1000 / tickRate;
  // A room created by a controller (a trainer) gets a trainer's defaults: lockstep, wait for ever for its actions,
  // and no automatic reset (the trainer resets). Explicit options still win.
  const byController = o.role === 'controller';
  const lockstep = boolOpt(o, 'lockstep') ?? byController;
  const defaultMessages = Math.ceil(2 * tickRate + 20);
  const config: RoomConfig = {
    substrate,
    scenario,
    seed: numberOpt(o, 'seed', 0, 0xffffffff, true) ?? 0,
    tickRate,
    tickIntervalMs,
    lockstep,
    scale: numberOpt(o, 'scale', 1, 32, true) ?? 1,
    actionTimeoutMs: numberOpt(o, 'actionTimeoutMs', 0, 600_000, false) ?? (byController ? 0 : tickIntervalMs),
    fillFocal: enumOpt(o, 'fillFocal', FILL_FOCAL) ?? 'bots',
    reconnectSeconds: numberOpt(o, 'reconnectSeconds', 0, 3600, false) ?? DEFAULT_RECONNECT_S,
    resultsFile: resolveResultsFile(o.resultsFile, server.resultsFile),
    maxSteps: numberOpt(o, 'maxSteps', 1, spec.episode.maxSteps, true) ?? null,
    maxMessagesPerSecond:
      numberOpt(o, 'maxMessagesPerSecond', 1, 100_000, true) ?? (lockstep ? Math.max(defaultMessages, LOCKSTEP_MIN_MESSAGES_PER_S) : defaultMessages),
    patchRateMs: Math.max(50, Math.min(tickIntervalMs, 1000)),
    autoReset: boolOpt(o, 'autoReset') ?? !byController,
  };
  // Join keys are checked when the join happens; validate them here too so a bad joinOrCreate fails before a room
  // is created for it.
  parseJoinOptions(o);
  return Object.freeze(config);
}

/** Most slots a controller may name (the largest room: 32×32 tiles of an 8-player substrate). */
const MAX_SLOTS = 8192;

const POLICY_LABEL = /^[\w.:@/+-]{1,64}$/;

/** Validate join options into a frozen JoinConfig. */
export function parseJoinOptions(raw: unknown): JoinConfig {
  if (raw !== undefined && raw !== null && !isRecord(raw)) throw invalid('options must be an object', 'options', raw);
  const o: Record<string, unknown> = isRecord(raw) ? raw : {};
  checkKeys(o);
  const role = enumOpt(o, 'role', ROLES) ?? 'agent';
  const obs = enumOpt(o, 'obs', OBS_MODES) ?? 'rgb';
  let policy = 'agent';
  if (o.policy !== undefined && o.policy !== null) {
    if (typeof o.policy !== 'string' || !POLICY_LABEL.test(o.policy)) {
      throw invalid(`policy must be a label of 1 to 64 letters, digits or ._:@/+-, got ${JSON.stringify(o.policy)}`, 'policy', o.policy);
    }
    policy = o.policy;
  }
  let token: string | null = null;
  if (o.token !== undefined && o.token !== null) {
    if (typeof o.token !== 'string' || o.token.length > 512) throw invalid('token must be a string of at most 512 characters', 'token', '(hidden)');
    token = o.token;
  }
  const state = boolOpt(o, 'state') ?? role === 'spectator';
  let slots: number[] | null = null;
  if (o.slots !== undefined && o.slots !== null) {
    const v = o.slots;
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_SLOTS || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < MAX_SLOTS)) {
      throw invalid(`slots must be a non-empty list of distinct slot indices (integers from 0), got ${JSON.stringify(v).slice(0, 80)}`, 'slots', v);
    }
    if (new Set(v).size !== v.length) throw invalid(`slots must be distinct, got ${JSON.stringify(v).slice(0, 80)}`, 'slots', v);
    slots = Object.freeze([...(v as number[])].sort((a, b) => a - b)) as number[];
  }
  const events = boolOpt(o, 'events') ?? false;
  const world = boolOpt(o, 'world') ?? false;
  if (role !== 'controller') {
    for (const k of ['slots', 'events', 'world'] as const) {
      if (o[k] !== undefined && o[k] !== null && o[k] !== false) throw invalid(`${k} is a controller option (role: 'controller'), not for role '${role}'`, k, o[k]);
    }
  }
  return Object.freeze({ role, obs, policy, token, state, slots, events, world });
}
