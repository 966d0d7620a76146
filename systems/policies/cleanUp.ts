/**
 * Scripted Clean Up bots.
 * - cleaner: an altruist (Melting Pot's `clean_up__cleaner_*` bots are trained to clean). If its cleaning beam would
 *   reach a dirty cell it fires (or waits for the beam to cool); otherwise it walks to the nearest dirty cell and
 *   turns to face it; with a clean river it wanders along the river. It never zaps and never seeks apples.
 * - free_rider: a pure consumer (as `clean_up__consumer_*`, which are rewarded only for eating): it walks to the
 *   nearest live apple and otherwise waits in the orchard. It never cleans and never zaps — it rides free on
 *   whoever cleans without attacking them (unsustainable_harvester is the bot that zaps).
 */
import { traceBeam, type BeamVisitor } from '../beam.js';
import { Layer } from '../layers.js';
import type { Bot, Sim } from '../sim.js';
import { moveActions, nearestOnLayer, stepToward, type MoveActions } from './navigation.js';

/** Does the cleaning beam from here reach a dirty cell? Same blocking as the real beam (walls stop a line). */
class SeesDirt implements BeamVisitor {
  sim!: Sim;
  seen = false;
  visit(x: number, y: number): boolean {
    const sim = this.sim;
    const cell = sim.world.grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const i = sim.dirt.byCell.length > 0 ? sim.dirt.byCell[cell] : -1;
    if (i >= 0 && sim.dirt.dirty[i] === 1) {
      this.seen = true;
      return true;
    }
    return false;
  }
}
const seesDirt = new SeesDirt();

function wander(sim: Sim, m: MoveActions): number {
  const r = sim.world.rng.int(4);
  return r === 0 ? m.turnLeft : r === 1 ? m.turnRight : m.forward;
}

/** The turn that brings facing `dir` towards `want` (a U-turn starts to the right), or −1 if already facing it. */
function turnToward(dir: number, want: number, m: MoveActions): number {
  const d = (want - dir + 4) & 3;
  return d === 0 ? -1 : d === 3 ? m.turnLeft : m.turnRight;
}

export function cleanerBot(sim: Sim): Bot {
  const m = moveActions(sim);
  const cleanAction = sim.spec.actions.findIndex((a) => a.fire === 'clean');
  /** A dirt entity: dirty on the lower layer, clean (plain river) on the logic layer. */
  const isDirt = (e: number): boolean => {
    const { c, grid } = sim.world;
    const cell = grid.cellIndex(c.Position.x[e], c.Position.y[e]);
    const i = sim.dirt.byCell.length > 0 ? sim.dirt.byCell[cell] : -1;
    return i >= 0 && sim.dirt.eids[i] === e;
  };
  return {
    name: 'cleaner',
    act(s: Sim, slot: number): number {
      const beam = s.spec.cleaner;
      const { c } = s.world;
      const me = s.avatars[slot];
      const x = c.Position.x[me], y = c.Position.y[me], dir = c.Orientation.dir[me];
      if (beam && cleanAction >= 0) {
        seesDirt.sim = s;
        seesDirt.seen = false;
        traceBeam(s, x, y, dir, beam.length, beam.radius, seesDirt);
        if (seesDirt.seen) return s.cleaning.timer[slot] === 0 ? cleanAction : m.noop;
      }
      const dirt = nearestOnLayer(s, slot, Layer.Lower, isDirt);
      if (dirt === 0) {
        const river = nearestOnLayer(s, slot, Layer.Logic, isDirt);
        if (river === 0) return wander(s, m);
        const dist = Math.abs(c.Position.x[river] - x) + Math.abs(c.Position.y[river] - y);
        return dist > 1 ? stepToward(s, slot, c.Position.x[river], c.Position.y[river], m) : wander(s, m);
      }
      const dx = c.Position.x[dirt] - x, dy = c.Position.y[dirt] - y;
      const dist = Math.abs(dx) + Math.abs(dy);
      if (dist === 0) return m.backward;
      if (beam && dist <= beam.length) {
        const want = Math.abs(dx) >= Math.abs(dy) ? (dx > 0 ? 1 : 3) : dy > 0 ? 2 : 0;
        const turn = turnToward(dir, want, m);
        if (turn >= 0) return turn;
      }
      return stepToward(s, slot, c.Position.x[dirt], c.Position.y[dirt], m);
    },
  };
}

export function freeRiderBot(sim: Sim): Bot {
  const m = moveActions(sim);
  const isLiveApple = (e: number): boolean => sim.apples.indexOf[e] >= 0;
  return {
    name: 'free_rider',
    act(s: Sim, slot: number): number {
      const { c } = s.world;
      const apple = nearestOnLayer(s, slot, Layer.Lower, isLiveApple);
      if (apple !== 0) return stepToward(s, slot, c.Position.x[apple], c.Position.y[apple], m);
      // No apple anywhere: wait in the orchard, next to where apples will appear.
      const spot = nearestOnLayer(s, slot, Layer.Logic, isLiveApple);
      if (spot === 0) return wander(s, m);
      const me = s.avatars[slot];
      const dist = Math.abs(c.Position.x[spot] - c.Position.x[me]) + Math.abs(c.Position.y[spot] - c.Position.y[me]);
      return dist > 1 ? stepToward(s, slot, c.Position.x[spot], c.Position.y[spot], m) : wander(s, m);
    },
  };
}
