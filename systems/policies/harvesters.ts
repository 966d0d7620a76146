/**
 * Scripted Commons Harvest bots.
 * - unsustainable_harvester: walks to the nearest live apple, eats whatever it steps on, and zaps any player its
 *   beam would reach when it is ready (Melting Pot's "free" bots zap and harvest unsustainably).
 * - sustainable_harvester: only targets and only steps on apples with at least 3 live neighbours, so no patch is
 *   stripped below the density it needs to regrow; never zaps.
 */
import { Layer } from '../layers.js';
import type { Bot, Sim } from '../sim.js';
import { traceBeam, type BeamVisitor } from '../beam.js';
import { moveActions, nearestOnLayer, stepToward, type MoveActions } from './navigation.js';

/** Minimum live neighbours an apple must keep for the sustainable harvester to eat it. */
export const SUSTAINABLE_MIN_NEIGHBOURS = 3;

class SeesPlayer implements BeamVisitor {
  sim!: Sim;
  self = 0;
  seen = false;
  visit(x: number, y: number): boolean {
    const g = this.sim.world.grid;
    const cell = g.cellIndex(x, y);
    if (this.sim.walls[cell] === 1) return true;
    const e = g.atCell(cell, Layer.Upper);
    if (e !== 0 && e !== this.self) {
      this.seen = true;
      return true;
    }
    return false;
  }
}
const sees = new SeesPlayer();

function wander(sim: Sim, m: MoveActions): number {
  const r = sim.world.rng.int(4);
  return r === 0 ? m.turnLeft : r === 1 ? m.turnRight : m.forward;
}

export function unsustainableHarvester(sim: Sim): Bot {
  const m = moveActions(sim);
  const zapAction = sim.spec.actions.findIndex((a) => a.fire === 'zap');
  const isLiveApple = (e: number): boolean => sim.apples.indexOf[e] >= 0;
  return {
    name: 'unsustainable_harvester',
    act(s: Sim, slot: number): number {
      const { c } = s.world;
      const me = s.avatars[slot];
      const zap = s.spec.zapper;
      if (zap && zapAction >= 0 && c.Cooldown.timer[me] === 0) {
        sees.sim = s;
        sees.self = me;
        sees.seen = false;
        traceBeam(s, c.Position.x[me], c.Position.y[me], c.Orientation.dir[me], zap.length, zap.radius, sees);
        if (sees.seen) return zapAction;
      }
      const apple = nearestOnLayer(s, slot, Layer.Lower, isLiveApple);
      if (apple === 0) return wander(s, m);
      return stepToward(s, slot, c.Position.x[apple], c.Position.y[apple], m);
    },
  };
}

export function sustainableHarvester(sim: Sim): Bot {
  const m = moveActions(sim);
  const a = sim.apples;
  const plentiful = (e: number): boolean => {
    const i = a.indexOf[e];
    return i >= 0 && a.liveNeighbors[i] >= SUSTAINABLE_MIN_NEIGHBOURS;
  };
  // Never step onto a live apple that is too sparse to eat.
  const canEnter = (x: number, y: number): boolean => {
    const e = sim.world.grid.at(x, y, Layer.Lower);
    return e === 0 || a.indexOf[e] < 0 || plentiful(e);
  };
  return {
    name: 'sustainable_harvester',
    act(s: Sim, slot: number): number {
      const { c } = s.world;
      const apple = nearestOnLayer(s, slot, Layer.Lower, plentiful);
      if (apple === 0) {
        const w = wander(s, m);
        if (w !== m.forward) return w;
        const me = s.avatars[slot];
        return stepToward(s, slot, c.Position.x[me] + 1, c.Position.y[me], m, canEnter);
      }
      return stepToward(s, slot, c.Position.x[apple], c.Position.y[apple], m, canEnter);
    },
  };
}
