/**
 * Who plays each focal slot. Joining agents take the free focal slots in ascending order; a slot stays with its
 * agent through a disconnect until the reconnection window closes. Each step takes at most one action per agent
 * (`offer` has the rule: the README's "Tagging"); at the step, missing actions are NOOP (0). What the step did with
 * each agent (its on-time action, a late one, none) is kept for the next observation's flags.
 *
 * An empty focal slot (nobody seated, or its agent gone) is played by a stand-in: with `fillFocal: 'bots'` the
 * scenario's bot (`bots[slot mod n]`, or `random` without a scenario), with `fillFocal: 'noop'` nobody (NOOP every
 * tick). A seated agent that is disconnected acts NOOP until it reconnects or its window closes.
 *
 * Each seat owns one preallocated frame — the 32-byte observation header followed by the observation — which the
 * renderer fills in place, so sending an observation allocates only what the transport adds.
 */
import { vectorLength } from '../systems/vectorObservations.js';
import type { Client } from '@colyseus/core';
import { CrucibleError } from '../ecs/errors.js';
import { OBS_CHANNELS, OBS_HEADER_BYTES, ObsFlag, type ObsMode } from '../client/protocol.js';
import { agentId, type Environment } from '../systems/environment.js';
import { createBot } from '../systems/policies/index.js';
import { ObservationBuffers, renderRgb, renderSymbolic, rgbShape, viewCols, viewRows } from '../systems/renderObservations.js';
import type { ActionMessage } from './messages.js';
import type { FillFocal, JoinConfig } from './options.js';
import { AgentWire } from './wire.js';

export interface Seat {
  readonly slot: number;
  readonly sessionId: string;
  /** null while the agent is disconnected (inside its reconnection window). */
  client: Client | null;
  readonly obs: ObsMode;
  readonly policy: string;
  /** Header + observation, preallocated; `view` and `obsBytes` look into it. */
  readonly frame: Uint8Array;
  readonly view: DataView;
  readonly obsBytes: Uint8Array;
  readonly obsWidth: number;
  readonly obsHeight: number;
  /** Byte offset in `frame` of the float32 vector observations (systems/vectorObservations.ts). */
  readonly vectorOffset: number;
  /** Sends `frame`, with whatever is queued for the agent, as one socket write (server/wire.ts). Unused for a
   * controller's seat: its frame goes out inside the controller's step frame (server/controllers.ts). */
  readonly wire: AgentWire;
  /** The session id of the controller holding this slot, or null for an agent's seat. */
  readonly controller: string | null;
}

/** How a controller claims a slot (server/controllers.ts): which one, under which key, into which bytes. */
export interface ClaimOptions {
  /** The focal slot to take (it must be free); default the first free one. */
  readonly slot?: number;
  /** The key the seat is found by (`get`); default the client's session id. A controller's seats use their own. */
  readonly key?: string;
  /** The seat's frame: bytes of exactly `frameLength(obs)` inside the controller's step frame. */
  readonly frame?: Uint8Array;
}

/** What `offer` did with an action. */
export type ActionOutcome = 'taken' | 'expired' | 'other_episode' | 'future' | 'repeat' | 'superseded' | 'not_current';

export class Seats {
  /** slot → seat (focal slots only ever hold one). */
  private readonly bySlot: (Seat | null)[];
  private readonly bySession = new Map<string, Seat>();
  /** slot → the action queued for the current tick (0 = NOOP when none). Passed to Environment.step. */
  readonly actions: Int32Array;
  /** slot → 1 when the slot's agent has acted this tick. */
  private readonly acted: Uint8Array;
  /** slot → the newest tick an action was taken for in this episode (−1: none yet); while `acted`, the tick the
   * queued action answers. */
  private readonly lastTag: Int32Array;
  /** slot → ObsFlag.LateAction / ObsFlag.NoAction for what the last step did with the slot's agent (0: its on-time action). */
  readonly stepFlags: Uint8Array;
  private connected = 0;
  private actedConnected = 0;
  /** Since the room started: steps that applied an agent's late action (one answering an earlier tick than the
   * step's), and steps in which a connected agent had no action (it acted NOOP). */
  lateActions = 0;
  missedActions = 0;
  /** Since the room started: answers to the episode that had just ended, dropped (`offer`). */
  expiredActions = 0;
  /** The same per slot, for the current episode (the episode record's `actions`). */
  private readonly episodeLate: Uint32Array;
  private readonly episodeMissed: Uint32Array;

