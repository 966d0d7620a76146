/**
 * Text agents over plain HTTP, for agent frameworks that cannot hold a WebSocket (README "Text agents over HTTP").
 *
 *   POST   /api/substrates/:name/rooms                 create a room (body: create options) → 201 {roomId}
 *   POST   /api/rooms/:id/agents                       join (body: join options; token) → 201 {key, agent, slot, ...}
 *   GET    /api/rooms/:id/agents/:key/observations     long poll (?after=seq&wait=ms) → 200 {observations: [...]}
 *   GET    /api/rooms/:id/agents/:key/stream           Server-Sent Events, one `observation` event per frame
 *   POST   /api/rooms/:id/agents/:key/macro            a macro (body) → 200 {accepted, macro, tick}
 *   DELETE /api/rooms/:id/agents/:key                  leave → 200 {left: true}
 *
 * An HTTP agent holds a focal seat exactly as a WebSocket agent does (server/seats.ts): it counts for lockstep
 * readiness, its macros' actions go through `Seats.offer`, and it is a text agent (server/textAgents.ts). The key
 * returned by the join is its credential: every later request names it. Errors are `{code, message,
 * details?}` (as every HTTP error of the API) with the codes of the WebSocket path and an HTTP status (400 bad input, 401 token, 403 over
 * budget (create), 404 unknown room or key, 409 room full, 410 released for idleness, 429 rate limited). An agent that makes no
 * request for the room's httpIdleTimeoutMs loses its seat as a disconnected WebSocket agent does (`sweep`). The room does the work (through matchMaker.remoteRoomCall, so the
 * routes also reach rooms in other processes); this module maps requests onto it.
 */
import type { Client } from '@colyseus/core';
import { matchMaker } from '@colyseus/core';
import express, { type Application, type Request, type Response } from 'express';
import { CrucibleError, type ErrorCode } from '../ecs/errors.js';
import { agentId, type Environment } from '../systems/environment.js';
import { MACRO_NAMES } from '../systems/macros.js';
import { MAX_MESSAGE_BYTES } from './messages.js';
import { parseJoinOptions, type JoinConfig } from './options.js';
import { checkHttpJoin, checkHttpQuery, HTTP_CREATE_OPTIONS, HTTP_JOIN_OPTIONS } from './schema.js';
import type { Seats } from './seats.js';
import { MAX_WAIT_MS, TextAgents, type TextAgent } from './textAgents.js';

/** What the room lends the HTTP agent methods. */
export interface HttpAgentHost {
  readonly env: Environment;
  readonly seats: Seats;
  readonly textAgents: TextAgents;
  /** Whether the presented token opens the room (true when no token is configured). */
  tokenOk(presented: string | null): boolean;
  awaitingReset(): boolean;
  checkLockstep(): void;
  countError(code: ErrorCode): void;
  readonly lockstep: boolean;
  readonly decisionInterval: number;
  /** Release the seat of an agent that made no request for this long (ms; 0 = never): create option httpIdleTimeoutMs. */
  readonly idleTimeoutMs: number;
}

/** Keys of agents released for idleness remembered (oldest forgotten first), so their next request says why. */
const TIMED_OUT_MEMORY = 1024;

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_OPTION: 400, INVALID_MACRO: 400, STALE_ACTION: 409, MALFORMED_MESSAGE: 400, INVALID_TOKEN: 401, UNKNOWN_AGENT: 404, AGENT_TIMED_OUT: 410,
  UNKNOWN_ROOM: 404, UNKNOWN_SUBSTRATE: 404, UNKNOWN_SCENARIO: 400, ROOM_FULL: 409, RATE_LIMITED: 429, MESSAGE_TOO_LARGE: 413,
};

export type HttpAnswer = Record<string, unknown>;

function errorAnswer(err: CrucibleError): HttpAnswer {
  return { status: STATUS[err.code] ?? 400, ...err.toJSON() };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Unknown keys of an HTTP body (INVALID_OPTION naming the first), given the route's allowed keys. */
function checkKeys(body: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw new CrucibleError('INVALID_OPTION', `unknown ${what} option ${JSON.stringify(k.slice(0, 64))}; allowed: ${allowed.join(', ')}`, { option: k.slice(0, 64), allowed });
  }
}

