/**
 * A Colyseus client at the socket level, for tests and the attack replay (loadtest/attack.ts): it reserves a seat
 * over HTTP, opens the WebSocket with the `ws` package (the copy @colyseus/ws-transport uses, so no dependency of
 * our own), confirms the join like the SDK does, and hands over the raw socket — which a test can stop reading
 * (`pause()`), or write anything to (invalid frames). Observations are decoded from the "obs" messages.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { decodeObservation, MessageType, type Observation } from '../client/protocol.js';
import { matchmake, roomSocketUrl } from './rawClient.js';

/** The part of ws's WebSocket used here. */
export interface RawWs {
  readonly readyState: number;
  _socket: Socket;
  send(data: Uint8Array | string): void;
  close(code?: number): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): void;
  on(event: 'open' | 'error', fn: (arg?: unknown) => void): void;
}

type WsCtor = new (url: string) => RawWs;
const WebSocketClass = (createRequire(createRequire(import.meta.url).resolve('@colyseus/ws-transport'))('ws') as { WebSocket: WsCtor }).WebSocket;

/** Colyseus protocol codes used here (@colyseus/shared-types Protocol). */
const JOIN_ROOM = 10;
const ROOM_DATA_BYTES = 17;

export interface RawClient {
  ws: RawWs;
  sessionId: string;
  roomId: string;
  /** Observations received so far (decoded). */
  observations: Observation[];
  /** The close code, once closed. */
  closeCode: number | null;
}

/** Reserve a seat with `method` (joinById needs roomId) and connect. Rejects with the server's answer on a refusal. */
export async function rawJoin(httpUrl: string, method: 'create' | 'joinById', target: string, options: Record<string, unknown>): Promise<RawClient> {
  // The reservation, as the wire-protocol client makes it (loadtest/rawClient.ts): rejects with the server's answer.
  const reservation = await matchmake(httpUrl, method, target, options);
  const { sessionId, roomId } = reservation;
  const ws = new WebSocketClass(roomSocketUrl(httpUrl, reservation));
  const client: RawClient = { ws, sessionId, roomId, observations: [], closeCode: null };
  ws.on('close', (code: number) => (client.closeCode = code));
  ws.on('message', (data: Buffer) => {
    if (data[0] === JOIN_ROOM) ws.send(Uint8Array.of(JOIN_ROOM));
    else if (data[0] === ROOM_DATA_BYTES && data[1] === 0xa0 + MessageType.Obs.length && data.toString('latin1', 2, 2 + MessageType.Obs.length) === MessageType.Obs) {
      client.observations.push(decodeObservation(new Uint8Array(data.subarray(2 + MessageType.Obs.length))));
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', (err) => reject(err instanceof Error ? err : new Error(String(err))));
  });
  return client;
}
