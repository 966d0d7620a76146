/**
 * Territory as a mechanic: resource walls players claim by painting them, the zap that damages walls and sanctions
 * players (Melting Pot `territory` level: `configs/substrates/territory.py`, `lua/levels/territory/components.lua`).
 * Its systems, one rule each, are ordered in systems/pipeline.ts by their Lab2D updater priorities.
 */
import type { Prefab } from '../../substrates/types.js';
import { Layer } from '../layers.js';
import { stateOf, type Mechanic } from '../mechanics.js';
import type { Sim } from '../sim.js';
import { spawnMapObject } from '../spawnMapObject.js';
import { Sprite } from '../sprites.js';
import { createTerritoryState, resetTerritory, type TerritoryState } from './state.js';

const CHANCE = /^claimable@(\d+)\/(\d+)$/;
const CHANCE_SPAWN = /^spawn@(\d+)\/(\d+):(\w+)$/;

/** Probability a/b of a `…@a/b` prefab. */
function odds(m: RegExpExecArray): number {
  return Number(m[1]) / Number(m[2]);
}

export const TERRITORY: Mechanic<TerritoryState> = {
  name: 'territory',
  uses: (spec) => spec.territory !== undefined,
  // The odds prefabs the maps use (substrates/territory__inside_out.ts); a map with other odds lists them here too.
  prefabs: ['claimable', 'claimable@2/3', 'claimable@1/4', 'spawn@1/7:spawnPoints'],

  create(sim: Sim): TerritoryState {
    const { spec, map } = sim;
    let resources = 0;
    const chanceCells: number[] = [], chanceOdds: number[] = [], fixed: number[] = [];
    let group: string | null = null;
    for (let cell = 0; cell < map.chars.length; cell++) {
      for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) {
        if (p === 'claimable' || CHANCE.test(p)) resources++;
        const m = CHANCE_SPAWN.exec(p);
        if (m) {
          chanceCells.push(cell);
          chanceOdds.push(odds(m));
          group = m[3];
        }
      }
    }
    if (group !== null) {
      for (let cell = 0; cell < map.chars.length; cell++) {
        if ((spec.legend[map.chars[cell]] as readonly Prefab[]).includes(`spawn:${group}`)) fixed.push(cell);
      }
    }
    return createTerritoryState(sim, resources, chanceCells, chanceOdds, group, fixed);
  },

  reset(_sim: Sim, st: TerritoryState): void {
    resetTerritory(st);
  },

  place(sim: Sim, st: TerritoryState, x: number, y: number, prefab: Prefab): void {
    const m = CHANCE.exec(prefab);
    // `a_or_b_with_odds` (utils/substrates/map_helpers.py:20-41): the wall with probability a/b, else the floor the
    // legend also lays.
    if (m && !(sim.world.rng.float() < odds(m))) return;
    if (prefab !== 'claimable' && !m) return;
    const { world } = sim;
    const eid = spawnMapObject(world, x, y, Layer.Upper, Sprite.Claimable);
    const i = st.count++;
    const cell = world.grid.cellIndex(x, y);
    st.eids[i] = eid;
    st.cells[i] = cell;
    st.indexOfCell[cell] = i;
    st.health[i] = sim.spec.territory?.resource.initialHealth ?? 1;
    st.standing++;
  },

  afterMap(sim: Sim, st: TerritoryState): void {
    // Inside Out's `Q` cells are spawn points with probability 1/7 each episode (`a_or_b_with_odds(spawn_point,
    // "floor", odds=(1, 6))`, configs/substrates/territory__inside_out.py:74): the group is rebuilt per episode.
    if (st.chanceSpawnGroup === null) return;
    const points: number[] = Array.from(st.fixedSpawnCells);
    for (let i = 0; i < st.chanceSpawnCells.length; i++) {
      if (sim.world.rng.float() < st.chanceSpawnOdds[i]) points.push(st.chanceSpawnCells[i]);
    }
    points.sort((a, b) => a - b);
    (sim.spawnGroups as Map<string, Int32Array>).set(st.chanceSpawnGroup, Int32Array.from(points));
  },
};

/** Territory's state in `sim`, or null when the substrate is not a Territory. */
export function territoryOf(sim: Sim): TerritoryState | null {
  return stateOf(sim, TERRITORY);
}
