/**
 * A cluster for the cluster tests: Debian's redis-server on a free port (temp dir, no persistence), Crucible server
 * processes (`node --import tsx server/index.ts` with REDIS_URL), and the front in the test's own process. Every
 * child is killed by `stopAll` (call it in an `after` hook: it runs even when a test failed).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const INDEX = join(REPO, 'server/index.ts');
export const CLUSTER_CLI = join(REPO, 'server/clusterCli.ts');

export function haveRedis(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();

/** Spawn a child that `stopAll` kills; `prefix` (or argv[0]) names it. Its output is kept in `out`. */
export function child(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess & { out: string[] } {
  const c = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...opts }) as ChildProcess & { out: string[] };
  c.out = [];
  c.stdout?.on('data', (d: Buffer) => c.out.push(d.toString()));
  c.stderr?.on('data', (d: Buffer) => c.out.push(d.toString()));
  children.add(c);
  c.on('exit', () => children.delete(c));
  return c;
}

export function exited(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
}

/** Kill every child still running (SIGKILL) and wait for them. */
export async function stopAll(): Promise<void> {
  const all = [...children];
  for (const c of all) c.kill('SIGKILL');
  await Promise.all(all.map(exited));
}

/** Resolve with the first match of `re` in the child's output, or fail after `timeoutMs` (showing the output). */
export function waitForOutput(c: ChildProcess & { out: string[] }, re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = c.out.join('').match(re);
      if (m) {
        clearInterval(timer);
        clearTimeout(timeout);
        resolve(m);
      }
      return m !== null;
    };
    const timer = setInterval(check, 25);
    const timeout = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`no ${re} within ${timeoutMs} ms; output:\n${c.out.join('').slice(-2000)}`));
    }, timeoutMs);
    c.once('exit', (code, signal) => {
      if (check()) return;
      clearInterval(timer);
      clearTimeout(timeout);
      reject(new Error(`exited (${signal ?? code}) before ${re}; output:\n${c.out.join('').slice(-2000)}`));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  proc: ChildProcess & { out: string[] };
  /** Stop it (SIGKILL: its clients see the connection drop). */
  stop(): Promise<void>;
  /** Start it again on the same port, empty. */
  start(): Promise<void>;
  dir: string;
}

/** `netns`: run it in that network namespace, bound to `bind`. */
export async function startRedis(bind = '127.0.0.1', netns: string | null = null): Promise<RedisServer> {
  const port = netns ? 6390 : await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-redis-'));
  const args = ['--port', String(port), '--bind', bind, '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
  const r = {
    url: `redis://${bind}:${port}`,
    port,
    dir,
    proc: null as unknown as ChildProcess & { out: string[] },
    async start() {
      r.proc = netns ? child('ip', ['netns', 'exec', netns, 'redis-server', ...args]) : child('redis-server', args);
      await waitForOutput(r.proc, /Ready to accept connections/, 10_000);
    },
    async stop() {
      r.proc.kill('SIGKILL');
      await exited(r.proc);
    },
  };
  await r.start();
  return r;
}

export interface ServerProcess {
  proc: ChildProcess & { out: string[] };
  port: number;
  name: string;
  /** http://host:port of this process itself. */
  httpUrl: string;
}

/** A Crucible process in the cluster (resolves once it listens and is listed). */
export async function startProcess(
  redisUrl: string, name: string, resultsFile: string, env: Record<string, string> = {}, netns: string | null = null,
): Promise<ServerProcess> {
  const fullEnv = {
    ...process.env, REDIS_URL: redisUrl, PORT: '0', HOST: '127.0.0.1', CRUCIBLE_NODE: name, CRUCIBLE_RESULTS: resultsFile,
    CRUCIBLE_MAX_CREATES_PER_SECOND: '10000', ...env,
  };
  const proc = netns
    ? child('ip', ['netns', 'exec', netns, process.execPath, '--import', 'tsx', INDEX], { env: fullEnv })
    : child(process.execPath, ['--import', 'tsx', INDEX], { env: fullEnv });
  const m = await waitForOutput(proc, /Crucible listening on port (\d+) of (\S+)/);
  await waitForOutput(proc, /Budgets/); // every startup line printed: it is registered
  return { proc, port: Number(m[1]), name, httpUrl: `http://${m[2]}:${m[1]}` };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `crucible-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
