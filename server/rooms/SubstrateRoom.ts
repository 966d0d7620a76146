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
  CloseCode, enqueueClientRaw, logger, Protocol, Room, SchemaSerializer, ServerError, type AuthContext, type Client, type ClientPrivate, type Serializer,
} from '@colyseus/core';
import { C1, Unpackr } from 'msgpackr';
import { Encoder, StateView } from '@colyseus/schema';
import { CLOSE_SLOW_CONSUMER, MessageType, ObsFlag, writeObservationHeader } from '../../client/protocol.js';
import { CrucibleError, type ErrorCode } from '../../ecs/errors.js';
import type { RoomState } from '../../schemas/RoomState.js';
import { agentId, Environment, type EpisodeSummary } from '../../systems/environment.js';
import { readyToShoot, renderRgb, renderWorld, rgbShape, worldShape } from '../../systems/renderObservations.js';
import { getSubstrate } from '../../substrates/registry.js';
import { describe as describeValue, MAX_MESSAGE_BYTES, parseAction, parseWorldRequest } from '../messages.js';
import { parseCreateOptions, parseJoinOptions, type JoinConfig, type RoomConfig, type ServerSettings } from '../options.js';
import { CLIENT_MESSAGE_TYPES, isClientMessageType, type ClientMessageType } from '../schema.js';
import { perProcessFile, ResultsWriter } from '../results.js';
import { renderSeat, Seats, type ActionOutcome, type Seat } from '../seats.js';
import { Controllers, EVENT_NAMES, parseReset, parseStep, type Controller } from '../controllers.js';
import { substrateSpecs } from '../specs.js';
import { encodePng } from '../../systems/encoding.js';
import { ReplayRecorder } from '../replay.js';
import { playerColours, resourceStock } from '../replayViewer.js';
import { lowerLayerCells, StateMirror } from '../stateMirror.js';
import { backlog, backlogLimit, encodeMessage, encodeObservation, SendOutcome, SLOW_CONSUMER_GRACE_MS, SLOW_CONSUMER_MS } from '../wire.js';
import { ResultsAllowance, roomCells } from '../budgets.js';
import { WorldImage } from '../worldImage.js';
import { FixedRateLoop, LockstepLoop, type TickDriver } from '../tickLoop.js';
import { TextAgents } from '../textAgents.js';
import { PopulationCounters } from '../../systems/populationFigures.js';
import { HttpAgentSeats, type HttpAnswer } from '../httpAgents.js';

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
  observations: 'permitted' | 'all';
}

/** Per-connection data. */
interface ClientData {
  join: JoinConfig;
  /** Byte length of the frame being dispatched (set by the frame gate just before the room decodes it). */
  frameBytes: number;
  /** The per-second message counter (the frame gate's; Colyseus's own sees only the frames the gate passes on). */
  windowEndsAt: number;
  windowCount: number;
  flooded: boolean;
  /** WORLD.RGB frames: ms between frames (0 = none) and when the next is due. */
  worldEveryMs: number;
  worldNextAt: number;
  /** Spectators: when (performance.now) their unsent bytes went over the bound, -1 under it; closed for it. */
  behindSince: number;
  slowClosed: boolean;
}

type RoomClient = Client<{ userData: ClientData; auth: JoinConfig }>;

/**
 * The frame gate's msgpack decoder: Colyseus's settings (records as the SDK sends them), except that an integer sent
 * in a 64-bit encoding (as Go, Rust or C# clients may) decodes as a number when it is a safe integer, not a BigInt,
 * so `{tick: 3}` means the same however the client encoded the 3.
 */
// msgpackr 2.1.3 implements 'auto' (unpack.js) but its typings list only 'bigint' | 'number' | 'string'.
const DECODER = new Unpackr({ useRecords: false, int64AsType: 'auto' as 'number' });

/** Colyseus protocol codes (the frame's first byte) the gate hands to Colyseus: the join handshake, ping, leave. */
const COLYSEUS_FRAMES: ReadonlySet<number> = new Set([Protocol.JOIN_ROOM, Protocol.PING, Protocol.LEAVE_ROOM]);

