/**
 * Controllers through a live server, spoken to with a raw WebSocket and msgpack (test/helpers/rawClient.ts): one
 * connection holding several focal slots, one step frame per step, reset on demand with a seed, autoReset, the
 * lockstep defaults, the errors, the specs, and the optional event counters and WORLD.RGB bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBS_HEADER_BYTES, STEP_HEADER_BYTES, STEP_MAGIC, STEP_VERSION, StepFlag } from '../client/protocol.js';
import { EVENT_NAMES } from '../server/controllers.js';
import { Environment } from '../systems/environment.js';
import { renderRgb, renderWorld, rgbShape, worldShape } from '../systems/renderObservations.js';
import { liveServer, waitFor } from './helpers/liveServer.js';
import { RawClient, MatchmakeError } from './helpers/rawClient.js';

const SUB = 'commons_harvest__open';

interface Welcome {
  role: string;
  slots: number[];
  agents: string[];
  frameBytes: number;
  events: string[];
  world: { width: number; height: number } | null;
  lockstep: boolean;
  autoReset: boolean;
  actionTimeoutMs: number;
  tick: number;
  episode: number;
  actions: string[];
  spec: { observations: { name: string; shape: number[]; dtype: string }[]; action: { num_values: number; dtype: string } };
}

interface StepFrame {
  flags: number;
  tick: number;
  episode: number;
  count: number;
  /** Each held slot's observation frame. */
  slots: Buffer[];
  events: Float32Array | null;
  world: Buffer | null;
}

function parseStep(b: Buffer, w: Welcome): StepFrame {
  assert.equal(b.readUInt16LE(0), STEP_MAGIC);
  assert.equal(b[2], STEP_VERSION);
  const flags = b[3];
  const count = b.readUInt16LE(12);
  const L = w.frameBytes;
  let at = STEP_HEADER_BYTES;
  const slots: Buffer[] = [];
  for (let i = 0; i < count; i++, at += L) slots.push(b.subarray(at, at + L));
  let events: Float32Array | null = null;
  if (flags & StepFlag.Events) {
    const n = count * w.events.length;
    events = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 4) events[i] = b.readFloatLE(at);
  }
  let world: Buffer | null = null;
  if (flags & StepFlag.World) {
    world = b.subarray(at, at + w.world!.width * w.world!.height * 3);
    at += world.length;
  }
  assert.equal(at, b.length, 'the step frame has no bytes beyond its sections');
  return { flags, tick: b.readUInt32LE(4), episode: b.readUInt32LE(8), count, slots, events, world };
}

describe('controllers (one connection, several slots)', function () {
  this.timeout(60_000);
  const live = liveServer('controllers');
  const open: RawClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.leave()));
  });

  async function controller(options: Record<string, unknown>, method = 'create', name = SUB): Promise<{ c: RawClient; w: Welcome; first: StepFrame }> {
    const c = await RawClient.join(live.srv.httpUrl, method, name, { role: 'controller', ...options });
    open.push(c);
    const w = await c.nextPayload<Welcome>('welcome');
    const first = parseStep(await c.nextBytes('step'), w);
    return { c, w, first };
  }

  async function step(c: RawClient, w: Welcome, prev: StepFrame, actions: number[]): Promise<StepFrame> {
    c.send('step', { episode: prev.episode, tick: prev.tick, actions });
    return parseStep(await c.nextBytes('step'), w);
  }

  it('holds every focal slot by default and answers one step with one frame holding them all', async () => {
    const { c, w, first } = await controller({ maxSteps: 50 });
    assert.equal(w.role, 'controller');
    assert.deepEqual(w.slots, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(w.agents, w.slots.map((s) => `player_${s}`));
    assert.equal(w.lockstep, true, 'a room created by a controller is lockstep');
    assert.equal(w.autoReset, false);
    assert.equal(w.actionTimeoutMs, 0, 'it waits for the controller');
    assert.equal(first.tick, 0);
    assert.equal(first.count, 7);
    for (let i = 0; i < 7; i++) assert.equal(first.slots[i].readUInt16LE(12), i, `frame ${i} is slot ${i}'s`);
    const next = await step(c, w, first, [1, 1, 1, 1, 1, 1, 1]);
    assert.equal(next.tick, 1);
    assert.equal(next.count, 7);
    for (let i = 0; i < 7; i++) assert.equal(next.slots[i].readUInt32LE(4), 1, `slot ${i}'s frame shows tick 1`);
    // Nothing else arrives: exactly one frame per step.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.received.filter((m) => m.type === 'step').length, 0);
  });

  it('holds the named slots, and a second controller takes the rest', async () => {
    const a = await controller({ slots: [4, 1] });
    assert.deepEqual(a.w.slots, [1, 4], 'held slots ascending');
    assert.deepEqual(
      a.first.slots.map((f) => f.readUInt16LE(12)),
      [1, 4],
    );
    const b = await RawClient.join(live.srv.httpUrl, 'joinById', a.c.reservation.roomId, { role: 'controller' });
    open.push(b);
    const wb = await b.nextPayload<Welcome>('welcome');
    assert.deepEqual(wb.slots, [0, 2, 3, 5, 6]);
    await assert.rejects(RawClient.join(live.srv.httpUrl, 'joinById', a.c.reservation.roomId, { role: 'controller' }), (e: MatchmakeError) => {
      assert.match(e.message, /ROOM_FULL/);
      return true;
    });
  });

  it('refuses a named slot that is taken or not focal', async () => {
    const a = await controller({ scenario: 'commons_harvest__open_0', slots: [0] });
    const roomId = a.c.reservation.roomId;
    await assert.rejects(RawClient.join(live.srv.httpUrl, 'joinById', roomId, { role: 'controller', slots: [0] }), /ROOM_FULL: slot 0 is already held/);
    await assert.rejects(RawClient.join(live.srv.httpUrl, 'joinById', roomId, { role: 'controller', slots: [6] }), /INVALID_OPTION: slot 6 is not a focal slot/);
  });
});
