/**
 * Budgets counted across the cluster (server/cluster.ts): the rooms running, the rooms created per second and the
 * cells × Hz of all rooms are one ledger in Redis, checked and taken in one Lua script (atomic: two processes
 * admitting at once cannot both take the last room). The limits of one room (its cells, cells × Hz, episodes a
 * second, message rate) need no shared state and are checked here first, as server/budgets.ts does.
 *
 * Keys: `crucible:budget:rooms` (roomId → "cellHz processId"), `crucible:budget:cellhz` (their sum) and
 * `crucible:budget:bucket` (the create token bucket, on Redis's clock). A process that stops is removed from the
 * ledger by whichever process notices (ClusterMembership.forget); after a Redis restart each process lists its own
 * rooms again (`restore`).
 */
import { matchMaker } from '@colyseus/core';
import type { Redis } from 'ioredis';
import type { CrucibleError } from '../ecs/errors.js';
import { over, type BudgetLimits, type RoomCost } from './budgets.js';

const ROOMS = 'crucible:budget:rooms';
const TOTAL = 'crucible:budget:cellhz';
const BUCKET = 'crucible:budget:bucket';

const ADMIT = `
local n = redis.call('HLEN', KEYS[1])
if n >= tonumber(ARGV[4]) then return {'maxRooms', tostring(n + 1)} end
local now = redis.call('TIME')
local t = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local size = tonumber(ARGV[6])
local tokens = tonumber(redis.call('HGET', KEYS[3], 'tokens') or size)
local at = tonumber(redis.call('HGET', KEYS[3], 'at') or t)
tokens = math.min(size, tokens + (t - at) / 1000 * tonumber(ARGV[5]))
redis.call('HSET', KEYS[3], 'tokens', tostring(tokens), 'at', tostring(t))
if tokens < 1 then return {'maxCreatesPerSecond', tostring(tonumber(ARGV[5]) + 1)} end
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
local cellHz = tonumber(ARGV[2])
if total + cellHz > tonumber(ARGV[7]) then return {'maxTotalCellHz', tostring(total + cellHz), tostring(total)} end
redis.call('HSET', KEYS[3], 'tokens', tostring(tokens - 1))
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
redis.call('SET', KEYS[2], tostring(total + cellHz))
return {'ok', tostring(n + 1)}
`;

/** Remove rooms from the ledger: ARGV[1] = 'room' and a room id, or 'process' and a process id. */
const RELEASE = `
local removed = 0
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[1] == 'room' then
  local v = redis.call('HGET', KEYS[1], ARGV[2])
  if v then
    redis.call('HDEL', KEYS[1], ARGV[2])
    total = total - tonumber(string.match(v, '^(%S+)'))
    removed = 1
  end
else
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    local cost, pid = string.match(all[i + 1], '^(%S+) (%S+)$')
    if pid == ARGV[2] then
      redis.call('HDEL', KEYS[1], all[i])
      total = total - tonumber(cost)
      removed = removed + 1
    end
  end
end
if total < 0 then total = 0 end
redis.call('SET', KEYS[2], tostring(total))
return removed
`;

/** Hold a room already running (after Redis lost the ledger): no checks. */
const HOLD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3]) == 1 then
  redis.call('SET', KEYS[2], tostring(tonumber(redis.call('GET', KEYS[2]) or '0') + tonumber(ARGV[2])))
  return 1
