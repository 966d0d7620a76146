/**
 * Allelopathic Harvest's rules, each against Melting Pot's source (paths in google-deepmind/meltingpot; L2D =
 * google-deepmind/lab2d). Small inline maps make the rules visible: `1`/`2`/`3` an unripe berry of colour
 * 1 (red) / 2 (green) / 3 (blue) on soil, `P` a floor spawn point, `W` a wall.
 */
import { strict as assert } from 'node:assert';
import { Dir } from '../ecs/components.js';
import { substrate as open } from '../substrates/allelopathic_harvest__open.js';
import type { AllelopathicHarvestSpec, SubstrateSpec } from '../substrates/types.js';
import { ripen, unripeSprite } from '../systems/allelopathicHarvest/berries.js';
import { allelopathicFigures } from '../systems/allelopathicHarvest/figures.js';
import { allelopathicOf } from '../systems/allelopathicHarvest/index.js';
import { monocultureFraction, NEWBORN, ripeningProbability, type AllelopathicState } from '../systems/allelopathicHarvest/state.js';
import { Environment } from '../systems/environment.js';
import { readyToShoot, renderRgb, rgbShape } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { appearanceOf } from '../systems/spriteArt.js';
import { expectedWindow, firstDifference } from './helpers/expectedFrames.js';
import { onMap, place, placeAll, pos, step, stepN, tinySim } from './helpers/tinyWorld.js';

const AH = open.allelopathicHarvest as AllelopathicHarvestSpec;

/** allelopathic_harvest__open with `map`, `players` slots spawning facing north, and rule overrides. */
function ahSpec(map: readonly string[], players: number, over: Partial<AllelopathicHarvestSpec> = {}, extra: Partial<SubstrateSpec> = {}): SubstrateSpec {
  return {
    ...open,
    name: 'tiny_allelopathic',
    map,
    torus: false,
    population: { ...open.population, players, randomizeInitialOrientation: false },
    allelopathicHarvest: { ...AH, ...over },
    ...extra,
  };
}

function stateOf(sim: Sim): AllelopathicState {
  const st = allelopathicOf(sim);
  assert.ok(st, 'the sim has Allelopathic Harvest state');
  return st;
}

function berry(sim: Sim, x: number, y: number): number {
  const i = stateOf(sim).berryAt[y * sim.width + x];
  assert.ok(i >= 0, `a berry at (${x}, ${y})`);
  return i;
}

/** No ripening at all, so tests decide which berries are ripe. */
const NO_RIPENING = { regrowth: { ...AH.regrowth, baseRate: 0 } };

describe('allelopathic_harvest__open as data (MP configs/substrates/allelopathic_harvest__open.py, allelopathic_harvest.py)', () => {
  it('lays 116 unripe berries of each colour on a 30 × 29 torus and seats 8 red-likers then 8 green-likers', () => {
    const env = new Environment({ substrate: 'allelopathic_harvest__open', seed: 1 });
    env.reset();
    const sim = env.sim;
    const st = stateOf(sim);
    // OPEN_ASCII_MAP (allelopathic_harvest__open.py:40-71); every berry starts unripe (components.lua:115-119).
    assert.deepEqual([sim.height, sim.width], [30, 29]);
    assert.deepEqual([...st.unripeCount.subarray(1)], [116, 116, 116]);
    assert.deepEqual([...st.ripeCount.subarray(1)], [0, 0, 0]);
    // topology TORUS (allelopathic_harvest.py:1000).
    assert.equal(sim.world.grid.torus, true);
    // default_player_roles (allelopathic_harvest__open.py:81-82), ROLE_TO_MOST_TASTY_BERRY_IDX (allelopathic_harvest.py:103-107).
    assert.deepEqual([...st.mostTasty], [...Array(8).fill(1), ...Array(8).fill(2)]);
    // Every player starts in the newborn colour (the overlay's alive state, allelopathic_harvest.py:855-864).
    assert.deepEqual([...st.avatarColor], Array(16).fill(NEWBORN));
  });

  it('seats a smaller scenario as half red-likers, half green-likers (MP configs/scenarios/__init__.py:187, 218)', () => {
    for (const [name, players] of [['allelopathic_harvest__open_6', 10], ['allelopathic_harvest__open_8', 4]] as const) {
      const env = new Environment({ substrate: 'allelopathic_harvest__open', scenario: name, seed: 1 });
      env.reset();
      const st = stateOf(env.sim);
      assert.equal(env.sim.players, players, name);
      assert.deepEqual([...st.mostTasty], [...Array(players / 2).fill(1), ...Array(players / 2).fill(2)], name);
    }
  });
});

