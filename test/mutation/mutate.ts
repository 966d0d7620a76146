/**
 * Mutation testing: `npm run mutate -- <source files>` runs Stryker on each file in turn against that file's own
 * tests (the table below; `--tests a.test.ts,b.test.ts` overrides it), then prints one JSON line per file with the
 * mutants killed, surviving, and the score. Survivors are printed as diffs by Stryker's clear-text report; the full
 * report of the last run is in reports/mutation/<file>.html.
 *
 * Stryker's command runner starts a fresh `mocha` for each mutant (Stryker 9 is the line that runs on Node 20, and
 * its mocha runner does not support mocha 12). A fresh process per mutant also keeps the server's tests out of
 * Stryker's worker: Colyseus pulls in `@pm2/io`, which would talk over the worker's IPC channel; the child started
 * by the command runner has none. It is slow (one mocha start per mutant), so it is run by hand, not in CI.
 *
 * Options: `--tests <list>` (comma-separated test files), `--concurrency <n>` (parallel mochas, default 2),
 * `--timeout <ms>` (the fixed part of a mutant's time limit, default 10000: Stryker allows each mutant
 * `timeout + 1.5 × the unmutated run`; raise it on a busy machine where a slow test file's run varies).
 *
 * A file's tests may run with environment variables (ENV below) that shorten their property tests: each mutant runs
 * the whole test file, and a property test of thousands of random operations makes one mutant take a minute. The
 * shortened run must still kill: its score is the one the README records.
 */
import type { LogLevel } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';
import { existsSync, realpathSync } from 'node:fs';

/** Each measured file and the tests that own it. */
export const TESTS: Readonly<Record<string, readonly string[]>> = {
  'ecs/grid.ts': ['test/grid.test.ts'],
  'systems/metrics/fairness.ts': ['test/fairness.test.ts'],
  'systems/apples/regrowApples.ts': ['test/eatAndRegrow.test.ts'],
  'systems/apples/eatApples.ts': ['test/eatAndRegrow.test.ts'],
  'systems/enteredObject.ts': ['test/eatAndRegrow.test.ts'],
  'server/seats.ts': ['test/seats.test.ts'],
  'server/messages.ts': ['test/messages.test.ts', 'test/fuzzHandlers.test.ts'],
  'systems/fireZapBeams.ts': ['test/zapBeams.test.ts'],
  'systems/chooseFirers.ts': ['test/zapBeams.test.ts', 'test/cleanUp.test.ts', 'test/matrix.test.ts'],
  'systems/beam.ts': ['test/beam.test.ts', 'test/zapBeams.test.ts'],
  'systems/computeMetrics.ts': ['test/computeMetrics.test.ts'],
  // The controller's message parsers (parseStep, parseReset).
  'server/controllers.ts:259-299': ['test/controllerMessages.test.ts'],
  // The Controllers class and its event names: held slots, seats, the step frame, disconnect and release, in process
  // (the socket tests of test/serverControllers.test.ts take a minute and a half a run: too slow for one per mutant).
  'server/controllers.ts:25-257': ['test/controllersClass.test.ts'],
  'systems/textObservations.ts': ['test/textObservations.test.ts'],
  'server/vector.ts': ['test/vector.test.ts', 'test/vectorBatch.test.ts'],
  // The worker process, spawned by its test from the (sandbox's) source and driven over its pipes.
  'server/vectorWorker.ts': ['test/vectorWorker.test.ts'],
  'systems/macros.ts': ['test/macros.test.ts'],
  // parseMacro and its helpers: the validation of a macro against the room.
  'systems/macros.ts:52-147': ['test/macros.test.ts'],
  // The replay file, recorder, player and check on short episodes (test/replay.test.ts re-simulates whole ones).
  'server/replay.ts': ['test/replayFormat.test.ts'],
  'server/replayViewer.ts': ['test/replayViewer.test.ts'],
  // The macro runner: MacroRunner, its route planner and turnTo.
  'systems/macros.ts:148-326': ['test/macros.test.ts', 'test/macroRunner.test.ts'],
  // seenObjects, describeObservation and their helpers (what the window shows, the agent's own state).
  'systems/textObservations.ts:1-180': ['test/textObservations.test.ts', 'test/seenObjects.test.ts'],
  // The frame composer, the PNG frames and the ffmpeg pipe on an 8-tick episode (small real encodes).
  'server/replayMedia.ts': ['test/replayMedia.test.ts'],
  // The command line, run as a process on an 8-tick episode.
  'server/replayCli.ts': ['test/replayCli.test.ts'],
};

