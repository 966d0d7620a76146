/**
 * The cluster's one client-facing address (README, section "Cluster"). Clients never learn which process holds
 * their room: a seat reservation names the process (`processId`) and every Colyseus client (the TypeScript SDK, the
 * Python package, the dashboard) opens its WebSocket at `/<processId>/<roomId>?sessionId=…` on the URL it
 * matchmade through, so the front forwards each WebSocket upgrade to the process that reservation names (from the
 * process table in Redis, server/cluster.ts), and every other HTTP request (the JSON API, matchmaking, the
 * dashboard, the monitor) to any live process, which reaches rooms in other processes through Redis.
 *
 * Built on Node's own http and net rather than a proxy library: WebSocket bytes are piped as they are (the process
 * still checks frame sizes, rates, tokens and every message exactly as when clients connect to it directly, and a
 * client that stops reading still backs up into that process's socket, where the slow-consumer bound sees it),
 * but the front also follows the frame boundaries of what the process sends, so that when the process dies it can
 * end each of its clients' sockets with a proper close frame, code 4012 (CLOSE_PROCESS_LOST), instead of a bare
 * reset. A proxy library hands over the two sockets and cannot do that.
 *
 * The front holds no state of its own beyond the process table it re-reads every 500 ms: several fronts may serve
 * the same cluster, and one restarted is at once as good as before. A WebSocket naming a process unknown to the table
 * makes the front read the table again at once (one read at a time, at most every 100 ms): a process that joined
 * since the last read is reached straight away. One still unknown (gone, or not yet listed) is sent to any live
 * process, which refuses the seat as a single process would.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { CLOSE_PROCESS_LOST } from '../client/protocol.js';
import { liveProcesses, redisClient, type ProcessEntry } from './cluster.js';

export interface FrontOptions {
  redisUrl: string;
  port?: number;
  host?: string;
  /** How often the process table is re-read (ms; default 500). */
  refreshMs?: number;
}

export interface RunningFront {
  port: number;
  url: string;
  httpUrl: string;
  /** The processes the front routes to now. */
  processes(): ProcessEntry[];
  /** Re-read the process table now. */
  refresh(): Promise<void>;
  /** WebSocket upgrades this front has relayed (or answered with a close) since it started. */
  upgrades(): number;
  close(): Promise<void>;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65';

/** A close frame (server to client: unmasked) with a code and a reason of at most 123 bytes. */
export function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8').subarray(0, 123);
  const frame = Buffer.alloc(4 + text.length);
  frame[0] = 0x88;
  frame[1] = 2 + text.length;
  frame.writeUInt16BE(code, 2);
  text.copy(frame, 4);
  return frame;
}

const LOST_REASON = 'PROCESS_LOST: the server process holding this room stopped; its episode was not recorded';

/**
 * Follows what a process sends to one client: first the HTTP answer to the upgrade, then WebSocket frames (only
 * their headers are read), so the front knows whether it stands between two frames and whether a close was sent.
 */
export class DownstreamFrames {
  private http: Buffer | null = Buffer.alloc(0);
  /** The process answered 101 Switching Protocols. */
  upgraded = false;
  /** The process sent a close frame. */
  sawClose = false;
  private need = 0;
  private readonly hdr = Buffer.alloc(14);
  private hdrLen = 0;

  get atBoundary(): boolean {
    return this.http === null && this.need === 0 && this.hdrLen === 0;
  }

