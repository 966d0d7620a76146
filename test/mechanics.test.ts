/**
 * The mechanics (systems/mechanics.ts): a substrate's data decides which families' state exists in its sim, and a
 * mechanic added to the list a sim is built from is wired in by that alone (state, map prefabs, episode hooks,
 * inventory size).
 */
import { strict as assert } from 'node:assert';
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import type { Prefab, SubstrateSpec } from '../substrates/types.js';
import { APPLES, applesOf } from '../systems/apples/index.js';
import { CLEAN_UP, cleanUpOf } from '../systems/cleanUp/index.js';
import { Layer } from '../systems/layers.js';
import { MATRIX, matrixOf } from '../systems/matrix/index.js';
import { legendLays, stateOf, type Mechanic } from '../systems/mechanics.js';
import { MECHANICS } from '../systems/mechanics/registry.js';
import { resetSim, stepSim } from '../systems/pipeline.js';
import { createSim, type Sim } from '../systems/sim.js';
import { spawnMapObject } from '../systems/spawnMapObject.js';
import { Sprite } from '../systems/sprites.js';
import { tinySpec } from './helpers/tinyWorld.js';

function freshSim(spec: SubstrateSpec, mechanics?: readonly Mechanic<unknown>[]): Sim {
  const sim = createSim(spec, { seed: 3, ...(mechanics ? { mechanics } : {}) });
  resetSim(sim);
  return sim;
}

/** Map cells whose legend lays one of `prefabs`. */
function cellsLaying(spec: SubstrateSpec, prefabs: readonly Prefab[]): number {
  let n = 0;
  for (const row of spec.map) for (const ch of row) if (spec.legend[ch].some((p) => prefabs.includes(p))) n++;
  return n;
}

