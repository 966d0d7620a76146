/**
 * Sanction levels recover (`GraduatedSanctionsMarking` `resetToInitialLevel`, lua/modules/avatar_library.lua:
 * 1010-1025, updater priority 3; `recoveryTime` 50, configs/substrates/territory.py:807): a player on the map at
 * level 2 returns to level 1 after `recoveryTicks` ticks without being zapped again.
 */
import type { Sim } from '../sim.js';
import { territoryOf } from './index.js';
import { onMap } from './state.js';

export function recoverSanctionLevels(sim: Sim): void {
  // The spec block first: a substrate without Territory pays one field read.
  const spec = sim.spec.territory;
  if (!spec) return;
  const st = territoryOf(sim);
  if (!st) return;
  for (let slot = 0; slot < sim.players; slot++) {
    if (st.level[slot] === 1 || !onMap(sim, slot)) continue;
    st.sinceLevel[slot]++;
    if (st.sinceLevel[slot] === spec.sanctions.recoveryTicks) {
      st.level[slot] = 1;
      st.sinceLevel[slot] = 0;
    }
  }
}
