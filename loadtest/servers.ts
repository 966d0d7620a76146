/**
 * The servers a load test runs against: one process of its own (the default), a cluster of its own (`--cluster N`:
 * a private `redis-server`, and `npm run cluster -- --processes N` on it: N server processes behind one front), or
 * servers already running (`--url`, one URL or a comma list, with `--redis` to read the cluster's Redis).
 *
 * The server processes of a cluster are read from its process table in Redis (server/cluster.ts: each process's
 * pid and address). Where the tool can see their pids, their CPU and memory are read from /proc (costing the
 * servers nothing). Redis is read with `redis-cli INFO` (commandstats, stats, memory) at both ends of a window.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { procCpuMicros, procRssBytes, startServerProcess } from './serverProcess.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLUSTER_START_TIMEOUT_MS = 120_000;

const run = promisify(execFile);
const REDIS_START_TIMEOUT_MS = 10_000;

/**
 * Budgets of the servers this tool starts: many rooms, created as fast as the matchmaker can (the defaults, 64 rooms
 * and 4 creates a second, would measure the budget instead). The limits of one room stay the defaults.
 */
export const LOADTEST_BUDGET_ENV: Readonly<Record<string, string>> = Object.freeze({
  CRUCIBLE_MAX_ROOMS: '100000',
  CRUCIBLE_MAX_CREATES_PER_SECOND: '100000',
  CRUCIBLE_MAX_TOTAL_CELL_HZ: '1000000000',
});

/** A server process, reached directly (not through a front). */
export interface DirectProcess {
  readonly url: string;
  readonly pid: number;
}

export interface ServerSet {
  /** Client-facing URLs (ws://): the process of its own, a cluster's front, or the ones given. */
  readonly urls: readonly string[];
  /** The server processes, each at its own address (empty: not known, servers given by URL without Redis). */
  readonly processes: readonly DirectProcess[];
  /** Pid of the cluster's front (null: none, or not started here). */
  readonly frontPid: number | null;
  /** Redis of the cluster (null: a single process, or --url without --redis). */
  readonly redisUrl: string | null;
  /** Pid of the redis-server this tool started (null otherwise). */
  readonly redisPid: number | null;
  stop(): Promise<void>;
}

export interface StartServersOptions {
  /** Server processes; 0 = one process without Redis (the single-process default). */
  cluster: number;
  /** The cluster's processes take their clients' WebSockets themselves (`npm run cluster -- --direct`). */
  direct?: boolean;
  cpuProfDir: string | null;
  onLog: (line: string) => void;
}

