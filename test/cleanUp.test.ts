/**
 * Clean Up: the map, the cleaning beam, dirt, pollution-driven apple growth, the lagged cumulant, the bots.
 * Melting Pot facts from /work/shared/reference/meltingpot.md §2, §3 and §5 (MP `configs/substrates/clean_up.py`,
 * `lua/levels/clean_up/components.lua`); each test names the fact it checks. Rule tests run on tiny inline maps:
 * clean_up's own data with a small map (legend: W wall, ' ' sand, P spawn point, B potential apple on grass,
 * H clean river that can get dirty, F dirty river, S plain river).
 */
import { strict as assert } from 'node:assert';
import { substrate as cleanUp, MAP } from '../substrates/clean_up.js';
import { getSubstrate } from '../substrates/registry.js';
import { getScenario } from '../substrates/scenarios.js';
import type { AppleGrowthSpec, DirtSpawnSpec, SubstrateSpec } from '../substrates/types.js';
import { validateSubstrate } from '../substrates/validate.js';
import { setAppleWaiting } from '../systems/apples/appleState.js';
import { dirtFraction, setClean } from '../systems/cleanUp/dirtState.js';
import { Environment } from '../systems/environment.js';
import { numOthersWhoCleanedThisStep } from '../systems/cleanUp/fireCleaningBeams.js';
import { appleGrowthProbability } from '../systems/cleanUp/growCleanUpApples.js';
import { Layer } from '../systems/layers.js';
import { resetSim } from '../systems/pipeline.js';
import { createSim, type Sim } from '../systems/sim.js';
import { Sprite } from '../systems/sprites.js';
import { cli, runEpisode } from '../server/episode.js';
import { Dir, onMap, place, placeAll, step, stepN, tinySim } from './helpers/tinyWorld.js';
import { applesOf } from '../systems/apples/index.js';
import { cleanUpOf } from '../systems/cleanUp/index.js';

interface CleanUpOptions {
  players?: number;
  /** null = no DirtSpawner (the dirt fraction stays fixed). */
  dirt?: DirtSpawnSpec | null;
  growth?: Partial<AppleGrowthSpec>;
}

/** clean_up with `map`, spawning on `P` facing north; by default without dirt spawning. */
function cuSpec(map: readonly string[], opts: CleanUpOptions = {}): SubstrateSpec {
  const growth = cleanUp.appleGrowth;
  assert.ok(growth);
  return {
    ...cleanUp,
    name: 'tiny_clean_up',
    map,
    population: { ...cleanUp.population, players: opts.players ?? 1, randomizeInitialOrientation: false },
    dirt: opts.dirt === undefined || opts.dirt === null ? undefined : opts.dirt,
    appleGrowth: { ...growth, ...opts.growth },
  };
}

function countChars(map: readonly string[]): Record<string, number> {
  const n: Record<string, number> = {};
  for (const row of map) for (const ch of row) n[ch] = (n[ch] ?? 0) + 1;
  return n;
}

/** Is the river cell (x, y) dirty? Fails if it cannot get dirty at all. */
function dirtyAt(sim: Sim, x: number, y: number): boolean {
  const i = cleanUpOf(sim)!.dirt.byCell[sim.world.grid.cellIndex(x, y)];
  assert.ok(i >= 0, `(${x}, ${y}) is not a dirt-capable river cell`);
  return cleanUpOf(sim)!.dirt.dirty[i] === 1;
}

/** Every dirty cell as "x,y", sorted. */
function dirtyCells(sim: Sim): string[] {
  const out: string[] = [];
  const { c } = sim.world;
  for (let i = 0; i < cleanUpOf(sim)!.dirt.count; i++) {
    if (cleanUpOf(sim)!.dirt.dirty[i] === 1) out.push(`${c.Position.x[cleanUpOf(sim)!.dirt.eids[i]]},${c.Position.y[cleanUpOf(sim)!.dirt.eids[i]]}`);
  }
  return out.sort();
}

/** mean ± z·σ of Binomial(n, p). */
function binomialBounds(n: number, p: number, z = 4.5): [number, number] {
  const mean = n * p, sd = Math.sqrt(n * p * (1 - p));
  return [mean - z * sd, mean + z * sd];
}

