/**
 * Operator credentials and cross-origin policy for the HTTP side.
 *
 * Operator routes (the monitor: it inspects, messages and disposes rooms) need CRUCIBLE_ADMIN_TOKEN, presented as
 * `Authorization: Bearer <token>` (scripts) or as the password of HTTP Basic auth with any user name (browsers:
 * the monitor page then prompts for it). Without CRUCIBLE_ADMIN_TOKEN the operator routes are off and say how to
 * turn them on. Tokens are compared in constant time (both hashed first, so neither length leaks) and never appear
 * in a response.
 *
 * CORS: Colyseus answers every request with `Access-Control-Allow-Origin: <the request's Origin>` and
 * `Access-Control-Allow-Credentials: true` (matchMaker.controller.getCorsHeaders / DEFAULT_CORS_HEADERS), so any
 * web page could drive the server from a researcher's browser. `applyCorsPolicy` replaces both: no CORS header at
 * all unless the Origin is in the operator's allow-list (CRUCIBLE_CORS_ORIGINS, comma-separated origins), and never
 * credentials (the API uses bearer tokens, not cookies).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { matchMaker } from '@colyseus/core';
import type { NextFunction, Request, Response } from 'express';
import { CrucibleError } from '../ecs/errors.js';

/** Constant-time comparison of a presented secret with the expected one. */
export function sameSecret(presented: string, secret: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The token in an Authorization header: `Bearer <token>`, or the password of `Basic base64(user:password)`. */
export function presentedToken(authorization: string | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  const sp = authorization.indexOf(' ');
  if (sp < 0) return null;
  const scheme = authorization.slice(0, sp).toLowerCase();
  const value = authorization.slice(sp + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : decoded.slice(colon + 1);
  }
  return null;
}

/** Express middleware: the request must carry the operator token (401 INVALID_TOKEN, or 403 ADMIN_DISABLED). */
export function requireOperator(adminToken: string | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (adminToken === null) {
      const err = new CrucibleError(
        'ADMIN_DISABLED',
        'the monitor and the other operator routes are off; start the server with CRUCIBLE_ADMIN_TOKEN=<a long random secret> and send it as "Authorization: Bearer <token>" (or as the password when the browser asks)',
      );
      res.status(403).json(err.toJSON());
      return;
    }
    const token = presentedToken(req.headers.authorization);
    if (token === null || !sameSecret(token, adminToken)) {
      const err = new CrucibleError('INVALID_TOKEN', 'this route needs the operator token (CRUCIBLE_ADMIN_TOKEN) as "Authorization: Bearer <token>"');
      res.status(401).set('WWW-Authenticate', 'Basic realm="Crucible operator", charset="UTF-8"').json(err.toJSON());
      return;
    }
    next();
  };
}

/**
 * The monitor's own calls into rooms (what its page uses). The monitor's room/call route runs any method or reads
 * any property of a room by name; everything else (endEpisode, config, …) is refused even for the operator.
 */
export const MONITOR_ROOM_METHODS: readonly string[] = [
  'getInspectData', '_forceClientDisconnect', '_sendMessageToClient', '_editStateProperty', '_deleteStateProperty', 'disconnect', 'broadcast',
];

export function restrictMonitorCalls(req: Request, res: Response, next: NextFunction): void {
  const method = req.query.method;
  if (typeof method !== 'string' || !MONITOR_ROOM_METHODS.includes(method)) {
    const shown = typeof method === 'string' ? method.slice(0, 64) : typeof method;
    res.status(403).json(new CrucibleError('INVALID_OPTION', `the monitor may call only ${MONITOR_ROOM_METHODS.join(', ')}`, { option: 'method', value: shown }).toJSON());
    return;
  }
  next();
}

/** Parse CRUCIBLE_CORS_ORIGINS: comma-separated origins such as `https://lab.example.org,http://localhost:5173`. */
export function parseOrigins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const o = part.trim();
    if (o === '') continue;
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new RangeError(`CRUCIBLE_CORS_ORIGINS: ${JSON.stringify(o)} is not an origin such as https://example.org`);
    }
    if (url.origin !== o.replace(/\/$/, '')) throw new RangeError(`CRUCIBLE_CORS_ORIGINS: ${JSON.stringify(o)} is not an origin (scheme://host[:port], no path)`);
    out.push(url.origin);
  }
  return out;
}

const ALLOWED_HEADERS = 'Origin, X-Requested-With, Content-Type, Accept, Authorization';
const ALLOWED_METHODS = 'GET,HEAD,POST';

/**
 * Replace Colyseus's CORS answer (process-wide: the matchmaker controller is a module singleton) with the
 * allow-list. Same origin only when `origins` is empty.
 */
export function applyCorsPolicy(origins: readonly string[]): void {
  const allowed = new Set(origins);
  const controller = matchMaker.controller as unknown as {
    DEFAULT_CORS_HEADERS: Record<string, string>;
    getCorsHeaders(headers: Headers): Record<string, string>;
  };
  controller.DEFAULT_CORS_HEADERS = {};
  controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get('origin');
    if (origin === null || !allowed.has(origin)) return { Vary: 'Origin' };
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
  };
}