describe('ripening (MP lua/levels/allelopathic_harvest/components.lua Regrowth)', () => {
  it('a berry waits minimumTimeToRipen = 10 ticks, then may ripen (Regrowth:update, components.lua:240-250)', () => {
    // baseRate 1 makes the probability ≥ 1: the berry ripens on the first tick its countdown allows.
    const sim = tinySim(ahSpec(['P1'], 1, { regrowth: { ...AH.regrowth, baseRate: 1 } }));
    const st = stateOf(sim);
    stepN(sim, 9);
    assert.equal(st.ripe[berry(sim, 1, 0)], 0, 'unripe after 9 ticks');
    step(sim);
    assert.equal(st.ripe[berry(sim, 1, 0)], 1, 'ripe at tick 10');
    assert.deepEqual([st.ripeCount[1], st.unripeCount[1]], [1, 0]);
  });

  it('ripens with probability baseRate × (berries of its colour), linear growth (getProbability, components.lua:261-286)', () => {
    const env = new Environment({ substrate: 'allelopathic_harvest__open', seed: 1 });
    env.reset();
    const st = stateOf(env.sim);
    // allelopathic_harvest.py:399-406: baseRate 5e-6, linearGrowth.
    assert.equal(ripeningProbability(st, 1), 5e-6 * 116);
    const sim = tinySim(ahSpec(['P111', '1112', '3333'], 1, { regrowth: { ...AH.regrowth, baseRate: 0.1 } }));
    const s2 = stateOf(sim);
    assert.ok(Math.abs(ripeningProbability(s2, 1) - 0.6) < 1e-12);
    assert.ok(Math.abs(ripeningProbability(s2, 2) - 0.1) < 1e-12);
    assert.ok(Math.abs(ripeningProbability(s2, 3) - 0.4) < 1e-12);
  });

  it('the colour that covers more of the field ripens faster: 30 red against 10 green berries over 40 ticks', () => {
    const rows = ['P' + '1'.repeat(29), '1'.repeat(10) + '2'.repeat(10) + ' '.repeat(10)];
    const legend = { ...open.legend, ' ': ['floor'] } as const;
    let red = 0, green = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const sim = tinySim(ahSpec(rows, 1, { regrowth: { ...AH.regrowth, baseRate: 0.001 } }, { legend }), seed);
      stepN(sim, 40);
      const st = stateOf(sim);
      red += st.ripeCount[1] / 39;
      green += st.ripeCount[2] / 10;
    }
    // Per berry: p = 0.039 (red) against 0.010 (green) a tick after the 10-tick wait, i.e. ~71 % against ~27 % ripe.
    assert.ok(red / 5 > 0.5 && red / 5 < 0.9, `red ripe share ${red / 5}`);
    assert.ok(green / 5 < 0.5, `green ripe share ${green / 5}`);
    assert.ok(red > 1.6 * green, `red ${red} against green ${green}`);
  });
});