  constructor(
    private readonly env: Environment,
    private readonly fillFocal: FillFocal,
  ) {
    this.bySlot = new Array<Seat | null>(env.players).fill(null);
    this.actions = new Int32Array(env.players);
    this.acted = new Uint8Array(env.players);
    this.lastTag = new Int32Array(env.players).fill(-1);
    this.stepFlags = new Uint8Array(env.players);
    this.episodeLate = new Uint32Array(env.players);
    this.episodeMissed = new Uint32Array(env.players);
    this.vectorLength = vectorLength(env.sim);
    this.buffers = new ObservationBuffers(env.sim, 'none');
  }

  /**
   * Each tick's observations, rendered in one pass that reads the map once: a slot's mode is its connected agent's
   * `obs`, and 'none' otherwise (nobody seated, disconnected, or an agent that asked for none), so only the agents
   * that asked for an observation get one drawn. `render` copies them into the seats' frames.
   */
  private readonly buffers: ObservationBuffers;

  /** Float32 values of vector observations each frame carries after the observation bytes. */
  readonly vectorLength: number;

  get size(): number {
    return this.bySession.size;
  }

  get connectedCount(): number {
    return this.connected;
  }

  /** First focal slot with nobody seated, or −1. */
  freeSlot(): number {
    for (const s of this.env.focalSlots) if (this.bySlot[s] === null) return s;
    return -1;
  }

  get(sessionId: string): Seat | undefined {
    return this.bySession.get(sessionId);
  }

  all(): IterableIterator<Seat> {
    return this.bySession.values();
  }

  /** Whether `slot` is a focal slot nobody holds. */
  isFree(slot: number): boolean {
    return this.env.population.isFocal[slot] === true && this.bySlot[slot] === null;
  }

  /** Bytes of one observation frame in mode `obs`: the header, the observation, the vector observations. */
  frameLength(obs: ObsMode): number {
    const { width, height } = obsSize(this.env, obs);
    return OBS_HEADER_BYTES + width * height * OBS_CHANNELS[obs] + 4 * this.vectorLength;
  }

  /** Seat a joining agent in the first free focal slot (or `opts.slot`). Throws ROOM_FULL when there is none. */
  claim(client: Client, join: JoinConfig, opts: ClaimOptions = {}): Seat {
    const slot = opts.slot ?? this.freeSlot();
    if (slot < 0 || !this.isFree(slot)) {
      throw new CrucibleError('ROOM_FULL', slot < 0 ? `all ${this.env.focalSlots.length} focal slots are taken; join as a spectator or create another room` : `slot ${slot} is not a free focal slot`, {
        focalSlots: this.env.focalSlots.length,
      });
    }
    const { width, height } = obsSize(this.env, join.obs);
    const obsLength = width * height * OBS_CHANNELS[join.obs];
    const frame = opts.frame ?? new Uint8Array(OBS_HEADER_BYTES + obsLength + 4 * this.vectorLength);
    if (frame.length !== OBS_HEADER_BYTES + obsLength + 4 * this.vectorLength) throw new Error(`seat frame of ${frame.length} bytes for slot ${slot}`);
    const key = opts.key ?? client.sessionId;
    const seat: Seat = {
      slot,
      sessionId: key,
      client,
      obs: join.obs,
      policy: join.policy,
      frame,
      view: new DataView(frame.buffer, frame.byteOffset, frame.byteLength),
      // One subarray for the seat's lifetime: the renderer caches its word view per buffer object.
      obsBytes: frame.subarray(OBS_HEADER_BYTES, OBS_HEADER_BYTES + obsLength),
      obsWidth: width,
      obsHeight: height,
      vectorOffset: OBS_HEADER_BYTES + obsLength,
      // A controller's seat never sends on its own: a minimal wire, never used.
      wire: new AgentWire(opts.key === undefined ? frame.length : 0),
      controller: opts.key === undefined ? null : client.sessionId,
    };
    this.bySlot[slot] = seat;
    this.bySession.set(key, seat);
    this.lastTag[slot] = -1;
    this.stepFlags[slot] = 0;
    this.connected++;
    this.buffers.setMode(slot, seat.obs);
    this.fill(slot);
    return seat;
  }

