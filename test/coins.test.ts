/**
 * Coins (Melting Pot `configs/substrates/coins.py`, `lua/levels/coins/components.lua`, `utils/puppeteers/coins.py`):
 * the map, the colours, collection and its mixed-motive payoff, regrowth, the partner signal, the fairness events,
 * the scenarios' bots. MP paths are relative to the Melting Pot repository at commit 81ee2e7.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { Environment } from '../systems/environment.js';
import { coinsOf, type CoinsState } from '../systems/coins/index.js';
import { setCoinLive } from '../systems/coins/regrowCoins.js';
import { COIN_COLOURS, substrate as COINS_SPEC } from '../substrates/coins.js';
import { getScenario, findBotSpec, scenariosOf } from '../substrates/scenarios.js';
import type { BotPolicy, SubstrateSpec } from '../substrates/types.js';
import { Layer } from '../systems/layers.js';
import { renderRgb, renderSymbolic, renderWorld, SYMBOL_NAMES } from '../systems/renderObservations.js';
import { seenObjects } from '../systems/textObservations.js';
import { CoinsReciprocator } from '../systems/policies/coins.js';
import { createScriptedBot } from '../systems/policies/scriptedBots.js';
import { createBot } from '../systems/policies/index.js';
import { observationNames, vectorLayout, writeVectorObservations } from '../systems/vectorObservations.js';
import type { Sim } from '../systems/sim.js';
import { Dir, place, step, stepN, tinySim } from './helpers/tinyWorld.js';

/** A small room: spawn points `_` at (1, 1) and (5, 1), coin cells everywhere else inside. */
const ROOM = [
  'WWWWWWW',
  'W_CCC_W',
  'WCCCCCW',
  'WWWWWWW',
];

function roomSpec(regrowProbability = 0, map: readonly string[] = ROOM): SubstrateSpec {
  const coins = COINS_SPEC.coins;
  assert.ok(coins);
  return {
    ...COINS_SPEC,
    name: 'coins_room',
    map,
    population: { ...COINS_SPEC.population, randomizeInitialOrientation: false },
    coins: { ...coins, regrowProbability },
  };
}

function state(sim: Sim): CoinsState {
  const st = coinsOf(sim);
  assert.ok(st, 'the sim has coins');
  return st;
}

/** Coin index at (x, y), live or waiting. */
function coinAt(sim: Sim, x: number, y: number): number {
  const st = state(sim);
  for (const layer of [Layer.Lower, Layer.Logic]) {
    const i = st.indexOf[sim.world.grid.at(x, y, layer)];
    if (i >= 0) return i;
  }
  assert.fail(`no coin at (${x}, ${y})`);
}

/** Make the coin at (x, y) live in the colour of player type `type`. */
function liveCoin(sim: Sim, x: number, y: number, type: number): void {
  setCoinLive(sim, state(sim), coinAt(sim, x, y), type);
}

function isLive(sim: Sim, x: number, y: number): boolean {
  return state(sim).indexOf[sim.world.grid.at(x, y, Layer.Lower)] >= 0;
}

/** Two players in the room: 0 at (1, 1) facing east, 1 at (5, 1) facing west. */
function room(regrowProbability = 0, seed = 1): Sim {
  const sim = tinySim(roomSpec(regrowProbability), seed);
  place(sim, 0, 1, 1, Dir.E);
  place(sim, 1, 5, 1, Dir.W);
  return sim;
}

