/**
 * Controllers: one connection holding several focal slots of a room (a trainer stepping all its players at once).
 *
 * A controller joins with `role: 'controller'` and holds every free focal slot, or the `slots` it names. It sends
 * ONE `step` message per step (every held slot's action) and gets ONE binary `step` frame back: a 16-byte header,
 * then each held slot's observation frame exactly as an agent gets it (client/protocol.ts), then, when asked for at
 * join, per-slot event counters and the raw WORLD.RGB bytes. The README ("Controllers") has the protocol.
 *
 * Each held slot is an ordinary seat of `Seats` (so lockstep, stand-ins, flags and counters work as for agents),
 * claimed under its own key, whose frame is a window into the controller's one preallocated step frame: the
 * per-step renderer fills the observations in place, the room writes each slot's header, and the frame goes out as
 * one socket write (server/wire.ts). Nothing is allocated per step.
 */
import type { Client } from '@colyseus/core';
import { CrucibleError } from '../ecs/errors.js';
import { MessageType, STEP_HEADER_BYTES, STEP_MAGIC, STEP_VERSION, StepFlag } from '../client/protocol.js';
import type { Environment } from '../systems/environment.js';
import { renderWorld, worldShape } from '../systems/renderObservations.js';
import { describe } from './messages.js';
import type { JoinConfig } from './options.js';
import type { Seat, Seats } from './seats.js';
import { AgentWire } from './wire.js';

/** The per-slot event counters of a step frame, in order (`welcome.events`). */
export const EVENT_NAMES = [
  /** apples this slot ate (stepped onto, or that regrew under it) */
  'apples_eaten',
  /** zap beams this slot fired */
  'zaps_fired',
  /** zap beams of this slot that hit a player */
  'zaps_hit',
  /** zap beams that hit this slot */
  'zapped',
  /** dirty river cells this slot's cleaning beam cleaned (Clean Up) */
  'cells_cleaned',
  /** interactions this slot took part in, either side (the Matrix games) */
  'interactions',
  /** resources this slot collected (the Matrix games) */
  'resources_collected',
] as const;
const E = EVENT_NAMES.length;
const EV = Object.fromEntries(EVENT_NAMES.map((n, i) => [n, i])) as Record<(typeof EVENT_NAMES)[number], number>;

export interface Controller {
  readonly sessionId: string;
  /** null while disconnected (inside its reconnection window). */
  client: Client | null;
  readonly join: JoinConfig;
  /** Held slots, ascending: the order of the actions in `step` and of the frames in the step frame. */
  readonly slots: readonly number[];
  readonly seats: readonly Seat[];
  /** L: bytes of one slot's observation frame. */
  readonly frameBytes: number;
  /** The whole step frame (header, slot frames, events, world), preallocated. */
  readonly frame: Uint8Array;
  readonly view: DataView;
  readonly eventsAt: number;
  /** WORLD.RGB window of `frame` (null when not asked for). */
  readonly world: Uint8Array | null;
  readonly wire: AgentWire;
}

/** A parsed `step` message. */
export interface StepMessage {
  readonly episode: number;
  readonly tick: number;
  readonly actions: readonly number[];
}

export class Controllers {
  private readonly bySession = new Map<string, Controller>();
  /** slot × E event counts of the current step (allocated when the first controller asks for events). */
  private counts: Float32Array | null = null;
  private readonly worldShape: readonly [number, number];

  constructor(
    private readonly env: Environment,
    private readonly seats: Seats,
    /** Writes a seat's observation header and vector part (the room's; the renderer has drawn the observation). */
    private readonly writeSeat: (seat: Seat) => void,
  ) {
    const [h, w] = worldShape(env.sim);
    this.worldShape = [h, w];
  }

  get(sessionId: string): Controller | undefined {
    return this.bySession.get(sessionId);
  }

  all(): IterableIterator<Controller> {
    return this.bySession.values();
  }

  get size(): number {
    return this.bySession.size;
  }

  get worldSize(): { width: number; height: number } {
    return { height: this.worldShape[0], width: this.worldShape[1] };
  }