/**
 * Environment for a file's tests under mutation (merged into the mocha command's own). ecs/grid.ts: its model-based
 * test runs 300 operations per grid shape instead of 3000 (16 shapes; the unmutated file then takes seconds, not a
 * minute).
 */
export const ENV: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'ecs/grid.ts': { GRID_OPS: '300' },
  // The fuzzing of every parser: 100 runs a property, not 500.
  'server/messages.ts': { FUZZ_RUNS: '100' },
};

const MOCHA_CLI = realpathSync('node_modules/mocha/lib/cli/cli.js');

function usage(message: string): never {
  console.error(`${message}\nusage: npm run mutate -- [--tests a.test.ts,b.test.ts] [--concurrency n] [--timeout ms] <file.ts[:first-last line]>...\nfiles with known tests: ${Object.keys(TESTS).join(', ')}`);
  process.exit(2);
}

const files: string[] = [];
let testOverride: string[] | null = null;
let concurrency = 2;
let timeoutMS = 10000;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--tests') testOverride = (args[++i] ?? usage('--tests needs a list')).split(',').filter(Boolean);
  else if (a === '--concurrency') {
    concurrency = Number(args[++i]);
    if (!Number.isInteger(concurrency) || concurrency < 1) usage('--concurrency needs a positive integer');
  } else if (a === '--timeout') {
    timeoutMS = Number(args[++i]);
    if (!Number.isInteger(timeoutMS) || timeoutMS < 1) usage('--timeout needs a positive integer (milliseconds)');
  } else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else files.push(a.replace(/^\.\//, ''));
}
if (files.length === 0) usage('no file to mutate');

const summary: { file: string; tests: readonly string[]; mutants: number; killed: number; timeout: number; survived: number; noCoverage: number; score: number }[] = [];
for (const spec of files) {
  // `file.ts:264-299` mutates only those lines (Stryker's mutate range): a measured subset of a large file.
  const file = spec.replace(/:\d+(:\d+)?-\d+(:\d+)?$/, '');
  if (!existsSync(file)) usage(`no such file: ${file}`);
  const tests = testOverride ?? TESTS[spec] ?? TESTS[file];
  if (!tests) usage(`no tests are listed for ${file}: pass --tests`);
  for (const t of tests) if (!existsSync(t)) usage(`no such test file: ${t}`);
  const slug = spec.replace(/[/.:-]/g, '_');
  const env = Object.entries(ENV[file] ?? {}).map(([k, v]) => `${k}=${v} `).join('');
  const results = await new Stryker({
    mutate: [spec],
    testRunner: 'command',
    // mocha's cli.js with tsx loaded directly (bin/mocha.js would start a second node for the --import), by its real
    // path (cli.js runs only when it is the main module, and the sandbox's node_modules is a symlink); --bail: the
    // first failing test is enough to kill a mutant; --timeout 0: Stryker's own timeout (below) catches endless
    // mutants, and instrumented code on a busy machine can outlast mocha's per-test limit.
    commandRunner: { command: `${env}node --import tsx ${MOCHA_CLI} --bail --timeout 0 ${tests.join(' ')}` },
    coverageAnalysis: 'off',
    concurrency,
    plugins: [],
    reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
    htmlReporter: { fileName: `reports/mutation/${slug}.html` },
    jsonReporter: { fileName: `reports/mutation/${slug}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    tempDirName: '.stryker-tmp',
    // Only what mocha needs in the sandbox.
    ignorePatterns: ['/*', '!/ecs', '!/systems', '!/substrates', '!/schemas', '!/server', '!/client', '!/loadtest', '!/test', '!/package.json', '!/tsconfig.json', '!/.mocharc.json', '/server/public'],
    timeoutMS,
    // The unmutated run of a slow test file on a busy machine can take minutes.
    dryRunTimeoutMinutes: 30,
    logLevel: 'warn' as LogLevel,
  }).runMutationTest();
  const count = (s: string): number => results.filter((r) => r.status === s).length;
  const killed = count('Killed'), timeout = count('Timeout'), survived = count('Survived'), noCoverage = count('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  summary.push({ file: spec, tests, mutants: results.length, killed, timeout, survived, noCoverage, score: valid === 0 ? 100 : Math.round((1000 * (killed + timeout)) / valid) / 10 });
}
for (const line of summary) console.log(JSON.stringify(line));
