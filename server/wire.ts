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
 */
import type { Socket } from 'node:net';
import { ClientState, enqueueClientRaw, getMessageBytes, Protocol, type Client, type ClientPrivate } from '@colyseus/core';
import { MessageType } from '../client/protocol.js';

/** What is read from the transport's client reference (a `ws` WebSocket on the WebSocket transport). */
interface WsLike {
  readyState: number;
  _socket?: Socket | null;
  _extensions?: Record<string, unknown>;
}

const WS_OPEN = 1;
/** FIN + binary opcode. */
const WS_BINARY_FINAL = 0x82;

/** Colyseus header of a binary message of `type`: ROOM_DATA_BYTES, then the type as a msgpack string. */
function bytesMessageHeader(type: string): Uint8Array {
  return Uint8Array.from(getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, type, undefined, new Uint8Array(0)));
}

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

  /** `type`: the binary message type the frame goes out as ("obs" for agents, "step" for controllers). */
  constructor(
    frameLength: number,
    private readonly type: string = MessageType.Obs,
  ) {
    const header = bytesMessageHeader(type);
    const payload = header.length + frameLength;
    const wsHeader = wsHeaderLength(payload);
    this.frameAt = wsHeader + header.length;
    this.buffer = Buffer.alloc(this.frameAt + frameLength);
    writeWsHeader(this.buffer, 0, payload);
    this.buffer.set(header, wsHeader);
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

  /** Forget the queued messages (the agent is gone). */
  clear(): void {
    this.pending.length = 0;
    this.pendingBytes = 0;
  }

  /**
   * Send the queued messages, then `frame` (the observation frame, exactly `frameLength` bytes) as an "obs"
   * message. Returns true when all of it went out as one socket write, false when through Colyseus.
   */
  send(client: Client, frame: Uint8Array): boolean {
    const socket = writableSocket(client);
    if (socket === null) {
      for (const m of this.pending) enqueueClientRaw(client as Client & ClientPrivate, m);
      this.clear();
      client.sendBytes(this.type, frame);
      return false;
    }
    this.buffer.set(frame, this.frameAt);
    if (this.pending.length === 0) {
      socket.write(this.buffer);
      return true;
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
    this.clear();
    socket.write(out);
    return true;
  }
}
