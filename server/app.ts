/**
 * The Crucible server: one room type per registered substrate (joinable by the substrate's name), the WebSocket
 * transport, and the HTTP routes — the JSON API, the Colyseus monitor and the dashboard.
 *
 *   GET /api/substrates               name, description, players, action names, scenarios of every substrate
 *   GET /api/rooms                    every running room: roomId, substrate, scenario, clients, agents, tick, …
 *   GET /api/rooms/:id/metrics        tick, episode, metrics snapshot and series, performance, agents, errors, …
 *   GET /api/rooms/:id/world.png      the room's current WORLD.RGB; headers X-Crucible-Tick, X-Crucible-Episode and
 *                                     X-Crucible-Agents (per slot `x,y,facing` or `-`, `;`-joined) at that tick
 *   GET /api/schema                   JSON Schema of the options and client messages (server/schema.ts)
 *   GET /api/cluster                  the processes of a cluster (server/cluster.ts): processId, node, rooms, clients
 *   /api/history…, /api/replays…, POST /api/rooms   server/dashboardApi.ts (POST: operator only)
 *   /monitor                          @colyseus/monitor, operator only (CRUCIBLE_ADMIN_TOKEN; off without it)
 *   /                                 the dashboard (server/public/index.html when present)
 *
 * The read-only /api routes answer anyone who may connect (what they show, an anonymous spectator can watch over
 * the WebSocket anyway) and never carry a token or a server path; CORS is same-origin unless the operator lists
 * origins (server/auth.ts). Budgets (server/budgets.ts) bound what clients may create.
 *
 * Rooms are reached through the matchmaker (query + remoteRoomCall), never through a module-level map.
 */
import './node20.js';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineRoom, defineServer, matchMaker, ServerError, type Server } from '@colyseus/core';
import { monitor } from '@colyseus/monitor';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { mountHttpAgents } from './httpAgents.js';
import express, { type Application, type NextFunction, type Request, type Response } from 'express';
import { CrucibleError, type ErrorCode } from '../ecs/errors.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { findBotSpec, scenariosOf } from '../substrates/scenarios.js';
import { scenarioHash, substrateHash } from '../substrates/hash.js';
import { MAX_FRAME_BYTES } from './messages.js';
import { DEFAULT_RESULTS_FILE, type ServerSettings } from './options.js';
import { applyCorsPolicy, parseOrigins, requireOperator, restrictMonitorCalls } from './auth.js';
import { Budgets, budgetsFromEnv, type BudgetLimits } from './budgets.js';
import { protocolSchema } from './schema.js';
import { handlerOptionsFor, REJECTION_STATUS, SubstrateRoom } from './rooms/SubstrateRoom.js';
import { substrateSpecs } from './specs.js';
import { mountDashboardApi } from './dashboardApi.js';
import { ClusterMembership, liveProcesses, nodeName, selectProcessForRoom } from './cluster.js';
import { SharedBudgets } from './clusterBudgets.js';

export interface AppOptions {
  /** Default results file (default env CRUCIBLE_RESULTS, else results/episodes.jsonl). */
  resultsFile?: string;
  /** Agent join and room create token (default env CRUCIBLE_TOKEN; unset or empty = no token needed). */
  token?: string | null;
  /** Operator token for the monitor (default env CRUCIBLE_ADMIN_TOKEN; unset or empty = the monitor is off). */
  adminToken?: string | null;
  /** Origins allowed cross-origin requests (default env CRUCIBLE_CORS_ORIGINS, comma-separated; none = same origin). */
  corsOrigins?: readonly string[];
  /** Budgets over the environment's (CRUCIBLE_MAX_ROOMS, …; server/budgets.ts). */
  budgets?: Partial<BudgetLimits>;
  /** Print the Colyseus banner (default false). */
  greet?: boolean;
  /** Install SIGTERM/SIGINT handlers that shut down gracefully and exit (default true; tests pass false). */
  gracefullyShutdown?: boolean;
  /**
   * Join a cluster through this Redis (default env REDIS_URL; unset, empty or null = a single process, no Redis):
   * server/cluster.ts, README "Cluster".
   */
  redisUrl?: string | null;
  /** This process's name in the cluster, which names its results file (default env CRUCIBLE_NODE, else host-port). */
  node?: string;
  /**
   * Where clients reach this process directly, `host:port` (default env CRUCIBLE_PUBLIC_ADDRESS; unset, empty or null
   * = nowhere else than the URL they matchmade on). Seat reservations then name it (`publicAddress`), and clients open
   * their WebSocket there, not through the URL they matchmade on: in a cluster, the front then carries matchmaking and
   * the API only (README, "Cluster", *Clients straight to the processes*).
   */
  publicAddress?: string | null;
}

