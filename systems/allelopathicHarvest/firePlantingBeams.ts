/**
 * The planting beams (`ColorZapper`, `lua/levels/allelopathic_harvest/components.lua:567-604`), updater priority
 * 140 like the zap, registered after it: one beam per berry colour, FIRE_ONE / FIRE_TWO / FIRE_THREE, sharing one
 * cooling timer. Melting Pot runs one updater per colour, in colour order, each over the players in a fresh random
 * order: a player whose timer is above 0 counts it down (once a tick, in the first colour's pass); at 0 it fires
 * the colour its action names, and the timer restarts at `cooldown`. So a timer that reaches 0 in colour k's pass
 * may fire a later colour in the same tick. There is no alive check: a removed player's timer counts down, and its
 * shot resets the timer but reaches nothing (its piece is off the grid). A frozen player may plant.
 *
 * The beam (length 3, radius 0 here) stops at the first cell holding a berry, an avatar or a wall; every piece in
 * that cell is hit (`grid.cc:840-866`), so a berry under a player is replanted too (`Coloring:onHit`, :335-386;
 * `ColorZapper:onHit` blocks, :601-604).
 */
import { BeamKind } from '../beamOverlay.js';
import { traceBeam, type BeamVisitor } from '../beam.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { plantBerry } from './berries.js';
import { allelopathicOf } from './index.js';
import type { AllelopathicState } from './state.js';

const DRAWN: readonly BeamKind[] = [BeamKind.Color1, BeamKind.Color2, BeamKind.Color3];

class Planter implements BeamVisitor {
  sim!: Sim;
  st!: AllelopathicState;
  self = 0;
  slot = 0;
  color = 1;
  visit(x: number, y: number): boolean {
    const { sim, st } = this;
    const g = sim.world.grid;
    const cell = g.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const i = st.berryAt[cell];
    const berry = i >= 0 && g.atCell(cell, Layer.Lower) === st.eids[i];
    if (berry) plantBerry(sim, st, i, this.color, this.slot);
    const e = g.atCell(cell, Layer.Upper);
    return berry || (e !== 0 && e !== this.self);
  }
}
const planter = new Planter();

export function firePlantingBeams(sim: Sim): void {
  const st = allelopathicOf(sim);
  if (!st) return;
  const { world, spec, order } = sim;
  const { c, grid, rng } = world;
  const tick = world.tick;
  const beam = st.spec.plantingBeam;
  const countedAt = st.plantCountedAt;
  planter.sim = sim;
  planter.st = st;
  for (let k = 1; k <= st.colors; k++) {
    for (let s = 0; s < sim.players; s++) order[s] = s;
    rng.shuffle(order, sim.players);
    for (let n = 0; n < sim.players; n++) {
      const slot = order[n];
      if (st.plantTimer[slot] > 0) {
        if (countedAt[slot] !== tick) {
          st.plantTimer[slot]--;
          countedAt[slot] = tick;
        }
        continue;
      }
      if (spec.actions[sim.actions[slot]].fire !== PLANT[k]) continue;
      st.plantTimer[slot] = beam.cooldown;
      const eid = sim.avatars[slot];
      if (c.Removed.until[eid] > 0 || !grid.has(eid)) continue;
      planter.self = eid;
      planter.slot = slot;
      planter.color = k;
      traceBeam(sim, c.Position.x[eid], c.Position.y[eid], c.Orientation.dir[eid], beam.length, beam.radius, planter, DRAWN[k - 1]);
    }
  }
}

/** The `fire` name of colour k's planting action. */
const PLANT: readonly string[] = ['', 'color:1', 'color:2', 'color:3'];
