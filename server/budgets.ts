/**
 * Operator budgets: how much of this process clients may use. Every limit is an environment variable with a default
 * (README, section "Security"); a create over any of them is refused with OVER_BUDGET (HTTP-like status 403) by the
 * room's onCreate before its world is built, so a refused create costs a parse of its options and nothing more.
 *
 * The cost of a room is its simulated cells (the substrate's map cells × scale²) times its tick rate: the systems
 * walk the grid and its entities every tick, so cells × Hz tracks the CPU a room takes, and cells alone track the
 * memory and the time its world takes to build (loadtest/bench/heavy.ts measures both). Rooms are admitted and
 * released synchronously (onCreate, onDispose) on the one event loop, so concurrent creates cannot overshoot.
 */
import { CrucibleError } from '../ecs/errors.js';
import type { SubstrateSpec } from '../substrates/types.js';

export interface BudgetLimits {
  /** Rooms this process runs at once (CRUCIBLE_MAX_ROOMS). */
  readonly maxRooms: number;
  /**
   * Rooms created per second (CRUCIBLE_MAX_CREATES_PER_SECOND), as a token bucket holding a quarter of a second's
   * worth (at least one): building a world holds the event loop every room shares (10–25 ms), so creates are
   * spread out rather than built back to back.
   */
  readonly maxCreatesPerSecond: number;
  /** Cells of one room: map cells × scale² (CRUCIBLE_MAX_ROOM_CELLS); bounds its build time and memory. */
  readonly maxRoomCells: number;
  /** Cells × tick rate (Hz) of one room (CRUCIBLE_MAX_ROOM_CELL_HZ). */
  readonly maxRoomCellHz: number;
  /** Cells × tick rate summed over every room (CRUCIBLE_MAX_TOTAL_CELL_HZ). */
  readonly maxTotalCellHz: number;
  /**
   * Episodes a second one room may run: tickRate / maxSteps (CRUCIBLE_MAX_EPISODES_PER_SECOND). Every episode end
   * rebuilds the world (2–10 ms at scale 1) and writes and syncs a results line, so `tickRate: 1000, maxSteps: 1`
   * would spend the whole event loop on resets.
   */
  readonly maxEpisodesPerSecond: number;
  /** The highest `maxMessagesPerSecond` a client may ask for; also caps the derived default (CRUCIBLE_MAX_MESSAGES_PER_SECOND). */
  readonly maxMessagesPerSecond: number;
  /** Bytes of results one room may write per hour (CRUCIBLE_RESULTS_BYTES_PER_HOUR); summaries over it are not written. */
  readonly resultsBytesPerHour: number;
}

/**
 * Defaults (README, "Security", has the measurements). Maps: Commons Harvest 24 × 18 = 432 cells, Clean Up 630, the
 * Prisoner's Dilemma arena 600. 12,000 cells admits every substrate at scale 4 (112–128 players), whose world
 * builds in 10–25 ms here (loadtest/bench/heavy.ts), under one tick of a 20 Hz room; scale 6 (35–60 ms) is
 * refused. 1,200,000 cells × Hz per room admits such a room at 100 Hz (the load test's `--agents 100 --hz 100`)
 * or a single map at 1000 Hz; 4,000,000 in all is a few of those together; a default room (432 cells at 20 Hz)
 * costs 8,640. 4 creates a second, never two back to back, keep each world build within one tick of the other
 * rooms. 2,100 messages a second is what the default gives a 1000 Hz room (2 × tickRate + 20).
 */
export const DEFAULT_BUDGETS: BudgetLimits = Object.freeze({
  maxRooms: 64,
  maxCreatesPerSecond: 4,
  maxRoomCells: 12_000,
  maxRoomCellHz: 1_200_000,
  maxTotalCellHz: 4_000_000,
  maxEpisodesPerSecond: 10,
  maxMessagesPerSecond: 2_100,
  resultsBytesPerHour: 64 * 1024 * 1024,
});

export const ENV_NAMES: Readonly<Record<keyof BudgetLimits, string>> = {
  maxRooms: 'CRUCIBLE_MAX_ROOMS',
  maxCreatesPerSecond: 'CRUCIBLE_MAX_CREATES_PER_SECOND',
  maxRoomCells: 'CRUCIBLE_MAX_ROOM_CELLS',
  maxRoomCellHz: 'CRUCIBLE_MAX_ROOM_CELL_HZ',
  maxTotalCellHz: 'CRUCIBLE_MAX_TOTAL_CELL_HZ',
  maxEpisodesPerSecond: 'CRUCIBLE_MAX_EPISODES_PER_SECOND',
  maxMessagesPerSecond: 'CRUCIBLE_MAX_MESSAGES_PER_SECOND',
  resultsBytesPerHour: 'CRUCIBLE_RESULTS_BYTES_PER_HOUR',
};