describe('coins: the substrate data (MP configs/substrates/coins.py)', () => {
  it('is get_ascii_map at its largest room: 15 × 15 coin cells walled in a 17 × 17 frame, spawn points one in from the top-right and bottom-left corners (coins.py:45-83)', () => {
    const map = COINS_SPEC.map;
    assert.equal(map.length, 17);
    for (const row of map) assert.equal(row.length, 17);
    assert.equal(map[0], 'W'.repeat(17));
    assert.equal(map[16], 'W'.repeat(17));
    const spawns: [number, number][] = [];
    map.forEach((row, y) => [...row].forEach((ch, x) => {
      if (ch === '_') spawns.push([x, y]);
      const edge = x === 0 || y === 0 || x === 16 || y === 16;
      assert.equal(ch === 'W', edge, `(${x}, ${y})`);
    }));
    // `row == 1`: ascii_map[-3] (inner column width − 2); `row == height − 2`: ascii_map[-width] (inner column 1).
    assert.deepEqual(spawns, [[14, 2], [2, 14]]);
    assert.deepEqual(COINS_SPEC.legend, { W: ['wall'], C: ['coin'], _: ['spawn:spawnPoints'] });
  });

  it('has Melting Pot\'s payoffs, regrowth rate, colours, episode ending, view and actions', () => {
    // get_prefabs defaults (coins.py:401-409): regrow_rate 0.0005, rewards 1, 1, 0, −2.
    assert.deepEqual(COINS_SPEC.coins?.rewards, { selfForMatch: 1, selfForMismatch: 1, otherForMatch: 0, otherForMismatch: -2 });
    assert.equal(COINS_SPEC.coins?.regrowProbability, 0.0005);
    // COIN_PALETTES (coins.py:36-42).
    assert.deepEqual(COIN_COLOURS.map((c) => [c.name, ...c.color]), [
      ['red', 238, 102, 119], ['blue', 68, 119, 170], ['yellow', 204, 187, 68], ['green', 34, 136, 51], ['purple', 170, 51, 119],
    ]);
    // StochasticIntervalEpisodeEnding (coins.py:121-127), maxEpisodeLengthFrames (:517).
    assert.deepEqual(COINS_SPEC.episode, { maxSteps: 5000, minimumSteps: 300, interval: 100, probability: 0.05 });
    // view (coins.py:321-327), MANDATED_NUM_PLAYERS (:34), ACTION_SET (:442-450), observation names (:467-471).
    assert.deepEqual(COINS_SPEC.observation.view, { left: 5, right: 5, forward: 9, backward: 1 });
    assert.equal(COINS_SPEC.population.players, 2);
    assert.deepEqual(COINS_SPEC.actions.map((a) => a.name), ['NOOP', 'FORWARD', 'BACKWARD', 'STEP_LEFT', 'STEP_RIGHT', 'TURN_LEFT', 'TURN_RIGHT']);
    assert.deepEqual(COINS_SPEC.observation.names.slice(0, 2), ['RGB', 'MISMATCHED_COIN_COLLECTED_BY_PARTNER']);
  });
});

