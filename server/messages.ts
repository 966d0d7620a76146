/**
 * Validation of client messages. Pure, total functions: whatever a client sent (any msgpack value: odd types,
 * `toString`/`valueOf` traps, proto keys, deep nesting, BigInts, bytes), each returns the parsed value or a
 * CrucibleError with the code the client gets back, and never throws; the room only routes. The payloads are
 * described in server/schema.ts (CLIENT_MESSAGES); the limits on frames are here.
 */
import { CrucibleError } from '../ecs/errors.js';
import { CLIENT_MESSAGES, MAX_WORLD_FPS, MESSAGE_PLANS, ruleOf, type ClientMessageType } from './schema.js';

export { MAX_WORLD_FPS };

/** Largest client message accepted (bytes on the wire, msgpack-encoded payload plus framing). */
export const MAX_MESSAGE_BYTES = 4096;
/** Hard cap of the WebSocket transport: larger frames close the connection (ws error 1009) before any parsing. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest excerpt of a bad value quoted back in an error message (characters). */
export const MAX_EXCERPT_CHARS = 80;

export interface ActionMessage {
  tick: number;
  action: number;
  /** The episode of the observation answered (optional: rules out taking an old episode's action as a late one). */
  episode?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** `{a, b?}`: the shape of a message's payload, for error messages. */
function shapeOf(type: ClientMessageType): string {
  const m = CLIENT_MESSAGES[type];
  const optional: readonly string[] = m.optional;
  return `{${Object.keys(m.fields).map((k) => (optional.includes(k) ? `${k}?` : k)).join(', ')}}`;
}

/**
 * Check `payload` against the schema of message `type`: the fields in their listed order, each with its own code
 * (`x-error`, else MALFORMED_MESSAGE). Only own properties count (an inherited `tick` is no tick). Returns a new
 * object holding just the schema's fields.
 */
export function parseMessage(type: ClientMessageType, payload: unknown): Record<string, unknown> | CrucibleError {
  if (!isRecord(payload)) {
    return new CrucibleError('MALFORMED_MESSAGE', `a "${type}" message must be an object ${shapeOf(type)}, got ${describe(payload)}`);
  }
  const plan = MESSAGE_PLANS[type];
  const out: Record<string, unknown> = {};
  // Fast path: one compiled check of the whole payload; field by field only to say what is wrong.
  const whole = plan.payload.Check(payload);
  for (const f of plan.fields) {
    const value = Object.hasOwn(payload, f.name) ? payload[f.name] : undefined;
    if (value === undefined && f.optional) continue;
    // `whole` alone is not enough for a missing field: a compiled check may read an inherited property.
    if (value === undefined || (!whole && !f.check.Check(value))) {
      const when = f.optional ? ', when given,' : '';
      return new CrucibleError(f.code, `${type}.${f.name}${when} must be ${ruleOf(f.schema)} (${f.schema.description}), got ${describe(value)}`, {
        field: f.name,
        value: excerpt(value),
      });
    }
    out[f.name] = value;
  }
  return out;
}

/**
 * `{tick, action, episode?}`: tick a non-negative integer, action an integer index into a table of `actionCount`
 * actions, episode (when present) a non-negative integer.
 */
export function parseAction(payload: unknown, actionCount: number): ActionMessage | CrucibleError {
  const parsed = parseMessage('action', payload);
  if (parsed instanceof CrucibleError) return parsed;
  const msg = parsed as unknown as ActionMessage;
  if (msg.action >= actionCount) {
    return new CrucibleError('INVALID_ACTION', `action must be an integer from 0 to ${actionCount - 1}, got ${msg.action}`, {
      value: msg.action,
      allowed: { min: 0, max: actionCount - 1 },
    });
  }
  return msg;
}

/** `{fps}`: 0 stops the frames; more than MAX_WORLD_FPS gets MAX_WORLD_FPS. */
export function parseWorldRequest(payload: unknown): number | CrucibleError {
  const parsed = parseMessage('world', payload);
  if (parsed instanceof CrucibleError) return parsed;
  const fps = parsed.fps as number;
  return Number.isFinite(fps) ? Math.min(fps, MAX_WORLD_FPS) : MAX_WORLD_FPS;
}

/**
 * A short description of a bad value for error messages: never echoes more than `max` characters of large input,
 * and never throws (it calls no method of the value: `String(v)` would call a client-chosen `toString`, which a
 * msgpack map can set to a non-function, and throw).
 */
export function describe(v: unknown, max = MAX_EXCERPT_CHARS): string {
  let text: string;
  switch (typeof v) {
    case 'undefined':
      return 'nothing';
    case 'number':
    case 'boolean':
    case 'bigint':
      text = `${v as number | boolean | bigint}`;
      break;
    case 'string':
      // Cut before quoting: a 1 MB string is not serialised to be shortened.
      text = JSON.stringify(v.length > max ? v.slice(0, max) : v);
      break;
    case 'object':
      if (v === null) return 'null';
      if (ArrayBuffer.isView(v)) return `${v.byteLength} raw bytes`;
      text = jsonExcerpt(v, max);
      break;
    default:
      return `a ${typeof v}`;
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** JSON of an object, or what it is when it has none (too deep, cyclic, holding BigInts or bytes). */
function jsonExcerpt(v: object, max: number): string {
  try {
    let budget = 64 * 1024;
    // The replacer bounds the work on a large value and turns what JSON cannot hold into text.
    const text = JSON.stringify(v, (_key, value: unknown) => {
      if (--budget < 0) return undefined;
      if (typeof value === 'bigint') return `${value}`;
      if (ArrayBuffer.isView(value)) return `<${value.byteLength} bytes>`;
      return value;
    });
    if (typeof text === 'string') return text.length > max ? text.slice(0, max) : text;
  } catch {
    // too deeply nested: described below
  }
  return Array.isArray(v) ? 'an array' : 'an object';
}

/** A bad value for an error's `details`: itself when it is a short primitive, else its description. */
export function excerpt(v: unknown): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : describe(v);
  if (typeof v === 'string' && v.length <= MAX_EXCERPT_CHARS) return v;
  return describe(v);
}
