import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import { parseCreateOptions, parseJoinOptions, resolveResultsFile, type ServerSettings } from '../server/options.js';
import { ResultsWriter } from '../server/results.js';
import { decodeObservation, OBS_HEADER_BYTES, OBS_VERSION, ObsFlag, parseErrorCode, writeObservationHeader } from '../client/protocol.js';

const SERVER: ServerSettings = { resultsFile: '/srv/results/episodes.jsonl', token: null };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CrucibleError, String(err));
    return err.code;
  }
  return 'no error';
}

describe('server: options', () => {
  it('fills the documented defaults for a room created with no options', () => {
    const c = parseCreateOptions({}, 'commons_harvest__open', SERVER);
    assert.equal(c.tickRate, 20);
    assert.equal(c.tickIntervalMs, 50);
    assert.equal(c.actionTimeoutMs, 50, 'the lockstep timeout defaults to one tick interval');
    assert.equal(c.lockstep, false);
    assert.equal(c.fillFocal, 'bots');
    assert.equal(c.reconnectSeconds, 20);
    assert.equal(c.resultsFile, '/srv/results/episodes.jsonl');
    assert.equal(c.maxSteps, null);
    assert.equal(c.maxMessagesPerSecond, 60, '2 × tickRate + 20');
    assert.equal(c.patchRateMs, 50);
    assert.ok(Object.isFrozen(c));
  });

  it('patches no faster than 20 Hz and no faster than the simulation', () => {
    assert.equal(parseCreateOptions({ tickRate: 200 }, 'commons_harvest__open', SERVER).patchRateMs, 50);
    assert.equal(parseCreateOptions({ tickRate: 5 }, 'commons_harvest__open', SERVER).patchRateMs, 200);
  });

  it('gives lockstep rooms a flood limit above the pace fast agents can step them', () => {
    assert.equal(parseCreateOptions({ lockstep: true }, 'commons_harvest__open', SERVER).maxMessagesPerSecond, 1000);
    assert.equal(parseCreateOptions({ lockstep: true, maxMessagesPerSecond: 50 }, 'commons_harvest__open', SERVER).maxMessagesPerSecond, 50);
  });

  it('accepts join keys among create keys (joinOrCreate sends both) and rejects any other key', () => {
    assert.doesNotThrow(() => parseCreateOptions({ role: 'agent', obs: 'symbolic', policy: 'p', token: 't', state: true }, 'commons_harvest__open', SERVER));
    assert.equal(code(() => parseCreateOptions({ tick_rate: 20 }, 'commons_harvest__open', SERVER)), 'INVALID_OPTION');
    assert.equal(code(() => parseCreateOptions({ obs: 'pixels' }, 'commons_harvest__open', SERVER)), 'INVALID_OPTION', 'bad join keys fail the create too');
  });

  it('caps maxSteps at the substrate\u2019s own episode cap', () => {
    assert.equal(parseCreateOptions({ maxSteps: 5000 }, 'commons_harvest__open', SERVER).maxSteps, 5000);
    assert.equal(code(() => parseCreateOptions({ maxSteps: 5001 }, 'commons_harvest__open', SERVER)), 'INVALID_OPTION');
  });

  it('keeps client-chosen results files inside the server\u2019s results directory', () => {
    assert.equal(resolveResultsFile(undefined, 'results/episodes.jsonl'), resolve('results/episodes.jsonl'));
    assert.equal(resolveResultsFile('mine.jsonl', '/srv/results/episodes.jsonl'), '/srv/results/mine.jsonl');
    assert.equal(resolveResultsFile('runs/a.jsonl', '/srv/results/episodes.jsonl'), '/srv/results/runs/a.jsonl');
    for (const bad of ['../a.jsonl', '/etc/a.jsonl', 'runs/../../a.jsonl', 'a.json', 42]) {
      assert.equal(code(() => resolveResultsFile(bad, '/srv/results/episodes.jsonl')), 'INVALID_OPTION', String(bad));
    }
  });

  it('defaults join options by role: agents observe rgb and skip the state, spectators get the state', () => {
    assert.deepEqual({ ...parseJoinOptions({}) }, { role: 'agent', obs: 'rgb', policy: 'agent', token: null, state: false, slots: null, events: false, world: false });
    assert.equal(parseJoinOptions({ role: 'spectator' }).state, true);
    assert.equal(parseJoinOptions({ state: true }).state, true);
    assert.equal(code(() => parseJoinOptions({ policy: '' })), 'INVALID_OPTION');
    assert.equal(code(() => parseJoinOptions({ policy: 'x'.repeat(65) })), 'INVALID_OPTION');
  });
});

