/**
 * Make the Colyseus SDK in this process use the `ws` package (the copy @colyseus/ws-transport uses) rather than
 * Node 22's built-in WebSocket: the load-test bots read observation frames straight off ws's 'message' event as
 * Buffers (loadtest/botWorker.ts). The SDK picks `globalThis.WebSocket || ws` when it is first imported, so this
 * module must be imported before it.
 */
import { createRequire } from 'node:module';

const fromTransport = createRequire(createRequire(import.meta.url).resolve('@colyseus/ws-transport'));
(globalThis as { WebSocket?: unknown }).WebSocket = (fromTransport('ws') as { WebSocket: unknown }).WebSocket;

export {};
