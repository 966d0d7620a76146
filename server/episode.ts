/**
 * Headless episode runner: one episode of a substrate, no server.
 *
 *   npm run -s episode -- --substrate NAME [--scenario NAME] [--steps N] [--seed S] [--focal-policy BOT]
 *                         [--scale K] [--out DIR] [--print-map] [--obs rgb|symbolic|none] [--save-obs DIR]
 *                         [--no-performance] [--replay FILE|DIR] [--results FILE]
 *
 * The last stdout line is the episode summary as one JSON object, with the metrics at the last step and the
 * performance timers; progress goes to stderr. `--out DIR` also writes per-step figures as JSON lines
 * (DIR/steps.jsonl) and the summary (DIR/episode.json). `--obs` renders the focal agents' observations every step
 * (default none); `--save-obs DIR` writes every agent's last RGB frame as <agent>.npy and <agent>.png and the
 * whole map as world.npy and world.png. The summary is byte-identical for the same seed and actions except for
 * `performance` (wall-clock timings); `--no-performance` leaves it out. `--replay FILE|DIR` records the episode as a
 * replay (server/replay.ts; a directory gets `<substrate>__<scenario>__seed<S>.replay.gz`) and the summary names it
 * (`replay`). `--results FILE` appends the summary (without metrics and timers, with `finished_at` and `headless: true`)
 * as one line to that results file (server/results.ts: synced, never torn), so the dashboard's history lists the
 * episode; a replay recorded with it must then sit in the results directory's `replays/` (the history looks there),
 * and the line names it as `replays/<file>`.
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CrucibleError } from '../ecs/errors.js';
import { encodeNpy, encodePng } from '../systems/encoding.js';
import { Environment, agentId, type EpisodeSummary } from '../systems/environment.js';
import type { MetricsSnapshot } from '../systems/computeMetrics.js';
import type { TimerStats } from '../systems/performanceMonitor.js';
import {
  OBSERVATION_MODES, ObservationBuffers, renderWorld, worldShape, type ObservationMode,
} from '../systems/renderObservations.js';
import { mapToAscii, parseMap } from '../systems/sim.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { REPLAY_DIR, REPLAY_EXTENSION, ReplayRecorder } from './replay.js';
import { ResultsWriter } from './results.js';

export interface EpisodeArgs {
  substrate: string;
  scenario: string | null;
  steps: number | null;
  seed: number;
  focalPolicy: string;
  scale: number;
  out: string | null;
  printMap: boolean;
  obs: ObservationMode;
  saveObs: string | null;
  performance: boolean;
  /** Record a replay into this file (ending in .replay.gz) or directory. */
  replay?: string | null;
  /** Append the summary as a results line to this JSON-lines file (the dashboard's history reads it). */
  results?: string | null;
}

export interface EpisodeReport extends EpisodeSummary {
  metrics: MetricsSnapshot | null;
  performance?: Record<string, TimerStats>;
  /** The replay file written (--replay). */
  replay?: string;
}

function intArg(name: string, raw: string | undefined, min: number, max: number): number | null {
  if (raw === undefined) return null;
  if (!/^-?\d+$/.test(raw)) throw new CrucibleError('INVALID_OPTION', `--${name} must be an integer, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max) throw new CrucibleError('INVALID_OPTION', `--${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function parseEpisodeArgs(argv: string[]): EpisodeArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      substrate: { type: 'string' },
      scenario: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      'focal-policy': { type: 'string' },
      scale: { type: 'string' },
      out: { type: 'string' },
      'print-map': { type: 'boolean' },
      obs: { type: 'string' },
      'save-obs': { type: 'string' },
      'no-performance': { type: 'boolean' },
      replay: { type: 'string' },
      results: { type: 'string' },
    },
  });
  const obs = (values.obs ?? 'none') as ObservationMode;
  if (!OBSERVATION_MODES.includes(obs)) {
    throw new CrucibleError('INVALID_OPTION', `--obs must be one of ${OBSERVATION_MODES.join(', ')}, got "${values.obs}"`);
  }
  if (!values.substrate) {
    throw new CrucibleError('INVALID_OPTION', `--substrate is required; known substrates: ${substrateNames().join(', ')}`);
  }
  const args: EpisodeArgs = {
    substrate: values.substrate,
    scenario: values.scenario ?? null,
    steps: intArg('steps', values.steps, 1, 1_000_000),
    seed: intArg('seed', values.seed, 0, 0xffffffff) ?? 0,
    focalPolicy: values['focal-policy'] ?? 'random',
    scale: intArg('scale', values.scale, 1, 32) ?? 1,
    out: values.out ?? null,
    printMap: values['print-map'] ?? false,
    obs,
    saveObs: values['save-obs'] ?? null,
    performance: !(values['no-performance'] ?? false),
    replay: values.replay ?? null,
    results: values.results ?? null,
  };
  checkResultsArgs(args);
  return args;
}

/** With --results, a replay must go where the history finds it: the results directory's replays/. */
function checkResultsArgs(args: EpisodeArgs): void {
  if (!args.results) return;
  if (!args.results.endsWith('.jsonl')) throw new CrucibleError('INVALID_OPTION', `--results must name a .jsonl file, got "${args.results}"`);
  if (!args.replay) return;
  const where = resolve(dirname(args.results), REPLAY_DIR);
  const file = resolve(replayPath(args.replay, args));
  if (dirname(file) !== where) {
    throw new CrucibleError('INVALID_OPTION', `with --results ${args.results}, --replay must be ${where} (or a file in it) so the history finds the replay, got "${args.replay}"`);
  }
}