/**
 * The body of an HTTP join, checked against its schema (server/schema.ts HTTP_JOIN_OPTIONS: role 'agent', obs
 * 'text', policy, token; null = absent), as a join config. Throws INVALID_OPTION saying what is wrong.
 */
export function parseHttpJoin(options: unknown): JoinConfig {
  if (!isObject(options)) throw new CrucibleError('INVALID_OPTION', 'the join body must be a JSON object of join options');
  checkKeys(options, Object.keys(HTTP_JOIN_OPTIONS), 'HTTP join');
  const o = options;
  if (o.obs != null && o.obs !== 'text') throw new CrucibleError('INVALID_OPTION', 'HTTP agents get text observations: obs must be "text" or absent', { option: 'obs', value: o.obs });
  if (o.role != null && o.role !== 'agent') throw new CrucibleError('INVALID_OPTION', 'HTTP joins are for agents: role must be "agent" or absent', { option: 'role', value: o.role });
  const join = parseJoinOptions({ ...o, obs: 'text', role: 'agent' });
  if (!checkHttpJoin(options)) throw new CrucibleError('INVALID_OPTION', 'the join body does not fit its schema (GET /api/schema, $defs.httpJoin)');
  return join;
}

/** A connection stand-in for a seat held over HTTP: never sent to (observations go through the text agent queue). */
function httpClient(): Client {
  const noop = (): void => {};
  return { sessionId: 'http', send: noop, sendBytes: noop, leave: noop, error: noop } as unknown as Client;
}

/** The room-side methods of the HTTP interface: plain JSON in and out. */
export class HttpAgentSeats {
  /** Per agent key: when its last request began or ended (ms, performance.now) and how many are in progress. */
  private readonly activity = new Map<string, { at: number; inFlight: number }>();
  /** Keys released for idleness → the idle time (ms) that released them. */
  private readonly timedOut = new Map<string, number>();

  constructor(private readonly host: HttpAgentHost) {}

  private find(key: unknown): TextAgent | CrucibleError {
    const a = typeof key === 'string' ? this.host.textAgents.get(`http:${key}`) : undefined;
    if (a) {
      const act = this.activity.get(a.key);
      if (act) act.at = performance.now();
      return a;
    }
    const idle = typeof key === 'string' ? this.timedOut.get(key) : undefined;
    if (idle !== undefined) {
      return new CrucibleError(
        'AGENT_TIMED_OUT',
        `this agent made no request for ${Math.round(idle)} ms (the room's httpIdleTimeoutMs is ${this.host.idleTimeoutMs}); its seat was released: join again`,
        { idleMs: Math.round(idle), httpIdleTimeoutMs: this.host.idleTimeoutMs },
      );
    }
    return new CrucibleError('UNKNOWN_AGENT', 'no HTTP agent of this room holds that key (it left, or never joined)');
  }

  /**
   * Release every HTTP agent idle for longer than the room's httpIdleTimeoutMs (no request in progress, none begun or
   * ended for that long), as a disconnect releases a WebSocket agent's seat: the slot returns to its stand-in and a
   * lockstep room stops waiting for it. Called by the room's sweep (twice a second). Returns the agent keys released.
   */
  sweep(now: number): string[] {
    const limit = this.host.idleTimeoutMs;
    if (limit <= 0) return [];
    const released: string[] = [];
    for (const [key, act] of this.activity) {
      if (act.inFlight > 0 || now - act.at <= limit) continue;
      const a = this.host.textAgents.get(key);
      this.activity.delete(key);
      if (!a) continue;
      this.host.textAgents.remove(key);
      this.host.seats.release(a.seat);
      const bare = key.slice('http:'.length);
      this.timedOut.set(bare, now - act.at);
      if (this.timedOut.size > TIMED_OUT_MEMORY) this.timedOut.delete(this.timedOut.keys().next().value as string);
      released.push(bare);
    }
    if (released.length > 0) this.host.checkLockstep();
    return released;
  }

  private fail(err: CrucibleError): HttpAnswer {
    this.host.countError(err.code);
    return errorAnswer(err);
  }

