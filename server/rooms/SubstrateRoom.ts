/**
 * One room = one running substrate. The room maps Colyseus lifecycle hooks onto an Environment and nothing more:
 * message handlers validate and queue, a tick clock steps the environment, and each tick publishes observations
 * (binary, one message per agent), WORLD.RGB frames for whoever asked, and the synchronised state. No game rule
 * lives here. All of a room's data lives on the room instance (no module-level registries), and HTTP reaches it
 * through the matchmaker (`describe`, `metricsReport`, `worldPngBase64`), so a Redis presence/driver can be added.
 *
 * Two clocks, both in ms: the simulation runs every 1000 / tickRate ms (drift-corrected, server/tickLoop.ts) or,
 * in lockstep, as soon as every connected agent has acted; state patches go out every `patchRate` ms (the tick
 * interval, at least 50 ms). Agents do not depend on patches: they get their observation every tick.
 *
 * The protocol is in the README (section "The agent protocol").
 */
import { vectorLayout, writeVectorObservations, type VectorField } from '../../systems/vectorObservations.js';
import { DIR_NAMES } from '../../ecs/components.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CloseCode, enqueueClientRaw, logger, Room, SchemaSerializer, ServerError, type AuthContext, type Client, type ClientPrivate, type Serializer,
} from '@colyseus/core';
import { Encoder, StateView } from '@colyseus/schema';
import { MessageType, ObsFlag, writeObservationHeader } from '../../client/protocol.js';
import { CrucibleError, type ErrorCode } from '../../ecs/errors.js';
import type { RoomState } from '../../schemas/RoomState.js';
import { agentId, Environment, type EpisodeSummary } from '../../systems/environment.js';
import { encodePng } from '../../systems/encoding.js';
import { readyToShoot, renderWorld, worldShape } from '../../systems/renderObservations.js';
import { getSubstrate } from '../../substrates/registry.js';
import { MAX_MESSAGE_BYTES, parseAction, parseWorldRequest } from '../messages.js';
import { parseCreateOptions, parseJoinOptions, type JoinConfig, type RoomConfig, type ServerSettings } from '../options.js';
import { ResultsWriter } from '../results.js';
import { renderSeat, Seats, type Seat } from '../seats.js';
import { lowerLayerCells, StateMirror } from '../stateMirror.js';
import { encodeMessage, encodeObservation } from '../wire.js';
import { FixedRateLoop, LockstepLoop, type TickDriver } from '../tickLoop.js';

/** Options the server adds to every create (the room handler's defaults; clients cannot override them). */
export type HandlerOptions = {
  substrate: string;
  server: ServerSettings;
};

/** Room listing metadata (GET /api/rooms, the monitor, joinOrCreate filters). */
export interface RoomMetadata {
  substrate: string;
  scenario: string | null;
  seed: number;
  tickRate: number;
  lockstep: boolean;
  scale: number;
  fillFocal: string;
  maxSteps: number | null;
}

/** Per-connection data. */
interface ClientData {
  join: JoinConfig;
  /** Byte length of the frame being dispatched (set by the raw listener just before the room decodes it). */
  frameBytes: number;
  /** Mirror of Colyseus's per-second message counter, to report RATE_LIMITED before it closes the client. */
  windowEndsAt: number;
  windowCount: number;
  flooded: boolean;
  /** WORLD.RGB frames: ms between frames (0 = none) and when the next is due. */
  worldEveryMs: number;
  worldNextAt: number;
}

type RoomClient = Client<{ userData: ClientData; auth: JoinConfig }>;

/** HTTP-ish status carried by a rejected create or join (the SDK's MatchMakeError.code); the message starts with the stable code. */
const REJECTION_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_OPTION: 400,
  UNKNOWN_SCENARIO: 400,
  UNKNOWN_SUBSTRATE: 404,
  INVALID_TOKEN: 401,
  ROOM_FULL: 409,
};

/** The reason given with STALE_ACTION for each way `Seats.offer` refuses an action with that code. */
const STALE_REASON: Record<'future' | 'superseded' | 'not_current', string> = {
  future: 'that tick has not happened',
  superseded: 'an action answering a later tick has already been taken',
  not_current: 'a lockstep room takes only actions for the current tick',
};

