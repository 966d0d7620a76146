/**
 * Command-line options of `npm run -s loadtest`, validated and frozen once. A bad option throws `ArgError`; the CLI
 * prints its message and exits with status 2.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { OBS_MODES, type ObsMode } from '../client/protocol.js';
import { substrateNames } from '../substrates/registry.js';
import { scenariosOf } from '../substrates/scenarios.js';

export const USAGE = `usage: npm run -s loadtest -- --agents N --hz H --seconds S [--substrate NAME] [--obs symbolic|rgb|none]
                             [--scenario NAME] [--lockstep] [--rooms R] [--cluster N [--direct] | --url ws://HOST:PORT[,…] [--redis URL]]
                             [--join-probes K] [--create-concurrency K] [--workers K] [--warmup S] [--seed N] [--out FILE]
                             [--server-cpu-prof DIR] [--bot-cpu-prof DIR]
       npm run -s loadtest -- --sweep [--agents N,N,…] [--hz H] [--seconds S] [same options]

  --agents N        bots, each joining as a focal agent (1–2000); with --sweep a comma list (default 50,100,200,300,500)
  --hz H            room tick rate in Hz (1–1000; default 100 with --sweep)
  --seconds S       measured seconds, after the warm-up (0.5–3600; default 15 with --sweep)
  --substrate NAME  default commons_harvest__open; the map is tiled K×K so at least N focal slots exist
  --scenario NAME   rooms run this scenario of the substrate at scale 1 (default: none): its background players and
                    every focal slot no bot holds are played by the scenario's bots in the server (fillFocal 'bots'),
                    so the server simulates a full population for each connected agent
  --obs MODE        observation each bot asks for: symbolic (default), rgb or none
  --lockstep        lockstep room (a tick runs when every agent has acted) instead of a real-time one
  --rooms R         spread the agents over R rooms (1–10000, at most N; default 1), each sized for its share
  --cluster N       start a private redis-server and N server processes joined to it (REDIS_URL) instead of one
                    process (1–64); rooms are created and bots join round-robin through the N processes' URLs
  --direct          with --cluster: the processes take their clients' WebSockets themselves (npm run cluster --
                    --direct: each seat reservation names its process's address), so the front relays no frames
  --url URL[,URL…]  use running servers instead of starting them (server CPU then comes from the servers' own
                    reports; no memory figures); several URLs = processes of one cluster, used round-robin
  --redis URL       with --url: the cluster's Redis (redis://HOST:PORT), read with redis-cli INFO over the window
  --join-probes K   joins timed after the window while the bots play (seat reservation, then connect), each
                    reserved at a process that does not own the room when there is one; spectators, one every
                    100 ms (0–10000, default 20)
  --create-concurrency K  rooms being created at once while the rooms are made (1–256, default 8): the
                    matchmaker's capacity (rooms a second) is read with enough creates in flight to keep every
                    process busy; a create waits on several Redis round trips in a cluster
  --workers K       bot processes (1–64; default one per 250 agents, at most cores − 1, at least 1)
  --warmup S        seconds between the last join and the start of the measurement (0–60, default 2)
  --seed N          room seed and bots' action seed (default 1)
  --out FILE        also write the report plus the HDR histograms (compressed base64) as JSON to FILE
  --server-cpu-prof DIR  start the server with --cpu-prof --cpu-prof-dir DIR (not with --url)
  --bot-cpu-prof DIR     start the bot processes with --cpu-prof --cpu-prof-dir DIR`;

export const DEFAULT_SWEEP = [50, 100, 200, 300, 500] as const;
export const DEFAULT_SUBSTRATE = 'commons_harvest__open';
export const DEFAULT_CREATE_CONCURRENCY = 8;

export interface LoadtestArgs {
  /** One entry per run (a single run unless --sweep). */
  readonly agents: readonly number[];
  readonly sweep: boolean;
  readonly hz: number;
  readonly seconds: number;
  readonly substrate: string;
  /** A scenario of the substrate (rooms at scale 1, the empty slots played by its bots), or null. */
  readonly scenario: string | null;
  readonly obs: ObsMode;
  readonly lockstep: boolean;
  /** Running servers to use (null: start them); several = processes of one cluster. */
  readonly url: readonly string[] | null;
  readonly rooms: number;
  /** Rooms being created at once while the rooms are made (--create-concurrency). */
  readonly createConcurrency: number;
  /** Server processes to start with a private Redis; 0 = one process without Redis (the default). */
  readonly cluster: number;
  /** --direct: the cluster's processes take the WebSockets themselves. */
  readonly direct: boolean;
  readonly redis: string | null;
  readonly joinProbes: number;
  /** Bot processes; null = `defaultWorkers(agents)`. */
  readonly workers: number | null;
  readonly warmupSeconds: number;
  readonly seed: number;
  readonly out: string | null;
  readonly serverCpuProf: string | null;
  readonly botCpuProf: string | null;
}

/**
 * Bot processes when --workers is not given: one per 250 agents, but no more than the cores left beside the
 * server's (at least 1). On a 2-core machine that is 1: a second bot process adds no CPU there, only contention
 * with the server (measured in loadtest/README.md).
 */
export function defaultWorkers(agents: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(Math.ceil(agents / 250), cores - 1));
}

export class ArgError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgError';
  }
}