end
return 0
`;

export class SharedBudgets {
  readonly shared = true;
  /** Creates refused by this process, by budget. */
  readonly refused: Partial<Record<keyof BudgetLimits, number>> = {};
  /** The rooms of this process and their cells × Hz (re-listed after a Redis restart). */
  private readonly local = new Map<string, number>();

  constructor(
    readonly limits: BudgetLimits,
    private readonly redis: Redis,
  ) {}

  get roomCount(): number {
    return this.local.size;
  }

  /** Admit room `roomId` or say which budget it exceeds (as Budgets.admit, but the shared limits count every process). */
  async admit(roomId: string, cost: RoomCost, requestedMessagesPerSecond?: number): Promise<CrucibleError | null> {
    const L = this.limits;
    const cellHz = cost.cells * cost.tickRate;
    let err: CrucibleError | null = null;
    let budget: keyof BudgetLimits | null = null;
    if (cost.cells > L.maxRoomCells) {
      budget = 'maxRoomCells';
      err = over(`a room may simulate at most ${L.maxRoomCells} cells (map cells × scale²); this one would have ${cost.cells}: lower scale`, budget, L.maxRoomCells, cost.cells);
    } else if (cellHz > L.maxRoomCellHz) {
      budget = 'maxRoomCellHz';
      err = over(`a room may cost at most ${L.maxRoomCellHz} cells × Hz; ${cost.cells} cells at ${cost.tickRate} Hz is ${cellHz}: lower tickRate or scale`, budget, L.maxRoomCellHz, cellHz);
    } else if ((cost.episodesPerSecond ?? 0) > L.maxEpisodesPerSecond) {
      budget = 'maxEpisodesPerSecond';
      err = over(
        `a room may end at most ${L.maxEpisodesPerSecond} episodes a second (tickRate / maxSteps); this one would end ${+(cost.episodesPerSecond ?? 0).toFixed(2)}: raise maxSteps or lower tickRate`,
        budget, L.maxEpisodesPerSecond, cost.episodesPerSecond ?? 0,
      );
    } else if (requestedMessagesPerSecond !== undefined && requestedMessagesPerSecond > L.maxMessagesPerSecond) {
      budget = 'maxMessagesPerSecond';
      err = over(`maxMessagesPerSecond may be at most ${L.maxMessagesPerSecond}, got ${requestedMessagesPerSecond}`, budget, L.maxMessagesPerSecond, requestedMessagesPerSecond);
    } else {
      const bucket = Math.max(1, Math.floor(L.maxCreatesPerSecond / 4));
      const [verdict, value, inUse] = (await this.redis.eval(
        ADMIT, 3, ROOMS, TOTAL, BUCKET, roomId, String(cellHz), matchMaker.processId, String(L.maxRooms), String(L.maxCreatesPerSecond), String(bucket), String(L.maxTotalCellHz),
      )) as string[];
      if (verdict === 'maxRooms') {
        budget = verdict;
        err = over(`the cluster runs at most ${L.maxRooms} rooms and all are in use; join a running room or try later`, budget, L.maxRooms, Number(value));
      } else if (verdict === 'maxCreatesPerSecond') {
        budget = verdict;
        err = over(`the cluster creates at most ${L.maxCreatesPerSecond} rooms a second; try again in a moment`, budget, L.maxCreatesPerSecond, Number(value));
      } else if (verdict === 'maxTotalCellHz') {
        budget = verdict;
        err = over(
          `the cluster's rooms may cost at most ${L.maxTotalCellHz} cells × Hz together; ${Number(inUse)} are in use and this room needs ${cellHz}: try later or a smaller room`,
          budget, L.maxTotalCellHz, Number(value),
        );
      }
    }
    if (err !== null && budget !== null) {
      this.refused[budget] = (this.refused[budget] ?? 0) + 1;
      return err;
    }
    this.local.set(roomId, cellHz);
    return null;
  }

  /** Give back what room `roomId` held (idempotent; waits for Redis if it is away). */
  release(roomId: string): void {
    if (!this.local.delete(roomId)) return;
    this.redis.eval(RELEASE, 2, ROOMS, TOTAL, 'room', roomId).catch((err: unknown) => console.error(`crucible: releasing the budget of room ${roomId} failed: ${String(err)}`));
  }

  /** Drop every hold of a process that stopped. */
  async forgetProcess(processId: string): Promise<void> {
    await this.redis.eval(RELEASE, 2, ROOMS, TOTAL, 'process', processId);
  }

  /** List this process's rooms in the ledger again (Redis restarted empty). */
  async restore(): Promise<void> {
    for (const [roomId, cellHz] of this.local) await this.redis.eval(HOLD, 2, ROOMS, TOTAL, roomId, String(cellHz), matchMaker.processId);
  }
}
