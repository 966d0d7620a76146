/**
 * The replay file and its recorder, player and check (server/replay.ts) on short episodes: fast enough to run once per
 * mutant. The format is README's "Replays": gzip of one JSON header line, a newline, then `steps × players` action
 * bytes, row t = every slot's action at tick t. The whole-episode re-simulations are in test/replay.test.ts.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CrucibleError } from '../ecs/errors.js';
import { Environment, type EpisodeSummary, type PostStage } from '../systems/environment.js';
import { createBot } from '../systems/policies/index.js';
import { getSubstrate } from '../substrates/registry.js';
import {
  checkReplay, CRUCIBLE_VERSION, decodeReplay, encodeReplay, readReplay, REPLAY_FORMAT, ReplayPlayer, ReplayRecorder,
  type Replay, type ReplayHeader,
} from '../server/replay.js';

const SUBSTRATE = 'commons_harvest__open';
// Melting Pot's commons_harvest__open_0: 5 focal players (slots 0-4) and 2 background bots (slots 5, 6).
const SCENARIO = 'commons_harvest__open_0';
const FOCAL = [0, 1, 2, 3, 4];
const PLAYERS = 7;
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

interface Recording {
  env: Environment;
  recorder: ReplayRecorder;
  /** sim.actions after each step, as an independent stage saw them. */
  applied: number[][];
}

/** An environment with a recorder and a room's step cap (`maxSteps`: the episode is truncated at that tick). */
function recording(opts: { scenario?: string | null; focalPolicy?: string | null; seed?: number; maxSteps?: number | null; room?: string }): Recording {
  const env = new Environment({ substrate: SUBSTRATE, scenario: opts.scenario === undefined ? SCENARIO : opts.scenario, seed: opts.seed ?? 5, focalPolicy: opts.focalPolicy === undefined ? 'random' : opts.focalPolicy, monitor: false });
  const cap = opts.maxSteps ?? null;
  if (cap !== null) env.addPostStage({ name: 'maxSteps', run: (e) => { if (e.tick >= cap && !e.sim.terminated) e.sim.truncated = true; } });
  const recorder = new ReplayRecorder(env, { focalPolicy: opts.focalPolicy === undefined ? 'random' : opts.focalPolicy, maxSteps: cap, ...(opts.room ? { room: opts.room } : {}) });
  const applied: number[][] = [];
  env.addPostStage({ name: 'spy', run: (e) => { applied.push(Array.from(e.sim.actions)); } });
  env.reset();
  return { env, recorder, applied };
}

/** A headless-style episode of `steps` ticks with the random focal policy, cut (truncated) at its end. */
function shortReplay(steps = 8, seed = 5): Replay {
  const { env, recorder } = recording({ seed, maxSteps: steps });
  for (let t = 0; t < steps; t++) env.step();
  return recorder.take();
}

/** The name of the bot on `slot` (a function call: no narrowing carried over from an earlier assertion). */
function botName(player: ReplayPlayer, slot: number): string | null {
  return player.env.sim.bots[slot]?.name ?? null;
}

