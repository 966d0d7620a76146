/**
 * Client message validation (server/messages.ts) through its parse functions: what is accepted, what is refused
 * with which stable code, and what the error says is allowed.
 */
import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { describe as describeValue, excerpt, MAX_WORLD_FPS, parseAction, parseWorldRequest } from '../server/messages.js';

function refused(result: unknown, code: string): CrucibleError {
  assert.ok(result instanceof CrucibleError, `expected a ${code} error, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
  return result;
}

describe('client messages', () => {
  describe('action', () => {
    it('accepts {tick, action} and {tick, action, episode} with integers in range', () => {
      assert.deepEqual(parseAction({ tick: 0, action: 0 }, 8), { tick: 0, action: 0 });
      assert.deepEqual(parseAction({ tick: 12, action: 7 }, 8), { tick: 12, action: 7 });
      assert.deepEqual(parseAction({ tick: 3, action: 1, episode: 0 }, 8), { tick: 3, action: 1, episode: 0 });
      assert.deepEqual(parseAction({ tick: 3, action: 1, episode: 4 }, 8), { tick: 3, action: 1, episode: 4 });
    });

    it('refuses an action index equal to the table size (indices run 0 … size − 1) with INVALID_ACTION', () => {
      const err = refused(parseAction({ tick: 0, action: 8 }, 8), 'INVALID_ACTION');
      assert.deepEqual(err.details, { value: 8, allowed: { min: 0, max: 7 } });
      assert.match(err.message, /from 0 to 7, got 8/);
    });

    it('refuses negative, fractional and non-number actions with INVALID_ACTION', () => {
      for (const action of [-1, 0.5, '1', null, Number.NaN]) refused(parseAction({ tick: 0, action }, 8), 'INVALID_ACTION');
      assert.equal(refused(parseAction({ tick: 0, action: '1' }, 8), 'INVALID_ACTION').details?.value, '1', 'a string is echoed');
      assert.equal(refused(parseAction({ tick: 0, action: null }, 8), 'INVALID_ACTION').details?.value, null, 'a short value is echoed as it is');
      assert.match(refused(parseAction({ tick: 0 }, 8), 'INVALID_ACTION').message, /got nothing/);
    });

    it('refuses a missing, negative, fractional or non-number tick with MALFORMED_MESSAGE', () => {
      for (const tick of [undefined, -1, 1.5, '3', null]) {
        assert.match(refused(parseAction({ tick, action: 0 }, 8), 'MALFORMED_MESSAGE').message, /action\.tick must be/);
      }
    });

    it('refuses a negative, fractional or non-number episode with MALFORMED_MESSAGE', () => {
      for (const episode of [-1, 0.5, '1', null]) {
        assert.match(refused(parseAction({ tick: 0, action: 0, episode }, 8), 'MALFORMED_MESSAGE').message, /action\.episode/);
      }
    });

    it('refuses anything but an object with MALFORMED_MESSAGE', () => {
      for (const payload of [null, undefined, 3, 'x', [0, 1], new Uint8Array(2)]) {
        assert.match(refused(parseAction(payload, 8), 'MALFORMED_MESSAGE').message, /must be an object/);
      }
    });
  });

  describe('world request', () => {
    it(`caps the world fps at MAX_WORLD_FPS (${MAX_WORLD_FPS}) and accepts 0 (stop) and fractions`, () => {
      assert.equal(parseWorldRequest({ fps: 0 }), 0);
      assert.equal(parseWorldRequest({ fps: 2.5 }), 2.5);
      assert.equal(parseWorldRequest({ fps: MAX_WORLD_FPS }), MAX_WORLD_FPS);
      assert.equal(parseWorldRequest({ fps: 1000 }), MAX_WORLD_FPS);
      assert.equal(MAX_WORLD_FPS, 10);
    });

    it('refuses a negative (below the lower bound 0), infinite, NaN, non-number or missing fps with MALFORMED_MESSAGE', () => {
      for (const payload of [{ fps: -1 }, { fps: -0.5 }, { fps: Number.POSITIVE_INFINITY }, { fps: Number.NaN }, { fps: '5' }, {}]) {
        assert.match(refused(parseWorldRequest(payload), 'MALFORMED_MESSAGE').message, /world\.fps must be a non-negative number/);
      }
      for (const payload of [null, [5], 5]) assert.match(refused(parseWorldRequest(payload), 'MALFORMED_MESSAGE').message, /must be an object/);
    });

  });

  describe('error descriptions', () => {
    it('describes a bad value briefly and never echoes large input back', () => {
      assert.equal(describeValue(undefined), 'nothing');
      assert.equal(describeValue(new Uint8Array(5)), '5 raw bytes');
      assert.equal(describeValue({ a: 1 }), '{"a":1}');
      assert.equal(describeValue(Symbol('s')), 'a symbol', 'what JSON cannot say is named by its kind (no method of the value is called)');
      const big = describeValue('x'.repeat(500));
      assert.equal(big.length, 80);
      assert.ok(big.endsWith('...'));
      assert.equal(describeValue('x'.repeat(78)), `"${'x'.repeat(78)}"`, '80 characters are kept whole');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      assert.equal(describeValue(cyclic), 'an object');
    });

    it('writes numbers, booleans and BigInts as themselves and strings quoted', () => {
      assert.equal(describeValue(1.5), '1.5');
      assert.equal(describeValue(-0.25), '-0.25');
      assert.equal(describeValue(true), 'true');
      assert.equal(describeValue(false), 'false');
      assert.equal(describeValue(12n), '12');
      assert.equal(describeValue('ab"c'), '"ab\\"c"', 'quoted as JSON');
      assert.equal(describeValue(null), 'null');
    });

    it('cuts a long string to 77 characters and "..." (80 in all), quotes included; a smaller limit cuts sooner', () => {
      // 'x' * 500 is cut to 80 characters before quoting (82 with the quotes), then to 77 + '...'.
      assert.equal(describeValue('x'.repeat(500)), `"${'x'.repeat(76)}...`);
      // 79 characters quoted make 81: one too many.
      assert.equal(describeValue('x'.repeat(79)), `"${'x'.repeat(76)}...`);
      assert.equal(describeValue('abcdefghij', 6), '"ab...');
      assert.equal(describeValue('abcd', 6), '"abcd"', 'six characters with the quotes: kept whole');
    });

    it('writes an object as JSON, cut to its first 80 characters, and names what JSON cannot hold', () => {
      const wide = { text: 'y'.repeat(200) };
      assert.equal(describeValue(wide), JSON.stringify(wide).slice(0, 80));
      assert.equal(describeValue([1, 'a', null]), '[1,"a",null]');
      assert.equal(describeValue({ n: 5n, m: [1n] }), '{"n":"5","m":["1"]}', 'BigInts as their digits');
      assert.equal(describeValue({ b: new Uint8Array(3) }), '{"b":"<3 bytes>"}', 'bytes inside an object by their length');
      const ring: unknown[] = [];
      ring.push(ring);
      assert.equal(describeValue(ring), 'an array', 'a cyclic array');
      let deep: unknown = 0;
      for (let i = 0; i < 20000; i++) deep = [deep];
      assert.equal(describeValue(deep), 'an array', 'too deep for JSON');
    });

    it('reads at most 64 Ki values of a huge object: the rest of it is never visited', () => {
      // 100 000 objects, each with a getter that counts its reads. Every value the JSON writer meets costs one unit
      // of a 65 536 budget: the root 1, then 2 per element (the element and its field). Element k is still visited
      // while 65 535 − 2k − 1 ≥ 0, i.e. k ≤ 32 767: 32 768 getters are read, not 100 000.
      let reads = 0;
      const huge = Array.from({ length: 100_000 }, () => ({
        get g(): number {
          reads++;
          return 1;
        },
      }));
      assert.equal(describeValue(huge), `[${'{"g":1},'.repeat(9)}{"g":1}`, 'its first 80 characters');
      assert.equal(reads, 32_768);
    });
  });

  describe('error wording', () => {
    it('names the message and its fields (optional ones with "?") when the payload is not an object', () => {
      assert.equal(refused(parseAction(3, 8), 'MALFORMED_MESSAGE').message, 'a "action" message must be an object {tick, action, episode?}, got 3');
      assert.equal(refused(parseWorldRequest('x'), 'MALFORMED_MESSAGE').message, 'a "world" message must be an object {fps}, got "x"');
    });

    it('says "when given" of an optional field only', () => {
      assert.match(refused(parseAction({ tick: 0, action: 0, episode: -1 }, 8), 'MALFORMED_MESSAGE').message, /^action\.episode, when given, must be /);
      assert.match(refused(parseAction({ tick: -1, action: 0 }, 8), 'MALFORMED_MESSAGE').message, /^action\.tick must be /);
    });
  });

  describe('error details', () => {
    it('echo a short primitive as it is and describe anything else', () => {
      assert.equal(excerpt(null), null);
      assert.equal(excerpt(true), true);
      assert.equal(excerpt(false), false);
      assert.equal(excerpt(7.5), 7.5);
      assert.equal(excerpt(Number.NaN), 'NaN');
      assert.equal(excerpt(Number.POSITIVE_INFINITY), 'Infinity');
      assert.equal(excerpt('short'), 'short');
      assert.equal(excerpt('z'.repeat(80)), 'z'.repeat(80), 'a string of 80 characters is short');
      assert.equal(excerpt('z'.repeat(81)), `"${'z'.repeat(76)}...`);
      assert.equal(excerpt({ a: 1 }), '{"a":1}');
      assert.equal(excerpt(undefined), 'nothing');
      assert.equal(excerpt(3n), '3');
      assert.equal(excerpt(new Uint8Array(4)), '4 raw bytes');
    });
  });
});
