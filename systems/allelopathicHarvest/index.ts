/**
 * Allelopathic Harvest as a mechanic (systems/mechanics.ts): the substrate's `allelopathicHarvest` block asks for it.
 * It lays the berries (`berry:k` prefabs, each on soil), and owns the systems of this folder, one rule each:
 * - applySanctionTimers: a removing sanction takes the player off the map a tick later; a sanctioned player's zap
 *   stays disabled while its freeze lasts;
 * - ripenBerries: unripe berries ripen at a rate set by the number of berries of their colour;
 * - eatBerries: a player who steps onto a ripe berry eats it (reward by taste);
 * - firePlantingBeams: the planting beams recolour the first unripe berry they reach;
 * - sanctionZappedPlayers: each zap hit marks, freezes or removes its target (graduated sanctions);
 * - recoverSanctionLevels: a marked player's level goes back to 1 after a while on the map.
 */
import type { Prefab } from '../../substrates/types.js';
import { spawnMapObject } from '../spawnMapObject.js';
import { Layer } from '../layers.js';
import { stateOf, type Mechanic } from '../mechanics.js';
import type { Sim } from '../sim.js';
import { unripeSprite } from './berries.js';
import { createAllelopathicState, resetAllelopathicState, type AllelopathicState } from './state.js';

/** The berry prefabs, one per colour Melting Pot's art has (`NUM_BERRY_TYPES = 3`). */
export const BERRY_PREFABS: readonly Prefab[] = ['berry:1', 'berry:2', 'berry:3'];

export const ALLELOPATHIC_HARVEST: Mechanic<AllelopathicState> = {
  name: 'allelopathicHarvest',
  uses: (spec) => spec.allelopathicHarvest !== undefined,
  prefabs: BERRY_PREFABS,
  create(sim: Sim): AllelopathicState {
    const spec = sim.spec.allelopathicHarvest;
    if (!spec) throw new Error(`substrate ${sim.spec.name} has no allelopathicHarvest block`);
    return createAllelopathicState(sim, spec);
  },
  reset(_sim: Sim, st: AllelopathicState): void {
    resetAllelopathicState(st);
  },
  /** Every berry starts unripe, waiting `minimumTimeToRipen` ticks (`Berry:start`, `Regrowth:__init__`). */
  place(sim: Sim, st: AllelopathicState, x: number, y: number, prefab: Prefab): void {
    const k = Number(prefab.slice(6));
    const i = st.count++;
    const eid = spawnMapObject(sim.world, x, y, Layer.Lower, unripeSprite(k));
    st.eids[i] = eid;
    st.berryAt[sim.world.grid.cellIndex(x, y)] = i;
    st.color[i] = k;
    st.ripe[i] = 0;
    st.countdown[i] = st.spec.regrowth.minimumTimeToRipen;
    st.unripeCount[k]++;
  },
};

/** This sim's Allelopathic Harvest state, or null when its substrate has none (one field read then). */
export function allelopathicOf(sim: Sim): AllelopathicState | null {
  return sim.spec.allelopathicHarvest ? stateOf(sim, ALLELOPATHIC_HARVEST) : null;
}