describe('eating (MP components.lua Edible, Taste)', () => {
  it('entering a ripe berry pays 2 for the preferred colour and 1 for another, and leaves it unripe (components.lua:173-207, 493-499)', () => {
    // Slots 0 likes red, 1 likes green (the first half of the slots likes red).
    const sim = tinySim(ahSpec(['1P2', '2P1'], 2, NO_RIPENING));
    const st = stateOf(sim);
    placeAll(sim, [[0, 1, 0, Dir.W], [1, 1, 1, Dir.W]]);
    for (const [x, y] of [[0, 0], [2, 0], [0, 1], [2, 1]]) ripen(sim, st, berry(sim, x, y));
    let r = step(sim, { 0: 'FORWARD', 1: 'FORWARD' });
    assert.deepEqual([...r], [2, 2], 'red-liker eats red, green-liker eats green');
    assert.equal(st.ripe[berry(sim, 0, 0)], 0);
    assert.equal(st.countdown[berry(sim, 0, 0)], AH.regrowth.minimumTimeToRipen, 'the eaten berry waits 10 ticks again');
    placeAll(sim, [[0, 1, 0, Dir.E], [1, 1, 1, Dir.E]]);
    r = step(sim, { 0: 'FORWARD', 1: 'FORWARD' });
    assert.deepEqual([...r], [1, 1], 'each eats the other colour');
    // (colour − 1) · players + slot: each ate one red and one green.
    assert.deepEqual([...st.eatenByPlayer], [1, 1, 1, 1, 0, 0]);
  });

  it('standing on a ripe berry does not eat it; a berry that ripens under a player is eaten at once (L2D grid.cc:403-405, 586-609)', () => {
    const sim = tinySim(ahSpec(['P1'], 1, { regrowth: { ...AH.regrowth, baseRate: 1 } }));
    const st = stateOf(sim);
    place(sim, 0, 1, 0);
    const rewards = stepN(sim, 10).map((r) => r[0]);
    // It ripens at tick 10 under the player, whose state change fires onEnter: eaten, reward 2 (red-liker, red).
    assert.deepEqual(rewards, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    assert.equal(st.ripe[berry(sim, 1, 0)], 0);
    // It ripens again 10 ticks later under the same player, who ate it this stay (Edible.triggered): not eaten.
    stepN(sim, 10);
    assert.equal(st.ripe[berry(sim, 1, 0)], 1);
    assert.equal(sim.returns[0], 2);
    // Leaving and coming back eats it.
    step(sim, { 0: 'STEP_LEFT' });
    const r = step(sim, { 0: 'STEP_RIGHT' });
    assert.equal(r[0], 2);
  });

  it('eating shows a planter as newborn with probability 1 − the largest colour\'s share (components.lua:652-663, 686-698, 824-828)', () => {
    // One colour only: the share is 1, so eating never gives the planter's colour away.
    const mono = tinySim(ahSpec(['P1', '11'], 1, NO_RIPENING));
    const st = stateOf(mono);
    assert.equal(monocultureFraction(st), 1);
    for (let k = 0; k < 20; k++) {
      st.avatarColor[0] = 1;
      place(mono, 0, 0, 0, Dir.E);
      ripen(mono, st, berry(mono, 1, 0));
      step(mono, { 0: 'FORWARD' });
      assert.equal(st.avatarColor[0], 1, `meal ${k}`);
      step(mono, { 0: 'BACKWARD' });
    }
    // Red, green, blue alike: the share is 1/3, so about two meals in three show the eater as newborn.
    const mixed = tinySim(ahSpec(['P1', '23'], 1, NO_RIPENING));
    const sm = stateOf(mixed);
    let shown = 0;
    for (let k = 0; k < 300; k++) {
      sm.avatarColor[0] = 2;
      place(mixed, 0, 0, 0, Dir.E);
      ripen(mixed, sm, berry(mixed, 1, 0));
      step(mixed, { 0: 'FORWARD' });
      if (sm.avatarColor[0] === NEWBORN) shown++;
      step(mixed, { 0: 'BACKWARD' });
    }
    assert.ok(shown > 170 && shown < 230, `${shown} of 300 meals showed the eater (expected ~200)`);
    // Not stochastic: newborn after `crypticConsumptionThreshold` meals.
    const counted = tinySim(ahSpec(['P1', '23'], 1, { ...NO_RIPENING, stochasticallyCryptic: false, crypticConsumptionThreshold: 2 }));
    const sc = stateOf(counted);
    sc.avatarColor[0] = 3;
    for (let k = 0; k < 2; k++) {
      place(counted, 0, 0, 0, Dir.E);
      ripen(counted, sc, berry(counted, 1, 0));
      step(counted, { 0: 'FORWARD' });
      assert.equal(sc.avatarColor[0], k === 0 ? 3 : NEWBORN, `after meal ${k + 1}`);
      step(counted, { 0: 'BACKWARD' });
    }
  });
});

describe('planting (MP components.lua Coloring, ColorZapper; allelopathic_harvest.py:520-536)', () => {
  it('FIRE_TWO turns the first unripe berry within 3 cells ahead green, restarts its wait and colours the planter green', () => {
    const sim = tinySim(ahSpec(['P', '.', '1', '3'], 1, NO_RIPENING, { legend: { ...open.legend, '.': ['floor'] } }));
    const st = stateOf(sim);
    place(sim, 0, 0, 0, Dir.S);
    const i = berry(sim, 0, 2), j = berry(sim, 0, 3);
    st.countdown[i] = -5;
    step(sim, { 0: 'FIRE_TWO' });
    assert.equal(st.color[i], 2, 'the first berry is green');
    assert.equal(st.color[j], 3, 'the beam stopped at the first berry');
    assert.equal(st.countdown[i], AH.regrowth.minimumTimeToRipen);
    assert.deepEqual([...st.unripeCount.subarray(1)], [0, 1, 1]);
    assert.equal(st.avatarColor[0], 2);
    assert.equal(st.plantedBy[(2 - 1) * sim.players + 0], 1);
  });

  it('a ripe berry or another player stops the beam unchanged; a berry under a player is replanted (components.lua:335-386, 601-604; L2D grid.cc:840-866)', () => {
    const legend = { ...open.legend, '.': ['floor'] } as const;
    const sim = tinySim(ahSpec(['P1.', '.1.', 'P11'], 2, NO_RIPENING, { legend }));
    const st = stateOf(sim);
    // Ripe berry ahead: stops the beam, stays red; nothing behind it changes.
    placeAll(sim, [[0, 0, 0, Dir.E], [1, 2, 2, Dir.N]]);
    ripen(sim, st, berry(sim, 1, 0));
    step(sim, { 0: 'FIRE_THREE' });
    assert.equal(st.color[berry(sim, 1, 0)], 1);
    assert.equal(st.avatarColor[0], NEWBORN, 'no replanting, no colour');
    // Player 1 stands on the berry at (1, 1): the beam replants it and stops there.
    placeAll(sim, [[0, 1, 2, Dir.N], [1, 1, 1, Dir.N]]);
    stepN(sim, 2);
    step(sim, { 0: 'FIRE_THREE' });
    assert.equal(st.color[berry(sim, 1, 1)], 3, 'the berry under player 1 is blue');
    assert.equal(st.color[berry(sim, 1, 0)], 1, 'the berry behind player 1 is untouched (and ripe)');
  });

  it('planting the colour a berry already has changes nothing, and the planter keeps its colour (components.lua:348, 373-378)', () => {
    const sim = tinySim(ahSpec(['P1'], 1, NO_RIPENING));
    const st = stateOf(sim);
    place(sim, 0, 0, 0, Dir.E);
    st.avatarColor[0] = 3;
    st.countdown[0] = -3;
    step(sim, { 0: 'FIRE_ONE' });
    assert.equal(st.avatarColor[0], 3);
    assert.equal(st.countdown[0], -4, 'the wait goes on (no restart at 10)');
  });

  it('the three planting beams share one timer of cooldown 2, counted down once a tick in the first colour\'s pass (components.lua:567-599)', () => {
    // One updater per colour, in colour order (updater_registry.lua:140-157 keeps registration order within a
    // priority): the timer set by a shot is counted down by a later colour's pass of the same tick, and a timer that
    // reaches 0 in colour 1's pass lets colour 2 or 3 fire in the same tick, but not colour 1 (its `else` branch).
    const sim = tinySim(ahSpec(['P1'], 1, NO_RIPENING));
    const st = stateOf(sim);
    place(sim, 0, 0, 0, Dir.E);
    const colours: number[] = [];
    for (const a of ['FIRE_TWO', 'FIRE_THREE', 'FIRE_THREE', 'FIRE_THREE', 'FIRE_ONE', 'FIRE_ONE', 'FIRE_ONE']) {
      step(sim, { 0: a });
      colours.push(st.color[0]);
    }
    // Green at 1; blue at 2 and again at 4 (2 ticks apart); red only at 7 (3 ticks after 4).
    assert.deepEqual(colours, [2, 3, 3, 3, 3, 3, 1]);
    assert.deepEqual([...st.plantedBy.subarray(0, 3)], [1, 1, 1], 'three replantings: green, blue, red');
  });

  it('a berry takes only the first planting hit of a tick (Coloring._alreadyHit, components.lua:335-340, 388-390)', () => {
    const legend = { ...open.legend, '.': ['floor'] } as const;
    const sim = tinySim(ahSpec(['P1P'], 2, NO_RIPENING, { legend }));
    const st = stateOf(sim);
    placeAll(sim, [[0, 0, 0, Dir.E], [1, 2, 0, Dir.W]]);
    step(sim, { 0: 'FIRE_TWO', 1: 'FIRE_THREE' });
    const c = st.color[0];
    assert.ok(c === 2 || c === 3);
    // Exactly one planter took the berry's colour.
    assert.equal([st.avatarColor[0] === 2, st.avatarColor[1] === 3].filter(Boolean).length, 1);
    assert.equal(st.unripeCount[c], 1);
  });
});

describe('zapping and graduated sanctions (MP lua/modules/avatar_library.lua GraduatedSanctionsMarking; allelopathic_harvest.py:497-508, 821-839)', () => {
  function duel(): Sim {
    const legend = { ...open.legend, '.': ['floor', 'spawn:spawnPoints'] } as const;
    const sim = tinySim(ahSpec(['.....', '.....', '.....', '.....'], 2, NO_RIPENING, { legend }));
    placeAll(sim, [[0, 2, 3, Dir.N], [1, 2, 1, Dir.N]]);
    return sim;
  }

  it('a first hit marks the target and freezes it for 25 ticks: no move, no zap, READY_TO_SHOOT 0 (avatar_library.lua:1051-1095, 713-724)', () => {
    const sim = duel();
    const st = stateOf(sim);
    const r = step(sim, { 0: 'FIRE_ZAP' });
    assert.deepEqual([...r], [0, 0], 'the first level pays nothing');
    assert.equal(onMap(sim, 1), true, 'the zap itself removes nobody (removeHitPlayer = False)');
    assert.equal(st.shownLevel[1], 2, 'marked');
    // Frozen on ticks 2..25 (disallowMovementUntil(25)): moves and zaps do nothing, planting still works.
    for (let t = 2; t <= 25; t++) {
      step(sim, { 1: t === 2 ? 'FIRE_ZAP' : 'TURN_LEFT' });
      assert.deepEqual(pos(sim, 1), [2, 1], `tick ${t}`);
      assert.equal(readyToShoot(sim, 1), 0, `READY_TO_SHOOT at tick ${t}`);
    }
    assert.equal(sim.world.c.Orientation.dir[sim.avatars[1]], Dir.N, 'no turn while frozen');
    step(sim, { 1: 'STEP_RIGHT' });
    assert.deepEqual(pos(sim, 1), [3, 1], 'moves again at tick 26');
    // Its zap timer was held at cooldown + 1 = 5 through tick 26 and counts down from there: it fires at tick 31.
    const fired: number[] = [];
    for (let t = 27; t <= 31; t++) {
      placeAll(sim, [[0, 2, 3, Dir.N], [1, 2, 4 - 4, Dir.S]]);
      const before = sim.counters.zapsFired;
      step(sim, { 1: 'FIRE_ZAP' });
      if (sim.counters.zapsFired > before) fired.push(t);
    }
    assert.deepEqual(fired, [31]);
  });

  it('a second hit while marked costs 10 and removes the target a tick later for 25 ticks; it returns unmarked and newborn', () => {
    const sim = duel();
    const st = stateOf(sim);
    st.avatarColor[1] = 2;
    step(sim, { 0: 'FIRE_ZAP' });
    stepN(sim, 4);
    const r = step(sim, { 0: 'FIRE_ZAP' }); // tick 6: the cooldown of 4 allows a shot every 5 ticks
    assert.equal(r[1], -10, 'targetReward −10');
    assert.equal(r[0], 0, 'sourceReward 0');
    assert.equal(onMap(sim, 1), true, 'still on the map in the frame of the hit (removeAfterDelay(1))');
    assert.equal(st.shownLevel[1], 2, 'still drawn marked');
    step(sim);
    assert.equal(onMap(sim, 1), false, 'removed at tick 7');
    assert.equal(st.level[1], 1);
    stepN(sim, 24);
    assert.equal(onMap(sim, 1), false, 'still away at tick 31');
    step(sim);
    assert.equal(onMap(sim, 1), true, 'back at tick 32 = 7 + framesTillRespawn');
    assert.equal(st.avatarColor[1], NEWBORN);
    assert.equal(st.shownLevel[1], 1);
    assert.equal(st.removals, 1);
  });

  it('the mark wears off 50 ticks after the hit (recoveryTime, avatar_library.lua:1009-1026): a hit 49 ticks later removes, 50 only freezes', () => {
    for (const [gap, removed] of [[49, true], [50, false]] as const) {
      const sim = duel();
      const st = stateOf(sim);
      step(sim, { 0: 'FIRE_ZAP' });
      stepN(sim, gap - 1);
      assert.equal(st.level[1], gap === 49 ? 2 : 1, `level ${gap - 1} ticks after the hit`);
      placeAll(sim, [[0, 2, 3, Dir.N], [1, 2, 1, Dir.N]]);
      const r = step(sim, { 0: 'FIRE_ZAP' });
      assert.equal(r[1], removed ? -10 : 0, `hit ${gap} ticks later`);
      step(sim);
      assert.equal(onMap(sim, 1), !removed);
    }
  });

  it('draws the mark over a marked player, and every avatar in its colour state, the observer too (allelopathic_harvest.py:109-124, 807-818, 899-912)', () => {
    const sim = duel();
    const st = stateOf(sim);
    st.avatarColor[0] = 1;
    step(sim, { 0: 'FIRE_ZAP' });
    step(sim);
    const [h, w, ch] = rgbShape(sim);
    const frame = new Uint8Array(h * w * ch);
    renderRgb(sim, 0, frame);
    assert.equal(firstDifference(frame, expectedWindow(sim, 0), w), '');
    // The mark is black at alpha 127 over the target (level 2): its centre pixels are darker than unmarked.
    const a = appearanceOf(sim.spec);
    assert.equal(a.marks?.[1].palette.o[3], 127);
    // The observer (player 0, who planted red) is drawn in red, not a Self colour: row `forward`, column `left`.
    const { view, spriteSize } = sim.spec.observation;
    const y = view.forward * spriteSize + 3, x = view.left * spriteSize + 3; // a body pixel of CUTE_AVATAR_N
    const px = [...frame.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)];
    assert.ok(px[0] > px[1] && px[0] > px[2], `observer pixel ${px} is red`);
  });
});