  /** The agent dropped: it keeps the slot, which acts NOOP until it reconnects. */
  disconnect(seat: Seat): void {
    if (seat.client === null) return;
    seat.client = null;
    this.connected--;
    this.buffers.setMode(seat.slot, 'none');
    seat.wire.clear();
    if (this.acted[seat.slot]) this.actedConnected--;
  }

  reconnect(seat: Seat, client: Client): void {
    if (seat.client !== null) return;
    seat.client = client;
    this.connected++;
    this.buffers.setMode(seat.slot, seat.obs);
    if (this.acted[seat.slot]) this.actedConnected++;
  }

  /** The agent left for good: the slot goes back to its stand-in. */
  release(seat: Seat): void {
    if (this.bySession.get(seat.sessionId) !== seat) return;
    this.disconnect(seat);
    this.bySession.delete(seat.sessionId);
    this.bySlot[seat.slot] = null;
    if (this.acted[seat.slot]) {
      this.acted[seat.slot] = 0;
      this.actions[seat.slot] = 0;
    }
    this.fill(seat.slot);
  }

  /**
   * Take (or not) the seat's action `msg`, answering the observation of tick `msg.tick` (of episode `msg.episode`
   * when given), against the current tick and episode. Returns 'taken', or why not (nothing else changes then):
   * - `other_episode`: it answers an episode other than the current one; but `expired` (no reply, only counted) when
   *   that is the episode that just ended and `allowLate`: an answer in flight while it ended has no step left;
   * - `future`: a tick that has not happened;
   * - `repeat`: a tick already answered in this episode (one action per observation);
   * - `superseded`: a tick older than one already answered;
   * - `not_current` (only without `allowLate`, i.e. lockstep): an earlier tick;
   * - taken: the current tick, or an earlier one as a late action when `allowLate` (real-time rooms), replacing any
   *   late one queued. An on-time action therefore replaces a late one queued for the same step, never the reverse.
   */
  offer(seat: Seat, msg: ActionMessage, allowLate: boolean): ActionOutcome {
    const slot = seat.slot;
    const tick = this.env.tick;
    const episode = this.env.sim.episode;
    if (msg.episode !== undefined && msg.episode !== episode) {
      if (allowLate && msg.episode === episode - 1) {
        this.expiredActions++;
        return 'expired';
      }
      return 'other_episode';
    }
    const tag = msg.tick;
    if (tag > tick) return 'future';
    const last = this.lastTag[slot];
    if (tag === last) return 'repeat';
    if (tag < last) return 'superseded';
    if (tag < tick && !allowLate) return 'not_current';
    this.lastTag[slot] = tag;
    this.actions[slot] = msg.action;
    if (this.acted[slot] === 0) {
      this.acted[slot] = 1;
      if (seat.client !== null) this.actedConnected++;
    }
    return 'taken';
  }

  /**
   * This episode's counts per agent id, for the slots agents played: steps that applied a late action, steps the
   * connected agent had no action in (a slot whose agent joined mid-episode counts from its join).
   */
  episodeActions(): { late: Record<string, number>; missed: Record<string, number> } {
    const late: Record<string, number> = {};
    const missed: Record<string, number> = {};
    for (let slot = 0; slot < this.bySlot.length; slot++) {
      if (this.bySlot[slot] === null && this.episodeLate[slot] === 0 && this.episodeMissed[slot] === 0) continue;
      late[agentId(slot)] = this.episodeLate[slot];
      missed[agentId(slot)] = this.episodeMissed[slot];
    }
    return { late, missed };
  }