/** A CrucibleError as a Colyseus ServerError: "CODE: message" (clients split it with parseErrorCode). */
export function toServerError(err: unknown): ServerError {
  if (err instanceof CrucibleError) return new ServerError(REJECTION_STATUS[err.code] ?? 500, `${err.code}: ${err.message}`);
  if (err instanceof ServerError) return err;
  return new ServerError(500, err instanceof Error ? err.message : String(err));
}

/** Sends patches only to clients that asked for the state; the others get the join-time snapshot and nothing more. */
class OptInSchemaSerializer extends SchemaSerializer<RoomState> {
  override applyPatches(clients: Client[], state?: unknown, timing?: Parameters<SchemaSerializer<RoomState>['applyPatches']>[2]): boolean {
    const subscribed = clients.filter((c) => (c.userData as ClientData | undefined)?.join.state === true);
    return super.applyPatches(subscribed, state, timing);
  }
}

export class SubstrateRoom extends Room<{ state: RoomState; metadata: RoomMetadata; client: RoomClient }> {
  private config!: RoomConfig;
  private settings!: ServerSettings;
  private env!: Environment;
  private seats!: Seats;
  /** The substrate's vector observations (INVENTORY, …) appended to each agent frame, and a scratch to write them. */
  private vectorLayout: VectorField[] = [];
  private vectorScratch = new Float64Array(0);
  /** The observation header being written, reused for every frame (no object per agent per tick). */
  private readonly header: Parameters<typeof writeObservationHeader>[1] = {
    flags: 0, tick: 0, episode: 0, slot: 0, mode: 'none', reward: 0, collectiveReward: 0, readyToShoot: 0, width: 0, height: 0, vectorLength: 0,
  };
  private mirror!: StateMirror;
  private loop!: TickDriver;
  private results!: ResultsWriter;
  /** WORLD.RGB scratch, allocated on the first request (height·8 × width·8 × 3 bytes: 83 KB at scale 1, 85 MB at 32). */
  private worldRgb: Uint8Array | null = null;
  private actionCount = 0;
  /** Rejected inputs by code. */
  private readonly errors: Partial<Record<ErrorCode, number>> = {};
  private episodesCompleted = 0;
  /** Observations sent as one socket write (server/wire.ts) / through client.sendBytes. */
  private obsOneWrite = 0;
  private obsFallback = 0;
  private tickErrors = 0;
  private tickTimer = 0;
  private sendTimer = 0;
  private patchTimer = 0;
  private stopping = false;

