/**
 * Node 20 compatibility for @colyseus/core 0.18.
 *
 * The core reads the global `WebSocket` (present from Node 22; behind --experimental-websocket in Node 20) when a
 * dropped client reconnects — `client.readyState !== WebSocket.OPEN` in Room#_onJoin — so on Node 20 every
 * reconnection fails with "WebSocket is not defined". Install the `ws` package's class (the one the transport
 * itself uses, resolved from @colyseus/ws-transport so it is always the same copy) as the global when none exists.
 * The SDK picks `globalThis.WebSocket || ws`, so clients in the same process see the same class either way.
 */
import { createRequire } from 'node:module';

if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  const fromTransport = createRequire(createRequire(import.meta.url).resolve('@colyseus/ws-transport'));
  const ws = fromTransport('ws') as { WebSocket: unknown };
  (globalThis as { WebSocket?: unknown }).WebSocket = ws.WebSocket;
}

export {};
