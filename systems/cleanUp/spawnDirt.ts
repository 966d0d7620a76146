/**
 * DirtSpawner (Clean Up): on every step t > delayStart (50 in Clean Up), with probability spawnProbability (0.5) one
 * uniformly random clean dirt-capable river cell becomes dirty; nothing happens when the whole river is dirty.
 * Melting Pot's spawner counts steps from 1 and checks `timeStep > delay`, so the first possible dirt is at step 51.
 * It runs in the component phase, before moves, after AppleGrow (whose dirt fraction is the start-of-step one).
 */
import { cleanUpOf, setDirty } from './dirtState.js';
import type { Sim } from '../sim.js';

export function spawnDirt(sim: Sim): void {
  const spawn = sim.spec.dirt;
  if (!spawn) return;
  const { rng, tick } = sim.world;
  if (tick <= spawn.delayStart) return;
  if (rng.float() >= spawn.spawnProbability) return;
  const st = cleanUpOf(sim);
  if (!st) return;
  const d = st.dirt;
  if (d.cleanCount === 0) return;
  setDirty(sim, d.clean[rng.int(d.cleanCount)]);
}
