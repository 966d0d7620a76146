/**
 * The wire protocol's inputs described once: every create option, join option and client message, as JSON Schema
 * built with TypeBox. From these entries come
 *   - validation (server/options.ts, server/messages.ts check values against the compiled schemas, and word their
 *     errors from the same entries: the rule, the code),
 *   - the README's option and message tables (`npm run docs:protocol` writes them; test/schema.test.ts fails when the
 *     README and these entries disagree),
 *   - the JSON Schema document served at `GET /api/schema`, so a client in another language can validate before it
 *     sends.
 *
 * TypeBox rather than Zod: a TypeBox type IS a JSON Schema object, so the published document is the very object the
 * server validates with (no conversion step that could drift), and it compiles to a fast checker.
 *
 * Adding an option or a message is ONE entry below (then `npm run docs:protocol`). Rules a schema cannot say (the
 * scenario belongs to the substrate, maxSteps within the substrate's cap, resultsFile inside the results directory,
 * an action index below the action count) are checked in code after the schema, and their rule is still stated here
 * in `x-rule` so the tables and the document carry it.
 *
 * Conventions: `description` is the table's meaning column, `x-default` its default column (JSON Schema's `default`
 * must be a value, and several defaults are computed), `x-rule` a wording of the allowed values when the schema's own
 * keywords do not read well, `x-error` the error code a bad value of that message field gets (default
 * MALFORMED_MESSAGE). An option given as `null` counts as absent.
 */
