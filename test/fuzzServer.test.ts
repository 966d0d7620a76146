/**
 * Property-based fuzzing through a live server: random and hostile frames from a joined agent and a spectator,
 * and random matchmake bodies and API paths over HTTP. Each input must get a coded answer (an `error` message, a
 * 4xx JSON reply), the process must stay up (a throw escaping a handler would end the mocha run), no handler may
 * fail inside (`handler_errors` stays 0), and an honest agent in the same room must get its observation every tick
 * meanwhile. Bounded by count: a few seconds per property.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { connect, type AgentClient, type Observation, type ServerErrorMessage } from '../client/agent.js';
import { ERROR_CODES } from '../ecs/errors.js';
import { parseAction, parseWorldRequest } from '../server/messages.js';
import { checkClientOptions } from '../server/options.js';
import { CLIENT_MESSAGE_TYPES, isClientMessageType } from '../server/schema.js';
import { hostileValue, rawSocket } from './helpers/hostile.js';
import { current, liveServer, waitFor } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
/** The Colyseus frames that are part of the protocol (join handshake 10, leave 12, ping 18): not fuzzed. */
const CONTROL_FRAMES = [10, 12, 18];
const ROOM_DATA = 13;
const ROOM_DATA_BYTES = 17;

/** The SDK's encoder (records on, as `room.send` uses it). */
const packr = new Packr();

function tryPack(v: unknown): Uint8Array | null {
  try {
    return packr.pack(v);
  } catch {
    return null; // not msgpack-encodable (e.g. a BigInt beyond 64 bits): no client could send it
  }
}

interface Fuzzed {
  frame: Uint8Array | string;
  /** A well-formed message the room may take without a reply. */
  mayBeValid: boolean;
}

/** A ROOM_DATA frame: a random or real message type, then a hostile payload (sometimes none, sometimes two). */
const dataFrame: fc.Arbitrary<Fuzzed | null> = fc
  .tuple(fc.oneof(fc.constantFrom(...CLIENT_MESSAGE_TYPES, '*', '', '__proto__', 'toString'), fc.string({ maxLength: 12 }), fc.integer(), hostileValue), fc.option(hostileValue), fc.boolean())
  .map(([type, payload, twice]) => {
    const t = tryPack(type);
    const p = payload === null ? new Uint8Array(0) : tryPack(payload);
    if (t === null || p === null) return null;
    const frame = new Uint8Array([ROOM_DATA, ...t, ...p, ...(twice ? p : [])]);
    const body = payload === null ? undefined : payload;
    const valid =
      !twice && isClientMessageType(type) && (type === 'action' ? !(parseAction(body, 8) instanceof Error) : !(parseWorldRequest(body) instanceof Error));
    return { frame, mayBeValid: valid };
  });

const rawFrame: fc.Arbitrary<Fuzzed | null> = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 300 }).map((bytes) => (bytes.length > 0 && CONTROL_FRAMES.includes(bytes[0]) ? null : { frame: bytes, mayBeValid: false })),
  fc.string({ maxLength: 100 }).map((text) => ({ frame: text, mayBeValid: false })),
  fc.tuple(fc.oneof(fc.constantFrom(...CLIENT_MESSAGE_TYPES), fc.string({ maxLength: 8 })), fc.uint8Array({ maxLength: 64 })).map(([type, bytes]) => {
    const t = tryPack(type);
    return t === null ? null : { frame: new Uint8Array([ROOM_DATA_BYTES, ...t, ...bytes]), mayBeValid: false };
  }),
  fc.tuple(fc.integer({ min: 0, max: 255 }).filter((b) => !CONTROL_FRAMES.includes(b)), hostileValue).map(([code, v]) => {
    const p = tryPack(v);
    return p === null ? null : { frame: new Uint8Array([code, ...p]), mayBeValid: false };
  }),
);

const anyFrame = fc.oneof({ weight: 2, arbitrary: dataFrame }, { weight: 1, arbitrary: rawFrame });

