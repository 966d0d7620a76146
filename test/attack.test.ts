import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';

interface AttackLine {
  server_up: boolean;
  attacks: { id: string; item: number; part: 'A' | 'B'; ok: boolean; detail: string }[];
  honest: { observations: number } | null;
  rss_mb: { before: number | null; after: number | null; passes: { before: number | null; after: number | null }[] };
}

describe('attack replay (loadtest/attack.ts, short, two passes, without the message-handler attacks)', function () {
  this.timeout(400_000);

  it('refuses or closes every attack with its code and the server stays up', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'loadtest/attack.ts', '--short', '--skip-part-a'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((resolve) => child.on('exit', resolve));
    const last = out.trim().split('\n').pop() ?? '';
    let line: AttackLine;
    try {
      line = JSON.parse(last) as AttackLine;
    } catch {
      assert.fail(`no JSON line; stdout ${out.slice(-500)} stderr ${err.slice(-1500)}`);
    }
    assert.equal(line.server_up, true);
    const ids = line.attacks.map((a) => a.id);
    for (const id of ['monitor-without-credentials', 'monitor-calls-beyond-its-own', 'cors-echo', 'create-without-token', 'huge-room', 'message-rate-ceiling', 'create-flood', 'results-growth', 'world-png-big-map', 'slow-reader', 'results-file-paths', 'port-in-use']) {
      assert.ok(ids.includes(id), `${id} ran`);
    }
    for (const a of line.attacks) assert.ok(a.ok, `${a.id}: ${a.detail}`);
    assert.ok(line.attacks.every((a) => a.part === 'B'), '--skip-part-a leaves the message-handler attacks out');
    // Two passes by default: the RSS check is on the second, after the first has grown the heap to its working size.
    for (const id of new Set(ids)) assert.equal(ids.filter((x) => x === id).length, 2, `${id} ran in both passes`);
    assert.equal(line.rss_mb.passes.length, 2);
    assert.deepEqual({ before: line.rss_mb.before, after: line.rss_mb.after }, line.rss_mb.passes[1], 'the reported RSS is the second pass\'s');
    assert.ok(line.rss_mb.passes.every((p) => p.before !== null && p.after !== null), 'RSS read around each pass');
    // The honest agent played throughout (its gaps and the RSS figures are measurements, reported in the JSON).
    assert.ok((line.honest?.observations ?? 0) > 100);
  });
});