import Type, { type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { ErrorCode } from '../ecs/errors.js';
import { OBS_MODES } from '../client/protocol.js';
import { OBSERVATION_SETS } from '../systems/vectorObservations.js';
import { MACRO_NAMES, MAX_MACRO_TICKS } from '../systems/macros.js';

export const FILL_FOCAL = ['bots', 'noop'] as const;
export const ROLES = ['agent', 'spectator', 'controller'] as const;

/** Most slots a controller may name (the largest room: 32×32 tiles of an 8-player substrate). */
export const MAX_SLOTS = 8192;

/** Most WORLD.RGB frames per second a client may request (a `world` request asking for more gets this many). */
export const MAX_WORLD_FPS = 10;

/** What every entry may carry besides JSON Schema's own keywords. */
interface Notes {
  /** The meaning column. */
  description: string;
  /** The default column (text). */
  'x-default'?: string;
  /** The allowed values in words, when the keywords alone do not say them (or a rule checked in code). */
  'x-rule'?: string;
  /** Message fields: the code a bad value gets. */
  'x-error'?: ErrorCode;
}

type Entry = TSchema & Notes;

function entry<T extends TSchema>(schema: T, notes: Notes): T & Notes {
  return Object.assign(schema, notes);
}

// ---------------------------------------------------------------------------------------------------------------
// Options. joinOrCreate sends one object for both kinds, so the two tables share one key space.

export const CREATE_OPTIONS = {
  scenario: entry(Type.String({ minLength: 1, maxLength: 128 }), {
    description: 'a scenario of this substrate: which slots are focal, which bots play the others',
    'x-default': 'none (every slot focal)',
    'x-rule': 'a scenario name of this substrate (`GET /api/substrates`)',
  }),
  seed: entry(Type.Integer({ minimum: 0, maximum: 0xffffffff }), {
    description: 'seed of episode 0; each later episode uses the next seed (seed + 1, …)',
    'x-default': '0',
  }),
  tickRate: entry(Type.Number({ minimum: 1, maximum: 1000 }), {
    description: 'simulation rate in Hz',
    'x-default': '20',
  }),
  lockstep: entry(Type.Boolean(), {
    description: 'step when every connected agent and controller has acted (see *Ticks*)',
    'x-default': 'false (true when a controller creates the room)',
  }),
  actionTimeoutMs: entry(Type.Number({ minimum: 0, maximum: 600_000 }), {
    description: 'lockstep: how long a tick waits for missing actions (ms); 0 waits forever',
    'x-default': '1000 / tickRate (0 when a controller, or a text agent in a lockstep room, creates the room)',
  }),
  scale: entry(Type.Integer({ minimum: 1, maximum: 32 }), {
    description: 'tile the map K×K (K² times the players)',
    'x-default': '1',
  }),
  fillFocal: entry(Type.Enum([...FILL_FOCAL]), {
    description:
      "who plays an empty focal slot: `'bots'` = the scenario's bot (`bots[slot mod n]`, or `random` without a scenario), `'noop'` = nobody (NOOP every tick)",
    'x-default': "`'bots'`",
  }),
  reconnectSeconds: entry(Type.Number({ minimum: 0, maximum: 3600 }), {
    description: 'how long a dropped agent keeps its slot (s)',
    'x-default': '20',
  }),
  resultsFile: entry(Type.String({ minLength: 7, maxLength: 200, pattern: '^[^./\\\\\\u0000][^/\\\\\\u0000]*\\.jsonl$' }), {
    description: 'the file this room appends its episode summaries to',
    'x-default': "the server's (`results/episodes.jsonl` or `CRUCIBLE_RESULTS`)",
    'x-rule': "a plain `.jsonl` file name of at most 200 characters (no directory part, NUL or leading dot), in the server's results directory and resolving (through links) to a file there",
  }),
  maxSteps: entry(Type.Integer({ minimum: 1 }), {
    description: 'truncate every episode after this many ticks; for short test and evaluation runs',
    'x-default': "the substrate's cap",
    'x-rule': "an integer from 1 to the substrate's own episode cap",
  }),
  maxMessagesPerSecond: entry(Type.Integer({ minimum: 1, maximum: 100_000 }), {
    description:
      'a client sending more in one second is disconnected (`RATE_LIMITED`); in a lockstep room the actions and steps the room takes for the current tick do not count (the room paces them: one per observation), so a client stepping in lockstep is never disconnected however fast it steps; everything else (refused inputs, `world`, `reset`, pings) counts',
    'x-default': '2 × tickRate + 20 (lockstep: at least 1000)',
    'x-rule': 'an integer from 1 to the operator\'s ceiling (`CRUCIBLE_MAX_MESSAGES_PER_SECOND`, default 2100; above it `OVER_BUDGET`)',
  }),
  record: entry(Type.Boolean(), {
    description: 'record each episode as a replay file in `replays/` beside the results file; the results line names it (`replay`)',
    'x-default': 'false',
  }),
  decisionInterval: entry(Type.Integer({ minimum: 0, maximum: 100_000 }), {
    description: 'text agents: a decision point every K ticks as well as at each macro\'s end (0: at macro ends only)',
    'x-default': '0',
  }),
  httpIdleTimeoutMs: entry(Type.Integer({ minimum: 0, maximum: 86_400_000 }), {
    description:
      'HTTP agents: an agent that makes no request for this long (ms; a long poll in progress counts as a request) loses its seat as a disconnected agent does, and its next request gets `AGENT_TIMED_OUT`; 0: never',
    'x-default': '300000 (5 minutes)',
  }),
  autoReset: entry(Type.Boolean(), {
    description:
      "start the next episode by itself when one ends; false: the room stops at the end of an episode until a controller sends `reset` (agents cannot reset: a room of agents alone then waits for a controller to join and reset)",
    'x-default': 'true (false when a controller creates the room)',
  }),
  observations: entry(Type.Enum([...OBSERVATION_SETS]), {
    description:
      "`'permitted'`: Melting Pot's PERMITTED_OBSERVATIONS only (see *Observations*); `'all'`: every observation, for training",
    'x-default': "`'permitted'` with a scenario, else `'all'`",
  }),
} satisfies Record<string, Entry>;

export const JOIN_OPTIONS = {
  role: entry(Type.Enum([...ROLES]), {
    description:
      "`'agent'` takes the first free focal slot (in ascending order); `'controller'` holds several focal slots on one connection (*Controllers*); `'spectator'` watches",
    'x-default': "`'agent'`",
  }),
  obs: entry(Type.Enum([...OBS_MODES, 'text']), {
    description:
      "the observation sent each tick: `'rgb'` (egocentric RGB, 88×88×3 for Commons Harvest), `'symbolic'` (one byte per cell, 11×11), `'none'` (header only), `'text'` (agents and controllers: a text and JSON observation, and macros: *Text agents*)",
    'x-default': "`'rgb'`",
  }),
  policy: entry(Type.String({ pattern: '^[\\w.:@/+-]{1,64}$' }), {
    description: 'a label for your policy: it appears in results and the diversity figure',
    'x-default': "`'agent'`",
    'x-rule': 'a label of 1 to 64 letters, digits or ._:@/+-',
  }),
  token: entry(Type.String({ maxLength: 512 }), {
    description:
      'required from agents and controllers, and from whoever creates a room, when the server runs with `CRUCIBLE_TOKEN` (else `INVALID_TOKEN`); spectators joining a running room need none',
    'x-default': '—',
  }),
  state: entry(Type.Boolean(), {
    description: 'receive the synchronised room state (see *State*)',
    'x-default': 'false for agents, true for spectators',
  }),
  slots: entry(Type.Array(Type.Integer({ minimum: 0, maximum: MAX_SLOTS - 1 }), { minItems: 1, maxItems: MAX_SLOTS }), {
    description: 'controllers: the focal slots to hold, each free (else `ROOM_FULL`)',
    'x-default': 'every free focal slot',
    'x-rule': 'a non-empty list of distinct slot indices',
  }),
  events: entry(Type.Boolean(), {
    description: 'controllers: per-step event counters for each held slot in every step frame',
    'x-default': 'false',
  }),
  world: entry(Type.Boolean(), {
    description: 'controllers: WORLD.RGB raw bytes in every step frame',
    'x-default': 'false',
  }),
} satisfies Record<string, Entry>;

export type CreateOptionKey = keyof typeof CREATE_OPTIONS;
export type JoinOptionKey = keyof typeof JOIN_OPTIONS;
export type OptionKey = CreateOptionKey | JoinOptionKey;

export const CREATE_KEYS = Object.keys(CREATE_OPTIONS) as CreateOptionKey[];
export const JOIN_KEYS = Object.keys(JOIN_OPTIONS) as JoinOptionKey[];
export const OPTION_SCHEMAS: Readonly<Record<OptionKey, Entry>> = { ...CREATE_OPTIONS, ...JOIN_OPTIONS };

// ---------------------------------------------------------------------------------------------------------------
// The HTTP agent interface (server/httpAgents.ts): request bodies and query parameters of its routes.

/** Longest long poll an HTTP agent may ask for (ms): the `wait` parameter's ceiling. */
export const MAX_WAIT_MS = 30_000;

/** The body of an HTTP join: the join options that mean something to an agent reading text over HTTP. */
export const HTTP_JOIN_OPTIONS = {
  role: entry(Type.Enum(['agent']), {
    description: 'HTTP joins are agents',
    'x-default': "`'agent'`",
  }),
  obs: entry(Type.Enum(['text']), {
    description: 'HTTP agents read text observations',
    'x-default': "`'text'`",
  }),
  policy: JOIN_OPTIONS.policy,
  token: JOIN_OPTIONS.token,
} satisfies Record<string, Entry>;

/** The create route's body: the create options, and the token when the server has one. */
export const HTTP_CREATE_OPTIONS = { ...CREATE_OPTIONS, token: JOIN_OPTIONS.token } satisfies Record<string, Entry>;

export const HTTP_QUERY = {
  after: entry(Type.Integer({ minimum: 0 }), {
    description: 'the `seq` of the last observation received: answer with the later ones',
    'x-default': '0',
  }),
  wait: entry(Type.Number({ minimum: 0 }), {
    description: `long poll: how long to wait (ms) for an observation when none is newer than \`after\` (above ${MAX_WAIT_MS}: ${MAX_WAIT_MS})`,
    'x-default': '0',
  }),
} satisfies Record<string, Entry>;

interface HttpRoute {
  description: string;
  /** The JSON body's schema: a key of the document's $defs. */
  body?: 'httpCreate' | 'httpJoin' | 'macro';
  query?: readonly (keyof typeof HTTP_QUERY)[];
  /** The success answer, in words. */
  answer: string;
}

/** Every route of the HTTP agent interface (README *Text agents over HTTP*). */
export const HTTP_ROUTES = {
  'POST /api/substrates/{name}/rooms': {
    description: 'create a room of substrate {name}, with the checks of a matchmake create (token, budgets)',
    body: 'httpCreate',
    answer: '201 {roomId, substrate}',
  },
  'POST /api/rooms/{id}/agents': {
    description: 'join as a text agent (token in the body or as Authorization: Bearer)',
    body: 'httpJoin',
    answer: '201 {key, agent, slot, substrate, scenario, players, width, height, actions, macros, lockstep, decisionInterval, tick, episode}',
  },
  'GET /api/rooms/{id}/agents/{key}/observations': {
    description: 'the observations after `after`, waiting up to `wait` ms for one',
    query: ['after', 'wait'],
    answer: '200 {observations: [{seq, text, observation}]}',
  },
  'GET /api/rooms/{id}/agents/{key}/stream': {
    description: 'Server-Sent Events, one `observation` event per observation (Last-Event-ID or `after` resumes)',
    query: ['after'],
    answer: '200 text/event-stream',
  },
  'POST /api/rooms/{id}/agents/{key}/macro': {
    description: 'a macro: the payload of the `macro` message',
    body: 'macro',
    answer: '200 {accepted, macro, tick, episode}',
  },
  'DELETE /api/rooms/{id}/agents/{key}': {
    description: 'leave (the seat returns to its stand-in)',
    answer: '200 {left, agent}',
  },
} satisfies Record<string, HttpRoute>;

// ---------------------------------------------------------------------------------------------------------------
// Client → server messages: the msgpack payload of each message type. Fields are checked in the order listed.

interface MessageEntry {
  description: string;
  /** Who may send it (the table's first words). */
  from: string;
  fields: Record<string, Entry>;
  /** Fields that may be left out. */
  optional: readonly string[];
}

export const CLIENT_MESSAGES = {
  action: {
    from: 'agents only',
    description:
      'the action answering the last observation received (its tick, and its episode: optional, but without it an answer delayed past an episode end cannot be told from one for the new episode)',
    fields: {
      tick: entry(Type.Integer({ minimum: 0 }), { description: 'the tick of the last observation' }),
      action: entry(Type.Integer({ minimum: 0 }), {
        description: 'an index into the action table (`welcome.actions`)',
        'x-rule': 'an integer from 0 to the number of actions − 1',
        'x-error': 'INVALID_ACTION',
      }),
      episode: entry(Type.Integer({ minimum: 0 }), { description: 'the episode of the last observation' }),
    },
    optional: ['episode'],
  },
  step: {
    from: 'controllers only',
    description:
      'every held slot\'s action at once, answering the last step frame (*Controllers*); a controller gets one step frame back per step',
    fields: {
      episode: entry(Type.Integer({ minimum: 0 }), { description: 'the episode of the last step frame' }),
      tick: entry(Type.Integer({ minimum: 0 }), { description: 'the tick of the last step frame' }),
      actions: entry(Type.Array(Type.Integer()), {
        description: 'one action index per held slot, in `welcome.slots` order',
        'x-rule': 'a list of one integer per held slot (an index out of range is `INVALID_ACTION`, naming the slot)',
      }),
    },
    optional: [],
  },
  reset: {
    from: 'controllers only',
    description:
      'end the running episode (recorded truncated, `reason: "reset"`) and start the next one; the payload may be left out',
    fields: {
      seed: entry(Type.Integer({ minimum: 0, maximum: 0xffffffff }), { description: 'the seed of the new episode (default: the next seed)' }),
    },
    optional: ['seed'],
  },
  macro: {
    from: 'text agents only',
    description:
      'a macro action (*Text agents*): `{macro, ...arguments}`, run over several ticks until done, impossible or replaced; each macro\'s own arguments are checked against the room (`INVALID_MACRO` with `details.reason`)',
    fields: {
      macro: entry(Type.Enum([...MACRO_NAMES]), { description: 'the macro\'s name', 'x-error': 'INVALID_MACRO' }),
      x: entry(Type.Integer({ minimum: 0 }), { description: '`move_to`: the target cell\'s column', 'x-error': 'INVALID_MACRO' }),
      y: entry(Type.Integer({ minimum: 0 }), { description: '`move_to`: the target cell\'s row', 'x-error': 'INVALID_MACRO' }),
      target: entry(Type.String({ maxLength: 64 }), { description: '`zap`, `interact`: another player\'s id (`player_<i>`)', 'x-error': 'INVALID_MACRO' }),
      resource: entry(Type.String({ maxLength: 64 }), { description: '`collect`: a resource name of the substrate', 'x-error': 'INVALID_MACRO' }),
      ticks: entry(Type.Integer({ minimum: 1, maximum: MAX_MACRO_TICKS }), { description: '`explore`, `stay`: how many ticks', 'x-error': 'INVALID_MACRO' }),
      action: entry(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 64 })]), {
        description: '`action`: an action index or name',
        'x-error': 'INVALID_MACRO',
      }),
    },
    optional: ['x', 'y', 'target', 'resource', 'ticks', 'action'],
  },
  world: {
    from: 'any client',
    description: `WORLD.RGB PNG frames at \`fps\` per second (capped at ${MAX_WORLD_FPS}; 0 stops)`,
    fields: {
      fps: entry(Type.Number({ minimum: 0 }), { description: 'frames per second' }),
    },
    optional: [],
  },
} satisfies Record<string, MessageEntry>;