describe('clean_up: substrate data (MP configs/substrates/clean_up.py)', () => {
  it('the map is the reference map, 21 rows × 30 columns with H 68, F 79, B 110, T 12, P 19', () => {
    assert.equal(MAP.length, 21);
    for (const row of MAP) assert.equal(row.length, 30);
    const n = countChars(MAP);
    assert.deepEqual([n.H, n.F, n.B, n.T, n.P], [68, 79, 110, 12, 19]);
  });

  it('parses into 147 dirt-capable river cells (79 dirty: fraction 79/147), 122 waiting apples and 19 spawn points', () => {
    const sim = createSim(getSubstrate('clean_up'), { seed: 1 });
    resetSim(sim);
    assert.equal(cleanUpOf(sim)!.dirt.count, 147);
    assert.equal(cleanUpOf(sim)!.dirt.dirtyCount, 79);
    assert.equal(dirtFraction(sim), 79 / 147);
    assert.equal(applesOf(sim)!.count, 122);
    assert.equal(applesOf(sim)!.liveCount, 0, 'potential apples start in appleWait: no apples at t = 0');
    assert.equal(sim.spawnGroups.get('spawnPoints')?.length, 19);
    assert.equal(sim.walls.reduce((s, w) => s + w, 0), countChars(MAP).W);
    assert.equal(sim.players, 7);
    // Dirty cells are drawn on the lower layer (where apples are), clean ones sit on the logic layer.
    const { grid } = sim.world;
    let lower = 0;
    for (let i = 0; i < cleanUpOf(sim)!.dirt.count; i++) if (grid.layerOfEntity(cleanUpOf(sim)!.dirt.eids[i]) === Layer.Lower) lower++;
    assert.equal(lower, 79);
    for (const [x, y] of [[1, 1], [2, 1], [16, 6], [20, 10]]) assert.equal(sim.background[grid.cellIndex(x, y)], Sprite.River, `(${x}, ${y})`);
    assert.equal(sim.background[grid.cellIndex(1, 7)], Sprite.Sand);
    assert.equal(sim.background[grid.cellIndex(2, 15)], Sprite.Sand, 'T is sand with a potential apple');
  });

  it('`npm run episode -- --substrate clean_up --print-map` prints the map exactly', () => {
    // In-process through the runner's entry point (test/episodeRunner.test.ts runs the process itself).
    let out = '';
    assert.equal(cli(['--substrate', 'clean_up', '--print-map'], (t) => (out += t), () => {}), 0);
    assert.equal(out, MAP.join('\n') + '\n');
  });

  it('has the reference tunables: 9 actions, zap cd 10 / len 3 / rad 1 / respawn 50, clean cd 2 / len 3 / rad 1, episode p 0.2', () => {
    const s = getSubstrate('clean_up');
    assert.deepEqual(s.actions.map((a) => a.name), ['NOOP', 'FORWARD', 'BACKWARD', 'STEP_LEFT', 'STEP_RIGHT', 'TURN_LEFT', 'TURN_RIGHT', 'FIRE_ZAP', 'FIRE_CLEAN']);
    assert.deepEqual({ ...s.zapper }, { cooldown: 10, length: 3, radius: 1, framesTillRespawn: 50, penaltyForBeingZapped: 0, rewardForZapping: 0, removeHitPlayer: true });
    assert.deepEqual({ ...s.cleaner }, { cooldown: 2, length: 3, radius: 1 });
    assert.deepEqual({ ...s.dirt }, { spawnProbability: 0.5, delayStart: 50 });
    assert.deepEqual({ ...s.appleGrowth }, { maxRate: 0.05, thresholdDepletion: 0.4, thresholdRestoration: 0 });
    assert.deepEqual({ ...s.episode }, { maxSteps: 5000, minimumSteps: 1000, interval: 100, probability: 0.2 });
    assert.equal(s.regrowth, undefined, 'no DensityRegrow in clean_up');
    assert.deepEqual(s.observation.names, ['RGB', 'READY_TO_SHOOT', 'NUM_OTHERS_WHO_CLEANED_THIS_STEP', 'COLLECTIVE_REWARD']);
    assert.deepEqual(s.observation.selfColor, [45, 110, 220], 'Self = human_readable[0]');
    assert.deepEqual(s.observation.playerColors[0], [125, 50, 200], 'player 0 = human_readable[1]');
  });

  it('validation rejects a clean action without a cleaner, inverted growth thresholds, and growth next to DensityRegrow', () => {
    const bad: SubstrateSpec = {
      ...cleanUp,
      cleaner: undefined,
      appleGrowth: { maxRate: 0.05, thresholdDepletion: 0.2, thresholdRestoration: 0.3 },
      regrowth: { radius: 2, probabilities: [0, 0.1] },
    };
    assert.throws(() => validateSubstrate(bad), (e: Error) => {
      assert.match(e.message, /FIRE_CLEAN fires a cleaning beam but the substrate has no cleaner/);
      assert.match(e.message, /thresholdRestoration \(0\.3\) must be below thresholdDepletion \(0\.2\)/);
      assert.match(e.message, /appleGrowth and regrowth/);
      return true;
    });
  });
});