function invalid(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CrucibleError, `a CrucibleError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_REPLAY');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

/** The bytes of a file whose header is `header` (any JSON) followed by `actions`. */
function fileOf(header: unknown, actions: Uint8Array = new Uint8Array(0)): Buffer {
  return gzipSync(Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), actions]));
}

describe('replay file format', function () {
  this.timeout(20_000);

  it('is gzip (level 9) of the JSON header line, a newline, then the action bytes', () => {
    const replay = shortReplay(6);
    const bytes = encodeReplay(replay);
    const raw = gunzipSync(bytes);
    const nl = raw.indexOf(0x0a);
    assert.deepEqual(JSON.parse(raw.subarray(0, nl).toString('utf8')), JSON.parse(JSON.stringify(replay.header)));
    assert.deepEqual([...raw.subarray(nl + 1)], [...replay.actions]);
    assert.equal(raw.length, nl + 1 + 6 * PLAYERS);
    const expected = gzipSync(Buffer.concat([Buffer.from(JSON.stringify(replay.header) + '\n'), replay.actions]), { level: 9 });
    assert.ok(bytes.equals(expected), 'deflated at level 9');
  });

  it('decodes what it encodes, a header with non-ASCII labels included', () => {
    const replay = shortReplay(4);
    replay.header.seats[0].label = 'Zoë 🍎';
    const back = decodeReplay(encodeReplay(replay));
    assert.deepEqual(back.header, JSON.parse(JSON.stringify(replay.header)));
    assert.ok(back.actions instanceof Uint8Array);
    assert.deepEqual([...back.actions], [...replay.actions]);
  });

  it('reads a replay file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-replayfmt-'));
    try {
      const replay = shortReplay(3);
      writeFileSync(join(dir, 'a.replay.gz'), encodeReplay(replay));
      assert.deepEqual([...readReplay(join(dir, 'a.replay.gz')).actions], [...replay.actions]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bytes that are not gzip, quoting zlib and naming the extension', () => {
    const junk = new Uint8Array([1, 2, 3, 4]);
    let zlibMessage = '';
    try {
      gunzipSync(junk);
    } catch (e) {
      zlibMessage = (e as Error).message;
    }
    invalid(() => decodeReplay(junk), `not a gzip file (${zlibMessage}); a replay is .replay.gz`);
  });

  it('refuses a file without a header line, or whose header line is not JSON', () => {
    invalid(() => decodeReplay(gzipSync(Buffer.from(`{"format":"${REPLAY_FORMAT}"}`))), 'no header line');
    // An empty first line is a header line that is not JSON (the newline at offset 0 is found).
    invalid(() => decodeReplay(gzipSync(Buffer.from('\n'))), 'the header line is not JSON');
    invalid(() => decodeReplay(gzipSync(Buffer.from('{"format":\n'))), 'the header line is not JSON');
  });

  it('refuses a header that is not a JSON object', () => {
    for (const header of [null, 5, 'crucible-replay/1', [REPLAY_FORMAT]]) invalid(() => decodeReplay(fileOf(header)), 'the header line is not a JSON object');
  });

  it('refuses another format or format version', () => {
    const { header, actions } = shortReplay(2);
    invalid(() => decodeReplay(fileOf({ ...header, format: 'crucible-replay/2' }, actions)), 'format "crucible-replay/2" is not crucible-replay/1');
    const { format: _f, ...noFormat } = header;
    invalid(() => decodeReplay(fileOf(noFormat, actions)), 'format undefined is not crucible-replay/1');
  });

  it('refuses a file whose action bytes are not steps × players, truncated or too long', () => {
    const { header, actions } = shortReplay(3);
    invalid(() => decodeReplay(encodeReplay({ header, actions: actions.subarray(1) })), 'expected 3 × 7 action bytes, found 20');
    invalid(() => decodeReplay(encodeReplay({ header, actions: new Uint8Array(22) })), 'expected 3 × 7 action bytes, found 22');
    // A truncated gzip stream.
    const bytes = encodeReplay({ header, actions });
    invalid(() => decodeReplay(bytes.subarray(0, bytes.length - 10)), /^not a gzip file \(/);
  });

  describe('refuses header fields of the wrong type or out of range, naming them', () => {
    const { header, actions } = shortReplay(3);
    const cases: [string, Partial<Record<keyof ReplayHeader, unknown>>, string][] = [
      ['steps as a string', { steps: '3' }, 'steps must be an integer from 0 to 9007199254740991, got "3"'],
      ['negative steps', { steps: -1 }, 'steps must be an integer from 0 to 9007199254740991, got -1'],
      ['fractional steps', { steps: 1.5 }, 'steps must be an integer from 0 to 9007199254740991, got 1.5'],
      ['no players', { players: 0 }, 'players must be an integer from 1 to 65535, got 0'],
      ['too many players', { players: 65536 }, 'players must be an integer from 1 to 65535, got 65536'],
      ['players missing', { players: undefined }, 'players must be an integer from 1 to 65535, got undefined'],
      ['a seed beyond 32 bits', { seed: 2 ** 32 }, 'seed must be an integer from 0 to 4294967295, got 4294967296'],
      ['a negative seed', { seed: -1 }, 'seed must be an integer from 0 to 4294967295, got -1'],
      ['a negative episode', { episode: -1 }, 'episode must be an integer from 0 to 9007199254740991, got -1'],
      ['an episode as a string', { episode: '0' }, 'episode must be an integer from 0 to 9007199254740991, got "0"'],
      ['a zero step cap', { max_steps: 0 }, 'max_steps must be an integer from 1 to 9007199254740991, got 0'],
      ['a step cap as a string', { max_steps: '3' }, 'max_steps must be an integer from 1 to 9007199254740991, got "3"'],
      ['seats not an array', { seats: {} }, 'seats must be an array, got {}'],
      ['a seat that is not an object', { seats: [7] }, 'seats[0].tick must be an integer from 0 to 2, got undefined'],
      ['a seat that is null', { seats: [null] }, 'seats[0].tick must be an integer from 0 to 2, got undefined'],
      ['a seat change after the last tick', { seats: [{ tick: 3, slot: 0, bot: null, label: 'x' }] }, 'seats[0].tick must be an integer from 0 to 2, got 3'],
      ['a negative seat tick', { seats: [{ tick: -1, slot: 0, bot: null, label: 'x' }] }, 'seats[0].tick must be an integer from 0 to 2, got -1'],
      ['a seat slot beyond the players', { seats: [{ tick: 0, slot: 0, bot: null, label: 'x' }, { tick: 2, slot: 7, bot: null, label: 'x' }] }, 'seats[1].slot must be an integer from 0 to 6, got 7'],
      ['a negative seat slot', { seats: [{ tick: 0, slot: -1, bot: null, label: 'x' }] }, 'seats[0].slot must be an integer from 0 to 6, got -1'],
      ['a bot that is not a name', { seats: [{ tick: 0, slot: 0, bot: 3, label: 'x' }] }, 'seats[0].bot must be a bot\'s name or null, got 3'],
      ['a seat without its label', { seats: [{ tick: 0, slot: 0, bot: 'random' }] }, 'seats[0].label must be a string, got undefined'],
    ];
    for (const [what, change, message] of cases) {
      it(what, () => invalid(() => decodeReplay(fileOf({ ...header, ...change }, actions)), message));
    }

    it('accepts the bounds themselves: a seat at the last tick and slot, no step cap, seed 2³² − 1', () => {
      const edge = { ...header, seed: 0xffffffff, max_steps: null, episode: 0, seats: [{ tick: 2, slot: 6, bot: null, label: '' }, { tick: 0, slot: 0, bot: 'random', label: 'random' }] };
      assert.deepEqual(decodeReplay(fileOf(edge, actions)).header, edge);
      const one = { ...header, steps: 0, players: 65535, max_steps: 1, seats: [] };
      assert.equal(decodeReplay(fileOf(one)).header.players, 65535);
    });
  });
});

describe('replay recorder', function () {
  this.timeout(20_000);

  it('writes the header fields of the episode it recorded', () => {
    const before = Date.now();
    const replay = shortReplay(5, 11);
    const h = replay.header;
    assert.equal(h.format, 'crucible-replay/1');
    assert.equal(h.crucible, VERSION);
    assert.equal(CRUCIBLE_VERSION, VERSION);
    assert.equal(h.substrate, SUBSTRATE);
    assert.equal(h.scenario, SCENARIO);
    assert.equal(h.scale, 1);
    assert.equal(h.focal_policy, 'random');
    assert.equal(h.seed, 11);
    assert.equal(h.episode, 0);
    assert.equal(h.max_steps, 5);
    assert.equal(h.players, PLAYERS);
    assert.equal(h.steps, 5);
    assert.deepEqual(h.actions, getSubstrate(SUBSTRATE).actions.map((a) => a.name));
    // The focal policy plays every focal slot from tick 0; background bots are not seats.
    assert.deepEqual(h.seats, FOCAL.map((slot) => ({ tick: 0, slot, bot: 'random', label: 'random' })));
    assert.equal(JSON.stringify(h.definition.substrate), JSON.stringify(getSubstrate(SUBSTRATE)));
    assert.equal((h.definition.scenario as { name: string }).name, SCENARIO);
    assert.equal(h.summary.steps, 5);
    assert.equal(h.summary.truncated, true);
    const at = Date.parse(h.recorded_at);
    assert.ok(at >= before - 1 && at <= Date.now() + 1, h.recorded_at);
    assert.equal(new Date(at).toISOString(), h.recorded_at);
    assert.ok(!('room' in h), 'no room field outside rooms');
  });

  it('records every slot\'s applied action at every tick, row by row', () => {
    const { env, recorder, applied } = recording({ focalPolicy: null });
    // Focal actions from outside, including an out-of-range one that the step applies as NOOP (0).
    const rows = [[1, 2, 3, 4, 5], [6, 7, 0, 1, 2], [200, 3, 3, 3, 3]];
    for (const r of rows) env.step(r);
    const replay = recorder.take();
    assert.equal(replay.actions.length, 3 * PLAYERS);
    for (let t = 0; t < 3; t++) {
      const row = [...replay.actions.subarray(t * PLAYERS, (t + 1) * PLAYERS)];
      assert.deepEqual(row.slice(0, 5), rows[t].map((a) => (a < getSubstrate(SUBSTRATE).actions.length ? a : 0)), `tick ${t}`);
      assert.deepEqual(row, applied[t], `tick ${t}: what the step applied, bots included`);
    }
  });

  it('notes who plays each focal slot at the tick they took it: an agent from outside, a relabel, a stand-in bot', () => {
    const { env, recorder } = recording({ focalPolicy: null, room: 'R1' });
    const label = env.labels[0];
    env.step();
    env.step();
    // Before tick 2: slot 1 is relabelled (a client naming its policy); slot 3 gets a stand-in bot.
    env.setLabel(1, 'my-policy');
    env.sim.bots[3] = createBot('random', env.sim);
    env.labels[3] = 'random';
    env.step();
    env.step();
    // Before tick 4: slot 3's bot is replaced by a fresh one of the same kind and label.
    env.sim.bots[3] = createBot('random', env.sim);
    env.step();
    const h = recorder.take().header;
    assert.deepEqual(h.seats, [
      ...FOCAL.map((slot) => ({ tick: 0, slot, bot: null, label })),
      { tick: 2, slot: 1, bot: null, label: 'my-policy' },
      { tick: 2, slot: 3, bot: 'random', label: 'random' },
      { tick: 4, slot: 3, bot: 'random', label: 'random' },
    ]);
    assert.equal(h.room, 'R1');
    assert.equal(h.focal_policy, null);
    assert.equal(h.max_steps, null);
    assert.equal(h.steps, 5);
  });

  it('starts a new recording with each episode, seats again from tick 0', () => {
    const { env, recorder, applied } = recording({ focalPolicy: null, seed: 20 });
    for (let t = 0; t < 4; t++) env.step([1, 1, 1, 1, 1]);
    const first = recorder.take();
    env.reset();
    applied.length = 0;
    for (let t = 0; t < 3; t++) env.step([2, 2, 2, 2, 2]);
    const second = recorder.take();
    assert.equal(first.header.steps, 4);
    assert.equal(second.header.steps, 3);
    assert.equal(second.header.episode, 1);
    assert.equal(second.header.seed, 21);
    assert.deepEqual([...second.actions], applied.flat());
    assert.deepEqual(second.header.seats.map((s) => [s.tick, s.slot]), FOCAL.map((s) => [0, s]));
  });

  it('gives each taken replay its own seat list and actions', () => {
    const { env, recorder } = recording({ focalPolicy: null });
    env.step();
    const early = recorder.take();
    env.setLabel(0, 'other');
    env.step();
    assert.equal(early.header.seats.length, FOCAL.length);
    assert.equal(early.actions.length, PLAYERS);
    assert.equal(recorder.take().header.seats.length, FOCAL.length + 1);
  });

  it('takes the summary it is given, or the environment\'s', () => {
    const { env, recorder } = recording({});
    env.step();
    const given = { ...env.summary(), steps: 99 } as EpisodeSummary;
    assert.equal(recorder.take(given).header.summary.steps, 99);
    assert.equal(JSON.stringify(recorder.take().header.summary), JSON.stringify(env.summary()));
  });

  it('keeps recording past its first buffer (1024 ticks) without losing a byte', () => {
    // A stand-in environment: the recorder reads only these fields.
    const players = 3;
    let stage: PostStage | null = null;
    const sim = { players, episode: 0, seed: 1, scale: 1, world: { tick: 0 }, bots: [null, null, null], actions: new Int32Array(players) };
    const fake = {
      spec: { name: 'fake', actions: [{ name: 'NOOP' }] }, scenario: null, players, sim, focalSlots: [0], labels: ['a', 'b', 'c'],
      addPostStage: (s: PostStage) => { stage = s; }, summary: () => ({}),
    } as unknown as Environment;
    const recorder = new ReplayRecorder(fake, { focalPolicy: null, maxSteps: null });
    const ticks = 2500;
    for (let t = 0; t < ticks; t++) {
      for (let s = 0; s < players; s++) sim.actions[s] = (t * players + s) % 251;
      sim.world.tick++;
      stage!.run(fake);
    }
    const { header, actions } = recorder.take({} as EpisodeSummary);
    assert.equal(header.steps, ticks);
    assert.equal(actions.length, ticks * players);
    for (let i = 0; i < actions.length; i++) if (actions[i] !== i % 251) assert.fail(`byte ${i} is ${actions[i]}, expected ${i % 251}`);
  });

  it('is timed as the "replay" stage by an environment\'s performance monitor', () => {
    const env = new Environment({ substrate: SUBSTRATE, scenario: SCENARIO, seed: 1, focalPolicy: 'random', monitor: true });
    new ReplayRecorder(env, { focalPolicy: 'random', maxSteps: null });
    env.reset();
    for (let t = 0; t < 8; t++) env.step();
    const report = env.reportPerformance();
    assert.ok(report !== null && 'replay' in report.timers, JSON.stringify(report && Object.keys(report.timers)));
  });

  it('refuses a substrate with more actions than a byte holds, and takes one with 256', () => {
    const fake = (n: number): Environment => ({
      spec: { name: 'wide', actions: Array.from({ length: n }, (_, i) => ({ name: `A${i}` })) }, players: 1, addPostStage: () => undefined,
    } as unknown as Environment);
    invalid(() => new ReplayRecorder(fake(257), { focalPolicy: null, maxSteps: null }), 'wide has more than 256 actions: they do not fit a byte');
    assert.doesNotThrow(() => new ReplayRecorder(fake(256), { focalPolicy: null, maxSteps: null }));
  });

  describe('files', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'crucible-replayfmt-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('writes the replay, creating its directories, and returns its size', () => {
      const { env, recorder } = recording({ maxSteps: 3 });
      for (let t = 0; t < 3; t++) env.step();
      const path = join(dir, 'a', 'b', 'x.replay.gz');
      const size = recorder.write(path);
      assert.equal(size, statSync(path).size);
      assert.equal(readReplay(path).header.steps, 3);
    });

    it('writes a room\'s episode into replays/ beside the results file under its substrate, room and episode', () => {
      const { env, recorder } = recording({ focalPolicy: null, room: 'abc' });
      env.step();
      const results = join(dir, 'episodes.jsonl');
      const errors: string[] = [];
      const summary = { ...env.summary(), steps: 42 };
      assert.equal(recorder.writeFor(results, summary, (m) => errors.push(m)), 'replays/commons_harvest__open__abc__ep0.replay.gz');
      assert.deepEqual(errors, []);
      const back = readReplay(join(dir, 'replays', 'commons_harvest__open__abc__ep0.replay.gz'));
      assert.equal(back.header.summary.steps, 42);
      const unnamed = recording({ focalPolicy: null });
      unnamed.env.step();
      assert.equal(unnamed.recorder.writeFor(results, unnamed.env.summary(), (m) => assert.fail(m)), 'replays/commons_harvest__open__room__ep0.replay.gz');
    });

    it('reports a replay it cannot write and returns nothing', () => {
      const { env, recorder } = recording({ focalPolicy: null, room: 'r' });
      env.step();
      // The results "directory" is a file: replays/ cannot be made inside it.
      const blocker = join(dir, 'file');
      writeFileSync(blocker, 'x');
      let expected = '';
      try {
        mkdirSync(join(blocker, 'replays'), { recursive: true });
      } catch (e) {
        expected = (e as Error).message;
      }
      const errors: string[] = [];
      assert.equal(recorder.writeFor(join(blocker, 'episodes.jsonl'), env.summary(), (m) => errors.push(m)), undefined);
      assert.deepEqual(errors, [`replay commons_harvest__open__r__ep0.replay.gz not written: ${expected}`]);
    });
  });
});

describe('replay player and check', function () {
  this.timeout(20_000);

  it('re-simulates a short headless episode to the identical summary, and reports what it checked', () => {
    const replay = shortReplay(10, 7);
    const check = checkReplay(replay, 'short.replay.gz', 1400);
    assert.deepEqual(check, {
      replay: 'short.replay.gz', substrate: SUBSTRATE, scenario: SCENARIO, seed: 7, episode: 0, steps: 10, players: PLAYERS,
      // 1400 bytes over 10 × 7 agent-steps.
      bytes: 1400, bytes_per_agent_step: 20, recorded_version: VERSION, current_version: VERSION,
      definition_changed: [], identical: true, differences: [], first_divergence: null,
    });
  });

  it('rounds bytes per agent-step to three decimals, and counts an empty replay as one agent-step', () => {
    assert.equal(checkReplay(shortReplay(3), 'r', 1000).bytes_per_agent_step, 47.619); // 1000 / 21
    const { recorder } = recording({ maxSteps: 1 });
    const empty = recorder.take();
    assert.equal(empty.header.steps, 0);
    assert.deepEqual(empty.header.seats, []);
    assert.equal(empty.actions.length, 0);
    assert.equal(checkReplay(empty, 'e', 500).bytes_per_agent_step, 500);
  });

  it('steps one tick at a time and says when the replay is done', () => {
    const replay = shortReplay(3);
    const player = new ReplayPlayer(replay);
    assert.equal(player.tick, 0);
    assert.equal(player.done, false);
    assert.equal(player.step(), true);
    assert.equal(player.env.tick, 1);
    assert.equal(player.step(), true);
    assert.equal(player.step(), true);
    assert.equal(player.done, true);
    assert.equal(player.tick, 3);
    assert.equal(player.step(), false);
    assert.equal(player.env.tick, 3);
  });

  it('applies the recorded step cap: truncated at that tick, not before', () => {
    const replay = shortReplay(4);
    const player = new ReplayPlayer(replay);
    for (let t = 0; t < 3; t++) player.step();
    assert.equal(player.env.sim.truncated, false);
    player.step();
    assert.equal(player.env.sim.truncated, true);
  });

  it('leaves a terminated episode terminated only: neither the step cap nor the summary calls it truncated', () => {
    const player = new ReplayPlayer(shortReplay(4));
    player.step();
    player.step();
    // As if the substrate had ended the episode at tick 2 (its stochastic ending).
    player.env.sim.terminated = true;
    while (player.step());
    assert.equal(player.env.sim.truncated, false);
    const summary = player.summary();
    assert.deepEqual([summary.terminated, summary.truncated], [true, false]);
  });

  it('counts a replay stopped before its end as truncated, and one without a cap is not truncated by the player', () => {
    const { env, recorder } = recording({ focalPolicy: null });
    for (let t = 0; t < 5; t++) env.step([1, 2, 3, 4, 5]);
    const player = new ReplayPlayer(recorder.take());
    while (player.step());
    assert.equal(player.env.sim.truncated, false);
    assert.equal(player.summary().truncated, true);
    assert.equal(player.summary().terminated, false);
  });

  it('replays a room\'s later episode from the seed before it, and the wrap-around seed 2³² − 1 → 0', () => {
    for (const seed of [30, 0xffffffff]) {
      const { env, recorder } = recording({ focalPolicy: null, seed, maxSteps: 6 });
      env.step([1, 1, 1, 1, 1]);
      env.reset();
      for (let t = 0; t < 6; t++) env.step([t, 1, 3, 5, 7]);
      const replay = recorder.take();
      assert.equal(replay.header.episode, 1);
      assert.equal(replay.header.seed, (seed + 1) % 2 ** 32);
      const check = checkReplay(replay, 'ep1', 0);
      assert.deepEqual(check.differences, [], `seed ${seed}`);
      assert.equal(check.identical, true, `seed ${seed}`);
      assert.equal(check.episode, 1);
    }
  });

  it('plays the recorded actions of slots played from outside, out-of-table bytes as NOOP, which is a divergence', () => {
    const { env, recorder } = recording({ focalPolicy: null, seed: 3 });
    for (let t = 0; t < 4; t++) env.step([3, 3, 3, 3, 3]);
    const replay = recorder.take();
    const player = new ReplayPlayer(replay);
    player.step();
    assert.deepEqual([...player.env.sim.actions.subarray(0, 5)], [3, 3, 3, 3, 3]);
    replay.actions[2 * PLAYERS + 1] = 200;
    const check = checkReplay(replay, 'x', 0);
    assert.deepEqual(check.first_divergence, { tick: 2, slot: 1, agent: 'player_1', recorded: 200, replayed: 0 });
    assert.equal(check.identical, false);
  });

  it('reports the first tick and, within it, the first slot whose bot chose differently', () => {
    const replay = shortReplay(10, 8);
    const n = PLAYERS;
    const original = replay.actions.slice();
    const other = (i: number): number => (original[i] + 1) % replay.header.actions.length;
    replay.actions[6 * n + 5] = other(6 * n + 5);
    replay.actions[4 * n + 6] = other(4 * n + 6);
    replay.actions[4 * n + 5] = other(4 * n + 5);
    const check = checkReplay(replay, 'x', 0);
    assert.deepEqual(check.first_divergence, { tick: 4, slot: 5, agent: 'player_5', recorded: other(4 * n + 5), replayed: original[4 * n + 5] });
    // The bots chose again, so the summary is still the recorded one: the divergence alone makes it not identical.
    assert.deepEqual(check.differences, []);
    assert.equal(check.identical, false);
  });

  it('names the summary fields that differ, a field on one side only included, in recorded-then-replayed order', () => {
    const replay = shortReplay(5);
    const truth = JSON.parse(JSON.stringify(replay.header.summary)) as Record<string, unknown>;
    const recorded = replay.header.summary as unknown as Record<string, unknown>;
    delete recorded.events;
    recorded.extra = 1;
    recorded.collective_return = -1;
    const check = checkReplay(replay, 'x', 0);
    assert.deepEqual(check.differences, [
      { field: 'collective_return', recorded: -1, replayed: truth.collective_return },
      { field: 'extra', recorded: 1, replayed: undefined },
      { field: 'events', recorded: undefined, replayed: truth.events },
    ]);
    assert.equal(check.identical, false);
    assert.equal(check.first_divergence, null);
  });

  it('tells a changed substrate or scenario definition from the recorded one', () => {
    const replay = shortReplay(2);
    const h = replay.header;
    h.definition = { substrate: { ...(h.definition.substrate as object), name: 'changed' }, scenario: h.definition.scenario };
    assert.deepEqual(checkReplay(replay, 'x', 0).definition_changed, [`substrate ${SUBSTRATE}`]);
    const again = shortReplay(2);
    again.header.definition = { substrate: again.header.definition.substrate, scenario: { ...(again.header.definition.scenario as object), isFocal: [] } };
    assert.deepEqual(checkReplay(again, 'x', 0).definition_changed, [`scenario ${SCENARIO}`]);
  });

  it('finds no changed definition in a replay without a scenario, nor in a scenario that seats fewer players than its substrate', () => {
    const { env, recorder } = recording({ scenario: null, focalPolicy: 'random', maxSteps: 2 });
    env.step();
    env.step();
    const plain = checkReplay(recorder.take(), 'x', 0);
    assert.deepEqual(plain.definition_changed, []);
    assert.equal(plain.scenario, null);
    assert.equal(plain.identical, true);
    // clean_up_17 seats 4 of clean_up's 7 players (Melting Pot's scenario has 4 focal and no background players).
    const env4 = new Environment({ substrate: 'clean_up', scenario: 'clean_up_17', seed: 1, focalPolicy: 'random', monitor: false });
    const rec4 = new ReplayRecorder(env4, { focalPolicy: 'random', maxSteps: null });
    env4.reset();
    env4.step();
    const r4 = rec4.take();
    assert.equal(r4.header.players, 4);
    assert.deepEqual(checkReplay(r4, 'x', 0).definition_changed, []);
  });

  it('refuses a replay whose player count the substrate does not have', () => {
    const { header } = shortReplay(1);
    const replay = { header: { ...header, players: 3, seats: [] }, actions: new Uint8Array(3) };
    invalid(() => new ReplayPlayer(replay), `the replay has 3 players, ${SUBSTRATE} at scale 1 has 7`);
  });

  it('applies seat changes at their tick: a stand-in bot takes a slot played from outside', () => {
    const { env, recorder } = recording({ focalPolicy: null, seed: 12, maxSteps: 6 });
    env.step();
    env.step();
    env.sim.bots[2] = createBot('random', env.sim);
    env.setLabel(2, 'stand-in');
    env.step();
    const diversity = env.metrics!.snapshot.diversity_index;
    for (let t = 0; t < 3; t++) env.step();
    const replay = recorder.take();
    const player = new ReplayPlayer(replay);
    player.step();
    player.step();
    assert.ok(player.env.sim.bots[2] === null, 'played from outside until tick 2');
    assert.notEqual(player.env.metrics!.snapshot.diversity_index, diversity);
    player.step();
    assert.equal(botName(player, 2), 'random');
    assert.equal(player.env.labels[2], 'stand-in');
    // The new label counts in the figures from that tick, as in the recording, and they end the same.
    assert.equal(player.env.metrics!.snapshot.diversity_index, diversity);
    while (player.step());
    assert.equal(JSON.stringify(player.env.metrics!.snapshot), JSON.stringify(env.metrics!.snapshot));
    const check = checkReplay(replay, 'x', 0);
    assert.equal(check.identical, true);
    assert.equal(check.first_divergence, null);
  });

  it('keeps the bot the reset seated at tick 0, and seats a fresh one when the recording replaced it', () => {
    const { env, recorder } = recording({ seed: 13 });
    env.step();
    env.step();
    env.sim.bots[0] = createBot('random', env.sim);
    env.step();
    const player = new ReplayPlayer(recorder.take());
    const seated = player.env.sim.bots[0];
    player.step();
    assert.equal(player.env.sim.bots[0], seated, 'the reset\'s bot is kept at tick 0');
    player.step();
    player.step();
    assert.notEqual(player.env.sim.bots[0], seated, 'a fresh bot at tick 2');
    assert.equal(player.env.sim.bots[0]?.name, 'random');
  });

  it('seats the recorded bot at tick 0 when the recording swapped the reset\'s bot for another under the same label', () => {
    const { env, recorder } = recording({ seed: 15 });
    env.sim.bots[1] = createBot('noop', env.sim);
    env.step();
    const replay = recorder.take();
    assert.deepEqual(replay.header.seats[1], { tick: 0, slot: 1, bot: 'noop', label: 'random' });
    const player = new ReplayPlayer(replay);
    assert.equal(botName(player, 1), 'random');
    player.step();
    assert.equal(botName(player, 1), 'noop');
  });

  it('seats a fresh bot at tick 0 when the recording relabelled the slot before the first step', () => {
    const { env, recorder } = recording({ seed: 14 });
    env.setLabel(0, 'renamed');
    env.step();
    const player = new ReplayPlayer(recorder.take());
    const seated = player.env.sim.bots[0];
    player.step();
    assert.notEqual(player.env.sim.bots[0], seated);
    assert.equal(player.env.labels[0], 'renamed');
  });
});
