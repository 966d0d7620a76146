/**
 * A bot process of the load test (forked by loadtest/loadtest.ts; talks to it over IPC, see `WorkerCommand` and
 * `WorkerReply`). Each bot joins the room as a focal agent with `state: false` (no room state is ever decoded) and
 * answers every observation with one random action, the way an RL agent does.
 *
 * Kept cheap so the bots are not the bottleneck (they share the machine with the server): the SDK joins and
 * handles every message except the hot pair. Frames are taken from the ws socket itself (Buffers: no event object
 * or ArrayBuffer copy per message); an "obs" frame is recognised by its first bytes and read in place (tick and
 * flags from the header: no decodeObservation, no string decoding of the type, no dispatch), anything else is
 * handed to the SDK. The action goes out as a preencoded frame — the message `room.send('action', {tick, episode,
 * action})` sends, its integers in fixed-width msgpack — with only the tick, episode and action bytes rewritten.
 * Per-bot state lives in typed arrays.
 *
 * A bot answers the newest observation it has: the answer is queued as a microtask, which runs once the socket
 * read that brought the observation is parsed, so a bot that fell behind and finds two observations in one read
 * answers only the second (counted as `superseded`), instead of sending an action that is already stale.
 *
 * Round trip (rtt): from sending the action for tick t to receiving the next observation (tick t + 1, the first
 * one the action can have changed). In a real-time room it includes the wait for the next tick, so it sits near
 * the tick interval when the server keeps up; in lockstep it is the pure round trip.
 */