describe('clean_up: no apples before the river is cleaned', () => {
  it('no apple exists at t = 0 nor in the first 50 steps of idle players: the river starts 79/147 dirty, ≥ 0.4 (MP AppleGrow)', () => {
    const sim = tinySim(getSubstrate('clean_up'));
    assert.equal(applesOf(sim)!.liveCount, 0);
    for (let t = 1; t <= 50; t++) {
      step(sim);
      assert.equal(applesOf(sim)!.liveCount, 0, `step ${t}`);
      assert.equal(cleanUpOf(sim)!.dirt.dirtyCount, 79, `no dirt spawns up to step 50 (step ${t})`);
    }
  });
});

describe('fireCleaningBeams: what the beam cleans (MP DirtCleaning, Lab2D hitBeam)', () => {
  // Avatar at (2, 4) facing N. Centre line (2,3) (2,2) (2,1); side lines (1,4) (1,3) (1,2) and (3,4) (3,3) (3,2).
  const FIELD = ['WWWWW', 'WFFFW', 'WFFFW', 'WFFFW', 'W P W', 'WWWWW'];

  it('each line stops at the first dirt it cleans: one shot cleans exactly (1,3) (2,3) (3,3)', () => {
    const sim = tinySim(cuSpec(FIELD));
    place(sim, 0, 2, 4, Dir.N);
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.deepEqual(dirtyCells(sim), ['1,1', '1,2', '2,1', '2,2', '3,1', '3,2']);
  });

  it('fires at most every cooldown + 1 = 3 steps: firing every step cleans 3, 0, 0, 3, 0, 0, 1, 0, 0 cells (MP Cleaner cooldownTime 2)', () => {
    const sim = tinySim(cuSpec(FIELD));
    place(sim, 0, 2, 4, Dir.N);
    const cleaned: number[] = [];
    for (let t = 1; t <= 9; t++) {
      const before = cleanUpOf(sim)!.dirt.dirtyCount;
      step(sim, { 0: 'FIRE_CLEAN' });
      cleaned.push(before - cleanUpOf(sim)!.dirt.dirtyCount);
    }
    // Third shot: the side lines (length 3 − 1 + 1 = 3 from the avatar's row) end at row 2, already clean.
    assert.deepEqual(cleaned, [3, 0, 0, 3, 0, 0, 1, 0, 0]);
  });

  it('walls block the cleaning beam: dirt behind a wall stays dirty', () => {
    const sim = tinySim(cuSpec(['WWWWWWW', 'W FFF W', 'W WWW W', 'W  P  W', 'WWWWWWW']));
    place(sim, 0, 3, 3, Dir.N);
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(cleanUpOf(sim)!.dirt.dirtyCount, 3);
  });

  it('clean river, sand and other avatars let the beam through (avatars only stop zaps)', () => {
    // Centre line from (2, 4): (2,3) avatar, (2,2) clean river H, (2,1) dirt.
    const sim = tinySim(cuSpec(['WWWWW', 'W F W', 'W H W', 'W   W', 'WPP W', 'WWWWW'], { players: 2 }));
    placeAll(sim, [[0, 2, 4, Dir.N], [1, 2, 3, Dir.N]]);
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(dirtyAt(sim, 2, 1), false);
    assert.equal(onMap(sim, 1), true, 'the cleaning beam does not zap');
  });

  it('dirt does not stop the zap beam, and avatars walk onto dirty and clean river cells', () => {
    const sim = tinySim(cuSpec(['WWWWW', 'W   W', 'W F W', 'W H W', 'WPP W', 'WWWWW'], { players: 2 }));
    placeAll(sim, [[0, 2, 3, Dir.N], [1, 2, 1, Dir.N]]);
    step(sim, { 0: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 1), false, 'zapped through the dirt at (2, 2)');
    step(sim, { 0: 'FORWARD' });
    const { c } = sim.world;
    assert.deepEqual([c.Position.x[sim.avatars[0]], c.Position.y[sim.avatars[0]]], [2, 2], 'stands on the dirt');
    assert.equal(dirtyAt(sim, 2, 2), true, 'walking does not clean');
  });

  it('two beams reaching the same dirty cell in one step both stop there and both count as cleaning (MP clean_up/components.lua:141-155, Lab2D grid.h:136-142)', () => {
    // DirtCleaning:onHit blocks the beam while the cell is in state 'dirt'; its setState('dirtWait') is queued
    // (Lab2D grid.h:136-142) and a queue entry added while the queue is processed waits for the next pass
    // (grid.cc:38-54), so every beam of the step still finds dirt at (2, 2). The dirt behind it, (2, 1), stays.
    const CORRIDOR = ['WWWWW', 'WWFWW', 'WWFWW', 'WWPWW', 'WWPWW', 'WWWWW'];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const sim = tinySim(cuSpec(CORRIDOR, { players: 2 }), seed);
      placeAll(sim, [[0, 2, 4, Dir.N], [1, 2, 3, Dir.N]]);
      step(sim, { 0: 'FIRE_CLEAN', 1: 'FIRE_CLEAN' });
      assert.deepEqual(dirtyCells(sim), ['2,1'], `seed ${seed}: the cell behind stays dirty`);
      assert.deepEqual(Array.from(cleanUpOf(sim)!.cleaning.cleanedNow), [1, 1], `seed ${seed}: both firers cleaned`);
      step(sim);
      assert.deepEqual([0, 1].map((s) => numOthersWhoCleanedThisStep(sim, s)), [1, 1], `seed ${seed}`);
    }
  });

  it('a cell cleaned on an earlier step lets a later beam through to the dirt behind it', () => {
    const sim = tinySim(cuSpec(['WWWWW', 'WWFWW', 'WWFWW', 'WWPWW', 'WWPWW', 'WWWWW'], { players: 2 }));
    placeAll(sim, [[0, 2, 4, Dir.N], [1, 2, 3, Dir.N]]);
    step(sim, { 1: 'FIRE_CLEAN' });
    assert.deepEqual(dirtyCells(sim), ['2,1']);
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.deepEqual(dirtyCells(sim), []);
  });

  it('the cooling timer is frozen while the player is removed (MP: counts down only in the alive state); a player zapped on the tick it cleans still cleans', () => {
    // Our ordering (both beams at priority 140, all traced before hits land): slot 0 cleans and is zapped at tick 1.
    const sim = tinySim(cuSpec(['WWWWW', 'W F W', 'W   W', 'W   W', 'WPP W', 'WWWWW'], { players: 2 }));
    placeAll(sim, [[0, 2, 2, Dir.N], [1, 2, 4, Dir.N]]);
    step(sim, { 0: 'FIRE_CLEAN', 1: 'FIRE_ZAP' });
    assert.equal(onMap(sim, 0), false);
    assert.equal(dirtyAt(sim, 2, 1), false, 'cleaned on the tick it was zapped');
    stepN(sim, 20);
    assert.equal(cleanUpOf(sim)!.cleaning.timer[0], 2, 'no countdown while removed');
  });
  it('a frozen player does not clean, and its cooling timer counts down (meltingpot/lua/levels/clean_up/components.lua:206-209: the Cleaner has no movement check)', () => {
    const sim = tinySim(cuSpec(['WWWWW', 'W F W', 'W   W', 'W   W', 'WPP W', 'WWWWW'], { players: 2 }));
    placeAll(sim, [[0, 2, 3, Dir.N], [1, 1, 4, Dir.N]]);
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(cleanUpOf(sim)!.cleaning.timer[0], 2, 'fired at tick 1');
    sim.world.c.Frozen.until[sim.avatars[0]] = sim.world.tick + 4; // frozen on ticks 2, 3, 4
    step(sim, { 0: 'FIRE_CLEAN' });
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(cleanUpOf(sim)!.cleaning.timer[0], 0, 'counted down while frozen');
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(cleanUpOf(sim)!.cleaning.timer[0], 0, 'no shot while frozen');
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(cleanUpOf(sim)!.cleaning.timer[0], 2, 'fires at tick 5, once the freeze is over');
  });
});

