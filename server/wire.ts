/**
 * What an agent gets each tick, written as ONE socket write with no allocation of ours on the common path.
 *
 * `client.sendBytes` (Colyseus) copies a frame twice and allocates a Buffer per message, then ws frames it with a
 * second allocation and a corked two-buffer writev; every other message (an error, the episode summary) is one
 * more write. On these machines a socket write costs 5–8 µs of CPU by itself and that path adds 3–5 µs per agent
 * per tick (loadtest/README.md). Here each seat keeps one buffer laid out as the bytes that go on the wire — the
 * WebSocket frame header (server frames are unmasked), the Colyseus message header (ROOM_DATA_BYTES and the type
 * "obs") and the observation frame — and sends it with `socket.write`. Messages queued for the agent since its
 * last observation (deferred rejections, the terminal observation and the episode summary at an episode end) go
 * out in the same write, as WebSocket frames in front of it. The client receives byte for byte what the
 * corresponding `client.send` / `client.sendBytes` calls would have sent, in the same order.
 *
 * The single write is used only when it is safe; otherwise every message goes through Colyseus (which copies):
 * - the client has completed its join (Colyseus queues messages for a joining client) and its socket is open;
 * - no WebSocket extension was negotiated (permessage-deflate would need ws's own framing);
 * - the socket has nothing queued: a write that did not complete keeps a reference to our buffer, so it must not
 *   be refilled until the socket has flushed. This also keeps our frames behind anything ws has queued.
 *
 * Backpressure: an agent that does not read its socket fast enough must not grow the server's memory. When the
 * bytes waiting to go out to it (ws `bufferedAmount`: the socket's unsent bytes plus ws's own queue) pass
 * `backlogLimit(frame)` (8 observations, at least 256 KB), its observation is not sent at all: it is dropped and
 * counted, and the next observation it does get carries ObsFlag.Dropped. Messages queued for it (rejections, the
 * episode summary) wait for that next observation. An agent that stays over the bound for SLOW_CONSUMER_MS is
 * closed with CLOSE_SLOW_CONSUMER (the room checks twice a second; a socket that still has not closed SLOW_CONSUMER_GRACE_MS
 * later is destroyed, since a close frame cannot reach a client that does not read).
 */
import type { Socket } from 'node:net';
import { ClientState, enqueueClientRaw, getMessageBytes, Protocol, type Client, type ClientPrivate } from '@colyseus/core';
import { MessageType } from '../client/protocol.js';

/** What is read from the transport's client reference (a `ws` WebSocket on the WebSocket transport). */
interface WsLike {
  readyState: number;
  bufferedAmount?: number;
  _socket?: Socket | null;
  _extensions?: Record<string, unknown>;
}

/** Least backlog (bytes) at which an agent's observations are dropped. */
export const MIN_BACKLOG_BYTES = 256 * 1024;
/** Observations' worth of backlog at which an agent's observations are dropped (if more than MIN_BACKLOG_BYTES). */
export const BACKLOG_FRAMES = 8;
/**
 * How long (ms) a client may stay over its backlog bound before it is closed with CLOSE_SLOW_CONSUMER. Shorter than
 * the transport's ping timeout (2 missed pings 3 s apart), so a client that stops reading gets this coded close.
 */
export const SLOW_CONSUMER_MS = 2000;
/** How long (ms) after that close a socket that has not closed is destroyed. */
export const SLOW_CONSUMER_GRACE_MS = 2000;

/** The backlog bound for an agent whose observations are `frameBytes` long. */
export function backlogLimit(frameBytes: number): number {
  return Math.max(MIN_BACKLOG_BYTES, BACKLOG_FRAMES * frameBytes);
}

/** Bytes waiting to go out to `client` (0 when its socket is gone). */
export function backlog(client: Client): number {
  const ws = client.ref as unknown as WsLike | undefined;
  if (!ws) return 0;
  if (typeof ws.bufferedAmount === 'number') return ws.bufferedAmount;
  return ws._socket?.writableLength ?? 0;
}

/** What `AgentWire.send` did with an observation. */
export const SendOutcome = { OneWrite: 0, Colyseus: 1, Dropped: 2 } as const;
export type SendOutcome = (typeof SendOutcome)[keyof typeof SendOutcome];

const WS_OPEN = 1;
/** FIN + binary opcode. */
const WS_BINARY_FINAL = 0x82;

/** Colyseus header of a binary "obs" message: ROOM_DATA_BYTES, then the type as a msgpack string. */
const OBS_MESSAGE_HEADER: Uint8Array = Uint8Array.from(getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, MessageType.Obs, undefined, new Uint8Array(0)));

/** Bytes of the WebSocket frame header for a payload of `n` bytes (server → client, unmasked). */
function wsHeaderLength(n: number): number {
  return n <= 125 ? 2 : n <= 0xffff ? 4 : 10;
}

