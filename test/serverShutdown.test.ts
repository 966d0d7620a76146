import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloseCode } from '@colyseus/sdk';
import { connect } from '../client/agent.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Start `server/index.ts` as `npm start` does (without npm), on a free port; resolve with the port it printed. */
function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on port (\d+)[\s\S]*Results/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

describe('server: the npm start entry point', function () {
  this.timeout(40_000);

  it('prints its URLs, and on SIGTERM finishes, flushes the results file and closes clients cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-start-'));
    const results = join(dir, 'nested', 'episodes.jsonl');
    const { child, port, output } = await startProcess({ CRUCIBLE_RESULTS: results, CRUCIBLE_TOKEN: '' });
    try {
      assert.match(output(), new RegExp(`ws://127\\.0\\.0\\.1:${port}`));
      assert.match(output(), new RegExp(`http://127\\.0\\.0\\.1:${port}/monitor`));
      const agent = await connect(`ws://127.0.0.1:${port}`, 'commons_harvest__open', {
        lockstep: true,
        actionTimeoutMs: 2,
        maxSteps: 4,
        method: 'create',
      });
      const episode = agent.nextEpisode();
      agent.onObservation(() => agent.act(1));
      await episode;
      const left = new Promise<number>((resolve) => agent.room.onLeave((code) => resolve(code)));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await left, CloseCode.SERVER_SHUTDOWN, 'the client was closed with SERVER_SHUTDOWN');
      assert.equal(await exited, 0, `clean exit:\n${output()}`);
      const text = readFileSync(results, 'utf8');
      assert.ok(text.endsWith('\n'), 'no half line');
      const lines = text.trimEnd().split('\n');
      assert.ok(lines.length >= 1);
      for (const line of lines) assert.equal((JSON.parse(line) as { steps: number }).steps, 4);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