describe('NUM_OTHERS_WHO_CLEANED_THIS_STEP (MP AllNonselfCumulants + GlobalData)', () => {
  it('counts other players whose beam cleaned at least one cell, one step late: 0 after the cleaning step, then 1, 1, 2, then 0', () => {
    // Slots 0 and 1 clean dirt straight ahead; slot 2 fires at nothing (firing without cleaning does not count).
    const sim = tinySim(cuSpec(['WWWWWWW', 'WFFFFFW', 'W     W', 'W     W', 'WPPP  W', 'WWWWWWW'], { players: 3 }));
    placeAll(sim, [[0, 1, 2, Dir.N], [1, 4, 2, Dir.N], [2, 5, 3, Dir.S]]);
    const seen = (): number[] => [0, 1, 2].map((s) => numOthersWhoCleanedThisStep(sim, s));
    assert.deepEqual(seen(), [0, 0, 0], 'at t = 0');
    step(sim, { 0: 'FIRE_CLEAN', 1: 'FIRE_CLEAN', 2: 'FIRE_CLEAN' });
    assert.deepEqual(Array.from(cleanUpOf(sim)!.cleaning.cleanedNow), [1, 1, 0], 'who cleaned at step 1');
    assert.deepEqual(seen(), [0, 0, 0], 'after step 1: Melting Pot still reports step 0');
    step(sim);
    assert.deepEqual(seen(), [1, 1, 2], 'after step 2: the cleaning of step 1');
    step(sim);
    assert.deepEqual(seen(), [0, 0, 0], 'after step 3: nobody cleaned at step 2');
  });
});

