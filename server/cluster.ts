/**
 * Cluster mode: with REDIS_URL set, this process shares matchmaking with every other Crucible process on the same
 * Redis through Colyseus's own Redis presence (pub/sub: seat reservations, remote room calls, room creation in
 * another process) and Redis driver (the room listings every process queries). README, section "Cluster".
 *
 * What this module adds to Colyseus's:
 * - A process table (`crucible:processes`: processId → the address its WebSocket and HTTP server listens on), so a
 *   front (server/front.ts) can route a seat reservation's WebSocket (`/<processId>/<roomId>?sessionId=…`) to the
 *   process that holds the room, and HTTP to any process.
 * - Liveness: every process refreshes `crucible:alive:<processId>` (TTL 3 s) each second, and each second looks for
 *   processes that stopped: one whose Redis subscription is gone (the connection closed: the process was killed or
 *   exited) is removed at once; one whose heartbeat expired but whose subscription lingers (a machine cut off) is
 *   asked Colyseus's health check (2 s) first. Removing a process drops its room listings, its budget holds and its
 *   entry in the process table, so matchmaking stops routing to it. Colyseus alone notices a dead process only
 *   when a seat reservation or create sent to it times out.
 * - Redis loss: the Redis client queues commands and reconnects for ever (running rooms never see an error); while
 *   it is disconnected, new matchmaking and the room routes are refused with CLUSTER_UNAVAILABLE (503) at once rather
 *   than left waiting; when Redis is back (even empty, after a restart), this process lists its rooms, budget holds
 *   and address again.
 */
import { hostname } from 'node:os';
import { matchMaker, type Presence, type MatchMakerDriver } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { Redis } from 'ioredis';
import type { SharedBudgets } from './clusterBudgets.js';

export const PROCESSES_KEY = 'crucible:processes';
/** Colyseus's hash of every process's published "rooms,ccu" (its Stats module; the key is not exported). */
export const ROOM_COUNT_KEY = 'roomcount';
export const aliveKey = (processId: string): string => `crucible:alive:${processId}`;
/** Heartbeat period and lifetime, and the period of the check for stopped processes. */
export const HEARTBEAT_MS = 1000;
export const HEARTBEAT_TTL_MS = 3000;
export const JANITOR_MS = 1000;

/** One entry of the process table. */
export interface ProcessEntry {
  processId: string;
  /** host:port its HTTP and WebSocket server listens on, as other machines reach it. */
  address: string;
  /** Stable name of the process (CRUCIBLE_NODE; default host-port): its results file is named after it. */
  node: string;
  pid: number;
  host: string;
  startedAt: string;
}

/** A Redis client that never rejects a command for being disconnected: it waits for Redis to come back. */
export function redisClient(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    connectTimeout: 2000,
  });
}

/** The table of processes that are alive (heartbeat fresh). */
export async function liveProcesses(redis: Redis): Promise<ProcessEntry[]> {
  const all = await redis.hgetall(PROCESSES_KEY);
  const entries = Object.values(all).flatMap((v) => {
    try {
      return [JSON.parse(v) as ProcessEntry];
    } catch {
      return [];
    }
  });
  if (entries.length === 0) return [];
  const alive = await redis.mget(...entries.map((e) => aliveKey(e.processId)));
  return entries.filter((_, i) => alive[i] !== null);
}

export class ClusterMembership {
  readonly redis: Redis;
  readonly presence: Presence;
  readonly driver: MatchMakerDriver;
  /** The driver's own connection (Colyseus's shutdown closes the presence's and the driver's separately). */
  private readonly driverRedis: Redis;
  /** Budget ledger shared through Redis, set by the app when budgets are on. */
  budgets: SharedBudgets | null = null;
  /** This process's name (its results file's suffix). */
  node: string | null = null;
  private entry: ProcessEntry | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private wasReady = false;
  private janitorBusy = false;
  /** Processes whose subscription was missing at the last sweep. */
  private readonly missing = new Set<string>();
  private stopped = false;
  /** A publication of this process's room count is queued for the end of this event-loop turn. */
  private countQueued = false;
  /** Processes this one removed, with when (ms since epoch): the figures of the fault tests. */
  readonly removed: { processId: string; at: number; how: 'gone' | 'health-check' }[] = [];

