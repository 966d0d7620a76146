/**
 * The headless runner, as a user runs it: `server/episode.ts` in a child process (node + the tsx loader). Runs are
 * kept short (`--steps 200`).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../server/episode.js';
import { getSubstrate } from '../substrates/registry.js';
import { decodeNpy, decodePng } from '../systems/encoding.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runEpisode(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/episode.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastLine(s: string): string {
  const lines = s.trimEnd().split('\n');
  return lines[lines.length - 1];
}

describe('server/episode.ts (headless runner)', function () {
  this.timeout(120_000);

  const base = ['--substrate', 'commons_harvest__open', '--steps', '200'];

  it('prints the episode summary as JSON on the last stdout line, with every documented field', () => {
    const r = runEpisode(...base, '--scenario', 'commons_harvest__open_0', '--seed', '5');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(lastLine(r.stdout)) as Record<string, unknown>;
    for (const k of [
      'substrate', 'scenario', 'seed', 'steps', 'terminated', 'truncated', 'returns', 'focal_per_capita_return',
      'background_per_capita_return', 'collective_return', 'events',
    ]) {
      assert.ok(k in s, `summary has ${k}`);
    }
    assert.equal(s.substrate, 'commons_harvest__open');
    assert.equal(s.scenario, 'commons_harvest__open_0');
    assert.equal(s.seed, 5);
    assert.equal(s.steps, 200);
    assert.equal(s.terminated, false);
    assert.equal(s.truncated, true, 'cut by --steps');
    const returns = s.returns as Record<string, number>;
    assert.deepEqual(Object.keys(returns), ['player_0', 'player_1', 'player_2', 'player_3', 'player_4', 'player_5', 'player_6']);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const r7 = Object.values(returns);
    assert.equal(s.focal_per_capita_return, mean(r7.slice(0, 5)));
    assert.equal(s.background_per_capita_return, mean(r7.slice(5)));
    const events = s.events as Record<string, number>;
    assert.deepEqual(Object.keys(events).sort(), ['apples_eaten', 'zap_hits', 'zaps_fired']);
    for (const v of Object.values(events)) assert.ok(Number.isInteger(v) && v >= 0);
    assert.ok(events.zap_hits <= events.zaps_fired * 3, 'at most one hit per beam line (L=3, R=1: 3 lines)');
  });

  it('prints byte-identical JSON for the same seed (with --no-performance; with timings, all but `performance` match)', () => {
    const a = runEpisode(...base, '--seed', '11', '--no-performance');
    const b = runEpisode(...base, '--seed', '11', '--no-performance');
    assert.equal(a.status, 0, a.stderr);
    assert.equal(lastLine(b.stdout), lastLine(a.stdout));
    assert.ok(!('performance' in JSON.parse(lastLine(a.stdout))), '--no-performance leaves the timings out');
    const timedA = JSON.parse(lastLine(runEpisode(...base, '--seed', '11').stdout)) as Record<string, unknown>;
    const timedB = JSON.parse(lastLine(runEpisode(...base, '--seed', '11').stdout)) as Record<string, unknown>;
    assert.ok(typeof timedA.performance === 'object' && timedA.performance !== null, 'the summary carries the timer stats');
    delete timedA.performance;
    delete timedB.performance;
    assert.equal(JSON.stringify(timedA), JSON.stringify(timedB));
    assert.equal(JSON.stringify(timedA), lastLine(a.stdout));
    const c = runEpisode(...base, '--seed', '12');
    assert.notEqual(lastLine(c.stdout), lastLine(a.stdout), 'another seed gives another episode');
  });

  it('--print-map prints the map exactly as in the substrate file', () => {
    for (const name of ['commons_harvest__open', 'commons_harvest__partnership']) {
      const r = runEpisode('--substrate', name, '--print-map');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, getSubstrate(name).map.join('\n') + '\n');
    }
  });

  it('exits 2 with a clear message on stderr for an unknown substrate, negative steps or a bad seed', () => {
    // The process itself once (exit code and streams), then every case through the same entry point in-process.
    const r = runEpisode('--substrate', 'commons_harvest__nope');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /UNKNOWN_SUBSTRATE: unknown substrate "commons_harvest__nope"; known substrates: .*commons_harvest__open/);
    assert.equal(r.stdout, '', 'nothing on stdout');
    const cases: [string[], RegExp][] = [
      [['--substrate', 'commons_harvest__nope'], /UNKNOWN_SUBSTRATE: unknown substrate "commons_harvest__nope"; known substrates: .*commons_harvest__open/],
      [['--substrate', 'commons_harvest__open', '--steps=-5'], /INVALID_OPTION: --steps must be between 1 and \d+, got -5/],
      // Written as two words, node's argument parser takes "-5" for an option and says so.
      [['--substrate', 'commons_harvest__open', '--steps', '-5'], /'--steps' argument is ambiguous/],
      [['--substrate', 'commons_harvest__open', '--steps', '0'], /INVALID_OPTION: --steps must be between 1/],
      [['--substrate', 'commons_harvest__open', '--seed', 'abc'], /INVALID_OPTION: --seed must be an integer, got "abc"/],
      [['--substrate', 'commons_harvest__open', '--seed=-1'], /INVALID_OPTION: --seed must be between 0 and 4294967295, got -1/],
      [['--substrate', 'commons_harvest__open', '--obs', 'pixels'], /--obs must be one of rgb, symbolic, none/],
      [['--steps', '5'], /INVALID_OPTION: --substrate is required; known substrates: .*commons_harvest__open/],
    ];
    for (const [args, message] of cases) {
      let stdout = '';
      let stderr = '';
      const code = cli(args, (t) => (stdout += t), (t) => (stderr += t));
      assert.equal(code, 2, `${args.join(' ')} should fail`);
      assert.match(stderr, message, args.join(' '));
      assert.equal(stdout, '', `${args.join(' ')}: nothing on stdout`);
    }
  });

  it('--scale 2 plays 28 agents on a map tiled 2×2', () => {
    const r = runEpisode(...base, '--scale', '2', '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(lastLine(r.stdout)) as { returns: Record<string, number> };
    assert.equal(Object.keys(s.returns).length, 28);
  });

  it('--out DIR writes steps.jsonl with one line per step, consistent with the summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-episode-'));
    try {
      const r = runEpisode(...base, '--seed', '4', '--out', dir);
      assert.equal(r.status, 0, r.stderr);
      const summary = JSON.parse(lastLine(r.stdout)) as { returns: Record<string, number> };
      const lines = readFileSync(join(dir, 'steps.jsonl'), 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 200);
      const totals = new Array<number>(7).fill(0);
      lines.forEach((line, i) => {
        const rec = JSON.parse(line) as { step: number; rewards: number[]; collective_reward: number };
        assert.equal(rec.step, i + 1);
        assert.equal(rec.rewards.length, 7);
        assert.equal(rec.collective_reward, rec.rewards.reduce((a, b) => a + b, 0), `step ${rec.step}`);
        rec.rewards.forEach((x, s) => (totals[s] += x));
      });
      assert.deepEqual(totals, Object.values(summary.returns), 'per-step rewards add up to the returns');
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'episode.json'), 'utf8')), summary);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the metrics at the last step, and --obs/--save-obs write numpy and PNG frames of every agent and the world', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-obs-'));
    try {
      const r = runEpisode(...base, '--seed', '6', '--obs', 'symbolic', '--save-obs', dir);
      assert.equal(r.status, 0, r.stderr);
      const s = JSON.parse(lastLine(r.stdout)) as { metrics: Record<string, unknown>; performance: Record<string, { count: number }> };
      assert.equal(s.metrics.tick, 200);
      for (const k of ['gini_coefficient', 'collective_return', 'background_equality', 'diversity_index', 'exploitation_attempts', 'coalition_sizes']) {
        assert.ok(k in s.metrics, `metrics.${k}`);
      }
      assert.ok(s.performance.observations.count > 0, 'the observation stage was timed: --obs rendered every step');
      for (let slot = 0; slot < 7; slot++) {
        const npy = decodeNpy(readFileSync(join(dir, `player_${slot}.npy`)));
        assert.deepEqual(npy.shape, [88, 88, 3]);
        const png = decodePng(readFileSync(join(dir, `player_${slot}.png`)));
        assert.deepEqual([png.height, png.width], [88, 88]);
        assert.deepEqual(png.rgb, npy.data, `player_${slot}: the PNG and the .npy hold the same pixels`);
      }
      const world = decodeNpy(readFileSync(join(dir, 'world.npy')));
      assert.deepEqual(world.shape, [144, 192, 3]);
      assert.deepEqual(decodePng(readFileSync(join(dir, 'world.png'))).rgb, world.data);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
