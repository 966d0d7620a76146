/**
 * The server under test, in its own process: `node --import tsx server/index.ts` with PORT=0, HOST=127.0.0.1 and
 * CRUCIBLE_RESULTS in a fresh temp directory (removed on stop). The port comes from the server's first stdout
 * line ("Crucible listening on port N"). Its CPU time is read from /proc/<pid>/stat, so the measurement costs the
 * server nothing.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const LISTENING = /Crucible listening on port (\d+)/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  readonly httpUrl: string;
  /** The results directory (temp). */
  readonly resultsDir: string;
  /** SIGTERM (graceful: rooms flush and close their clients), SIGKILL after 15 s; removes the temp directory. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Write a V8 CPU profile of the server into this directory when it exits (node --cpu-prof). */
  cpuProfDir?: string | null;
  /** Forwarded lines of the server's stderr (default: dropped unless they look like errors). */
  onStderr?: (line: string) => void;
  /** Extra environment of the server (a cluster's REDIS_URL, budgets); over the defaults above. */
  env?: Record<string, string>;
}

export async function startServerProcess(opts: StartOptions = {}): Promise<ServerProcess> {
  const resultsDir = mkdtempSync(join(tmpdir(), 'crucible-loadtest-'));
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', resolve(opts.cpuProfDir));
  const child = spawn(process.execPath, [...nodeArgs, 'server/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', CRUCIBLE_RESULTS: join(resultsDir, 'episodes.jsonl'), CRUCIBLE_TOKEN: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  pipeLines(child, 'stderr', (line) => opts.onStderr?.(line));

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not print its port within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    pipeLines(child, 'stdout', (line) => {
      const m = LISTENING.exec(line);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}) before listening`));
    });
  });

  running.add(child);
  void exited.then(() => running.delete(child));
  let stopping: Promise<void> | null = null;
  return {
    pid: child.pid!,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    resultsDir,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }
        rmSync(resultsDir, { recursive: true, force: true });
      })()),
  };
}

/** Servers this process started and has not seen exit: asked to shut down if this process exits first. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

function pipeLines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let buffered = '';
  child[stream]!.setEncoding('utf8');
  child[stream]!.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
}

let clockTicks: number | null = null;

/** Clock ticks per second of /proc times (getconf CLK_TCK; 100 on Linux almost everywhere). */
function clkTck(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system) of process `pid` in µs, from /proc/<pid>/stat; null where /proc is unavailable. */
export function procCpuMicros(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return ((utime + stime) * 1e6) / clkTck();
}

/**
 * Busy CPU time of the whole machine in µs (all cores: user, nice, system, irq, softirq, steal from /proc/stat),
 * or null where /proc is unavailable. Over a window, minus the server's and the bots' own time, it shows how much
 * else ran on the machine meanwhile (another job's load skews every figure).
 */
export function machineBusyMicros(): number | null {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return ((user + nice + system + irq + softirq + steal) * 1e6) / clkTck();
}

/** Resident set size of process `pid` in bytes (VmRSS of /proc/<pid>/status); null where /proc is unavailable. */
export function procRssBytes(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : null;
}