import './wsGlobal.js'; // before the SDK: its bots read frames off the `ws` socket
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Client, Protocol, type Room } from '@colyseus/sdk';
import { encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { MessageType, ObsFlag, OBS_HEADER_BYTES, OBS_MAGIC } from '../client/protocol.js';
import { newHistogram } from './report.js';

export interface JoinCommand {
  type: 'join';
  /** One entry per bot of this process: the room it joins and the server URL it joins through (count = length). */
  targets: { url: string; roomId: string }[];
  /** Index of this process's first bot (policy labels and action streams). */
  firstBot: number;
  obs: 'rgb' | 'symbolic' | 'none';
  seed: number;
  /** Joins in flight at once. */
  concurrency: number;
}

export type WorkerCommand = JoinCommand | { type: 'measure' } | { type: 'report' } | { type: 'leave' };

/** What a bot process counted during the measurement window. */
export interface WorkerCounters {
  /** Observations received. */
  observations: number;
  /** Messages (frames) received / sent, every type. */
  msgsIn: number;
  msgsOut: number;
  /** Raw WebSocket payload bytes received / sent (Colyseus framing included, WebSocket headers not). */
  bytesIn: number;
  bytesOut: number;
  /** Rejected inputs and transport errors, by code. */
  errors: Record<string, number>;
  /** Connections that closed without the bot leaving. */
  disconnects: number;
  /** Observations left unanswered because a newer one for the same bot had arrived (the bot was behind). */
  superseded: number;
  /** Observations that failed the header check (magic, length). */
  malformed: number;
  /** Process CPU time (user + system) in µs, and wall time in ms, over the window. */
  cpuMicros: number;
  wallMs: number;
  /** Round trips in µs, HDR histogram, compressed base64. */
  rtt: string;
  /** How late this process's event loop ran timers (ms, 1 ms resolution): a stalled bot answers late. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'joined'; joined: number; failed: number; errors: Record<string, number>; firstError: string | null }
  | ({ type: 'report'; observationsTotal: number } & WorkerCounters)
  | { type: 'left' };

/** A Colyseus frame of type `type`: the protocol code, then the type as a msgpack fixstr. */
function messagePrefix(code: number, type: string): number[] {
  return [code, 0xa0 | type.length, ...Buffer.from(type, 'latin1')];
}

/** First bytes of every "obs" message; the observation frame follows. */
const OBS_PREFIX = Uint8Array.from(messagePrefix(Protocol.ROOM_DATA_BYTES, MessageType.Obs));
const OBS_AT = OBS_PREFIX.length;
/** First bytes of the "episode" summary message (msgpack payload follows). */
const EPISODE_PREFIX = Uint8Array.from(messagePrefix(Protocol.ROOM_DATA, MessageType.Episode));

/**
 * The "action" message `{tick, episode, action}`: the prefix room.send writes, then the msgpack map with the tick and
 * the episode as uint32 (0xce, big-endian; room.send would pick the smallest width, the server reads either) and the
 * action as a positive fixint (< 128).
 */
const ACTION_PREFIX = messagePrefix(Protocol.ROOM_DATA, MessageType.Action);
const ACTION_FRAME = Uint8Array.from([
  ...ACTION_PREFIX, 0x83,
  0xa4, ...Buffer.from('tick'), 0xce, 0, 0, 0, 0,
  0xa7, ...Buffer.from('episode'), 0xce, 0, 0, 0, 0,
  0xa6, ...Buffer.from('action'), 0,
]);
/** Offsets of the tick's and the episode's four bytes (after their key and the uint32 marker), and of the action byte (last). */
const ACTION_TICK_AT = ACTION_PREFIX.length + 1 + 5 + 1;
const ACTION_EPISODE_AT = ACTION_TICK_AT + 4 + 8 + 1;
const ACTION_VALUE_AT = ACTION_FRAME.length - 1;

/** Bytes of an observation frame read here: header only (offsets from client/protocol.ts). */
const FLAGS_AT = 3;
const TICK_AT = 4;
const EPISODE_AT = 8;
const DONE_FLAGS = ObsFlag.Terminated | ObsFlag.Truncated;
const LEAVE_TIMEOUT_MS = 5000;
const NO_ANSWER = -2;

class BotPool {
  private readonly rooms: (Room | null)[];
  /** performance.now() when the bot's last action went out; 0 = no action awaiting its observation. */
  private readonly sentAt: Float64Array;
  private readonly rng: Uint32Array;
  /** Each bot's send on its ws socket (bypassing the SDK's counting wrapper below; counted in answerBot). */
  private readonly send: ((d: Uint8Array) => void)[];
  private readonly actionFrame = Buffer.from(ACTION_FRAME);
  /** Per bot: the tick of the newest observation not yet answered (−1 none, NO_ANSWER a terminal one). */
  private readonly pendingTick: Float64Array;
  /** Per bot: the episode of that observation. */
  private readonly pendingEpisode: Uint32Array;
  /** Per bot: its answer, bound once (queued as a microtask without a closure per observation). */
  private readonly answer: (() => void)[];
  private actionCount = 8;
  private measuring = false;
  private hist: Histogram = newHistogram();
  private observationsTotal = 0;
  private c = emptyCounters();
  private cpu0 = process.cpuUsage();
  private wall0 = performance.now();
  private leaving = false;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });

  private readonly bots: number;

  constructor(private readonly cmd: JoinCommand) {
    this.bots = cmd.targets.length;
    this.rooms = new Array<Room | null>(this.bots).fill(null);
    this.sentAt = new Float64Array(this.bots);
    this.send = new Array<(d: Uint8Array) => void>(this.bots);
    this.pendingTick = new Float64Array(this.bots).fill(-1);
    this.pendingEpisode = new Uint32Array(this.bots);
    this.answer = Array.from({ length: this.bots }, (_, i) => () => this.answerBot(i));
    this.rng = new Uint32Array(this.bots);
    for (let i = 0; i < this.bots; i++) this.rng[i] = (Math.imul(cmd.seed + 1, 0x9e3779b1) ^ Math.imul(cmd.firstBot + i + 1, 0x85ebca6b)) | 1;
  }

  async joinAll(): Promise<WorkerReply> {
    const errors: Record<string, number> = {};
    let joined = 0;
    let failed = 0;
    let firstError: string | null = null;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < this.bots) {
        const i = next++;
        try {
          await this.join(i);
          joined++;
        } catch (err) {
          failed++;
          const message = err instanceof Error ? err.message : String(err);
          firstError ??= message;
          const code = /^([A-Z][A-Z_]+):/.exec(message)?.[1] ?? 'JOIN_FAILED';
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.cmd.concurrency) }, lane));
    return { type: 'joined', joined, failed, errors, firstError };
  }

  private async join(i: number): Promise<void> {
    const target = this.cmd.targets[i];
    const sdk = new Client(target.url);
    const room = await sdk.joinById(target.roomId, { obs: this.cmd.obs, state: false, policy: `loadtest-${this.cmd.firstBot + i}` });
    this.rooms[i] = room;
    // Listen on the ws socket itself (Buffers, no per-message event object or ArrayBuffer copy); frames other
    // than observations are handed to the SDK as it would have received them.
    const conn = room.connection as unknown as {
      events: { onmessage?: (ev: { data: ArrayBuffer }) => void };
      send: (d: Uint8Array) => void;
      transport: { ws: WsSocket };
    };
    const ws = conn.transport.ws;
    const sdkOnMessage = conn.events.onmessage!;
    ws.onmessage = null;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      if (this.measuring) {
        this.c.msgsIn++;
        this.c.bytesIn += data.byteLength;
      }
      if (startsWith(data, OBS_PREFIX)) this.onObservation(i, data);
      // The episode summary (one per agent at each episode end, ~100 bytes per player) is not decoded.
      else if (!startsWith(data, EPISODE_PREFIX)) sdkOnMessage({ data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer });
    });
    this.send[i] = (d: Uint8Array) => ws.send(d);
    const send = conn.send.bind(conn);
    conn.send = (data: Uint8Array) => {
      if (this.measuring) {
        this.c.msgsOut++;
        this.c.bytesOut += data.byteLength;
      }
      send(data);
    };
    room.onMessage(MessageType.Welcome, (w: { actions: string[] }) => {
      this.actionCount = Math.min(w.actions.length, 128);
    });
    // Never reached (obs frames are taken above); registered so the SDK has a handler for every type.
    room.onMessage(MessageType.Obs, () => {});
    room.onMessage(MessageType.Error, (e: { code: string }) => this.count(e.code));
    // Never reached (skipped above); registered so the SDK has a handler for every type.
    room.onMessage(MessageType.Episode, () => {});
    room.onError((code) => this.count(`TRANSPORT_${code}`));
    room.onLeave(() => {
      this.rooms[i] = null;
      if (!this.leaving) this.c.disconnects++;
    });
  }

  /** `bytes`: the whole message; the observation frame starts at OBS_AT. */
  private onObservation(i: number, bytes: Uint8Array): void {
    const now = performance.now();
    this.observationsTotal++;
    if (bytes.byteLength < OBS_AT + OBS_HEADER_BYTES || (bytes[OBS_AT] | (bytes[OBS_AT + 1] << 8)) !== OBS_MAGIC) {
      if (this.measuring) this.c.malformed++;
      return;
    }
    if (this.measuring) {
      this.c.observations++;
      const sent = this.sentAt[i];
      if (sent > 0) this.hist.recordValue(Math.round((now - sent) * 1000));
    }
    this.sentAt[i] = 0;
    const tick = readU32(bytes, OBS_AT + TICK_AT);
    const pending = this.pendingTick[i];
    if (pending === -1) queueMicrotask(this.answer[i]);
    // A newer observation arrived in the same read before the bot answered the previous one: it answers only the
    // newest (a terminal observation is followed by the next episode's first one: not a backlog).
    else if (pending !== NO_ANSWER && this.measuring) this.c.superseded++;
    // A terminal observation needs no answer.
    this.pendingTick[i] = (bytes[OBS_AT + FLAGS_AT] & DONE_FLAGS) !== 0 ? NO_ANSWER : tick;
    this.pendingEpisode[i] = readU32(bytes, OBS_AT + EPISODE_AT);
  }

  /**
   * Answer bot i's newest observation. It runs as a microtask, i.e. once the socket read that delivered the
   * observation has been parsed: a bot that fell behind, and finds several observations in one read, answers only
   * the newest — as an agent acting on the latest observation would — while one that keeps up answers at once.
   */
  private answerBot(i: number): void {
    const tick = this.pendingTick[i];
    this.pendingTick[i] = -1;
    if (tick === NO_ANSWER) return;
    // xorshift32: a cheap per-bot action stream.
    let x = this.rng[i];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng[i] = x;
    const a = this.actionFrame;
    writeU32BE(a, ACTION_TICK_AT, tick);
    writeU32BE(a, ACTION_EPISODE_AT, this.pendingEpisode[i]);
    a[ACTION_VALUE_AT] = (x >>> 0) % this.actionCount;
    this.sentAt[i] = performance.now();
    // ws masks a copy (a Buffer counts as read-only), so the frame can be reused at once.
    this.send[i](a);
    if (this.measuring) {
      this.c.msgsOut++;
      this.c.bytesOut += a.byteLength;
    }
  }

  private count(code: string): void {
    if (this.measuring) this.c.errors[code] = (this.c.errors[code] ?? 0) + 1;
  }

  measure(): void {
    this.c = emptyCounters();
    this.hist.reset();
    this.cpu0 = process.cpuUsage();
    this.wall0 = performance.now();
    this.loopDelay.reset();
    this.loopDelay.enable();
    this.measuring = true;
  }

  report(): WorkerReply {
    this.measuring = false;
    const cpu = process.cpuUsage(this.cpu0);
    this.c.cpuMicros = cpu.user + cpu.system;
    this.c.wallMs = performance.now() - this.wall0;
    this.c.rtt = encodeIntoCompressedBase64(this.hist);
    this.loopDelay.disable();
    // The histogram holds ns and includes the 1 ms sampling interval itself.
    this.c.loopDelayP99Ms = Math.max(0, this.loopDelay.percentile(99) / 1e6 - 1);
    this.c.loopDelayMaxMs = Math.max(0, this.loopDelay.max / 1e6 - 1);
    return { type: 'report', observationsTotal: this.observationsTotal, ...this.c };
  }

  async leaveAll(): Promise<void> {
    this.leaving = true;
    // A room whose server is gone may never confirm the leave: do not wait for it for long.
    const leaves = Promise.all(this.rooms.map((r) => r?.leave(true).catch(() => {})));
    await Promise.race([leaves, new Promise((r) => setTimeout(r, LEAVE_TIMEOUT_MS))]);
  }
}

