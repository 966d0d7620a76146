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
import { cleanUpGoalChooser } from '../systems/policies/cleanUp.js';
import { harvesterBot, SUSTAINABLE_MIN_NEIGHBOURS, zapWouldHit } from '../systems/policies/harvesters.js';
import { firstStep, moveActions, nearestOnLayer, stepAction, stepToward } from '../systems/policies/navigation.js';
import { isMatrixPolicy, puppeteerFor } from '../systems/policies/matrix.js';
import { createScriptedBot } from '../systems/policies/scriptedBots.js';
import type { Bot, Sim } from '../systems/sim.js';
import { Rng } from '../ecs/rng.js';
import { Dir, placeAll, stepN, tinySim, tinySpec } from './helpers/tinyWorld.js';
import { applesOf } from '../systems/apples/index.js';
import { cleanUpOf } from '../systems/cleanUp/index.js';
import { matrixOf } from '../systems/matrix/index.js';

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
  allelopathic_harvest__open: 13,
  bach_or_stravinsky_in_the_matrix__arena: 7,
  bach_or_stravinsky_in_the_matrix__repeated: 8,
  chicken_in_the_matrix__arena: 7,
  stag_hunt_in_the_matrix__arena: 8,
  pure_coordination_in_the_matrix__arena: 9,
  pure_coordination_in_the_matrix__repeated: 6,
  rationalizable_coordination_in_the_matrix__arena: 9,
  rationalizable_coordination_in_the_matrix__repeated: 6,
  running_with_scissors_in_the_matrix__arena: 8,
  running_with_scissors_in_the_matrix__one_shot: 4,
  running_with_scissors_in_the_matrix__repeated: 9,
  coins: 7,
  territory__inside_out: 6,
  territory__open: 4,
  territory__rooms: 14,
};

/** Scenario numbers Melting Pot left out (`territory__rooms_6` deleted, configs/scenarios/__init__.py:5039-5040). */
const MP_GAPS: Readonly<Record<string, readonly number[]>> = { territory__rooms: [6] };

function mpScenarios(): ScenarioSpec[] {
  return scenarioNames().map(getScenario).filter((s) => s.source !== null);
}

/** The scenario's bots that stand in for a trained Melting Pot bot (Melting Pot's `noop_bot` is Crucible's `noop`). */
function botsOf(s: ScenarioSpec): BotSpec[] {
  return s.bots.filter((b) => b !== 'noop').map((b) => {
    const spec = findBotSpec(b);
    assert.ok(spec, `${s.name}: ${b} has a stand-in`);
    return spec;
  });
}