export type ClientMessageType = keyof typeof CLIENT_MESSAGES;
export const CLIENT_MESSAGE_TYPES = Object.keys(CLIENT_MESSAGES) as ClientMessageType[];

export function isClientMessageType(type: unknown): type is ClientMessageType {
  return typeof type === 'string' && Object.hasOwn(CLIENT_MESSAGES, type);
}

// ---------------------------------------------------------------------------------------------------------------
// Checkers, compiled once.

type Checker = { Check(value: unknown): boolean };

const optionCheckers = Object.fromEntries(Object.entries(OPTION_SCHEMAS).map(([k, s]) => [k, Compile(s)])) as unknown as Record<OptionKey, Checker>;

export function checkOption(key: OptionKey, value: unknown): boolean {
  return optionCheckers[key].Check(value);
}

const httpJoinChecker = Compile(Type.Object(
  Object.fromEntries(Object.entries(HTTP_JOIN_OPTIONS).map(([k, v]) => [k, Type.Optional(Type.Union([v, Type.Null()]))])),
  { additionalProperties: false },
));
const httpQueryCheckers = Object.fromEntries(Object.entries(HTTP_QUERY).map(([k, s]) => [k, Compile(s)])) as unknown as Record<keyof typeof HTTP_QUERY, Checker>;