describe('coins: colours (MP coins.py:500-509)', () => {
  it('gives the two players two distinct colours each episode, every colour and both orders turning up over episodes', () => {
    const env = new Environment({ substrate: 'coins', seed: 5, metrics: false, monitor: false });
    const seen = new Set<string>();
    const used = new Set<number>();
    for (let e = 0; e < 200; e++) {
      env.reset();
      const st = state(env.sim);
      assert.notEqual(st.typeColour[0], st.typeColour[1], `episode ${e}`);
      seen.add(`${st.typeColour[0]},${st.typeColour[1]}`);
      used.add(st.typeColour[0]).add(st.typeColour[1]);
      assert.deepEqual([...st.avatarColour], [1 + st.typeColour[0], 1 + st.typeColour[1]]);
    }
    assert.equal(used.size, 5);
    assert.ok(seen.size >= 18, `${seen.size} of the 20 ordered pairs in 200 episodes`);
  });

  it('draws each player, itself included, in its coin colour (no Self palette in coins: coins.py:299-307)', () => {
    const sim = room();
    const st = state(sim);
    const own = COIN_COLOURS[st.typeColour[0]].color;
    const frame = new Uint8Array(11 * 8 * 11 * 8 * 3);
    renderRgb(sim, 0, frame);
    // The observer sits at row 9, column 5 of its window; CUTE_AVATAR_N's row 1 is 'xx*xx*xx': pixel (2, 1) is '*'.
    const at = ((9 * 8 + 1) * 88 + 5 * 8 + 2) * 3;
    assert.deepEqual([...frame.subarray(at, at + 3)], [...own]);
    // In WORLD.RGB player 1 at (5, 1), facing west: CUTE_AVATAR_W's row 1 is 'xxx*x*xx', pixel (3, 1) is '*'.
    const world = new Uint8Array(sim.height * 8 * sim.width * 8 * 3);
    renderWorld(sim, world);
    const w = ((1 * 8 + 1) * sim.width * 8 + 5 * 8 + 3) * 3;
    assert.deepEqual([...world.subarray(w, w + 3)], [...COIN_COLOURS[st.typeColour[1]].color]);
  });

  it('draws a live coin in the colour of its owner, and nothing where a coin waits (coins.py:227-251)', () => {
    const sim = room();
    const st = state(sim);
    liveCoin(sim, 2, 2, 0);
    liveCoin(sim, 3, 2, 1);
    const world = new Uint8Array(sim.height * 8 * sim.width * 8 * 3);
    renderWorld(sim, world);
    const mean = (cx: number, cy: number): number[] => {
      const sum = [0, 0, 0];
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) for (let ch = 0; ch < 3; ch++) sum[ch] += world[(((cy * 8 + y) * sim.width * 8) + cx * 8 + x) * 3 + ch];
      return sum;
    };
    const dist = (a: number[], rgb: readonly number[]): number => {
      const n = Math.hypot(...a) || 1, m = Math.hypot(...rgb);
      return 1 - (a[0] * rgb[0] + a[1] * rgb[1] + a[2] * rgb[2]) / (n * m);
    };
    const c0 = COIN_COLOURS[st.typeColour[0]].color, c1 = COIN_COLOURS[st.typeColour[1]].color;
    assert.ok(dist(mean(2, 2), c0) < dist(mean(2, 2), c1), 'the first player\'s coin is in its colour');
    assert.ok(dist(mean(3, 2), c1) < dist(mean(3, 2), c0), 'the second player\'s coin is in its colour');
    assert.deepEqual(mean(4, 2), [0, 0, 0], 'a waiting coin (logic layer) draws nothing on the black floor');
  });
});

describe('coins: the symbolic and text views', () => {
  it('codes a coin by its colour, and tells a text agent its own coins from its partner\'s', () => {
    const sim = room();
    const st = state(sim);
    liveCoin(sim, 2, 1, 0);
    liveCoin(sim, 3, 1, 1);
    const kinds = (slot: number): string[] => seenObjects(sim, slot).filter((o) => o.kind.endsWith('coin')).map((o) => `${o.kind}@${o.x},${o.y}`).sort();
    assert.deepEqual(kinds(0), ['own_coin@2,1', 'partner_coin@3,1']);
    assert.deepEqual(kinds(1), ['own_coin@3,1', 'partner_coin@2,1']);
    const codes = new Uint8Array(121);
    renderSymbolic(sim, 0, codes);
    // Player 0 at (1, 1) faces east: (2, 1) is one ahead (row 8, column 5).
    assert.equal(SYMBOL_NAMES[codes[8 * 11 + 5]], `coin${1 + st.typeColour[0]}`);
  });
});