  feed(chunk: Buffer): void {
    let data = chunk;
    if (this.http !== null) {
      this.http = Buffer.concat([this.http, chunk]);
      const end = this.http.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.http.length > 65536) this.http = null; // not an HTTP answer: stop following
        return;
      }
      this.upgraded = this.http.subarray(0, 12).toString('latin1') === 'HTTP/1.1 101';
      data = this.http.subarray(end + 4);
      this.http = null;
    }
    if (!this.upgraded) return;
    let i = 0;
    while (i < data.length) {
      if (this.need > 0) {
        const take = Math.min(this.need, data.length - i);
        this.need -= take;
        i += take;
        continue;
      }
      this.hdr[this.hdrLen++] = data[i++]!;
      if (this.hdrLen < 2) continue;
      const len7 = this.hdr[1]! & 0x7f;
      const total = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (this.hdr[1]! & 0x80 ? 4 : 0);
      if (this.hdrLen < total) continue;
      const len = len7 === 126 ? this.hdr.readUInt16BE(2) : len7 === 127 ? Number(this.hdr.readBigUInt64BE(2)) : len7;
      if ((this.hdr[0]! & 0x0f) === 0x8) this.sawClose = true;
      this.need = len;
      this.hdrLen = 0;
    }
  }
}

function jsonError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ code, message }));
}

/** Complete a client's WebSocket handshake and close it at once with `code` (its process is gone). */
function acceptAndClose(req: IncomingMessage, socket: Duplex, code: number, reason: string): void {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.end(closeFrame(code, reason));
}