  /**
   * The slots a controller joining with `join` would hold: the named ones (each a free focal slot), else every free
   * focal slot. Throws INVALID_OPTION (a slot that is no focal slot of this room) or ROOM_FULL (taken, or none free).
   */
  slotsFor(join: JoinConfig): number[] {
    const env = this.env;
    if (join.slots === null) {
      const free = env.focalSlots.filter((s) => this.seats.isFree(s));
      if (free.length === 0) {
        throw new CrucibleError('ROOM_FULL', `all ${env.focalSlots.length} focal slots are taken; join as a spectator or create another room`, {
          focalSlots: env.focalSlots.length,
        });
      }
      return free;
    }
    for (const s of join.slots) {
      if (s >= env.players || !env.population.isFocal[s]) {
        throw new CrucibleError('INVALID_OPTION', `slot ${s} is not a focal slot of this room; focal slots: ${env.focalSlots.join(', ')}`, {
          option: 'slots',
          value: s,
          allowed: env.focalSlots,
        });
      }
      if (!this.seats.isFree(s)) throw new CrucibleError('ROOM_FULL', `slot ${s} is already held; free focal slots: ${env.focalSlots.filter((f) => this.seats.isFree(f)).join(', ') || '(none)'}`);
    }
    return [...join.slots];
  }

  /** Seat the controller in its slots (throws as `slotsFor`). */
  claim(client: Client, join: JoinConfig): Controller {
    const slots = this.slotsFor(join);
    const frameBytes = this.seats.frameLength(join.obs);
    const count = slots.length;
    const eventsAt = STEP_HEADER_BYTES + count * frameBytes;
    const worldAt = eventsAt + (join.events ? count * E * 4 : 0);
    const worldBytes = join.world ? this.worldShape[0] * this.worldShape[1] * 3 : 0;
    const frame = new Uint8Array(worldAt + worldBytes);
    const seats = slots.map((slot, i) =>
      this.seats.claim(client, join, {
        slot,
        key: `${client.sessionId}#${slot}`,
        frame: frame.subarray(STEP_HEADER_BYTES + i * frameBytes, STEP_HEADER_BYTES + (i + 1) * frameBytes),
      }),
    );
    const controller: Controller = {
      sessionId: client.sessionId,
      client,
      join,
      slots,
      seats,
      frameBytes,
      frame,
      view: new DataView(frame.buffer, frame.byteOffset, frame.byteLength),
      eventsAt,
      world: join.world ? frame.subarray(worldAt) : null,
      wire: new AgentWire(frame.length, MessageType.Step),
    };
    this.bySession.set(client.sessionId, controller);
    if (join.events) this.countEvents();
    return controller;
  }

  disconnect(c: Controller): void {
    if (c.client === null) return;
    c.client = null;
    c.wire.clear();
    for (const seat of c.seats) this.seats.disconnect(seat);
  }

  reconnect(c: Controller, client: Client): void {
    if (c.client !== null) return;
    c.client = client;
    for (const seat of c.seats) this.seats.reconnect(seat, client);
  }

  /** The controller left for good: its slots go back to their stand-ins. */
  release(c: Controller): void {
    if (this.bySession.get(c.sessionId) !== c) return;
    this.disconnect(c);
    for (const seat of c.seats) this.seats.release(seat);
    this.bySession.delete(c.sessionId);
  }

  /** Before each step and after each reset: the event counters start from 0. */
  clearEvents(): void {
    this.counts?.fill(0);
  }

  /**
   * Write the controller's step frame: its header, each held slot's frame (the renderer has drawn the
   * observations; `render` draws them first, outside a step), the event counters, WORLD.RGB.
   */
  write(c: Controller): void {
    const sim = this.env.sim;
    const v = c.view;
    let flags = 0;
    if (sim.terminated) flags |= StepFlag.Terminated;
    if (sim.truncated) flags |= StepFlag.Truncated;
    if (c.join.events) flags |= StepFlag.Events;
    if (c.world !== null) flags |= StepFlag.World;
    v.setUint16(0, STEP_MAGIC, true);
    v.setUint8(2, STEP_VERSION);
    v.setUint8(3, flags);
    v.setUint32(4, sim.world.tick >>> 0, true);
    v.setUint32(8, sim.episode >>> 0, true);
    v.setUint16(12, c.slots.length, true);
    v.setUint16(14, 0, true);
    for (let i = 0; i < c.seats.length; i++) this.writeSeat(c.seats[i]);
    const counts = this.counts;
    if (c.join.events && counts !== null) {
      let at = c.eventsAt;
      for (let i = 0; i < c.slots.length; i++) {
        const base = c.slots[i] * E;
        for (let e = 0; e < E; e++, at += 4) v.setFloat32(at, counts[base + e], true);
      }
    }
    if (c.world !== null) renderWorld(sim, c.world);
  }

  /** Send the step frame (with whatever is queued for the controller) as one write. */
  send(c: Controller): void {
    if (c.client !== null) c.wire.send(c.client, c.frame);
  }