/** A free loopback TCP port (bound once and released: another process could take it first, rarely). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** A private redis-server on a free loopback port, in memory only (no RDB, no AOF). */
export async function startRedis(onLog: (line: string) => void = () => {}): Promise<RedisProcess> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${REDIS_START_TIMEOUT_MS} ms`)), REDIS_START_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not be started (${err.message}); install it (Debian: apt-get install redis-server)`));
    });
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => onLog(`[redis] ${chunk.trim()}`));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (code ${code}) before it was ready`));
    });
  });
  running.add(child);
  void exited.then(() => running.delete(child));
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

const running = new Set<ReturnType<typeof spawn>>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** Start what `opts` asks for; the caller stops it. */
export async function startServers(opts: StartServersOptions): Promise<ServerSet> {
  if (opts.cluster === 0) {
    const p = await startServerProcess({ cpuProfDir: opts.cpuProfDir, onStderr: (line) => opts.onLog(`[server] ${line}`), env: { ...LOADTEST_BUDGET_ENV } });
    return { urls: [p.url], processes: [{ url: p.url, pid: p.pid }], frontPid: null, redisUrl: null, redisPid: null, stop: () => p.stop() };
  }
  const redis = await startRedis(opts.onLog);
  try {
    return await startCluster(opts, redis);
  } catch (err) {
    await redis.stop();
    throw err;
  }
}

/**
 * `npm run cluster -- --processes N --port 0 --no-restart` on `redis`, as a user starts it (server/clusterCli.ts):
 * resolves once the front prints its URL and all N processes are in the process table.
 */
async function startCluster(opts: StartServersOptions, redis: RedisProcess): Promise<ServerSet> {
  const resultsDir = mkdtempSync(join(tmpdir(), 'crucible-loadtest-'));
  // A CPU profile of every process of the cluster (the front included) when it exits.
  const nodeOptions = opts.cpuProfDir ? `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${resolve(opts.cpuProfDir)}`.trim() : process.env.NODE_OPTIONS;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/clusterCli.ts', '--processes', String(opts.cluster), '--port', '0', '--no-restart', ...(opts.direct ? ['--direct'] : [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...LOADTEST_BUDGET_ENV,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      REDIS_URL: redis.url,
      HOST: '127.0.0.1',
      CRUCIBLE_RESULTS: join(resultsDir, 'episodes.jsonl'),
      CRUCIBLE_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  void exited.then(() => running.delete(child));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(resultsDir, { recursive: true, force: true });
  };
  try {
    const front = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`the cluster did not print its URL within ${CLUSTER_START_TIMEOUT_MS} ms`)), CLUSTER_START_TIMEOUT_MS);
      let out = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        out += chunk;
        // The front's own line, not a process's ("[p1]   WebSocket …").
        const m = /^ {2}WebSocket +(ws:\/\/\S+)/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => opts.onLog(`[cluster] ${chunk.trim()}`));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the cluster exited (code ${code}) before it was ready`));
      });
    });
    const deadline = Date.now() + CLUSTER_START_TIMEOUT_MS;
    let processes: DirectProcess[] = [];
    while ((processes = await clusterProcesses(redis.url)).length < opts.cluster) {
      if (Date.now() > deadline) throw new Error(`${processes.length} of ${opts.cluster} cluster processes started within ${CLUSTER_START_TIMEOUT_MS} ms`);
      if (child.exitCode !== null) throw new Error('the cluster exited before its processes were ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    // The front re-reads the table every 500 ms: wait until it routes.
    while (!(await fetch(`${front.replace(/^ws/, 'http')}/api/substrates`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error(`the cluster's front did not route within ${CLUSTER_START_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { urls: [front], processes, frontPid: child.pid!, redisUrl: redis.url, redisPid: redis.pid, stop: async () => {
      await stop();
      await redis.stop();
    } };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The live processes of the cluster on `redisUrl` (its process table, server/cluster.ts), in pid order. */
export async function clusterProcesses(redisUrl: string): Promise<DirectProcess[]> {
  const raw = await run('redis-cli', ['-u', redisUrl, 'HVALS', 'crucible:processes'], { maxBuffer: 16 * 1024 * 1024 });
  const entries = raw.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { processId: string; address: string; pid: number }];
      } catch {
        return [];
      }
    });
  const live: DirectProcess[] = [];
  for (const e of entries) {
    const alive = await run('redis-cli', ['-u', redisUrl, 'EXISTS', `crucible:alive:${e.processId}`]);
    if (alive.stdout.trim() === '1') live.push({ url: `ws://${e.address}`, pid: e.pid });
  }
  return live.sort((a, b) => a.pid - b.pid);
}

/**
 * Bytes of the room listings (Colyseus's `roomcaches` hash: one JSON value per room) — what every query of the
 * listings (joinOrCreate, join, the room list) reads from Redis whole.
 */
export async function listingBytes(redisUrl: string): Promise<number> {
  const { stdout } = await run('redis-cli', ['-u', redisUrl, 'HVALS', 'roomcaches'], { maxBuffer: 256 * 1024 * 1024 });
  return Buffer.byteLength(stdout);
}

/** Servers already running: their processes from the cluster's Redis when given, else unknown. */
export async function givenServers(urls: readonly string[], redisUrl: string | null): Promise<ServerSet> {
  const processes = redisUrl ? await clusterProcesses(redisUrl) : [];
  return { urls, processes, frontPid: null, redisUrl, redisPid: null, stop: async () => {} };
}

/** Summed CPU time (µs) of `pids`, null when any cannot be read or there are none. */
export function cpuOf(pids: readonly number[]): number | null {
  if (pids.length === 0) return null;
  let sum = 0;
  for (const pid of pids) {
    const v = procCpuMicros(pid);
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

/** Summed RSS (bytes) of `pids`, null when any cannot be read or there are none. */
export function rssOf(pids: readonly number[]): number | null {
  if (pids.length === 0) return null;
  let sum = 0;
  for (const pid of pids) {
    const v = procRssBytes(pid);
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

/** Counters of one `INFO all` reading. */
export interface RedisInfo {
  /** Calls per command (commandstats), the INFO calls of this tool included. */
  calls: Record<string, number>;
  commands: number;
  netInputBytes: number;
  netOutputBytes: number;
  usedMemoryBytes: number;
  pubsubChannels: number;
  connectedClients: number;
  /** Bytes of this reply (the next reading counts them as output). */
  replyBytes: number;
}

/** Parse the text of `INFO all`. */
export function parseRedisInfo(text: string): RedisInfo {
  const fields = new Map<string, string>();
  const calls: Record<string, number> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key.startsWith('cmdstat_')) {
      const m = /calls=(\d+)/.exec(value);
      if (m) calls[key.slice('cmdstat_'.length)] = Number(m[1]);
    } else {
      fields.set(key, value);
    }
  }
  const n = (k: string): number => Number(fields.get(k) ?? 0);
  return {
    calls,
    commands: n('total_commands_processed'),
    netInputBytes: n('total_net_input_bytes'),
    netOutputBytes: n('total_net_output_bytes'),
    usedMemoryBytes: n('used_memory'),
    pubsubChannels: n('pubsub_channels'),
    connectedClients: n('connected_clients'),
    replyBytes: Buffer.byteLength(text),
  };
}

/** What the cluster's processes asked of Redis between two readings (this tool's own INFO calls taken out). */
export interface RedisDelta {
  commands: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Calls per command, largest first; INFO left out. */
  calls: Record<string, number>;
}

/** Bytes of the `INFO all` request as redis-cli sends it (RESP array of two bulk strings). */
const INFO_REQUEST = '*2\r\n$4\r\nINFO\r\n$3\r\nall\r\n';
const INFO_REQUEST_BYTES = INFO_REQUEST.length;

export function redisDelta(a: RedisInfo, b: RedisInfo): RedisDelta {
  const calls: Record<string, number> = {};
  for (const [cmd, n] of Object.entries(b.calls)) {
    const d = n - (a.calls[cmd] ?? 0);
    if (cmd !== 'info' && d > 0) calls[cmd] = d;
  }
  const ownInfo = (b.calls.info ?? 0) - (a.calls.info ?? 0);
  const sorted = Object.fromEntries(Object.entries(calls).sort((x, y) => y[1] - x[1]));
  return {
    // The second reading's INFO is counted once it has run; the first one's reply and request are in the window.
    commands: Math.max(0, b.commands - a.commands - ownInfo),
    netInputBytes: Math.max(0, b.netInputBytes - a.netInputBytes - INFO_REQUEST_BYTES * ownInfo),
    netOutputBytes: Math.max(0, b.netOutputBytes - a.netOutputBytes - a.replyBytes),
    calls: sorted,
  };
}

/**
 * One connection to Redis kept open for `INFO all` readings: a reading takes a round trip, not a redis-cli start
 * (tens of ms on a busy machine), so it can sit right next to the other readings at the edges of a window.
 */
export class RedisInfoReader {
  private readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  private waiting: ((text: string) => void) | null = null;
  private readonly ready: Promise<void>;

  constructor(url: string) {
    const u = new URL(url);
    this.socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      // A bulk string reply: $<length>\r\n<bytes>\r\n
      const eol = this.buffered.indexOf('\r\n');
      if (eol < 0 || this.buffered[0] !== 0x24) return;
      const length = Number(this.buffered.subarray(1, eol).toString());
      if (this.buffered.length < eol + 2 + length + 2) return;
      const text = this.buffered.subarray(eol + 2, eol + 2 + length).toString('utf8');
      this.buffered = this.buffered.subarray(eol + 2 + length + 2);
      const w = this.waiting;
      this.waiting = null;
      w?.(text);
    });
  }

  async read(): Promise<RedisInfo> {
    await this.ready;
    const text = new Promise<string>((resolve) => (this.waiting = resolve));
    this.socket.write(INFO_REQUEST);
    const info = parseRedisInfo(await text);
    // The reply as sent: its header and trailing CRLF too.
    return { ...info, replyBytes: info.replyBytes + `$${info.replyBytes}\r\n\r\n`.length };
  }

  close(): void {
    this.socket.destroy();
  }
}