export function runEpisode(args: EpisodeArgs, log: (line: string) => void = () => {}): EpisodeReport {
  const env = new Environment({
    substrate: args.substrate,
    scenario: args.scenario,
    seed: args.seed,
    scale: args.scale,
    focalPolicy: args.focalPolicy,
  });
  const recorder = args.replay ? new ReplayRecorder(env, { focalPolicy: args.focalPolicy, maxSteps: args.steps }) : null;
  env.reset();
  if (args.obs !== 'none') {
    const buffers = new ObservationBuffers(env.sim, 'none');
    for (const s of env.focalSlots) buffers.setMode(s, args.obs);
    env.addPostStage({ name: 'observations', run: (e) => buffers.render(e.sim) });
  }
  const steps = args.out ? createWriteStream(join(args.out, 'steps.jsonl')) : null;
  const limit = args.steps ?? Infinity;
  const sim = env.sim;
  while (!env.done && env.tick < limit) {
    env.step();
    if (steps) {
      steps.write(JSON.stringify({ step: env.tick, rewards: Array.from(sim.rewards), collective_reward: sim.collectiveReward }) + '\n');
    }
    if (env.tick % 500 === 0) {
      // The summary's collective_return is the mean return per player; the progress line says the same figure.
      const total = sim.returns.reduce((a, b) => a + b, 0);
      log(`step ${env.tick}: collective return (mean per player) ${sim.players > 0 ? +(total / sim.players).toFixed(3) : 0}, total ${total}`);
    }
  }
  const summary: EpisodeReport = { ...env.summary(), metrics: env.metrics ? { ...env.metrics.snapshot } : null };
  // A run cut by --steps before the episode ended was truncated by its time limit.
  if (!summary.terminated && !summary.truncated) summary.truncated = true;
  if (recorder && args.replay) {
    const { metrics: _m, ...episode } = summary;
    summary.replay = replayPath(args.replay, args);
    recorder.write(summary.replay, episode);
  }
  if (args.performance) summary.performance = env.reportPerformance()?.timers;
  if (args.saveObs) saveObservations(env, args.saveObs);
  if (args.results) {
    checkResultsArgs(args);
    const { metrics: _m, performance: _p, replay, ...episode } = summary;
    const line: Record<string, unknown> = { ...episode, headless: true, finished_at: new Date().toISOString() };
    if (replay) line.replay = relative(dirname(resolve(args.results)), resolve(replay)).split('\\').join('/');
    const writer = new ResultsWriter(args.results, { log: (m) => log(m) });
    const ok = writer.write(line);
    void writer.close();
    if (!ok) throw new CrucibleError('INVALID_OPTION', `--results ${args.results}: the line could not be written (${writer.figures().last_error ?? 'unknown error'})`);
  }
  steps?.end();
  if (args.out) writeFileSync(join(args.out, 'episode.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

/** `--replay FILE|DIR`: the file itself, or a name made of the substrate, scenario and seed inside the directory. */
function replayPath(target: string, args: EpisodeArgs): string {
  if (target.endsWith(REPLAY_EXTENSION)) return target;
  return join(target, `${args.substrate}__${args.scenario ?? 'all_focal'}__seed${args.seed}${REPLAY_EXTENSION}`);
}

/** Every agent's RGB frame and the whole map at the current step, as .npy and .png files in `dir`. */
export function saveObservations(env: Environment, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const buffers = new ObservationBuffers(env.sim, 'rgb');
  buffers.render(env.sim);
  const [h, w, ch] = buffers.rgbShape;
  for (let s = 0; s < env.players; s++) {
    writeFileSync(join(dir, `${agentId(s)}.npy`), encodeNpy(buffers.rgb[s], [h, w, ch]));
    writeFileSync(join(dir, `${agentId(s)}.png`), encodePng(buffers.rgb[s], w, h));
  }
  const [wh, ww, wc] = worldShape(env.sim);
  const world = new Uint8Array(wh * ww * wc);
  renderWorld(env.sim, world);
  writeFileSync(join(dir, 'world.npy'), encodeNpy(world, [wh, ww, wc]));
  writeFileSync(join(dir, 'world.png'), encodePng(world, ww, wh));
}

/** The command line on `argv`: writes the summary through `out` and progress and errors through `err`; returns the exit code. */
export function cli(argv: string[], out: (text: string) => void, err: (text: string) => void): number {
  try {
    const args = parseEpisodeArgs(argv);
    if (args.printMap) {
      const spec = getSubstrate(args.substrate);
      out(mapToAscii(parseMap(spec, args.scale)).join('\n') + '\n');
      return 0;
    }
    if (args.out) mkdirSync(args.out, { recursive: true });
    const t0 = performance.now();
    const summary = runEpisode(args, (l) => err(l + '\n'));
    err(`episode done: ${summary.steps} steps in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    out(JSON.stringify(summary) + '\n');
    return 0;
  } catch (e) {
    const error = e as Error & { code?: string };
    err(`episode: ${error.code ? `${error.code}: ` : ''}${error.message}\n`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = cli(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}
