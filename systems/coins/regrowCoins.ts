/**
 * Coin regrowth (Melting Pot `ChoiceCoinRegrow`, lua/levels/coins/components.lua:169-200): each tick, every coin
 * in its wait state becomes live with probability `regrowProbability` (0.0005), in the colour of either player
 * with equal chance (`random:choice` of the two live states). There is no check for a player on the cell.
 *
 * Its updater has the default priority 100 (`lua/modules/updater_registry.lua:119`), below the avatars' moves
 * (150); Lab2D lands every updater's state change after the queued moves (`Grid::DoUpdate`: updaters, then the
 * queue), so a coin collected this tick does not regrow this tick, and a coin that regrows under a player who just
 * stepped there is not collected by it. Running after `collectCoins` and skipping the coins that started waiting
 * this tick gives the same.
 */
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { COIN_SPRITES } from '../sprites.js';
import { coinsOf, type CoinsState } from './index.js';
import { COIN_LIVE_TYPE0, COIN_WAITING } from './state.js';

export function regrowCoins(sim: Sim): void {
  const st = coinsOf(sim);
  const spec = sim.spec.coins;
  if (!st || !spec) return;
  const p = spec.regrowProbability;
  if (p <= 0) return;
  const { rng, tick } = sim.world;
  for (let i = 0; i < st.count; i++) {
    if (st.state[i] !== COIN_WAITING || st.waitingSince[i] >= tick) continue;
    if (rng.float() >= p) continue;
    setCoinLive(sim, st, i, rng.int(2));
  }
}

/** Coin `i` turns live in the colour of player type `type` (0 or 1). */
export function setCoinLive(sim: Sim, st: CoinsState, i: number, type: number): void {
  if (st.state[i] !== COIN_WAITING) return;
  const eid = st.eids[i];
  st.state[i] = COIN_LIVE_TYPE0 + type;
  st.liveCount++;
  sim.world.c.Sprite.id[eid] = COIN_SPRITES[st.typeColour[type]];
  sim.world.grid.setLayer(eid, Layer.Lower);
}