/** Does `value` fit the HTTP join body's schema (an object of HTTP_JOIN_OPTIONS keys, null = absent)? */
export function checkHttpJoin(value: unknown): boolean {
  return httpJoinChecker.Check(value);
}

export function checkHttpQuery(key: keyof typeof HTTP_QUERY, value: unknown): boolean {
  return httpQueryCheckers[key].Check(value);
}

/** One field of a message, ready for the hot path: its compiled check and what to say when it fails. */
export interface FieldPlan {
  readonly name: string;
  readonly schema: Entry;
  readonly optional: boolean;
  readonly code: ErrorCode;
  readonly check: Checker;
}

/** A message type's fields in order, and one compiled check of the whole payload (the fast path). */
export interface MessagePlan {
  readonly fields: readonly FieldPlan[];
  readonly payload: Checker;
}

/** Per message type, its plan (built once: parsing a message allocates nothing for the schema). */
export const MESSAGE_PLANS = Object.fromEntries(
  Object.entries(CLIENT_MESSAGES).map(([type, m]): [string, MessagePlan] => {
    const optional: readonly string[] = m.optional;
    const fields = Object.entries(m.fields as Record<string, Entry>).map(
      ([name, schema]): FieldPlan => ({ name, schema, optional: optional.includes(name), code: schema['x-error'] ?? 'MALFORMED_MESSAGE', check: Compile(schema) }),
    );
    const properties = Object.fromEntries(fields.map((f) => [f.name, f.optional ? Type.Optional(f.schema) : f.schema]));
    return [type, { fields, payload: Compile(Type.Object(properties)) }];
  }),
) as unknown as Record<ClientMessageType, MessagePlan>;

