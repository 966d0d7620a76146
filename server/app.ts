/**
 * The Crucible server: one room type per registered substrate (joinable by the substrate's name), the WebSocket
 * transport, and the HTTP routes — the JSON API, the Colyseus monitor and the dashboard.
 *
 *   GET /api/substrates               name, description, players, action names, scenarios of every substrate
 *   GET /api/rooms                    every running room: roomId, substrate, scenario, clients, agents, tick, …
 *   GET /api/rooms/:id/metrics        tick, episode, metrics snapshot and series, performance, agents, errors, …
 *   GET /api/rooms/:id/world.png      the room's current WORLD.RGB
 *   /monitor                          @colyseus/monitor
 *   /                                 the dashboard (server/public/index.html when present)
 *
 * Rooms are reached through the matchmaker (query + remoteRoomCall), never through a module-level map.
 */
import './node20.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineRoom, defineServer, matchMaker, type Server } from '@colyseus/core';
import { monitor } from '@colyseus/monitor';
import { WebSocketTransport } from '@colyseus/ws-transport';
import express, { type Application, type Response } from 'express';
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { scenariosOf } from '../substrates/scenarios.js';
import { MAX_FRAME_BYTES } from './messages.js';
import { DEFAULT_RESULTS_FILE, type ServerSettings } from './options.js';
import { handlerOptionsFor, SubstrateRoom } from './rooms/SubstrateRoom.js';
import { substrateSpecs } from './specs.js';

export interface AppOptions {
  /** Default results file (default env CRUCIBLE_RESULTS, else results/episodes.jsonl). */
  resultsFile?: string;
  /** Agent join token (default env CRUCIBLE_TOKEN; unset or empty = no token needed). */
  token?: string | null;
  /** Print the Colyseus banner (default false). */
  greet?: boolean;
  /** Install SIGTERM/SIGINT handlers that shut down gracefully and exit (default true; tests pass false). */
  gracefullyShutdown?: boolean;
}

/** joinOrCreate only joins a room whose create options match these, when the client gives them. */
const FILTER_KEYS = ['scenario', 'seed', 'tickRate', 'lockstep', 'scale', 'fillFocal', 'maxSteps'] as const;

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export function serverSettings(opts: AppOptions = {}): ServerSettings {
  const envToken = process.env.CRUCIBLE_TOKEN;
  const token = opts.token !== undefined ? opts.token : envToken !== undefined && envToken !== '' ? envToken : null;
  return Object.freeze({
    resultsFile: opts.resultsFile ?? process.env.CRUCIBLE_RESULTS ?? DEFAULT_RESULTS_FILE,
    token: token === '' ? null : token,
  });
}

export function createServer(opts: AppOptions = {}): Server {
  const settings = serverSettings(opts);
  const rooms = Object.fromEntries(
    substrateNames().map((name) => [name, defineRoom(SubstrateRoom, handlerOptionsFor(name, settings)).filterBy([...FILTER_KEYS])]),
  );
  return defineServer({
    rooms,
    // Frames above MAX_FRAME_BYTES close the socket; the room answers MESSAGE_TOO_LARGE above MAX_MESSAGE_BYTES.
    transport: new WebSocketTransport({ maxPayload: MAX_FRAME_BYTES }),
    greet: opts.greet ?? false,
    gracefullyShutdown: opts.gracefullyShutdown ?? true,
    express: (app) => mountRoutes(app),
  });
}

/** Listen on `port` (0 = any free port) and return the port actually bound. */
export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await server.listen(port, host);
  const address = server.transport.server?.address();
  return typeof address === 'object' && address !== null ? address.port : port;
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

export function substrateCatalogue(): Record<string, unknown>[] {
  return substrateNames().map((name) => {
    const s = getSubstrate(name);
    return {
      name,
      description: s.description,
      players: s.population.players,
      actions: s.actions.map((a) => a.name),
      map: s.map,
      observations: s.observation.names,
      // Names, shapes, dtypes and bounds of what an agent or controller receives, per observation mode (scale 1).
      specs: { rgb: substrateSpecs(s, 'rgb'), symbolic: substrateSpecs(s, 'symbolic') },
      scenarios: scenariosOf(name).map((sc) => ({
        name: sc.name,
        description: sc.description,
        focal: sc.isFocal.filter(Boolean).length,
        bots: sc.bots,
      })),
    };
  });
}

function mountRoutes(app: Application): void {
  app.use(
    '/monitor',
    monitor({ columns: ['roomId', 'name', 'clients', { metadata: 'scenario' }, { metadata: 'tickRate' }, { metadata: 'lockstep' }, 'elapsedTime'] }),
  );

  app.get('/api/substrates', (_req, res) => {
    res.json(substrateCatalogue());
  });

  app.get('/api/rooms', async (_req, res) => {
    const names = substrateNames();
    const listings = (await matchMaker.query({})).filter((r) => names.includes(r.name));
    const rooms = await Promise.all(
      listings.map(async (r) => {
        try {
          return (await matchMaker.remoteRoomCall<SubstrateRoom>(r.roomId, 'describe')) as Record<string, unknown>;
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
      const b64 = (await matchMaker.remoteRoomCall<SubstrateRoom>(room.roomId, 'worldPngBase64')) as string;
      res.type('image/png').send(Buffer.from(b64, 'base64'));
    } catch {
      sendError(res, 404, unknownRoom(req.params.id));
    }
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
}
