/**
 * The agent wire protocol shared by the server and every client: the binary observation frame and the message
 * names. This file imports nothing from the server, so a client (Node or browser) can use it alone.
 *
 * Each tick every agent receives ONE binary message of type "obs": a 32-byte little-endian header followed by the
 * observation bytes (the README (section "The agent protocol") has the full description).
 *
 *   offset size type  field
 *        0    2 u16   magic 0x5243 (the bytes "CR")
 *        2    1 u8    version (2)
 *        3    1 u8    flags: bit0 frozen, bit1 removed, bit2 terminated (episode end), bit3 truncated (time limit),
 *                     bit4 late action (the step that produced this observation took an action of this agent that
 *                     answered an earlier observation), bit5 no action (that step had no action of this agent: NOOP)
 *        4    4 u32   tick the observation shows (0 = first observation of an episode)
 *        8    4 u32   episode (from 0)
 *       12    2 u16   slot (player index; agent id "player_<slot>")
 *       14    1 u8    observation mode: 0 none, 1 rgb, 2 symbolic
 *       15    1 u8    V: number of float32 vector observations after the observation bytes
 *       16    4 f32   reward this agent received in this tick
 *       20    4 f32   collective reward (sum of all players' rewards this tick)
 *       24    4 f32   READY_TO_SHOOT (1 when the zapper is ready, else 0)
 *       28    2 u16   observation width in pixels (rgb) or cells (symbolic); 0 for none
 *       30    2 u16   observation height
 *       32    …       observation: rgb height·width·3 bytes (row-major RGB), symbolic height·width bytes, none nothing
 *        …  4·V f32   the substrate's vector observations (e.g. INVENTORY, NUM_OTHERS_WHO_CLEANED_THIS_STEP), laid out
 *                     as the welcome message's `vector` field says ({name, offset, length} in float32 elements)
 */

export const OBS_MAGIC = 0x5243;
export const OBS_VERSION = 2;
export const OBS_HEADER_BYTES = 32;

/** Header flag bits. */
export const ObsFlag = {
  Frozen: 1 << 0,
  Removed: 1 << 1,
  Terminated: 1 << 2,
  Truncated: 1 << 3,
  /** The step that produced this observation applied an action of this agent answering an earlier observation. */
  LateAction: 1 << 4,
  /** The step that produced this observation had no action from this agent, which acted NOOP. */
  NoAction: 1 << 5,
  /**
   * Observations before this one were dropped: the agent did not read its socket fast enough (its unsent bytes
   * passed the server's bound, server/wire.ts), so the server skipped it for one or more ticks.
   */
  Dropped: 1 << 6,
} as const;

/**
 * WebSocket close code for a client that stayed behind (unsent bytes over the bound) for 2 s: it is disconnected
 * rather than let its backlog grow the server's memory.
 */
export const CLOSE_SLOW_CONSUMER = 4008;

/**
 * WebSocket close code for the clients of a room whose server process stopped (a cluster, README "Cluster"): the
 * cluster's front ends their sockets with it; the room and its unfinished episode are gone (no results line).
 */
export const CLOSE_PROCESS_LOST = 4012;

/** Observation modes, by wire code; `OBS_MODE_CODE` is derived from it. */
export const OBS_MODES = ['none', 'rgb', 'symbolic'] as const;
export type ObsMode = (typeof OBS_MODES)[number];
export const OBS_MODE_CODE: Readonly<Record<ObsMode, number>> = Object.fromEntries(OBS_MODES.map((m, i) => [m, i])) as Record<
  ObsMode,
  number
>;

/** Bytes per observation element of each mode (rgb: 3 channels). */
export const OBS_CHANNELS: Readonly<Record<ObsMode, number>> = { none: 0, rgb: 3, symbolic: 1 };

/** Message types of the protocol. */
export const MessageType = {
  /** client → server: `{tick, action}` */
  Action: 'action',
  /** client → server: `{fps}`; server → client: a WORLD.RGB PNG (binary) */
  World: 'world',
  /** server → client: binary observation frame */
  Obs: 'obs',
  /** server → client: the episode summary (JSON) at each episode end */
  Episode: 'episode',
  /** server → client: `{code, message}` for a rejected input */
  Error: 'error',
  /** server → client: `{slot, role, obs, players, actions, tickRate, lockstep}` right after joining */
  Welcome: 'welcome',
  /** client → server (controllers): `{episode, tick, actions}`; server → client: binary step frame (all held slots) */
  Step: 'step',
  /** client → server (controllers): `{seed?}`: end the running episode, start a new one */
  Reset: 'reset',
  /** client → server (text agents): a macro, `{macro, ...arguments}` (README "Text agents") */
  Macro: 'macro',
  /** server → client (text agents): `{seq, text, observation}` at each decision point */
  Text: 'text',
} as const;

/**
 * The controller step frame: a 16-byte little-endian header, then one observation frame (the layout above, all of
 * the same length L = welcome.frameBytes) per held slot in `welcome.slots` order, then, when asked for at join,
 * float32 event counters (slot-major, `welcome.events` per slot) and WORLD.RGB bytes (`welcome.world` height × width × 3).
 *
 *   offset size type  field
 *        0    2 u16   magic 0x4243 (the bytes "CB")
 *        2    1 u8    version (1)
 *        3    1 u8    flags: bit0 terminated, bit1 truncated, bit2 events present, bit3 world present
 *        4    4 u32   tick
 *        8    4 u32   episode
 *       12    2 u16   count: number of held slots
 *       14    2 u16   reserved (0)
 *       16  count·L   the slots' observation frames
 */