  /** Subscribe the per-slot counters to the simulation's events (once; the bus outlives resets). */
  private countEvents(): void {
    if (this.counts !== null) return;
    const counts = new Float32Array(this.env.players * E);
    this.counts = counts;
    const events = this.env.sim.world.events;
    events.subscribe('apple_eaten', (batch) => {
      for (const e of batch) counts[e.slot * E + EV.apples_eaten]++;
    });
    events.subscribe('zap_fired', (batch) => {
      for (const e of batch) counts[e.slot * E + EV.zaps_fired]++;
    });
    events.subscribe('zap_hit', (batch) => {
      for (const e of batch) {
        counts[e.attacker * E + EV.zaps_hit]++;
        counts[e.target * E + EV.zapped]++;
      }
    });
    events.subscribe('dirt_cleaned', (batch) => {
      for (const e of batch) counts[e.slot * E + EV.cells_cleaned]++;
    });
    events.subscribe('interaction', (batch) => {
      for (const e of batch) {
        counts[e.row * E + EV.interactions]++;
        counts[e.col * E + EV.interactions]++;
      }
    });
    events.subscribe('resource_collected', (batch) => {
      for (const e of batch) counts[e.slot * E + EV.resources_collected]++;
    });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function nonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** msgpack's 64-bit integer encodings (0xcf, 0xd3) decode as bigint: take them as numbers when exact. */
function integerValue(v: unknown): unknown {
  return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * `{episode, tick, actions}`: episode and tick non-negative integers, actions one integer per held slot (`slots`,
 * in that order), each an index into a table of `actionCount` actions. Wrong shapes or types are
 * MALFORMED_MESSAGE; an action out of range is INVALID_ACTION naming the slot.
 */
export function parseStep(payload: unknown, slots: readonly number[], actionCount: number): StepMessage | CrucibleError {
  if (!isRecord(payload)) {
    return new CrucibleError('MALFORMED_MESSAGE', `a step message must be an object {episode, tick, actions}, got ${describe(payload)}`);
  }
  const episode = integerValue(payload.episode);
  const tick = integerValue(payload.tick);
  const { actions } = payload;
  if (!nonNegativeInteger(episode)) {
    return new CrucibleError('MALFORMED_MESSAGE', `step.episode must be the non-negative integer episode of the last step frame, got ${describe(episode)}`);
  }
  if (!nonNegativeInteger(tick)) {
    return new CrucibleError('MALFORMED_MESSAGE', `step.tick must be the non-negative integer tick of the last step frame, got ${describe(tick)}`);
  }
  if (!Array.isArray(actions) || actions.length !== slots.length) {
    return new CrucibleError('MALFORMED_MESSAGE', `step.actions must be a list of ${slots.length} actions (one per held slot, in welcome.slots order), got ${describe(actions)}`);
  }
  const values = new Array<number>(actions.length);
  for (let i = 0; i < actions.length; i++) {
    const a = integerValue(actions[i]);
    if (typeof a !== 'number' || !Number.isInteger(a)) {
      return new CrucibleError('MALFORMED_MESSAGE', `step.actions[${i}] (slot ${slots[i]}) must be an integer, got ${describe(a)}`);
    }
    if (a < 0 || a >= actionCount) {
      return new CrucibleError('INVALID_ACTION', `step.actions[${i}] (slot ${slots[i]}) must be from 0 to ${actionCount - 1}, got ${a}`, {
        slot: slots[i],
        value: a,
        allowed: { min: 0, max: actionCount - 1 },
      });
    }
    values[i] = a;
  }
  return { episode, tick, actions: values };
}

/** `{seed?}` (or no payload): the seed of the next episode, or undefined for the next in sequence. */
export function parseReset(payload: unknown): { seed: number | undefined } | CrucibleError {
  if (payload === undefined || payload === null) return { seed: undefined };
  if (!isRecord(payload)) return new CrucibleError('MALFORMED_MESSAGE', `a reset message must be an object {seed?}, got ${describe(payload)}`);
  for (const k of Object.keys(payload)) {
    if (k !== 'seed') return new CrucibleError('MALFORMED_MESSAGE', `a reset message has only "seed", got ${describe(k)}`);
  }
  const seed = integerValue(payload.seed);
  if (seed === undefined || seed === null) return { seed: undefined };
  if (!nonNegativeInteger(seed) || seed > 0xffffffff) {
    return new CrucibleError('MALFORMED_MESSAGE', `reset.seed must be an integer from 0 to 4294967295, got ${describe(seed)}`);
  }
  return { seed };
}
