/**
 * Coin collection (Melting Pot `Coin:onEnter`, lua/levels/coins/components.lua:93-166): a player who entered a
 * cell holding a live coin this tick collects it. A coin of its own colour pays it `selfForMatch` and every other
 * player `otherForMatch`; a coin of the other colour pays it `selfForMismatch` and every other player
 * `otherForMismatch` (1 and 0, 1 and −2 in Melting Pot: taking the partner's coin gains 1 and costs the partner 2).
 * The coin then waits. The partner's MISMATCHED_COIN_COLLECTED_BY_PARTNER is 1 for the step in which its coin was
 * taken (`PartnerTracker`, :281-328; cleared at the start of every step by its `preUpdate`).
 *
 * Standing on a coin that regrew underneath does not collect it (only entering does, as Lab2D's `onEnter`).
 *
 * Fairness events: taking the partner's coin is a landed hostile act on the partner (exploitation); collecting
 * one's own coin while the partner stands next to it is a defended one (the partner was one step from taking it).
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import { enteredObject } from '../enteredObject.js';
import { giveReward } from '../giveReward.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { coinsOf } from './index.js';
import { COIN_LIVE_TYPE0, COIN_WAITING, partnerOf, playerType } from './state.js';

export function collectCoins(sim: Sim): void {
  const st = coinsOf(sim);
  const spec = sim.spec.coins;
  if (!st || !spec) return;
  st.partnerMismatch.fill(0);
  const { world } = sim;
  const { c, grid, events, tick } = world;
  const r = spec.rewards;
  for (let slot = 0; slot < sim.players; slot++) {
    const i = enteredObject(sim, slot, st.indexOf);
    if (i < 0 || st.state[i] === COIN_WAITING) continue;
    const owner = st.state[i] - COIN_LIVE_TYPE0;
    const match = owner === playerType(slot);
    giveReward(sim, slot, match ? r.selfForMatch : r.selfForMismatch);
    const others = match ? r.otherForMatch : r.otherForMismatch;
    for (let s = 0; s < sim.players; s++) if (s !== slot) giveReward(sim, s, others);
    const partner = partnerOf(sim, slot);
    if (match) st.matched[slot]++;
    else {
      st.mismatched[slot]++;
      if (partner >= 0) st.partnerMismatch[partner] = 1;
    }
    const eid = st.eids[i];
    const x = c.Position.x[eid], y = c.Position.y[eid];
    st.state[i] = COIN_WAITING;
    st.liveCount--;
    st.waitingSince[i] = tick;
    grid.setLayer(eid, Layer.Logic);
    if (events.wants('coin_collected')) events.emit('coin_collected', { tick, slot, x, y, matched: match });
    if (partner >= 0 && events.wants('hostile_attempt')) {
      if (!match) events.emit('hostile_attempt', { tick, attacker: slot, target: partner, landed: true });
      else if (besideCell(sim, partner, x, y)) events.emit('hostile_attempt', { tick, attacker: partner, target: slot, landed: false });
    }
  }
}

/** Is the avatar of `slot` on the map, one step (N, E, S or W) from (x, y)? */
function besideCell(sim: Sim, slot: number, x: number, y: number): boolean {
  const { c, grid } = sim.world;
  const eid = sim.avatars[slot];
  if (!grid.has(eid)) return false;
  const px = c.Position.x[eid], py = c.Position.y[eid];
  for (let d = 0; d < 4; d++) if (px === x + DIR_DX[d] && py === y + DIR_DY[d]) return true;
  return false;
}
