/**
 * Graduated sanctions (`GraduatedSanctionsMarking:onHit`, `lua/modules/avatar_library.lua:1051-1095`), as
 * `allelopathic_harvest.py` configures them (:772-842): the zap removes nobody itself (`removeHitPlayer = False`,
 * :497-508); each hit applies the logic of the target's marking level, in the order the hits landed. At level 1
 * (unmarked) a hit marks the player (level 2, drawn as a half-transparent cross) and freezes it for 25 ticks — it
 * can neither move nor zap; at level 2 a hit costs the target 10, sets the level back to 1 and removes the player
 * a tick later (systems/allelopathicHarvest/applySanctionTimers.ts). Every hit restarts the recovery count.
 */
import { zapHits } from '../fireZapBeams.js';
import { giveReward } from '../giveReward.js';
import type { Sim } from '../sim.js';
import { allelopathicOf } from './index.js';

export function sanctionZappedPlayers(sim: Sim): void {
  const st = allelopathicOf(sim);
  const { world } = sim;
  if (!st || zapHits.world !== world || zapHits.tick !== world.tick) return;
  const { c } = world;
  const tick = world.tick;
  const levels = st.spec.sanctions.levels;
  for (let h = 0; h < zapHits.count; h++) {
    const shooter = zapHits.shooter[h];
    const eid = zapHits.victim[h];
    const target = c.Avatar.slot[eid];
    st.zapMatrix[target * sim.players + shooter]++;
    const logic = levels[st.level[target] - 1];
    giveReward(sim, shooter, logic.sourceReward);
    giveReward(sim, target, logic.targetReward);
    st.level[target] += logic.levelIncrement;
    if (logic.remove) {
      st.removeAt[target] = tick + 1;
      // No retaliation in the tick before it leaves (`disallowMovementUntil(1)`, `disallowZappingUntil(1)`).
      c.Frozen.until[eid] = tick + 1;
      st.noZapUntil[target] = tick + 1;
    } else if (logic.freeze > 0) {
      c.Frozen.until[eid] = tick + logic.freeze;
      st.noZapUntil[target] = tick + logic.freeze;
      st.freezes++;
    }
    if (!logic.remove) st.shownLevel[target] = st.level[target];
    st.sinceHit[target] = 0;
  }
}