describe('server: observation frame', () => {
  it('round-trips every header field, little-endian, with the observation after 32 bytes', () => {
    const frame = new Uint8Array(OBS_HEADER_BYTES + 11 * 11);
    const view = new DataView(frame.buffer);
    frame.subarray(OBS_HEADER_BYTES).fill(7);
    writeObservationHeader(view, {
      flags: ObsFlag.Removed | ObsFlag.Truncated | ObsFlag.NoAction,
      tick: 123456,
      episode: 3,
      slot: 6,
      mode: 'symbolic',
      reward: -10,
      collectiveReward: 2.5,
      readyToShoot: 0.5,
      width: 11,
      height: 11,
    });
    assert.deepEqual([...frame.subarray(0, 4)], [0x43, 0x52, OBS_VERSION, 0b10_1010]);
    assert.equal(view.getUint32(4, true), 123456);
    const o = decodeObservation(frame);
    assert.deepEqual(
      { ...o, data: o.data.length, vector: o.vector.length },
      {
        tick: 123456, episode: 3, slot: 6, reward: -10, collectiveReward: 2.5, readyToShoot: 0.5, frozen: false, removed: true,
        lateAction: false, noAction: true, done: true, terminated: false, truncated: true, mode: 'symbolic', data: 121, vector: 0, width: 11, height: 11,
      },
    );
  });

  it('refuses a frame with a bad magic or a length that does not match its mode and size', () => {
    const frame = new Uint8Array(OBS_HEADER_BYTES + 10);
    writeObservationHeader(new DataView(frame.buffer), {
      flags: 0, tick: 0, episode: 0, slot: 0, mode: 'symbolic', reward: 0, collectiveReward: 0, readyToShoot: 0, width: 11, height: 11,
    });
    assert.throws(() => decodeObservation(frame), /needs 153 bytes/); // 32-byte header + 11·11 cells
    frame[0] = 0;
    assert.throws(() => decodeObservation(frame), /magic/);
  });

  it('splits "CODE: message" rejections into the stable code and the text', () => {
    assert.deepEqual(parseErrorCode('ROOM_FULL: all 5 focal slots are taken'), { code: 'ROOM_FULL', message: 'all 5 focal slots are taken' });
    assert.deepEqual(parseErrorCode('seat reservation expired.'), { code: null, message: 'seat reservation expired.' });
  });
});

describe('server: results file', () => {
  it('writes one complete line per record, never interleaved, from writers sharing a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-results-'));
    try {
      const path = join(dir, 'deep', 'er', 'episodes.jsonl');
      const a = new ResultsWriter(path);
      const b = new ResultsWriter(path);
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        writes.push(a.append({ writer: 'a', i, pad: 'a'.repeat((i * 97) % 3000) }));
        writes.push(b.append({ writer: 'b', i, pad: 'b'.repeat((i * 89) % 3000) }));
      }
      await Promise.all(writes);
      await Promise.all([a.close(), b.close()]);
      const text = readFileSync(path, 'utf8');
      assert.ok(text.endsWith('\n'));
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { writer: string; i: number });
      assert.equal(lines.length, 200);
      for (const w of ['a', 'b']) {
        assert.deepEqual(
          lines.filter((l) => l.writer === w).map((l) => l.i),
          Array.from({ length: 100 }, (_, i) => i),
          `writer ${w}'s lines, in order`,
        );
      }
      assert.equal(a.written, 100);
      assert.equal(a.lastError, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a room created by a controller lockstep, no action timeout and no automatic reset, unless told otherwise', () => {
    const byController = parseCreateOptions({ role: 'controller' }, 'commons_harvest__open', SERVER);
    assert.equal(byController.lockstep, true);
    assert.equal(byController.actionTimeoutMs, 0);
    assert.equal(byController.autoReset, false);
    const byAgent = parseCreateOptions({}, 'commons_harvest__open', SERVER);
    assert.equal(byAgent.lockstep, false);
    assert.equal(byAgent.autoReset, true);
    const told = parseCreateOptions({ role: 'controller', lockstep: false, actionTimeoutMs: 30, autoReset: true }, 'commons_harvest__open', SERVER);
    assert.deepEqual([told.lockstep, told.actionTimeoutMs, told.autoReset], [false, 30, true]);
  });

  it('validates controller join options and refuses them from other roles', () => {
    assert.deepEqual(parseJoinOptions({ role: 'controller', slots: [5, 2] }).slots, [2, 5]);
    for (const bad of [[], [1, 1], [-1], [1.5], 'all', [8192]]) {
      assert.equal(code(() => parseJoinOptions({ role: 'controller', slots: bad })), 'INVALID_OPTION', JSON.stringify(bad));
    }
    assert.equal(code(() => parseJoinOptions({ role: 'controller', events: 'yes' })), 'INVALID_OPTION');
    assert.equal(code(() => parseJoinOptions({ slots: [0] })), 'INVALID_OPTION');
    assert.equal(code(() => parseJoinOptions({ role: 'spectator', world: true })), 'INVALID_OPTION');
  });
});