  constructor(readonly url: string) {
    this.redis = redisClient(url);
    // The presence's subscriber is a duplicate of this client (same retry settings).
    this.presence = new RedisPresence(this.redis) as unknown as Presence;
    this.driverRedis = redisClient(url);
    this.driver = new RedisDriver(this.driverRedis) as unknown as MatchMakerDriver;
    this.redis.on('ready', () => {
      if (this.wasReady) void this.rejoin();
      this.wasReady = true;
    });
  }

  /**
   * A room of this process was created or disposed: publish its room count now (once per event-loop turn however
   * many changed in it) rather than at Colyseus's pace of at most once a second. Placement (`chooseProcess`) reads
   * these counts: counts a second old let a burst of creates pile onto one process (29 + 6 of 35 rooms were seen),
   * and every room held past its share slows every room of that process.
   */
  roomsChanged(): void {
    if (this.countQueued || this.stopped) return;
    this.countQueued = true;
    setImmediate(() => {
      this.countQueued = false;
      if (!this.ready || this.stopped) return; // published again when Redis is back (rejoin)
      void Promise.resolve(matchMaker.stats.persist(true)).catch(() => {});
    });
  }

  /** Redis answers now (matchmaking may go on). */
  get ready(): boolean {
    return this.redis.status === 'ready' && this.driverRedis.status === 'ready';
  }

  /** Register this process (after it listens) and start the heartbeat and the check for stopped processes. */
  async join(address: string, node: string): Promise<void> {
    this.entry = { processId: matchMaker.processId, address, node, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    await this.register();
    this.timers.push(setInterval(() => void this.beat(), HEARTBEAT_MS));
    this.timers.push(setInterval(() => void this.sweep(), JANITOR_MS));
    for (const t of this.timers) t.unref();
  }

  /** Leave the table (graceful shutdown): the front stops routing here at once. */
  async leave(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.entry && this.ready) {
      await Promise.all([this.redis.hdel(PROCESSES_KEY, this.entry.processId), this.redis.del(aliveKey(this.entry.processId))]).catch(() => {});
    }
  }

  private async register(): Promise<void> {
    if (!this.entry) return;
    await this.redis.hset(PROCESSES_KEY, this.entry.processId, JSON.stringify(this.entry));
    await this.redis.set(aliveKey(this.entry.processId), '1', 'PX', HEARTBEAT_TTL_MS);
  }

  private async beat(): Promise<void> {
    if (!this.entry || !this.ready || this.stopped) return;
    try {
      // The entry too: another process may have removed this one while it could not answer.
      await Promise.all([this.redis.set(aliveKey(this.entry.processId), '1', 'PX', HEARTBEAT_TTL_MS), this.redis.hset(PROCESSES_KEY, this.entry.processId, JSON.stringify(this.entry))]);
    } catch {
      // Redis went away between the check and the call: the next beat after it returns re-registers.
    }
  }

