import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../client/agent.js';
import { resolveResultsFile } from '../server/options.js';
import { nodeResultsIo, ResultsWriter, type ResultsIo } from '../server/results.js';
import { ResultsAllowance } from '../server/budgets.js';
import { waitFor } from './helpers/liveServer.js';

/** Every line of `path` parsed as JSON; fails on a line that is not whole JSON or a file not ending in a newline. */
function wholeLines(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), 'the file ends with a newline (no torn tail)');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        assert.fail(`line ${i + 1} is not whole JSON: ${line.slice(0, 80)}`);
      }
    });
}

/** node:fs, except that writes fail with ENOSPC after writing half their bytes while `full` is true. */
function diskThatFills(): { io: ResultsIo; full: { value: boolean } } {
  const full = { value: false };
  const io: ResultsIo = {
    ...nodeResultsIo,
    writeSync(fd, buffer, offset, length) {
      if (!full.value) return nodeResultsIo.writeSync(fd, buffer, offset, length);
      const half = Math.max(1, length >> 1);
      nodeResultsIo.writeSync(fd, buffer, offset, half);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
  return { io, full };
}

describe('server: durable results (server/results.ts)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crucible-durable-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('cuts a line torn by a full disk, keeps it in memory, counts the failure and writes it when space returns', () => {
    const path = join(dir, 'episodes.jsonl');
    const { io, full } = diskThatFills();
    const logged: string[] = [];
    const w = new ResultsWriter(path, { io, log: (m) => logged.push(m) });
    assert.equal(w.write({ episode: 0 }), true);
    full.value = true;
    assert.equal(w.write({ episode: 1, pad: 'x'.repeat(500) }), false);
    assert.equal(w.write({ episode: 2 }), false);
    assert.deepEqual(wholeLines(path).map((l) => l.episode), [0], 'half-written lines were cut');
    const f = w.figures();
    assert.equal(f.pending, 2);
    assert.ok(f.failed_writes >= 2);
    assert.match(f.last_error ?? '', /ENOSPC/);
    assert.ok(logged.some((m) => m.includes('ENOSPC')), 'the failure is logged');
    full.value = false;
    assert.equal(w.retry(), true);
    assert.deepEqual(wholeLines(path).map((l) => l.episode), [0, 1, 2], 'kept lines are written in order');
    assert.equal(w.figures().pending, 0);
    assert.equal(w.written, 3);
  });

  it('keeps at most maxPending lines in memory and counts the ones it drops', () => {
    const { io, full } = diskThatFills();
    full.value = true;
    const w = new ResultsWriter(join(dir, 'episodes.jsonl'), { io, maxPending: 3, log: () => {} });
    for (let i = 0; i < 10; i++) w.write({ i });
    assert.equal(w.figures().pending, 3);
    assert.equal(w.figures().pending_dropped, 7);
  });

  it('cuts a torn tail left by an earlier crash before the next line, and says so', () => {
    const path = join(dir, 'episodes.jsonl');
    writeFileSync(path, '{"episode":0}\n{"episode":1,"ret');
    const logged: string[] = [];
    const w = new ResultsWriter(path, { log: (m) => logged.push(m) });
    w.write({ episode: 2 });
    assert.deepEqual(wholeLines(path).map((l) => l.episode), [0, 2]);
    assert.equal(w.figures().torn_tail_cut_bytes, '{"episode":1,"ret'.length);
    assert.ok(logged.some((m) => m.includes('torn')));
  });

  it('reports a file that cannot be written (/dev/full) instead of failing silently', function () {
    if (!existsSync('/dev/full')) this.skip();
    const w = new ResultsWriter('/dev/full', { createDirectory: false, log: () => {} });
    assert.equal(w.write({ episode: 0 }), false);
    assert.match(w.figures().last_error ?? '', /ENOSPC|no space/i);
    assert.equal(w.figures().pending, 1);
  });

  it('resolves resultsFile through realpath: a link leading out of the results directory is refused', () => {
    const results = join(dir, 'results');
    const outside = join(dir, 'outside');
    mkdirSync(results);
    mkdirSync(outside);
    writeFileSync(join(outside, 'x.jsonl'), '');
    writeFileSync(join(results, 'real.jsonl'), '');
    symlinkSync(join(outside, 'x.jsonl'), join(results, 'out.jsonl'));
    symlinkSync(join(results, 'real.jsonl'), join(results, 'alias.jsonl'));
    symlinkSync('/dev/full', join(results, 'full.jsonl'));
    const server = join(results, 'episodes.jsonl');
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return undefined;
    };
    assert.equal(code(() => resolveResultsFile('out.jsonl', server)), 'INVALID_OPTION');
    assert.equal(code(() => resolveResultsFile('full.jsonl', server)), 'INVALID_OPTION');
    assert.equal(resolveResultsFile('alias.jsonl', server), join(results, 'real.jsonl'));
    assert.equal(resolveResultsFile('new.jsonl', server), join(results, 'new.jsonl'));
  });

  it('drops summaries over the bytes-per-hour allowance, counting them, and starts again the next hour', () => {
    let now = 0;
    const a = new ResultsAllowance(1000, () => now);
    assert.equal(a.take(600), true);
    assert.equal(a.take(600), false);
    assert.equal(a.take(400), true);
    assert.equal(a.dropped, 1);
    now += 3_600_000;
    assert.equal(a.take(600), true);
  });

  it('after a SIGKILL mid-run the file holds only whole lines, and every summary a client received', async () => {
    const results = join(dir, 'episodes.jsonl');
    // A torn tail from an "earlier crash": the server cuts it before its first line.
    appendFileSync(results, '{"torn":');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { ...process.env, PORT: '0', CRUCIBLE_RESULTS: results, CRUCIBLE_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor('the server to start', () => /listening on port (\d+)/.test(out), 40_000);
      const port = Number(/listening on port (\d+)/.exec(out)![1]);
      const agent = await connect(`ws://127.0.0.1:${port}`, 'commons_harvest__open', { method: 'create', maxSteps: 20, tickRate: 200, obs: 'none', reconnectSeconds: 0 });
      const received: { room: unknown; episode: unknown }[] = [];
      agent.onEpisode((s) => received.push({ room: (s as unknown as { room: unknown }).room, episode: s.episode }));
      agent.onObservation(() => agent.act(0));
      await waitFor('20 episode summaries', () => received.length >= 20, 30_000);
      child.kill('SIGKILL');
      await exited;
      const lines = wholeLines(results);
      const onDisk = new Set(lines.map((l) => `${String(l.room)}:${String(l.episode)}`));
      for (const r of received) assert.ok(onDisk.has(`${String(r.room)}:${String(r.episode)}`), `summary of episode ${String(r.episode)} is on disk`);
      assert.ok(lines.length >= received.length);
      void agent.leave().catch(() => {});
    } finally {
      child.kill('SIGKILL');
    }
  });
});