describe('mechanics', () => {
  it('lists every mechanic once in the registry, by a unique name', () => {
    const names = MECHANICS.map((m) => m.name);
    assert.deepEqual([...new Set(names)], names);
    for (const m of [APPLES, CLEAN_UP, MATRIX]) assert.ok(MECHANICS.includes(m as Mechanic<unknown>), m.name);
  });

  describe('a family state exists exactly where the substrate data asks for it', () => {
    for (const name of substrateNames()) {
      it(`${name}: apples with apples in its legend, Clean Up with a river to clean, the matrix with a matrix block`, () => {
        const spec = getSubstrate(name);
        const sim = freshSim(spec);
        const hasApples = legendLays(spec, ['apple', 'potentialApple']);
        const hasRiver = spec.cleaner !== undefined || spec.dirt !== undefined || spec.appleGrowth !== undefined || legendLays(spec, ['dirt', 'potentialDirt']);
        assert.equal(applesOf(sim) !== null, hasApples, 'apples');
        assert.equal(cleanUpOf(sim) !== null, hasRiver, 'Clean Up');
        assert.equal(matrixOf(sim) !== null, spec.matrix !== undefined, 'matrix');
        // The state of each family in use covers the map's own cells.
        const apples = applesOf(sim);
        if (apples) assert.equal(apples.count, cellsLaying(spec, ['apple', 'potentialApple']));
        const river = cleanUpOf(sim);
        if (river) assert.equal(river.dirt.count, cellsLaying(spec, ['dirt', 'potentialDirt']));
        // Every mechanic in use, and only those, is in the sim, in registry order.
        assert.deepEqual(sim.mechanics.map((a) => a.mechanic.name), MECHANICS.filter((m) => m.uses(spec)).map((m) => m.name));
      });
    }

    it('gives commons_harvest__open apples but no river and no matrix state, and the default 2-entry inventory', () => {
      const sim = freshSim(getSubstrate('commons_harvest__open'));
      assert.ok(applesOf(sim));
      assert.equal(cleanUpOf(sim), null);
      assert.equal(matrixOf(sim), null);
      assert.equal(sim.world.c.Inventory.size, 2);
    });

    it('gives clean_up both the apples and the river, and no matrix state', () => {
      const sim = freshSim(getSubstrate('clean_up'));
      assert.ok(applesOf(sim));
      assert.ok(cleanUpOf(sim));
      assert.equal(matrixOf(sim), null);
    });

    it('gives a matrix game its matrix state, an inventory of one entry per resource class, and no apples or river', () => {
      const spec = getSubstrate('prisoners_dilemma_in_the_matrix__repeated');
      const sim = freshSim(spec);
      const st = matrixOf(sim);
      assert.ok(st && spec.matrix);
      assert.equal(st.classes, spec.matrix.resources.length);
      assert.equal(sim.world.c.Inventory.size, spec.matrix.resources.length);
      assert.equal(applesOf(sim), null);
      assert.equal(cleanUpOf(sim), null);
    });

    it('drops the apples state when a variant leaves apples out of its legend, and its systems still run', () => {
      const base = tinySpec(['W W', 'WPW']);
      const legend = Object.fromEntries(Object.entries(base.legend).filter(([, ps]) => !ps.includes('apple') && !ps.includes('potentialApple')));
      const sim = freshSim({ ...base, legend });
      assert.equal(applesOf(sim), null);
      for (let t = 0; t < 5; t++) stepSim(sim);
      assert.equal(sim.world.tick, 5);
    });
  });

  describe('a mechanic added to the list is wired in by that alone', () => {
    /** What the test mechanic saw, in order. */
    interface BeaconState {
      readonly log: string[];
      /** Entity id of each beacon placed this episode. */
      readonly eids: number[];
    }
    const BEACON: Mechanic<BeaconState> = {
      name: 'beacon',
      uses: (spec) => legendLays(spec, ['tile:beacon']),
      prefabs: ['tile:beacon'],
      create: (sim) => ({ log: [`create ${sim.width}x${sim.height}`], eids: [] }),
      reset(_sim, st) {
        st.log.push('reset');
        st.eids.length = 0;
      },
      place(sim, st, x, y, prefab) {
        st.log.push(`place ${prefab} ${x},${y}`);
        st.eids.push(spawnMapObject(sim.world, x, y, Layer.Logic, Sprite.Apple));
      },
      afterMap(sim, st) {
        st.log.push(`afterMap spawn point ${sim.world.grid.at(1, 1, Layer.Upper) === 0 ? 'empty' : 'taken'}`);
      },
      afterAvatars(sim, st) {
        st.log.push(`afterAvatars spawn point ${sim.world.grid.at(1, 1, Layer.Upper) === 0 ? 'empty' : 'taken'}`);
      },
      inventorySize: () => 5,
    };
    const map = ['WBW', 'BPW'];
    const spec = (): SubstrateSpec => {
      const base = tinySpec(map);
      return { ...base, legend: { ...base.legend, B: ['floor', 'tile:beacon'] } };
    };

    it('creates its state, lays its prefab cell by cell between the walls, and runs its hooks around the avatars', () => {
      const sim = freshSim(spec(), [...MECHANICS, BEACON as Mechanic<unknown>]);
      const st = stateOf(sim, BEACON);
      assert.ok(st);
      assert.deepEqual(st.log, [
        'create 3x2',
        'reset',
        'place tile:beacon 1,0',
        'place tile:beacon 0,1',
        'afterMap spawn point empty',
        'afterAvatars spawn point taken',
      ]);
      // Map order, interleaved with the walls: wall (0,0) = 1, beacon (1,0) = 2, wall (2,0) = 3, beacon (0,1) = 4.
      assert.deepEqual(st.eids, [2, 4]);
      assert.equal(sim.world.grid.at(0, 0, Layer.Upper), 1);
      assert.equal(sim.world.grid.at(2, 0, Layer.Upper), 3);
      assert.equal(sim.world.c.Inventory.size, 5);
    });

    it('runs the hooks again at each reset, on the new episode\'s world', () => {
      const sim = freshSim(spec(), [...MECHANICS, BEACON as Mechanic<unknown>]);
      resetSim(sim);
      const st = stateOf(sim, BEACON);
      assert.ok(st);
      assert.equal(st.log.filter((l) => l === 'reset').length, 2);
      assert.equal(st.log.filter((l) => l.startsWith('afterAvatars')).length, 2);
      assert.deepEqual(st.eids, [2, 4]);
      assert.equal(sim.world.c.Inventory.size, 5);
    });

    it('has no state and no hook called where the substrate does not use it, and is absent from a sim built without it', () => {
      const unused = freshSim(tinySpec(['WPW']), [...MECHANICS, BEACON as Mechanic<unknown>]);
      assert.equal(stateOf(unused, BEACON), null);
      assert.equal(unused.world.c.Inventory.size, 2);
      const without = freshSim(spec());
      assert.equal(stateOf(without, BEACON), null);
      // Unclaimed, the beacon cell is inert: no entity between the walls.
      assert.equal(without.world.grid.at(2, 0, Layer.Upper), 2);
    });

    it('refuses two mechanics in use that claim the same prefab, naming both', () => {
      const twin: Mechanic<null> = { name: 'twin', uses: () => true, prefabs: ['tile:beacon'], create: () => null };
      assert.throws(
        () => createSim(spec(), { seed: 1, mechanics: [BEACON as Mechanic<unknown>, twin as Mechanic<unknown>] }),
        (e: unknown) => e instanceof CrucibleError && e.code === 'INVALID_SUBSTRATE' && /beacon/.test(e.message) && /twin/.test(e.message),
      );
    });
  });
});
