/**
 * Substrate data: the shipped maps, the registry, validation, and the scenarios with their background bots.
 * Reference counts: /work/shared/reference/meltingpot.md §4.1 (Melting Pot `configs/substrates/commons_harvest__*.py`).
 */
import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { substrate as open } from '../substrates/commons_harvest__open.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { getScenario, scenarioNames, scenariosOf, type ScenarioSpec } from '../substrates/scenarios.js';
import type { SubstrateSpec } from '../substrates/types.js';
import { validateSubstrate } from '../substrates/validate.js';
import { Environment } from '../systems/environment.js';
import { resetSim } from '../systems/pipeline.js';
import { assignBots, populationFor } from '../systems/population.js';
import { createSim } from '../systems/sim.js';
import { applesOf } from '../systems/apples/index.js';

function countChars(map: readonly string[]): Record<string, number> {
  const n: Record<string, number> = {};
  for (const row of map) for (const ch of row) n[ch] = (n[ch] ?? 0) + 1;
  return n;
}

/** Run `f`, expecting a CrucibleError with `code`; returns it. */
function expectError(f: () => unknown, code: string): CrucibleError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CrucibleError, `expected a CrucibleError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

describe('shipped substrate maps', () => {
  const EXPECTED: Record<string, Record<string, number>> = {
    commons_harvest__open: { W: 80, A: 64, Q: 2, P: 60 },
    commons_harvest__closed: { W: 148, A: 64 },
    commons_harvest__partnership: { W: 134, I: 14, A: 64 },
  };

  for (const [name, counts] of Object.entries(EXPECTED)) {
    it(`${name} is 18 rows × 24 columns with the reference cell counts ${JSON.stringify(counts)}`, () => {
      const spec = getSubstrate(name);
      assert.equal(spec.map.length, 18);
      for (const row of spec.map) assert.equal(row.length, 24);
      const n = countChars(spec.map);
      for (const [ch, k] of Object.entries(counts)) assert.equal(n[ch] ?? 0, k, `"${ch}" cells`);
    });

    it(`${name} parses into a world with those walls, apples and spawn points`, () => {
      const spec = getSubstrate(name);
      const sim = createSim(spec, { seed: 1 });
      resetSim(sim);
      const n = countChars(spec.map);
      assert.equal(sim.walls.reduce((s, w) => s + w, 0), n.W);
      assert.equal(applesOf(sim)!.count, n.A);
      assert.equal(applesOf(sim)!.liveCount, n.A, 'every apple starts live');
      assert.equal(sim.spawnGroups.get('spawnPoints')?.length, n.P);
      assert.equal(sim.spawnGroups.get('insideSpawnPoints')?.length, n.Q);
      assert.equal(sim.players, 7);
    });
  }

  it('the open variant puts slots 0 and 1 on the two Q points at the first spawn and the others on P points', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const sim = createSim(open, { seed });
      resetSim(sim);
      const { c } = sim.world;
      const charAt = (slot: number): string => {
        const e = sim.avatars[slot];
        return open.map[c.Position.y[e]][c.Position.x[e]];
      };
      assert.deepEqual([0, 1].map(charAt), ['Q', 'Q'], `seed ${seed}`);
      for (let s = 2; s < 7; s++) assert.equal(charAt(s), 'P', `seed ${seed}, slot ${s}`);
    }
  });
});

describe('substrate registry', () => {
  it('lists the registered substrates sorted by name', () => {
    const names = substrateNames();
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.includes('commons_harvest__open'));
  });

  it('rejects an unknown name with UNKNOWN_SUBSTRATE, the bad name and every known name', () => {
    const e = expectError(() => getSubstrate('commons_harvest__opne'), 'UNKNOWN_SUBSTRATE');
    assert.match(e.message, /commons_harvest__opne/);
    for (const n of substrateNames()) assert.ok(e.message.includes(n), `message lists ${n}`);
    assert.deepEqual(e.details?.allowed, substrateNames());
  });

  it('freezes registered substrates, down to the map rows and zapper settings', () => {
    const spec = getSubstrate('commons_harvest__open');
    assert.ok(Object.isFrozen(spec));
    assert.ok(Object.isFrozen(spec.map));
    assert.ok(Object.isFrozen(spec.zapper));
    assert.throws(() => {
      (spec.map as string[])[0] = 'x';
    }, TypeError);
  });
});

describe('substrate validation', () => {
  /** `open` with a small valid map that the cases below break one way each. */
  const base: SubstrateSpec = { ...open, map: ['WWWW', 'WAPW', 'WPPW', 'WPPW', 'WPPW', 'WWWW'], population: { ...open.population, firstSpawn: undefined } };

  it('accepts the small base map', () => {
    validateSubstrate(base);
  });

  it('rejects a non-rectangular map with INVALID_SUBSTRATE, naming the row', () => {
    const e = expectError(() => validateSubstrate({ ...base, map: ['WWWW', 'WAPW', 'WPPPW', 'WPPW', 'WPPW', 'WWWW'] }), 'INVALID_SUBSTRATE');
    assert.match(e.message, /row 2 has 5 columns.*rectangular/);
  });

  it('rejects a map character that is not in the legend', () => {
    const e = expectError(() => validateSubstrate({ ...base, map: ['WWWW', 'WAXW', 'WPPW', 'WPPW', 'WPPW', 'WWWW'] }), 'INVALID_SUBSTRATE');
    assert.match(e.message, /"X", which is not in the legend/);
  });

  it('rejects a probability above 1 in the regrowth table and in the episode ending, listing both', () => {
    const bad: SubstrateSpec = {
      ...base,
      regrowth: { radius: 2, probabilities: [0, 0.5, 1.5] },
      episode: { ...base.episode, probability: 1.01 },
    };
    const e = expectError(() => validateSubstrate(bad), 'INVALID_SUBSTRATE');
    assert.match(e.message, /regrowth\.probabilities\[2\] must be a probability in \[0, 1\], got 1\.5/);
    assert.match(e.message, /episode\.probability must be a probability in \[0, 1\], got 1\.01/);
  });

  it('rejects a map without the spawn points its population needs', () => {
    let e = expectError(() => validateSubstrate({ ...base, map: ['WWWW', 'WA W', 'W  W', 'WWWW'] }), 'INVALID_SUBSTRATE');
    assert.match(e.message, /spawn group "spawnPoints" has no spawn point/);
    e = expectError(() => validateSubstrate({ ...base, map: ['WWWW', 'WAPW', 'WWWW'] }), 'INVALID_SUBSTRATE');
    assert.match(e.message, /has 1 points for 7 players/);
    e = expectError(() => validateSubstrate({ ...base, population: open.population }), 'INVALID_SUBSTRATE');
    assert.match(e.message, /first-spawn group "insideSpawnPoints" has no spawn point/);
  });
});

describe('scenarios', () => {
  const OPEN: readonly (readonly [string, string, readonly string[]])[] = [
    // MP configs/scenarios/__init__.py: open_0 is visited by free bots, open_1 by pacifists (both unsustainable).
    ['commons_harvest__open_0', 'focals are resident and visited by two bots who zap and harvest unsustainably', ['commons_harvest__open__free_0', 'commons_harvest__open__free_1']],
    ['commons_harvest__open_1', 'focals are resident and visited by two pacifists who harvest unsustainably', ['commons_harvest__open__pacifist_0', 'commons_harvest__open__pacifist_1']],
  ];
  for (const [name, description, bots] of OPEN) {
    it(`${name} ("${description}") has 5 focal slots then 2 background slots drawn from ${bots.join(', ')}`, () => {
      const s = getScenario(name);
      assert.equal(s.substrate, 'commons_harvest__open');
      assert.equal(s.description, description);
      assert.deepEqual(s.isFocal, [true, true, true, true, true, false, false]);
      assert.deepEqual(s.bots, bots);
      const env = new Environment({ substrate: s.substrate, scenario: name, seed: 3 });
      env.reset();
      assert.deepEqual(env.focalSlots, [0, 1, 2, 3, 4]);
      assert.deepEqual(env.labels.slice(0, 5), ['focal', 'focal', 'focal', 'focal', 'focal']);
      for (const slot of [5, 6]) {
        assert.ok(bots.includes(env.labels[slot]), env.labels[slot]);
        assert.equal(env.sim.bots[slot]?.name, env.labels[slot]);
      }
    });
  }

  it('lists the open scenarios for their substrate and rejects an unknown scenario with UNKNOWN_SCENARIO', () => {
    assert.deepEqual(scenariosOf('commons_harvest__open').map((s) => s.name), ['commons_harvest__open_0', 'commons_harvest__open_1']);
    const e = expectError(() => getScenario('commons_harvest__open_9'), 'UNKNOWN_SCENARIO');
    // The known names travel in details.allowed; the message counts them and stays short.
    assert.deepEqual((e.details as { allowed: string[] }).allowed, scenarioNames());
    assert.match(e.message, new RegExp(`there are ${scenarioNames().length} scenarios`));
    assert.ok(e.message.length < 200);
  });

  it('redraws background bots from the scenario\'s list at every reset, with the seeded world generator (Melting Pot Population)', () => {
    const scenario: ScenarioSpec = {
      name: 'two_bots',
      description: 'test population',
      substrate: 'commons_harvest__open',
      tags: [],
      isFocal: [true, true, true, true, true, false, false],
      bots: ['noop', 'random'],
      source: null,
    };
    const draws = (seed: number): string[] => {
      const sim = createSim(open, { seed });
      const pop = populationFor(sim, scenario, null);
      const out: string[] = [];
      for (let episode = 0; episode < 30; episode++) {
        resetSim(sim);
        const labels = assignBots(sim, pop);
        assert.deepEqual(labels.slice(0, 5), ['focal', 'focal', 'focal', 'focal', 'focal']);
        for (let s = 0; s < 5; s++) assert.equal(sim.bots[s], null, 'focal slots have no bot');
        out.push(`${labels[5]}/${labels[6]}`);
      }
      return out;
    };
    const seq = draws(7);
    const perSlot = [new Set(seq.map((d) => d.split('/')[0])), new Set(seq.map((d) => d.split('/')[1]))];
    assert.deepEqual([...perSlot[0]].sort(), ['noop', 'random'], 'slot 5 gets both bots over the resets');
    assert.deepEqual([...perSlot[1]].sort(), ['noop', 'random'], 'slot 6 gets both bots over the resets');
    assert.ok(new Set(seq).size >= 3, `the pair changes between resets: ${[...new Set(seq)].join(', ')}`);
    assert.deepEqual(draws(7), seq, 'the draws come from the seeded world generator');
  });

  it('repeats the focal pattern in every tile of a scaled map', () => {
    const sim = createSim(open, { seed: 1, scale: 2 });
    const pop = populationFor(sim, getScenario('commons_harvest__open_0'), null);
    assert.equal(pop.isFocal.length, 28);
    assert.equal(pop.isFocal.filter(Boolean).length, 20);
    for (let s = 0; s < 28; s++) assert.equal(pop.isFocal[s], s % 7 < 5, `slot ${s}`);
  });
});