export const STEP_MAGIC = 0x4243;
export const STEP_VERSION = 1;
export const STEP_HEADER_BYTES = 16;
export const StepFlag = {
  Terminated: 1 << 0,
  Truncated: 1 << 1,
  Events: 1 << 2,
  World: 1 << 3,
} as const;

export interface Observation {
  tick: number;
  episode: number;
  slot: number;
  reward: number;
  collectiveReward: number;
  readyToShoot: number;
  frozen: boolean;
  removed: boolean;
  /** The step that produced this observation applied this agent's action late (it answered an earlier observation). */
  lateAction: boolean;
  /** The step that produced this observation had no action from this agent (it acted NOOP). */
  noAction: boolean;
  /** Observations before this one were dropped because the agent fell behind (ObsFlag.Dropped). */
  dropped: boolean;
  /** The episode ended with this observation (terminated or truncated). */
  done: boolean;
  terminated: boolean;
  truncated: boolean;
  mode: ObsMode;
  /** The observation bytes (a view into the received message, no copy); empty for mode "none". */
  data: Uint8Array;
  /** The substrate's vector observations (a copy; empty when it has none). */
  vector: Float32Array;
  width?: number;
  height?: number;
}

export class ProtocolError extends Error {
  readonly code = 'MALFORMED_MESSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Write a header into `out` (at least OBS_HEADER_BYTES long) through `view`, a DataView over the same bytes. */
export function writeObservationHeader(
  view: DataView,
  h: {
    flags: number;
    tick: number;
    episode: number;
    slot: number;
    mode: ObsMode;
    reward: number;
    collectiveReward: number;
    readyToShoot: number;
    width: number;
    height: number;
    /** Number of float32 vector observations the frame carries after the observation (default 0). */
    vectorLength?: number;
  },
): void {
  view.setUint16(0, OBS_MAGIC, true);
  view.setUint8(2, OBS_VERSION);
  view.setUint8(3, h.flags);
  view.setUint32(4, h.tick >>> 0, true);
  view.setUint32(8, h.episode >>> 0, true);
  view.setUint16(12, h.slot, true);
  view.setUint8(14, OBS_MODE_CODE[h.mode]);
  view.setUint8(15, h.vectorLength ?? 0);
  view.setFloat32(16, h.reward, true);
  view.setFloat32(20, h.collectiveReward, true);
  view.setFloat32(24, h.readyToShoot, true);
  view.setUint16(28, h.width, true);
  view.setUint16(30, h.height, true);
}

/** Decode an observation frame. Throws `ProtocolError` on a bad magic, version, mode or length. */
export function decodeObservation(bytes: Uint8Array): Observation {
  if (bytes.byteLength < OBS_HEADER_BYTES) throw new ProtocolError(`observation frame of ${bytes.byteLength} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic !== OBS_MAGIC) throw new ProtocolError(`bad observation magic 0x${magic.toString(16)}`);
  const version = view.getUint8(2);
  if (version !== OBS_VERSION) throw new ProtocolError(`unsupported observation version ${version}; this client reads ${OBS_VERSION}`);
  const flags = view.getUint8(3);
  const mode = OBS_MODES[view.getUint8(14)];
  if (mode === undefined) throw new ProtocolError(`unknown observation mode ${view.getUint8(14)}`);
  const width = view.getUint16(28, true);
  const height = view.getUint16(30, true);
  const expected = width * height * OBS_CHANNELS[mode];
  const vectorLength = view.getUint8(15);
  if (bytes.byteLength !== OBS_HEADER_BYTES + expected + 4 * vectorLength) {
    throw new ProtocolError(
      `observation of mode ${mode} ${width}×${height} with ${vectorLength} vector values needs ${OBS_HEADER_BYTES + expected + 4 * vectorLength} bytes, frame has ${bytes.byteLength}`,
    );
  }
  const data = bytes.subarray(OBS_HEADER_BYTES, OBS_HEADER_BYTES + expected);
  const vector = new Float32Array(vectorLength);
  for (let i = 0; i < vectorLength; i++) vector[i] = view.getFloat32(OBS_HEADER_BYTES + expected + 4 * i, true);
  const terminated = (flags & ObsFlag.Terminated) !== 0;
  const truncated = (flags & ObsFlag.Truncated) !== 0;
  const obs: Observation = {
    tick: view.getUint32(4, true),
    episode: view.getUint32(8, true),
    slot: view.getUint16(12, true),
    reward: view.getFloat32(16, true),
    collectiveReward: view.getFloat32(20, true),
    readyToShoot: view.getFloat32(24, true),
    frozen: (flags & ObsFlag.Frozen) !== 0,
    removed: (flags & ObsFlag.Removed) !== 0,
    lateAction: (flags & ObsFlag.LateAction) !== 0,
    noAction: (flags & ObsFlag.NoAction) !== 0,
    dropped: (flags & ObsFlag.Dropped) !== 0,
    done: terminated || truncated,
    terminated,
    truncated,
    mode,
    data,
    vector,
  };
  if (mode !== 'none') {
    obs.width = width;
    obs.height = height;
  }
  return obs;
}

/** Split a server error message "CODE: text" into its stable code and text (join and create rejections). */
export function parseErrorCode(message: string): { code: string | null; message: string } {
  const m = /^([A-Z][A-Z_]+): ([\s\S]*)$/.exec(message);
  return m ? { code: m[1], message: m[2] } : { code: null, message };
}
