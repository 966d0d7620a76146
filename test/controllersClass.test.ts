/**
 * The Controllers class (server/controllers.ts) without a server: which slots a controller holds, its seats, the
 * step frame it is sent (README "Controllers", "The step frame"), its event counters and WORLD.RGB bytes, and its
 * disconnect, reconnect and release. A real Environment and Seats, as the room builds them, and a stand-in for the
 * Colyseus client that records what it is sent (a client that has not completed its join: the wire sends through
 * `sendBytes`). The room's part (writing each held seat's header) is played by a function that writes a real
 * observation header, so each slot's frame can be decoded where the layout says it is.
 *
 * Figures for Commons Harvest (open), worked out by hand: 7 players, all focal (scenario `commons_harvest__open_0`:
 * 5 focal, slots 5 and 6 background); the view 5 + 5 + 1 = 11 cells wide and 9 + 1 + 1 = 11 deep, so a symbolic
 * observation is 11 × 11 × 1 = 121 bytes and its frame 32 + 121 = 153 (no vector observations in this substrate),
 * an RGB one 88 × 88 × 3 = 23232 bytes (8-pixel sprites) and its frame 23264; the map is 24 × 18 cells, so
 * WORLD.RGB is 192 × 144 pixels, 82944 bytes.
 */
import { strict as assert } from 'node:assert';
import type { Client } from '@colyseus/core';
import { decodeObservation, MessageType, writeObservationHeader, type ObsMode } from '../client/protocol.js';
import { CrucibleError } from '../ecs/errors.js';
import { Controllers, EVENT_NAMES, type Controller } from '../server/controllers.js';
import type { JoinConfig } from '../server/options.js';
import { Seats, type Seat } from '../server/seats.js';
import { encodeMessage } from '../server/wire.js';
import { Environment } from '../systems/environment.js';
import { renderWorld } from '../systems/renderObservations.js';

const SYMBOLIC_FRAME = 153;
const RGB_FRAME = 23264;
const WORLD_W = 192;
const WORLD_H = 144;
const E = 7;

interface FakeClient {
  readonly sessionId: string;
  /** What `sendBytes` was given: (type, a copy of the bytes). */
  readonly sent: { type: string; bytes: Uint8Array }[];
}

/** A client that has not completed its join (state JOINING, no socket): the wire sends with `sendBytes`. */
function client(sessionId: string): Client & FakeClient {
  const sent: FakeClient['sent'] = [];
  return {
    sessionId,
    sent,
    state: 0,
    ref: undefined,
    sendBytes(type: string, bytes: Uint8Array): void {
      sent.push({ type, bytes: Uint8Array.from(bytes) });
    },
  } as unknown as Client & FakeClient;
}

function controllerJoin(opts: { slots?: number[] | null; obs?: ObsMode; events?: boolean; world?: boolean } = {}): JoinConfig {
  return {
    role: 'controller',
    obs: opts.obs ?? 'symbolic',
    policy: 'mine',
    token: null,
    state: false,
    slots: opts.slots ?? null,
    events: opts.events ?? false,
    world: opts.world ?? false,
    text: false,
  };
}

const agentJoin: JoinConfig = { ...controllerJoin(), role: 'agent' };

interface Room {
  env: Environment;
  seats: Seats;
  ctrls: Controllers;
  /** The seats the room was asked to write, in order. */
  written: Seat[];
}

/** Commons Harvest (open), reset, its seats filled, and its controllers; the room's seat writer writes a real header. */
function room(scenario?: string): Room {
  const env = new Environment({ substrate: 'commons_harvest__open', scenario, seed: 3, metrics: false, monitor: false });
  env.reset();
  const seats = new Seats(env, 'noop');
  seats.fillAll();
  const written: Seat[] = [];
  const ctrls = new Controllers(env, seats, (seat) => {
    written.push(seat);
    writeObservationHeader(seat.view, {
      flags: 0,
      tick: env.sim.world.tick,
      episode: env.sim.episode,
      slot: seat.slot,
      mode: seat.obs,
      reward: 100 + seat.slot,
      collectiveReward: 0,
      readyToShoot: 1,
      width: seat.obsWidth,
      height: seat.obsHeight,
    });
  });
  return { env, seats, ctrls, written };
}

