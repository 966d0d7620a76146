/**
 * VectorWorlds (server/vector.ts), what each field of the batch holds and what each refusal says: every agent's
 * reward, READY_TO_SHOOT, vector and observation against a lone environment of its world's seed, the episode return
 * against the sum of the rewards the batch reported, the seeds of worlds held by a second worker, the words and
 * details of each refusal, and the headless benchmark loop's figures on a scripted clock.
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../ecs/rng.js';
import { CrucibleError } from '../ecs/errors.js';
import { Environment } from '../systems/environment.js';
import { ObservationBuffers, readyToShoot } from '../systems/renderObservations.js';
import { vectorLayout, writeVectorObservations } from '../systems/vectorObservations.js';
import { FLAG_RESET, VectorWorlds, type VectorWorldsOptions } from '../server/vector.js';

function refusal(fn: () => unknown): CrucibleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CrucibleError) return e;
    throw e;
  }
  assert.fail('expected a CrucibleError');
}

const base: VectorWorldsOptions = { substrate: 'commons_harvest__open', obs: 'none', worlds: 1, seed: 1 };

/** xorshift32 (Marsaglia 2003, shifts 13, 17, 5): the benchmark's documented action generator. */
function xorshift32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x;
  };
}

describe('VectorWorlds batch contents', () => {
  it('gives each agent the reward, READY_TO_SHOOT, vector and observation a lone environment of its seed gives it', () => {
    let rewarded = 0, readyDiffers = 0, vectorNonZero = 0;
    // The arena has several vector entries an agent (its inventory); commons harvest gives rewards sooner.
    for (const substrate of ['running_with_scissors_in_the_matrix__arena', 'commons_harvest__open']) {
      const v = new VectorWorlds({ substrate, obs: 'symbolic', worlds: 2, seed: 30 });
      v.reset();
      const F = v.shape.agentsPerWorld;
      const V = v.shape.vectorLength;
      assert.ok(F >= 2, 'several agents a world, so a shifted index shows');
      if (substrate.includes('matrix')) assert.ok(V >= 2, 'several vector entries an agent');
      const lone = [0, 1].map((w) => {
        const env = new Environment({ substrate, seed: 30 + w, metrics: false, monitor: false });
        env.reset();
        const bufs = new ObservationBuffers(env.sim, 'symbolic');
        return { env, bufs };
      });
      const layout = vectorLayout(lone[0].env.sim);
      const rng = new Rng(8);
      for (let t = 0; t < 120; t++) {
        const actions = new Uint8Array(v.agents);
        for (let a = 0; a < v.agents; a++) actions[a] = rng.int(v.shape.actions.length);
        if (t > 0) {
          v.step(actions);
          for (let w = 0; w < 2; w++) lone[w].env.step(actions.subarray(w * F, (w + 1) * F));
        }
        const readies = new Set<number>();
        for (let w = 0; w < 2; w++) {
          const { env, bufs } = lone[w];
          bufs.render(env.sim);
          for (let i = 0; i < F; i++) {
            const a = w * F + i;
            const where = `step ${t} world ${w} agent ${i}`;
            if (t > 0) assert.equal(v.reward[a], env.sim.rewards[i], `reward, ${where}`);
            assert.equal(v.ready[a], readyToShoot(env.sim, i), `ready, ${where}`);
            const want = new Float32Array(V);
            writeVectorObservations(env.sim, i, layout, want);
            assert.deepEqual([...v.vector.subarray(a * V, (a + 1) * V)], [...want], `vector, ${where}`);
            assert.deepEqual(v.obs[a], bufs.symbolic[i], `observation, ${where}`);
            if (v.reward[a] !== 0) rewarded++;
            readies.add(v.ready[a]);
            if (want.some((x) => x !== 0)) vectorNonZero++;
          }
        }
        if (readies.size > 1) readyDiffers++;
      }
    }
    assert.ok(rewarded > 0 && readyDiffers > 0 && vectorNonZero > 0, `the figures compared are not all zero (${rewarded}, ${readyDiffers}, ${vectorNonZero})`);
  });

  it("reports as each agent's episode return the sum of the rewards the batch gave it in that episode", () => {
    const v = new VectorWorlds({ substrate: 'commons_harvest__open', obs: 'none', worlds: 2, seed: 3, maxSteps: 150 });
    v.reset();
    const sums = new Float64Array(v.agents);
    const rng = new Rng(2);
    const actions = new Uint8Array(v.agents);
    for (let t = 1; t <= 150; t++) {
      for (let a = 0; a < v.agents; a++) actions[a] = rng.int(v.shape.actions.length);
      v.step(actions);
      for (let a = 0; a < v.agents; a++) sums[a] += v.reward[a];
    }
    assert.ok(v.flags.every((f) => f !== 0), 'the episodes ended at the cap');
    assert.ok(sums.some((s) => s !== 0), 'someone ate an apple');
    assert.deepEqual([...v.episodeReturn], [...sums]);
  });

  it('describes its batch: a scenario by name, the action names, the observation shape and bytes of each mode', () => {
    const sc = new VectorWorlds({ substrate: 'commons_harvest__open', scenario: 'commons_harvest__open_0', obs: 'rgb', worlds: 1, seed: 1 });
    assert.equal(sc.shape.scenario, 'commons_harvest__open_0');
    assert.equal(sc.shape.obsBytes, 88 * 88 * 3);
    // Melting Pot's ACTION_SET, meltingpot/configs/substrates/commons_harvest__open.py:264-273.
    assert.deepEqual(sc.shape.actions, ['NOOP', 'FORWARD', 'BACKWARD', 'STEP_LEFT', 'STEP_RIGHT', 'TURN_LEFT', 'TURN_RIGHT', 'FIRE_ZAP']);
    const rgb = new VectorWorlds({ ...base, obs: 'rgb', worlds: 2 });
    assert.equal(rgb.shape.scenario, null);
    rgb.reset();
    assert.ok(rgb.obs.every((o) => o.length === 88 * 88 * 3), 'rgb observations are 88 × 88 × 3 bytes');
    assert.equal(rgb.obs[rgb.agents - 1], rgb.buffers[1].rgb[rgb.shape.focalSlots.at(-1)!]);
    const sym = new VectorWorlds({ ...base, obs: 'symbolic' });
    assert.equal(sym.shape.obsBytes, 11 * 11);
    const none = new VectorWorlds({ ...base, obs: 'none', worlds: 2 });
    assert.deepEqual(none.shape.obsShape, [0]);
    assert.equal(none.shape.obsBytes, 0);
    none.reset();
    assert.ok(none.obs.every((o) => o.length === 0), "'none' agents get empty observations");
    assert.equal(none.envs[0].metrics, null, 'worlds keep no metrics');
    assert.equal(none.envs[0].monitor, null, 'worlds are not timed');
  });

  it('seeds the worlds a second worker holds from their place in the whole batch, and re-seeds on reset(seed)', () => {
    const v = new VectorWorlds({ ...base, worlds: 2, firstWorld: 2, totalWorlds: 4, seed: 10, maxSteps: 2, autoreset: 'same_step' });
    v.reset();
    assert.deepEqual(v.envs.map((e) => e.sim.seed), [12, 13]);
    const noop = new Uint8Array(v.agents);
    v.step(noop);
    v.step(noop);
    assert.deepEqual(v.envs.map((e) => e.sim.seed), [16, 17], 'episode 1 of world w: s + w + 1·4');
    v.reset(100);
    assert.deepEqual(v.envs.map((e) => e.sim.seed), [102, 103]);
    assert.deepEqual([...v.flags], [FLAG_RESET, FLAG_RESET]);
    const bad = new Array<number>(v.agents).fill(0);
    bad[v.shape.agentsPerWorld] = -1;
    assert.match(refusal(() => v.step(bad)).message, /^action of world 3 slot 0 /, 'the world is named by its place in the whole batch');
  });
});

