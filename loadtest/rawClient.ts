/**
 * A Crucible client written from the README's wire section alone ("The wire protocol"): HTTP matchmaking, a plain
 * WebSocket (`ws`), msgpack (`msgpackr`), no Colyseus SDK. The controller tests and the controller benchmark
 * (loadtest/bench/controller.ts) drive the server through it, so every byte the README promises is exercised the
 * way a client in another language would meet it.
 */
import { Packr, unpack } from 'msgpackr';
import WebSocket from 'ws';

/** Colyseus protocol codes (first byte of every WebSocket message). */
export const Code = { JOIN_ROOM: 10, ERROR: 11, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_STATE: 14, ROOM_STATE_PATCH: 15, ROOM_DATA_BYTES: 17 } as const;

const packr = new Packr({ useRecords: false });

/** A message received: JSON-like (ROOM_DATA, msgpack payload) or bytes (ROOM_DATA_BYTES). */
export type Received = { type: string; payload: unknown; bytes: null; raw: Buffer } | { type: string; payload: null; bytes: Buffer; raw: Buffer };

export interface Reservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId: string;
  /** The process's own address (host:port) when it takes WebSockets directly (CRUCIBLE_PUBLIC_ADDRESS). */
  publicAddress?: string;
}

/** Where a reservation's WebSocket opens: the process's public address when it has one, else the URL matchmade on. */
export function roomSocketUrl(httpUrl: string, r: Reservation, query = ''): string {
  const base = r.publicAddress ? `${httpUrl.startsWith('https') ? 'wss' : 'ws'}://${r.publicAddress}` : httpUrl.replace(/^http/, 'ws');
  return `${base}/${r.processId}/${r.roomId}?sessionId=${r.sessionId}${query}`;
}

export class MatchmakeError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code?: number; error?: string },
  ) {
    super(body.error ?? `matchmake failed with HTTP ${status}`);
  }
}