describe('spawnDirt (MP DirtSpawner: p 0.5 per step for steps t > 50)', () => {
  it('spawns nothing up to step 50, then one dirt on a step with rate 0.5 (binomial bounds, mean ± 4.5σ), uniform over clean cells', () => {
    const sim = tinySim(cuSpec(['WWWWWW', 'WHHHHW', 'WP   W', 'WWWWWW'], { dirt: cleanUp.dirt }), 11);
    for (let t = 1; t <= 50; t++) {
      step(sim);
      assert.equal(cleanUpOf(sim)!.dirt.dirtyCount, 0, `step ${t}`);
    }
    const n = 4000;
    const perCell: Record<string, number> = {};
    let spawned = 0;
    for (let t = 0; t < n; t++) {
      step(sim);
      assert.ok(cleanUpOf(sim)!.dirt.dirtyCount <= 1, 'at most one dirt per step');
      if (cleanUpOf(sim)!.dirt.dirtyCount === 1) {
        spawned++;
        const cell = dirtyCells(sim)[0];
        perCell[cell] = (perCell[cell] ?? 0) + 1;
        // Clean it again so that every step draws from the same four clean cells.
        for (let i = 0; i < cleanUpOf(sim)!.dirt.count; i++) setClean(sim, i);
      }
    }
    const [lo, hi] = binomialBounds(n, 0.5);
    assert.ok(spawned >= lo && spawned <= hi, `${spawned} spawns in ${n} steps, expected ${lo.toFixed(0)}..${hi.toFixed(0)}`);
    assert.deepEqual(Object.keys(perCell).sort(), ['1,1', '2,1', '3,1', '4,1']);
    const [clo, chi] = binomialBounds(spawned, 0.25);
    for (const [cell, k] of Object.entries(perCell)) assert.ok(k >= clo && k <= chi, `cell ${cell} got ${k} of ${spawned}, expected ${clo.toFixed(0)}..${chi.toFixed(0)}`);
  });

  it('only clean cells get dirty: with one clean cell left, that is where the dirt goes, and a fully dirty river gets nothing more', () => {
    const sim = tinySim(cuSpec(['WWWWWW', 'WFFHFW', 'WP   W', 'WWWWWW'], { dirt: { spawnProbability: 1, delayStart: 0 } }));
    step(sim);
    assert.equal(dirtyAt(sim, 3, 1), true);
    assert.equal(cleanUpOf(sim)!.dirt.dirtyCount, 4);
    stepN(sim, 5);
    assert.equal(cleanUpOf(sim)!.dirt.dirtyCount, 4);
  });
});