describe('coins: collecting (MP lua/levels/coins/components.lua:93-166)', () => {
  it('pays +1 for a coin of one\'s own colour and nothing to the partner (:115-125)', () => {
    const sim = room();
    liveCoin(sim, 2, 1, 0);
    assert.deepEqual([...step(sim, { 0: 'FORWARD' })], [1, 0]);
    assert.equal(isLive(sim, 2, 1), false, 'the coin waits once collected (:147)');
    assert.deepEqual([...state(sim).matched], [1, 0]);
  });

  it('pays +1 for the partner\'s coin and −2 to the partner, for either player (:126-137)', () => {
    const sim = room();
    liveCoin(sim, 2, 1, 1);
    liveCoin(sim, 4, 1, 0);
    assert.deepEqual([...step(sim, { 0: 'FORWARD', 1: 'FORWARD' })], [1 - 2, 1 - 2]);
    assert.deepEqual([...state(sim).mismatched], [1, 1]);
    assert.deepEqual([...sim.returns], [-1, -1]);
  });

  it('sets MISMATCHED_COIN_COLLECTED_BY_PARTNER of the victim for that one step only (PartnerTracker :281-328)', () => {
    const sim = room();
    liveCoin(sim, 2, 1, 1);
    const layout = vectorLayout(sim);
    assert.deepEqual(layout, [{ name: 'MISMATCHED_COIN_COLLECTED_BY_PARTNER', offset: 0, length: 1 }]);
    const out = new Float64Array(1);
    const signal = (slot: number): number => {
      writeVectorObservations(sim, slot, layout, out);
      return out[0];
    };
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual([signal(0), signal(1)], [0, 1]);
    step(sim);
    assert.deepEqual([signal(0), signal(1)], [0, 0], 'cleared by the next step\'s preUpdate (:300-303)');
    // Taking one's own coin is no signal.
    liveCoin(sim, 3, 1, 0);
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual([signal(0), signal(1)], [0, 0]);
  });

  it('keeps the partner signal out of what a focal player gets in a scenario (meltingpot/scenario.py:47-60)', () => {
    assert.deepEqual(observationNames(COINS_SPEC.observation.names, 'permitted'), ['RGB', 'COLLECTIVE_REWARD']);
  });

  it('collects only on entering: a coin that appears under a standing player waits for it to step off and back (Lab2D onEnter)', () => {
    const sim = room();
    place(sim, 0, 2, 2, Dir.E);
    liveCoin(sim, 2, 2, 0);
    assert.deepEqual([...step(sim)], [0, 0]);
    assert.equal(isLive(sim, 2, 2), true);
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual([...step(sim, { 0: 'BACKWARD' })], [1, 0]);
  });
});

describe('coins: regrowth (MP ChoiceCoinRegrow, lua/levels/coins/components.lua:169-200)', () => {
  it('starts every coin waiting (initialState "coinWait", coins.py:225): nothing live at tick 0', () => {
    const sim = tinySim(COINS_SPEC, 3);
    const st = state(sim);
    assert.equal(st.count, 15 * 15 - 2);
    assert.equal(st.liveCount, 0);
  });

  it('with probability 1, every waiting coin is live after one tick, in either colour with equal chance (random:choice, :197)', () => {
    const spec = { ...COINS_SPEC, name: 'coins_p1', coins: { ...(COINS_SPEC.coins as NonNullable<SubstrateSpec['coins']>), regrowProbability: 1 } };
    let type0 = 0, total = 0;
    for (const seed of [1, 2, 3, 4]) {
      const sim = tinySim(spec, seed);
      step(sim);
      const st = state(sim);
      assert.equal(st.liveCount, st.count);
      for (let i = 0; i < st.count; i++) {
        total++;
        if (st.state[i] === 1) type0++;
      }
    }
    const sd = Math.sqrt(total / 4);
    assert.ok(Math.abs(type0 - total / 2) < 4.5 * sd, `${type0} of ${total} in the first colour`);
  });

  it('a coin collected on tick t does not come back on tick t, and may from t + 1 (updaters land after the moves)', () => {
    const sim = room(1);
    step(sim); // every coin live
    assert.equal(isLive(sim, 2, 1), true);
    step(sim, { 0: 'FORWARD' });
    assert.equal(isLive(sim, 2, 1), false, 'collected this tick: still waiting');
    step(sim, { 0: 'BACKWARD' });
    assert.equal(isLive(sim, 2, 1), true, 'back the next tick with p = 1');
  });

  it('regrows at 0.0005 a tick: after 2000 ticks about 1 − e^(−1) of the 223 coins are live (within 4.5σ, fixed seed)', () => {
    const sim = tinySim(COINS_SPEC, 7);
    stepN(sim, 2000);
    const p = 1 - Math.pow(1 - 0.0005, 2000);
    const n = 223, mean = n * p, sd = Math.sqrt(n * p * (1 - p));
    const live = state(sim).liveCount;
    assert.ok(Math.abs(live - mean) < 4.5 * sd, `${live} live, expected ${mean.toFixed(1)} ± ${sd.toFixed(1)}`);
  });
});