describe('fuzz: a live server under hostile clients', function () {
  this.timeout(60_000);
  const live = liveServer('fuzz', null, { budgets: { maxCreatesPerSecond: 10_000, maxMessagesPerSecond: 100_000 } });
  const open = live.open;

  async function metrics(roomId: string): Promise<Record<string, unknown>> {
    return (await (await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as Record<string, unknown>;
  }

  /** An honest agent that answers every observation, and the observations it received. */
  async function honestAgent(roomId: string): Promise<{ agent: AgentClient; seen: Observation[] }> {
    const agent = await connect(live.srv.url, SUBSTRATE, { roomId, obs: 'symbolic', policy: 'honest' });
    open.push(agent);
    const seen: Observation[] = [];
    agent.onObservation((o) => {
      seen.push(o);
      agent.act(1);
    });
    await current(agent);
    return { agent, seen };
  }

  /** Every observation follows the previous one by one tick, or starts the next episode at tick 0. */
  function assertEveryTick(seen: Observation[]): void {
    assert.ok(seen.length > 10, `only ${seen.length} observations`);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      const next = b.episode === a.episode ? b.tick === a.tick + 1 : b.episode === a.episode + 1 && b.tick === 0;
      assert.ok(next, `observation ${i}: tick ${b.tick} of episode ${b.episode} follows tick ${a.tick} of episode ${a.episode}`);
    }
  }

  for (const role of ['agent', 'spectator'] as const) {
    it(`answers every hostile frame from ${role === 'agent' ? 'an agent' : 'a spectator'} with a coded error, and the honest agent keeps its tick`, async () => {
      const host = await connect(live.srv.url, SUBSTRATE, { method: 'create', tickRate: 50, fillFocal: 'noop', maxMessagesPerSecond: 100_000, obs: 'none', role: 'spectator', state: false });
      open.push(host);
      const roomId = host.room.roomId;
      const honest = await honestAgent(roomId);
      const attacker = role === 'agent' ? await connect(live.srv.url, SUBSTRATE, { roomId, obs: 'none' }) : host;
      if (attacker !== host) open.push(attacker);
      await attacker.welcome;
      let closed = false;
      attacker.room.onLeave(() => {
        closed = true;
      });
      const errors: ServerErrorMessage[] = [];
      attacker.onError((e) => errors.push(e));
      const ws = rawSocket(attacker.room);
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(anyFrame, async (fuzzed) => {
          if (fuzzed === null) return;
          const before = errors.length;
          ws.send(fuzzed.frame);
          if (fuzzed.mayBeValid) return;
          await waitFor('an error reply to a hostile frame', () => errors.length > before || closed, 5000);
          assert.ok(!closed, 'the connection was closed');
          const e = errors[before];
          assert.ok(e.code in ERROR_CODES, `uncatalogued code ${e.code}`);
          assert.notEqual(e.code, 'INTERNAL_ERROR', e.message);
          assert.ok(e.message.length <= 400, `a reply of ${e.message.length} characters`);
          answered++;
        }),
        { numRuns: 150, interruptAfterTimeLimit: 20_000 },
      );
      assert.ok(answered > 30, `only ${answered} frames needed an answer`);
      const report = await metrics(roomId);
      assert.equal(report.handler_errors, 0);
      assert.equal(report.tick_errors, 0);
      const last = honest.seen[honest.seen.length - 1].tick;
      await honest.agent.nextObservation((o) => o.tick >= last + 2);
      assertEveryTick(honest.seen);
    });
  }

  it('refuses every hostile matchmake body with 400 and a short reply, and creates no room for any', async () => {
    const rooms = async () => ((await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[]).length;
    const before = await rooms();
    const body = fc.oneof(
      hostileValue.map((v) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null'),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('{"__proto__": {"tickRate": 1000}}', '{"constructor": {"prototype": {"x": 1}}}', '{', '[]', '"a"'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('create', 'joinOrCreate', 'join'), body, async (method, text) => {
        let accepted = text === ''; // no body: no options
        try {
          checkClientOptions(JSON.parse(text));
          accepted = true;
        } catch {
          // refused in-process: the server must refuse it too
        }
        if (accepted) return; // a valid options object: not hostile
        const res = await fetch(`${live.srv.httpUrl}/matchmake/${method}/${SUBSTRATE}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        const reply = await res.text();
        assert.equal(res.status, 400, `${method} ${text.slice(0, 80)}: ${res.status} ${reply.slice(0, 120)}`);
        assert.ok(reply.length < 600, `a reply of ${reply.length} characters`);
        assert.match(reply, /INVALID_OPTION|malformed request body/);
      }),
      { numRuns: 80, interruptAfterTimeLimit: 15_000 },
    );
    assert.equal(await rooms(), before);
  });

  it('answers random room ids and paths under /api with JSON and a code, never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), fc.constantFrom('metrics', 'world.png'), fc.boolean(), async (id, what, rawPercent) => {
        const segment = rawPercent ? `${encodeURIComponent(id)}%E0%A4%A` : encodeURIComponent(id);
        const res = await fetch(`${live.srv.httpUrl}/api/rooms/${segment || 'x'}/${what}`);
        const reply = await res.text();
        assert.ok([400, 404].includes(res.status), `${res.status} ${reply.slice(0, 120)}`);
        const json = JSON.parse(reply) as { code: string };
        // A segment `.` or `..` is folded away by the URL parser (`/api/rooms/./metrics` → `/api/rooms/metrics`): no
        // route has that path, and the answer says so with its own code.
        assert.ok(['UNKNOWN_ROOM', 'MALFORMED_REQUEST', 'UNKNOWN_ROUTE'].includes(json.code), json.code);
        assert.ok(!/\bat \w+ \(/.test(reply), 'no stack trace');
      }),
      { numRuns: 60, interruptAfterTimeLimit: 10_000 },
    );
  });
});