/** The `ws` WebSocket under the SDK's transport (Node). */
interface WsSocket {
  onmessage: unknown;
  binaryType: string;
  on(event: 'message', fn: (data: Buffer) => void): void;
  send(data: Uint8Array): void;
}

/** Little-endian u32 (the observation header). */
function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Big-endian u32 (msgpack). */
function writeU32BE(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.byteLength < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (b[k] !== prefix[k]) return false;
  return true;
}

function emptyCounters(): WorkerCounters {
  return {
    observations: 0, msgsIn: 0, msgsOut: 0, bytesIn: 0, bytesOut: 0, errors: {}, disconnects: 0, superseded: 0, malformed: 0, cpuMicros: 0, wallMs: 0, rtt: '',
    loopDelayP99Ms: 0, loopDelayMaxMs: 0,
  };
}

function reply(msg: WorkerReply): void {
  process.send?.(msg);
}

if (process.send) {
  let pool: BotPool | null = null;
  process.on('message', (cmd: WorkerCommand) => {
    switch (cmd.type) {
      case 'join':
        pool = new BotPool(cmd);
        void pool.joinAll().then(reply);
        break;
      case 'measure':
        pool?.measure();
        break;
      case 'report':
        if (pool) reply(pool.report());
        break;
      case 'leave':
        void (pool?.leaveAll() ?? Promise.resolve()).then(() => {
          reply({ type: 'left' });
          process.disconnect();
        });
        break;
    }
  });
  // The parent went away (crashed, killed): nothing left to report to.
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready' });
}