  join(options: unknown): HttpAnswer {
    const h = this.host;
    let join;
    try {
      join = parseHttpJoin(options);
    } catch (err) {
      return this.fail(err instanceof CrucibleError ? err : new CrucibleError('INVALID_OPTION', String(err)));
    }
    if (!h.tokenOk(join.token)) return this.fail(new CrucibleError('INVALID_TOKEN', 'joining as an agent needs the server token (join option "token")'));
    const key = TextAgents.newKey();
    let seat;
    try {
      seat = h.seats.claim(httpClient(), join, { key: `http:${key}`, frame: undefined });
    } catch (err) {
      return this.fail(err instanceof CrucibleError ? err : new CrucibleError('ROOM_FULL', String(err)));
    }
    const env = h.env;
    h.textAgents.add(`http:${key}`, seat, 'http');
    this.activity.set(`http:${key}`, { at: performance.now(), inFlight: 0 });
    h.checkLockstep();
    return {
      status: 201,
      key,
      agent: agentId(seat.slot),
      slot: seat.slot,
      substrate: env.spec.name,
      scenario: env.scenario?.name ?? null,
      players: env.players,
      width: env.sim.width,
      height: env.sim.height,
      actions: env.spec.actions.map((a) => a.name),
      macros: MACRO_NAMES,
      lockstep: h.lockstep,
      decisionInterval: h.decisionInterval,
      tick: env.tick,
      episode: env.sim.episode,
    };
  }

  async observe(key: unknown, after: unknown, waitMs: unknown): Promise<HttpAnswer> {
    const a = this.find(key);
    if (a instanceof CrucibleError) return this.fail(a);
    const limited = this.host.textAgents.rateLimited(a, performance.now());
    if (limited) return this.fail(limited);
    const since = typeof after === 'number' && Number.isInteger(after) && after >= 0 ? after : 0;
    const wait = typeof waitMs === 'number' && waitMs >= 0 ? Math.min(waitMs, MAX_WAIT_MS) : 0;
    const act = this.activity.get(a.key);
    if (act) act.inFlight++;
    try {
      const frames = await this.host.textAgents.observe(a, since, wait);
      return { status: 200, observations: frames };
    } finally {
      if (act) {
        act.inFlight--;
        act.at = performance.now();
      }
    }
  }

  macro(key: unknown, body: unknown): HttpAnswer {
    const a = this.find(key);
    if (a instanceof CrucibleError) return this.fail(a);
    const limited = this.host.textAgents.rateLimited(a, performance.now());
    if (limited) return this.fail(limited);
    const m = this.host.textAgents.macro(a, body, this.host.awaitingReset());
    if (m instanceof CrucibleError) return this.fail(m);
    this.host.checkLockstep();
    return { status: 200, accepted: true, macro: m, tick: this.host.env.tick, episode: this.host.env.sim.episode };
  }

  leave(key: unknown): HttpAnswer {
    const a = this.find(key);
    if (a instanceof CrucibleError) return this.fail(a);
    this.host.textAgents.remove(a.key);
    this.activity.delete(a.key);
    this.host.seats.release(a.seat);
    this.host.checkLockstep();
    return { status: 200, left: true, agent: agentId(a.seat.slot) };
  }
}

// ------------------------------------------------------------------------------------------------------------
// Routes

/** Largest request body (bytes): the WebSocket path's message limit. */
const BODY_LIMIT = MAX_MESSAGE_BYTES;

function send(res: Response, answer: HttpAnswer): void {
  const { status, ...body } = answer;
  res.status(typeof status === 'number' ? status : 200).json(body);
}

function sendError(res: Response, err: CrucibleError): void {
  send(res, errorAnswer(err));
}

async function call(roomId: string, method: string, args: unknown[], timeoutMs = 5000): Promise<HttpAnswer | null> {
  const listing = await matchMaker.getRoomById(roomId);
  if (!listing) return null;
  return (await matchMaker.remoteRoomCall(roomId, method, args, timeoutMs)) as HttpAnswer;
}

const unknownRoom = (id: string): CrucibleError => new CrucibleError('UNKNOWN_ROOM', `no room with id ${JSON.stringify(id)}; GET /api/rooms lists them`);

