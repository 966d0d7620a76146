/**
 * The HTTP routes behind the dashboard's history, replay viewer and room creation.
 *
 *   GET  /api/history?substrate=&scenario=&policy=   {episodes: [...rows, newest first], facets: {substrates, scenarios, policies}}
 *   GET  /api/history.csv?…  /api/history.json?…     the same rows as a download (CSV: one return column per slot)
 *   GET  /api/history/:id                            {row, record, agents, fairness}; 404 UNKNOWN_EPISODE
 *   GET  /api/replays/:name                          the replay file (application/gzip); 404 UNKNOWN_REPLAY
 *   GET  /api/replays/:name/timeline                 per-tick returns, resource stock, zaps, interactions; the replay check
 *   GET  /api/replays/:name/frame/:tick.png[?agent=N] WORLD.RGB at that tick (with agent N's view beside it)
 *   GET  /api/replays/:name/video.mp4|video.gif     the episode as a video (rendered by ffmpeg once, then cached
 *                                                   beside the replay); 413 REPLAY_TOO_LARGE beyond the limits
 *   GET  /api/rooms/:id/agent/:slot.png              that slot's egocentric RGB view now (the dashboard's "follow")
 *   POST /api/rooms  {substrate, options}            create a room (operator only); {roomId}
 *
 * Room-changing routes go through the operator check (server/auth.ts `requireOperator`): `Authorization: Bearer
 * <CRUCIBLE_ADMIN_TOKEN>`; 401 INVALID_TOKEN without it, 403 ADMIN_DISABLED when the server has no such token.
 */
import { dirname, resolve } from 'node:path';
import { matchMaker } from '@colyseus/core';
import express, { type Application, type Request, type RequestHandler, type Response } from 'express';
import { CrucibleError, type ErrorCode } from '../ecs/errors.js';
import { substrateNames } from '../substrates/registry.js';
import { History, historyCsv, type HistoryFilter } from './history.js';
import type { ServerSettings } from './options.js';
import { ReplayLibrary } from './replayViewer.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  UNKNOWN_EPISODE: 404,
  UNKNOWN_REPLAY: 404,
  UNKNOWN_ROOM: 404,
  INVALID_REPLAY: 422,
  REPLAY_TOO_LARGE: 413,
  INVALID_OPTION: 400,
  UNKNOWN_SCENARIO: 400,
  UNKNOWN_SUBSTRATE: 404,
  INVALID_TOKEN: 401,
  OVER_BUDGET: 429,
};

function sendError(res: Response, err: unknown): void {
  if (err instanceof CrucibleError) {
    res.status(STATUS[err.code] ?? 400).json(err.toJSON());
    return;
  }
  // A room refused by its onCreate: "CODE: message" (server/rooms/SubstrateRoom.ts toServerError).
  const message = err instanceof Error ? err.message : String(err);
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(message);
  if (m) {
    res.status(STATUS[m[1] as ErrorCode] ?? 400).json({ code: m[1], message: m[2] });
    return;
  }
  res.status(500).json({ code: 'INTERNAL', message });
}

function filterOf(req: Request): HistoryFilter {
  const q = req.query;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : undefined);
  return { substrate: str(q.substrate), scenario: str(q.scenario), policy: str(q.policy) };
}

export function mountDashboardApi(app: Application, settings: ServerSettings, requireOperator: RequestHandler): void {
  const history = new History(settings.resultsFile);
  const replays = new ReplayLibrary(dirname(resolve(settings.resultsFile)));

  app.get('/api/history', (req, res) => {
    res.json({ episodes: history.list(filterOf(req)), facets: history.facets() });
  });
  app.get('/api/history.csv', (req, res) => {
    res.type('text/csv').attachment('crucible-episodes.csv').send(historyCsv(history.list(filterOf(req))));
  });
  app.get('/api/history.json', (req, res) => {
    res.attachment('crucible-episodes.json').json(history.list(filterOf(req)));
  });
  app.get('/api/history/:id', (req, res) => {
    try {
      res.json(history.detail(req.params.id));
    } catch (err) {
      sendError(res, err);
    }
  });

  app.get('/api/replays/:name', (req, res) => {
    try {
      res.type('application/gzip').attachment(req.params.name).sendFile(replays.path(req.params.name));
    } catch (err) {
      sendError(res, err);
    }
  });
  app.get('/api/replays/:name/timeline', (req, res) => {
    try {
      res.json(replays.timeline(req.params.name));
    } catch (err) {
      sendError(res, err);
    }
  });
  app.get('/api/replays/:name/frame/:tick.png', async (req, res) => {
    try {
      const tick = Number(req.params.tick);
      const agent = typeof req.query.agent === 'string' && req.query.agent !== '' ? Number(req.query.agent) : null;
      const png = await replays.frame(req.params.name, tick, agent);
      res.type('image/png').set('Cache-Control', 'max-age=3600').send(png);
    } catch (err) {
      sendError(res, err);
    }
  });

  app.get('/api/replays/:name/video.:format', async (req, res) => {
    try {
      const format = req.params.format;
      if (format !== 'mp4' && format !== 'gif') throw new CrucibleError('INVALID_OPTION', `a video is video.mp4 or video.gif, got video.${String(format).slice(0, 20)}`);
      const file = await replays.video(req.params.name, format);
      const download = `${req.params.name.slice(0, -'.replay.gz'.length)}.${format}`;
      res.type(format === 'mp4' ? 'video/mp4' : 'image/gif').attachment(download).sendFile(file);
    } catch (err) {
      sendError(res, err);
    }
  });

  app.get('/api/rooms/:id/agent/:slot.png', async (req, res) => {
    try {
      const listing = await matchMaker.getRoomById(req.params.id);
      if (!listing || !substrateNames().includes(listing.name)) throw new CrucibleError('UNKNOWN_ROOM', `no room with id ${JSON.stringify(req.params.id.slice(0, 64))}`);
      const b64 = (await matchMaker.remoteRoomCall(listing.roomId, 'agentPngBase64', [Number(req.params.slot)])) as string | null;
      if (b64 === null) throw new CrucibleError('INVALID_OPTION', `slot must be a player index of this room, got ${JSON.stringify(req.params.slot)}`);
      res.type('image/png').set('Cache-Control', 'no-store').send(Buffer.from(b64, 'base64'));
    } catch (err) {
      sendError(res, err);
    }
  });

  app.post('/api/rooms', requireOperator, express.json({ limit: '16kb' }), async (req, res) => {
    const body = (req.body ?? {}) as { substrate?: unknown; options?: unknown };
    const substrate = body.substrate;
    if (typeof substrate !== 'string' || !substrateNames().includes(substrate)) {
      return sendError(
        res,
        new CrucibleError('UNKNOWN_SUBSTRATE', `substrate must be one of ${substrateNames().join(', ')}, got ${JSON.stringify(substrate)}`, { allowed: substrateNames() }),
      );
    }
    const options = body.options ?? {};
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      return sendError(res, new CrucibleError('INVALID_OPTION', 'options must be an object of create options'));
    }
    try {
      const room = await matchMaker.createRoom(substrate, options as Record<string, unknown>);
      res.status(201).json({ roomId: room.roomId, substrate });
    } catch (err) {
      sendError(res, err);
    }
  });
}
