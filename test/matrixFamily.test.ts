/**
 * The rest of the Matrix family: Running with Scissors (three resources; __repeated, __arena, __one_shot), Bach or
 * Stravinsky (dyadic roles, random tie-breaking), the coordination games and the arenas of Chicken and the Stag Hunt.
 * Facts from Melting Pot's `configs/substrates/*_in_the_matrix__*.py` and `lua/levels/the_matrix/components.lua`,
 * cited as path:line. The determinism, spec and rendering tests every registered substrate gets run elsewhere
 * (test/substrates.test.ts, test/renderFrames.test.ts, test/observations.test.ts).
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../ecs/rng.js';
import { substrateSpecs } from '../server/specs.js';
import { getSubstrate } from '../substrates/registry.js';
import { findBotSpec, getScenario } from '../substrates/scenarios.js';
import { HUMAN_READABLE_COLORS } from '../substrates/shared.js';
import type { MatrixSpec, Prefab, SubstrateSpec } from '../substrates/types.js';
import { substrateProblems } from '../substrates/validate.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { inventoryOf } from '../systems/matrix/matrixObservations.js';
import { interactionPayoffs } from '../systems/matrix/matrixState.js';
import { matrixOf } from '../systems/matrix/index.js';
import { isMatrixPolicy, puppeteerFor } from '../systems/policies/matrix.js';
import { renderRgb, renderSymbolic, SYMBOL_CODES } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { RESOURCE_SPRITES, Sprite } from '../systems/sprites.js';
import { Dir, onMap, placeAll, pos, step, stepN, tinySim } from './helpers/tinyWorld.js';

const RWS = 'running_with_scissors_in_the_matrix__repeated';
const MP = 'meltingpot/configs/substrates';
const LUA = 'meltingpot/lua/levels/the_matrix/components.lua';

/** 7 × 6 open room, spawn points on the bottom row; `r`, `p`, `s` place one resource of each class. */
const ROOM = ['WWWWWWW', 'W rps W', 'W     W', 'W     W', 'WPPPPPW', 'WWWWWWW'];

/** `base` on `map`, no stochastic ending (unless kept), facing north on spawn. */
function roomSpec(baseName: string, map: readonly string[] = ROOM, opts: { players?: number; matrix?: Partial<MatrixSpec>; keepEpisode?: boolean } = {}): SubstrateSpec {
  const base = getSubstrate(baseName);
  return {
    ...base,
    name: `${baseName.split('__')[0]}__tiny`,
    map,
    legend: {
      W: ['wall'], ' ': ['floor'], P: ['floor', 'spawn:spawnPoints'],
      r: ['floor', 'resource:1'], p: ['floor', 'resource:2'], s: ['floor', 'resource:3'],
    } satisfies Record<string, readonly Prefab[]>,
    population: { ...base.population, players: opts.players ?? 2, randomizeInitialOrientation: false },
    episode: opts.keepEpisode ? base.episode : { maxSteps: 100_000, minimumSteps: 0, interval: 100, probability: 0 },
    matrix: { ...(base.matrix as MatrixSpec), ...opts.matrix },
  };
}

function setInventory(sim: Sim, slot: number, counts: readonly number[]): void {
  const inv = sim.world.c.Inventory;
  counts.forEach((v, k) => (inv.count[sim.avatars[slot] * inv.size + k] = v));
  (matrixOf(sim) as NonNullable<ReturnType<typeof matrixOf>>).ready[slot] = 1;
}

function inventory(sim: Sim, slot: number): number[] {
  return Array.from(inventoryOf(sim, slot, new Float64Array(matrixOf(sim)?.classes ?? 0)));
}

/** Two ready players side by side: 0 at (2, 2) facing east, 1 at (3, 2) facing north. */
function pair(spec: SubstrateSpec, row: readonly number[], col: readonly number[]): Sim {
  const sim = tinySim(spec);
  placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
  setInventory(sim, 0, row);
  setInventory(sim, 1, col);
  return sim;
}

/** Counts of each map character. */
function census(map: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ch of map.join('')) out[ch] = (out[ch] ?? 0) + 1;
  return out;
}

const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;

