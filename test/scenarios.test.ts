/**
 * Melting Pot's scenarios and their bots' scripted stand-ins. The data is checked against Melting Pot's
 * `meltingpot/configs/scenarios/__init__.py` and `meltingpot/configs/bots/__init__.py` (each entry's `source` gives
 * the line), and every scenario is run to show its bots do what its description and bot configuration say.
 */
import { strict as assert } from 'node:assert';
import { getSubstrate } from '../substrates/registry.js';
import { findBotSpec, getScenario, scenarioNames, scenariosOf } from '../substrates/scenarios.js';
import type { BotPolicy, BotSpec, ScenarioSpec } from '../substrates/types.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import type { CleanUpBot } from '../systems/policies/cleanUp.js';
import { isMatrixPolicy } from '../systems/policies/matrix.js';

/** Melting Pot's scenario count for each substrate Crucible implements (configs/scenarios/__init__.py). */
const MP_COUNTS: Readonly<Record<string, number>> = {
  commons_harvest__open: 2,
  commons_harvest__closed: 4,
  commons_harvest__partnership: 6,
  clean_up: 23,
  prisoners_dilemma_in_the_matrix__repeated: 10,
  prisoners_dilemma_in_the_matrix__arena: 22,
  stag_hunt_in_the_matrix__repeated: 10,
  chicken_in_the_matrix__repeated: 10,
};

function mpScenarios(): ScenarioSpec[] {
  return scenarioNames().map(getScenario).filter((s) => s.source !== null);
}

function botsOf(s: ScenarioSpec): BotSpec[] {
  return s.bots.map((b) => {
    const spec = findBotSpec(b);
    assert.ok(spec, `${s.name}: ${b} has a stand-in`);
    return spec;
  });
}