  override onCreate(options: Record<string, unknown> & HandlerOptions): void {
    const { substrate, server, ...clientOptions } = options;
    try {
      this.settings = server;
      this.config = parseCreateOptions(clientOptions, substrate, server);
      const c = this.config;
      // One performance report a second whatever the tick rate (the dashboard charts poll twice a second).
      this.env = new Environment({
        substrate, scenario: c.scenario, seed: c.seed, scale: c.scale, focalPolicy: null, performanceEvery: Math.max(1, Math.round(c.tickRate)),
      });
    } catch (err) {
      throw toServerError(err);
    }
    const c = this.config;
    const env = this.env;
    this.actionCount = env.spec.actions.length;
    this.seats = new Seats(env, c.fillFocal);
    this.vectorLayout = vectorLayout(env.sim);
    this.vectorScratch = new Float64Array(this.seats.vectorLength);
    if (c.maxSteps !== null) {
      const cap = c.maxSteps;
      // Runs after the pipeline's endEpisode and before the metrics see `done`.
      env.addPostStage({
        name: 'maxSteps',
        run: (e) => {
          if (e.tick >= cap && !e.sim.terminated) e.sim.truncated = true;
        },
      });
    }
    env.addPostStage({ name: 'renderObservations', run: () => this.seats.render() });
    env.reset();
    this.seats.fillAll();
    this.results = new ResultsWriter(c.resultsFile);
    if (env.monitor) {
      this.tickTimer = env.monitor.register('tick');
      this.sendTimer = env.monitor.register('send');
      this.patchTimer = env.monitor.register('patch');
    }

    // A full state larger than the encoder's buffer makes it grow with a console warning at the first join: size
    // it for this room's agents and changing cells up front (≈ 64 bytes per agent, 16 per cell, 16 KB for the rest).
    // The setting is process-wide and only ever grows here.
    const estimate = Math.ceil((env.players * 64 + lowerLayerCells(env.sim).length * 16 + 16 * 1024) / 1024) * 1024;
    if (estimate > Encoder.BUFFER_SIZE) Encoder.BUFFER_SIZE = estimate;
    this.mirror = new StateMirror(env);
    this.state = this.mirror.state; // through setSerializer below: an OptInSchemaSerializer
    this.patchRate = c.patchRateMs;
    this.maxMessagesPerSecond = c.maxMessagesPerSecond;
    this.metadata = {
      substrate,
      scenario: c.scenario,
      seed: c.seed,
      tickRate: c.tickRate,
      lockstep: c.lockstep,
      scale: c.scale,
      fillFocal: c.fillFocal,
      maxSteps: c.maxSteps,
    };

    this.onMessage(MessageType.Action, (client: RoomClient, payload: unknown) => this.onAction(client, payload));
    this.onMessage(MessageType.World, (client: RoomClient, payload: unknown) => this.onWorldRequest(client, payload));
    this.onMessage('*', (client: RoomClient, type: string | number) => this.onUnknown(client, type));

    this.loop = c.lockstep
      ? new LockstepLoop(this.tick, { timeoutMs: c.actionTimeoutMs })
      : // When a tick falls due, the event loop first reads the sockets that have data (its poll phase runs before
        // setImmediate callbacks): an action that reached the server before the tick is applied in it, rather than
        // refused as stale because its socket had not been read yet.
        new FixedRateLoop(() => setImmediate(this.tick), { intervalMs: c.tickIntervalMs });
    this.loop.start();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Joining and leaving

  override onAuth(_client: Client, options: unknown, context: AuthContext): JoinConfig {
    try {
      const join = parseJoinOptions(options);
      if (join.role === 'agent') {
        const token = this.settings.token;
        if (token !== null && !sameSecret(join.token ?? context.token ?? '', token)) {
          throw new CrucibleError('INVALID_TOKEN', 'joining as an agent needs the server token (join option "token")');
        }
        // Colyseus calls onJoin right after onAuth returns (no other join runs in between), so the slot free here is
        // the one claimed there.
        if (this.seats.freeSlot() < 0) {
          throw new CrucibleError('ROOM_FULL', `all ${this.env.focalSlots.length} focal slots are taken; join as a spectator or create another room`);
        }
      }
      return join;
    } catch (err) {
      throw toServerError(err);
    }
  }

  override onJoin(client: RoomClient, _options: unknown, auth: JoinConfig): void {
    const join = auth;
    let seat: Seat | undefined;
    if (join.role === 'agent') seat = this.seats.claim(client, join);
    client.userData = newClientData(join);
    this.attachConnection(client);
    const env = this.env;
    client.send(MessageType.Welcome, {
      role: join.role,
      slot: seat?.slot ?? null,
      agent: seat ? agentId(seat.slot) : null,
      obs: join.obs,
      substrate: env.spec.name,
      scenario: env.scenario?.name ?? null,
      players: env.players,
      focalSlots: env.focalSlots,
      actions: env.spec.actions.map((a) => a.name),
      vector: this.vectorLayout,
      tickRate: this.config.tickRate,
      lockstep: this.config.lockstep,
      tick: env.tick,
      episode: env.sim.episode,
    });
    // The mirror is not kept current while nobody receives the state: bring it up to date before this client's
    // full state is encoded (Colyseus sends it when the client confirms the join).
    if (join.state) this.mirror.update(env);
    if (seat) this.sendObservation(seat, true);
  }

  override onDrop(client: RoomClient, code?: number): void {
    const seat = this.seats.get(client.sessionId);
    if (!seat) return;
    this.seats.disconnect(seat);
    this.checkLockstep();
    // A flooding client is not kept (its close code is WITH_ERROR; the SDK does not reconnect after it anyway).
    if (this.config.reconnectSeconds > 0 && !client.userData?.flooded && code !== CloseCode.WITH_ERROR) {
      this.allowReconnection(client, this.config.reconnectSeconds).catch(() => {
        // The window closed: Colyseus calls onLeave, which frees the slot.
      });
    }
  }

  override onReconnect(client: RoomClient): void {
    const seat = this.seats.get(client.sessionId);
    // Colyseus carries userData, auth and view over to the new connection; the frame listener is per socket.
    if (!client.userData && client.auth) client.userData = newClientData(client.auth);
    this.attachConnection(client);
    if (client.userData?.join.state) this.mirror.update(this.env);
    if (seat) {
      this.seats.reconnect(seat, client);
      this.sendObservation(seat, true);
    }
  }

  override onLeave(client: RoomClient): void {
    const seat = this.seats.get(client.sessionId);
    if (seat) {
      this.seats.release(seat);
      this.checkLockstep();
    }
  }

  override onBeforeShutdown(): void {
    // Stop ticking (a tick in progress has already finished: ticks are synchronous), flush the results file, then
    // close every client cleanly.
    this.stopping = true;
    this.loop?.stop();
    void this.results
      ?.flush()
      .then(() => this.disconnect(CloseCode.SERVER_SHUTDOWN))
      .catch((err: unknown) => logger.error(`room ${this.roomId}: shutdown failed: ${String(err)}`));
  }

  override async onDispose(): Promise<void> {
    this.stopping = true;
    this.loop?.stop();
    await this.results?.close();
  }

  /**
   * The state setter installs a fresh SchemaSerializer; swap in the opt-in one there (a second serializer reset on
   * the same state afterwards would bind a second encoder to it, and its patches stop).
   */
  override setSerializer(serializer: Serializer<RoomState>): void {
    super.setSerializer(serializer instanceof SchemaSerializer && !(serializer instanceof OptInSchemaSerializer) ? new OptInSchemaSerializer() : serializer);
  }

  override broadcastPatch(): boolean {
    const m = this.env?.monitor;
    if (!m) return super.broadcastPatch();
    const t0 = m.now();
    const sent = super.broadcastPatch();
    m.time(this.patchTimer, t0);
    return sent;
  }

  /**
   * Per connection: the state view (if asked for) and a raw-frame listener that runs before the room decodes each
   * frame. It records the frame's size (the decoded payload no longer has it) and mirrors Colyseus's flood counter
   * (same clock, same window) so a flooding client is told RATE_LIMITED before Colyseus closes it.
   */
  private attachConnection(client: RoomClient): void {
    const data = client.userData;
    if (!data) return;
    if (data.join.state && !client.view) {
      client.view = new StateView();
      client.view.add(this.state.world);
    }
    const ref = client.ref as { on?: (event: string, fn: (frame: unknown) => void) => void } | undefined;
    if (typeof ref?.on !== 'function') return;
    ref.on('message', (frame: unknown) => {
      data.frameBytes = frameLength(frame);
      const now = this.clock.currentTime;
      if (now >= data.windowEndsAt) {
        data.windowCount = 0;
        data.windowEndsAt = now + 1000;
      } else if (++data.windowCount > this.maxMessagesPerSecond && !data.flooded) {
        data.flooded = true;
        this.reject(client, 'RATE_LIMITED', `more than ${this.maxMessagesPerSecond} messages in one second: disconnecting`);
      }
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Messages: validate and queue, nothing else

  private onAction(client: RoomClient, payload: unknown): void {
    if (this.tooLarge(client)) return;
    const seat = this.seats.get(client.sessionId);
    if (!seat) return this.reject(client, 'NOT_AN_AGENT', 'only agents may send actions; this client joined as a spectator');
    const parsed = parseAction(payload, this.actionCount);
    if (parsed instanceof CrucibleError) return this.reject(client, parsed.code, parsed.message);
    const outcome = this.seats.offer(seat, parsed, !this.config.lockstep);
    if (outcome === 'taken') return this.checkLockstep();
    if (outcome === 'expired') return;
    const tick = this.env.tick;
    const episode = this.env.sim.episode;
    switch (outcome) {
      case 'other_episode':
        return this.reject(client, 'STALE_ACTION', `action answers tick ${parsed.tick} of episode ${parsed.episode}, but the current episode is ${episode} (tick ${tick})`);
      case 'repeat':
        return this.reject(client, 'DUPLICATE_ACTION', `already have an action answering tick ${parsed.tick}; one action per observation, this one was dropped`);
      default:
        return this.reject(client, 'STALE_ACTION', `action answers tick ${parsed.tick}, the current tick is ${tick} (episode ${episode}): ${STALE_REASON[outcome]}`);
    }
  }

  private onWorldRequest(client: RoomClient, payload: unknown): void {
    if (this.tooLarge(client)) return;
    const fps = parseWorldRequest(payload);
    if (fps instanceof CrucibleError) return this.reject(client, fps.code, fps.message);
    const data = client.userData;
    if (!data) return;
    data.worldEveryMs = fps > 0 ? 1000 / fps : 0;
    data.worldNextAt = 0;
  }

  private onUnknown(client: RoomClient, type: string | number): void {
    if (this.tooLarge(client)) return;
    if (type === MessageType.Action || type === MessageType.World) {
      // The right type sent as raw bytes.
      return this.reject(client, 'MALFORMED_MESSAGE', `"${type}" must be sent as a JSON-like message (room.send), not as bytes`);
    }
    const known = [MessageType.Action, MessageType.World];
    this.reject(client, 'UNKNOWN_MESSAGE_TYPE', `unknown message type ${JSON.stringify(String(type).slice(0, 64))}; clients may send: ${known.join(', ')}`);
  }

  private tooLarge(client: RoomClient): boolean {
    const bytes = client.userData?.frameBytes ?? 0;
    if (bytes <= MAX_MESSAGE_BYTES) return false;
    this.reject(client, 'MESSAGE_TOO_LARGE', `message of ${bytes} bytes exceeds the limit of ${MAX_MESSAGE_BYTES} bytes`);
    return true;
  }

  /** Tell the client what was wrong and count it; nothing else changes. */
  private reject(client: RoomClient, code: ErrorCode, message: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    // In a real-time room an agent's rejection goes out with its next observation, in the same socket write (at
    // most one interval later): when the server falls behind, every agent's action can be stale at once, and a
    // write per rejection would double the writes just when there is least time for them. Lockstep rooms (the
    // agent may be waiting on it) and RATE_LIMITED (the connection is about to close) answer at once.
    const seat = this.seats.get(client.sessionId);
    if (seat !== undefined && seat.client === client && !this.config.lockstep && code !== 'RATE_LIMITED') {
      seat.wire.queue(encodeMessage(MessageType.Error, { code, message }));
      return;
    }
    client.send(MessageType.Error, { code, message });
  }

  private checkLockstep(): void {
    if (this.config.lockstep && this.seats.allConnectedActed()) this.loop.ready();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The tick

  private readonly tick = (): void => {
    if (this.stopping) return;
    const env = this.env;
    const m = env.monitor;
    const t0 = m ? m.now() : 0;
    try {
      const reports = env.performance;
      const stepped = env.tick;
      env.step(this.seats.actions);
      this.seats.clearActions(stepped);
      this.publish();
      if (env.performance !== reports) this.mirror.updatePerformance(env, 'tick');
      if (env.done) this.endEpisode();
    } catch (err) {
      // A bug must not take the server down (an uncaught exception would): count it, log it, keep ticking.
      this.tickErrors++;
      logger.error(`room ${this.roomId} (${this.config.substrate}): tick ${env.tick} failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
    if (m) m.time(this.tickTimer, t0);
  };

  /** Observations to agents, WORLD.RGB frames to whoever asked, the synchronised state. */
  private publish(): void {
    const m = this.env.monitor;
    const t0 = m ? m.now() : 0;
    // At an episode end the terminal observation waits for the episode summary and the next episode's first
    // observation (endEpisode), so the three go out in one write per agent.
    const ending = this.env.done;
    for (const seat of this.seats.all()) if (seat.client !== null) this.sendObservation(seat, false, ending);
    this.sendWorldFrames();
    if (this.stateSubscribed()) this.mirror.update(this.env);
    if (m) m.time(this.sendTimer, t0);
  }

  /**
   * Some connected client receives the room state. When none does (agents join with `state: false`), the mirror
   * is not updated at all: writing every agent's fields into the schema each tick only for the serializer to
   * discard the changes costs about as much as a patch, for nobody.
   */
  private stateSubscribed(): boolean {
    for (const client of this.clients) if (client.userData?.join.state === true) return true;
    return false;
  }

  /**
   * Write the seat's header and send its frame with whatever is queued for the agent (one write). `render`: draw
   * the observation first (outside a step). `hold`: queue the frame instead, to go with the next one.
   */
  private sendObservation(seat: Seat, render: boolean, hold = false): void {
    const client = seat.client;
    if (client === null) return;
    const sim = this.env.sim;
    if (render) renderSeat(sim, seat);
    const eid = sim.avatars[seat.slot];
    const c = sim.world.c;
    const tick = sim.world.tick;
    let flags = 0;
    if (c.Frozen.until[eid] > tick) flags |= ObsFlag.Frozen;
    if (c.Removed.until[eid] > 0) flags |= ObsFlag.Removed;
    if (sim.terminated) flags |= ObsFlag.Terminated;
    if (sim.truncated) flags |= ObsFlag.Truncated;
    flags |= this.seats.stepFlags[seat.slot];
    const h = this.header;
    h.flags = flags;
    h.tick = tick;
    h.episode = sim.episode;
    h.slot = seat.slot;
    h.mode = seat.obs;
    h.reward = sim.rewards[seat.slot];
    h.collectiveReward = sim.collectiveReward;
    h.readyToShoot = readyToShoot(sim, seat.slot);
    h.width = seat.obsWidth;
    h.height = seat.obsHeight;
    h.vectorLength = this.vectorLayout.length > 0 ? this.seats.vectorLength : 0;
    writeObservationHeader(seat.view, h);
    if (this.vectorLayout.length > 0) {
      const v = this.vectorScratch;
      writeVectorObservations(sim, seat.slot, this.vectorLayout, v);
      for (let i = 0; i < this.seats.vectorLength; i++) seat.view.setFloat32(seat.vectorOffset + 4 * i, v[i], true);
    }
    if (hold) seat.wire.queue(encodeObservation(seat.frame));
    else if (seat.wire.send(client, seat.frame)) this.obsOneWrite++;
    else this.obsFallback++;
  }

  private sendWorldFrames(): void {
    let png: Uint8Array | null = null;
    const now = this.clock.currentTime;
    for (const client of this.clients) {
      const data = client.userData;
      if (!data || data.worldEveryMs === 0 || now < data.worldNextAt) continue;
      data.worldNextAt = Math.max(now, data.worldNextAt + data.worldEveryMs);
      png ??= this.worldPng();
      client.sendBytes(MessageType.World, png);
    }
  }

  private worldPng(): Uint8Array {
    const sim = this.env.sim;
    const [h, w] = worldShape(sim);
    this.worldRgb ??= new Uint8Array(h * w * 3);
    renderWorld(sim, this.worldRgb);
    return encodePng(this.worldRgb, w, h);
  }

  private endEpisode(): void {
    const env = this.env;
    const record: EpisodeSummary & { actions: ReturnType<Seats['episodeActions']>; room: string; finished_at: string } = {
      ...env.summary(),
      actions: this.seats.episodeActions(),
      room: this.roomId,
      finished_at: new Date().toISOString(),
    };
    this.episodesCompleted++;
    // Agents get the summary with their next observation (below); everyone else (spectators) at once.
    const summary = encodeMessage(MessageType.Episode, record);
    for (const client of this.clients) {
      const seat = this.seats.get(client.sessionId);
      if (seat !== undefined && seat.client === client) seat.wire.queue(summary);
      else enqueueClientRaw(client as RoomClient & ClientPrivate, summary);
    }
    void this.results.append(record);
    env.reset();
    this.seats.fillAll();
    if (this.stateSubscribed()) this.mirror.update(env);
    // Every agent's first observation of the new episode, drawn in one pass over the map.
    this.seats.render();
    for (const seat of this.seats.all()) if (seat.client !== null) this.sendObservation(seat, false);
    // A reset takes several intervals at scale (the world is rebuilt: 10–30 ms for 100–500 players): the next tick
    // is due one full interval from now, so the agents can answer this first observation in time.
    this.loop.restartTimeline();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Read by the HTTP API through matchMaker.remoteRoomCall (plain JSON, so it also crosses processes)

  describe(): Record<string, unknown> {
    const c = this.config;
    return {
      roomId: this.roomId,
      substrate: c.substrate,
      scenario: c.scenario,
      clients: this.clients.length,
      agents: this.seats.size,
      tick: this.env.tick,
      episode: this.env.sim.episode,
      tickRate: c.tickRate,
      lockstep: c.lockstep,
    };
  }

  metricsReport(): Record<string, unknown> {
    const env = this.env;
    const sim = env.sim;
    const loop = this.loop.stats();
    const seats = new Map<number, Seat>();
    for (const seat of this.seats.all()) seats.set(seat.slot, seat);
    const agents = [];
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      const seat = seats.get(slot);
      agents.push({
        agent: agentId(slot),
        slot,
        focal: env.population.isFocal[slot],
        policy: env.labels[slot],
        seated: seat !== undefined,
        connected: seat ? seat.client !== null : false,
        x: sim.world.c.Position.x[eid],
        y: sim.world.c.Position.y[eid],
        facing: DIR_NAMES[sim.world.c.Orientation.dir[eid]],
        removed: sim.world.c.Removed.until[eid] > 0,
        frozen: sim.world.c.Frozen.until[eid] > sim.world.tick,
        episode_return: sim.returns[slot],
      });
    }
    return {
      roomId: this.roomId,
      substrate: this.config.substrate,
      scenario: this.config.scenario,
      tick: env.tick,
      episode: sim.episode,
      episodes_completed: this.episodesCompleted,
      tick_rate: this.config.tickRate,
      achieved_tick_rate: loop.achievedHz,
      lockstep: this.config.lockstep,
      ticks: loop.ticks,
      late_ticks: loop.lateTicks,
      resyncs: loop.resyncs,
      tick_errors: this.tickErrors,
      errors: { ...this.errors },
      // Agent actions since the room started: steps that applied a late one (real-time rooms: answering an earlier
      // tick than the step's), steps in which a connected agent had none (it acted NOOP), and answers to an
      // episode's last observations that arrived after it ended (real-time rooms; dropped).
      late_actions: this.seats.lateActions,
      missed_actions: this.seats.missedActions,
      expired_actions: this.seats.expiredActions,
      results_written: this.results.written,
      metrics: env.metrics?.snapshot ?? null,
      performance: env.performance,
      series: env.metrics?.series() ?? null,
      agents,
      // For load tests: the tick timer's cumulative HDR histogram (µs, compressed base64; two readings subtract to
      // the ticks between them) and this process's CPU time and clock, so a client can measure its own window.
      tick_histogram: env.monitor ? env.monitor.encodeHistogram('tick') : null,
      process: processFigures(),
      obs_sends: { one_write: this.obsOneWrite, fallback: this.obsFallback },
    };
  }

  /** Current WORLD.RGB as a base64 PNG (base64 so it survives a cross-process remoteRoomCall). */
  worldPngBase64(): string {
    return Buffer.from(this.worldPng()).toString('base64');
  }
}

/** Process id, CPU time (user + system, µs since start) and a monotonic clock (ms). */
function processFigures(): { pid: number; cpu_us: number; now_ms: number } {
  const cpu = process.cpuUsage();
  return { pid: process.pid, cpu_us: cpu.user + cpu.system, now_ms: performance.now() };
}

function newClientData(join: JoinConfig): ClientData {
  return { join, frameBytes: 0, windowEndsAt: 0, windowCount: 0, flooded: false, worldEveryMs: 0, worldNextAt: 0 };
}

/** Constant-time comparison of a presented token with the server's. */
function sameSecret(presented: string, secret: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

function frameLength(frame: unknown): number {
  if (frame instanceof ArrayBuffer) return frame.byteLength;
  if (ArrayBuffer.isView(frame)) return frame.byteLength;
  if (Array.isArray(frame)) return frame.reduce((n: number, f: unknown) => n + frameLength(f), 0);
  return 0;
}

/** Every substrate name has a room type of this class; the substrate comes from the handler options. */
export function handlerOptionsFor(substrate: string, server: ServerSettings): HandlerOptions {
  getSubstrate(substrate);
  return { substrate, server };
}
