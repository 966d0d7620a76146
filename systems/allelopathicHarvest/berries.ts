/**
 * What happens to a berry: it ripens, is eaten, is replanted in another colour. Shared by the systems of this
 * folder; each keeps the global per-colour counts (`GlobalBerryTracker`) and the berry's sprite in step.
 * Melting Pot: `lua/levels/allelopathic_harvest/components.lua` (Berry :77-113, Edible :173-207, Coloring :335-386).
 */
import { giveReward } from '../giveReward.js';
import type { Sim } from '../sim.js';
import { Sprite } from '../sprites.js';
import { NEWBORN, type AllelopathicState } from './state.js';

/** The sprite of an unripe (ripe) berry of colour k (1-based). */
export function unripeSprite(k: number): Sprite {
  return (Sprite.UnripeBerry1 + k - 1) as Sprite;
}
export function ripeSprite(k: number): Sprite {
  return (Sprite.RipeBerry1 + k - 1) as Sprite;
}

/** Berry i ripens (`Berry:ripen`); the state change restarts its countdown (`Regrowth:onStateChange`). */
export function ripen(sim: Sim, st: AllelopathicState, i: number): void {
  const k = st.color[i];
  st.ripe[i] = 1;
  st.unripeCount[k]--;
  st.ripeCount[k]++;
  st.countdown[i] = st.spec.regrowth.minimumTimeToRipen;
  sim.world.c.Sprite.id[st.eids[i]] = ripeSprite(k);
}

/**
 * The player in `slot` eats ripe berry i (`Edible:onEnter`): the reward of its taste, the berry unripe again, and
 * the eater may be seen as a free rider — turned back to the newborn colour (`ColorZapper:eatCrypticBerry`).
 */
export function eatBerry(sim: Sim, st: AllelopathicState, i: number, slot: number): void {
  const k = st.color[i];
  const { world } = sim;
  giveReward(sim, slot, k === st.mostTasty[slot] ? st.spec.rewardMostTasty : st.spec.rewardDefault);
  st.ripe[i] = 0;
  st.ripeCount[k]--;
  st.unripeCount[k]++;
  st.countdown[i] = st.spec.regrowth.minimumTimeToRipen;
  world.c.Sprite.id[st.eids[i]] = unripeSprite(k);
  st.eatenBy[i] = sim.avatars[slot];
  st.eatenAt[i] = world.tick;
  st.eatenByPlayer[(k - 1) * sim.players + slot]++;
  if (st.spec.stochasticallyCryptic) {
    if (world.rng.float() < st.disclosure) st.avatarColor[slot] = NEWBORN;
  } else if (++st.crypticEaten[slot] >= st.spec.crypticConsumptionThreshold) {
    st.avatarColor[slot] = NEWBORN;
  }
}

/** Has berry i been eaten by the player in `slot` during its present stay in the cell (`Edible.triggered`)? */
export function eatenThisStay(sim: Sim, st: AllelopathicState, i: number, slot: number): boolean {
  return st.eatenBy[i] === sim.avatars[slot] && st.eatenAt[i] >= st.arrivedAt[slot];
}

/**
 * A planting beam of colour k from `slot` hits berry i (`Coloring:onHit`): only the first planting hit of a tick
 * counts; an unripe berry of another colour becomes colour k, waits again, and the planter takes colour k.
 */
export function plantBerry(sim: Sim, st: AllelopathicState, i: number, k: number, slot: number): void {
  const tick = sim.world.tick;
  if (st.plantedAt[i] === tick) return;
  st.plantedAt[i] = tick;
  const from = st.color[i];
  if (st.ripe[i] === 1 || from === k) return;
  st.unripeCount[from]--;
  st.unripeCount[k]++;
  st.color[i] = k;
  st.countdown[i] = st.spec.regrowth.minimumTimeToRipen;
  sim.world.c.Sprite.id[st.eids[i]] = unripeSprite(k);
  st.plantedBy[(k - 1) * sim.players + slot]++;
  st.avatarColor[slot] = k;
  st.crypticEaten[slot] = 0;
}