/** Mount the HTTP agent routes on `app`; `roomNames` are the substrate room types. */
export function mountHttpAgents(app: Application, roomNames: readonly string[]): void {
  const json = express.json({ limit: BODY_LIMIT });
  // A body that is not JSON, or too large, gets a coded error like any other bad input.
  const bodyErrors = (err: unknown, _req: Request, res: Response, next: (e?: unknown) => void): void => {
    if (!err) return next();
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') return sendError(res, new CrucibleError('MESSAGE_TOO_LARGE', `request body exceeds the limit of ${BODY_LIMIT} bytes`));
    sendError(res, new CrucibleError('MALFORMED_MESSAGE', 'request body is not valid JSON'));
  };

  app.post('/api/substrates/:name/rooms', json, bodyErrors, async (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!roomNames.includes(name)) {
      return sendError(res, new CrucibleError('UNKNOWN_SUBSTRATE', `no substrate named ${JSON.stringify(name)}`, { allowed: roomNames }));
    }
    // The room's onCreate checks the token (CRUCIBLE_TOKEN) and the operator's budgets exactly as for a matchmake
    // create; the token may come in the body or, as for the join, as `Authorization: Bearer <token>`.
    const body: unknown = req.body ?? {};
    try {
      if (!isObject(body)) throw new CrucibleError('INVALID_OPTION', 'the create body must be a JSON object of create options');
      checkKeys(body, Object.keys(HTTP_CREATE_OPTIONS), 'create');
    } catch (err) {
      return sendError(res, err as CrucibleError);
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    const options = bearer && body.token === undefined ? { ...body, token: bearer[1] } : body;
    try {
      const room = await matchMaker.createRoom(name, options);
      res.status(201).json({ roomId: room.roomId, substrate: name });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const m = /^([A-Z_]+): ([\s\S]*)$/.exec(message);
      const code = m ? m[1] : 'INVALID_OPTION';
      const status = (err as { code?: unknown }).code;
      res.status(typeof status === 'number' && status >= 400 && status < 600 ? status : (STATUS[code as ErrorCode] ?? 400)).json({ code, message: m ? m[2] : message });
    }
  });

  app.post('/api/rooms/:id/agents', json, bodyErrors, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    const options = bearer && body.token === undefined ? { ...body, token: bearer[1] } : body;
    const answer = await call(id, 'httpJoin', [options]);
    if (answer === null) return sendError(res, unknownRoom(id));
    send(res, answer);
  });

  app.get('/api/rooms/:id/agents/:key/observations', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const after = Number(req.query.after ?? 0);
    const wait = Number(req.query.wait ?? 0);
    if (!checkHttpQuery('after', after) || !checkHttpQuery('wait', wait)) {
      return sendError(res, new CrucibleError('INVALID_OPTION', `after must be an integer ≥ 0 and wait a number of ms from 0 to ${MAX_WAIT_MS}`));
    }
    const answer = await call(id, 'httpObserve', [String(req.params.key), after, Math.min(wait, MAX_WAIT_MS)], Math.min(wait, MAX_WAIT_MS) + 5000);
    if (answer === null) return sendError(res, unknownRoom(id));
    send(res, answer);
  });

  app.get('/api/rooms/:id/agents/:key/stream', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const key = String(req.params.key);
    let after = Number(req.get('last-event-id') ?? req.query.after ?? 0);
    if (!Number.isInteger(after) || after < 0) after = 0;
    // The first poll answers at once: an unknown room or key is an ordinary JSON error, not a stream.
    const first = await call(id, 'httpObserve', [key, after, 0]);
    if (first === null) return sendError(res, unknownRoom(id));
    if (first.code) return send(res, first);
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    let open = true;
    req.on('close', () => (open = false));
    let answer: HttpAnswer | null = first;
    while (open) {
      if (answer === null || answer.code) break;
      for (const f of (answer.observations ?? []) as { seq: number }[]) {
        res.write(`id: ${f.seq}\nevent: observation\ndata: ${JSON.stringify(f)}\n\n`);
        after = f.seq;
      }
      if (!open) break;
      answer = await call(id, 'httpObserve', [key, after, 10_000], 15_000).catch(() => null);
      if (open && answer && !answer.code && (answer.observations as unknown[]).length === 0) res.write(': keep-alive\n\n');
    }
    if (open) res.end();
  });

  app.post('/api/rooms/:id/agents/:key/macro', json, bodyErrors, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const answer = await call(id, 'httpMacro', [String(req.params.key), req.body]);
    if (answer === null) return sendError(res, unknownRoom(id));
    send(res, answer);
  });

  app.delete('/api/rooms/:id/agents/:key', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const answer = await call(id, 'httpLeave', [String(req.params.key)]);
    if (answer === null) return sendError(res, unknownRoom(id));
    send(res, answer);
  });
}
