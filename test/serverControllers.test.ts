/**
 * Controllers through a live server, spoken to with a raw WebSocket and msgpack (test/helpers/rawClient.ts): one
 * connection holding several focal slots, one step frame per step, reset on demand with a seed, autoReset, the
 * lockstep defaults, the errors, the specs, and the optional event counters and WORLD.RGB bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBS_HEADER_BYTES, STEP_HEADER_BYTES, STEP_MAGIC, STEP_VERSION, StepFlag } from '../client/protocol.js';
import { EVENT_NAMES } from '../server/controllers.js';
import { Environment } from '../systems/environment.js';
import { renderRgb, renderWorld, rgbShape, worldShape } from '../systems/renderObservations.js';
import { liveServer, waitFor } from './helpers/liveServer.js';
import { RawClient, MatchmakeError } from '../loadtest/rawClient.js';

const SUB = 'commons_harvest__open';

interface Welcome {
  role: string;
  slots: number[];
  agents: string[];
  frameBytes: number;
  events: string[];
  world: { width: number; height: number } | null;
  lockstep: boolean;
  autoReset: boolean;
  actionTimeoutMs: number;
  tick: number;
  episode: number;
  actions: string[];
  spec: { observations: { name: string; shape: number[]; dtype: string }[]; action: { num_values: number; dtype: string } };
}

interface StepFrame {
  flags: number;
  tick: number;
  episode: number;
  count: number;
  /** Each held slot's observation frame. */
  slots: Buffer[];
  events: Float32Array | null;
  world: Buffer | null;
}

function parseStep(b: Buffer, w: Welcome): StepFrame {
  assert.equal(b.readUInt16LE(0), STEP_MAGIC);
  assert.equal(b[2], STEP_VERSION);
  const flags = b[3];
  const count = b.readUInt16LE(12);
  const L = w.frameBytes;
  let at = STEP_HEADER_BYTES;
  const slots: Buffer[] = [];
  for (let i = 0; i < count; i++, at += L) slots.push(b.subarray(at, at + L));
  let events: Float32Array | null = null;
  if (flags & StepFlag.Events) {
    const n = count * w.events.length;
    events = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 4) events[i] = b.readFloatLE(at);
  }
  let world: Buffer | null = null;
  if (flags & StepFlag.World) {
    world = b.subarray(at, at + w.world!.width * w.world!.height * 3);
    at += world.length;
  }
  assert.equal(at, b.length, 'the step frame has no bytes beyond its sections');
  return { flags, tick: b.readUInt32LE(4), episode: b.readUInt32LE(8), count, slots, events, world };
}

