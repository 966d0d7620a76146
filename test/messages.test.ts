/**
 * Client message validation (server/messages.ts) through its parse functions: what is accepted, what is refused
 * with which stable code, and what the error says is allowed.
 */
import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { describe as describeValue, MAX_WORLD_FPS, parseAction, parseWorldRequest } from '../server/messages.js';

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
  });
});