/** POST /matchmake/<method>/<name> with a JSON body; the reply is the seat reservation. */
export async function matchmake(httpUrl: string, method: string, name: string, options: Record<string, unknown>): Promise<Reservation> {
  const res = await fetch(`${httpUrl}/matchmake/${method}/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(options),
  });
  const body = (await res.json()) as Reservation & { code?: number; error?: string };
  if (!res.ok) throw new MatchmakeError(res.status, body);
  return body;
}

/** Read a Colyseus-encoded string (msgpack str header) at `at`; returns it and the offset after it. */
export function readTypeString(b: Buffer, at: number): [string, number] {
  const h = b[at];
  if ((h & 0xe0) === 0xa0) return [b.toString('utf8', at + 1, at + 1 + (h & 0x1f)), at + 1 + (h & 0x1f)];
  if (h === 0xd9) return [b.toString('utf8', at + 2, at + 2 + b[at + 1]), at + 2 + b[at + 1]];
  throw new Error(`unexpected type header 0x${h.toString(16)}`);
}

/** Read a Colyseus-encoded number (msgpack-like tags, LITTLE-endian bodies) at `at`. */
export function readColyseusNumber(b: Buffer, at: number): [number, number] {
  const h = b[at];
  if (h < 0x80) return [h, at + 1];
  if (h === 0xcc) return [b[at + 1], at + 2];
  if (h === 0xcd) return [b.readUInt16LE(at + 1), at + 3];
  if (h === 0xce) return [b.readUInt32LE(at + 1), at + 5];
  throw new Error(`unexpected number header 0x${h.toString(16)}`);
}

export class RawClient {
  readonly received: Received[] = [];
  /** Every raw WebSocket message, in order (the join handshake first). */
  readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | null = null;
  /** The ERROR frame of a refused connection: [code, message]. */
  joinError: [number, string] | null = null;
  reconnectionToken: string | null = null;

  private constructor(
    readonly ws: WebSocket,
    readonly reservation: Reservation,
  ) {
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  /** Matchmake, open the WebSocket and complete the handshake (acknowledging JOIN_ROOM). */
  static async join(httpUrl: string, method: string, name: string, options: Record<string, unknown>): Promise<RawClient> {
    return RawClient.open(httpUrl, await matchmake(httpUrl, method, name, options), '');
  }

  /** Come back after a drop: `reconnect` matchmaking with the JOIN_ROOM token, then the WebSocket with it. */
  static async reconnect(httpUrl: string, roomId: string, reconnectionToken: string): Promise<RawClient> {
    const r = await matchmake(httpUrl, 'reconnect', roomId, { reconnectionToken });
    return RawClient.open(httpUrl, r, `&reconnectionToken=${reconnectionToken}`);
  }

  private static async open(httpUrl: string, r: Reservation, query: string): Promise<RawClient> {
    const wsUrl = roomSocketUrl(httpUrl, r, query);
    const ws = new WebSocket(wsUrl);
    const client = new RawClient(ws, r);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.until(() => client.reconnectionToken !== null || client.joinError !== null || client.closeCode !== null, 'JOIN_ROOM');
    if (client.joinError) throw new Error(`join refused: ${client.joinError[0]} ${client.joinError[1]}`);
    return client;
  }

  private onMessage(b: Buffer): void {
    this.frames.push(b);
    const code = b[0];
    if (code === Code.JOIN_ROOM) {
      const n = b[1];
      this.reconnectionToken = b.toString('utf8', 2, 2 + n);
      // The acknowledgement: without it the server never sends anything else.
      this.ws.send(Buffer.from([Code.JOIN_ROOM]));
    } else if (code === Code.ERROR) {
      const [errCode, at] = readColyseusNumber(b, 1);
      const [message] = readTypeString(b, at);
      this.joinError = [errCode, message];
    } else if (code === Code.ROOM_DATA) {
      const [type, at] = readTypeString(b, 1);
      this.received.push({ type, payload: at < b.length ? unpack(b.subarray(at)) : undefined, bytes: null, raw: b });
    } else if (code === Code.ROOM_DATA_BYTES) {
      const [type, at] = readTypeString(b, 1);
      this.received.push({ type, payload: null, bytes: b.subarray(at), raw: b });
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolve when `cond` holds (re-checked at each message), or fail after `timeoutMs`. */
  async until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (this.closeCode !== null && !cond()) throw new Error(`connection closed (${this.closeCode}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Take (remove and return) the first received message of `type`, waiting for it. */
  async next(type: string, timeoutMs = 10_000): Promise<Received> {
    let i = -1;
    await this.until(() => (i = this.received.findIndex((m) => m.type === type)) >= 0, `a "${type}" message`, timeoutMs);
    return this.received.splice(i, 1)[0];
  }

  async nextPayload<T>(type: string, timeoutMs?: number): Promise<T> {
    return (await this.next(type, timeoutMs)).payload as T;
  }

  async nextBytes(type: string, timeoutMs?: number): Promise<Buffer> {
    const m = await this.next(type, timeoutMs);
    if (m.bytes === null) throw new Error(`"${type}" arrived as JSON, not bytes`);
    return m.bytes;
  }

  /** The bytes of a ROOM_DATA message: code 13, the type as a msgpack string, the msgpack payload. */
  static encode(type: string, payload: unknown): Buffer {
    return Buffer.concat([Buffer.from([Code.ROOM_DATA]), packr.pack(type), ...(payload === undefined ? [] : [packr.pack(payload)])]);
  }

  send(type: string, payload?: unknown): void {
    this.ws.send(RawClient.encode(type, payload));
  }

  /** Leave on purpose (LEAVE_ROOM): the server closes with 4000 and frees the slots at once. */
  async leave(): Promise<void> {
    if (this.closeCode !== null) return;
    this.ws.send(Buffer.from([Code.LEAVE_ROOM]));
    await this.until(() => this.closeCode !== null, 'the close', 5000).catch(() => this.ws.terminate());
  }
}
