/**
 * A typed client for Crucible agents (Node or browser), on top of the Colyseus SDK.
 *
 *   import { connect } from './client/agent.js';
 *   const agent = await connect('ws://localhost:2567', 'commons_harvest__open', { obs: 'symbolic', policy: 'my-ppo' });
 *   agent.onObservation((obs) => agent.act(choose(obs)));   // act() answers the last observation's tick
 *   agent.onEpisode((summary) => console.log(summary.returns));
 *   // … later
 *   await agent.leave();
 *
 * The protocol (message types, the binary observation header, error codes) is in the README (section "The agent protocol").
 */
import { Client, ErrorCode, type Room } from '@colyseus/sdk';
import type { EpisodeSummary as EnvironmentSummary } from '../systems/environment.js';
import { decodeObservation, MessageType, parseErrorCode, type Observation, type ObsMode } from './protocol.js';

export { decodeObservation, parseErrorCode, type Observation, type ObsMode } from './protocol.js';

/** Join options (how this client plays) and, for a room this call creates, create options. */
export interface ConnectOptions {
  role?: 'agent' | 'spectator';
  obs?: ObsMode;
  policy?: string;
  token?: string;
  /** Receive the synchronised room state (default: false for agents, true for spectators). */
  state?: boolean;
  /** Join this room id instead of matchmaking by substrate name. */
  roomId?: string;
  /** 'joinOrCreate' (default), 'create' (always a new room) or 'join' (an existing room only). */
  method?: 'joinOrCreate' | 'create' | 'join';
  // Create options (used when this call creates the room; see the README (section "The agent protocol")).
  scenario?: string;
  seed?: number;
  tickRate?: number;
  lockstep?: boolean;
  scale?: number;
  actionTimeoutMs?: number;
  fillFocal?: 'bots' | 'noop';
  reconnectSeconds?: number;
  resultsFile?: string;
  maxSteps?: number;
  maxMessagesPerSecond?: number;
  autoReset?: boolean;
}

/** What the server tells a client right after it joins. */
export interface Welcome {
  role: 'agent' | 'spectator';
  slot: number | null;
  agent: string | null;
  obs: ObsMode;
  substrate: string;
  scenario: string | null;
  players: number;
  focalSlots: number[];
  actions: string[];
  /** Layout of `Observation.vector`: the substrate's vector observations, offsets and lengths in float32 elements. */
  vector: { name: string; offset: number; length: number }[];
  /** Observation, action and reward specs (Melting Pot's names, shapes and dtypes; the README's "Specs"). */
  spec: {
    observations: { name: string; shape: number[]; dtype: string; minimum?: number; maximum?: number }[];
    action: { name: 'action'; shape: []; dtype: 'int64'; num_values: number; minimum: 0; maximum: number; names: string[] };
    reward: { name: 'reward'; shape: []; dtype: 'float64' };
  };
  tickRate: number;
  lockstep: boolean;
  /** false: an ended episode waits for a controller's reset. */
  autoReset: boolean;
  tick: number;
  episode: number;
}

/** A rejected input: the stable code and what was wrong. */
export interface ServerErrorMessage {
  code: string;
  message: string;
}

/** The episode summary sent to every client at each episode end (one line of the results file). */
export interface EpisodeSummary extends EnvironmentSummary {
  /** Per agent id, for the slots agents played: steps that applied a late action; steps without any action (NOOP). */
  actions: { late: Record<string, number>; missed: Record<string, number> };
  room: string;
  finished_at: string;
}

/** A join or create the server refused; `code` is the stable code (INVALID_OPTION, ROOM_FULL, INVALID_TOKEN, …). */
export class ConnectError extends Error {
  readonly code: string | null;
  /** The transport-level code (HTTP status or Colyseus error code). */
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined) {
    const parsed = parseErrorCode(message);
    super(parsed.message);
    this.name = 'ConnectError';
    this.code = parsed.code;
    this.status = status;
  }
}

type Listener<T> = (value: T) => void;

export class AgentClient {
  readonly room: Room;
  readonly welcome: Promise<Welcome>;
  /** The latest observation, or null before the first. */
  last: Observation | null = null;
  private readonly obsListeners: Listener<Observation>[] = [];
  private readonly episodeListeners: Listener<EpisodeSummary>[] = [];
  private readonly errorListeners: Listener<ServerErrorMessage>[] = [];
  private readonly worldListeners: Listener<Uint8Array>[] = [];