describe('VectorWorlds episode returns', () => {
  it("leaves the episode return of a world whose episode goes on as it was while the world before it ends", () => {
    // The one-shot matrix game ends the tick after a world's first interaction
    // (meltingpot/lua/levels/the_matrix/components.lua:466-491), so the worlds of a batch end at different steps.
    const v = new VectorWorlds({ substrate: 'running_with_scissors_in_the_matrix__one_shot', obs: 'none', worlds: 6, seed: 4 });
    v.reset();
    const F = v.shape.agentsPerWorld;
    const rng = new Rng(2);
    let endedBeforeOngoing = 0;
    for (let t = 0; t < 400 && endedBeforeOngoing < 3; t++) {
      const before = Float32Array.from(v.episodeReturn);
      const actions = new Uint8Array(v.agents);
      for (let a = 0; a < v.agents; a++) actions[a] = rng.int(v.shape.actions.length);
      v.step(actions);
      for (let w = 0; w < 6; w++) {
        if ((v.flags[w] & 3) !== 0) {
          if (w < 5 && (v.flags[w + 1] & 3) === 0) endedBeforeOngoing++;
          continue;
        }
        for (let i = 0; i < F; i++) assert.equal(v.episodeReturn[w * F + i], before[w * F + i], `step ${t}, world ${w}, agent ${i}`);
      }
    }
    assert.ok(endedBeforeOngoing >= 1, 'some world ended while the next one went on');
  });
});

