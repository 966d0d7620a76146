/**
 * VectorWorlds (server/vector.ts): N worlds stepped together into batch arrays, as the Python vector environment
 * reads them. The worker process around it is exercised by the Python suite (python/tests/test_vector.py).
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../ecs/rng.js';
import { CrucibleError } from '../ecs/errors.js';
import { Environment } from '../systems/environment.js';
import { ObservationBuffers } from '../systems/renderObservations.js';
import { FLAG_RESET, FLAG_TRUNCATED, VectorWorlds } from '../server/vector.js';

function randomActions(rng: Rng, agents: number, n: number): Uint8Array {
  const a = new Uint8Array(agents);
  for (let i = 0; i < agents; i++) a[i] = rng.int(n);
  return a;
}

/** Everything the batch exposes, copied. */
function snapshot(v: VectorWorlds): string {
  const obs = Buffer.concat(v.obs.map((o) => Buffer.from(o))).toString('base64');
  return JSON.stringify([obs, [...v.reward], [...v.ready], [...v.vector], [...v.flags], [...v.length], [...v.episodeReturn]]);
}

describe('VectorWorlds', () => {
  it('lays out N worlds × F focal agents, and a scenario puts only its focal players in the batch', () => {
    const v = new VectorWorlds({ substrate: 'clean_up', obs: 'symbolic', worlds: 3, seed: 1 });
    assert.equal(v.agents, 3 * 7);
    assert.deepEqual(v.shape.obsShape, [11, 11]);
    assert.equal(v.shape.vectorLength, 1, 'Clean Up carries NUM_OTHERS_WHO_CLEANED_THIS_STEP');
    assert.equal(v.obs.length, 21);
    const sc = new VectorWorlds({ substrate: 'commons_harvest__open', scenario: 'commons_harvest__open_0', obs: 'rgb', worlds: 2, seed: 1 });
    assert.equal(sc.shape.agentsPerWorld, sc.shape.focalSlots.length);
    assert.ok(sc.shape.agentsPerWorld < sc.shape.players, 'the background bots are not in the batch');
    assert.equal(sc.agents, 2 * sc.shape.agentsPerWorld);
    assert.deepEqual(sc.shape.obsShape, [88, 88, 3]);
  });

  it('renders world w with seed s + w: each agent sees what a lone environment of that seed shows it', () => {
    const v = new VectorWorlds({ substrate: 'commons_harvest__open', obs: 'symbolic', worlds: 3, seed: 40 });
    v.reset();
    const rng = new Rng(5);
    const steps: Uint8Array[] = [];
    for (let t = 0; t < 20; t++) {
      const a = randomActions(rng, v.agents, v.shape.actions.length);
      steps.push(a);
      v.step(a);
    }
    const w = 2;
    const env = new Environment({ substrate: 'commons_harvest__open', seed: 42, metrics: false, monitor: false });
    env.reset();
    const bufs = new ObservationBuffers(env.sim, 'symbolic');
    const F = v.shape.agentsPerWorld;
    for (const a of steps) env.step(a.subarray(w * F, (w + 1) * F));
    bufs.render(env.sim);
    for (let i = 0; i < F; i++) assert.deepEqual(v.obs[w * F + i], bufs.symbolic[i], `agent ${i} of world ${w}`);
    for (let i = 0; i < F; i++) assert.equal(v.reward[w * F + i], env.sim.rewards[i]);
  });

  it('replays identically from the same seed and actions', () => {
    const run = (): string[] => {
      const v = new VectorWorlds({ substrate: 'clean_up', obs: 'rgb', worlds: 2, seed: 9, maxSteps: 15 });
      v.reset();
      const rng = new Rng(3);
      const out: string[] = [];
      for (let t = 0; t < 40; t++) {
        v.step(randomActions(rng, v.agents, v.shape.actions.length));
        out.push(snapshot(v));
      }
      return out;
    };
    const a = run(), b = run();
    for (let t = 0; t < a.length; t++) assert.equal(a[t], b[t], `step ${t}`);
  });

  it("resets a finished world on the next step ('next_step'), reporting the ended episode's length and returns", () => {
    const v = new VectorWorlds({ substrate: 'commons_harvest__open', obs: 'none', worlds: 2, seed: 1, maxSteps: 5 });
    v.reset();
    assert.deepEqual([...v.flags], [FLAG_RESET, FLAG_RESET]);
    const forward = new Uint8Array(v.agents).fill(1);
    for (let t = 1; t <= 4; t++) {
      v.step(forward);
      assert.deepEqual([...v.flags], [0, 0], `step ${t}`);
    }
    v.step(forward);
    assert.deepEqual([...v.flags], [FLAG_TRUNCATED, FLAG_TRUNCATED]);
    assert.deepEqual([...v.length], [5, 5]);
    const returns = [...v.episodeReturn];
    assert.equal(returns.length, v.agents);
    v.step(forward);
    assert.deepEqual([...v.flags], [FLAG_RESET, FLAG_RESET], 'the step after the end starts the next episode');
    assert.deepEqual([...v.length], [0, 0]);
    assert.ok(v.reward.every((r) => r === 0));
  });

  it("resets at once in 'same_step' mode, and every world's next episode has a seed no other world plays", () => {
    const v = new VectorWorlds({ substrate: 'commons_harvest__open', obs: 'none', worlds: 3, seed: 10, maxSteps: 3, autoreset: 'same_step' });
    v.reset();
    const noop = new Uint8Array(v.agents);
    for (let t = 0; t < 3; t++) v.step(noop);
    assert.deepEqual([...v.flags], [FLAG_TRUNCATED | FLAG_RESET, FLAG_TRUNCATED | FLAG_RESET, FLAG_TRUNCATED | FLAG_RESET]);
    assert.deepEqual([...v.length], [3, 3, 3]);
    assert.deepEqual(v.envs.map((e) => e.sim.seed), [13, 14, 15], 'episode k of world w uses seed s + w + k·N');
    assert.equal(v.envs[0].tick, 0);
  });

  it('refuses a wrong action count (MALFORMED_MESSAGE) or an action out of range (INVALID_ACTION) and steps nothing', () => {
    const v = new VectorWorlds({ substrate: 'commons_harvest__open', obs: 'symbolic', worlds: 2, seed: 1 });
    v.reset();
    const before = snapshot(v);
    const ticks = v.envs.map((e) => e.tick);
    assert.throws(() => v.step(new Uint8Array(v.agents - 1)), (e: unknown) => e instanceof CrucibleError && e.code === 'MALFORMED_MESSAGE');
    const bad = new Uint8Array(v.agents);
    bad[9] = 200;
    assert.throws(
      () => v.step(bad),
      (e: unknown) => e instanceof CrucibleError && e.code === 'INVALID_ACTION' && /world 1 slot 2/.test(e.message),
    );
    assert.equal(snapshot(v), before);
    assert.deepEqual(v.envs.map((e) => e.tick), ticks);
  });

  it('refuses bad options with INVALID_OPTION', () => {
    for (const opts of [{ worlds: 0 }, { worlds: 1.5 }, { obs: 'depth' }, { autoreset: 'never' }, { seed: -1 }, { maxSteps: 0 }]) {
      assert.throws(
        () => new VectorWorlds({ substrate: 'commons_harvest__open', obs: 'rgb', worlds: 1, seed: 1, ...opts } as never),
        (e: unknown) => e instanceof CrucibleError && e.code === 'INVALID_OPTION',
        JSON.stringify(opts),
      );
    }
  });
});