/** HTTP-ish status carried by a rejected create or join (the SDK's MatchMakeError.code); the message starts with the stable code. */
export const REJECTION_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_OPTION: 400,
  UNKNOWN_SCENARIO: 400,
  UNKNOWN_SUBSTRATE: 404,
  INVALID_TOKEN: 401,
  ROOM_FULL: 409,
  OVER_BUDGET: 403,
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
  /**
   * Server settings (the agent token, the budget ledger) in an ES private field: the monitor's remoteRoomCall reads
   * any property by name, and this one has none.
   */
  #server!: ServerSettings;
  /** This room's hold on the budget ledger (released on dispose), and its results allowance. */
  #admitted = false;
  private resultsAllowance!: ResultsAllowance;
  private worldImage!: WorldImage;
  /** Observations dropped because the agent fell behind, and clients closed for it. */
  private obsDropped = 0;
  private slowClosed = 0;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private env!: Environment;
  private seats!: Seats;
  /** Connections holding several slots (server/controllers.ts). */
  private controllers!: Controllers;
  /** autoReset off: the episode has ended and the room waits for a controller's `reset` (no steps meanwhile). */
  private awaitingReset = false;
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
  /** Records each episode as a replay (create option `record`). */
  private recorder: ReplayRecorder | null = null;
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
  /** Inputs whose handling threw (a bug): counted, logged and answered INTERNAL_ERROR instead of escaping. */
  private handlerErrors = 0;
  /** One handler per client message type of the schema (server/schema.ts): a new type fails to compile until handled. */
  private readonly handlers: Readonly<Record<ClientMessageType, (client: RoomClient, payload: unknown) => void>> = {
    action: (client, payload) => this.onAction(client, payload),
    world: (client, payload) => this.onWorldRequest(client, payload),
    step: (client, payload) => this.onStep(client, payload),
    reset: (client, payload) => this.onReset(client, payload),
    macro: (client, payload) => this.onMacro(client, payload),
  };
  private tickTimer = 0;
  private sendTimer = 0;
  private patchTimer = 0;
  private stopping = false;
  /** Agents that read text and answer with macros (server/textAgents.ts), over WebSocket or HTTP. */
  private textAgents!: TextAgents;
  /** Fairness figures per population (policy label) for the episode record and the metrics. */
  private readonly populations = new PopulationCounters();
  private http!: HttpAgentSeats;

  /**
   * Every matchmake call (create, join, joinOrCreate, joinById) passes here before any room is created or looked up
   * for it: the client's options object is checked against the schema as the client sent it (before Colyseus
   * merges the handler's `substrate` and `server` into it), so a body that is no object, has a `__proto__`,
   * `server` or `substrate` key, or any bad value is refused with INVALID_OPTION (HTTP 400) and creates nothing.
   * Returns the join config (with the Authorization header's token when the options carry none) as the client's
   * auth data; the room-specific checks (token, free slot) are in onJoin.
   */
  static override async onAuth(token: string, options: unknown, _context: AuthContext): Promise<JoinConfig> {
    try {
      const join = parseJoinOptions(options);
      return join.token === null && typeof token === 'string' && token !== '' ? Object.freeze({ ...join, token }) : join;
    } catch (err) {
      throw toServerError(err);
    }
  }

  override onCreate(options: Record<string, unknown> & HandlerOptions): void | Promise<void> {
    const { substrate, server, ...clientOptions } = options;
    this.installFrameGate();
    // A cluster's budgets are counted in Redis (server/clusterBudgets.ts): their answer is awaited.
    let pending: Promise<CrucibleError | null> | null = null;
    try {
      this.#server = server;
      this.config = parseCreateOptions(clientOptions, substrate, server);
      const c = this.config;
      // Checked before any world is built: the token (when the server has one), then the operator's budgets.
      if (server.token !== null && !sameSecret(typeof clientOptions.token === 'string' ? clientOptions.token : '', server.token)) {
        throw new CrucibleError('INVALID_TOKEN', 'creating a room needs the server token (option "token")');
      }
      if (server.budgets) {
        const requested = typeof clientOptions.maxMessagesPerSecond === 'number' ? clientOptions.maxMessagesPerSecond : undefined;
        const spec = getSubstrate(substrate);
        const cost = { cells: roomCells(spec, c.scale), tickRate: c.tickRate, episodesPerSecond: c.tickRate / (c.maxSteps ?? spec.episode.maxSteps) };
        const refused = server.budgets.admit(this.roomId, cost, requested);
        if (refused instanceof Promise) pending = refused;
        else if (refused) throw refused;
        else this.#admitted = true;
      }
    } catch (err) {
      this.releaseBudget();
      throw toServerError(err);
    }
    if (pending === null) return this.build(substrate, server);
    return pending.then((refused) => {
      if (refused) throw toServerError(refused);
      this.#admitted = true;
      this.build(substrate, server);
    });
  }

  /** The room's world, seats and clocks, once its options and budgets passed. */
  private build(substrate: string, server: ServerSettings): void {
    const c0 = this.config;
    try {
      // One performance report a second whatever the tick rate (the dashboard charts poll twice a second).
      this.env = new Environment({
        substrate, scenario: c0.scenario, seed: c0.seed, scale: c0.scale, focalPolicy: null, performanceEvery: Math.max(1, Math.round(c0.tickRate)),
        observations: c0.observations,
      });
    } catch (err) {
      this.releaseBudget();
      throw toServerError(err);
    }
    const c = this.config;
    const env = this.env;
    this.actionCount = env.spec.actions.length;
    this.seats = new Seats(env, c.fillFocal);
    this.controllers = new Controllers(env, this.seats, (seat) => this.writeFrame(seat));
    this.vectorLayout = vectorLayout(env.sim, env.observationNames);
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
    if (c.record) this.recorder = new ReplayRecorder(env, { focalPolicy: null, maxSteps: c.maxSteps, room: this.roomId });
    env.reset();
    this.seats.fillAll();
    this.populations.attach(env.sim);
    this.textAgents = new TextAgents(
      env, this.seats, { decisionInterval: c.decisionInterval, lockstep: c.lockstep, maxMessagesPerSecond: c.maxMessagesPerSecond },
      (seat, frame) => seat.client?.send(MessageType.Text, frame),
    );
    this.http = new HttpAgentSeats({
      env, seats: this.seats, textAgents: this.textAgents, lockstep: c.lockstep, decisionInterval: c.decisionInterval, idleTimeoutMs: c.httpIdleTimeoutMs,
      tokenOk: (presented) => this.#server.token === null || sameSecret(presented ?? '', this.#server.token),
      awaitingReset: () => this.awaitingReset,
      checkLockstep: () => this.checkLockstep(),
      countError: (code) => (this.errors[code] = (this.errors[code] ?? 0) + 1),
    });
    // In a cluster each process appends to its own file beside the chosen one (no two processes share a file).
    this.results = new ResultsWriter(perProcessFile(c.resultsFile, server.node));
    this.resultsAllowance = new ResultsAllowance(server.budgets?.limits.resultsBytesPerHour ?? Infinity);
    this.worldImage = new WorldImage(() => this.drawWorld());
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
    this.maxMessagesPerSecond = Math.min(c.maxMessagesPerSecond, server.budgets?.limits.maxMessagesPerSecond ?? Infinity);
    this.metadata = {
      substrate,
      scenario: c.scenario,
      seed: c.seed,
      tickRate: c.tickRate,
      lockstep: c.lockstep,
      scale: c.scale,
      fillFocal: c.fillFocal,
      maxSteps: c.maxSteps,
      observations: c.observations,
    };

    this.loop = c.lockstep
      ? new LockstepLoop(this.tick, { timeoutMs: c.actionTimeoutMs })
      : // When a tick falls due, the event loop first reads the sockets that have data (its poll phase runs before
        // setImmediate callbacks): an action that reached the server before the tick is applied in it, rather than
        // refused as stale because its socket had not been read yet.
        new FixedRateLoop(() => setImmediate(this.tick), { intervalMs: c.tickIntervalMs });
    this.loop.start();
    // Twice a second: close clients that stay behind, retry results that could not be written.
    this.sweepTimer = setInterval(() => this.sweep(), 500);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Joining and leaving

  override onJoin(client: RoomClient, options: unknown, auth: JoinConfig | undefined): void {
    let seat: Seat | undefined;
    let join: JoinConfig;
    try {
      // `auth` is what the static onAuth returned; a join that did not come through the matchmaker's HTTP route
      // (an in-process matchMaker call without an auth context) has none, and is parsed here.
      join = auth ?? parseJoinOptions(options);
      if (join.role === 'agent' || join.role === 'controller') {
        const token = this.#server.token;
        if (token !== null && !sameSecret(join.token ?? '', token)) {
          throw new CrucibleError('INVALID_TOKEN', `joining as ${join.role === 'agent' ? 'an agent' : 'a controller'} needs the server token (join option "token")`);
        }
        if (join.role === 'agent') seat = this.seats.claim(client, join); // ROOM_FULL when every focal slot is held
      }
    } catch (err) {
      throw toServerError(err);
    }
    if (join.role === 'controller') return this.joinController(client, join);
    client.userData = newClientData(join);
    this.attachView(client);
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
      observations: env.observations,
      observationNames: env.observationNames,
      hashes: env.hashes,
      spec: substrateSpecs(env.spec, join.obs, this.config.scale, env.observationNames),
      tickRate: this.config.tickRate,
      lockstep: this.config.lockstep,
      autoReset: this.config.autoReset,
      tick: env.tick,
      episode: env.sim.episode,
    });
    // The mirror is not kept current while nobody receives the state: bring it up to date before this client's
    // full state is encoded (Colyseus sends it when the client confirms the join).
    if (join.state) this.mirror.update(env);
    if (seat) this.sendObservation(seat, true);
    if (seat && join.text) {
      this.textAgents.add(client.sessionId, seat, 'websocket');
      this.checkLockstep();
    }
  }

  override onDrop(client: RoomClient, code?: number): void {
    const controller = this.controllers.get(client.sessionId);
    const seat = this.seats.get(client.sessionId);
    if (controller) this.controllers.disconnect(controller);
    else if (seat) this.seats.disconnect(seat);
    else return;
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
    this.attachView(client);
    if (client.userData?.join.state) this.mirror.update(this.env);
    const controller = this.controllers.get(client.sessionId);
    if (controller) {
      this.controllers.reconnect(controller, client);
      this.sendControllerFrame(controller, true);
    }
    if (seat) {
      this.seats.reconnect(seat, client);
      this.sendObservation(seat, true);
      const text = this.textAgents.byClient(client);
      if (text) this.textAgents.reconnected(text);
    }
  }

  override onLeave(client: RoomClient): void {
    const controller = this.controllers.get(client.sessionId);
    if (controller) {
      if (controller.join.text) this.textAgents.watchSlots(controller.slots, false);
      this.controllers.release(controller);
      this.checkLockstep();
    }
    const seat = this.seats.get(client.sessionId);
    if (seat) {
      this.textAgents.remove(client.sessionId);
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
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.releaseBudget();
    await this.results?.close();
  }

  private releaseBudget(): void {
    if (this.#admitted) this.#server.budgets?.release(this.roomId);
    this.#admitted = false;
  }

  /**
   * Backpressure and results, twice a second. A client (agent or spectator) whose unsent bytes stay over the bound
   * for SLOW_CONSUMER_MS is closed with CLOSE_SLOW_CONSUMER, and destroyed SLOW_CONSUMER_GRACE_MS later if its
   * socket has not closed by then (a client that does not read never receives the close frame). Agents' own
   * observations are already dropped meanwhile (server/wire.ts); spectators' state patches cannot be (they are
   * deltas), so for them this close is what bounds the memory.
   */
  private sweep(): void {
    if (this.results.pending > 0) this.results.retry();
    const now = performance.now();
    this.http.sweep(now);
    for (const client of this.clients) {
      const data = client.userData;
      if (!data || data.slowClosed) continue;
      const seat = this.seats.get(client.sessionId);
      let behindMs: number;
      if (seat !== undefined && seat.client === client) {
        behindMs = seat.wire.behindFor(now);
      } else {
        const over = backlog(client) > backlogLimit(0);
        if (!over) data.behindSince = -1;
        else if (data.behindSince < 0) data.behindSince = now;
        behindMs = data.behindSince < 0 ? 0 : now - data.behindSince;
      }
      if (behindMs < SLOW_CONSUMER_MS) continue;
      data.slowClosed = true;
      this.slowClosed++;
      logger.info(`room ${this.roomId}: client ${client.sessionId} read nothing for ${Math.round(behindMs)} ms with ${backlog(client)} bytes waiting: closing it (${CLOSE_SLOW_CONSUMER})`);
      client.leave(CLOSE_SLOW_CONSUMER, 'SLOW_CONSUMER: the client did not read its socket');
      const ws = client.ref as unknown as { readyState?: number; terminate?: () => void } | undefined;
      setTimeout(() => {
        if (ws && ws.readyState !== 3 && typeof ws.terminate === 'function') ws.terminate();
      }, SLOW_CONSUMER_GRACE_MS).unref();
    }
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

  /** Per connection: the state view, for clients that asked for the state. */
  private attachView(client: RoomClient): void {
    const data = client.userData;
    if (!data) return;
    if (data.join.state && !client.view) {
      client.view = new StateView();
      client.view.add(this.state.world);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // The frame gate: every frame a joined client sends passes here first

  /**
   * Colyseus binds `room._onMessage` to each joined client's socket (`client.ref.on('message', ...)`, called with
   * the frame and ws's isBinary flag). This room shadows it with `onFrame`, so the room decides what each frame is
   * before Colyseus reads it: its own messages are decoded and dispatched here (one decoder, inside one guard), only
   * the join handshake, pings and leaves reach Colyseus, and anything else gets a coded reply. Nothing a client
   * sends can make Colyseus's dispatch throw out of the socket listener (which would stop the process).
   */
  private installFrameGate(): void {
    const self = this as unknown as { _onMessage?: (client: Client, frame: unknown, isBinary?: boolean) => void };
    // Checked at every create, so a Colyseus upgrade that renames the method fails loudly instead of leaving the
    // room without its gate.
    if (typeof self._onMessage !== 'function') throw new Error('Colyseus Room#_onMessage is gone: the frame gate cannot be installed');
    const colyseus = self._onMessage.bind(this);
    self._onMessage = (client, frame, isBinary) => this.onFrame(client as RoomClient, frame, isBinary, colyseus);
  }

  /**
   * One frame: count it (the flood limit), then by its first byte: ROOM_DATA is a message (decoded and dispatched
   * here); JOIN_ROOM, PING and LEAVE_ROOM go to Colyseus; a text frame, an empty frame, bytes sent with sendBytes
   * and any other code get MALFORMED_MESSAGE (UNKNOWN_MESSAGE_TYPE for bytes of a type that is no message).
   */
  private onFrame(client: RoomClient, frame: unknown, isBinary: boolean | undefined, colyseus: (client: Client, frame: unknown, isBinary?: boolean) => void): void {
    const data = client.userData;
    if (data?.flooded) return;
    try {
      const bytes = frameLength(frame);
      if (data) {
        data.frameBytes = bytes;
        if (this.flooding(client, data)) return;
      }
      if (isBinary === false) {
        return this.reject(client, 'MALFORMED_MESSAGE', 'a text frame is not part of the protocol: clients send binary Colyseus frames (any Colyseus SDK does)');
      }
      if (!(frame instanceof Uint8Array) || bytes === 0) return this.reject(client, 'MALFORMED_MESSAGE', 'an empty frame is not part of the protocol');
      const code = frame[0];
      if (code === Protocol.ROOM_DATA) return this.onData(client, frame);
      if (COLYSEUS_FRAMES.has(code)) return colyseus(client, frame, isBinary);
      if (code === Protocol.ROOM_DATA_BYTES) return this.onBytes(client, frame);
      this.reject(client, 'MALFORMED_MESSAGE', `frame type ${code} is not part of the protocol: send messages with room.send(type, payload)`);
    } catch (err) {
      this.handlerFailed(client, err);
    }
  }

  /**
   * The per-second counter (the room clock's one-second windows, as Colyseus counts): over maxMessagesPerSecond the
   * client is told RATE_LIMITED and disconnected (close code 4002, WITH_ERROR); its later frames are ignored.
   */
  private flooding(client: RoomClient, data: ClientData): boolean {
    const now = this.clock.currentTime;
    if (now >= data.windowEndsAt) {
      data.windowCount = 0;
      data.windowEndsAt = now + 1000;
      return false;
    }
    if (++data.windowCount <= this.maxMessagesPerSecond) return false;
    data.flooded = true;
    this.reject(client, 'RATE_LIMITED', `more than ${this.maxMessagesPerSecond} messages in one second: disconnecting`);
    client.leave(CloseCode.WITH_ERROR);
    return true;
  }

  /** A ROOM_DATA frame: msgpack type then msgpack payload (room.send). */
  private onData(client: RoomClient, frame: Uint8Array): void {
    if (this.tooLarge(client)) return;
    let values: unknown[];
    try {
      values = DECODER.unpackMultiple(frame.subarray(1));
    } catch {
      return this.reject(client, 'MALFORMED_MESSAGE', 'the message is not valid msgpack (a type, then at most one payload)');
    }
    // msgpackr reads the never-used byte 0xc1 as a marker object rather than failing.
    if (values.includes(C1)) return this.reject(client, 'MALFORMED_MESSAGE', 'the message is not valid msgpack (byte 0xc1 is never used)');
    const type = values[0];
    if (!isClientMessageType(type)) return this.unknownType(client, type);
    if (values.length > 2) return this.reject(client, 'MALFORMED_MESSAGE', `a "${type}" message holds one payload, got ${values.length - 1} values`);
    this.handlers[type](client, values[1]);
  }

  /** A ROOM_DATA_BYTES frame (room.sendBytes): no message of the protocol is sent as raw bytes. */
  private onBytes(client: RoomClient, frame: Uint8Array): void {
    if (this.tooLarge(client)) return;
    let type: unknown;
    try {
      DECODER.unpackMultiple(frame.subarray(1), (value: unknown) => {
        type = value;
        return false; // the type only: the rest is raw bytes
      });
    } catch {
      return this.reject(client, 'MALFORMED_MESSAGE', 'the frame is not valid: a msgpack type, then raw bytes');
    }
    if (!isClientMessageType(type)) return this.unknownType(client, type);
    this.reject(client, 'MALFORMED_MESSAGE', `"${type}" must be sent as a msgpack message (room.send), not as bytes`);
  }

  private unknownType(client: RoomClient, type: unknown): void {
    this.reject(client, 'UNKNOWN_MESSAGE_TYPE', `unknown message type ${describeValue(type, 64)}; clients may send: ${CLIENT_MESSAGE_TYPES.join(', ')}`);
  }

  /**
   * A handler threw: a bug, not the client's fault. Count it, log it, tell the client (INTERNAL_ERROR); the input
   * changed nothing that a later tick relies on, and the process keeps running.
   */
  private handlerFailed(client: RoomClient, err: unknown): void {
    this.handlerErrors++;
    logger.error(`room ${this.roomId}: handling a message from ${client.sessionId} failed: ${err instanceof Error ? err.stack : describeValue(err)}`);
    try {
      this.reject(client, 'INTERNAL_ERROR', 'the server failed while handling this message; it was dropped');
    } catch {
      // The client is gone: nothing to answer.
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Messages: validate and queue, nothing else

  private onAction(client: RoomClient, payload: unknown): void {
    if (this.controllers.get(client.sessionId)) return this.reject(client, 'MALFORMED_MESSAGE', 'controllers send "step" (every held slot\'s action at once), not "action"');
    const seat = this.seats.get(client.sessionId);
    if (!seat) return this.reject(client, 'NOT_AN_AGENT', 'only agents may send actions; this client joined as a spectator');
    const parsed = parseAction(payload, this.actionCount);
    if (parsed instanceof CrucibleError) return this.reject(client, parsed.code, parsed.message);
    if (this.awaitingReset) return this.reject(client, 'STALE_ACTION', `episode ${this.env.sim.episode} has ended; the room waits for a controller's reset`);
    const outcome = this.seats.offer(seat, parsed, !this.config.lockstep);
    if (outcome === 'taken') return this.taken(client);
    if (outcome === 'expired') return;
    this.rejectOutcome(client, outcome, parsed.tick, parsed.episode);
  }

  /** Why `Seats.offer` refused an action (or a controller's step) answering `tick` of `episode`, as an error. */
  private rejectOutcome(client: RoomClient, outcome: Exclude<ActionOutcome, 'taken' | 'expired'>, tickAnswered: number, episodeAnswered?: number): void {
    const tick = this.env.tick;
    const episode = this.env.sim.episode;
    switch (outcome) {
      case 'other_episode':
        return this.reject(client, 'STALE_ACTION', `action answers tick ${tickAnswered} of episode ${episodeAnswered}, but the current episode is ${episode} (tick ${tick})`);
      case 'repeat':
        return this.reject(client, 'DUPLICATE_ACTION', `already have an action answering tick ${tickAnswered}; one action per observation, this one was dropped`);
      default:
        return this.reject(client, 'STALE_ACTION', `action answers tick ${tickAnswered}, the current tick is ${tick} (episode ${episode}): ${STALE_REASON[outcome]}`);
    }
  }

  /**
   * An action (or step) was taken. In a lockstep room an input the room takes for the current tick does not count
   * against the client's messages per second: the room itself paces it (one per step frame), so a client stepping
   * in lockstep is never disconnected however fast it answers; everything else still counts.
   */
  private taken(client: RoomClient): void {
    if (this.config.lockstep) {
      const data = client.userData;
      if (data && data.windowCount > 0) data.windowCount--;
    }
    this.checkLockstep();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Controllers (server/controllers.ts)

  private joinController(client: RoomClient, join: JoinConfig): void {
    let controller: Controller;
    try {
      controller = this.controllers.claim(client, join);
    } catch (err) {
      throw toServerError(err);
    }
    client.userData = newClientData(join);
    this.attachView(client);
    if (join.text) this.textAgents.watchSlots(controller.slots, true);
    const env = this.env;
    client.send(MessageType.Welcome, {
      role: join.role,
      slot: null,
      agent: null,
      slots: controller.slots,
      agents: controller.slots.map(agentId),
      obs: join.obs,
      substrate: env.spec.name,
      scenario: env.scenario?.name ?? null,
      players: env.players,
      focalSlots: env.focalSlots,
      actions: env.spec.actions.map((a) => a.name),
      vector: this.vectorLayout,
      frameBytes: controller.frameBytes,
      events: join.events ? EVENT_NAMES : [],
      world: join.world ? this.controllers.worldSize : null,
      observations: env.observations,
      observationNames: env.observationNames,
      hashes: env.hashes,
      spec: substrateSpecs(env.spec, join.obs, this.config.scale, env.observationNames),
      tickRate: this.config.tickRate,
      lockstep: this.config.lockstep,
      autoReset: this.config.autoReset,
      actionTimeoutMs: this.config.actionTimeoutMs,
      tick: env.tick,
      episode: env.sim.episode,
    });
    if (join.state) this.mirror.update(env);
    this.sendControllerFrame(controller, true);
  }

  private onStep(client: RoomClient, payload: unknown): void {
    const c = this.controllers.get(client.sessionId);
    if (!c) return this.reject(client, 'NOT_A_CONTROLLER', 'only controllers (join option role: \'controller\') may send "step"; agents send "action"');
    const parsed = parseStep(payload, c.slots, this.actionCount);
    if (parsed instanceof CrucibleError) return this.reject(client, parsed.code, parsed.message);
    if (this.awaitingReset) {
      return this.reject(client, 'STALE_ACTION', `episode ${this.env.sim.episode} has ended (tick ${this.env.tick}): send reset to start the next one`);
    }
    // The held seats share one history (they are offered together): the first one's answer holds for all.
    const msg = { tick: parsed.tick, episode: parsed.episode, action: parsed.actions[0] };
    const outcome = this.seats.offer(c.seats[0], msg, !this.config.lockstep);
    if (outcome === 'expired') return;
    if (outcome !== 'taken') return this.rejectOutcome(client, outcome, parsed.tick, parsed.episode);
    for (let i = 1; i < c.seats.length; i++) {
      msg.action = parsed.actions[i];
      this.seats.offer(c.seats[i], msg, !this.config.lockstep);
    }
    this.taken(client);
  }

  private onReset(client: RoomClient, payload: unknown): void {
    if (!this.controllers.get(client.sessionId)) return this.reject(client, 'NOT_A_CONTROLLER', 'only controllers (join option role: \'controller\') may reset the room');
    const parsed = parseReset(payload);
    if (parsed instanceof CrucibleError) return this.reject(client, parsed.code, parsed.message);
    if (this.stopping) return; // shutting down: the loop stays stopped
    const env = this.env;
    // The running episode, if it has taken a step and not ended, ends here: recorded as truncated by a reset.
    if (!this.awaitingReset && env.tick > 0 && !env.done) {
      env.sim.truncated = true;
      env.metrics?.endEpisode(env.sim);
      this.recordEpisode('reset');
    }
    this.startEpisode(parsed.seed);
    // A tick already due (a lockstep step taken just before the reset, a real-time interval) belonged to the old
    // episode: the new one's first tick is due one full interval (lockstep: all actions) from now.
    if (this.config.lockstep) {
      this.loop.stop();
      this.loop.start();
    } else {
      this.loop.restartTimeline();
    }
  }

  /**
   * Write a controller's step frame and send it. `render`: draw its slots' observations first (outside a step: a
   * join, a reconnect).
   */
  private sendControllerFrame(c: Controller, render: boolean): void {
    if (c.client === null) return;
    if (render) for (const seat of c.seats) renderSeat(this.env.sim, seat);
    this.controllers.write(c);
    this.controllers.send(c);
    if (c.join.text) c.client.send(MessageType.Text, this.textAgents.controllerFrame(c.slots));
  }

  private onWorldRequest(client: RoomClient, payload: unknown): void {
    const fps = parseWorldRequest(payload);
    if (fps instanceof CrucibleError) return this.reject(client, fps.code, fps.message);
    const data = client.userData;
    if (!data) return;
    data.worldEveryMs = fps > 0 ? 1000 / fps : 0;
    data.worldNextAt = 0;
  }

  /** A WebSocket text agent's macro (server/textAgents.ts): validated, then started at once. */
  private onMacro(client: RoomClient, payload: unknown): void {
    const agent = this.textAgents.byClient(client);
    if (!agent) return this.reject(client, 'NOT_A_TEXT_AGENT', 'only agents that joined with obs \'text\' send "macro"; other agents send "action"');
    const r = this.textAgents.macro(agent, payload, this.awaitingReset);
    if (r instanceof CrucibleError) return this.reject(client, r.code, r.message);
    this.taken(client);
  }

  // ------------------------------------------------------------------------------------------------------------
  // HTTP agents (server/httpAgents.ts), called through matchMaker.remoteRoomCall: plain JSON in and out.

  httpJoin(options: unknown): HttpAnswer {
    return this.http.join(options);
  }
  httpObserve(key: unknown, after: unknown, waitMs: unknown): Promise<HttpAnswer> {
    return this.http.observe(key, after, waitMs);
  }
  httpMacro(key: unknown, macro: unknown): HttpAnswer {
    return this.http.macro(key, macro);
  }
  httpLeave(key: unknown): HttpAnswer {
    return this.http.leave(key);
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
    if (this.config.lockstep && !this.awaitingReset && this.seats.allConnectedActed()) this.loop.ready();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The tick

  private readonly tick = (): void => {
    if (this.stopping || this.awaitingReset) return;
    const env = this.env;
    const m = env.monitor;
    const t0 = m ? m.now() : 0;
    try {
      const reports = env.performance;
      const stepped = env.tick;
      this.controllers.clearEvents();
      env.step(this.seats.actions);
      this.seats.clearActions(stepped);
      this.publish();
      this.textAgents.afterStep();
      if (env.performance !== reports) this.mirror.updatePerformance(env, 'tick');
      if (env.done) this.endEpisode();
      this.checkLockstep();
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
    const ending = this.env.done && this.config.autoReset;
    for (const seat of this.seats.all()) if (seat.client !== null && seat.controller === null) this.sendObservation(seat, false, ending);
    // A controller's terminal frame goes at once: it is one write either way, and with autoReset off nothing follows.
    for (const c of this.controllers.all()) this.sendControllerFrame(c, false);
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
    if (render) renderSeat(this.env.sim, seat);
    this.writeFrame(seat);
    if (hold) {
      seat.wire.queue(encodeObservation(seat.frame));
      return;
    }
    const outcome = seat.wire.send(client, seat.frame);
    if (outcome === SendOutcome.OneWrite) this.obsOneWrite++;
    else if (outcome === SendOutcome.Colyseus) this.obsFallback++;
    else this.obsDropped++;
  }

  /** Write the seat's observation header and vector observations into its frame (the observation is drawn). */
  private writeFrame(seat: Seat): void {
    const sim = this.env.sim;
    const eid = sim.avatars[seat.slot];
    const c = sim.world.c;
    const tick = sim.world.tick;
    let flags = 0;
    if (c.Frozen.until[eid] > tick) flags |= ObsFlag.Frozen;
    if (c.Removed.until[eid] > 0) flags |= ObsFlag.Removed;
    if (sim.terminated) flags |= ObsFlag.Terminated;
    if (sim.truncated) flags |= ObsFlag.Truncated;
    flags |= this.seats.stepFlags[seat.slot];
    if (seat.wire.droppedSinceSent > 0) flags |= ObsFlag.Dropped;
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
  }

  /**
   * WORLD.RGB frames to the clients that asked and are due. The PNG is compressed off the event loop
   * (server/worldImage.ts), once per tick whoever asks; a client whose unsent bytes are over the bound is skipped.
   */
  private sendWorldFrames(): void {
    const now = this.clock.currentTime;
    let png: Promise<Buffer> | null = null;
    for (const client of this.clients) {
      const data = client.userData;
      if (!data || data.worldEveryMs === 0 || now < data.worldNextAt) continue;
      data.worldNextAt = Math.max(now, data.worldNextAt + data.worldEveryMs);
      if (backlog(client) > backlogLimit(0)) continue;
      png ??= this.worldPng();
      png.then(
        (bytes) => {
          if (this.clients.includes(client)) client.sendBytes(MessageType.World, bytes);
        },
        (err: unknown) => logger.error(`room ${this.roomId}: world image failed: ${String(err)}`),
      );
    }
  }

  /** The current WORLD.RGB as a PNG (one encode per tick, shared by every request for it). */
  private worldPng(): Promise<Buffer> {
    return this.worldImage.png(`${this.env.sim.episode}:${this.env.tick}`);
  }

  private drawWorld(): { rgb: Uint8Array; width: number; height: number } {
    const sim = this.env.sim;
    const [h, w] = worldShape(sim);
    this.worldRgb ??= new Uint8Array(h * w * 3);
    renderWorld(sim, this.worldRgb);
    return { rgb: this.worldRgb, width: w, height: h };
  }

  /** The episode ended by itself: record it, then start the next one, or (autoReset off) wait for a reset. */
  private endEpisode(): void {
    this.recordEpisode(null);
    if (this.config.autoReset) {
      this.startEpisode(undefined);
      // A reset takes several intervals at scale (the world is rebuilt: 10–30 ms for 100–500 players): the next
      // tick is due one full interval from now, so the agents can answer this first observation in time.
      this.loop.restartTimeline();
    } else {
      this.awaitingReset = true;
    }
  }

  /**
   * Append the episode's summary to the results file and send it to every client. `reason` 'reset': a controller
   * cut the episode short (the record says so). Agents get it with their next observation when one follows at
   * once (autoReset, or a reset); otherwise at once.
   */
  private recordEpisode(reason: 'reset' | null): void {
    const env = this.env;
    const episode = env.summary();
    const record: EpisodeSummary & { reason?: 'reset'; actions: ReturnType<Seats['episodeActions']>; room: string; finished_at: string; replay?: string; by_population: unknown; decisions?: unknown } = {
      ...episode,
      ...(reason !== null ? { reason } : {}),
      actions: this.seats.episodeActions(),
      by_population: this.populations.figures(env.sim, env.labels, Array.from({ length: env.players }, (_, s) => agentId(s))),
      ...(this.textAgents.size > 0 ? { decisions: this.textAgents.episodeReport() } : {}),
      room: this.roomId,
      finished_at: new Date().toISOString(),
    };
    if (this.recorder) record.replay = this.recorder.writeFor(this.config.resultsFile, episode, (e) => logger.error(`room ${this.roomId}: ${e}`));
    this.episodesCompleted++;
    // On disk before any client is told (server/results.ts); within the operator's bytes-per-hour budget.
    const line = JSON.stringify(record);
    if (this.resultsAllowance.take(Buffer.byteLength(line) + 1)) this.results.write(record);
    // Agents get the summary with their next observation (below); everyone else (spectators) at once.
    const summary = encodeMessage(MessageType.Episode, record);
    const withNext = this.config.autoReset || reason !== null;
    for (const client of this.clients) {
      const seat = this.seats.get(client.sessionId);
      if (withNext && seat !== undefined && seat.client === client) seat.wire.queue(summary);
      else enqueueClientRaw(client as RoomClient & ClientPrivate, summary);
    }
  }

  /** Start the next episode (with `seed`, else the next seed) and send every agent and controller its first frame. */
  private startEpisode(seed: number | undefined): void {
    const env = this.env;
    this.awaitingReset = false;
    env.reset(seed);
    this.seats.discardActions();
    this.seats.fillAll();
    this.controllers.clearEvents();
    this.populations.attach(env.sim);
    if (this.stateSubscribed()) this.mirror.update(env);
    // Every agent's first observation of the new episode, drawn in one pass over the map.
    this.seats.render();
    for (const seat of this.seats.all()) if (seat.client !== null && seat.controller === null) this.sendObservation(seat, false);
    for (const c of this.controllers.all()) this.sendControllerFrame(c, false);
    this.textAgents.startEpisode();
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
      handler_errors: this.handlerErrors,
      errors: { ...this.errors },
      // Agent actions since the room started: steps that applied a late one (real-time rooms: answering an earlier
      // tick than the step's), steps in which a connected agent had none (it acted NOOP), and answers to an
      // episode's last observations that arrived after it ended (real-time rooms; dropped).
      late_actions: this.seats.lateActions,
      missed_actions: this.seats.missedActions,
      expired_actions: this.seats.expiredActions,
      results_written: this.results.written,
      results: { ...this.results.figures(), dropped_over_budget: this.resultsAllowance.dropped },
      backpressure: { observations_dropped: this.obsDropped, clients_closed: this.slowClosed, max_backlog_bytes: this.maxBacklog() },
      metrics: env.metrics?.snapshot ?? null,
      performance: env.performance,
      series: env.metrics?.series() ?? null,
      // The dashboard's research charts and world legend (server/replayViewer.ts).
      stock: resourceStock(sim),
      colours: playerColours(sim),
      agents,
      // For load tests: the tick timer's cumulative HDR histogram (µs, compressed base64; two readings subtract to
      // the ticks between them) and this process's CPU time and clock, so a client can measure its own window.
      tick_histogram: env.monitor ? env.monitor.encodeHistogram('tick') : null,
      process: processFigures(),
      obs_sends: { one_write: this.obsOneWrite, fallback: this.obsFallback },
      by_population: this.populations.figures(sim, env.labels, agents.map((a) => a.agent)),
      text_agents: this.textAgents.report(),
    };
  }

  /** The largest backlog any seat's agent has had before a send (bytes). */
  private maxBacklog(): number {
    let max = 0;
    for (const seat of this.seats.all()) max = Math.max(max, seat.wire.maxBacklog);
    return max;
  }

  /** Slot `slot`'s egocentric RGB view as a base64 PNG (the dashboard's "follow this agent"). */
  agentPngBase64(slot: number): string | null {
    const sim = this.env.sim;
    if (!Number.isInteger(slot) || slot < 0 || slot >= sim.players) return null;
    const [h, w] = rgbShape(sim);
    const rgb = new Uint8Array(h * w * 3);
    renderRgb(sim, slot, rgb);
    return Buffer.from(encodePng(rgb, w, h)).toString('base64');
  }

  /** Current WORLD.RGB as a base64 PNG (base64 so it survives a cross-process remoteRoomCall). */
  async worldPngBase64(): Promise<string> {
    return (await this.worldPng()).toString('base64');
  }

  /**
   * Current WORLD.RGB with the tick and episode it shows and every avatar's place at that very tick, taken together
   * (the picture is drawn now or was drawn earlier in this same tick), so labels drawn over it never trail it.
   * `agents`: per slot `x,y,facing` (N/E/S/W), or `-` for a removed avatar, joined by `;`.
   */
  async worldFrameBase64(): Promise<{ png: string; tick: number; episode: number; agents: string }> {
    const sim = this.env.sim;
    const { Position, Orientation, Removed } = sim.world.c;
    const cells: string[] = [];
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      cells.push(Removed.until[eid] > 0 ? '-' : `${Position.x[eid]},${Position.y[eid]},${DIR_NAMES[Orientation.dir[eid]]}`);
    }
    const tick = this.env.tick;
    const episode = sim.episode;
    const png = await this.worldPng();
    return { png: png.toString('base64'), tick, episode, agents: cells.join(';') };
  }
}

/** Process id, CPU time (user + system, µs since start) and a monotonic clock (ms). */
function processFigures(): { pid: number; cpu_us: number; now_ms: number } {
  const cpu = process.cpuUsage();
  return { pid: process.pid, cpu_us: cpu.user + cpu.system, now_ms: performance.now() };
}

function newClientData(join: JoinConfig): ClientData {
  return { join, frameBytes: 0, windowEndsAt: 0, windowCount: 0, flooded: false, worldEveryMs: 0, worldNextAt: 0, behindSince: -1, slowClosed: false };
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
