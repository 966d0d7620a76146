/**
 * Property-based fuzzing of every input parser, in-process: whatever a client sends, each returns its value or a
 * coded CrucibleError whose message quotes only a short excerpt, and none throws anything else. Runs are bounded by
 * count (each property takes well under a second).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CrucibleError, ERROR_CODES } from '../ecs/errors.js';
import { describe as describeValue, excerpt, MAX_EXCERPT_CHARS, MAX_WORLD_FPS, parseAction, parseMessage, parseWorldRequest } from '../server/messages.js';
import { checkClientOptions, parseCreateOptions, parseJoinOptions, type ServerSettings } from '../server/options.js';
import { CLIENT_MESSAGE_TYPES, CREATE_KEYS, JOIN_KEYS } from '../server/schema.js';
import { substrateNames } from '../substrates/registry.js';
import { hostileValue, withOwnKey } from './helpers/hostile.js';

const SERVER: ServerSettings = { resultsFile: '/srv/results/episodes.jsonl', token: null };
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 500) };
/** Longest error message a parser may produce: its own words, the allowed values, and one excerpt. */
const MAX_MESSAGE_CHARS = 400;

/** An options object whose keys are mostly real option names, with hostile or plausible values. */
const optionsLike = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...CREATE_KEYS, ...JOIN_KEYS), fc.oneof(hostileValue, fc.constantFrom(1, 20, true, 'agent', 'symbolic', 'bots', 'x.jsonl', null)), { maxKeys: 5 }),
    fc.option(fc.tuple(fc.constantFrom('__proto__', 'server', 'substrate', 'constructor', 'hasOwnProperty', 'tickrate'), hostileValue), { nil: undefined }),
  )
  .map(([o, extra]) => (extra ? withOwnKey({ ...o }, extra[0], extra[1]) : o));

/** Run `fn`; it must return, or throw a CrucibleError with one of `codes` and a short message. */
function totalOrCoded(fn: () => unknown, codes: readonly string[]): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CrucibleError, `threw a non-coded ${String((err as Error)?.name)}: ${String((err as Error)?.message)}`);
    assert.ok(codes.includes(err.code), `code ${err.code}`);
    assert.ok(err.message.length <= MAX_MESSAGE_CHARS, `a message of ${err.message.length} characters`);
    JSON.stringify(err.toJSON()); // what the client is sent must serialise
  }
}

describe('fuzz: input parsers in-process', () => {
  it('describe() never throws, calls no method of the value, and stays within the excerpt length', () => {
    fc.assert(
      fc.property(hostileValue, fc.integer({ min: 8, max: 200 }), (v, max) => {
        const text = describeValue(v, max);
        assert.equal(typeof text, 'string');
        assert.ok(text.length <= Math.max(max, 32), `${text.length} > ${max}`);
        const e = excerpt(v);
        assert.ok(e === null || ['number', 'boolean', 'string'].includes(typeof e), typeof e);
        if (typeof e === 'string') assert.ok(e.length <= MAX_EXCERPT_CHARS, `an excerpt of ${e.length} characters`);
      }),
      RUNS,
    );
  });

  it('parseAction answers any payload with an action in range or MALFORMED_MESSAGE / INVALID_ACTION', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, fc.record({ tick: hostileValue, action: hostileValue, episode: hostileValue }, { requiredKeys: [] })), fc.integer({ min: 1, max: 20 }), (payload, n) => {
        const out = parseAction(payload, n);
        if (out instanceof CrucibleError) {
          assert.ok(['MALFORMED_MESSAGE', 'INVALID_ACTION'].includes(out.code), out.code);
          assert.ok(out.message.length <= MAX_MESSAGE_CHARS, out.message);
          JSON.stringify(out.toJSON());
        } else {
          assert.ok(Number.isInteger(out.tick) && out.tick >= 0);
          assert.ok(Number.isInteger(out.action) && out.action >= 0 && out.action < n);
          assert.ok(out.episode === undefined || (Number.isInteger(out.episode) && out.episode >= 0));
        }
      }),
      RUNS,
    );
  });

  it('reads only a payload\u2019s own fields: an inherited tick or action is no tick or action', () => {
    const inherited = Object.create({ tick: 0, action: 1 }) as Record<string, unknown>;
    assert.equal((parseAction(inherited, 8) as CrucibleError).code, 'MALFORMED_MESSAGE');
    inherited.tick = 0;
    assert.equal((parseAction(inherited, 8) as CrucibleError).code, 'INVALID_ACTION');
    assert.deepEqual(parseAction({ tick: 3, action: 1, extra: { toString: 1 } }, 8), { tick: 3, action: 1 });
  });

  it('parseWorldRequest answers any payload with a rate from 0 to the cap or MALFORMED_MESSAGE', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, fc.record({ fps: hostileValue })), (payload) => {
        const out = parseWorldRequest(payload);
        if (out instanceof CrucibleError) assert.equal(out.code, 'MALFORMED_MESSAGE');
        else assert.ok(out >= 0 && out <= MAX_WORLD_FPS, String(out));
      }),
      RUNS,
    );
  });

  it('parseMessage answers every message type with its fields or a catalogued code, never throwing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CLIENT_MESSAGE_TYPES), hostileValue, (type, payload) => {
        const out = parseMessage(type, payload);
        if (out instanceof CrucibleError) assert.ok(out.code in ERROR_CODES);
      }),
      RUNS,
    );
  });

  it('create and join options: any object or value is parsed or refused with INVALID_OPTION / UNKNOWN_SCENARIO', () => {
    const substrates = substrateNames();
    fc.assert(
      fc.property(fc.oneof(optionsLike, hostileValue), fc.constantFrom(...substrates), (options, substrate) => {
        totalOrCoded(() => checkClientOptions(options), ['INVALID_OPTION']);
        totalOrCoded(() => parseJoinOptions(options), ['INVALID_OPTION']);
        totalOrCoded(() => parseCreateOptions(options, substrate, SERVER), ['INVALID_OPTION', 'UNKNOWN_SCENARIO']);
      }),
      RUNS,
    );
  });

  it('refuses an own __proto__, server or substrate key whatever its value, and leaves Object.prototype alone', () => {
    fc.assert(
      fc.property(fc.constantFrom('__proto__', 'server', 'substrate'), hostileValue, (key, value) => {
        const options = withOwnKey({ tickRate: 20 }, key, value);
        assert.throws(() => checkClientOptions(options), (err: unknown) => err instanceof CrucibleError && err.code === 'INVALID_OPTION');
        assert.equal(({} as Record<string, unknown>).tickRate, undefined);
      }),
      { numRuns: 100 },
    );
  });
});
