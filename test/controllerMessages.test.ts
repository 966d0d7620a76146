/**
 * The controller's two messages (server/controllers.ts: parseStep, parseReset), in-process: what a `step` and a
 * `reset` payload must hold, and which code and words a wrong one gets. The protocol over a socket is in
 * test/serverControllers.test.ts.
 */
import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { parseReset, parseStep } from '../server/controllers.js';

function refused(result: unknown, code: string): CrucibleError {
  assert.ok(result instanceof CrucibleError, `expected a ${code} error, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code);
  return result;
}

/** A controller holding slots 2, 5 and 7 of a room whose action table has 8 entries. */
const SLOTS = [2, 5, 7];

describe('controller messages', () => {
  describe('step', () => {
    it('accepts one action per held slot, each from 0 to the table size − 1, and returns episode, tick and actions', () => {
      assert.deepEqual(parseStep({ episode: 0, tick: 0, actions: [0, 7, 3] }, SLOTS, 8), { episode: 0, tick: 0, actions: [0, 7, 3] });
      assert.deepEqual(parseStep({ episode: 4, tick: 12, actions: [1] }, [0], 2), { episode: 4, tick: 12, actions: [1] });
    });

    it('refuses an action equal to the table size or negative with INVALID_ACTION naming the slot and the range', () => {
      const high = refused(parseStep({ episode: 0, tick: 0, actions: [0, 8, 0] }, SLOTS, 8), 'INVALID_ACTION');
      assert.equal(high.message, 'step.actions[1] (slot 5) must be from 0 to 7, got 8');
      assert.deepEqual(high.details, { slot: 5, value: 8, allowed: { min: 0, max: 7 } });
      const low = refused(parseStep({ episode: 0, tick: 0, actions: [0, 0, -1] }, SLOTS, 8), 'INVALID_ACTION');
      assert.equal(low.message, 'step.actions[2] (slot 7) must be from 0 to 7, got -1');
      assert.deepEqual(low.details, { slot: 7, value: -1, allowed: { min: 0, max: 7 } });
      // The first bad action is the one named.
      assert.deepEqual(refused(parseStep({ episode: 0, tick: 0, actions: [9, -1, 0] }, SLOTS, 8), 'INVALID_ACTION').details, { slot: 2, value: 9, allowed: { min: 0, max: 7 } });
    });

    it('refuses a list of the wrong length with MALFORMED_MESSAGE saying how many actions it needs', () => {
      for (const actions of [[0, 0], [0, 0, 0, 0], []]) {
        const err = refused(parseStep({ episode: 0, tick: 0, actions }, SLOTS, 8), 'MALFORMED_MESSAGE');
        assert.equal(err.message, `step.actions must be a list of 3 actions (one per held slot, in welcome.slots order), got ${JSON.stringify(actions)}`);
      }
    });

    it('names the slot of the first action that is not an integer', () => {
      const err = refused(parseStep({ episode: 0, tick: 0, actions: [1, 2.5, 'x'] }, SLOTS, 8), 'MALFORMED_MESSAGE');
      assert.equal(err.message, 'step.actions[1] (slot 5) must be an integer, got 2.5');
      assert.equal(refused(parseStep({ episode: 0, tick: 0, actions: ['1', 0, 0] }, SLOTS, 8), 'MALFORMED_MESSAGE').message, 'step.actions[0] (slot 2) must be an integer, got "1"');
      assert.equal(refused(parseStep({ episode: 0, tick: 0, actions: [0, 0, null] }, SLOTS, 8), 'MALFORMED_MESSAGE').message, 'step.actions[2] (slot 7) must be an integer, got null');
    });

    it("falls back to the schema's message when the bad action is past the held slots or the list is no list", () => {
      // A fourth entry has no slot to name: the schema's field message, which names the field.
      const extra = refused(parseStep({ episode: 0, tick: 0, actions: [0, 0, 0, 'x'] }, SLOTS, 8), 'MALFORMED_MESSAGE');
      assert.match(extra.message, /^step\.actions must be /);
      assert.doesNotMatch(extra.message, /actions\[3\]/);
      assert.match(refused(parseStep({ episode: 0, tick: 0, actions: 'x' }, SLOTS, 8), 'MALFORMED_MESSAGE').message, /^step\.actions must be /);
      // Every action an integer, but the tick is not: the tick is named, not an action.
      assert.match(refused(parseStep({ episode: 0, tick: -1, actions: [0, 0, 0] }, SLOTS, 8), 'MALFORMED_MESSAGE').message, /^step\.tick must be /);
      assert.match(refused(parseStep({ episode: 0.5, tick: 0, actions: [0, 0, 0] }, SLOTS, 8), 'MALFORMED_MESSAGE').message, /^step\.episode must be /);
      assert.match(refused(parseStep({ tick: 0, actions: [0, 0, 0] }, SLOTS, 8), 'MALFORMED_MESSAGE').message, /^step\.episode must be /);
      // An inherited `actions` is no `actions`.
      const inherited = Object.create({ actions: [0, 'x', 0] }) as Record<string, unknown>;
      inherited.episode = 0;
      inherited.tick = 0;
      assert.match(refused(parseStep(inherited, SLOTS, 8), 'MALFORMED_MESSAGE').message, /^step\.actions must be /);
      for (const payload of [undefined, null, 3, 'x', [0, 0, 0]]) assert.match(refused(parseStep(payload, SLOTS, 8), 'MALFORMED_MESSAGE').message, /must be an object/);
    });
  });

  describe('reset', () => {
    it('takes no payload, an empty one, or a seed from 0 to 2³² − 1', () => {
      assert.deepEqual(parseReset(undefined), { seed: undefined });
      assert.deepEqual(parseReset(null), { seed: undefined });
      assert.deepEqual(parseReset({}), { seed: undefined });
      assert.deepEqual(parseReset({ seed: 0 }), { seed: 0 });
      assert.deepEqual(parseReset({ seed: 0xffffffff }), { seed: 0xffffffff });
    });

    it('refuses a seed out of range, fractional or not a number, and a payload that is no object, with MALFORMED_MESSAGE', () => {
      for (const seed of [-1, 2 ** 32, 1.5, '3', null]) assert.match(refused(parseReset({ seed }), 'MALFORMED_MESSAGE').message, /^reset\.seed, when given, must be /);
      for (const payload of [3, 'x', [1]]) assert.match(refused(parseReset(payload), 'MALFORMED_MESSAGE').message, /must be an object/);
    });
  });
});
