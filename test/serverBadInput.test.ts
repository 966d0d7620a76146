import { strict as assert } from 'node:assert';
import { CloseCode } from '@colyseus/sdk';
import { pack } from 'msgpackr';
import { connect, ConnectError, type AgentClient, type ConnectOptions, type ServerErrorMessage } from '../client/agent.js';
import { Environment } from '../systems/environment.js';
import { renderSymbolic } from '../systems/renderObservations.js';
import { current, liveServer, waitFor } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';
const TOKEN = 'test-token';

describe('server: bad input and abuse', function () {
  this.timeout(30_000);
  const live = liveServer('bad', TOKEN);
  const open = live.open;

  async function agent(options: ConnectOptions = {}, substrate = SUBSTRATE): Promise<AgentClient> {
    const a = await connect(live.srv.url, substrate, { token: TOKEN, ...options });
    open.push(a);
    return a;
  }

  /** The stable code of a refused connect. */
  async function refusal(options: Record<string, unknown>, substrate = SUBSTRATE): Promise<ConnectError> {
    try {
      const a = await connect(live.srv.url, substrate, { token: TOKEN, ...(options as ConnectOptions) });
      open.push(a);
    } catch (err) {
      assert.ok(err instanceof ConnectError, `a ConnectError, got ${String(err)}`);
      return err;
    }
    assert.fail(`connect with ${JSON.stringify(options)} should have been refused`);
  }

  /** The client's WebSocket, to send frames no SDK method would. */
  function socket(a: AgentClient): { send(data: Uint8Array | string): void } {
    return (a.room as unknown as { connection: { transport: { ws: { send(data: Uint8Array | string): void } } } }).connection.transport.ws;
  }

  async function roomCount(): Promise<number> {
    return ((await (await fetch(`${live.srv.httpUrl}/api/rooms`)).json()) as unknown[]).length;
  }

  async function metrics(roomId: string): Promise<Record<string, unknown>> {
    return (await (await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as Record<string, unknown>;
  }

  it('refuses invalid create options with INVALID_OPTION naming the option', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ tickRate: 0 }, 'tickRate'],
      [{ tickRate: 5000 }, 'tickRate'],
      [{ tickRate: 'fast' }, 'tickRate'],
      [{ lockstep: 'yes' }, 'lockstep'],
      [{ tickrate: 20 }, 'tickrate'],
      [{ fillFocal: 'bot' }, 'fillFocal'],
      [{ maxSteps: 0 }, 'maxSteps'],
      [{ seed: -1 }, 'seed'],
      [{ scale: 1.5 }, 'scale'],
      [{ actionTimeoutMs: -1 }, 'actionTimeoutMs'],
      [{ reconnectSeconds: 1e9 }, 'reconnectSeconds'],
      [{ resultsFile: '../escape.jsonl' }, 'resultsFile'],
      [{ resultsFile: '/tmp/elsewhere.jsonl' }, 'resultsFile'],
      [{ resultsFile: 'notes.txt' }, 'resultsFile'],
      [{ maxMessagesPerSecond: 0 }, 'maxMessagesPerSecond'],
    ];
    for (const [options, option] of cases) {
      const err = await refusal({ ...options, method: 'create' });
      assert.equal(err.code, 'INVALID_OPTION', `${JSON.stringify(options)}: ${err.message}`);
      assert.ok(err.message.includes(option), `${JSON.stringify(options)}: message names ${option}: ${err.message}`);
    }
  });

  it('refuses a matchmake body that is no options object, or holds a key clients may not set, with 400 INVALID_OPTION before any room exists', async () => {
    const before = await roomCount();
    const bodies = ['null', '42', '"text"', '[1, 2]', '{"__proto__": {"tickRate": 5}}', '{"hasOwnProperty": 1}', '{"server": {"token": null}}', '{"substrate": "x"}', '{"constructor": 1}'];
    for (const method of ['create', 'joinOrCreate']) {
      for (const body of bodies) {
        const res = await fetch(`${live.srv.httpUrl}/matchmake/${method}/${SUBSTRATE}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const reply = (await res.json()) as { error: string };
        assert.equal(res.status, 400, `${method} ${body}: ${JSON.stringify(reply)}`);
        assert.match(reply.error, /^INVALID_OPTION: /, `${method} ${body}`);
      }
    }
    assert.equal(await roomCount(), before, 'no room was created for any of them');
  });

  it('answers a bad option value or key of over 64 KB at once, quoting a short excerpt of it', async () => {
    for (const options of [{ tickRate: '\u00e9'.repeat(70_000) }, { ['k'.repeat(70_000)]: 1 }, { policy: ['x'.repeat(70_000)] }]) {
      const t0 = performance.now();
      const res = await fetch(`${live.srv.httpUrl}/matchmake/create/${SUBSTRATE}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(options),
        signal: AbortSignal.timeout(5000),
      });
      const text = await res.text();
      assert.equal(res.status, 400);
      assert.ok(text.length < 400, `a reply of ${text.length} characters: ${text.slice(0, 120)}`);
      assert.match(text, /INVALID_OPTION/);
      assert.ok(performance.now() - t0 < 5000);
    }
  });

  it('quotes only a short excerpt of an unknown room name or room id of 10,000 characters', async () => {
    const long = 'n'.repeat(10_000);
    for (const [method, name] of [['create', long], ['joinOrCreate', long], ['joinById', long]]) {
      const res = await fetch(`${live.srv.httpUrl}/matchmake/${method}/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const text = await res.text();
      assert.ok(res.status >= 400, `${method}: ${res.status}`);
      assert.ok(text.length < 300, `${method}: a reply of ${text.length} characters`);
    }
  });

  it('answers an API path no route has with a JSON 404 UNKNOWN_ROUTE, also when the URL parser folds `.` away', async () => {
    for (const path of ['/api/nope', '/api/rooms/./metrics', '/api/rooms/x/y/z', '/api/substrates/extra']) {
      const res = await fetch(`${live.srv.httpUrl}${path}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, path);
      assert.equal(((await res.json()) as { code: string }).code, 'UNKNOWN_ROUTE', path);
    }
    // A known route still answers as before.
    assert.equal((await fetch(`${live.srv.httpUrl}/api/substrates`)).status, 200);
  });

  it('refuses an unknown scenario, or another substrate\u2019s, with UNKNOWN_SCENARIO', async () => {
    const unknown = await refusal({ scenario: 'no_such_scenario', method: 'create' });
    assert.equal(unknown.code, 'UNKNOWN_SCENARIO');
    const other = await refusal({ scenario: SCENARIO, method: 'create' }, 'commons_harvest__closed');
    assert.equal(other.code, 'UNKNOWN_SCENARIO');
    assert.match(other.message, /belongs to commons_harvest__open/);
  });

  it('refuses a substrate that is not registered with UNKNOWN_SUBSTRATE, and does not list it', async () => {
    const err = await refusal({}, 'no_such_substrate');
    assert.equal(err.code, 'UNKNOWN_SUBSTRATE');
    const names = ((await (await fetch(`${live.srv.httpUrl}/api/substrates`)).json()) as { name: string }[]).map((s) => s.name);
    assert.ok(names.includes(SUBSTRATE));
    assert.ok(!names.includes('no_such_substrate'));
  });

  it('refuses bad join options with INVALID_OPTION', async () => {
    const a = await agent({ method: 'create', tickRate: 20 });
    const roomId = a.room.roomId;
    for (const options of [{ role: 'player' }, { obs: 'png' }, { policy: 'has spaces' }, { state: 'yes' }]) {
      const err = await refusal({ ...options, roomId });
      assert.equal(err.code, 'INVALID_OPTION', `${JSON.stringify(options)}: ${err.message}`);
    }
  });

  it('requires the server token from agents (INVALID_TOKEN) but not from spectators', async () => {
    const a = await agent({ method: 'create', tickRate: 20 });
    const roomId = a.room.roomId;
    const missing = await connect(live.srv.url, SUBSTRATE, { roomId }).then(
      () => assert.fail('joined without a token'),
      (err: ConnectError) => err,
    );
    assert.equal(missing.code, 'INVALID_TOKEN');
    const wrong = await connect(live.srv.url, SUBSTRATE, { roomId, token: 'guess' }).then(
      () => assert.fail('joined with a wrong token'),
      (err: ConnectError) => err,
    );
    assert.equal(wrong.code, 'INVALID_TOKEN');
    const spectator = await connect(live.srv.url, SUBSTRATE, { roomId, role: 'spectator' });
    open.push(spectator);
    assert.equal((await spectator.welcome).role, 'spectator');
    const right = await agent({ roomId });
    assert.equal((await right.welcome).slot, 1);
  });

  it('refuses an agent when every focal slot is taken with ROOM_FULL', async () => {
    const first = await agent({ method: 'create', tickRate: 20, scenario: SCENARIO });
    const roomId = first.room.roomId;
    for (let i = 1; i < 5; i++) await agent({ roomId });
    const err = await refusal({ roomId });
    assert.equal(err.code, 'ROOM_FULL');
  });

  it('answers each bad message with its code, counts it, changes nothing else, and keeps the room ticking', async () => {
    const seed = 5;
    const a = await agent({ method: 'create', scenario: SCENARIO, seed, lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop', obs: 'symbolic' });
    const roomId = a.room.roomId;
    const b = await agent({ roomId, obs: 'none' });
    const spectator = await connect(live.srv.url, SUBSTRATE, { roomId, role: 'spectator' });
    open.push(spectator);
    await current(a);
    await current(b);
    const errors: ServerErrorMessage[] = [];
    a.onError((e) => errors.push(e));
    const spectatorErrors: ServerErrorMessage[] = [];
    spectator.onError((e) => spectatorErrors.push(e));

    const send = (payload: unknown) => a.room.send('action', payload);
    const expected: string[] = [];
    const bad = (code: string, fn: () => void) => {
      fn();
      expected.push(code);
    };
    bad('INVALID_ACTION', () => send({ tick: 0, action: 99 }));
    bad('INVALID_ACTION', () => send({ tick: 0, action: 1.5 }));
    bad('INVALID_ACTION', () => send({ tick: 0, action: 'FORWARD' }));
    bad('INVALID_ACTION', () => send({ tick: 0, action: -1 }));
    bad('MALFORMED_MESSAGE', () => send(5));
    bad('MALFORMED_MESSAGE', () => send({ action: 1 }));
    bad('MALFORMED_MESSAGE', () => send({ tick: 'now', action: 1 }));
    bad('MALFORMED_MESSAGE', () => send({ tick: 0, action: 1, episode: 'first' }));
    bad('MESSAGE_TOO_LARGE', () => send({ tick: 0, action: 1, pad: 'x'.repeat(5000) }));
    bad('UNKNOWN_MESSAGE_TYPE', () => a.room.send('jump', { height: 3 }));
    bad('MALFORMED_MESSAGE', () => a.room.sendBytes('action', new Uint8Array([0, 1])));
    bad('MALFORMED_MESSAGE', () => a.room.send('world', { fps: 'max' }));
    bad('STALE_ACTION', () => send({ tick: 7, action: 1 }));
    bad('STALE_ACTION', () => send({ tick: 0, action: 1, episode: 3 }));
    spectator.room.send('action', { tick: 0, action: 1 });
    await waitFor(`${expected.length} error replies`, () => errors.length >= expected.length);
    await waitFor('the spectator\u2019s error reply', () => spectatorErrors.length >= 1);
    assert.deepEqual(
      errors.map((e) => e.code),
      expected,
    );
    for (const e of errors) assert.ok(e.message.length > 0);
    assert.equal(spectatorErrors[0].code, 'NOT_AN_AGENT');
    assert.equal((await metrics(roomId)).tick, 0, 'no bad message counted as an action: the lockstep tick has not moved');

    // One action per agent per tick: the second is dropped, the first is the one applied.
    const obsA = a.nextObservation((o) => o.tick === 1);
    let obsB = b.nextObservation((o) => o.tick === 1);
    send({ tick: 0, action: 1 });
    send({ tick: 0, action: 7 });
    await waitFor('the duplicate reply', () => errors.length === expected.length + 1);
    assert.equal(errors[expected.length].code, 'DUPLICATE_ACTION');
    b.act(3);
    const o1 = await obsA;
    await obsB;
    const env = new Environment({ substrate: SUBSTRATE, scenario: SCENARIO, seed, focalPolicy: null });
    env.reset();
    const actions = new Int32Array(env.players);
    actions[0] = 1;
    actions[1] = 3;
    env.step(actions);
    const sym = new Uint8Array(121);
    renderSymbolic(env.sim, 0, sym);
    assert.ok(Buffer.from(o1.data).equals(Buffer.from(sym)), 'tick 1 is the headless tick 1 with the first action, not the duplicate');

    // The room keeps ticking and reports the errors by code.
    for (let t = 1; t <= 3; t++) {
      const next = a.nextObservation((o) => o.tick === t + 1);
      obsB = b.nextObservation((o) => o.tick === t + 1);
      a.act(0);
      b.act(0);
      await Promise.all([next, obsB]);
    }
    const report = await metrics(roomId);
    assert.equal(report.tick, 4);
    assert.deepEqual(report.errors, {
      INVALID_ACTION: 4,
      MALFORMED_MESSAGE: 6,
      MESSAGE_TOO_LARGE: 1,
      UNKNOWN_MESSAGE_TYPE: 1,
      STALE_ACTION: 2,
      NOT_AN_AGENT: 1,
      DUPLICATE_ACTION: 1,
    });
  });

  it('answers text, empty, invalid msgpack, request, input and unknown frames with MALFORMED_MESSAGE, and keeps the connection', async () => {
    const a = await agent({ method: 'create', lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop', obs: 'none' });
    await current(a);
    const errors: ServerErrorMessage[] = [];
    a.onError((e) => errors.push(e));
    const ws = socket(a);
    const action = [...pack('action')];
    const frames: [string, Uint8Array | string, string][] = [
      ['a text frame', 'hello', 'MALFORMED_MESSAGE'],
      ['a text frame that looks like ROOM_DATA', '-action', 'MALFORMED_MESSAGE'],
      ['an empty frame', new Uint8Array(0), 'MALFORMED_MESSAGE'],
      ['a payload of the unused msgpack byte 0xc1', new Uint8Array([13, ...action, 0xc1]), 'MALFORMED_MESSAGE'],
      ['a truncated payload', new Uint8Array([13, ...action, 0x92, 0x01]), 'MALFORMED_MESSAGE'],
      ['two payloads', new Uint8Array([13, ...action, 0x80, 0x80]), 'MALFORMED_MESSAGE'],
      ['a request (room.request)', new Uint8Array([21, 1, ...action, 0x80]), 'MALFORMED_MESSAGE'],
      ['an input frame', new Uint8Array([19, 1, 2, 3]), 'MALFORMED_MESSAGE'],
      ['an unknown frame type', new Uint8Array([99, 1, 2]), 'MALFORMED_MESSAGE'],
      ['a numeric message type', new Uint8Array([13, 0x05, 0x80]), 'UNKNOWN_MESSAGE_TYPE'],
      ['a map as the message type', new Uint8Array([13, ...pack({ toString: 1 }), 0x80]), 'UNKNOWN_MESSAGE_TYPE'],
      ['bytes of an unknown type', new Uint8Array([17, ...pack('nope'), 1, 2, 3]), 'UNKNOWN_MESSAGE_TYPE'],
    ];
    for (const [, frame] of frames) ws.send(frame);
    await waitFor(`${frames.length} error replies`, () => errors.length >= frames.length);
    assert.deepEqual(
      errors.map((e, i) => `${frames[i][0]}: ${e.code}`),
      frames.map(([what, , code]) => `${what}: ${code}`),
    );
    // Still connected and playing: the next action is taken and the lockstep tick moves.
    const t = (await current(a)).tick;
    const next = a.nextObservation((o) => o.tick === t + 1);
    a.act(0);
    await next;
  });

  it('takes an action whose integers are sent in 64-bit msgpack encodings, as other-language clients may', async () => {
    const a = await agent({ method: 'create', lockstep: true, actionTimeoutMs: 0, fillFocal: 'noop', obs: 'none' });
    const { tick, episode } = await current(a);
    const int64 = (n: number) => [0xd3, ...new Uint8Array(new BigInt64Array([BigInt(n)]).buffer).reverse()];
    const frame = new Uint8Array([13, ...pack('action'), 0x83, ...pack('tick'), ...int64(tick), ...pack('episode'), ...int64(episode), ...pack('action'), ...int64(1)]);
    const next = a.nextObservation((o) => o.tick === tick + 1);
    socket(a).send(frame);
    await next;
  });

  it('survives a toString trap as the message type or in a payload, which used to stop the server', async () => {
    const a = await agent({ method: 'create', tickRate: 20, obs: 'none' });
    const roomId = a.room.roomId;
    const spectator = await connect(live.srv.url, SUBSTRATE, { roomId, role: 'spectator' });
    open.push(spectator);
    await current(a);
    const agentErrors: ServerErrorMessage[] = [];
    a.onError((e) => agentErrors.push(e));
    const spectatorError = spectator.nextError();
    spectator.room.send('*', { toString: 1 });
    a.room.send('action', { tick: 0, action: { toString: 1, valueOf: 2, big: 2n ** 64n - 1n } });
    a.room.send('world', { fps: { toString: 1 }, toString: 1 });
    a.room.send('action', { toString: 1, tick: { toString: 1 }, action: 1 });
    assert.equal((await spectatorError).code, 'UNKNOWN_MESSAGE_TYPE');
    await waitFor('three error replies', () => agentErrors.length >= 3);
    assert.deepEqual(
      agentErrors.map((e) => e.code),
      ['INVALID_ACTION', 'MALFORMED_MESSAGE', 'MALFORMED_MESSAGE'],
    );
    for (const e of agentErrors) assert.ok(e.message.length < 300, e.message);
    const t = (await current(a)).tick;
    await a.nextObservation((o) => o.tick >= t + 2);
    assert.equal((await metrics(roomId)).handler_errors, 0);
  });

  it('disconnects a flooding client (RATE_LIMITED) and keeps the room running for the others', async () => {
    const flooder = await agent({ method: 'create', tickRate: 10, maxMessagesPerSecond: 20 });
    const roomId = flooder.room.roomId;
    const other = await agent({ roomId });
    await current(flooder);
    const limited = flooder.nextError((e) => e.code === 'RATE_LIMITED');
    const left = new Promise<number>((resolve) => flooder.room.onLeave((code) => resolve(code)));
    for (let i = 0; i < 100; i++) flooder.room.send('action', { tick: 0, action: 0 });
    assert.equal((await limited).code, 'RATE_LIMITED');
    assert.equal(await left, CloseCode.WITH_ERROR);
    open.splice(open.indexOf(flooder), 1);
    const t = (await current(other)).tick;
    await other.nextObservation((o) => o.tick >= t + 2);
    const report = await metrics(roomId);
    assert.equal((report.errors as Record<string, number>).RATE_LIMITED, 1);
  });
});