/** Write a WebSocket binary frame header for a payload of `n` bytes at `at`; returns the offset after it. */
function writeWsHeader(b: Buffer, at: number, n: number): number {
  b[at] = WS_BINARY_FINAL;
  if (n <= 125) {
    b[at + 1] = n;
    return at + 2;
  }
  if (n <= 0xffff) {
    b[at + 1] = 126;
    b.writeUInt16BE(n, at + 2);
    return at + 4;
  }
  b[at + 1] = 127;
  b.writeBigUInt64BE(BigInt(n), at + 2);
  return at + 10;
}

function hasKeys(o: Record<string, unknown> | undefined): boolean {
  for (const _ in o) return true;
  return false;
}

/** The client's socket when one write of our own is safe now (see the file comment), else null. */
function writableSocket(client: Client): Socket | null {
  const ws = client.ref as unknown as WsLike | undefined;
  const socket = ws?._socket;
  if (client.state !== ClientState.JOINED || ws!.readyState !== WS_OPEN || !socket || socket.destroyed) return null;
  if (socket.writableLength !== 0 || hasKeys(ws!._extensions)) return null;
  return socket;
}

/** A complete Colyseus message (as `client.send(type, payload)` would send it), for `AgentWire.queue`. */
export function encodeMessage(type: string, payload: unknown): Buffer {
  return getMessageBytes.raw(Protocol.ROOM_DATA, type, payload);
}

/** A complete Colyseus "obs" message carrying a copy of `frame`, for `AgentWire.queue`. */
export function encodeObservation(frame: Uint8Array): Buffer {
  return getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, MessageType.Obs, undefined, frame);
}

/** One agent's send path: its observation frame on the wire, and the messages waiting to go with it. */
export class AgentWire {
  /** WebSocket header + Colyseus header + observation frame. */
  private readonly buffer: Buffer;
  private readonly frameAt: number;
  /** Complete Colyseus messages (owned: never written to again) to send before the next observation. */
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly limit: number;
  /** Observations dropped since the last one sent (the next one carries ObsFlag.Dropped), and in all. */
  droppedSinceSent = 0;
  dropped = 0;
  /** When (ms, performance.now) the backlog last went over the bound; -1 while under it. */
  behindSince = -1;
  /** The largest backlog seen before a send (bytes). */
  maxBacklog = 0;

  constructor(frameLength: number) {
    this.limit = backlogLimit(frameLength);
    const payload = OBS_MESSAGE_HEADER.length + frameLength;
    const wsHeader = wsHeaderLength(payload);
    this.frameAt = wsHeader + OBS_MESSAGE_HEADER.length;
    this.buffer = Buffer.alloc(this.frameAt + frameLength);
    writeWsHeader(this.buffer, 0, payload);
    this.buffer.set(OBS_MESSAGE_HEADER, wsHeader);
  }

  /** Messages waiting for the next observation. */
  get queued(): number {
    return this.pending.length;
  }

  /** Send `message` (from `encodeMessage` / `encodeObservation`) together with the next observation. */
  queue(message: Buffer): void {
    this.pending.push(message);
    this.pendingBytes += wsHeaderLength(message.length) + message.length;
  }

  /** Forget the queued messages (the agent is gone) and its backlog state. */
  clear(): void {
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.behindSince = -1;
  }

  /** How long (ms) the agent has been over its backlog bound at `now` (0 when it is not). */
  behindFor(now: number): number {
    return this.behindSince < 0 ? 0 : now - this.behindSince;
  }

  /**
   * Send the queued messages, then `frame` (the observation frame, exactly `frameLength` bytes) as an "obs"
   * message: as one socket write, through Colyseus, or not at all when the agent's backlog is over its bound.
   */
  send(client: Client, frame: Uint8Array): SendOutcome {
    const waiting = backlog(client);
    if (waiting > this.maxBacklog) this.maxBacklog = waiting;
    if (waiting > this.limit) {
      if (this.behindSince < 0) this.behindSince = performance.now();
      this.droppedSinceSent++;
      this.dropped++;
      return SendOutcome.Dropped;
    }
    this.behindSince = -1;
    this.droppedSinceSent = 0;
    const socket = writableSocket(client);
    if (socket === null) {
      for (const m of this.pending) enqueueClientRaw(client as Client & ClientPrivate, m);
      this.pending.length = 0;
      this.pendingBytes = 0;
      client.sendBytes(MessageType.Obs, frame);
      return SendOutcome.Colyseus;
    }
    this.buffer.set(frame, this.frameAt);
    if (this.pending.length === 0) {
      socket.write(this.buffer);
      return SendOutcome.OneWrite;
    }
    // Rare (a rejection, an episode end): one buffer with every queued frame in front of the observation.
    const out = Buffer.allocUnsafe(this.pendingBytes + this.buffer.length);
    let at = 0;
    for (const m of this.pending) {
      at = writeWsHeader(out, at, m.length);
      out.set(m, at);
      at += m.length;
    }
    out.set(this.buffer, at);
    this.pending.length = 0;
    this.pendingBytes = 0;
    socket.write(out);
    return SendOutcome.OneWrite;
  }
}