describe('coins: fairness events (exploitation = taking the partner\'s coin, defence = taking one\'s own coin from under its nose)', () => {
  it('reports a landed hostile act on the partner for a coin of its colour, and a defended one when the owner takes its coin beside the partner', () => {
    const sim = room();
    const seen: string[] = [];
    sim.world.events.subscribe('hostile_attempt', (batch) => {
      for (const e of batch) seen.push(`${e.attacker}->${e.target}:${e.landed ? 'landed' : 'defended'}`);
    });
    const collected: boolean[] = [];
    sim.world.events.subscribe('coin_collected', (batch) => {
      for (const e of batch) collected.push(e.matched);
    });
    liveCoin(sim, 2, 1, 1);
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(seen, ['0->1:landed']);
    // Player 1 at (4, 1) takes its own coin at (3, 1) while player 0 stands beside it at (2, 1).
    place(sim, 1, 4, 1, Dir.W);
    liveCoin(sim, 3, 1, 1);
    step(sim, { 1: 'FORWARD' });
    assert.deepEqual(seen, ['0->1:landed', '0->1:defended']);
    // Its own coin far from the partner is no act at all.
    place(sim, 1, 5, 2, Dir.W);
    liveCoin(sim, 4, 2, 1);
    step(sim, { 1: 'FORWARD' });
    assert.equal(seen.length, 2);
    assert.deepEqual(collected, [false, true, true]);
  });

  it('counts exploitation attempts and defence success in the episode metrics', () => {
    const env = new Environment({ substrate: 'coins', scenario: 'coins_6', seed: 4, monitor: false });
    env.reset();
    let attempts = 0;
    for (let t = 0; t < 1500 && !env.done; t++) {
      env.step(new Int32Array([0, 0]));
      attempts = Math.max(attempts, env.metrics?.snapshot.exploitation_attempts ?? 0);
    }
    assert.ok(attempts > 0, 'a defector partner takes the idle focal player\'s coins');
  });
});

