/**
 * Command-line options of `npm run -s loadtest`, validated and frozen once. A bad option throws `ArgError`; the CLI
 * prints its message and exits with status 2.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { OBS_MODES, type ObsMode } from '../client/protocol.js';
import { substrateNames } from '../substrates/registry.js';

export const USAGE = `usage: npm run -s loadtest -- --agents N --hz H --seconds S [--substrate NAME] [--obs symbolic|rgb|none]
                             [--lockstep] [--url ws://HOST:PORT] [--workers K] [--warmup S] [--seed N] [--out FILE]
                             [--server-cpu-prof DIR] [--bot-cpu-prof DIR]
       npm run -s loadtest -- --sweep [--agents N,N,…] [--hz H] [--seconds S] [same options]

  --agents N        bots, each joining as a focal agent (1–2000); with --sweep a comma list (default 50,100,200,300,500)
  --hz H            room tick rate in Hz (1–1000; default 100 with --sweep)
  --seconds S       measured seconds, after the warm-up (0.5–3600; default 15 with --sweep)
  --substrate NAME  default commons_harvest__open; the map is tiled K×K so at least N focal slots exist
  --obs MODE        observation each bot asks for: symbolic (default), rgb or none
  --lockstep        lockstep room (a tick runs when every agent has acted) instead of a real-time one
  --url URL         use a running server instead of starting one (server CPU then comes from the server's own report)
  --workers K       bot processes (1–64; default one per 250 agents, at most cores − 1, at least 1)
  --warmup S        seconds between the last join and the start of the measurement (0–60, default 2)
  --seed N          room seed and bots' action seed (default 1)
  --out FILE        also write the report plus the HDR histograms (compressed base64) as JSON to FILE
  --server-cpu-prof DIR  start the server with --cpu-prof --cpu-prof-dir DIR (not with --url)
  --bot-cpu-prof DIR     start the bot processes with --cpu-prof --cpu-prof-dir DIR`;

export const DEFAULT_SWEEP = [50, 100, 200, 300, 500] as const;
export const DEFAULT_SUBSTRATE = 'commons_harvest__open';

export interface LoadtestArgs {
  /** One entry per run (a single run unless --sweep). */
  readonly agents: readonly number[];
  readonly sweep: boolean;
  readonly hz: number;
  readonly seconds: number;
  readonly substrate: string;
  readonly obs: ObsMode;
  readonly lockstep: boolean;
  readonly url: string | null;
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
        obs: { type: 'string' },
        lockstep: { type: 'boolean' },
        url: { type: 'string' },
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
  const obs = (str('obs') ?? 'symbolic') as ObsMode;
  if (!OBS_MODES.includes(obs)) throw new ArgError(`--obs must be one of ${OBS_MODES.join(', ')}, got ${JSON.stringify(str('obs'))}`);

  const url = str('url') ?? null;
  if (url !== null) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ArgError(`--url must be a ws:// or wss:// URL, got ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new ArgError(`--url must be a ws:// or wss:// URL, got ${JSON.stringify(url)}`);
  }
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
    obs,
    lockstep: values.lockstep === true,
    url: url === null ? null : url.replace(/\/+$/, ''),
    workers: num('workers', str('workers'), 1, 64, true) ?? null,
    warmupSeconds: num('warmup', str('warmup'), 0, 60, false) ?? 2,
    seed: num('seed', str('seed'), 0, 0xffffffff, true) ?? 1,
    out,
    serverCpuProf,
    botCpuProf,
  });
}