  constructor(room: Room) {
    this.room = room;
    let resolveWelcome!: (w: Welcome) => void;
    this.welcome = new Promise((r) => (resolveWelcome = r));
    room.onMessage(MessageType.Welcome, (w: Welcome) => resolveWelcome(w));
    room.onMessage(MessageType.Obs, (bytes: Uint8Array) => {
      const obs = decodeObservation(bytes);
      this.last = obs;
      for (const l of this.obsListeners) l(obs);
    });
    room.onMessage(MessageType.Episode, (s: EpisodeSummary) => {
      for (const l of this.episodeListeners) l(s);
    });
    room.onMessage(MessageType.Error, (e: ServerErrorMessage) => {
      for (const l of this.errorListeners) l(e);
    });
    room.onMessage(MessageType.World, (png: Uint8Array) => {
      for (const l of this.worldListeners) l(png);
    });
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  /** Every observation, as it arrives (one per tick; at an episode end the terminal one, then the next episode's first). */
  onObservation(cb: Listener<Observation>): () => void {
    return add(this.obsListeners, cb);
  }

  onEpisode(cb: Listener<EpisodeSummary>): () => void {
    return add(this.episodeListeners, cb);
  }

  /** Rejected inputs (`{code, message}`); nothing else changes when one is reported. */
  onError(cb: Listener<ServerErrorMessage>): () => void {
    return add(this.errorListeners, cb);
  }

  /** WORLD.RGB PNG frames, after `requestWorld(fps)`. */
  onWorld(cb: Listener<Uint8Array>): () => void {
    return add(this.worldListeners, cb);
  }

  /**
   * Act on the last observation: sends `{tick: last.tick, episode: last.episode, action}`. Returns false (and sends nothing) before the
   * first observation and after a terminal one, which needs no answer: the next episode's first observation follows.
   */
  act(action: number): boolean {
    if (this.last === null || this.last.done) return false;
    this.room.send(MessageType.Action, { tick: this.last.tick, episode: this.last.episode, action });
    return true;
  }

  /** Ask for WORLD.RGB PNG frames at `fps` per second (at most 10; 0 stops). */
  requestWorld(fps: number): void {
    this.room.send(MessageType.World, { fps });
  }

  /** Resolve with the next observation (optionally the first one matching `pred`). */
  nextObservation(pred: (o: Observation) => boolean = () => true, timeoutMs = 10_000): Promise<Observation> {
    return next(this.obsListeners, pred, timeoutMs, 'observation');
  }

  nextEpisode(timeoutMs = 60_000): Promise<EpisodeSummary> {
    return next(this.episodeListeners, () => true, timeoutMs, 'episode');
  }

  nextError(pred: (e: ServerErrorMessage) => boolean = () => true, timeoutMs = 10_000): Promise<ServerErrorMessage> {
    return next(this.errorListeners, pred, timeoutMs, 'error');
  }

  /** Leave the room (consented: the slot is freed at once). */
  async leave(): Promise<void> {
    await this.room.leave(true);
  }
}

function add<T>(list: Listener<T>[], cb: Listener<T>): () => void {
  list.push(cb);
  return () => {
    const i = list.indexOf(cb);
    if (i >= 0) list.splice(i, 1);
  };
}

function next<T>(list: Listener<T>[], pred: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = add(list, (v: T) => {
      if (!pred(v)) return;
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

const JOIN_KEYS = ['role', 'obs', 'policy', 'token', 'state'] as const;

/** Join (or create) a room of `substrate` on the server at `url` (e.g. ws://localhost:2567). */
export async function connect(url: string, substrate: string, options: ConnectOptions = {}): Promise<AgentClient> {
  const { roomId, method = 'joinOrCreate', ...rest } = options;
  const roomOptions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) roomOptions[k] = v;
  const sdk = new Client(url);
  let room: Room;
  try {
    if (roomId !== undefined) {
      const joinOnly: Record<string, unknown> = {};
      for (const k of JOIN_KEYS) if (roomOptions[k] !== undefined) joinOnly[k] = roomOptions[k];
      room = await sdk.joinById(roomId, joinOnly);
    } else {
      room = await sdk[method](substrate, roomOptions);
    }
  } catch (err) {
    const e = err as { message?: string; code?: number };
    if (e.code === ErrorCode.MATCHMAKE_NO_HANDLER && roomId === undefined) {
      // The matchmaker knows no room type of that name: every substrate is a room type, so it is not a substrate.
      throw new ConnectError(`UNKNOWN_SUBSTRATE: no substrate named ${JSON.stringify(substrate)} on this server; GET /api/substrates lists them`, e.code);
    }
    throw new ConnectError(e.message ?? String(err), e.code);
  }
  return new AgentClient(room);
}