describe('coins: scenarios and bots (MP configs/scenarios/__init__.py:1504-1591, configs/bots/__init__.py:1250-1325)', () => {
  it('has Melting Pot\'s seven scenarios, one focal player against one bot', () => {
    const all = scenariosOf('coins');
    assert.deepEqual(all.map((s) => s.name), ['coins_0', 'coins_1', 'coins_2', 'coins_3', 'coins_4', 'coins_5', 'coins_6']);
    for (const s of all) assert.deepEqual(s.isFocal, [true, false]);
    assert.deepEqual(getScenario('coins_0').bots, ['coins__puppet_cooperator_0', 'coins__puppet_defector_0']);
    assert.deepEqual(getScenario('coins_5').tags, ['exploitation', 'partner_cooperates_unconditionally']);
  });

  it('configures the reciprocators as Melting Pot does (recency window, threshold, frames to punish, spite window)', () => {
    const p = (name: string): BotPolicy | undefined => findBotSpec(name)?.policy;
    assert.deepEqual(p('coins__puppet_one_strike_reciprocator_0'), { kind: 'coins_reciprocator', recencyWindow: 100, threshold: 1, framesToPunish: 100, spitefulPunishmentWindow: 0 });
    assert.deepEqual(p('coins__puppet_one_strike_strong_reciprocator_0'), { kind: 'coins_reciprocator', recencyWindow: 100, threshold: 1, framesToPunish: 100, spitefulPunishmentWindow: 50 });
    assert.deepEqual(p('coins__puppet_three_strikes_reciprocator_0'), { kind: 'coins_reciprocator', recencyWindow: 150, threshold: 3, framesToPunish: 150, spitefulPunishmentWindow: 0 });
    assert.deepEqual(p('coins__puppet_three_strikes_strong_reciprocator_0'), { kind: 'coins_reciprocator', recencyWindow: 150, threshold: 3, framesToPunish: 150, spitefulPunishmentWindow: 75 });
  });

  it('the strong three-strikes reciprocator: spite for 75 steps, then defects to step 150 after the third defection within 150 steps (MP utils/puppeteers/coins.py:128-144)', () => {
    const r = new CoinsReciprocator({ kind: 'coins_reciprocator', recencyWindow: 150, threshold: 3, framesToPunish: 150, spitefulPunishmentWindow: 75 });
    const goals: string[] = [];
    // Defections at steps 10, 100 and 200: the first has left the 150-step window by step 200, so no trigger yet.
    for (let s = 0; s < 400; s++) goals.push(r.next(s === 10 || s === 100 || s === 200));
    assert.ok(goals.every((g) => g === 'COOPERATE'), 'two defections in any 150-step window do not trigger');
    // Three more at 400, 401, 402 (200 has left the window): triggered at step 402.
    const after: string[] = [];
    for (let s = 400; s < 800; s++) after.push(r.next(s <= 402));
    const at = (s: number): string => after[s - 400];
    assert.equal(at(401), 'COOPERATE');
    assert.equal(at(402), 'SPITE');
    assert.equal(at(402 + 74), 'SPITE');
    assert.equal(at(402 + 75), 'DEFECT');
    assert.equal(at(402 + 149), 'DEFECT');
    assert.equal(at(402 + 150), 'COOPERATE');
  });

  it('the one-strike reciprocator defects for 100 steps from the step it sees one defection, and is retriggered by another', () => {
    const r = new CoinsReciprocator({ kind: 'coins_reciprocator', recencyWindow: 100, threshold: 1, framesToPunish: 100, spitefulPunishmentWindow: 0 });
    const goals: string[] = [];
    for (let s = 0; s < 400; s++) goals.push(r.next(s === 5 || s === 50));
    assert.equal(goals[4], 'COOPERATE');
    assert.equal(goals[5], 'DEFECT');
    assert.equal(goals[149], 'DEFECT', 'the second defection at 50 restarts the 100 steps');
    assert.equal(goals[150], 'COOPERATE');
  });

  function playBots(policies: [BotPolicy, BotPolicy], steps: number, seed = 2): Sim {
    const spec = { ...COINS_SPEC, name: 'coins_rich', coins: { ...(COINS_SPEC.coins as NonNullable<SubstrateSpec['coins']>), regrowProbability: 0.01 } };
    const sim = tinySim(spec, seed);
    policies.forEach((policy, slot) => {
      sim.bots[slot] = createScriptedBot({ name: `bot${slot}`, substrate: 'coins', model: 'coins/puppet_1', puppeteer: null, source: '', policy }, sim);
    });
    stepN(sim, steps);
    return sim;
  }

  it('a cooperating bot collects only its own colour; a defecting bot both; a spiteful bot only its partner\'s', () => {
    const coop: BotPolicy = { kind: 'coins_fixed', goal: 'COOPERATE' };
    const sim = playBots([coop, { kind: 'coins_fixed', goal: 'DEFECT' }], 600);
    const st = state(sim);
    assert.ok(st.matched[0] > 10, `cooperator collected ${st.matched[0]} of its own`);
    assert.equal(st.mismatched[0], 0, 'the cooperator never took the partner\'s coin');
    assert.ok(st.matched[1] > 0 && st.mismatched[1] > 0, `the defector took both colours (${st.matched[1]}, ${st.mismatched[1]})`);
    const spite = playBots([{ kind: 'coins_fixed', goal: 'SPITE' }, coop], 600, 3);
    assert.equal(state(spite).matched[0], 0);
    assert.ok(state(spite).mismatched[0] > 0);
  });

  it('Crucible\'s own coins bots are registered for the default population', () => {
    const sim = room();
    for (const b of COINS_SPEC.population.bots) assert.equal(createBot(b, sim).name, b);
  });
});