describe('controllers (one connection, several slots)', function () {
  this.timeout(60_000);
  const live = liveServer('controllers');
  const open: RawClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.leave()));
  });

  async function controller(options: Record<string, unknown>, method = 'create', name = SUB): Promise<{ c: RawClient; w: Welcome; first: StepFrame }> {
    const c = await RawClient.join(live.srv.httpUrl, method, name, { role: 'controller', ...options });
    open.push(c);
    const w = await c.nextPayload<Welcome>('welcome');
    const first = parseStep(await c.nextBytes('step'), w);
    return { c, w, first };
  }

  async function step(c: RawClient, w: Welcome, prev: StepFrame, actions: number[]): Promise<StepFrame> {
    c.send('step', { episode: prev.episode, tick: prev.tick, actions });
    return parseStep(await c.nextBytes('step'), w);
  }

  it('holds every focal slot by default and answers one step with one frame holding them all', async () => {
    const { c, w, first } = await controller({ maxSteps: 50 });
    assert.equal(w.role, 'controller');
    assert.deepEqual(w.slots, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(w.agents, w.slots.map((s) => `player_${s}`));
    assert.equal(w.lockstep, true, 'a room created by a controller is lockstep');
    assert.equal(w.autoReset, false);
    assert.equal(w.actionTimeoutMs, 0, 'it waits for the controller');
    assert.equal(first.tick, 0);
    assert.equal(first.count, 7);
    for (let i = 0; i < 7; i++) assert.equal(first.slots[i].readUInt16LE(12), i, `frame ${i} is slot ${i}'s`);
    const next = await step(c, w, first, [1, 1, 1, 1, 1, 1, 1]);
    assert.equal(next.tick, 1);
    assert.equal(next.count, 7);
    for (let i = 0; i < 7; i++) assert.equal(next.slots[i].readUInt32LE(4), 1, `slot ${i}'s frame shows tick 1`);
    // Nothing else arrives: exactly one frame per step.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.received.filter((m) => m.type === 'step').length, 0);
  });

  it('holds the named slots, and a second controller takes the rest', async () => {
    const a = await controller({ slots: [4, 1] });
    assert.deepEqual(a.w.slots, [1, 4], 'held slots ascending');
    assert.deepEqual(
      a.first.slots.map((f) => f.readUInt16LE(12)),
      [1, 4],
    );
    const b = await RawClient.join(live.srv.httpUrl, 'joinById', a.c.reservation.roomId, { role: 'controller' });
    open.push(b);
    const wb = await b.nextPayload<Welcome>('welcome');
    assert.deepEqual(wb.slots, [0, 2, 3, 5, 6]);
    await assert.rejects(RawClient.join(live.srv.httpUrl, 'joinById', a.c.reservation.roomId, { role: 'controller' }), (e: MatchmakeError) => {
      assert.match(e.message, /ROOM_FULL/);
      return true;
    });
  });

  it('refuses a named slot that is taken or not focal', async () => {
    const a = await controller({ scenario: 'commons_harvest__open_0', slots: [0] });
    const roomId = a.c.reservation.roomId;
    await assert.rejects(RawClient.join(live.srv.httpUrl, 'joinById', roomId, { role: 'controller', slots: [0] }), /ROOM_FULL: slot 0 is already held/);
    await assert.rejects(RawClient.join(live.srv.httpUrl, 'joinById', roomId, { role: 'controller', slots: [6] }), /INVALID_OPTION: slot 6 is not a focal slot/);
  });

  /** Seeded actions (a small LCG): the same list in every run. */
  function actionList(steps: number, players: number, seed: number): number[][] {
    let x = seed >>> 0;
    const out: number[][] = [];
    for (let t = 0; t < steps; t++) {
      const row: number[] = [];
      for (let p = 0; p < players; p++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        row.push(x % 8);
      }
      out.push(row);
    }
    return out;
  }

  async function play(c: RawClient, w: Welcome, from: StepFrame, actions: number[][]): Promise<StepFrame[]> {
    const frames: StepFrame[] = [];
    let prev = from;
    for (const a of actions) {
      prev = await step(c, w, prev, a);
      frames.push(prev);
    }
    return frames;
  }

  it('gives byte-identical step frames for the same seed and actions, in two rooms and after two resets', async () => {
    const actions = actionList(120, 7, 3);
    const a = await controller({ seed: 42 });
    const b = await controller({ seed: 42 });
    assert.ok(a.first.slots[0].equals(b.first.slots[0]));
    const fa = await play(a.c, a.w, a.first, actions);
    const fb = await play(b.c, b.w, b.first, actions);
    for (let t = 0; t < actions.length; t++) {
      assert.ok(a.c.frames.length > 0);
      for (let i = 0; i < 7; i++) assert.ok(fa[t].slots[i].equals(fb[t].slots[i]), `slot ${i} differs at step ${t + 1}`);
    }
    // The same room, reset twice with one seed: the same frames but for the episode number.
    const runs: StepFrame[][] = [];
    for (let r = 0; r < 2; r++) {
      a.c.send('reset', { seed: 7 });
      const first = parseStep(await a.c.nextBytes('step'), a.w);
      assert.equal(first.tick, 0);
      runs.push([first, ...(await play(a.c, a.w, first, actions.slice(0, 60)))]);
    }
    assert.equal(runs[1][0].episode, runs[0][0].episode + 1);
    const noEpisode = (f: Buffer): Buffer => {
      const copy = Buffer.from(f);
      copy.writeUInt32LE(0, 8);
      return copy;
    };
    for (let t = 0; t < runs[0].length; t++) {
      for (let i = 0; i < 7; i++) assert.ok(noEpisode(runs[0][t].slots[i]).equals(noEpisode(runs[1][t].slots[i])), `slot ${i} differs at tick ${t} after the second reset`);
    }
    // A different seed gives a different episode.
    a.c.send('reset', { seed: 8 });
    const other = parseStep(await a.c.nextBytes('step'), a.w);
    const o = await play(a.c, a.w, other, actions.slice(0, 30));
    assert.ok(o.some((f, t) => !noEpisode(f.slots[0]).equals(noEpisode(runs[0][t + 1].slots[0]))), 'seed 8 plays differently from seed 7');
  });

  it('a reset mid-episode ends it as truncated with reason "reset" in the episode message and the results file', async () => {
    const { c, w, first } = await controller({ seed: 5, resultsFile: 'controller-reset.jsonl' });
    const frames = await play(c, w, first, actionList(10, 7, 1));
    c.send('reset', { seed: 99 });
    const summary = await c.nextPayload<Record<string, unknown>>('episode');
    const next = parseStep(await c.nextBytes('step'), w);
    assert.equal(summary.truncated, true);
    assert.equal(summary.terminated, false);
    assert.equal(summary.reason, 'reset');
    assert.equal(summary.steps, 10);
    assert.equal(summary.seed, 5);
    assert.equal(summary.episode, frames[9].episode);
    assert.equal(next.tick, 0);
    assert.equal(next.episode, frames[9].episode + 1);
    const path = join(live.dir, 'controller-reset.jsonl');
    await waitFor('the results line', () => {
      try {
        return readFileSync(path, 'utf8').includes('"reason":"reset"');
      } catch {
        return false;
      }
    });
    const line = JSON.parse(readFileSync(path, 'utf8').trim().split('\n')[0]) as Record<string, unknown>;
    assert.equal(line.truncated, true);
    assert.equal(line.reason, 'reset');
    assert.equal(line.steps, 10);
    // The new episode uses the seed the reset named: it matches a fresh room created with that seed.
    const fresh = await controller({ seed: 99 });
    for (let i = 0; i < 7; i++) assert.ok(Buffer.from(next.slots[i]).subarray(12).equals(fresh.first.slots[i].subarray(12)), `slot ${i}`);
  });

  it('with autoReset off an ended episode waits for the reset', async () => {
    const { c, w, first } = await controller({ maxSteps: 5 });
    const frames = await play(c, w, first, actionList(5, 7, 2));
    const last = frames[4];
    assert.equal(last.tick, 5);
    assert.ok(last.flags & StepFlag.Truncated, 'the fifth frame is truncated');
    assert.ok(last.slots[0][3] & 8, 'the slot frames say truncated too');
    const summary = await c.nextPayload<Record<string, unknown>>('episode');
    assert.equal(summary.steps, 5);
    assert.equal(summary.reason, undefined);
    c.send('step', { episode: last.episode, tick: last.tick, actions: [0, 0, 0, 0, 0, 0, 0] });
    const err = await c.nextPayload<{ code: string; message: string }>('error');
    assert.equal(err.code, 'STALE_ACTION');
    assert.match(err.message, /send reset/);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c.received.filter((m) => m.type === 'step').length, 0, 'no frame while waiting');
    c.send('reset');
    const next = parseStep(await c.nextBytes('step'), w);
    assert.equal(next.tick, 0);
    assert.equal(next.episode, last.episode + 1);
    assert.equal(c.received.filter((m) => m.type === 'episode').length, 0, 'an episode that had ended is not recorded twice');
  });

  it('a controller stepping as fast as it can in lockstep is never rate-limited (3000 steps)', async function () {
    this.timeout(120_000);
    // A cap of 100 messages a second: 3000 steps exceed it many times over unless lockstep inputs are exempt.
    const { c, w, first } = await controller({ obs: 'none', maxMessagesPerSecond: 100 });
    let prev = first;
    const zeros = [0, 0, 0, 0, 0, 0, 0];
    const t0 = Date.now();
    for (let n = 0; n < 3000; n++) {
      if (prev.flags & (StepFlag.Terminated | StepFlag.Truncated)) {
        c.send('reset');
        await c.next('episode');
      } else {
        c.send('step', { episode: prev.episode, tick: prev.tick, actions: zeros });
      }
      prev = parseStep(await c.nextBytes('step'), w);
    }
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(3000 / seconds > 100, `ran at ${Math.round(3000 / seconds)} steps/s: the test needs > 100/s to exceed the cap`);
    assert.equal(c.closeCode, null, 'still connected');
    assert.equal(c.received.filter((m) => m.type === 'error').length, 0);
  });

  it('an agent acting as fast as it can in a lockstep room is never rate-limited either (3000 steps)', async function () {
    this.timeout(120_000);
    const a = await RawClient.join(live.srv.httpUrl, 'create', SUB, { lockstep: true, actionTimeoutMs: 0, obs: 'none', fillFocal: 'noop', maxMessagesPerSecond: 100 });
    open.push(a);
    await a.next('welcome');
    const t0 = Date.now();
    for (let n = 0; n < 3000; ) {
      const obs = await a.nextBytes('obs');
      if (obs[3] & 0b1100) continue; // terminal: the next episode's first observation follows
      a.send('action', { tick: obs.readUInt32LE(4), episode: obs.readUInt32LE(8), action: 0 });
      n++;
    }
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(3000 / seconds > 100, `ran at ${Math.round(3000 / seconds)} steps/s: the test needs > 100/s to exceed the cap`);
    assert.equal(a.closeCode, null, 'still connected');
    assert.equal(a.received.filter((m) => m.type === 'error').length, 0);
  });

  it('a dropped controller reconnects with its JOIN_ROOM token and gets its slots and a frame back', async () => {
    const { c, w, first } = await controller({ slots: [2, 5] });
    const after1 = await step(c, w, first, [1, 1]);
    c.ws.terminate(); // a drop, not a leave
    await waitFor('the drop', () => c.closeCode !== null);
    const back = await RawClient.reconnect(live.srv.httpUrl, c.reservation.roomId, c.reconnectionToken!);
    open.push(back);
    const frame = parseStep(await back.nextBytes('step'), w);
    assert.equal(frame.tick, after1.tick, 'the frame shows the current tick');
    assert.deepEqual(
      frame.slots.map((f) => f.readUInt16LE(12)),
      [2, 5],
    );
    const next = await step(back, w, frame, [0, 0]);
    assert.equal(next.tick, after1.tick + 1);
  });

  it('takes a step whose integers use msgpack\'s 64-bit encodings', async () => {
    const { c, w } = await controller({ slots: [0, 1] });
    const u64 = (n: number): number[] => [0xcf, 0, 0, 0, 0, 0, 0, 0, n];
    const i64 = (n: number): number[] => [0xd3, 0, 0, 0, 0, 0, 0, 0, n];
    const str = (t: string): number[] => [0xa0 | t.length, ...Buffer.from(t)];
    c.ws.send(Buffer.from([0x0d, ...str('step'), 0x83, ...str('episode'), ...u64(0), ...str('tick'), ...i64(0), ...str('actions'), 0x92, ...u64(1), ...i64(7)]));
    const next = parseStep(await c.nextBytes('step'), w);
    assert.equal(next.tick, 1);
    assert.equal(c.received.filter((m) => m.type === 'error').length, 0);
  });

  it('refuses bad steps with stable codes and keeps stepping', async () => {
    const { c, w, first } = await controller({ slots: [0, 3] });
    const expectError = async (code: string, pattern?: RegExp): Promise<void> => {
      const e = await c.nextPayload<{ code: string; message: string }>('error');
      assert.equal(e.code, code, e.message);
      if (pattern) assert.match(e.message, pattern);
    };
    c.send('step', { episode: 0, tick: 0, actions: [1] });
    await expectError('MALFORMED_MESSAGE', /2 actions/);
    c.send('step', { episode: 0, tick: 0, actions: [1, 'x'] });
    await expectError('MALFORMED_MESSAGE', /slot 3/);
    c.send('step', { episode: 0, tick: 0, actions: [1, 8] });
    await expectError('INVALID_ACTION', /slot 3/);
    c.send('step', { episode: 0, tick: 4, actions: [1, 1] });
    await expectError('STALE_ACTION');
    c.send('step', { episode: 3, tick: 0, actions: [1, 1] });
    await expectError('STALE_ACTION');
    c.send('action', { tick: 0, action: 1 });
    await expectError('MALFORMED_MESSAGE', /controllers send "step"/);
    c.send('reset', { seed: -1 });
    await expectError('MALFORMED_MESSAGE', /seed/);
    // An agent and a spectator in the same room may neither step nor reset.
    const agent = await RawClient.join(live.srv.httpUrl, 'joinById', c.reservation.roomId, {});
    open.push(agent);
    await agent.next('welcome');
    const spectator = await RawClient.join(live.srv.httpUrl, 'joinById', c.reservation.roomId, { role: 'spectator' });
    open.push(spectator);
    await spectator.next('welcome');
    for (const other of [agent, spectator]) {
      other.send('step', { episode: 0, tick: 0, actions: [0, 0] });
      assert.equal((await other.nextPayload<{ code: string }>('error')).code, 'NOT_A_CONTROLLER');
      other.send('reset', {});
      assert.equal((await other.nextPayload<{ code: string }>('error')).code, 'NOT_A_CONTROLLER');
    }
    // Nothing changed: the controller's step is still the first one (the agent acts too: lockstep waits for both).
    c.send('step', { episode: first.episode, tick: first.tick, actions: [2, 2] });
    agent.send('action', { episode: 0, tick: 0, action: 0 });
    const next = parseStep(await c.nextBytes('step'), w);
    assert.equal(next.tick, 1);
    c.send('step', { episode: first.episode, tick: first.tick, actions: [2, 2] });
    await expectError('DUPLICATE_ACTION', /already have an action answering tick 0/);
  });

  it('announces specs in the welcome message and GET /api/substrates that match the frames', async () => {
    const catalogue = (await (await fetch(`${live.srv.httpUrl}/api/substrates`)).json()) as {
      name: string;
      specs: Record<'rgb' | 'symbolic', Welcome['spec']>;
    }[];
    for (const [name, obs] of [
      [SUB, 'rgb'],
      [SUB, 'symbolic'],
      ['clean_up', 'rgb'],
      ['prisoners_dilemma_in_the_matrix__repeated', 'symbolic'],
    ] as const) {
      const { w, first } = await controller({ obs, world: true }, 'create', name);
      const listed = catalogue.find((s) => s.name === name)!;
      assert.deepEqual(w.spec, listed.specs[obs], `${name} ${obs}: welcome and /api/substrates agree`);
      const byName = new Map(w.spec.observations.map((o) => [o.name, o]));
      const pixels = byName.get(obs === 'rgb' ? 'RGB' : 'SYMBOLIC')!;
      assert.equal(pixels.dtype, 'uint8');
      const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
      const vector = w.spec.observations.filter((o) => o.dtype === 'float64' && !['READY_TO_SHOOT', 'COLLECTIVE_REWARD'].includes(o.name));
      assert.equal(w.frameBytes, OBS_HEADER_BYTES + size(pixels.shape) + 4 * vector.reduce((n, o) => n + size(o.shape), 0), `${name} ${obs}: frame size`);
      assert.equal(first.slots[0].readUInt16LE(28) * first.slots[0].readUInt16LE(30), pixels.shape[0] * pixels.shape[1]);
      const world = byName.get('WORLD.RGB')!;
      assert.deepEqual(world.shape, [w.world!.height, w.world!.width, 3]);
      assert.equal(first.world!.length, size(world.shape));
      assert.equal(w.spec.action.num_values, w.actions.length);
      assert.equal(w.spec.action.dtype, 'int64');
      open.splice(0).forEach((c) => void c.leave());
    }
  });

  it('event counters and WORLD.RGB bytes match the headless Environment for the same seed and actions', async () => {
    const steps = 300;
    const actions = actionList(steps, 7, 11);
    const { c, w, first } = await controller({ seed: 21, events: true, world: true });
    assert.deepEqual(w.events, [...EVENT_NAMES]);
    const env = new Environment({ substrate: SUB, seed: 21, focalPolicy: null });
    env.reset();
    const world = new Uint8Array(worldShape(env.sim).reduce((a, b) => a * b, 1));
    const [h, wd] = rgbShape(env.sim);
    const rgb = new Uint8Array(h * wd * 3);
    const E = w.events.length;
    const ev = (name: string): number => w.events.indexOf(name);
    assert.ok(first.events!.every((x) => x === 0));
    const totals = new Float64Array(7 * E);
    let prev = first;
    for (let t = 0; t < steps && !(prev.flags & 3); t++) {
      prev = await step(c, w, prev, actions[t]);
      const a = Int32Array.from(actions[t]);
      env.step(a);
      renderWorld(env.sim, world);
      assert.ok(prev.world!.equals(world), `WORLD.RGB differs at tick ${prev.tick}`);
      for (let i = 0; i < 7; i++) {
        renderRgb(env.sim, i, rgb);
        assert.ok(prev.slots[i].subarray(OBS_HEADER_BYTES, OBS_HEADER_BYTES + rgb.length).equals(rgb), `slot ${i} RGB differs at tick ${prev.tick}`);
        // In Commons Harvest every reward is an apple eaten.
        assert.equal(prev.events![i * E + ev('apples_eaten')], env.sim.rewards[i], `slot ${i} apples at tick ${prev.tick}`);
        for (let e = 0; e < E; e++) totals[i * E + e] += prev.events![i * E + e];
      }
    }
    const sum = (name: string): number => {
      let n = 0;
      for (let i = 0; i < 7; i++) n += totals[i * E + ev(name)];
      return n;
    };
    const counters = env.sim.counters;
    assert.ok(counters.zapsFired > 0 && counters.zapHits > 0, 'the actions fired and landed zaps');
    assert.equal(sum('apples_eaten'), counters.applesEaten);
    assert.equal(sum('zaps_fired'), counters.zapsFired);
    assert.equal(sum('zaps_hit'), counters.zapHits);
    assert.equal(sum('zapped'), counters.zapHits);
    for (let i = 0; i < 7; i++) assert.equal(totals[i * E + ev('apples_eaten')], env.sim.returns[i], `slot ${i}: apples eaten = return`);
  });

  /** The actions `bot` chooses for every slot of `name` over `steps` ticks of a headless run (seed 4). */
  function botActions(name: string, bot: string, steps: number): number[][] {
    const env = new Environment({ substrate: name, seed: 4, focalPolicy: bot, metrics: false, monitor: false });
    env.reset();
    const out: number[][] = [];
    for (let t = 0; t < steps && !env.done; t++) {
      env.step();
      out.push(Array.from(env.sim.actions));
    }
    return out;
  }

  for (const [name, bot, steps, counted] of [
    ['clean_up', 'cleaner', 400, ['cells_cleaned', 'zaps_fired', 'zaps_hit', 'zapped', 'apples_eaten']],
    ['prisoners_dilemma_in_the_matrix__repeated', 'cooperator', 600, ['interactions', 'resources_collected']],
  ] as const) {
    it(`${name}: each slot's event counters equal the headless Environment's events, step by step`, async function () {
      this.timeout(120_000);
      const { c, w, first } = await controller({ seed: 4, obs: 'none', events: true }, 'create', name);
      const env = new Environment({ substrate: name, seed: 4, focalPolicy: null });
      const players = env.players;
      const E = w.events.length;
      // The test's own count of the events the headless run emits, per slot and per step.
      const mine = new Float64Array(players * E);
      const at = (slot: number, event: string): number => slot * E + w.events.indexOf(event);
      const bus = env.sim.world.events;
      bus.subscribe('dirt_cleaned', (b) => b.forEach((e) => mine[at(e.slot, 'cells_cleaned')]++));
      bus.subscribe('zap_fired', (b) => b.forEach((e) => mine[at(e.slot, 'zaps_fired')]++));
      bus.subscribe('zap_hit', (b) => b.forEach((e) => (mine[at(e.attacker, 'zaps_hit')]++, mine[at(e.target, 'zapped')]++)));
      bus.subscribe('apple_eaten', (b) => b.forEach((e) => mine[at(e.slot, 'apples_eaten')]++));
      bus.subscribe('interaction', (b) => b.forEach((e) => (mine[at(e.row, 'interactions')]++, mine[at(e.col, 'interactions')]++)));
      bus.subscribe('resource_collected', (b) => b.forEach((e) => mine[at(e.slot, 'resources_collected')]++));
      env.reset();
      const totals = new Map<string, number>();
      let prev = first;
      // Purposeful actions (a bot's, from another headless run), so the events happen; replayed here and there.
      const actions = botActions(name, bot, steps);
      for (let t = 0; t < actions.length && !(prev.flags & 3); t++) {
        mine.fill(0);
        prev = await step(c, w, prev, actions[t]);
        env.step(Int32Array.from(actions[t]));
        for (let i = 0; i < players; i++) {
          for (const ev of counted) {
            assert.equal(prev.events![at(i, ev)], mine[at(i, ev)], `slot ${i} ${ev} at tick ${prev.tick}`);
            totals.set(ev, (totals.get(ev) ?? 0) + mine[at(i, ev)]);
          }
        }
      }
      for (const ev of counted.slice(0, 1)) assert.ok((totals.get(ev) ?? 0) > 0, `the run had some ${ev}`);
    });
  }
});