describe('VectorWorlds refusals', () => {
  it('names the option, its bounds and the value in each refused option, and accepts the bounds', () => {
    const cases: [Partial<VectorWorldsOptions>, string, string, unknown][] = [
      [{ worlds: 0 }, 'num_envs must be an integer from 1 to 4096, got 0', 'num_envs', 0],
      [{ worlds: 4097 }, 'num_envs must be an integer from 1 to 4096, got 4097', 'num_envs', 4097],
      [{ obs: 'depth' as never }, 'obs must be one of rgb, symbolic, none, got "depth"', 'obs', 'depth'],
      [{ autoreset: 'never' as never }, 'autoreset must be one of next_step, same_step, got "never"', 'autoreset', 'never'],
      [{ maxSteps: 0 }, 'max_steps must be an integer ≥ 1, got 0', 'max_steps', 0],
      [{ maxSteps: 2.5 }, 'max_steps must be an integer ≥ 1, got 2.5', 'max_steps', 2.5],
      [{ seed: -1 }, 'seed must be an integer from 0 to 4294967295, got -1', 'seed', -1],
      [{ seed: 2 ** 32 }, 'seed must be an integer from 0 to 4294967295, got 4294967296', 'seed', 2 ** 32],
    ];
    for (const [opts, message, option, value] of cases) {
      const e = refusal(() => new VectorWorlds({ ...base, ...opts }));
      assert.equal(e.code, 'INVALID_OPTION');
      assert.equal(e.message, message);
      assert.deepEqual(e.details, { option, value });
    }
    for (const opts of [{ worlds: 1 }, { maxSteps: 1 }, { seed: 0 }, { seed: 0xffffffff }]) {
      assert.doesNotThrow(() => new VectorWorlds({ ...base, ...opts }), JSON.stringify(opts));
    }
    const v = new VectorWorlds({ ...base });
    assert.equal(refusal(() => v.reset(2 ** 32)).code, 'INVALID_OPTION');
  });

  it('takes 4096 worlds as within bounds: with an unknown substrate it is the substrate that is refused', () => {
    // (Building 4096 real worlds would take a minute; the count is checked before any world is built.)
    assert.equal(refusal(() => new VectorWorlds({ ...base, substrate: 'no_such_substrate', worlds: 4096 })).code, 'UNKNOWN_SUBSTRATE');
    assert.equal(refusal(() => new VectorWorlds({ ...base, substrate: 'no_such_substrate', worlds: 4097 })).code, 'INVALID_OPTION');
  });

  it('refuses a step before reset, and says what a wrong batch should have been', () => {
    const v = new VectorWorlds({ ...base, worlds: 2 });
    const before = refusal(() => v.step(new Uint8Array(v.agents)));
    assert.equal(before.code, 'MALFORMED_MESSAGE');
    assert.equal(before.message, 'reset the vector environment before the first step');
    v.reset();
    const F = v.shape.agentsPerWorld;
    const count = refusal(() => v.step(new Uint8Array(3)));
    assert.equal(count.code, 'MALFORMED_MESSAGE');
    assert.equal(count.message, `step needs ${2 * F} actions (2 worlds × ${F} agents), got 3`);
    const n = v.shape.actions.length;
    for (const value of [n, -1, 1.5]) {
      const actions = new Array<number>(v.agents).fill(0);
      actions[F + 1] = value;
      const e = refusal(() => v.step(actions));
      assert.equal(e.code, 'INVALID_ACTION', String(value));
      assert.equal(e.message, `action of world 1 slot 1 must be from 0 to ${n - 1}, got ${value}`);
      assert.deepEqual(e.details, { world: 1, slot: 1, value, allowed: { min: 0, max: n - 1 } });
    }
    assert.equal(v.check(new Array<number>(v.agents).fill(n - 1)), null, 'the last action is allowed');
  });
});