describe('growCleanUpApples (MP AppleGrow: p = 0.05 · min((f − 0.4) / (0 − 0.4), 1))', () => {
  /** k of 10 river cells dirty (fixed: no dirt spawning), 20 waiting apples, one idle player away from them. */
  function growthSim(k: number, seed: number, growth: Partial<AppleGrowthSpec> = {}): Sim {
    const river = 'W' + 'F'.repeat(k) + 'H'.repeat(10 - k) + 'W';
    return tinySim(cuSpec(['WWWWWWWWWWWW', river, 'WBBBBBBBBBBW', 'WBBBBBBBBBBW', 'WP         W', 'WWWWWWWWWWWW'], { growth }), seed);
  }

  /** Apples that appeared over `ticks` steps, every apple put back to waiting after each step (20 trials a step). */
  function sprouts(sim: Sim, ticks: number): number {
    let total = 0;
    for (let t = 0; t < ticks; t++) {
      step(sim);
      total += applesOf(sim)!.liveCount;
      for (let i = 0; i < applesOf(sim)!.count; i++) setAppleWaiting(sim, i);
    }
    return total;
  }

  for (const k of [4, 6, 10]) {
    it(`grows exactly nothing at dirt fraction ${k / 10} ≥ thresholdDepletion 0.4 (40 000 apple-steps)`, () => {
      const sim = growthSim(k, 5);
      assert.equal(appleGrowthProbability(sim), 0);
      assert.equal(sprouts(sim, 2000), 0);
    });
  }

  for (const k of [0, 1, 2, 3]) {
    const f = k / 10;
    const p = 0.05 * (1 - f / 0.4);
    it(`grows with p = 0.05 · (1 − ${f} / 0.4) = ${p.toFixed(4)} per waiting apple per step at dirt fraction ${f} (binomial bounds)`, () => {
      const sim = growthSim(k, 100 + k);
      assert.ok(Math.abs(appleGrowthProbability(sim) - p) < 1e-12);
      const n = 20 * 1000;
      const got = sprouts(sim, 1000);
      const [lo, hi] = binomialBounds(n, p);
      assert.ok(got >= lo && got <= hi, `${got} apples in ${n} apple-steps, expected ${lo.toFixed(0)}..${hi.toFixed(0)}`);
    });
  }

  it('an apple that appears at step t can be eaten at step t by a player moving onto it (AppleGrow lands before moves)', () => {
    const sim = tinySim(cuSpec(['WWWWW', 'WHHHW', 'W B W', 'W P W', 'WWWWW'], { growth: { maxRate: 1 } }));
    place(sim, 0, 2, 3, Dir.N);
    const r = step(sim, { 0: 'FORWARD' });
    assert.equal(r[0], 1, 'the apple grew (p = 1 at a clean river) and was eaten in step 1');
    assert.equal(applesOf(sim)!.liveCount, 0);
  });

  it('follows the dirt fraction as it changes: cleaning the river to below 0.4 lets apples grow', () => {
    // 10 cells, 5 dirty (f = 0.5): nothing; one shot cleans 3 in a row (f = 0.2, p = 0.025) and apples come.
    const sim = tinySim(cuSpec(['WWWWWWWWWWWW', 'WFFFFFHHHHHW', 'W  P       W', 'WBBBBBBBBBBW', 'WWWWWWWWWWWW']), 3);
    place(sim, 0, 2, 2, Dir.N);
    stepN(sim, 100);
    assert.equal(applesOf(sim)!.liveCount, 0);
    step(sim, { 0: 'FIRE_CLEAN' });
    assert.equal(dirtFraction(sim), 0.2);
    stepN(sim, 200);
    assert.ok(applesOf(sim)!.liveCount > 0);
  });
});

