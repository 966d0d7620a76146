/**
 * `npm run cluster -- [--processes N] [--port P] [--host H] [--no-restart] [--direct]`: N Crucible processes (default one per
 * core) on this machine, sharing matchmaking through Redis, behind one URL (the front, server/front.ts, on PORT,
 * default 2567, and HOST, default 127.0.0.1). README, section "Cluster".
 *
 * Redis: REDIS_URL when set; otherwise redis://127.0.0.1:6379 if a Redis answers there; otherwise a `redis-server`
 * from PATH started on a free port in a temporary directory, without persistence, and stopped on exit.
 * `--processes 0` runs the front alone (processes on other machines join through REDIS_URL).
 *
 * The processes listen on free ports of CRUCIBLE_PROCESS_HOST (default 127.0.0.1: only the front is reachable
 * from outside); each is named p1…pN (CRUCIBLE_NODE: its results file is `<results>.pN.jsonl`). A process that
 * exits unexpectedly is started again after a second (unless --no-restart). With --direct each process gets a fixed
 * free port and CRUCIBLE_PUBLIC_ADDRESS=<host>:<port> (host: CRUCIBLE_PUBLIC_HOST, default CRUCIBLE_PROCESS_HOST, or
 * the machine's name when that is every interface): clients matchmake through the front but open
 * their room's WebSocket at the process itself, so the front relays no frames. SIGINT/SIGTERM stop the processes
 * gracefully (their rooms flush their results and close their clients), then the front and the Redis it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFront } from './front.js';

function fail(message: string): never {
  console.error(`crucible cluster: ${message}`);
  process.exit(1);
}

const USAGE = 'usage: npm run cluster -- [--processes N] [--port P] [--host H] [--no-restart] [--direct]';

function parseArgs(argv: string[]): { processes: number; port: number; host: string; restart: boolean; direct: boolean } {
  let processes = availableParallelism();
  let port = Number(process.env.PORT ?? 2567);
  let host = process.env.HOST || '127.0.0.1';
  let restart = true;
  let direct = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--processes' || a === '-n') processes = Number(value());
    else if (a === '--port') port = Number(value());
    else if (a === '--host') host = value();
    else if (a === '--no-restart') restart = false;
    else if (a === '--direct') direct = true;
    else fail(`unknown argument ${JSON.stringify(a.slice(0, 40))}; ${USAGE}`);
  }
  if (!Number.isInteger(processes) || processes < 0 || processes > 256) fail('--processes must be an integer from 0 to 256');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be an integer from 0 to 65535');
  return { processes, port, host, restart, direct };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Does a Redis answer PING at host:port (within 500 ms)? */
async function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

interface StartedRedis {
  url: string;
  stop(): void;
}

async function startRedis(): Promise<StartedRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start redis-server (${err.message}); install Redis or set REDIS_URL`)));
    const deadline = Date.now() + 5000;
    const poll = async (): Promise<void> => {
      if (await redisAnswers('127.0.0.1', port)) return resolve();
      if (Date.now() > deadline) return reject(new Error('redis-server did not answer within 5 s'));
      setTimeout(() => void poll(), 50);
    };
    void poll();
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));

const args = parseArgs(process.argv.slice(2));
let redis: StartedRedis | null = null;
let redisUrl = process.env.REDIS_URL ?? '';
try {
  if (redisUrl === '') {
    if (await redisAnswers('127.0.0.1', 6379)) redisUrl = 'redis://127.0.0.1:6379';
    else {
      redis = await startRedis();
      redisUrl = redis.url;
      console.log(`crucible cluster: started redis-server at ${redisUrl} (no persistence; set REDIS_URL to use your own)`);
    }
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

let stopping = false;
const children = new Map<number, ChildProcess>();

function prefix(stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream, name: string): void {
  let rest = '';
  stream?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) out.write(`[${name}] ${l}\n`);
  });
}

const processHost = process.env.CRUCIBLE_PROCESS_HOST || '127.0.0.1';
/** --direct: the host clients reach the processes at (CRUCIBLE_PUBLIC_HOST; default the one they listen on, or this machine's name when that is every interface). */
const publicHost = process.env.CRUCIBLE_PUBLIC_HOST || (processHost === '0.0.0.0' || processHost === '::' ? hostname() : processHost);
/** --direct: each process's port, chosen once (a restarted process keeps its public address). */
const directPorts = new Map<number, number>();

async function startProcess(i: number): Promise<void> {
  const name = `p${i}`;
  let placement: Record<string, string> = { PORT: '0' };
  if (args.direct) {
    const port = directPorts.get(i) ?? (await freePort());
    directPorts.set(i, port);
    const shownHost = publicHost.includes(':') ? `[${publicHost}]` : publicHost;
    placement = { PORT: String(port), CRUCIBLE_PUBLIC_ADDRESS: `${shownHost}:${port}` };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', INDEX], {
    env: { ...process.env, REDIS_URL: redisUrl, HOST: processHost, CRUCIBLE_NODE: name, ...placement },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(i, child);
  prefix(child.stdout, process.stdout, name);
  prefix(child.stderr, process.stderr, name);
  child.on('exit', (code, signal) => {
    children.delete(i);
    if (stopping) return;
    console.error(`crucible cluster: process ${name} (pid ${child.pid}) exited (${signal ?? `status ${code}`})${args.restart ? '; starting it again in 1 s' : ''}`);
    if (args.restart) setTimeout(() => !stopping && void startProcess(i), 1000);
  });
}

for (let i = 1; i <= args.processes; i++) await startProcess(i);

let front: Awaited<ReturnType<typeof startFront>>;
try {
  front = await startFront({ redisUrl, port: args.port, host: args.host });
} catch (err) {
  stopping = true;
  for (const c of children.values()) c.kill('SIGTERM');
  redis?.stop();
  const code = (err as NodeJS.ErrnoException).code;
  fail(code === 'EADDRINUSE' ? `port ${args.port} on ${args.host} is already in use; choose another with --port` : `cannot start the front: ${String(err)}`);
}
const everywhere = args.host === '0.0.0.0' || args.host === '::';
const at = everywhere ? 'localhost' : args.host.includes(':') ? `[${args.host}]` : args.host;
// The Redis URL may hold a password: never printed.
const shownRedis = redisUrl.replace(/\/\/[^@/]*@/, '//');
console.log(`Crucible cluster: ${args.processes} process${args.processes === 1 ? '' : 'es'} on ${shownRedis}, one URL for every client:`);
console.log(`  WebSocket  ws://${at}:${front.port}`);
console.log(`  Dashboard  http://${at}:${front.port}/`);
console.log(`  API        http://${at}:${front.port}/api/rooms   (processes: GET /api/cluster)`);
if (args.direct) console.log(`  Direct     rooms' WebSockets open at the processes themselves (${publicHost}, ports ${[...directPorts.values()].join(', ')}); the front carries matchmaking and HTTP`);

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve()))));
  for (const c of children.values()) c.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
  for (const c of children.values()) c.kill('SIGKILL');
  await front.close();
  redis?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