  /** Forget the actions queued for the current tick without counting them (a reset ends the tick they answered). */
  discardActions(): void {
    this.actions.fill(0);
    this.acted.fill(0);
    this.actedConnected = 0;
  }

  /** Lockstep: every connected agent has acted for this tick, and at least one is connected. */
  allConnectedActed(): boolean {
    return this.connected > 0 && this.actedConnected >= this.connected;
  }

  /**
   * After a step (whose tick was `tick`): record what it did with each connected agent (`stepFlags`, the counters),
   * and start the next tick with no actions.
   */
  clearActions(tick: number): void {
    for (const seat of this.bySession.values()) {
      const slot = seat.slot;
      let flags = 0;
      if (this.acted[slot] === 0) {
        if (seat.client !== null) {
          flags = ObsFlag.NoAction;
          this.missedActions++;
          this.episodeMissed[slot]++;
        }
      } else if (this.lastTag[slot] < tick) {
        flags = ObsFlag.LateAction;
        this.lateActions++;
        this.episodeLate[slot]++;
      }
      this.stepFlags[slot] = flags;
    }
    this.actions.fill(0);
    this.acted.fill(0);
    this.actedConnected = 0;
  }

  /** After a reset (which re-draws bots and labels): no action taken yet in the new episode, and every focal slot's player back. */
  fillAll(): void {
    const env = this.env;
    this.lastTag.fill(-1);
    this.stepFlags.fill(0);
    this.episodeLate.fill(0);
    this.episodeMissed.fill(0);
    for (const s of env.focalSlots) this.fill(s, false);
    // One setLabel re-attaches the metrics to the new labels (it recomputes the diversity figure).
    const last = env.focalSlots[env.focalSlots.length - 1];
    if (last !== undefined) env.setLabel(last, env.labels[last]);
  }

  /** Who plays focal slot `slot` now: its agent (no bot), or the stand-in. */
  private fill(slot: number, relabel = true): void {
    const env = this.env;
    const sim = env.sim;
    const seat = this.bySlot[slot];
    let label: string;
    if (seat) {
      sim.bots[slot] = null;
      label = seat.policy;
    } else if (this.fillFocal === 'bots') {
      label = standInBot(env, slot);
      sim.bots[slot] = createBot(label, sim);
    } else {
      sim.bots[slot] = null;
      label = 'noop';
    }
    if (relabel) env.setLabel(slot, label);
    else env.labels[slot] = label;
  }

  /**
   * Render the observation of every connected seat into its frame (a post-step stage; also after a reset): one
   * pass over the map for all of them (`renderSeat` reads the whole map per call: fine for one join, O(agents ×
   * map) per tick if used for every seat).
   */
  render(): void {
    const buffers = this.buffers;
    buffers.render(this.env.sim);
    for (const seat of this.bySession.values()) {
      if (seat.client === null) continue;
      if (seat.obs === 'symbolic') seat.obsBytes.set(buffers.symbolic[seat.slot]);
      else if (seat.obs === 'rgb') seat.obsBytes.set(buffers.rgb[seat.slot]);
    }
  }
}

/** The bot standing in for empty focal slot `slot`. */
export function standInBot(env: Environment, slot: number): string {
  const bots = env.scenario?.bots;
  return bots && bots.length > 0 ? bots[slot % bots.length] : 'random';
}

/** Observation size of a mode: pixels for rgb, cells for symbolic, 0 × 0 for none. */
export function obsSize(env: Environment, mode: ObsMode): { width: number; height: number } {
  if (mode === 'rgb') {
    const [h, w] = rgbShape(env.sim);
    return { width: w, height: h };
  }
  if (mode === 'symbolic') {
    const view = env.spec.observation.view;
    return { width: viewCols(view), height: viewRows(view) };
  }
  return { width: 0, height: 0 };
}

export function renderSeat(sim: Environment['sim'], seat: Seat): void {
  if (seat.obs === 'rgb') renderRgb(sim, seat.slot, seat.obsBytes);
  else if (seat.obs === 'symbolic') renderSymbolic(sim, seat.slot, seat.obsBytes);
}
