/**
 * The claiming beam (`ResourceClaimer`, lua/levels/territory/components.lua:214-276, default updater priority 100;
 * configured at configs/substrates/territory.py:731-738: length 2, radius 0, `beamWait` 0). A player on the map whose
 * action claims, and whose wait is over, fires a beam in its colour that paints every resource wall it crosses:
 * claims pass through resource walls and players (`Resource:onHit` returns false, components.lua:143-150); only a
 * wall of the map (`AllBeamBlocker`) or the map's edge stops it.
 * Frozen players still claim: Melting Pot's freeze stops moves and zaps only.
 */
import { traceBeam, type BeamVisitor } from '../beam.js';
import type { Sim } from '../sim.js';
import { claimResource } from './claimResource.js';
import { territoryOf } from './index.js';
import { beginOverlay, colourOf, markOverlay, onMap, type TerritoryState } from './state.js';

class ClaimVisitor implements BeamVisitor {
  sim!: Sim;
  st!: TerritoryState;
  slot = 0;
  colour = 0;

  visit(x: number, y: number): boolean {
    const { sim, st } = this;
    const cell = sim.world.grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const i = st.indexOfCell[cell];
    if (i >= 0) claimResource(sim, st, i, this.slot);
    markOverlay(st, cell, 0, 1 + this.colour);
    return false;
  }
}

const claim = new ClaimVisitor();

export function fireClaimBeams(sim: Sim): void {
  // The spec block first: a substrate without Territory pays one field read.
  const spec = sim.spec.territory;
  if (!spec) return;
  if (!sim.spec.territory) return;
  const st = territoryOf(sim);
  if (!st) return;
  beginOverlay(sim, st);
  const { c, rng } = sim.world;
  const b = spec.claim;
  claim.sim = sim;
  claim.st = st;
  // Each avatar's claim updater is one member of a shared group, run in a fresh random order (grid.cc:170-172).
  const order = sim.order;
  for (let s = 0; s < sim.players; s++) order[s] = s;
  rng.shuffle(order, sim.players);
  for (let k = 0; k < sim.players; k++) {
    const slot = order[k];
    if (!onMap(sim, slot)) continue;
    if (st.claimTimer[slot] > 0) {
      st.claimTimer[slot]--;
      continue;
    }
    if (sim.spec.actions[sim.actions[slot]].fire !== 'claim') continue;
    st.claimTimer[slot] = b.cooldown;
    const eid = sim.avatars[slot];
    claim.slot = slot;
    claim.colour = colourOf(sim, slot);
    traceBeam(sim, c.Position.x[eid], c.Position.y[eid], c.Orientation.dir[eid], b.length, b.radius, claim);
  }
}