function errorWith(code: string, message: string, details?: Record<string, unknown>): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof CrucibleError, `a CrucibleError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    if (details !== undefined) assert.deepEqual(e.details, details);
    return true;
  };
}

/** The step frame's 16-byte header as the README lays it out. */
function header(frame: Uint8Array): { magic: number; version: number; flags: number; tick: number; episode: number; count: number; reserved: number } {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return {
    magic: v.getUint16(0, true),
    version: v.getUint8(2),
    flags: v.getUint8(3),
    tick: v.getUint32(4, true),
    episode: v.getUint32(8, true),
    count: v.getUint16(12, true),
    reserved: v.getUint16(14, true),
  };
}

/** The f32 counters section: counter `e` of the i-th held slot at `16 + N·L + 4·(i·E + e)`. */
function counters(c: Controller, n: number, L: number): number[][] {
  const v = new DataView(c.frame.buffer, c.frame.byteOffset, c.frame.byteLength);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let e = 0; e < E; e++) row.push(v.getFloat32(16 + n * L + 4 * (i * E + e), true));
    out.push(row);
  }
  return out;
}

/** Deliver events as the simulation would at the end of a tick. */
function emit(env: Environment, fn: (bus: Environment['sim']['world']['events']) => void): void {
  const bus = env.sim.world.events;
  fn(bus);
  bus.flush();
}

describe('Controllers (in process)', () => {
  describe('slotsFor', () => {
    it('gives every free focal slot, ascending, when no slots are named', () => {
      const { ctrls, seats } = room();
      assert.deepEqual(ctrls.slotsFor(controllerJoin()), [0, 1, 2, 3, 4, 5, 6]);
      seats.claim(client('agent'), agentJoin); // slot 0
      seats.claim(client('agent2'), agentJoin, { slot: 4 });
      assert.deepEqual(ctrls.slotsFor(controllerJoin()), [1, 2, 3, 5, 6]);
    });

    it('leaves out the background slots of a scenario', () => {
      const { ctrls } = room('commons_harvest__open_0');
      assert.deepEqual(ctrls.slotsFor(controllerJoin()), [0, 1, 2, 3, 4]);
    });

    it('refuses with ROOM_FULL when every focal slot is taken', () => {
      const { ctrls, seats } = room('commons_harvest__open_0');
      for (let i = 0; i < 5; i++) seats.claim(client(`a${i}`), agentJoin);
      assert.throws(
        () => ctrls.slotsFor(controllerJoin()),
        errorWith('ROOM_FULL', 'all 5 focal slots are taken; join as a spectator or create another room', { focalSlots: 5 }),
      );
    });

    it('gives the named slots when each is a free focal slot, as a list of its own', () => {
      const { ctrls } = room();
      const named = [1, 4, 6];
      const join = controllerJoin({ slots: named });
      const got = ctrls.slotsFor(join);
      assert.deepEqual(got, [1, 4, 6]);
      assert.notEqual(got, join.slots, 'a copy: the controller does not share the join options\' list');
      assert.deepEqual(ctrls.slotsFor(controllerJoin({ slots: [0] })), [0]);
    });

    it('refuses a named slot that is background or beyond the players with INVALID_OPTION naming it and the focal slots', () => {
      const { ctrls } = room('commons_harvest__open_0');
      assert.throws(
        () => ctrls.slotsFor(controllerJoin({ slots: [1, 5] })),
        errorWith('INVALID_OPTION', 'slot 5 is not a focal slot of this room; focal slots: 0, 1, 2, 3, 4', { option: 'slots', value: 5, allowed: [0, 1, 2, 3, 4] }),
      );
      assert.throws(() => ctrls.slotsFor(controllerJoin({ slots: [6] })), errorWith('INVALID_OPTION', 'slot 6 is not a focal slot of this room; focal slots: 0, 1, 2, 3, 4'));
      assert.throws(() => ctrls.slotsFor(controllerJoin({ slots: [7] })), errorWith('INVALID_OPTION', 'slot 7 is not a focal slot of this room; focal slots: 0, 1, 2, 3, 4'));
      // The last focal slot is accepted.
      assert.deepEqual(ctrls.slotsFor(controllerJoin({ slots: [4] })), [4]);
    });

    it('refuses a named slot already held with ROOM_FULL listing the free focal slots, or (none)', () => {
      const { ctrls, seats } = room('commons_harvest__open_0');
      seats.claim(client('a'), agentJoin, { slot: 2 });
      seats.claim(client('b'), agentJoin, { slot: 0 });
      assert.throws(() => ctrls.slotsFor(controllerJoin({ slots: [1, 2] })), errorWith('ROOM_FULL', 'slot 2 is already held; free focal slots: 1, 3, 4'));
      for (const s of [1, 3, 4]) seats.claim(client(`c${s}`), agentJoin, { slot: s });
      assert.throws(() => ctrls.slotsFor(controllerJoin({ slots: [3] })), errorWith('ROOM_FULL', 'slot 3 is already held; free focal slots: (none)'));
    });

    it('changes nothing when it refuses', () => {
      const { ctrls, seats } = room('commons_harvest__open_0');
      assert.throws(() => ctrls.claim(client('c'), controllerJoin({ slots: [1, 6] })), (e: unknown) => e instanceof CrucibleError && e.code === 'INVALID_OPTION');
      assert.equal(ctrls.size, 0);
      assert.equal(ctrls.get('c'), undefined);
      assert.ok([0, 1, 2, 3, 4].every((s) => seats.isFree(s)), 'slot 1 was not claimed before slot 6 was refused');
    });
  });

  describe('claim', () => {
    it('seats the controller in each slot under its own key, the seat frames being windows of one step frame in slot order', () => {
      const { ctrls, seats } = room();
      const c = client('ctl');
      const ctl = ctrls.claim(c, controllerJoin({ slots: [2, 5] }));
      assert.equal(ctl.sessionId, 'ctl');
      assert.equal(ctl.client, c);
      assert.deepEqual(ctl.slots, [2, 5]);
      assert.equal(ctl.frameBytes, SYMBOLIC_FRAME);
      assert.equal(ctl.frame.length, 16 + 2 * SYMBOLIC_FRAME, 'header and two slot frames, nothing more');
      assert.equal(ctl.eventsAt, 16 + 2 * SYMBOLIC_FRAME);
      assert.equal(ctl.world, null);
      assert.equal(ctl.seats.length, 2);
      ctl.seats.forEach((seat, i) => {
        assert.equal(seat.slot, ctl.slots[i]);
        assert.equal(seat.sessionId, `ctl#${ctl.slots[i]}`);
        assert.equal(seat.controller, 'ctl');
        assert.equal(seat.client, c);
        assert.equal(seats.get(`ctl#${ctl.slots[i]}`), seat);
        assert.equal(seat.frame.buffer, ctl.frame.buffer, 'no copy: a window of the step frame');
        assert.equal(seat.frame.byteOffset, ctl.frame.byteOffset + 16 + i * SYMBOLIC_FRAME);
        assert.equal(seat.frame.length, SYMBOLIC_FRAME);
      });
      assert.equal(ctl.view.buffer, ctl.frame.buffer);
      assert.equal(ctl.view.byteOffset, ctl.frame.byteOffset);
      assert.equal(ctl.view.byteLength, ctl.frame.length);
      assert.ok(!seats.isFree(2) && !seats.isFree(5));
      assert.ok(seats.isFree(0) && seats.isFree(3));
      assert.equal(ctrls.get('ctl'), ctl);
      assert.equal(ctrls.size, 1);
      assert.deepEqual([...ctrls.all()], [ctl]);
      assert.equal(seats.get('ctl'), undefined, 'the controller itself holds no seat under its session id');
    });

    it('sizes the slot frames by the observation mode', () => {
      const { ctrls } = room();
      const rgb = ctrls.claim(client('r'), controllerJoin({ slots: [0], obs: 'rgb' }));
      assert.equal(rgb.frameBytes, RGB_FRAME);
      assert.equal(rgb.frame.length, 16 + RGB_FRAME);
      const none = ctrls.claim(client('n'), controllerJoin({ slots: [1, 2, 3], obs: 'none' }));
      assert.equal(none.frameBytes, 32);
      assert.equal(none.frame.length, 16 + 3 * 32);
    });

    it('adds 4·N·7 bytes of event counters, then H·W·3 bytes of WORLD.RGB, when asked for', () => {
      const { ctrls } = room();
      assert.deepEqual(ctrls.worldSize, { width: WORLD_W, height: WORLD_H });
      const ev = ctrls.claim(client('e'), controllerJoin({ slots: [0, 1], events: true }));
      assert.equal(ev.frame.length, 16 + 2 * SYMBOLIC_FRAME + 4 * 2 * E);
      assert.equal(ev.world, null);
      const w = ctrls.claim(client('w'), controllerJoin({ slots: [2], world: true }));
      assert.equal(w.frame.length, 16 + SYMBOLIC_FRAME + WORLD_W * WORLD_H * 3);
      assert.ok(w.world);
      assert.equal(w.world.length, WORLD_W * WORLD_H * 3);
      assert.equal(w.world.byteOffset, w.frame.byteOffset + 16 + SYMBOLIC_FRAME);
      const both = ctrls.claim(client('b'), controllerJoin({ slots: [3, 4, 5], events: true, world: true }));
      assert.equal(both.eventsAt, 16 + 3 * SYMBOLIC_FRAME);
      assert.equal(both.frame.length, 16 + 3 * SYMBOLIC_FRAME + 4 * 3 * E + WORLD_W * WORLD_H * 3);
      assert.ok(both.world);
      assert.equal(both.world.buffer, both.frame.buffer);
      assert.equal(both.world.byteOffset, both.frame.byteOffset + 16 + 3 * SYMBOLIC_FRAME + 4 * 3 * E);
      assert.equal(both.world.length, WORLD_W * WORLD_H * 3);
    });

    it('makes the simulation emit the counted events only once a controller asks for them', () => {
      const { env, ctrls } = room();
      const bus = env.sim.world.events;
      ctrls.claim(client('plain'), controllerJoin({ slots: [0], world: true }));
      assert.equal(bus.wants('apple_eaten'), false, 'nobody asked: the events cost nothing');
      ctrls.claim(client('ev'), controllerJoin({ slots: [1], events: true }));
      for (const t of ['apple_eaten', 'zap_fired', 'zap_hit', 'dirt_cleaned', 'interaction', 'resource_collected'] as const) assert.ok(bus.wants(t), t);
    });

    it('subscribes its counters to the simulation\'s events once, however many controllers ask for them', () => {
      const { env, ctrls } = room();
      const bus = env.sim.world.events;
      const subscribed: string[] = [];
      const subscribe = bus.subscribe.bind(bus);
      bus.subscribe = ((type, handler) => {
        subscribed.push(type);
        return subscribe(type, handler);
      }) as typeof bus.subscribe;
      ctrls.claim(client('a'), controllerJoin({ slots: [0], events: true }));
      ctrls.claim(client('b'), controllerJoin({ slots: [1], events: true }));
      ctrls.claim(client('c'), controllerJoin({ slots: [2], events: true, world: true }));
      // One handler per counted event type, for the room's lifetime (the bus outlives resets): not one per controller.
      assert.deepEqual(subscribed.sort(), ['apple_eaten', 'dirt_cleaned', 'interaction', 'resource_collected', 'zap_fired', 'zap_hit']);
    });

    it('names its event counters in the documented order', () => {
      assert.deepEqual([...EVENT_NAMES], ['apples_eaten', 'zaps_fired', 'zaps_hit', 'zapped', 'cells_cleaned', 'interactions', 'resources_collected']);
    });
  });

  describe('write and send', () => {
    it('writes the 16-byte header: magic "CB", version 1, flags, tick, episode, N and a zero reserved field', () => {
      const { env, ctrls } = room();
      env.reset(); // episode 1
      env.step();
      env.step();
      env.step();
      const ctl = ctrls.claim(client('c'), controllerJoin({ slots: [1, 3, 6] }));
      ctl.frame.fill(0xff);
      ctrls.write(ctl);
      assert.deepEqual(header(ctl.frame), { magic: 0x4243, version: 1, flags: 0, tick: 3, episode: 1, count: 3, reserved: 0 });
      assert.equal(ctl.frame[0], 'C'.charCodeAt(0));
      assert.equal(ctl.frame[1], 'B'.charCodeAt(0));
    });

    it('sets flag bit 0 when the episode terminated and bit 1 when it was truncated', () => {
      const { env, ctrls } = room();
      const ctl = ctrls.claim(client('c'), controllerJoin());
      env.sim.terminated = true;
      ctrls.write(ctl);
      assert.equal(header(ctl.frame).flags, 0b01);
      env.sim.terminated = false;
      env.sim.truncated = true;
      ctrls.write(ctl);
      assert.equal(header(ctl.frame).flags, 0b10);
      env.sim.terminated = true;
      ctrls.write(ctl);
      assert.equal(header(ctl.frame).flags, 0b11);
    });

    it('sets flag bit 2 with event counters and bit 3 with WORLD.RGB', () => {
      const { env, ctrls } = room();
      const ev = ctrls.claim(client('e'), controllerJoin({ slots: [0], events: true }));
      const w = ctrls.claim(client('w'), controllerJoin({ slots: [1], world: true }));
      const both = ctrls.claim(client('b'), controllerJoin({ slots: [2], events: true, world: true }));
      env.sim.truncated = true;
      for (const c of [ev, w, both]) ctrls.write(c);
      assert.equal(header(ev.frame).flags, 0b0110);
      assert.equal(header(w.frame).flags, 0b1010);
      assert.equal(header(both.frame).flags, 0b1110);
    });

    it('has the room write each held seat once, in slot order, each frame at 16 + i·L decoding as that slot\'s', () => {
      const { ctrls, written } = room();
      const ctl = ctrls.claim(client('c'), controllerJoin({ slots: [0, 2, 5, 6] }));
      ctrls.write(ctl);
      assert.deepEqual(written.map((s) => s.slot), [0, 2, 5, 6]);
      [0, 2, 5, 6].forEach((slot, i) => {
        const o = decodeObservation(ctl.frame.subarray(16 + i * SYMBOLIC_FRAME, 16 + (i + 1) * SYMBOLIC_FRAME));
        assert.equal(o.slot, slot);
        assert.equal(o.reward, 100 + slot);
        assert.equal(o.mode, 'symbolic');
        assert.deepEqual([o.width, o.height], [11, 11]);
      });
    });

    it('writes each held slot\'s counters of the step, slot-major in EVENT_NAMES order, and no one else\'s', () => {
      const { env, ctrls } = room();
      const ctl = ctrls.claim(client('c'), controllerJoin({ slots: [1, 3], events: true }));
      emit(env, (bus) => {
        bus.emit('apple_eaten', { tick: 1, slot: 3, x: 0, y: 0, regrew: false });
        bus.emit('apple_eaten', { tick: 1, slot: 3, x: 1, y: 0, regrew: true });
        bus.emit('apple_eaten', { tick: 1, slot: 2, x: 2, y: 0, regrew: false });
        bus.emit('zap_fired', { tick: 1, slot: 1 });
        bus.emit('zap_fired', { tick: 1, slot: 0 });
        bus.emit('zap_hit', { tick: 1, attacker: 1, target: 3 });
        bus.emit('zap_hit', { tick: 1, attacker: 4, target: 1 });
        bus.emit('dirt_cleaned', { tick: 1, slot: 3, x: 0, y: 0 });
        bus.emit('interaction', { tick: 1, row: 3, col: 5, rowReward: 1, colReward: 1, rowChoice: null, colChoice: null });
        bus.emit('interaction', { tick: 1, row: 2, col: 1, rowReward: 1, colReward: 1, rowChoice: null, colChoice: null });
        for (let k = 0; k < 3; k++) bus.emit('resource_collected', { tick: 1, slot: 1, resource: 0 });
      });
      ctrls.write(ctl);
      // apples, zaps fired, zaps hit, zapped, cells cleaned, interactions, resources
      assert.deepEqual(counters(ctl, 2, SYMBOLIC_FRAME), [
        [0, 1, 1, 1, 0, 1, 3], // slot 1
        [2, 0, 0, 1, 1, 1, 0], // slot 3
      ]);
      ctrls.clearEvents();
      ctrls.write(ctl);
      assert.deepEqual(counters(ctl, 2, SYMBOLIC_FRAME), [new Array(E).fill(0), new Array(E).fill(0)], 'cleared before the next step');
    });

    it('clears the counters without error while no controller counts events (the room clears them every step)', () => {
      const { ctrls } = room();
      ctrls.claim(client('c'), controllerJoin({ slots: [0] }));
      assert.doesNotThrow(() => ctrls.clearEvents());
    });

    it('counts each event once however many controllers ask for counters, and sums events of a step', () => {
      const { env, ctrls } = room();
      const a = ctrls.claim(client('a'), controllerJoin({ slots: [0], events: true }));
      const b = ctrls.claim(client('b'), controllerJoin({ slots: [6], events: true }));
      emit(env, (bus) => {
        bus.emit('zap_hit', { tick: 1, attacker: 6, target: 0 });
        bus.emit('resource_collected', { tick: 1, slot: 0, resource: 1 });
      });
      emit(env, (bus) => bus.emit('resource_collected', { tick: 1, slot: 0, resource: 1 }));
      ctrls.write(a);
      ctrls.write(b);
      assert.deepEqual(counters(a, 1, SYMBOLIC_FRAME), [[0, 0, 0, 1, 0, 0, 2]]);
      assert.deepEqual(counters(b, 1, SYMBOLIC_FRAME), [[0, 0, 1, 0, 0, 0, 0]]);
    });

    it('writes no counters into the frame of a controller that did not ask for them', () => {
      const { env, ctrls } = room();
      ctrls.claim(client('ev'), controllerJoin({ slots: [0], events: true }));
      const w = ctrls.claim(client('w'), controllerJoin({ slots: [1], world: true }));
      const plain = ctrls.claim(client('p'), controllerJoin({ slots: [2] }));
      emit(env, (bus) => bus.emit('apple_eaten', { tick: 1, slot: 1, x: 0, y: 0, regrew: false }));
      ctrls.write(plain);
      assert.equal(plain.frame.length, 16 + SYMBOLIC_FRAME);
      ctrls.write(w);
      const expected = new Uint8Array(WORLD_W * WORLD_H * 3);
      renderWorld(env.sim, expected);
      assert.ok(w.world);
      assert.deepEqual(w.world.subarray(0, 28), expected.subarray(0, 28), 'the world\'s first bytes are the world\'s, not counters');
    });

    it('writes WORLD.RGB as the renderer draws the whole map, after the counters', () => {
      const { env, ctrls } = room();
      for (let t = 0; t < 5; t++) env.step(Int32Array.from([1, 2, 3, 4, 1, 2, 3]));
      const ctl = ctrls.claim(client('c'), controllerJoin({ slots: [0, 4], events: true, world: true }));
      emit(env, (bus) => bus.emit('apple_eaten', { tick: 5, slot: 4, x: 0, y: 0, regrew: false }));
      ctrls.write(ctl);
      const expected = new Uint8Array(WORLD_W * WORLD_H * 3);
      renderWorld(env.sim, expected);
      assert.ok(ctl.world);
      assert.ok(Buffer.from(ctl.world).equals(Buffer.from(expected)), 'WORLD.RGB');
      assert.ok(expected.some((x) => x !== 0));
      assert.deepEqual(counters(ctl, 2, SYMBOLIC_FRAME), [new Array(E).fill(0), [1, 0, 0, 0, 0, 0, 0]]);
    });

    it('sends the whole step frame as one "step" message', () => {
      const { ctrls } = room();
      const c = client('c');
      const ctl = ctrls.claim(c, controllerJoin({ slots: [3] }));
      ctrls.write(ctl);
      ctrls.send(ctl);
      assert.equal(c.sent.length, 1);
      assert.equal(c.sent[0].type, MessageType.Step);
      assert.deepEqual(c.sent[0].bytes, ctl.frame);
    });
  });

  describe('disconnect, reconnect, release', () => {
    it('a dropped controller keeps its slots, sends nothing and forgets its queued messages', () => {
      const { ctrls, seats } = room();
      const c = client('c');
      const ctl = ctrls.claim(c, controllerJoin({ slots: [1, 2] }));
      ctl.wire.queue(encodeMessage('error', { code: 'X' }));
      ctrls.disconnect(ctl);
      assert.equal(ctl.client, null);
      assert.ok(ctl.seats.every((s) => s.client === null), 'each held seat is disconnected');
      assert.equal(ctl.wire.queued, 0);
      assert.ok(!seats.isFree(1) && !seats.isFree(2), 'the slots stay held');
      assert.equal(ctrls.get('c'), ctl);
      ctrls.write(ctl);
      ctrls.send(ctl);
      assert.equal(c.sent.length, 0);
    });

    it('a reconnected controller gets its seats back under the new client; a connected one keeps its own', () => {
      const { ctrls } = room();
      const first = client('c');
      const ctl = ctrls.claim(first, controllerJoin({ slots: [0, 6] }));
      const other = client('c');
      ctrls.reconnect(ctl, other);
      assert.equal(ctl.client, first, 'not disconnected: nothing to reconnect');
      assert.ok(ctl.seats.every((s) => s.client === first));
      ctrls.disconnect(ctl);
      ctrls.disconnect(ctl);
      const again = client('c');
      ctrls.reconnect(ctl, again);
      assert.equal(ctl.client, again);
      assert.ok(ctl.seats.every((s) => s.client === again));
      ctrls.write(ctl);
      ctrls.send(ctl);
      assert.equal(again.sent.length, 1);
      assert.equal(first.sent.length, 0);
    });

    it('a released controller gives its slots back and is forgotten; releasing it again, or a stale copy, does nothing', () => {
      const { ctrls, seats } = room();
      const ctl = ctrls.claim(client('c'), controllerJoin({ slots: [2, 3] }));
      ctrls.release(ctl);
      assert.equal(ctl.client, null);
      assert.ok(seats.isFree(2) && seats.isFree(3));
      assert.equal(seats.get('c#2'), undefined);
      assert.equal(ctrls.get('c'), undefined);
      assert.equal(ctrls.size, 0);
      // The same session id holds other slots now: the old object's release must not touch them.
      const again = ctrls.claim(client('c'), controllerJoin({ slots: [2] }));
      ctrls.release(ctl);
      assert.equal(ctrls.get('c'), again);
      assert.equal(again.client?.sessionId, 'c');
      assert.ok(!seats.isFree(2));
      assert.deepEqual(ctrls.slotsFor(controllerJoin()), [0, 1, 3, 4, 5, 6]);
    });
  });
});