  /** Redis came back (perhaps empty): list this process, its rooms and its budget holds again. */
  private async rejoin(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.register();
      await matchMaker.stats.persist(true);
      await matchMaker.restoreMissingRoomCaches();
      await this.budgets?.restore();
      console.log(`crucible: Redis is back; this process (${matchMaker.processId}) listed its rooms again`);
    } catch (err) {
      console.error(`crucible: re-joining the cluster after Redis returned failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Remove processes that stopped (see the module comment). */
  private async sweep(): Promise<void> {
    if (!this.ready || this.janitorBusy || this.stopped) return;
    this.janitorBusy = true;
    try {
      const self = matchMaker.processId;
      const known = new Set<string>([...Object.keys(await this.redis.hgetall(ROOM_COUNT_KEY)), ...Object.keys(await this.redis.hgetall(PROCESSES_KEY))]);
      known.delete(self);
      if (known.size === 0) return;
      const channels = new Set((await this.presence.channels('p:*')).map((c) => c.slice(2)));
      const ids = [...known];
      const alive = await this.redis.mget(...ids.map(aliveKey));
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (!channels.has(id)) {
          // Its Redis connection closed: it is gone. Seen twice a sweep apart, so that a process re-subscribing
          // after Redis came back is not taken for gone (if it is anyway, the swept receipt makes it list its rooms
          // again, as after Colyseus's own health check).
          if (this.missing.has(id)) await this.forget(id, 'gone');
          else this.missing.add(id);
          continue;
        }
        this.missing.delete(id);
        if (alive[i] === null) {
          if (!(await matchMaker.healthCheckProcessId(id))) await this.forget(id, 'health-check');
        }
      }
    } catch {
      // Redis went away mid-sweep: the next sweep after it returns goes on.
    } finally {
      this.janitorBusy = false;
    }
  }

  private async forget(processId: string, how: 'gone' | 'health-check'): Promise<void> {
    await matchMaker.stats.excludeProcess(processId);
    await this.driver.cleanup?.(processId);
    await this.presence.setex(`swept:${processId}`, '1', 600);
    await this.redis.hdel(PROCESSES_KEY, processId);
    await this.budgets?.forgetProcess(processId);
    this.missing.delete(processId);
    this.removed.push({ processId, at: Date.now(), how });
    console.log(`crucible: process ${processId} stopped answering (${how === 'gone' ? 'its Redis connection closed' : 'health check failed'}); its rooms are no longer listed`);
  }
}

/** The stable name of this process (results file suffix): CRUCIBLE_NODE, else `<host>-<port>`. */
export function nodeName(port: number, env: NodeJS.ProcessEnv = process.env): string {
  const given = env.CRUCIBLE_NODE;
  const raw = given !== undefined && given !== '' ? given : `${hostname()}-${port}`;
  return raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/** How many rooms more than the least-loaded process a process may hold and still create a new room itself. */
export function createSlack(fewest: number): number {
  return Math.max(2, Math.ceil(fewest / 4));
}

/**
 * Where a new room goes, from every process's room count as last published (`roomcount` in Redis: "rooms,ccu",
 * which each process republishes as soon as one of its rooms is created or disposed, `roomsChanged`): this process
 * while it holds no more than `createSlack` rooms over the least-loaded one, else the least-loaded (at random among
 * equals). Returns null with no counts at all.
 *
 * Colyseus compares this process's live count with the others' published ones, so during a burst of creates every
 * process soon looks busier than the rest and sends each create to another process: two IPC round trips (the create,
 * then the seat) for a room it could have made itself. Comparing published counts with published counts, with a
 * margin for the creates still in flight, keeps creates local while the front spreads matchmaking round robin, and
 * still moves them to a process that has fallen behind (one started late, or a process that takes requests directly).
 */
export function chooseProcess(published: Readonly<Record<string, string>>, self: string): string | null {
  let fewest = Infinity;
  let mine: number | null = null;
  const counts: [string, number][] = [];
  for (const [id, value] of Object.entries(published)) {
    const n = Number(value.split(',')[0]);
    if (!Number.isFinite(n)) continue;
    counts.push([id, n]);
    if (n < fewest) fewest = n;
    if (id === self) mine = n;
  }
  if (counts.length === 0) return null;
  if (mine === null || mine <= fewest + createSlack(fewest)) return self;
  const tied = counts.filter(([, n]) => n === fewest).map(([id]) => id);
  return tied[Math.floor(Math.random() * tied.length)]!;
}

/** Colyseus's `selectProcessIdToCreateRoom` in cluster mode: `chooseProcess` on the published counts. */
export async function selectProcessForRoom(): Promise<string> {
  const self = matchMaker.processId;
  const published = await matchMaker.presence.hgetall(ROOM_COUNT_KEY);
  return chooseProcess(published ?? {}, self) ?? self;
}
