/**
 * The error catalogue: every error Crucible reports to a user carries one of these stable codes, a message that
 * says what was wrong and what is allowed, and optional details. Clients match on `code`, never on the message.
 */
export const ERROR_CODES = {
  UNKNOWN_SUBSTRATE: 'no substrate is registered under that name',
  UNKNOWN_SCENARIO: 'no scenario is registered under that name',
  UNKNOWN_BOT: 'no bot is registered under that name',
  INVALID_SUBSTRATE: 'the substrate data failed validation',
  INVALID_SCENARIO: 'the scenario data failed validation',
  INVALID_OPTION: 'a create or command-line option is out of range or malformed',
  INVALID_REPLAY: 'a replay file is not a Crucible replay, or is damaged',
  UNKNOWN_REPLAY: 'no replay file exists under that name',
  UNKNOWN_EPISODE: 'no episode in the results files has that id',
  REPLAY_TOO_LARGE: 'a replay is too long or too large for the video or timeline asked for (details give the limit)',
  INVALID_ACTION: 'an action is not an integer index into the action table',
  STALE_ACTION: 'an action answers a tick or episode it cannot be applied to (not yet happened, older than one already taken, another episode; lockstep: not the current tick)',
  DUPLICATE_ACTION: 'a second action answering the same tick was dropped',
  MALFORMED_MESSAGE: 'a message could not be parsed',
  MESSAGE_TOO_LARGE: 'a message exceeds the size limit',
  UNKNOWN_MESSAGE_TYPE: 'a message type is not part of the protocol',
  NOT_AN_AGENT: 'only agents may send actions',
  NOT_A_CONTROLLER: 'only controllers may send steps and resets',
  ROOM_FULL: 'every focal slot is taken',
  INVALID_TOKEN: 'the token (agent join, room create, or operator) is missing or wrong',
  UNKNOWN_ENCODING: 'the encoding is not one of the supported encodings',
  UNKNOWN_ROOM: 'no room exists with that id',
  RATE_LIMITED: 'the client sent messages faster than allowed',
  OVER_BUDGET: "the request would exceed one of the operator's budgets (rooms, cells × tick rate, message rate)",
  ADMIN_DISABLED: 'the operator routes are off: the server runs without CRUCIBLE_ADMIN_TOKEN',
  MALFORMED_REQUEST: 'an HTTP request could not be read (bad URL encoding, unreadable body)',
  UNKNOWN_ROUTE: 'no HTTP API route has that path and method',
  INTERNAL_ERROR: 'the server failed while handling an input (a bug: counted and logged); the input changed nothing',
  INVALID_MACRO: 'a macro action is malformed, unknown, or not available in this substrate (details.reason says which)',
  NOT_A_TEXT_AGENT: 'only agents that joined with obs "text" (or over HTTP) may send macros',
  UNKNOWN_AGENT: 'no HTTP agent holds that agent key in this room',
  AGENT_TIMED_OUT: 'an HTTP agent made no request for longer than the room\'s httpIdleTimeoutMs; its seat was released',
  CLUSTER_UNAVAILABLE: "a cluster's Redis cannot be reached: running rooms go on, new matchmaking and the room routes wait for it (HTTP 503)",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CrucibleError extends Error {
  readonly code: ErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CrucibleError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}