describe('clean_up: episodes and bots', () => {
  it('clean_up_0 ("visiting an altruistic population", MP configs/scenarios/__init__.py) is 3 focal slots and 4 cleaners', () => {
    const s = getScenario('clean_up_0');
    assert.deepEqual(s.isFocal, [true, true, true, false, false, false, false]);
    assert.deepEqual(s.bots, ['clean_up__cleaner_0', 'clean_up__cleaner_1']);
    const s1 = getScenario('clean_up_1');
    assert.deepEqual(s1.isFocal, [true, true, true, true, false, false, false]);
    assert.deepEqual(s1.bots, ['clean_up__consumer_0', 'clean_up__consumer_1']);
  });

  it('a short clean_up_0 episode runs headless: cleaners clean the river below 0.4 and the focal players can eat', () => {
    const summary = runEpisode({
      substrate: 'clean_up', scenario: 'clean_up_0', steps: 400, seed: 1, focalPolicy: 'free_rider', scale: 1, out: null, printMap: false, obs: 'none', saveObs: null, performance: false,
    });
    assert.equal(summary.steps, 400);
    assert.deepEqual(summary.focal, ['player_0', 'player_1', 'player_2']);
    for (let s = 3; s < 7; s++) assert.match(summary.policies[`player_${s}`], /^clean_up__cleaner_[01]$/);
    assert.ok(summary.events.apples_eaten > 0, 'apples grew once the cleaners had cleaned');
    assert.ok(summary.focal_per_capita_return !== null && summary.focal_per_capita_return > 0);
  });

  it('cleaners clean and free riders never do: with free riders only the river fills up and no apple ever grows', () => {
    const run = (focalPolicy: string): { cleaned: number; fraction: number; eaten: number } => {
      const env = new Environment({ substrate: 'clean_up', scenario: 'clean_up_1', seed: 2, focalPolicy, metrics: false, monitor: false });
      env.reset();
      let cleaned = 0;
      env.sim.world.events.subscribe('dirt_cleaned', (b) => (cleaned += b.length));
      for (let t = 0; t < 400; t++) env.step();
      return { cleaned, fraction: dirtFraction(env.sim), eaten: env.summary().events.apples_eaten };
    };
    const riders = run('free_rider');
    assert.equal(riders.cleaned, 0);
    assert.equal(riders.eaten, 0);
    assert.ok(riders.fraction > 0.9, `dirt fraction ${riders.fraction}`);
    const mixed = run('cleaner');
    assert.ok(mixed.cleaned > 50, `${mixed.cleaned} cells cleaned`);
    assert.ok(mixed.fraction < 0.4, `dirt fraction ${mixed.fraction}`);
    assert.ok(mixed.eaten > 0);
  });

  it('is deterministic: two runs with seed 4 agree on the river and the returns at every step', () => {
    const envs = [0, 1].map(() => new Environment({ substrate: 'clean_up', scenario: 'clean_up_0', seed: 4, focalPolicy: 'random', metrics: false, monitor: false }));
    for (const e of envs) e.reset();
    for (let t = 1; t <= 300; t++) {
      for (const e of envs) e.step();
      assert.deepEqual(Array.from(cleanUpOf(envs[0].sim)!.dirt.dirty), Array.from(cleanUpOf(envs[1].sim)!.dirt.dirty), `step ${t}: dirt`);
      assert.deepEqual(Array.from(envs[0].sim.returns), Array.from(envs[1].sim.returns), `step ${t}: returns`);
    }
  });
});