export function checkField(type: ClientMessageType, field: string, value: unknown): boolean {
  const plan = MESSAGE_PLANS[type].fields.find((f) => f.name === field);
  return plan !== undefined && plan.check.Check(value);
}

/** The allowed values of an entry, in words ("an integer from 1 to 32", "one of bots, noop", "true or false"). */
export function ruleOf(schema: Entry): string {
  if (typeof schema['x-rule'] === 'string') return schema['x-rule'];
  const s = schema as unknown as Record<string, unknown>;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map(String).join(', ')}`;
  if (s.type === 'boolean') return 'true or false';
  if (s.type === 'integer' || s.type === 'number') {
    const kind = s.type === 'integer' ? 'an integer' : 'a number';
    const { minimum: min, maximum: max } = s as { minimum?: number; maximum?: number };
    if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
    if (min === 0) return s.type === 'integer' ? 'a non-negative integer' : 'a non-negative number';
    if (min !== undefined) return `${kind} of at least ${min}`;
    return kind;
  }
  if (s.type === 'string') return typeof s.maxLength === 'number' ? `a string of at most ${s.maxLength} characters` : 'a string';
  return 'a value of the documented type';
}

// ---------------------------------------------------------------------------------------------------------------
// The published document (GET /api/schema).

const nullable = (s: TSchema): Record<string, unknown> => ({ anyOf: [s, { type: 'null' }], description: (s as Notes).description });

function optionsObject(entries: Record<string, Entry>, description: string): Record<string, unknown> {
  return {
    type: 'object',
    description,
    properties: Object.fromEntries(Object.entries(entries).map(([k, s]) => [k, nullable(s)])),
    additionalProperties: false,
  };
}

/** JSON Schema (2020-12) of everything a client sends: the matchmake options body and each message payload. */
export function protocolSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'crucible:protocol',
    title: 'Crucible client protocol',
    description:
      'What a client sends: the options object of a matchmake call (POST /matchmake/{joinOrCreate|create|join|joinById}/{substrate}; create and join options in one object, null = absent) and the msgpack payload of each message type (Colyseus room.send(type, payload)). Rules a schema cannot express are in x-rule; x-error is the code a bad message field gets.',
    $defs: {
      options: optionsObject({ ...CREATE_OPTIONS, ...JOIN_OPTIONS }, 'the body of a matchmake call: create options and join options together'),
      createOptions: optionsObject(CREATE_OPTIONS, 'options that matter to the call that creates a room'),
      joinOptions: optionsObject(JOIN_OPTIONS, 'options of each joining client'),
      httpCreate: optionsObject(HTTP_CREATE_OPTIONS, 'HTTP agents: the body of POST /api/substrates/{name}/rooms'),
      httpJoin: optionsObject(HTTP_JOIN_OPTIONS, 'HTTP agents: the body of POST /api/rooms/{id}/agents'),
      http: {
        type: 'object',
        description:
          'the HTTP agent interface (README "Text agents over HTTP"): per route, the JSON Schema of its body and query parameters; errors are {code, message, details?}',
        properties: Object.fromEntries(
          Object.entries(HTTP_ROUTES).map(([route, r]: [string, HttpRoute]) => [
            route,
            {
              type: 'object',
              description: r.description,
              'x-answer': r.answer,
              properties: {
                ...(r.body ? { body: { $ref: r.body === 'macro' ? '#/$defs/messages/properties/macro' : `#/$defs/${r.body}` } } : {}),
                ...(r.query
                  ? { query: { type: 'object', properties: Object.fromEntries(r.query.map((q) => [q, HTTP_QUERY[q]])), additionalProperties: true } }
                  : {}),
              },
            },
          ]),
        ),
      },
      messages: {
        type: 'object',
        description: 'client → server message types, each with the JSON Schema of its payload',
        properties: Object.fromEntries(
          Object.entries(CLIENT_MESSAGES).map(([type, m]) => [
            type,
            {
              type: 'object',
              description: `${m.from}: ${m.description}`,
              properties: m.fields,
              required: Object.keys(m.fields).filter((k) => !(m.optional as readonly string[]).includes(k)),
            },
          ]),
        ),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// README tables (written by `npm run docs:protocol`, checked by test/schema.test.ts).

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function optionsTable(entries: Record<string, Entry>): string {
  const rows = Object.entries(entries).map(([k, s]) => `| \`${k}\` | ${cell(ruleOf(s))} | ${cell(s['x-default'] ?? '—')} | ${cell(s.description)} |`);
  return ['| option | allowed | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function messagesTable(): string {
  const rows = Object.entries(CLIENT_MESSAGES).map(([type, m]) => {
    const fields = Object.entries(m.fields as Record<string, Entry>)
      .map(([k, s]) => `\`${k}${(m.optional as readonly string[]).includes(k) ? '?' : ''}\`: ${ruleOf(s)}`)
      .join('; ');
    return `| \`${type}\` | ${cell(`{${fields}}`)} | ${cell(`${m.from}: ${m.description}`)} |`;
  });
  return ['| type | payload | meaning |', '|---|---|---|', ...rows].join('\n');
}

function httpTable(): string {
  const rows = Object.entries(HTTP_ROUTES).map(([route, r]: [string, HttpRoute]) => {
    const body = r.body === undefined ? '—'
      : r.body === 'macro' ? 'the `macro` message payload (*Messages*)'
      : Object.entries(r.body === 'httpJoin' ? HTTP_JOIN_OPTIONS : { token: JOIN_OPTIONS.token }).map(([k, s]) => `\`${k}\`: ${ruleOf(s)}`).join('; ') + (r.body === 'httpCreate' ? '; and every create option' : '');
    const query = r.query ? r.query.map((q) => `\`${q}\`: ${ruleOf(HTTP_QUERY[q])} (default ${HTTP_QUERY[q]['x-default']})`).join('; ') : '—';
    return `| \`${route}\` | ${cell(body)} | ${cell(query)} | ${cell(`${r.description} → ${r.answer}`)} |`;
  });
  return ['| route | body (JSON) | query | meaning → answer |', '|---|---|---|---|', ...rows].join('\n');
}

/** Each generated README block by its marker name. */
export function readmeTables(): Record<string, string> {
  return {
    'create-options': optionsTable(CREATE_OPTIONS),
    'join-options': optionsTable(JOIN_OPTIONS),
    'client-messages': messagesTable(),
    'http-routes': httpTable(),
  };
}

/** `text` with each `<!-- schema:NAME -->…<!-- /schema:NAME -->` block replaced by the table of that name. */
export function withReadmeTables(text: string): string {
  let out = text;
  for (const [name, table] of Object.entries(readmeTables())) {
    const open = `<!-- schema:${name} -->`;
    const close = `<!-- /schema:${name} -->`;
    const re = new RegExp(`${open}[\\s\\S]*?${close}`);
    if (!re.test(out)) throw new Error(`README has no ${open} … ${close} block`);
    out = out.replace(re, () => `${open}\n${table}\n${close}`);
  }
  return out;
}