describe('Allelopathic Harvest figures and stand-in bots', () => {
  /** Replant every berry to colour k (the colour of an unripe berry; counts kept in step) except `keep`. */
  function paint(sim: Sim, k: number, keep: (i: number) => boolean = () => false): void {
    const st = stateOf(sim);
    for (let i = 0; i < st.count; i++) {
      if (keep(i) || st.ripe[i] === 1 || st.color[i] === k) continue;
      st.unripeCount[st.color[i]]--;
      st.unripeCount[k]++;
      st.color[i] = k;
      sim.world.c.Sprite.id[st.eids[i]] = unripeSprite(k);
    }
  }

  it('reports planting and eating by population, free riding and who sanctioned whom (allelopathic_harvest.py:696-765)', () => {
    const sim = tinySim(ahSpec(['P1.', '.2.', 'P..'], 2, NO_RIPENING, { legend: { ...open.legend, '.': ['floor'] } }));
    const st = stateOf(sim);
    // Slot 0 (likes red) replants the green berry red; slot 1 (likes green) eats it without planting anything.
    placeAll(sim, [[0, 1, 2, Dir.N], [1, 2, 1, Dir.W]]);
    step(sim, { 0: 'FIRE_ONE' });
    ripen(sim, st, berry(sim, 1, 1));
    placeAll(sim, [[0, 0, 2, Dir.N], [1, 2, 1, Dir.W]]);
    step(sim, { 1: 'FORWARD' });
    placeAll(sim, [[0, 1, 2, Dir.N], [1, 1, 1, Dir.N]]);
    stepN(sim, 3);
    step(sim, { 0: 'FIRE_ZAP' });
    const f = allelopathicFigures(sim, st);
    assert.deepEqual(f.berries, { red: 2, green: 0, blue: 0 });
    assert.equal(f.monoculture_fraction, 1);
    assert.equal(f.dominant_color, 'red');
    assert.deepEqual(f.by_population.map((p) => [p.role, p.players, p.planted.red, p.eaten.red]), [
      ['player_who_likes_red', 1, 1, 0],
      ['player_who_likes_green', 1, 0, 1],
    ]);
    assert.equal(f.free_riding_share, 1, 'the only berry eaten went to a player who planted none');
    assert.deepEqual(f.by_population[0].zapped, { player_who_likes_red: 0, player_who_likes_green: 1 });
    assert.equal(f.freezes, 1);
  });

  it('an episode summary carries the figures', () => {
    const env = new Environment({ substrate: 'allelopathic_harvest__open', seed: 2 });
    env.reset();
    for (let t = 0; t < 20; t++) env.step(new Int32Array(env.players));
    const s = env.summary();
    assert.ok(s.allelopathic_harvest);
    assert.deepEqual(s.allelopathic_harvest.berries, { red: 116, green: 116, blue: 116 });
    assert.equal(new Environment({ substrate: 'commons_harvest__open', seed: 2 }).summary().allelopathic_harvest, undefined);
  });

  it('bots that support red replant the field red and never zap (MP configs/scenarios/__init__.py:84-110)', () => {
    const env = new Environment({ substrate: 'allelopathic_harvest__open', scenario: 'allelopathic_harvest__open_1', seed: 3 });
    env.reset();
    const st = stateOf(env.sim);
    for (let t = 0; t < 300; t++) env.step(new Int32Array(env.players));
    const f = allelopathicFigures(env.sim, st);
    assert.ok(f.berries.red > 116 + 40, `red berries ${f.berries.red}`);
    for (const p of f.by_population) assert.deepEqual([p.planted.green, p.planted.blue], [0, 0], p.role);
    assert.equal(env.sim.counters.zapsFired, 0);
  });

  it('the convention follower eats only until its view is mostly one colour, then plants that colour (MP utils/puppeteers/allelopathic_harvest.py)', () => {
    const run = (green: boolean): number[] => {
      const env = new Environment({ substrate: 'allelopathic_harvest__open', scenario: 'allelopathic_harvest__open_7', seed: 4 });
      env.reset();
      const sim = env.sim;
      // A field of green with one berry in four left red, or the map's even mix.
      if (green) paint(sim, 2, (i) => i % 4 === 0 && stateOf(sim).color[i] === 1);
      for (let t = 0; t < 150; t++) env.step(new Int32Array(env.players));
      const st = stateOf(sim);
      // Slots 5..9 are the followers: berries they replanted, by colour.
      return [1, 2, 3].map((k) => [5, 6, 7, 8, 9].reduce((a, s) => a + st.plantedBy[(k - 1) * sim.players + s], 0));
    };
    assert.deepEqual(run(false), [0, 0, 0], 'CONSUME_ANY in a mixed field: no planting');
    const [red, green, blue] = run(true);
    assert.ok(green > 0 && red === 0 && blue === 0, `planted red ${red}, green ${green}, blue ${blue}`);
  });
});