/** The limits from the environment (each a positive integer; anything else is a startup error), over `base`. */
export function budgetsFromEnv(env: NodeJS.ProcessEnv = process.env, base: BudgetLimits = DEFAULT_BUDGETS): BudgetLimits {
  const out: Record<string, number> = { ...base };
  for (const key of Object.keys(ENV_NAMES) as (keyof BudgetLimits)[]) {
    const raw = env[ENV_NAMES[key]];
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${ENV_NAMES[key]} must be a positive integer, got ${JSON.stringify(raw)}`);
    out[key] = v;
  }
  return Object.freeze(out as unknown as BudgetLimits);
}

/** Cells a room of `spec` at `scale` simulates: the map tiled scale × scale. */
export function roomCells(spec: SubstrateSpec, scale: number): number {
  const rows = spec.map.length;
  let cols = 0;
  for (const row of spec.map) cols = Math.max(cols, row.length);
  return rows * cols * scale * scale;
}

export interface RoomCost {
  readonly cells: number;
  readonly tickRate: number;
  /** tickRate / the episode cap in ticks (0 when unknown). */
  readonly episodesPerSecond?: number;
}

export function over(message: string, budget: keyof BudgetLimits, limit: number, value: number): CrucibleError {
  return new CrucibleError('OVER_BUDGET', message, { budget: ENV_NAMES[budget], limit, value });
}

/** The process's budget ledger: the rooms admitted and what they cost. */
export class Budgets {
  readonly limits: BudgetLimits;
  private readonly rooms = new Map<string, number>();
  private totalCellHz = 0;
  /** Creates refused, by budget. */
  readonly refused: Partial<Record<keyof BudgetLimits, number>> = {};
  /** The create token bucket: tokens left and when it was last filled (ms). */
  private createTokens: number;
  private filledAt: number;

  constructor(
    limits: BudgetLimits = DEFAULT_BUDGETS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = limits;
    this.createTokens = this.bucketSize;
    this.filledAt = now();
  }

  private get bucketSize(): number {
    return Math.max(1, Math.floor(this.limits.maxCreatesPerSecond / 4));
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get cellHz(): number {
    return this.totalCellHz;
  }

  /**
   * Admit room `roomId` costing `cost`, or return the OVER_BUDGET error saying which budget it exceeds (nothing is
   * reserved then). `requestedMessagesPerSecond`: what the client asked for (undefined = the server's default).
   */
  admit(roomId: string, cost: RoomCost, requestedMessagesPerSecond?: number): CrucibleError | null {
    const L = this.limits;
    const cellHz = cost.cells * cost.tickRate;
    let err: CrucibleError | null = null;
    let budget: keyof BudgetLimits | null = null;
    const t = this.now();
    this.createTokens = Math.min(this.bucketSize, this.createTokens + ((t - this.filledAt) / 1000) * L.maxCreatesPerSecond);
    this.filledAt = t;
    if (this.rooms.size >= L.maxRooms) {
      budget = 'maxRooms';
      err = over(`this server runs at most ${L.maxRooms} rooms and all are in use; join a running room or try later`, budget, L.maxRooms, this.rooms.size + 1);
    } else if (this.createTokens < 1) {
      budget = 'maxCreatesPerSecond';
      err = over(`this server creates at most ${L.maxCreatesPerSecond} rooms a second; try again in a moment`, budget, L.maxCreatesPerSecond, L.maxCreatesPerSecond + 1);
    } else if (cost.cells > L.maxRoomCells) {
      budget = 'maxRoomCells';
      err = over(`a room may simulate at most ${L.maxRoomCells} cells (map cells × scale²); this one would have ${cost.cells}: lower scale`, budget, L.maxRoomCells, cost.cells);
    } else if (cellHz > L.maxRoomCellHz) {
      budget = 'maxRoomCellHz';
      err = over(
        `a room may cost at most ${L.maxRoomCellHz} cells × Hz; ${cost.cells} cells at ${cost.tickRate} Hz is ${cellHz}: lower tickRate or scale`,
        budget, L.maxRoomCellHz, cellHz,
      );
    } else if ((cost.episodesPerSecond ?? 0) > L.maxEpisodesPerSecond) {
      budget = 'maxEpisodesPerSecond';
      err = over(
        `a room may end at most ${L.maxEpisodesPerSecond} episodes a second (tickRate / maxSteps); this one would end ${+(cost.episodesPerSecond ?? 0).toFixed(2)}: raise maxSteps or lower tickRate`,
        budget, L.maxEpisodesPerSecond, cost.episodesPerSecond ?? 0,
      );
    } else if (this.totalCellHz + cellHz > L.maxTotalCellHz) {
      budget = 'maxTotalCellHz';
      err = over(
        `the server's rooms may cost at most ${L.maxTotalCellHz} cells × Hz together; ${this.totalCellHz} are in use and this room needs ${cellHz}: try later or a smaller room`,
        budget, L.maxTotalCellHz, this.totalCellHz + cellHz,
      );
    } else if (requestedMessagesPerSecond !== undefined && requestedMessagesPerSecond > L.maxMessagesPerSecond) {
      budget = 'maxMessagesPerSecond';
      err = over(`maxMessagesPerSecond may be at most ${L.maxMessagesPerSecond}, got ${requestedMessagesPerSecond}`, budget, L.maxMessagesPerSecond, requestedMessagesPerSecond);
    }
    if (err !== null && budget !== null) {
      this.refused[budget] = (this.refused[budget] ?? 0) + 1;
      return err;
    }
    this.createTokens -= 1;
    this.rooms.set(roomId, cellHz);
    this.totalCellHz += cellHz;
    return null;
  }

  /** Give back what room `roomId` held (idempotent). */
  release(roomId: string): void {
    const cellHz = this.rooms.get(roomId);
    if (cellHz === undefined) return;
    this.rooms.delete(roomId);
    this.totalCellHz -= cellHz;
  }
}

/**
 * A room's results allowance: bytes written in the current hour. A summary that would pass the hour's budget is
 * not written (the room counts it in `results_dropped`); the window restarts an hour after it began.
 */
export class ResultsAllowance {
  private windowStart = -Infinity;
  private used = 0;
  dropped = 0;

  constructor(
    readonly bytesPerHour: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** May `bytes` more be written now? Counts them if so, counts a drop if not. */
  take(bytes: number): boolean {
    const t = this.now();
    if (t - this.windowStart >= 3_600_000) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used + bytes > this.bytesPerHour) {
      this.dropped++;
      return false;
    }
    this.used += bytes;
    return true;
  }
}