function num(name: string, raw: string | undefined, min: number, max: number, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new ArgError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

function agentList(raw: string, sweep: boolean): number[] {
  const parts = raw.split(',');
  if (!sweep && parts.length > 1) throw new ArgError(`--agents takes one number (a comma list only with --sweep), got ${JSON.stringify(raw)}`);
  return parts.map((p) => num('agents', p, 1, 2000, true)!);
}

export function parseLoadtestArgs(argv: string[]): LoadtestArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        agents: { type: 'string' },
        hz: { type: 'string' },
        seconds: { type: 'string' },
        substrate: { type: 'string' },
        scenario: { type: 'string' },
        obs: { type: 'string' },
        lockstep: { type: 'boolean' },
        url: { type: 'string' },
        rooms: { type: 'string' },
        cluster: { type: 'string' },
        direct: { type: 'boolean' },
        redis: { type: 'string' },
        'join-probes': { type: 'string' },
        'create-concurrency': { type: 'string' },
        workers: { type: 'string' },
        warmup: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        sweep: { type: 'boolean' },
        'server-cpu-prof': { type: 'string' },
        'bot-cpu-prof': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ArgError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) throw new ArgError('');
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const sweep = values.sweep === true;

  const agents = str('agents') !== undefined ? agentList(str('agents')!, sweep) : sweep ? [...DEFAULT_SWEEP] : undefined;
  const hz = num('hz', str('hz'), 1, 1000, false) ?? (sweep ? 100 : undefined);
  const seconds = num('seconds', str('seconds'), 0.5, 3600, false) ?? (sweep ? 15 : undefined);
  const missing = [agents === undefined && '--agents', hz === undefined && '--hz', seconds === undefined && '--seconds'].filter(Boolean);
  if (missing.length > 0) throw new ArgError(`missing ${missing.join(', ')} (or use --sweep)`);

  const substrate = str('substrate') ?? DEFAULT_SUBSTRATE;
  if (!substrateNames().includes(substrate)) {
    throw new ArgError(`--substrate must be one of ${substrateNames().join(', ')}, got ${JSON.stringify(substrate)}`);
  }
  const scenario = str('scenario') ?? null;
  if (scenario !== null) {
    const names = scenariosOf(substrate).map((sc) => sc.name);
    if (!names.includes(scenario)) throw new ArgError(`--scenario must be a scenario of ${substrate} (${names.join(', ') || 'it has none'}), got ${JSON.stringify(scenario)}`);
  }
  const obs = (str('obs') ?? 'symbolic') as ObsMode;
  if (!OBS_MODES.includes(obs)) throw new ArgError(`--obs must be one of ${OBS_MODES.join(', ')}, got ${JSON.stringify(str('obs'))}`);

  const urlRaw = str('url') ?? null;
  let url: string[] | null = null;
  if (urlRaw !== null) {
    url = urlRaw.split(',').map((u) => {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new ArgError(`--url must be a ws:// or wss:// URL (or a comma list of them), got ${JSON.stringify(urlRaw)}`);
      }
      if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new ArgError(`--url must be a ws:// or wss:// URL (or a comma list of them), got ${JSON.stringify(urlRaw)}`);
      return u.replace(/\/+$/, '');
    });
  }
  const cluster = num('cluster', str('cluster'), 1, 64, true) ?? 0;
  if (cluster > 0 && url !== null) throw new ArgError('--cluster starts its own servers: drop --url (or --cluster)');
  if (values.direct === true && cluster === 0) throw new ArgError('--direct is a mode of the cluster this tool starts: give --cluster N');
  const redis = str('redis') ?? null;
  if (redis !== null) {
    if (url === null) throw new ArgError('--redis reads the Redis of servers given by --url (--cluster starts its own)');
    if (!/^rediss?:\/\/./.test(redis)) throw new ArgError(`--redis must be a redis:// URL, got ${JSON.stringify(redis)}`);
  }
  const rooms = num('rooms', str('rooms'), 1, 10_000, true) ?? 1;
  if (rooms > Math.min(...agents!)) throw new ArgError(`--rooms (${rooms}) must not exceed --agents (${Math.min(...agents!)}): every room holds at least one agent`);
  const serverCpuProf = str('server-cpu-prof') ?? null;
  if (serverCpuProf !== null && url !== null) throw new ArgError('--server-cpu-prof needs the loadtest to start the server itself (drop --url)');
  const botCpuProf = str('bot-cpu-prof') ?? null;
  for (const [name, dir] of [['server-cpu-prof', serverCpuProf], ['bot-cpu-prof', botCpuProf]] as const) {
    if (dir !== null && dir.trim() === '') throw new ArgError(`--${name} needs a directory`);
  }
  const out = str('out') ?? null;
  if (out !== null && out.trim() === '') throw new ArgError('--out needs a file name');

  return Object.freeze({
    agents: Object.freeze(agents!),
    sweep,
    hz: hz!,
    seconds: seconds!,
    substrate,
    scenario,
    obs,
    lockstep: values.lockstep === true,
    url: url === null ? null : Object.freeze(url),
    rooms,
    cluster,
    direct: values.direct === true,
    redis,
    createConcurrency: num('create-concurrency', str('create-concurrency'), 1, 256, true) ?? DEFAULT_CREATE_CONCURRENCY,
    joinProbes: num('join-probes', str('join-probes'), 0, 10_000, true) ?? 20,
    workers: num('workers', str('workers'), 1, 64, true) ?? null,
    warmupSeconds: num('warmup', str('warmup'), 0, 60, false) ?? 2,
    seed: num('seed', str('seed'), 0, 0xffffffff, true) ?? 1,
    out,
    serverCpuProf,
    botCpuProf,
  });
}