/** `host:port`, `[v6]:port`: what a seat reservation's `publicAddress` may be. */
const PUBLIC_ADDRESS = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})$/;

/** The public address of this process (AppOptions.publicAddress), validated; null when not set. */
export function publicAddressOf(opts: AppOptions = {}): string | null {
  const raw = opts.publicAddress !== undefined ? opts.publicAddress : (process.env.CRUCIBLE_PUBLIC_ADDRESS ?? null);
  if (raw === null || raw === '') return null;
  const m = PUBLIC_ADDRESS.exec(raw);
  if (m === null || Number(m[1]) < 1 || Number(m[1]) > 65535) {
    throw new Error(`CRUCIBLE_PUBLIC_ADDRESS must be host:port (a host name, IPv4 address or [IPv6] address, and a port from 1 to 65535), got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  return raw;
}

/** The cluster this process belongs to, if any (one server per process, like the matchmaker). */
let cluster: ClusterMembership | null = null;

/** This process's cluster membership (null: a single process). */
export function clusterMembership(): ClusterMembership | null {
  return cluster;
}

function clusterUnavailable(): ServerError {
  return new ServerError(503, 'CLUSTER_UNAVAILABLE: the cluster\'s Redis cannot be reached; running rooms go on, new matchmaking resumes when it is back');
}

/** joinOrCreate only joins a room whose create options match these, when the client gives them. */
const FILTER_KEYS = ['scenario', 'seed', 'tickRate', 'lockstep', 'scale', 'fillFocal', 'maxSteps', 'observations'] as const;

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

let monitorHtml: string | null = null;
/** @colyseus/monitor's index.html without links to remote stylesheets (fonts). */
export function monitorPage(): string {
  if (monitorHtml === null) {
    const entry = createRequire(import.meta.url).resolve('@colyseus/monitor');
    const html = readFileSync(join(dirname(entry), 'static', 'index.html'), 'utf8');
    monitorHtml = html.replace(/<link[^>]*href="https?:\/\/[^"]*"[^>]*>\s*/g, '');
  }
  return monitorHtml;
}

function secretOption(given: string | null | undefined, env: string | undefined): string | null {
  const v = given !== undefined ? given : env;
  return v === undefined || v === null || v === '' ? null : v;
}

export function serverSettings(opts: AppOptions = {}, shared: ClusterMembership | null = null): ServerSettings {
  const limits = { ...budgetsFromEnv(), ...opts.budgets };
  return Object.freeze({
    resultsFile: opts.resultsFile ?? process.env.CRUCIBLE_RESULTS ?? DEFAULT_RESULTS_FILE,
    token: secretOption(opts.token, process.env.CRUCIBLE_TOKEN),
    budgets: shared ? new SharedBudgets(limits, shared.redis) : new Budgets(limits),
    // In a cluster each process appends to a results file of its own (server/cluster.ts perProcessFile).
    node: shared ? (opts.node ?? nodeName(Number(process.env.PORT ?? 0) || process.pid)) : undefined,
  });
}

/** The Redis URL of the cluster to join, or null. */
export function redisUrlOf(opts: AppOptions = {}): string | null {
  return secretOption(opts.redisUrl, process.env.REDIS_URL);
}

/** The operator token (never handed to rooms). */
export function adminTokenOf(opts: AppOptions = {}): string | null {
  return secretOption(opts.adminToken, process.env.CRUCIBLE_ADMIN_TOKEN);
}

const SHORT_REPLIES = Symbol('crucible.shortMatchmakeReplies');

/**
 * Matchmake refusals quote at most a short excerpt of what the client sent: ours already do (server/messages.ts
 * `describe`), but Colyseus's own (an unknown room name or id, echoed from the URL) quote it whole. The matchmaker's
 * controller is process-wide: wrapped once, keeping each refusal's status.
 */
function shortenMatchmakeReplies(): void {
  const controller = matchMaker.controller as typeof matchMaker.controller & { [SHORT_REPLIES]?: true };
  if (controller[SHORT_REPLIES]) return;
  controller[SHORT_REPLIES] = true;
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (...args: Parameters<typeof invoke>) => {
    // In a cluster, matchmaking needs Redis: refused at once while it is away (rather than left waiting for it).
    if (cluster !== null && !cluster.ready) throw clusterUnavailable();
    try {
      return await invoke(...args);
    } catch (err) {
      const e = err as { code?: number; message?: string };
      const raw = String(e.message ?? '');
      // Ours ("CODE: text") quote excerpts already; Colyseus's quote the room name or id whole.
      const message = /^[A-Z][A-Z_]+: /.test(raw) ? raw : raw.replace(/"([^"]{61})[^"]*"/g, '"$1..."');
      // A refusal by a room created in another process of a cluster crosses Redis as its message alone (Colyseus
      // then answers 523): its status comes back from its code.
      const coded = /^([A-Z][A-Z_]+): /.exec(raw)?.[1] as ErrorCode | undefined;
      const status = (coded && REJECTION_STATUS[coded]) || (typeof e.code === 'number' ? e.code : 500);
      throw new ServerError(status, message.length > 400 ? `${message.slice(0, 397)}...` : message);
    }
  };
}

export function createServer(opts: AppOptions = {}): Server {
  substrateCatalogue(); // built now, not on the event loop of the first request (see substrateCatalogue)
  const redisUrl = redisUrlOf(opts);
  if (cluster !== null) throw new Error('one Crucible server per process: this process already joined a cluster');
  const publicAddress = publicAddressOf(opts); // checked before anything is opened
  const membership = redisUrl ? new ClusterMembership(redisUrl) : null;
  const settings = serverSettings(opts, membership);
  if (membership) {
    membership.budgets = settings.budgets as SharedBudgets;
    membership.node = settings.node ?? null;
    cluster = membership;
  }
  shortenMatchmakeReplies();
  const adminToken = adminTokenOf(opts);
  applyCorsPolicy(opts.corsOrigins ?? parseOrigins(process.env.CRUCIBLE_CORS_ORIGINS));
  const rooms = Object.fromEntries(
    substrateNames().map((name) => [name, defineRoom(SubstrateRoom, handlerOptionsFor(name, settings)).filterBy([...FILTER_KEYS])]),
  );
  // In a cluster, each process publishes its room count as soon as it changes: placement reads it.
  if (membership) for (const handler of Object.values(rooms)) handler.on('create', () => membership.roomsChanged()).on('dispose', () => membership.roomsChanged());
  const server = defineServer({
    ...(membership ? { presence: membership.presence, driver: membership.driver, selectProcessIdToCreateRoom: selectProcessForRoom } : {}),
    ...(publicAddress !== null ? { publicAddress } : {}),
    rooms,
    // Frames above MAX_FRAME_BYTES close the socket; the room answers MESSAGE_TOO_LARGE above MAX_MESSAGE_BYTES.
    transport: new WebSocketTransport({ maxPayload: MAX_FRAME_BYTES }),
    greet: opts.greet ?? false,
    gracefullyShutdown: opts.gracefullyShutdown ?? true,
    express: (app) => {
      // In a cluster, the routes that read or create rooms need Redis: 503 CLUSTER_UNAVAILABLE at once while it is away.
      app.use(['/api/rooms', '/api/substrates/:name/rooms', '/api/cluster', '/monitor/api'], (_req: Request, res: Response, next: NextFunction) => {
        if (cluster === null || cluster.ready) return next();
        res.status(503).json({ code: 'CLUSTER_UNAVAILABLE', message: clusterUnavailable().message.replace(/^CLUSTER_UNAVAILABLE: /, '') });
      });
      mountDashboardApi(app, settings, requireOperator(adminToken)); // history, replays, room creation
      mountRoutes(app, adminToken);
    },
  });
  if (membership) {
    server.onBeforeShutdown(() => membership.leave());
    server.onShutdown(async () => {
      if (cluster === membership) cluster = null;
    });
  }
  return server;
}

/** host:port others reach this process at: CRUCIBLE_ADVERTISE_HOST, else the bound address (the host name if every interface). */
function advertisedAddress(server: Server, port: number): string {
  const given = process.env.CRUCIBLE_ADVERTISE_HOST;
  if (given) return `${given}:${port}`;
  const host = boundHost(server);
  return `${host === '0.0.0.0' || host === '[::]' ? hostname() : host}:${port}`;
}

/**
 * Listen on `port` (0 = any free port) and return the port actually bound. Rejects when the port cannot be bound
 * (EADDRINUSE, EACCES): Colyseus only listens for the HTTP server's errors once it is listening.
 */
export async function listen(server: Server, port: number, host?: string): Promise<number> {
  const http = server.transport.server;
  let onError: ((err: Error) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    onError = reject;
    http?.once('error', onError);
  });
  try {
    await Promise.race([server.listen(port, host), failed]);
  } finally {
    if (onError) http?.off('error', onError);
  }
  const address = http?.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  // In a cluster: list this process's address (the front routes to it) and start the liveness checks.
  if (cluster !== null) await cluster.join(advertisedAddress(server, bound), cluster.node ?? nodeName(bound));
  return bound;
}

/** The address the server is bound to, as a URL host: `127.0.0.1`, `[::1]`, … */
export function boundHost(server: Server): string {
  const address = server.transport.server?.address();
  if (typeof address !== 'object' || address === null) return 'localhost';
  return address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** ws://host:port */
  url: string;
  /** http://host:port */
  httpUrl: string;
  /** Graceful shutdown without exiting the process. */
  close(): Promise<void>;
}

/**
 * Build and start a server in-process (tests, notebooks, load tests): port 0 by default, no signal handlers.
 * Only one Colyseus server can run per process (the matchmaker is process-wide): close it before starting another.
 */
export async function startServer(opts: AppOptions & { port?: number; host?: string } = {}): Promise<RunningServer> {
  const { port = 0, host = '127.0.0.1', ...app } = opts;
  const server = createServer({ gracefullyShutdown: false, ...app });
  const bound = await listen(server, port, host);
  return {
    server,
    port: bound,
    url: `ws://${host}:${bound}`,
    httpUrl: `http://${host}:${bound}`,
    close: () => server.gracefullyShutdown(false),
  };
}

function sendError(res: Response, status: number, err: CrucibleError): void {
  res.status(status).json(err.toJSON());
}

/** The listing of a room of ours, or null (unknown id, or a room of another kind). */
async function findRoom(roomId: string): Promise<{ roomId: string; name: string } | null> {
  const listing = await matchMaker.getRoomById(roomId);
  if (!listing || !substrateNames().includes(listing.name)) return null;
  return listing;
}

function unknownRoom(roomId: string): CrucibleError {
  return new CrucibleError('UNKNOWN_ROOM', `no room with id ${JSON.stringify(roomId.slice(0, 64))}; GET /api/rooms lists the running rooms`, {
    value: roomId.slice(0, 64),
  });
}

let catalogue: Record<string, unknown>[] | null = null;

/**
 * What GET /api/substrates answers: every substrate with its specs and content hash, and its scenarios. The registry
 * is fixed when the process starts, so this is built once; `createServer` builds it before the first request, since
 * hashing every substrate and scenario takes over 100 ms of the event loop (an honest agent's tick would wait).
 */
export function substrateCatalogue(): Record<string, unknown>[] {
  return (catalogue ??= buildCatalogue());
}

function buildCatalogue(): Record<string, unknown>[] {
  return substrateNames().map((name) => {
    const s = getSubstrate(name);
    return {
      name,
      description: s.description,
      players: s.population.players,
      actions: s.actions.map((a) => a.name),
      map: s.map,
      observations: s.observation.names,
      hash: substrateHash(name),
      // Names, shapes, dtypes and bounds of what an agent or controller receives, per observation mode (scale 1).
      specs: { rgb: substrateSpecs(s, 'rgb'), symbolic: substrateSpecs(s, 'symbolic') },
      scenarios: scenariosOf(name).map((sc) => ({
        name: sc.name,
        description: sc.description,
        players: sc.isFocal.length,
        focal: sc.isFocal.filter(Boolean).length,
        isFocal: sc.isFocal,
        bots: sc.bots,
        tags: sc.tags,
        hash: scenarioHash(sc.name),
        /** Melting Pot's bots are played by scripted stand-ins (systems/policies/scriptedBots.ts). */
        scriptedStandIns: sc.bots.some((b) => findBotSpec(b) !== undefined),
      })),
    };
  });
}

function mountRoutes(app: Application, adminToken: string | null): void {

  // The monitor inspects, messages and disposes rooms: the operator only, and only through its own calls.
  app.use('/monitor', requireOperator(adminToken));
  app.use('/monitor/api/room/call', restrictMonitorCalls);
  // The monitor's own page links a Google Fonts stylesheet its icons do not use (they are SVG): serve it without
  // that link, so the page asks nothing of the internet and works offline.
  app.get(['/monitor/', '/monitor/index.html'], (req, res) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/') && !req.originalUrl.includes('index.html')) return res.redirect(302, '/monitor/');
    res.type('html').send(monitorPage());
  });
  app.use(
    '/monitor',
    monitor({ columns: ['roomId', 'name', 'clients', { metadata: 'scenario' }, { metadata: 'tickRate' }, { metadata: 'lockstep' }, 'elapsedTime'] }),
  );

  mountHttpAgents(app, substrateNames());

  // The processes of the cluster and what each holds (no addresses: clients never need them).
  app.get('/api/cluster', async (_req, res) => {
    if (cluster === null) return res.json({ cluster: false, processId: matchMaker.processId, processes: [] });
    const [live, stats] = await Promise.all([liveProcesses(cluster.redis), matchMaker.stats.fetchAll()]);
    res.json({
      cluster: true,
      processId: matchMaker.processId,
      processes: live
        .map((e) => {
          const st = stats.find((x) => x.processId === e.processId);
          return { processId: e.processId, node: e.node, startedAt: e.startedAt, rooms: st?.roomCount ?? 0, clients: st?.ccu ?? 0 };
        })
        .sort((a, b) => a.node.localeCompare(b.node)),
    });
  });

  app.get('/api/substrates', (_req, res) => {
    res.json(substrateCatalogue());
  });

  const schema = protocolSchema();
  app.get('/api/schema', (_req, res) => {
    res.json(schema);
  });

  app.get('/api/rooms', async (_req, res) => {
    const names = substrateNames();
    const listings = (await matchMaker.query({})).filter((r) => names.includes(r.name));
    const rooms = await Promise.all(
      listings.map(async (r) => {
        try {
          const d = (await matchMaker.remoteRoomCall<SubstrateRoom>(r.roomId, 'describe')) as Record<string, unknown>;
          // In a cluster, which process holds the room (clients need not know: the front routes by it).
          return cluster ? { ...d, processId: r.processId } : d;
        } catch {
          // The room is disposing or its process is unreachable: report what the listing knows.
          const md = (r.metadata ?? {}) as Record<string, unknown>;
          return { roomId: r.roomId, substrate: r.name, scenario: md.scenario ?? null, clients: r.clients, tickRate: md.tickRate, lockstep: md.lockstep };
        }
      }),
    );
    res.json(rooms);
  });

  app.get('/api/rooms/:id/metrics', async (req, res) => {
    const room = await findRoom(req.params.id);
    if (!room) return sendError(res, 404, unknownRoom(req.params.id));
    try {
      res.json(await matchMaker.remoteRoomCall<SubstrateRoom>(room.roomId, 'metricsReport'));
    } catch {
      sendError(res, 404, unknownRoom(req.params.id));
    }
  });

  app.get('/api/rooms/:id/world.png', async (req, res) => {
    const room = await findRoom(req.params.id);
    if (!room) return sendError(res, 404, unknownRoom(req.params.id));
    try {
      // The tick shown and each avatar's x,y,facing at that tick (the dashboard draws its labels from these).
      const f = (await matchMaker.remoteRoomCall<SubstrateRoom>(room.roomId, 'worldFrameBase64')) as { png: string; tick: number; episode: number; agents: string };
      res.set({ 'X-Crucible-Tick': String(f.tick), 'X-Crucible-Episode': String(f.episode), 'X-Crucible-Agents': f.agents, 'Cache-Control': 'no-store' });
      res.type('image/png').send(Buffer.from(f.png, 'base64'));
    } catch {
      sendError(res, 404, unknownRoom(req.params.id));
    }
  });

  // Any other path under /api (a mistyped route, or `/api/rooms/./metrics` that a URL parser folds into one): a
  // coded JSON 404 like every other API answer, never Express's HTML page.
  app.use('/api', (_req, res) => {
    sendError(res, 404, new CrucibleError('UNKNOWN_ROUTE', 'no API route has this path and method; GET /api/schema and the README (HTTP) list them'));
  });

  // The dashboard (another part of the project writes server/public/); a placeholder until it exists.
  app.use(express.static(PUBLIC_DIR, { index: 'index.html' }));
  // Browsers ask for it on every page; without one the page logs a 404 (a file in server/public wins).
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.get('/', (_req, res) => {
    if (existsSync(`${PUBLIC_DIR}index.html`)) return res.sendFile(`${PUBLIC_DIR}index.html`);
    res
      .type('html')
      .send('<!doctype html><title>Crucible</title><h1>Crucible</h1><p>The dashboard is not built yet. See <a href="/api/rooms">/api/rooms</a>, <a href="/api/substrates">/api/substrates</a> and <a href="/monitor">/monitor</a>.</p>');
  });

  // Last: a route that throws or rejects answers a coded JSON error (no stack trace, no echo of the request).
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) console.error(`HTTP route failed: ${err instanceof Error ? err.stack : typeof err}`);
    if (res.headersSent) return;
    const clientError = status >= 400 && status < 500;
    sendError(res, status, new CrucibleError(clientError ? 'MALFORMED_REQUEST' : 'INTERNAL_ERROR', clientError ? 'the request could not be read' : 'the server failed while answering this request'));
  });
}