describe('VectorWorlds.headless (the benchmark loop)', () => {
  /**
   * Run `headless` on a clock that advances 10 ms at each reading and a CPU clock that reports `cpuUs` used, spying
   * on the steps it takes.
   */
  function scripted(v: VectorWorlds, seconds: number, actionSeed: number, cpuUs: { user: number; system: number }) {
    const steps: number[][] = [];
    const realStep = v.step.bind(v);
    v.step = (actions: ArrayLike<number>) => {
      steps.push(Array.from(actions));
      realStep(actions);
    };
    const hr = process.hrtime.bigint;
    const cpu = process.cpuUsage;
    let now = 5_000_000_000n;
    process.hrtime.bigint = () => (now += 10_000_000n) - 10_000_000n;
    process.cpuUsage = ((prev?: NodeJS.CpuUsage) => (prev ? cpuUs : { user: 123, system: 45 })) as typeof process.cpuUsage;
    try {
      return { figures: v.headless(seconds, actionSeed), steps };
    } finally {
      process.hrtime.bigint = hr;
      process.cpuUsage = cpu;
    }
  }

  it('steps every world with xorshift32 actions for at least the time given, and reports world-steps per second of wall and CPU time', () => {
    const v = new VectorWorlds({ ...base, worlds: 2 });
    const { figures, steps } = scripted(v, 0.03, 7, { user: 40_000, system: 20_000 });
    // Readings at 0 (start), 10, 20, 30 ms: batches of 16 steps until 30 ms, not less than 0.03 s, have passed.
    assert.equal(steps.length, 3 * 16);
    const next = xorshift32(7);
    const n = v.shape.actions.length;
    for (const s of steps) assert.deepEqual(s, s.map(() => next() % n));
    assert.deepEqual(figures, { wall: (48 * 2) / 0.03, cpu: (48 * 2) / 0.06 });
    assert.deepEqual(v.envs.map((e) => e.tick), [48, 48], 'it reset the worlds itself, then stepped them');
  });

  it('continues the episodes already started, and takes seed 0 as 1', () => {
    const v = new VectorWorlds({ ...base, worlds: 1 });
    v.reset();
    v.step(new Uint8Array(v.agents));
    v.step(new Uint8Array(v.agents));
    const { steps } = scripted(v, 0.005, 0, { user: 1, system: 1 });
    assert.equal(steps.length, 16);
    assert.equal(v.envs[0].tick, 2 + 16);
    const first = xorshift32(1)();
    assert.equal(first, 270369, 'xorshift32 from 1 starts 270369');
    const n = v.shape.actions.length;
    assert.equal(steps[0][0], first % n);
  });
});