function forwardedFor(req: IncomingMessage): string {
  const prior = req.headers['x-forwarded-for'];
  const peer = req.socket.remoteAddress ?? '';
  return typeof prior === 'string' && prior !== '' ? `${prior}, ${peer}` : peer;
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

export async function startFront(opts: FrontOptions): Promise<RunningFront> {
  const redis: Redis = redisClient(opts.redisUrl);
  redis.on('error', () => {
    // Reconnects by itself; the table keeps its last contents meanwhile (running rooms stay reachable).
  });
  let table = new Map<string, ProcessEntry>();
  let order: ProcessEntry[] = [];
  let next = 0;
  const refresh = async (): Promise<void> => {
    if (redis.status !== 'ready') return;
    try {
      const live = await liveProcesses(redis);
      table = new Map(live.map((e) => [e.processId, e]));
      order = live.sort((a, b) => a.address.localeCompare(b.address));
    } catch {
      // Redis went away mid-read: keep the last table.
    }
  };
  /**
   * Re-read the table now for a WebSocket naming a process the table lacks (one that joined since the last read:
   * a new process is where the next rooms go). One read at a time, and at most one every 100 ms, so upgrades naming
   * unknown processes cannot turn into a stream of Redis reads; and none waits more than a second for it (a read sent
   * just as Redis went away waits for Redis to come back), after which the table as it stands decides.
   */
  let forced: Promise<void> | null = null;
  let forcedAt = -Infinity;
  const refreshForUnknown = (): Promise<void> => {
    if (forced !== null) return forced;
    if (performance.now() - forcedAt < 100) return Promise.resolve();
    forcedAt = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
    forced = Promise.race([refresh(), bound]).finally(() => {
      clearTimeout(timer);
      forced = null;
    });
    return forced;
  };
  const timer = setInterval(() => void refresh(), opts.refreshMs ?? 500);
  timer.unref();
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  await refresh();

  /** A live process other than those in `skip`, round robin. */
  const anyProcess = (skip: Set<string>): ProcessEntry | null => {
    for (let k = 0; k < order.length; k++) {
      const e = order[(next + k) % order.length]!;
      if (!skip.has(e.processId)) {
        next = (next + k + 1) % Math.max(1, order.length);
        return e;
      }
    }
    return null;
  };
  /** A process that refused a connection is left out of the table until the next refresh lists it again. */
  const drop = (e: ProcessEntry): void => {
    table.delete(e.processId);
    order = order.filter((o) => o.processId !== e.processId);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, tried: Set<string>): void => {
    const target = anyProcess(tried);
    if (target === null) {
      jsonError(res, 503, 'CLUSTER_UNAVAILABLE', order.length === 0 ? 'no server process of the cluster is running' : 'no server process of the cluster answered');
      return;
    }
    tried.add(target.processId);
    const { host, port } = splitAddress(target.address);
    const headers: http.OutgoingHttpHeaders = { ...req.headers, 'x-forwarded-for': forwardedFor(req), 'x-forwarded-host': req.headers.host ?? '' };
    // Hop-by-hop: the connection to the process is this request's own and closes after it.
    delete headers.connection;
    delete headers['keep-alive'];
    // A connection of its own per request (loopback or a private network: cheap): a kept-alive socket the process
    // closes just as it is reused would fail a request that cannot be sent again (a matchmake POST).
    const up = http.request({ host, port, method: req.method, path: req.url, headers, agent: false });
    up.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer.pipe(res);
      res.on('close', () => answer.destroy());
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      const refused = err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH';
      if (refused) drop(target);
      // A request without a body can go to another process; one with a body has been read already.
      if (refused && !res.headersSent && (req.method === 'GET' || req.method === 'HEAD')) return forward(req, res, tried);
      jsonError(res, 503, 'CLUSTER_UNAVAILABLE', 'the server process answering this request stopped; try again');
    });
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    if (req.readableEnded) up.end(); // a GET sent again to another process: its (empty) body was read already
    else req.pipe(up);
  };

  const server = http.createServer((req, res) => forward(req, res, new Set()));
  // Long polls and event streams pass through: no time limit on a request in progress beyond the process's own.
  server.requestTimeout = 0;
  const open = new Set<Duplex>();
  let upgrades = 0;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrades++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // The table may be read first (below): a client's reset meanwhile must not be an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const processId = (req.url ?? '/').split('?')[0]!.split('/')[1] ?? '';
    const known = table.get(processId);
    if (known !== undefined) relay(req, socket, head, known);
    else void refreshForUnknown().then(() => relay(req, socket, head, table.get(processId) ?? anyProcess(new Set())));
  });

  /** Relay one WebSocket to `owner` (null: no process is running). */
  const relay = (req: IncomingMessage, socket: Duplex, head: Buffer, owner: ProcessEntry | null): void => {
    if (socket.destroyed) return; // the client left while the table was read
    if (!owner) {
      acceptAndClose(req, socket, CLOSE_PROCESS_LOST, 'PROCESS_LOST: no server process of the cluster is running');
      return;
    }
    const { host, port } = splitAddress(owner.address);
    const up = net.connect({ host, port });
    const frames = new DownstreamFrames();
    let connected = false;
    (socket as net.Socket).setNoDelay?.(true);
    up.setNoDelay(true);
    up.on('connect', () => {
      connected = true;
      let head0 = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        if (name.toLowerCase() === 'x-forwarded-for') continue;
        head0 += `${name}: ${req.rawHeaders[i + 1]}\r\n`;
      }
      head0 += `X-Forwarded-For: ${forwardedFor(req)}\r\n\r\n`;
      up.write(head0);
      if (head.length > 0) up.write(head);
      socket.pipe(up);
    });
    up.on('data', (chunk: Buffer) => {
      frames.feed(chunk);
      if (!socket.write(chunk)) up.pause();
    });
    socket.on('drain', () => up.resume());
    const upstreamGone = (): void => {
      if (socket.destroyed) return;
      if (!connected) {
        drop(owner);
        acceptAndClose(req, socket, CLOSE_PROCESS_LOST, LOST_REASON);
      } else if (frames.sawClose) socket.end();
      else if (frames.upgraded && frames.atBoundary) socket.end(closeFrame(CLOSE_PROCESS_LOST, LOST_REASON));
      else socket.destroy();
    };
    up.on('error', upstreamGone);
    up.on('close', upstreamGone);
    socket.on('error', () => up.destroy());
    socket.on('close', () => up.destroy());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    port: address.port,
    url: `ws://${shownHost}:${address.port}`,
    httpUrl: `http://${shownHost}:${address.port}`,
    processes: () => [...order],
    refresh,
    upgrades: () => upgrades,
    close: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