describe('scenarios: Melting Pot\'s, as data (MP configs/scenarios/__init__.py, configs/bots/__init__.py)', () => {
  it('ships all 87 of Melting Pot\'s scenarios for the substrates Crucible implements, and each substrate\'s count', () => {
    const all = mpScenarios();
    assert.equal(all.length, 87);
    for (const [substrate, n] of Object.entries(MP_COUNTS)) {
      const names = scenariosOf(substrate).map((s) => s.name);
      assert.deepEqual(names, Array.from({ length: n }, (_, i) => `${substrate}_${i}`), substrate);
    }
  });

  it('every bot keeps its Melting Pot name, belongs to the scenario\'s substrate and names the saved model it stands in for', () => {
    for (const s of mpScenarios()) {
      for (const b of botsOf(s)) {
        assert.equal(b.substrate, s.substrate, b.name);
        assert.ok(b.name.startsWith(`${s.substrate}__`), b.name);
        assert.match(b.model, new RegExp(`^${s.substrate}/\\w+$`), b.name);
        assert.match(b.source, /^meltingpot\/configs\/bots\/__init__\.py:\d+$/);
      }
    }
  });

  it('commons_harvest__open_1 is visited by two pacifists who harvest unsustainably (MP configs/scenarios/__init__.py:1532)', () => {
    const s = getScenario('commons_harvest__open_1');
    assert.equal(s.description, 'focals are resident and visited by two pacifists who harvest unsustainably');
    assert.deepEqual(s.bots, ['commons_harvest__open__pacifist_0', 'commons_harvest__open__pacifist_1']);
    for (const b of botsOf(s)) assert.deepEqual(b.policy, { kind: 'harvester', zaps: false, sustainable: false });
    for (const b of botsOf(getScenario('commons_harvest__open_0'))) assert.deepEqual(b.policy, { kind: 'harvester', zaps: true, sustainable: false });
  });

  it('the Matrix bots target the resource and use the margins Melting Pot configures: 5 and 7 in the repeated games, 1 and 5 in arena_0', () => {
    for (const game of ['prisoners_dilemma', 'stag_hunt', 'chicken']) {
      const [c, d] = { prisoners_dilemma: ['cooperator', 'defector'], stag_hunt: ['stag', 'hare'], chicken: ['dove', 'hawk'] }[game] as [string, string];
      const sub = `${game}_in_the_matrix__repeated`;
      for (const [name, target] of [[c, 'cooperate'], [d, 'defect']] as const) {
        assert.deepEqual(findBotSpec(`${sub}__puppet_${name}_margin_0`)?.policy, { kind: 'specialist', target, margin: 5 });
        assert.deepEqual(findBotSpec(`${sub}__puppet_${name}_margin_1`)?.policy, { kind: 'specialist', target, margin: 7 });
      }
      assert.deepEqual(findBotSpec(`${sub}__puppet_flip_0`)?.policy, { kind: 'scheduled_flip', threshold: 3, initialMargin: 1, finalMargin: 5 });
    }
    const arena0 = botsOf(getScenario('prisoners_dilemma_in_the_matrix__arena_0')).map((b) => b.policy);
    assert.deepEqual(arena0, [{ kind: 'specialist', target: 'cooperate', margin: 1 }, { kind: 'specialist', target: 'cooperate', margin: 5 }]);
  });

  it('a scenario seats its own number of players (MP builds the substrate with one player per role): clean_up_17 has 4, arena_7 has 2', () => {
    for (const [name, players, focal] of [['clean_up_17', 4, [1, 2, 3]], ['prisoners_dilemma_in_the_matrix__arena_7', 2, [0]], ['clean_up_22', 6, [0, 1, 2, 3]]] as const) {
      const s = getScenario(name);
      const env = new Environment({ substrate: s.substrate, scenario: name, seed: 1, metrics: false, monitor: false });
      env.reset();
      assert.equal(env.players, players, name);
      assert.deepEqual(env.focalSlots, focal, name);
      const { grid } = env.sim.world;
      let avatars = 0;
      for (let slot = 0; slot < env.players; slot++) if (grid.has(env.sim.avatars[slot])) avatars++;
      assert.equal(avatars, players);
      assert.equal(getSubstrate(s.substrate).population.players > players, true);
    }
  });

  it('results mark every background bot of a Melting Pot scenario as a scripted stand-in, with the model it stands in for', () => {
    const env = new Environment({ substrate: 'clean_up', scenario: 'clean_up_2', seed: 1, metrics: false, monitor: false });
    env.reset();
    env.step();
    const sum = env.summary();
    assert.deepEqual(Object.keys(sum.scripted_stand_ins).sort(), ['player_3', 'player_4', 'player_5', 'player_6']);
    for (const v of Object.values(sum.scripted_stand_ins)) assert.deepEqual(v, { bot: 'clean_up__puppet_alternator_first_cleans_0', model: 'clean_up/puppet_0' });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every scenario, run: its bots do what their configuration says.

const STEPS = 800;

/** Focal slots are played in-process by a Crucible bot that gives the background bots something to react to. */
function focalPolicyFor(substrate: string): string {
  if (substrate === 'clean_up') return 'cleaner';
  if (substrate.startsWith('commons_harvest')) return 'sustainable_harvester';
  return 'defector';
}

interface Record_ {
  zaps: number[];
  cleans: number[];
  eatenSparse: number[];
  /** slot → goals the bot had on ticks it zapped / cleaned. */
  zapGoals: string[][];
  cleanGoals: string[][];
  /** Interactions a bot fired: slot, its choice, its lead of that choice over the other class. */
  fired: { slot: number; choice: string | null; lead: number }[];
}

function run(s: ScenarioSpec, seed: number): { env: Environment; rec: Record_ } {
  const env = new Environment({ substrate: s.substrate, scenario: s.name, seed, focalPolicy: focalPolicyFor(s.substrate), metrics: false, monitor: false });
  env.reset();
  const sim = env.sim;
  const n = env.players;
  const rec: Record_ = {
    zaps: new Array<number>(n).fill(0), cleans: new Array<number>(n).fill(0), eatenSparse: new Array<number>(n).fill(0),
    zapGoals: Array.from({ length: n }, () => []), cleanGoals: Array.from({ length: n }, () => []), fired: [],
  };
  const events = sim.world.events;
  events.subscribe('apple_eaten', (batch) => {
    for (const e of batch) {
      const apple = sim.world.grid.at(e.x, e.y, Layer.Logic);
      const i = sim.apples.indexOf[apple];
      if (i >= 0 && sim.apples.startCounts[i] < 3) rec.eatenSparse[e.slot]++;
    }
  });
  events.subscribe('interaction', (batch) => {
    const st = sim.matrix;
    if (!st) return;
    const k = st.classes;
    for (const e of batch) {
      const own = st.interactionInventories.subarray(e.row * 2 * k, e.row * 2 * k + k);
      const ci = sim.spec.matrix?.resources.findIndex((r) => r.name === e.rowChoice) ?? -1;
      const lead = ci < 0 ? 0 : Math.min(...Array.from(own).map((v, j) => (j === ci ? Infinity : own[ci] - v)));
      rec.fired.push({ slot: e.row, choice: e.rowChoice, lead });
    }
  });
  const actions = sim.spec.actions;
  for (let t = 0; t < STEPS && !env.done; t++) {
    env.step();
    for (let slot = 0; slot < n; slot++) {
      const fire = actions[sim.actions[slot]].fire;
      const goal = (sim.bots[slot] as Partial<CleanUpBot> | null)?.lastGoal ?? '';
      if (fire === 'zap') {
        rec.zaps[slot]++;
        rec.zapGoals[slot].push(goal);
      }
      if (fire === 'clean') {
        rec.cleans[slot]++;
        rec.cleanGoals[slot].push(goal);
      }
    }
  }
  return { env, rec };
}

function margins(p: BotPolicy): number[] {
  if (p.kind === 'scheduled_flip') return [p.initialMargin, p.finalMargin];
  return 'margin' in p ? [p.margin] : [];
}

describe('scenarios: every scenario\'s bots do what Melting Pot\'s configuration says', function () {
  this.timeout(120_000);
  for (const s of mpScenarios()) {
    it(`${s.name}: "${s.description}"`, () => {
      const { env, rec } = run(s, 1);
      const background = env.population.isFocal.flatMap((f, slot) => (f ? [] : [slot]));
      assert.ok(background.length > 0);
      for (const slot of background) {
        const spec = findBotSpec(env.labels[slot]);
        assert.ok(spec, `slot ${slot} plays a stand-in: ${env.labels[slot]}`);
        assert.ok(s.bots.includes(spec.name));
        const p = spec.policy;
        const who = `${spec.name} in slot ${slot}`;
        if (p.kind === 'harvester') {
          // Pacifists and good partners never zap; sustainable harvesters never eat an apple with < 3 live neighbours.
          if (!p.zaps) assert.equal(rec.zaps[slot], 0, `${who} is a pacifist`);
          if (p.sustainable) assert.equal(rec.eatenSparse[slot], 0, `${who} harvests sustainably`);
        } else if (isMatrixPolicy(p)) {
          // Every interaction it starts, it starts once its majority leads by its margin.
          for (const f of rec.fired.filter((x) => x.slot === slot)) {
            assert.ok(margins(p).some((m) => f.lead >= m), `${who} interacted with a lead of ${f.lead}, margins ${margins(p).join('/')}`);
            if (p.kind === 'specialist') {
              const role: string = p.target;
              const want = getSubstrate(s.substrate).matrix?.resources.find((r) => r.role === role)?.name;
              assert.equal(f.choice, want, `${who} plays ${p.target}`);
            }
          }
        } else {
          // Clean Up: it fires the cleaning beam only while its goal is CLEAN, and zaps only while its goal is SANCTION.
          assert.ok(rec.cleanGoals[slot].every((g) => g === 'CLEAN'), `${who} cleaned with goals ${[...new Set(rec.cleanGoals[slot])].join(',')}`);
          assert.ok(rec.zapGoals[slot].every((g) => g === 'SANCTION'), `${who} zapped with goals ${[...new Set(rec.zapGoals[slot])].join(',')}`);
          if (p.kind === 'clean_up_goal' && p.goal === 'EAT') assert.equal(rec.cleans[slot] + rec.zaps[slot], 0, `${who} only eats`);
        }
      }
      // Where a scenario's bots are all of one sort, the sort shows within the run.
      const kinds = new Set(background.map((slot) => findBotSpec(env.labels[slot])?.policy).map((p) => (p?.kind === 'clean_up_goal' ? p.goal : p?.kind)));
      if (kinds.size === 1 && kinds.has('CLEAN')) assert.ok(background.some((slot) => rec.cleans[slot] > 0), 'the cleaners cleaned');
      const policies = background.map((slot) => findBotSpec(env.labels[slot])?.policy);
      if (policies.every((p) => p?.kind === 'harvester' && p.zaps)) assert.ok(background.some((slot) => rec.zaps[slot] > 0), 'the zappers zapped');
      if (policies.every((p) => p?.kind === 'harvester' && !p.sustainable)) {
        assert.ok(background.some((slot) => rec.eatenSparse[slot] > 0), 'the unsustainable harvesters ate apples with fewer than 3 live neighbours');
      }
      if (s.substrate.includes('in_the_matrix')) assert.ok(rec.fired.some((f) => background.includes(f.slot)), 'a bot interacted');
    });
  }
});