describe('scenarios: Melting Pot\'s, as data (MP configs/scenarios/__init__.py, configs/bots/__init__.py)', () => {
  it('ships every one of Melting Pot\'s scenarios for the substrates Crucible implements, and each substrate\'s count', () => {
    const all = mpScenarios();
    assert.equal(all.length, Object.values(MP_COUNTS).reduce((a, b) => a + b, 0));
    for (const [substrate, n] of Object.entries(MP_COUNTS)) {
      const names = scenariosOf(substrate).map((s) => s.name);
      const numbers = Array.from({ length: n + (MP_GAPS[substrate]?.length ?? 0) }, (_, i) => i).filter((i) => !MP_GAPS[substrate]?.includes(i));
      assert.deepEqual(names, numbers.map((i) => `${substrate}_${i}`), substrate);
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

  it('commons_harvest__open_1 is visited by two pacifists who harvest unsustainably (MP configs/scenarios/__init__.py:1958)', () => {
    const s = getScenario('commons_harvest__open_1');
    assert.equal(s.source, 'meltingpot/configs/scenarios/__init__.py:1958');
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
  if (substrate.startsWith('territory')) return 'random';
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
      // An apple that regrows under a bot is eaten without the bot's choice (regrowApples.ts): only chosen eats count.
      if (e.regrew) continue;
      const apple = sim.world.grid.at(e.x, e.y, Layer.Logic);
      const i = applesOf(sim)!.indexOf[apple];
      if (i >= 0 && applesOf(sim)!.startCounts[i] < 3) rec.eatenSparse[e.slot]++;
    }
  });
  events.subscribe('interaction', (batch) => {
    const st = matrixOf(sim);
    if (!st) return;
    const k = st.classes;
    for (const e of batch) {
      // The firer: the row player, unless dyadic roles made the player it hit the row player.
      const firer = sim.spec.actions[sim.actions[e.row]].fire === 'interact' ? e.row : e.col;
      const choice = firer === e.row ? e.rowChoice : e.colChoice;
      const own = st.interactionInventories.subarray(firer * 2 * k, firer * 2 * k + k);
      const ci = sim.spec.matrix?.resources.findIndex((r) => r.name === choice) ?? -1;
      const lead = ci < 0 ? 0 : Math.min(...Array.from(own).map((v, j) => (j === ci ? Infinity : own[ci] - v)));
      rec.fired.push({ slot: firer, choice, lead });
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
  if (p.kind === 'scheduled_flip' || p.kind === 'class_flip') return [p.initialMargin, p.finalMargin];
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
        // Melting Pot's `noop_bot` (Crucible's `noop`): it never acts.
        if (env.labels[slot] === 'noop') {
          assert.ok(s.bots.includes('noop'));
          assert.equal(rec.zaps[slot], 0, `noop in slot ${slot} never zaps`);
          continue;
        }
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
            if (p.kind === 'class_specialist') {
              assert.equal(f.choice, getSubstrate(s.substrate).matrix?.resources[p.target].name, `${who} plays class ${p.target}`);
            }
          }
        } else if (p.kind === 'territory') {
          // Territory: the claimers never zap; the others zap only with a goal that zaps.
          const zapping = ['AGGRESS', 'ZAP_OTHERS', 'DESTROY_RESOURCE', 'CLAIM_TOLERANT'];
          assert.ok(rec.zapGoals[slot].every((g) => zapping.includes(g)), `${who} zapped with goals ${[...new Set(rec.zapGoals[slot])].join(',')}`);
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
      if (s.substrate.includes('in_the_matrix')) {
        // A one-shot episode ends at its first interaction, which the focal player may start.
        const oneShot = getSubstrate(s.substrate).matrix?.interaction.endEpisodeOnFirstInteraction === true;
        assert.ok(rec.fired.some((f) => background.includes(f.slot)) || (oneShot && rec.fired.length === 1), 'a bot interacted');
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The stand-ins' behaviours, one by one.

describe('scripted stand-ins: Commons Harvest (pacifist or zapper, sustainable or not)', () => {
  // A plus-shaped patch of 5 apples above an empty floor; the bot starts below it.
  const PATCH = ['WWWWWWW', 'W  A  W', 'W AAA W', 'W  A  W', 'W     W', 'W  P  W', 'WWWWWWW'];

  it('a pacifist never zaps a player in its beam; a free bot (zapper) does (open_0 "zap", open_1 "pacifists")', () => {
    for (const zaps of [false, true]) {
      const sim = tinySim(tinySpec(['WWWWW', 'W   W', 'W   W', 'WPP W', 'WWWWW'], { players: 2 }));
      placeAll(sim, [[0, 2, 3, Dir.N], [1, 2, 2, Dir.N]]);
      const bot = harvesterBot(sim, 'bot', { zaps, sustainable: false });
      assert.equal(sim.spec.actions[bot.act(sim, 0)].fire === 'zap', zaps, `zaps: ${zaps}`);
    }
  });

  it('a harvester with no apple to walk to acts exactly as when it searched the whole map for one (the search is skipped, not the behaviour)', () => {
    // The reference: the harvester as it was before the skip, always searching (systems/policies/harvesters.ts, act).
    const searching = (sim: Sim, traits: { zaps: boolean; sustainable: boolean }): Bot => {
      const m = moveActions(sim);
      const zap = sim.spec.actions.findIndex((x) => x.fire === 'zap');
      const a = applesOf(sim)!;
      const target = (e: number): boolean => a.indexOf[e] >= 0 && (!traits.sustainable || a.liveNeighbors[a.indexOf[e]] >= SUSTAINABLE_MIN_NEIGHBOURS);
      const enter = traits.sustainable
        ? (x: number, y: number): boolean => {
          const e = sim.world.grid.at(x, y, Layer.Lower);
          return e === 0 || a.indexOf[e] < 0 || target(e);
        }
        : undefined;
      const isGoal = (cell: number): boolean => {
        const e = sim.world.grid.atCell(cell, Layer.Lower);
        return e !== 0 && target(e);
      };
      const avoid = (cell: number): boolean => {
        const e = sim.world.grid.atCell(cell, Layer.Lower);
        return traits.sustainable && e !== 0 && a.indexOf[e] >= 0 && !target(e);
      };
      return {
        name: 'searching',
        act(s: Sim, slot: number): number {
          const { c, rng } = s.world;
          const me = s.avatars[slot];
          if (traits.zaps && c.Cooldown.timer[me] === 0 && zapWouldHit(s, slot)) return zap;
          const d = firstStep(s, slot, isGoal, avoid, false);
          if (d >= 0) return stepAction(m, c.Orientation.dir[me], d);
          const apple = nearestOnLayer(s, slot, Layer.Lower, target);
          if (apple !== 0) return stepToward(s, slot, c.Position.x[apple], c.Position.y[apple], m, enter);
          const r = rng.int(4);
          const w = r === 0 ? m.turnLeft : r === 1 ? m.turnRight : m.forward;
          if (w !== m.forward || !enter) return w;
          return stepToward(s, slot, c.Position.x[me] + 1, c.Position.y[me], m, enter);
        },
      };
    };
    // Seven players on Commons Harvest's own map: free (zapping, unsustainable) bots strip it; sustainable ones are
    // then left with apples too sparse to eat, and later with none.
    const traits = [true, true, true, true, false, false, false].map((zaps, i) => ({ zaps, sustainable: i >= 4 }));
    const run = (make: (sim: Sim, t: { zaps: boolean; sustainable: boolean }) => Bot): { trace: number[]; stripped: number; sparse: number } => {
      const sim = tinySim(getSubstrate('commons_harvest__open'), 11);
      traits.forEach((t, slot) => (sim.bots[slot] = make(sim, t)));
      const trace: number[] = [];
      let stripped = 0, sparse = 0;
      for (let t = 0; t < 1500; t++) {
        stepN(sim, 1);
        const a = applesOf(sim)!;
        if (a.liveCount === 0) stripped++;
        else if (![...a.live].some((l, i) => l === 1 && a.liveNeighbors[i] >= SUSTAINABLE_MIN_NEIGHBOURS)) sparse++;
        for (let slot = 0; slot < 7; slot++) trace.push(sim.world.c.Position.x[sim.avatars[slot]], sim.world.c.Position.y[sim.avatars[slot]], sim.world.c.Orientation.dir[sim.avatars[slot]]);
      }
      return { trace, stripped, sparse };
    };
    const now = run((sim, t) => harvesterBot(sim, 'bot', t));
    const before = run(searching);
    assert.ok(now.stripped >= 100, `the map is stripped for a while (${now.stripped} ticks), so the skip is taken`);
    assert.ok(now.sparse >= 1, `live apples too sparse for the sustainable ones at some tick (${now.sparse})`);
    assert.equal(now.trace.length, before.trace.length);
    const first = now.trace.findIndex((v, i) => v !== before.trace[i]);
    assert.equal(first, -1, `every position and orientation of every player, every tick: tick ${Math.floor(first / 21)} differs`);
  });

  it('an unsustainable harvester strips a patch: every apple eaten, none ever regrows (no live neighbour: p = 0)', () => {
    const sim = tinySim(tinySpec(PATCH), 5);
    sim.bots[0] = harvesterBot(sim, 'bot', { zaps: false, sustainable: false });
    stepN(sim, 60);
    assert.equal(applesOf(sim)!.liveCount, 0, 'stripped');
    stepN(sim, 2000);
    assert.equal(applesOf(sim)!.liveCount, 0, 'a dead patch');
  });

  it('a sustainable harvester never eats an apple with fewer than 3 live neighbours, so the patch lives on and regrows', () => {
    const sim = tinySim(tinySpec(PATCH), 5);
    sim.bots[0] = harvesterBot(sim, 'bot', { zaps: false, sustainable: true });
    let eaten = 0, minLive = Infinity;
    sim.world.events.subscribe('apple_eaten', (b) => (eaten += b.length));
    for (let t = 0; t < 3000; t++) {
      stepN(sim, 1);
      minLive = Math.min(minLive, applesOf(sim)!.liveCount);
    }
    assert.ok(eaten >= 2, `it eats (${eaten})`);
    assert.ok(minLive >= 3, `the patch never drops below 3 live apples (${minLive})`);
  });
});

describe('scripted stand-ins: Clean Up puppeteers (MP utils/puppeteers/clean_up.py, alternator.py)', () => {
  /** A clean_up sim whose slot 0 sees `others` other cleaners (NUM_OTHERS_WHO_CLEANED_THIS_STEP) and is removed or not. */
  function signal(sim: Sim, others: number, removed = false): void {
    cleanUpOf(sim)!.cleaning.cleanedPrev[0] = 0;
    cleanUpOf(sim)!.cleaning.prevCount = others;
    sim.world.c.Removed.until[sim.avatars[0]] = removed ? sim.world.tick + 1000 : 0;
  }
  function goals(name: string, signals: (t: number) => [number, boolean?], steps: number): string[] {
    const spec = findBotSpec(name);
    assert.ok(spec);
    const choose = cleanUpGoalChooser(spec.policy);
    assert.ok(choose);
    const sim = tinySim(getSubstrate('clean_up'));
    const out: string[] = [];
    for (let t = 0; t < steps; t++) {
      const [others, removed] = signals(t);
      signal(sim, others, removed ?? false);
      out.push(choose(sim, 0));
    }
    return out;
  }
  const runs = (g: string[]): string => {
    const out: string[] = [];
    for (let i = 0; i < g.length; ) {
      let j = i;
      while (j < g.length && g[j] === g[i]) j++;
      out.push(`${g[i]}×${j - i}`);
      i = j;
    }
    return out.join(' ');
  };

  it('alternator_first_cleans / first_eats take turns every 200 steps (MP utils/puppeteers/alternator.py:50-58, steps_per_goal 200)', () => {
    assert.equal(runs(goals('clean_up__puppet_alternator_first_cleans_0', () => [0], 600)), 'CLEAN×200 EAT×200 CLEAN×200');
    assert.equal(runs(goals('clean_up__puppet_alternator_first_eats_0', () => [0], 600)), 'EAT×200 CLEAN×200 EAT×200');
    assert.equal(runs(goals('clean_up__puppet_free_rider_to_zapper_alternator_0', () => [0], 90)), 'EAT×30 SANCTION×30 EAT×30');
  });

  it('the nice reciprocator cleans for its first 200 steps, then eats while nobody cleans (MP utils/puppeteers/clean_up.py:105-141, niceness_period 200)', () => {
    assert.equal(runs(goals('clean_up__puppet_nice_low_threshold_reciprocator_0', () => [0], 300)), 'CLEAN×200 EAT×100');
  });

  it('the reciprocator cleans for 75 steps once 2 others cleaned within its 5-step window, and not for cleaning spread wider (MP clean_up.py:120-134)', () => {
    // Cleaners seen at steps 10 and 12: the window holds both on steps 12, 13 and 14, each pushing the end of
    // cleaning to step + 75 (max(clean_until, step_count + reciprocation_period)) → clean on steps 12 … 88.
    assert.equal(runs(goals('clean_up__puppet_low_threshold_reciprocator_0', (t) => [t === 10 || t === 12 ? 1 : 0], 120)), 'EAT×12 CLEAN×77 EAT×31');
    // Steps 10 and 16 are never in one window: no reciprocation.
    assert.equal(runs(goals('clean_up__puppet_low_threshold_reciprocator_0', (t) => [t === 10 || t === 16 ? 1 : 0], 120)), 'EAT×120');
    // The suspicious one needs 3.
    assert.equal(runs(goals('clean_up__puppet_high_threshold_reciprocator_0', (t) => [t === 10 || t === 12 ? 1 : 0], 120)), 'EAT×120');
  });

  it('the corrigible reciprocator free rides until it has spent 50 × corrigible_threshold steps zapped out, then reciprocates (MP clean_up.py:221-265)', () => {
    // corrigible_reciprocator_0: threshold 1 → 50 removed steps. Others clean all the time.
    const g = goals('clean_up__puppet_corrigible_reciprocator_0', (t) => [2, t >= 100 && t < 150], 300);
    assert.equal(runs(g), 'EAT×149 CLEAN×151', 'eats through its first 49 removed steps; the 50th makes it nice, then others\' cleaning keeps it cleaning');
    // corrigible_reciprocator_2: threshold 3 → 150 removed steps; 50 are not enough.
    assert.equal(runs(goals('clean_up__puppet_corrigible_reciprocator_2', (t) => [2, t >= 100 && t < 150], 300)), 'EAT×300');
  });

  it('the sanctioning alternator sanctions for 100 steps once fewer than 2 of the last 50 steps saw anyone clean; the nice one cleans first (MP clean_up.py:312-359)', () => {
    // Its memory starts full (50 × 1): with nobody cleaning the sum drops below 2 on step 48.
    assert.equal(runs(goals('clean_up__puppet_sanctioning_alternator_0', () => [0], 148)), 'EAT×48 SANCTION×100');
    assert.equal(runs(goals('clean_up__puppet_sanctioning_alternator_nice_0', () => [0], 148)), 'CLEAN×48 SANCTION×100');
    // With others cleaning every step it alternates (nice: clean 200, eat 200; not nice: always eat).
    assert.equal(runs(goals('clean_up__puppet_sanctioning_alternator_nice_0', () => [1], 400)), 'CLEAN×200 EAT×200');
    assert.equal(runs(goals('clean_up__puppet_sanctioning_alternator_0', () => [1], 400)), 'EAT×400');
  });

  it('a cleaner cleans the river and a consumer never does (MP configs/bots/__init__.py:1057-1071, clean_up__cleaner_*, clean_up__consumer_*)', () => {
    for (const [name, cleans] of [['clean_up__cleaner_0', true], ['clean_up__consumer_0', false]] as const) {
      const sim = tinySim(getSubstrate('clean_up'), 2);
      const spec = findBotSpec(name);
      assert.ok(spec);
      for (let s = 0; s < sim.players; s++) sim.bots[s] = createScriptedBot(spec, sim);
      const before = cleanUpOf(sim)!.dirt.dirtyCount;
      let cleaned = 0;
      sim.world.events.subscribe('dirt_cleaned', (b) => (cleaned += b.length));
      stepN(sim, 200);
      assert.equal(cleaned > 0, cleans, `${name}: ${cleaned} cells cleaned (river ${before} → ${cleanUpOf(sim)!.dirt.dirtyCount} dirty)`);
    }
  });
});

describe('scripted stand-ins: Matrix puppeteers (MP utils/puppeteers/in_the_matrix.py)', () => {
  const C = 0, D = 1, NONE = -1;
  /** Cooperate? after each partner choice (an interaction each step). */
  function play(policy: BotPolicy, partners: readonly number[], seed = 1): string {
    assert.ok(isMatrixPolicy(policy));
    const p = puppeteerFor(policy, C, D);
    const rng = new Rng(seed);
    return partners.map((x) => {
      p.step(rng, x !== NONE, x);
      return `${p.cooperate ? 'C' : 'D'}${p.margin}`;
    }).join(' ');
  }
  const spec = (name: string): BotPolicy => {
    const b = findBotSpec(name);
    assert.ok(b, name);
    return b.policy;
  };

  it('a two-strikes grim reciprocator cooperates until its partners defected twice, then defects for good (MP in_the_matrix.py:341-360, threshold 2)', () => {
    assert.equal(play(spec('prisoners_dilemma_in_the_matrix__repeated__puppet_grim_two_strikes_margin_1'), [NONE, D, C, NONE, D, C, C]), 'C7 C7 C7 C7 D7 D7 D7');
  });

  it('tit-for-tat copies the partner\'s last clear choice and keeps its play when there is none (MP in_the_matrix.py:410-433, no tremble)', () => {
    assert.equal(play(spec('stag_hunt_in_the_matrix__repeated__puppet_tft_margin_0'), [NONE, D, NONE, C, D, D, C]), 'C5 D5 D5 C5 D5 D5 C5');
  });

  it('a trembling tit-for-tat flips about 15% of its decisions (MP in_the_matrix.py:88-90, 420-423: tremble_probability 0.15; binomial bounds at 4.5σ)', () => {
    const n = 4000;
    const out = play(spec('chicken_in_the_matrix__repeated__puppet_tft_tremble_margin_0'), Array<number>(n).fill(C), 3).split(' ');
    const flips = out.filter((x) => x.startsWith('D')).length;
    const sd = Math.sqrt(n * 0.15 * 0.85);
    assert.ok(Math.abs(flips - n * 0.15) < 4.5 * sd, `${flips} flips in ${n}`);
  });

  it('a corrigible bot defects until defected on 3 times, cooperates at the switch, then plays tit-for-tat (MP in_the_matrix.py:499-537, threshold 3)', () => {
    assert.equal(play(spec('prisoners_dilemma_in_the_matrix__repeated__puppet_corrigible_0'), [NONE, C, D, D, NONE, D, NONE, D, C]), 'D5 D5 D5 D5 D5 C5 C5 D5 C5');
  });

  it('the scheduled flip cooperates with margin 1 for 3 interactions, then defects with margin 5 (MP in_the_matrix.py:275-293)', () => {
    assert.equal(play(spec('chicken_in_the_matrix__repeated__puppet_flip_0'), [NONE, C, NONE, D, C, NONE, C]), 'C1 C1 C1 C1 D5 D5 D5');
  });

  it('the arena\'s "corrigible" bots are configured as tit-for-tat (bots/__init__.py), and play it', () => {
    const p = spec('prisoners_dilemma_in_the_matrix__arena__puppet_corrigible_0');
    assert.deepEqual(p, { kind: 'tit_for_tat', margin: 5, tremble: 0 });
    assert.equal(play(p, [NONE, D, C]), 'C5 D5 C5');
  });
});

describe('scripted stand-ins: determinism', () => {
  it('two runs of a scenario with the same seed agree at every step (bots draw only from the world\'s generator, trembles included)', () => {
    for (const name of ['commons_harvest__partnership_3', 'clean_up_16', 'prisoners_dilemma_in_the_matrix__arena_21', 'chicken_in_the_matrix__repeated_9']) {
      const s = getScenario(name);
      const trace = (): string[] => {
        const env = new Environment({ substrate: s.substrate, scenario: name, seed: 9, focalPolicy: 'random', metrics: false, monitor: false });
        env.reset();
        const out: string[] = [];
        for (let t = 0; t < 400; t++) {
          env.step();
          out.push(`${Array.from(env.sim.actions).join(',')}|${Array.from(env.sim.returns).join(',')}`);
        }
        return out;
      };
      const a = trace(), b = trace();
      for (let t = 0; t < a.length; t++) assert.equal(b[t], a[t], `${name}: step ${t + 1}`);
    }
  });
});
