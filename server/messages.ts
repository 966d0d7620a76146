/**
 * Validation of client messages. Pure functions: each returns the parsed value or a CrucibleError with the code
 * the client gets back; the room only routes. Limits are in one place here.
 */
import { CrucibleError } from '../ecs/errors.js';

/** Largest client message accepted (bytes on the wire, msgpack-encoded payload plus framing). */
export const MAX_MESSAGE_BYTES = 4096;
/** Hard cap of the WebSocket transport: larger frames close the connection (ws error 1009) before any parsing. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Most WORLD.RGB frames per second a client may request. */
export const MAX_WORLD_FPS = 10;

export interface ActionMessage {
  tick: number;
  action: number;
  /** The episode of the observation answered (optional: rules out taking an old episode's action as a late one). */
  episode?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * `{tick, action, episode?}`: tick a non-negative integer, action an integer index into a table of `actionCount`
 * actions, episode (when present) a non-negative integer.
 */
export function parseAction(payload: unknown, actionCount: number): ActionMessage | CrucibleError {
  if (!isRecord(payload)) {
    return new CrucibleError('MALFORMED_MESSAGE', `an action message must be an object {tick, action}, got ${describe(payload)}`);
  }
  const { tick, action } = payload;
  if (typeof tick !== 'number' || !Number.isInteger(tick) || tick < 0) {
    return new CrucibleError('MALFORMED_MESSAGE', `action.tick must be the non-negative integer tick of the last observation, got ${describe(tick)}`);
  }
  if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= actionCount) {
    return new CrucibleError('INVALID_ACTION', `action must be an integer from 0 to ${actionCount - 1}, got ${describe(action)}`, {
      value: typeof action === 'number' || typeof action === 'string' ? action : describe(action),
      allowed: { min: 0, max: actionCount - 1 },
    });
  }
  const { episode } = payload;
  if (episode === undefined) return { tick, action };
  if (typeof episode !== 'number' || !Number.isInteger(episode) || episode < 0) {
    return new CrucibleError('MALFORMED_MESSAGE', `action.episode, when given, must be the non-negative integer episode of the last observation, got ${describe(episode)}`);
  }
  return { tick, action, episode };
}

/** `{fps}`: 0 stops the frames; at most MAX_WORLD_FPS. */
export function parseWorldRequest(payload: unknown): number | CrucibleError {
  if (!isRecord(payload) || typeof payload.fps !== 'number' || !Number.isFinite(payload.fps) || payload.fps < 0) {
    return new CrucibleError('MALFORMED_MESSAGE', `a world request must be {fps} with fps a number from 0 to ${MAX_WORLD_FPS}, got ${describe(payload)}`);
  }
  return Math.min(payload.fps, MAX_WORLD_FPS);
}

/** A short description of a bad value for error messages (never echoes large input back). */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v instanceof Uint8Array) return `${v.byteLength} raw bytes`;
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