describe('Running with Scissors in the Matrix: three resource classes', () => {
  it(`uses rock-paper-scissors as the row matrix and its transpose for the column player (${MP}/running_with_scissors_in_the_matrix__repeated.py:254-258, ${LUA}:213-218)`, () => {
    const m = getSubstrate(RWS).matrix as MatrixSpec;
    assert.deepEqual(m.rowMatrix, [[0, -10, 10], [10, 0, -10], [-10, 10, 0]]);
    m.rowMatrix.forEach((row, i) => row.forEach((v, j) => assert.equal(m.columnMatrix[j][i], v, `column[${j}][${i}] = row[${i}][${j}]`)));
    assert.deepEqual(m.resources.map((r) => r.name), ['rock', 'paper', 'scissors']);
    assert.deepEqual(m.initialInventory, [1, 1, 1]);
  });

  it('pays the pure strategies ±10: paper beats rock, scissors beat paper, rock beats scissors, a draw pays 0', () => {
    const m = getSubstrate(RWS).matrix as MatrixSpec;
    const out = new Float64Array(2);
    const R = [3, 0, 0], P = [0, 2, 0], S = [0, 0, 5];
    for (const [row, col, want] of [[P, R, [10, -10]], [S, P, [10, -10]], [R, S, [10, -10]], [R, P, [-10, 10]], [S, S, [0, 0]]] as const) {
      interactionPayoffs(m, row, 0, col, 0, out);
      assert.deepEqual(Array.from(out), want, `${row} vs ${col}`);
    }
    // The uniform mix is the equilibrium: it pays 0 against anything. And [2, 1, 0] vs [0, 1, 2], by hand:
    // r = (2/3, 1/3, 0), c = (0, 1/3, 2/3): row = 2/3·(1/3·−10 + 2/3·10) + 1/3·(2/3·−10) = 20/9 − 20/9 = 0 … plus
    // 1/3·1/3·0; so 0. Column: the negative, 0.
    interactionPayoffs(m, [1, 1, 1], 0, [0, 0, 4], 0, out);
    assert.deepEqual(Array.from(out), [0, 0]);
    interactionPayoffs(m, [3, 1, 0], 0, [0, 1, 1], 0, out);
    // r = (3/4, 1/4, 0), c = (0, 1/2, 1/2): row = 3/4·(−5 + 5) + 1/4·(0 − 5) = −1.25; column +1.25.
    assert.ok(near(out[0], -1.25) && near(out[1], 1.25), `${Array.from(out)}`);
  });

  it('collects a third-class resource into the third inventory slot, and lays it with its own sprite (not the avatar\'s id)', () => {
    const sim = tinySim(roomSpec(RWS));
    placeAll(sim, [[0, 4, 2, Dir.N], [1, 1, 3, Dir.N]]);
    const lower = sim.world.grid.at(4, 1, Layer.Lower);
    assert.notEqual(lower, 0, 'a scissors resource at (4, 1)');
    assert.equal(sim.world.c.Sprite.id[lower], Sprite.Resource3);
    assert.notEqual(Sprite.Resource3 as number, Sprite.Avatar as number);
    assert.deepEqual(RESOURCE_SPRITES.map((s) => sim.world.c.Sprite.id[sim.world.grid.at(2 + RESOURCE_SPRITES.indexOf(s), 1, Layer.Lower)]), [...RESOURCE_SPRITES]);
    assert.deepEqual(inventory(sim, 0), [1, 1, 1]);
    step(sim, { 0: 'FORWARD' });
    assert.deepEqual(pos(sim, 0), [4, 1]);
    assert.deepEqual(inventory(sim, 0), [1, 1, 2]);
    assert.equal(matrixOf(sim)?.ready[0], 1, 'collecting makes the player ready');
  });

  it(`draws the three classes in Melting Pot's colours, rock yellow, paper violet, scissors cyan (${MP}/running_with_scissors_in_the_matrix__repeated.py:75-86), and codes them 16, 17, 18 in the symbolic window`, () => {
    const sim = tinySim(roomSpec(RWS));
    placeAll(sim, [[0, 3, 3, Dir.N], [1, 1, 3, Dir.N]]);
    const rgb = new Uint8Array(40 * 40 * 3);
    renderRgb(sim, 0, rgb);
    // The observer sits at window row 3, column 2; the resources are two rows ahead, columns 1, 2, 3.
    const px = (r: number, c: number, u: number, v: number): number[] => {
      const i = ((r * 8 + v) * 40 + c * 8 + u) * 3;
      return Array.from(rgb.subarray(i, i + 3));
    };
    assert.deepEqual(px(1, 1, 1, 1), [255, 227, 11], 'rock rim');
    assert.deepEqual(px(1, 2, 1, 1), [109, 42, 255], 'paper rim');
    assert.deepEqual(px(1, 3, 1, 1), [42, 188, 255], 'scissors rim');
    assert.deepEqual(px(1, 3, 3, 3), [91, 214, 255], 'scissors highlight');
    const codes = new Uint8Array(5 * 5);
    renderSymbolic(sim, 0, codes);
    assert.deepEqual(Array.from(codes.subarray(5, 10)), [SYMBOL_CODES.floor, SYMBOL_CODES.resource1, SYMBOL_CODES.resource2, SYMBOL_CODES.resource3, SYMBOL_CODES.floor]);
    assert.equal(SYMBOL_CODES.resource3, 25);
  });

  it('pays a losing row player −10 through the sim (no reward floor: `rewardFloor` defaults to −1e6, components.lua:349)', () => {
    const sim = pair(roomSpec(RWS), [4, 0, 0], [0, 3, 0]);
    step(sim, { 0: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
    const rewards = stepN(sim, 17);
    assert.deepEqual(Array.from(rewards[16]), [-10, 10], 'paid on tick 18 = 1 + 16 + 1');
    assert.deepEqual(inventory(sim, 0), [1, 1, 1]);
    assert.deepEqual(inventory(sim, 1), [1, 1, 1]);
    assert.ok(!onMap(sim, 0) && !onMap(sim, 1), 'both removed');
  });

  it(`declares INVENTORY (3) and INTERACTION_INVENTORIES (2, 3) in the specs, as Melting Pot's (${MP}/running_with_scissors_in_the_matrix__repeated.py:596-603)`, () => {
    const specs = substrateSpecs(getSubstrate(RWS), 'rgb');
    const shape = (name: string): readonly number[] | undefined => specs.observations.find((o) => o.name === name)?.shape;
    assert.deepEqual(shape('INVENTORY'), [3]);
    assert.deepEqual(shape('INTERACTION_INVENTORIES'), [2, 3]);
    assert.deepEqual(shape('RGB'), [40, 40, 3]);
    // The symbolic view's maximum covers every code, the third class's among them.
    const maximum = substrateSpecs(getSubstrate(RWS), 'symbolic').observations.find((o) => o.name === 'SYMBOLIC')?.maximum;
    assert.equal(maximum, Math.max(...Object.values(SYMBOL_CODES)));
    assert.ok(SYMBOL_CODES.resource3 <= (maximum ?? -1));
  });

  it('validation accepts three classes and rejects a fourth (no sprite for it)', () => {
    const spec = getSubstrate(RWS);
    assert.deepEqual(substrateProblems(spec), []);
    const m = spec.matrix as MatrixSpec;
    const four: SubstrateSpec = {
      ...spec,
      matrix: {
        ...m,
        resources: [...m.resources, { name: 'lizard', color: [0, 0, 0], highlight: [1, 1, 1] }],
        initialInventory: [1, 1, 1, 1],
        rowMatrix: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
        columnMatrix: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
      },
    };
    assert.match(substrateProblems(four).join('\n'), /4 classes; 1 to 3 are supported/);
  });

  it(`has Melting Pot's repeated map (15 × 23: r, p, s 6 each, a 15, n 13), regrowth 0.02 after 15 steps and p = 0.2 endings (${MP}/running_with_scissors_in_the_matrix__repeated.py:88-104, 271-273, 322-323, 625)`, () => {
    const s = getSubstrate(RWS);
    assert.equal(s.map.length, 15);
    assert.ok(s.map.every((row) => row.length === 23));
    const c = census(s.map);
    assert.deepEqual([c.r, c.p, c.s, c.a, c.n, c.W], [6, 6, 6, 15, 13, 109]);
    const m = s.matrix as MatrixSpec;
    assert.deepEqual(m.regeneration, { delay: 15, rate: 0.02 });
    assert.deepEqual(s.episode, { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.2 });
    assert.equal(m.interaction.framesTillRespawn, 5);
    assert.equal(m.spawnResourcesWhenAllPlayersRemoved, true);
    assert.deepEqual(s.observation.view, { left: 2, right: 2, forward: 3, backward: 1 });
  });

  it(`the arena: 8 players, 24 × 25 map (1, 2, 3 12 each, a 8, P 64), 11 × 11 view, regrowth 0.04 after 10, out 50 steps, human_readable colours (${MP}/running_with_scissors_in_the_matrix__arena.py:58-83, 163-176, 294-295, 419)`, () => {
    const s = getSubstrate('running_with_scissors_in_the_matrix__arena');
    assert.equal(s.population.players, 8);
    assert.equal(s.map.length, 24);
    assert.ok(s.map.every((row) => row.length === 25));
    const c = census(s.map);
    assert.deepEqual([c['1'], c['2'], c['3'], c.a, c.P, c.W], [12, 12, 12, 8, 64, 120]);
    const m = s.matrix as MatrixSpec;
    assert.deepEqual(m.regeneration, { delay: 10, rate: 0.04 });
    assert.equal(m.interaction.framesTillRespawn, 50);
    assert.equal(m.spawnResourcesWhenAllPlayersRemoved, false);
    assert.deepEqual(s.observation.view, { left: 5, right: 5, forward: 9, backward: 1 });
    assert.deepEqual(s.observation.selfColor, HUMAN_READABLE_COLORS[0]);
    assert.deepEqual(s.observation.playerColors[0], [125, 50, 200], 'player 0 = human_readable[1]');
  });
});

describe('running_with_scissors_in_the_matrix__one_shot: the episode ends after the first interaction', () => {
  const ONE_SHOT = 'running_with_scissors_in_the_matrix__one_shot';

  it(`ends on the tick after the interaction's effects land: hit at 1, paid at 18, terminated at the end of 19 (${MP}/running_with_scissors_in_the_matrix__one_shot.py:437, ${LUA}:465-466, 484-492)`, () => {
    const sim = pair(roomSpec(ONE_SHOT, ROOM, { keepEpisode: true }), [0, 0, 2], [0, 2, 0]);
    step(sim, { 0: 'INTERACT' });
    for (let t = 2; t <= 17; t++) {
      step(sim);
      assert.equal(sim.terminated, false, `tick ${t}: still running`);
    }
    const paid = step(sim);
    assert.deepEqual(Array.from(paid), [10, -10], 'scissors beat paper, paid on tick 18');
    assert.equal(sim.terminated, false, 'the effects tick itself is not the last');
    step(sim);
    assert.equal(sim.world.tick, 19);
    assert.equal(sim.terminated, true, 'terminated at the end of tick 19');
    assert.equal(sim.truncated, false);
  });

  it('runs until the 1000-step cap when nobody interacts, with no stochastic ending and no regrowth', () => {
    const s = getSubstrate(ONE_SHOT);
    assert.deepEqual(s.episode, { maxSteps: 1000, minimumSteps: 0, interval: 1, probability: 0 });
    const m = s.matrix as MatrixSpec;
    assert.deepEqual(m.regeneration, { delay: 1000, rate: 0 });
    assert.equal(m.interaction.framesTillRespawn, 100);
    assert.equal(m.spawnResourcesWhenAllPlayersRemoved, false);
    const sim = tinySim(roomSpec(ONE_SHOT, ROOM, { keepEpisode: true }));
    stepN(sim, 999);
    assert.equal(sim.terminated || sim.truncated, false);
    step(sim);
    assert.equal(sim.truncated, true);
    assert.equal(sim.terminated, false);
  });

  it(`has Melting Pot's one-shot map: 15 × 23, rows of r / p / s / a, 15 spawn points (${MP}/running_with_scissors_in_the_matrix__one_shot.py:87-102)`, () => {
    const s = getSubstrate(ONE_SHOT);
    const c = census(s.map);
    assert.deepEqual([s.map.length, s.map[0].length], [15, 23]);
    assert.deepEqual([c.r, c.p, c.s, c.a, c.n, c.W], [6, 6, 6, 18, 15, 72]);
  });

  it('a repeated variant does not end at its first interaction', () => {
    const sim = pair(roomSpec(RWS), [0, 0, 2], [0, 2, 0]);
    step(sim, { 0: 'INTERACT' });
    stepN(sim, 30);
    assert.equal(sim.terminated, false);
    assert.equal(matrixOf(sim)?.endEpisodeAt, 0);
  });
});


describe('Bach or Stravinsky in the Matrix: dyadic roles', () => {
  const BOS = 'bach_or_stravinsky_in_the_matrix__repeated';
  const BOS_SRC = `${MP}/bach_or_stravinsky_in_the_matrix__repeated.py`;

  it(`pays the bach fan 3 and the stravinsky fan 2 at Bach, 2 and 3 at Stravinsky, 0 apart (${BOS_SRC}:219-230)`, () => {
    const m = getSubstrate(BOS).matrix as MatrixSpec;
    assert.deepEqual(m.rowMatrix, [[3, 0], [0, 2]]);
    assert.deepEqual(m.columnMatrix, [[2, 0], [0, 3]]);
    assert.deepEqual(m.resources.map((r) => r.name), ['bach', 'stravinsky']);
    const out = new Float64Array(2);
    // r = (.75, .25), c = (.25, .75): row = .75·.25·3 + .25·.75·2 = .9375; column = .75·.25·2 + .25·.75·3 = .9375.
    interactionPayoffs(m, [3, 1], 0, [1, 3], 0, out);
    assert.ok(near(out[0], 0.9375) && near(out[1], 0.9375), `${Array.from(out)}`);
  });

  it(`makes the bach fan the row player even when the stravinsky fan fires (${LUA}:771-785, ${BOS_SRC}:478-496)`, () => {
    // Both mostly Bach. Slot 1 (stravinsky fan) fires at slot 0 (bach fan, row player): the bach fan is paid 3 · ….
    const sim = tinySim(roomSpec(BOS));
    placeAll(sim, [[0, 3, 2, Dir.N], [1, 2, 2, Dir.E]]);
    setInventory(sim, 0, [2, 0]);
    setInventory(sim, 1, [4, 0]);
    const seen: { row: number; col: number }[] = [];
    sim.world.events.subscribe('interaction', (batch) => seen.push(...batch));
    step(sim, { 1: 'INTERACT' });
    assert.equal(seen.length, 1);
    assert.deepEqual([seen[0].row, seen[0].col], [0, 1], 'row = the bach fan, whoever fired');
    const paid = stepN(sim, 17)[16];
    assert.deepEqual(Array.from(paid), [3, 2]);
  });

  it('does nothing when two players of the same role meet, and the beam still stops at the one it hits', () => {
    // Three players in a row: 0 fires east at 1 (same role), 2 stands behind 1.
    const spec = roomSpec(BOS, ROOM, { players: 3, matrix: { rowPlayers: [true, true, false] } });
    const sim = tinySim(spec);
    placeAll(sim, [[0, 1, 2, Dir.E], [1, 2, 2, Dir.N], [2, 3, 2, Dir.N]]);
    for (const s of [0, 1, 2]) setInventory(sim, s, [3, 0]);
    step(sim, { 0: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 0, 'no interaction between two bach fans');
    assert.deepEqual(inventory(sim, 0), [3, 0]);
    assert.deepEqual(inventory(sim, 1), [3, 0]);
    assert.equal(sim.world.c.Frozen.until[sim.avatars[1]] > sim.world.tick, false, 'nobody frozen');
    // Now 1 (bach fan) fires at 2 (stravinsky fan) three ticks later: they interact.
    stepN(sim, 2);
    step(sim, { 1: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
  });

  it(`breaks ties at random (${LUA}:609-629): a tied row player wins about half the time, visible as its inventory reset at the hit`, () => {
    // The row-wins branch resets the winner's inventory at once (components.lua:656); a column winner waits for
    // the scheduled effects. [3, 1] against [1, 3] ties at 0.9375 each.
    let rowWins = 0;
    const n = 200;
    for (let seed = 1; seed <= n; seed++) {
      const sim = tinySim(roomSpec(BOS), seed);
      placeAll(sim, [[0, 2, 2, Dir.E], [1, 3, 2, Dir.N]]);
      setInventory(sim, 0, [3, 1]);
      setInventory(sim, 1, [1, 3]);
      step(sim, { 0: 'INTERACT' });
      assert.equal(matrixOf(sim)?.counters.interactions, 1);
      if (inventory(sim, 0)[0] === 1) rowWins++;
    }
    assert.ok(rowWins > 0.35 * n && rowWins < 0.65 * n, `row player won ${rowWins} of ${n} ties`);
    // Without randomTieBreaking the row player always wins a tie.
    const sim = pair(roomSpec(BOS, ROOM, { matrix: { randomTieBreaking: false } }), [3, 1], [1, 3]);
    step(sim, { 0: 'INTERACT' });
    assert.deepEqual(inventory(sim, 0), [1, 1]);
    assert.deepEqual(inventory(sim, 1), [1, 3]);
  });

  it(`draws each player in its role colour, itself included: the bach fan blue, the stravinsky fan orange (${BOS_SRC}:478-496, no spriteMap)`, () => {
    const sim = tinySim(roomSpec(BOS));
    placeAll(sim, [[0, 2, 3, Dir.N], [1, 3, 3, Dir.N]]);
    const rgb = new Uint8Array(40 * 40 * 3);
    // The observer sits at window row 3, column 2; the other player is beside it. CUTE_AVATAR's body pixel (3, 4).
    const px = (r: number, c: number): number[] => {
      const i = ((r * 8 + 4) * 40 + c * 8 + 3) * 3;
      return Array.from(rgb.subarray(i, i + 3));
    };
    renderRgb(sim, 0, rgb);
    assert.deepEqual(px(3, 2), [50, 100, 200], 'the bach fan sees itself blue');
    assert.deepEqual(px(3, 3), [200, 100, 50], 'and the stravinsky fan to its right orange');
    renderRgb(sim, 1, rgb);
    assert.deepEqual(px(3, 2), [200, 100, 50], 'the stravinsky fan sees itself orange');
    assert.deepEqual(px(3, 1), [50, 100, 200], 'and the bach fan to its left blue');
  });

  it(`the arena: four bach fans then four stravinsky fans on the PD arena map, p = 0.2 (${MP}/bach_or_stravinsky_in_the_matrix__arena.py:224, 248, 534-535)`, () => {
    const s = getSubstrate('bach_or_stravinsky_in_the_matrix__arena');
    const m = s.matrix as MatrixSpec;
    assert.deepEqual(m.rowPlayers, [true, true, true, true, false, false, false, false]);
    assert.equal(m.randomTieBreaking, true);
    assert.deepEqual(s.map, getSubstrate('prisoners_dilemma_in_the_matrix__arena').map);
    assert.equal(s.episode.probability, 0.2);
    assert.deepEqual(m.regeneration, { delay: 10, rate: 0.04 });
    assert.equal(m.interaction.framesTillRespawn, 50);
    assert.deepEqual(s.observation.playerColors.slice(3, 5), [[50, 100, 200], [200, 100, 50]]);
    const r = getSubstrate(BOS);
    assert.deepEqual(r.map, getSubstrate('prisoners_dilemma_in_the_matrix__repeated').map, `${BOS_SRC} keeps the PD map`);
    assert.equal(r.episode.probability, 0.1);
    assert.deepEqual((r.matrix as MatrixSpec).rowPlayers, [true, false]);
  });
});

describe('the coordination games and the remaining arenas', () => {
  const PURE = 'pure_coordination_in_the_matrix__repeated';
  const RATIONAL = 'rationalizable_coordination_in_the_matrix__repeated';

  it(`pure coordination pays 1 each for meeting on the same colour, 0 otherwise (${MP}/pure_coordination_in_the_matrix__repeated.py:222-227)`, () => {
    for (const name of [PURE, 'pure_coordination_in_the_matrix__arena']) {
      const m = getSubstrate(name).matrix as MatrixSpec;
      assert.deepEqual(m.rowMatrix, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], name);
      assert.deepEqual(m.columnMatrix, m.rowMatrix, `${name}: the transpose of a symmetric matrix`);
    }
    const sim = pair(roomSpec(PURE), [0, 3, 0], [0, 2, 0]);
    step(sim, { 0: 'INTERACT' });
    assert.deepEqual(Array.from(stepN(sim, 17)[16]), [1, 1], 'both on green');
    const apart = pair(roomSpec(PURE), [3, 0, 0], [0, 0, 2]);
    step(apart, { 0: 'INTERACT' });
    assert.deepEqual(Array.from(stepN(apart, 17)[16]), [0, 0], 'red meets blue');
  });

  it(`rationalizable coordination pays 1, 2 or 3 each on red, green or blue (${MP}/rationalizable_coordination_in_the_matrix__repeated.py:222-227, __arena.py:236-241)`, () => {
    for (const name of [RATIONAL, 'rationalizable_coordination_in_the_matrix__arena']) {
      const m = getSubstrate(name).matrix as MatrixSpec;
      assert.deepEqual(m.rowMatrix, [[1, 0, 0], [0, 2, 0], [0, 0, 3]], name);
      assert.deepEqual(m.columnMatrix, m.rowMatrix, name);
    }
    const out = new Float64Array(2);
    // Half blue, half red against all blue: r = (.5, 0, .5), c = (0, 0, 1): .5 · 3 = 1.5 each.
    interactionPayoffs(getSubstrate(RATIONAL).matrix as MatrixSpec, [1, 0, 1], 0, [0, 0, 4], 0, out);
    assert.deepEqual(Array.from(out), [1.5, 1.5]);
  });

  it(`the coordination games use Running with Scissors' maps with red, green, blue resources, except the rationalizable arena's yellow, violet, cyan (${MP}/pure_coordination_in_the_matrix__repeated.py:43-53, rationalizable_coordination_in_the_matrix__arena.py:46-56)`, () => {
    const rgb = (name: string): number[][] => (getSubstrate(name).matrix as MatrixSpec).resources.map((r) => [...r.color]);
    const rwb = [[150, 0, 0], [0, 150, 0], [0, 0, 150]];
    assert.deepEqual(rgb(PURE), rwb);
    assert.deepEqual(rgb(RATIONAL), rwb);
    assert.deepEqual(rgb('pure_coordination_in_the_matrix__arena'), rwb);
    assert.deepEqual(rgb('rationalizable_coordination_in_the_matrix__arena'), [[255, 227, 11], [109, 42, 255], [42, 188, 255]]);
    for (const name of [PURE, RATIONAL]) assert.deepEqual(getSubstrate(name).map, getSubstrate(RWS).map, name);
    for (const name of ['pure_coordination_in_the_matrix__arena', 'rationalizable_coordination_in_the_matrix__arena']) {
      assert.deepEqual(getSubstrate(name).map, getSubstrate('running_with_scissors_in_the_matrix__arena').map, name);
    }
  });

  it('the coordination games end with p = 0.1 (repeated) and 0.2 (arena); regrowth 0.02 after 10 steps (repeated), 0.04 after 10 (arena)', () => {
    for (const name of [PURE, RATIONAL]) {
      const s = getSubstrate(name);
      assert.equal(s.episode.probability, 0.1, name);
      assert.deepEqual((s.matrix as MatrixSpec).regeneration, { delay: 10, rate: 0.02 }, name);
      assert.equal((s.matrix as MatrixSpec).spawnResourcesWhenAllPlayersRemoved, true, name);
    }
    for (const name of ['pure_coordination_in_the_matrix__arena', 'rationalizable_coordination_in_the_matrix__arena']) {
      const s = getSubstrate(name);
      const m = s.matrix as MatrixSpec;
      assert.equal(s.episode.probability, 0.2, name);
      assert.deepEqual(m.regeneration, { delay: 10, rate: 0.04 }, name);
      assert.equal(m.interaction.framesTillRespawn, 50, name);
      assert.equal(m.spawnResourcesWhenAllPlayersRemoved, false, name);
      assert.equal(s.population.players, 8, name);
    }
  });

  it(`the coordination arenas draw every other player alike, Other orange, and Self blue (${MP}/pure_coordination_in_the_matrix__arena.py:196-209)`, () => {
    for (const name of ['pure_coordination_in_the_matrix__arena', 'rationalizable_coordination_in_the_matrix__arena']) {
      const o = getSubstrate(name).observation;
      assert.deepEqual(o.selfColor, [50, 100, 200], name);
      assert.deepEqual(o.playerColors, [[200, 100, 50]], name);
    }
  });

  it(`chicken's arena: the PD arena's map and timings with Chicken's matrices, p = 0.2, human_readable colours (${MP}/chicken_in_the_matrix__arena.py:156-169, 220-231, 243)`, () => {
    const s = getSubstrate('chicken_in_the_matrix__arena');
    const m = s.matrix as MatrixSpec;
    assert.deepEqual(m.rowMatrix, [[3, 2], [5, 0]]);
    assert.deepEqual(m.columnMatrix, [[3, 5], [2, 0]]);
    assert.deepEqual(s.map, getSubstrate('prisoners_dilemma_in_the_matrix__arena').map);
    assert.equal(s.episode.probability, 0.2);
    assert.deepEqual(m.regeneration, { delay: 10, rate: 0.04 });
    assert.equal(m.interaction.framesTillRespawn, 50);
    assert.deepEqual(s.observation.selfColor, HUMAN_READABLE_COLORS[0]);
    assert.deepEqual(m.resources.map((r) => [r.name, r.role]), [['dove', 'cooperate'], ['hawk', 'defect']]);
  });

  it(`stag hunt's arena: its own map (P 88, stag 23, hare 40, a 12), the Stag Hunt's matrices, p = 0.1 (${MP}/stag_hunt_in_the_matrix__arena.py:56-82, 223-234, 246)`, () => {
    const s = getSubstrate('stag_hunt_in_the_matrix__arena');
    const m = s.matrix as MatrixSpec;
    assert.deepEqual(m.rowMatrix, [[4, 0], [2, 2]]);
    assert.deepEqual(m.columnMatrix, [[4, 2], [0, 2]]);
    assert.deepEqual([s.map.length, s.map[0].length], [24, 25]);
    const c = census(s.map);
    assert.deepEqual([c.P, c['1'], c['2'], c.a, c.W], [88, 23, 40, 12, 120]);
    assert.equal(s.episode.probability, 0.1);
    assert.equal(s.population.players, 8);
    assert.deepEqual(s.observation.playerColors[0], [125, 50, 200]);
  });
});

describe('the exploitation figure across the Matrix family', () => {
  function attempts(spec: SubstrateSpec, row: readonly number[], col: readonly number[]): { attacker: number; target: number; landed: boolean }[] {
    const sim = pair(spec, row, col);
    const out: { attacker: number; target: number; landed: boolean }[] = [];
    sim.world.events.subscribe('hostile_attempt', (batch) => out.push(...batch.map(({ attacker, target, landed }) => ({ attacker, target, landed }))));
    step(sim, { 0: 'INTERACT' });
    assert.equal(matrixOf(sim)?.counters.interactions, 1);
    return out;
  }

  it('in zero-sum Running with Scissors every challenge is an attempt by the firer: landed when it wins, defended when the target wins or draws', () => {
    const spec = roomSpec(RWS);
    assert.deepEqual(attempts(spec, [0, 3, 0], [2, 0, 0]), [{ attacker: 0, target: 1, landed: true }], 'paper on rock');
    assert.deepEqual(attempts(spec, [2, 0, 0], [0, 3, 0]), [{ attacker: 0, target: 1, landed: false }], 'rock on paper: defended');
    assert.deepEqual(attempts(spec, [0, 0, 2], [0, 0, 2]), [{ attacker: 0, target: 1, landed: false }], 'a draw: defended');
  });

  it('counts nothing as hostile in Bach or Stravinsky and the coordination games, where both gain from meeting', () => {
    assert.deepEqual(attempts(roomSpec('bach_or_stravinsky_in_the_matrix__repeated'), [3, 0], [0, 3]), []);
    assert.deepEqual(attempts(roomSpec('pure_coordination_in_the_matrix__repeated'), [3, 0, 0], [0, 0, 3]), []);
    assert.deepEqual(attempts(roomSpec('rationalizable_coordination_in_the_matrix__repeated'), [0, 0, 3], [0, 3, 0]), []);
  });

  it('keeps the defection-on-a-cooperator rule in the Chicken arena (hawk on dove)', () => {
    const arena = getSubstrate('chicken_in_the_matrix__arena');
    const spec: SubstrateSpec = {
      ...arena,
      name: 'chicken_in_the_matrix__tiny',
      map: ['WWWWWWW', 'W     W', 'W     W', 'W     W', 'WPPPPPW', 'WWWWWWW'],
      legend: { W: ['wall'], ' ': ['floor'], P: ['floor', 'spawn:spawnPoints'] },
      population: { ...arena.population, players: 2, randomizeInitialOrientation: false },
      episode: { maxSteps: 1000, minimumSteps: 0, interval: 100, probability: 0 },
    };
    assert.deepEqual(attempts(spec, [0, 3], [3, 0]), [{ attacker: 0, target: 1, landed: true }]);
  });
});

describe('scripted stand-ins for the Matrix family\'s puppeteers (MP utils/puppeteers/in_the_matrix.py)', () => {
  const NONE = -1;
  /** The target class (and margin) after each partner choice; an interaction happens on each step with a choice. */
  function play(name: string, partners: readonly number[], seed = 1): string {
    const spec = findBotSpec(name);
    assert.ok(spec, name);
    assert.ok(isMatrixPolicy(spec.policy));
    const k = (getSubstrate(spec.substrate).matrix as MatrixSpec).resources.length;
    const p = puppeteerFor(spec.policy, 0, 1, k);
    const rng = new Rng(seed);
    return partners.map((x) => {
      p.step(rng, x !== NONE, x);
      return `${p.target}/${p.margin}`;
    }).join(' ');
  }

  it('a Bach picker always collects Bach (class 0) with margin 5; the arena\'s with margin 3 (MP configs/bots/__init__.py:573-591, 621-630)', () => {
    assert.equal(play('bach_or_stravinsky_in_the_matrix__repeated__bach_picker_0', [NONE, 1, 1]), '0/5 0/5 0/5');
    assert.equal(play('bach_or_stravinsky_in_the_matrix__arena__stravinsky_picker_0', [NONE, 0]), '1/3 1/3');
  });

  it('a turn-taker switches its target every `interactions_per_target` interactions (MP in_the_matrix.py:209-227; bots/__init__.py:689-743)', () => {
    assert.equal(play('bach_or_stravinsky_in_the_matrix__repeated__turn_taking_initial_bach_0', [NONE, 0, NONE, 1, 0, 0]), '0/5 1/5 1/5 0/5 1/5 0/5');
    assert.equal(play('bach_or_stravinsky_in_the_matrix__repeated__turn_taking_initial_stravinsky_1', [NONE, 0, 0, 0, 1]), '1/5 1/5 1/5 0/5 0/5');
  });

  it('a Stravinsky tit-for-tat treats Stravinsky as cooperating: it starts on Stravinsky and copies the partner\'s last clear choice (MP in_the_matrix.py:410-433, bots/__init__.py:665-676)', () => {
    assert.equal(play('bach_or_stravinsky_in_the_matrix__repeated__stravinsky_tft_0', [NONE, 0, NONE, 1, 0]), '1/5 0/5 0/5 1/5 0/5');
  });

  it('a flip bot plays its first class for `threshold` interactions, then the second (MP in_the_matrix.py:275-293; flip_p2r_0 threshold 3, margins 1 then 5)', () => {
    // "p2r" flips to scissors in Melting Pot's configuration (bots/__init__.py:2962-2972: final_target SCISSORS).
    assert.equal(play('running_with_scissors_in_the_matrix__arena__flip_p2r_0', [NONE, 0, 0, NONE, 0, NONE]), '1/1 1/1 1/1 1/1 2/5 2/5');
    assert.equal(play('pure_coordination_in_the_matrix__repeated__flip_a2b_0', [0, 0, 0, 0, NONE]), '0/5 0/5 0/5 1/5 1/5');
  });

  it('a counter-previous bot plays what beats its partner\'s last clear choice: paper after rock, scissors after paper, rock after scissors (MP running_with_scissors_in_the_matrix.py:48-53)', () => {
    const out = play('running_with_scissors_in_the_matrix__repeated__resp2prev_margin_0', [NONE, 0, NONE, 1, 2]).split(' ');
    assert.ok(['0/5', '1/5', '2/5'].includes(out[0]), 'a random class before the first interaction');
    assert.deepEqual(out.slice(1), ['1/5', '1/5', '2/5', '0/5']);
  });

  it('a coordinate-with-previous bot plays its partner\'s last clear choice, starting on a random class drawn from the world\'s generator (MP coordination_in_the_matrix.py:45, in_the_matrix.py:572-588)', () => {
    assert.equal(play('pure_coordination_in_the_matrix__repeated__resp2prev_margin_0', [NONE, 2, NONE, 1]).split(' ').slice(1).join(' '), '2/5 2/5 1/5');
    const firsts = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) firsts.add(play('pure_coordination_in_the_matrix__repeated__resp2prev_margin_0', [NONE], seed));
    assert.deepEqual([...firsts].sort(), ['0/5', '1/5', '2/5']);
  });

  it('the free bot (a trained bot with no puppeteer) draws a new class after each interaction', () => {
    const out = play('running_with_scissors_in_the_matrix__repeated__free_0', Array<number>(300).fill(0), 4).split(' ');
    const counts = [0, 1, 2].map((c) => out.filter((x) => x === `${c}/1`).length);
    assert.ok(counts.every((n) => n > 60), `classes drawn ${counts.join('/')}`);
  });

  it('Chicken and Stag Hunt arena bots name the cooperate / defect class as in the repeated games', () => {
    assert.deepEqual(findBotSpec('chicken_in_the_matrix__arena__puppet_hawk_margin_0')?.policy, { kind: 'specialist', target: 'defect', margin: 5 });
    assert.deepEqual(findBotSpec('stag_hunt_in_the_matrix__arena__puppet_grim_two_strikes_0')?.policy.kind, 'grim_trigger');
  });
});

describe('the Matrix family\'s scenarios', () => {
  it('seats a Bach or Stravinsky focal player in the slot of its Melting Pot role: repeated_0\'s focal stravinsky fan plays slot 1 (MP configs/scenarios/__init__.py:406-418)', () => {
    const s = getScenario('bach_or_stravinsky_in_the_matrix__repeated_0');
    assert.deepEqual(s.isFocal, [false, true]);
    assert.deepEqual((getSubstrate(s.substrate).matrix as MatrixSpec).rowPlayers, [true, false], 'slot 1 is the stravinsky fan');
    assert.deepEqual(getScenario('bach_or_stravinsky_in_the_matrix__repeated_1').isFocal, [true, false]);
  });

  it('runs a Bach or Stravinsky arena scenario: the bots interact only across roles, and the same seed replays it', () => {
    const trace = (): string => {
      const env = new Environment({ substrate: 'bach_or_stravinsky_in_the_matrix__arena', scenario: 'bach_or_stravinsky_in_the_matrix__arena_0', seed: 3, focalPolicy: 'random', metrics: false, monitor: false });
      env.reset();
      const pairs: string[] = [];
      env.sim.world.events.subscribe('interaction', (b) => pairs.push(...b.map((e) => `${e.tick}:${e.row}-${e.col}`)));
      for (let t = 0; t < 1500 && !env.done; t++) env.step();
      for (const p of pairs) {
        const [row, col] = p.split(':')[1].split('-').map(Number);
        assert.ok(row < 4 && col >= 4, `${p}: a bach fan (0–3) is the row player, a stravinsky fan (4–7) the column player`);
      }
      assert.ok(pairs.length > 0, 'the bach pickers interacted');
      return pairs.join(' ');
    };
    assert.equal(trace(), trace());
  });
});
