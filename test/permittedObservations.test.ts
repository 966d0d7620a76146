/**
 * What an agent may see: Melting Pot's scenarios give focal players only PERMITTED_OBSERVATIONS
 * (meltingpot/scenario.py:47-60, passed to the ScenarioFactory at :128-134); the privileged
 * NUM_OTHERS_WHO_CLEANED_THIS_STEP (Clean Up) and INTERACTION_INVENTORIES (the Matrix games) are for its bots only.
 * The `observations` option gives every observation (for training, as Melting Pot's substrate_transform does).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type AgentClient } from '../client/agent.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { scenarioHash, substrateHash } from '../substrates/hash.js';
import { getScenario, scenarioNames } from '../substrates/scenarios.js';
import { Environment } from '../systems/environment.js';
import { PERMITTED_OBSERVATIONS, vectorLayout } from '../systems/vectorObservations.js';
import { current, liveServer, waitFor } from './helpers/liveServer.js';

describe('permitted observations: the environment', () => {
  it('PERMITTED_OBSERVATIONS is Melting Pot\'s set (meltingpot/scenario.py:47-60)', () => {
    assert.deepEqual([...PERMITTED_OBSERVATIONS].sort(), [
      'COLLECTIVE_REWARD', 'HUNGER', 'INVENTORY', 'MY_OFFER', 'OFFERS', 'READY_TO_SHOOT', 'RGB', 'STAMINA', 'VOTING',
    ]);
  });

  it('a scenario gives its focal players the permitted observations only; "all" and scenario-less runs give every one', () => {
    const cases: [string, string | null, 'permitted' | 'all' | undefined, string[]][] = [
      ['clean_up', 'clean_up_0', undefined, []],
      ['clean_up', 'clean_up_0', 'all', ['NUM_OTHERS_WHO_CLEANED_THIS_STEP']],
      ['clean_up', null, undefined, ['NUM_OTHERS_WHO_CLEANED_THIS_STEP']],
      ['prisoners_dilemma_in_the_matrix__arena', 'prisoners_dilemma_in_the_matrix__arena_0', undefined, ['INVENTORY']],
      ['prisoners_dilemma_in_the_matrix__arena', 'prisoners_dilemma_in_the_matrix__arena_0', 'all', ['INVENTORY', 'INTERACTION_INVENTORIES']],
      ['prisoners_dilemma_in_the_matrix__repeated', null, 'permitted', ['INVENTORY']],
    ];
    for (const [substrate, scenario, observations, vector] of cases) {
      const env = new Environment({ substrate, scenario, seed: 1, observations, metrics: false, monitor: false });
      env.reset();
      assert.equal(env.observations, observations ?? (scenario ? 'permitted' : 'all'));
      assert.deepEqual(vectorLayout(env.sim, env.observationNames).map((f) => f.name), vector, `${substrate} ${scenario} ${observations}`);
      for (const n of env.observationNames) if (env.observations === 'permitted') assert.ok(PERMITTED_OBSERVATIONS.has(n), n);
    }
  });

  it('the bots still read the privileged signals: a Clean Up reciprocator reacts to others cleaning in a permitted room', () => {
    // Its goal follows NUM_OTHERS_WHO_CLEANED_THIS_STEP whatever the agents are sent.
    const env = new Environment({ substrate: 'clean_up', scenario: 'clean_up_4', seed: 1, focalPolicy: 'cleaner', metrics: false, monitor: false });
    env.reset();
    assert.equal(env.observations, 'permitted');
    const bot = env.sim.bots[6] as unknown as { lastGoal: string };
    let cleaning = 0;
    for (let t = 0; t < 600; t++) {
      env.step();
      if (bot.lastGoal === 'CLEAN') cleaning++;
    }
    assert.ok(cleaning > 0, 'the reciprocator cleaned in reply to the focal cleaners');
  });
});

describe('permitted observations and content hashes through a real server', function () {
  this.timeout(30_000);
  const live = liveServer('permitted', null);

  async function agent(substrate: string, options: Parameters<typeof connect>[2]): Promise<AgentClient> {
    const a = await connect(live.srv.url, substrate, options);
    live.open.push(a);
    return a;
  }

  it('a scenario room sends the permitted vector, says so in its welcome and in each results line, with both hashes', async () => {
    const file = 'permitted.jsonl';
    const sub = 'prisoners_dilemma_in_the_matrix__repeated';
    const sc = 'prisoners_dilemma_in_the_matrix__repeated_0';
    const a = await agent(sub, { method: 'create', scenario: sc, obs: 'none', lockstep: true, actionTimeoutMs: 5, maxSteps: 4, resultsFile: file });
    const w = await a.welcome;
    assert.equal(w.observations, 'permitted');
    const names = getSubstrate(sub).observation.names;
    assert.ok(names.includes('INTERACTION_INVENTORIES'));
    assert.deepEqual(w.observationNames, names.filter((n) => n !== 'INTERACTION_INVENTORIES'));
    assert.deepEqual(w.vector, [{ name: 'INVENTORY', offset: 0, length: 2 }]);
    assert.deepEqual(w.hashes, { substrate: substrateHash(sub), scenario: scenarioHash(sc) });
    assert.equal((await current(a)).vector.length, 2, 'the frame carries INVENTORY only');
    a.onObservation(() => a.act(0));
    const path = join(live.dir, file);
    await waitFor('a results line', () => existsSync(path) && readFileSync(path, 'utf8').includes('\n'));
    const line = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]) as Record<string, unknown>;
    assert.equal(line.observations, 'permitted');
    assert.deepEqual(line.hashes, w.hashes);
    assert.deepEqual(Object.keys(line.scripted_stand_ins as object), ['player_1']);
  });

  it('observations: "all" gives a scenario room every observation, and the results line says "all"', async () => {
    const a = await agent('clean_up', { method: 'create', scenario: 'clean_up_1', observations: 'all', obs: 'none', lockstep: true, actionTimeoutMs: 0 });
    const w = await a.welcome;
    assert.equal(w.observations, 'all');
    assert.deepEqual(w.vector, [{ name: 'NUM_OTHERS_WHO_CLEANED_THIS_STEP', offset: 0, length: 1 }]);
    assert.deepEqual(Array.from((await current(a)).vector), [0]);
  });

  it('joinOrCreate does not put an agent asking for every observation into a permitted room', async () => {
    const a = await agent('clean_up', { scenario: 'clean_up_1', seed: 77, obs: 'none' });
    assert.equal((await a.welcome).observations, 'permitted');
    const b = await agent('clean_up', { scenario: 'clean_up_1', seed: 77, obs: 'none', observations: 'all' });
    assert.notEqual(b.room.roomId, a.room.roomId);
    assert.equal((await b.welcome).observations, 'all');
  });

  it('rejects an unknown observations value with INVALID_OPTION and the allowed values', async () => {
    await assert.rejects(connect(live.srv.url, 'clean_up', { method: 'create', observations: 'some' } as never), /observations must be one of permitted, all/);
  });

  it('GET /api/substrates reports each substrate\'s and scenario\'s hash and marks scenarios with scripted stand-ins', async () => {
    const res = await fetch(`${live.srv.httpUrl}/api/substrates`);
    const body = (await res.json()) as {
      name: string; hash: string; scenarios: { name: string; hash: string; players: number; scriptedStandIns: boolean }[];
    }[];
    assert.deepEqual(body.map((s) => s.name), substrateNames());
    for (const s of body) {
      assert.equal(s.hash, substrateHash(s.name));
      for (const sc of s.scenarios) {
        assert.equal(sc.hash, scenarioHash(sc.name));
        // Melting Pot's `noop_bot` is played as itself (Crucible's `noop`), not by a stand-in.
        const onlyNoop = getScenario(sc.name).bots.every((b) => b === 'noop');
        assert.equal(sc.scriptedStandIns, !sc.name.includes('consent') && !onlyNoop, sc.name);
        assert.ok(sc.players <= getSubstrate(s.name).population.players);
      }
    }
    assert.deepEqual(body.flatMap((s) => s.scenarios.map((sc) => sc.name)).sort(), [...scenarioNames()].sort(), 'every registered scenario, under its substrate');
  });
});
