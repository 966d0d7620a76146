/**
 * Scripted Commons Harvest bots, standing in for Melting Pot's trained ones (`commons_harvest__*__free_*`,
 * `__pacifist_*`, `__good_partner_*`, `__sustainable_fighter_*`). Two traits, as the scenario descriptions name them:
 * - zaps: when its beam is ready and would reach another player it fires (free bots, fighters); otherwise it never
 *   fires (pacifists, good partners).
 * - sustainable: only targets and only steps on apples with at least SUSTAINABLE_MIN_NEIGHBOURS live neighbours,
 *   so no patch is stripped below the density it needs to regrow; an unsustainable harvester walks to the nearest
 *   live apple and eats whatever it steps on, stripping patches.
 * Crucible's own `unsustainable_harvester` (zaps) and `sustainable_harvester` (never zaps) are two of the four.
 */
import { applesOf } from '../apples/appleState.js';
import { Layer } from '../layers.js';
import type { Bot, Sim } from '../sim.js';
import { traceBeam, type BeamVisitor } from '../beam.js';
import { firstStep, moveActions, nearestOnLayer, stepAction, stepToward, type MoveActions } from './navigation.js';

/** Minimum live neighbours an apple must keep for a sustainable harvester to eat it. */
export const SUSTAINABLE_MIN_NEIGHBOURS = 3;

export interface HarvesterTraits {
  readonly zaps: boolean;
  readonly sustainable: boolean;
}

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

/** Would the zap beam of the avatar of `slot`, fired now, reach another player? */
export function zapWouldHit(s: Sim, slot: number): boolean {
  const zap = s.spec.zapper;
  if (!zap) return false;
  const { c } = s.world;
  const me = s.avatars[slot];
  sees.sim = s;
  sees.self = me;
  sees.seen = false;
  traceBeam(s, c.Position.x[me], c.Position.y[me], c.Orientation.dir[me], zap.length, zap.radius, sees);
  return sees.seen;
}

export function harvesterBot(sim: Sim, name: string, traits: HarvesterTraits): Bot {
  const m = moveActions(sim);
  const zapAction = sim.spec.actions.findIndex((a) => a.fire === 'zap');
  // Without apples (another family's map) nothing is an apple: every lookup answers −1.
  const a = applesOf(sim) ?? { indexOf: new Int32Array(sim.capacity + 1).fill(-1), liveNeighbors: new Uint8Array(0), live: new Uint8Array(0), count: 0, liveCount: 0 };
  const isLiveApple = (e: number): boolean => a.indexOf[e] >= 0;
  const plentiful = (e: number): boolean => {
    const i = a.indexOf[e];
    return i >= 0 && a.liveNeighbors[i] >= SUSTAINABLE_MIN_NEIGHBOURS;
  };
  // A sustainable harvester never steps onto a live apple too sparse to eat.
  const canEnter = (x: number, y: number): boolean => {
    const e = sim.world.grid.at(x, y, Layer.Lower);
    return e === 0 || a.indexOf[e] < 0 || plentiful(e);
  };
  const target = traits.sustainable ? plentiful : isLiveApple;
  const enter = traits.sustainable ? canEnter : undefined;
  const isTargetCell = (cell: number): boolean => {
    const e = sim.world.grid.atCell(cell, Layer.Lower);
    return e !== 0 && target(e);
  };
  // Is there any apple it would walk to? When there is none (a stripped map, or none dense enough), the path search
  // below would visit every reachable cell and find nothing, for every bot at every tick: most of a scenario room's
  // CPU once its apples are gone. Skipping it changes no action (the search and the lookup after it both come up empty).
  const anyTarget = (): boolean => {
    if (a.liveCount === 0) return false;
    if (!traits.sustainable) return true;
    for (let i = 0; i < a.count; i++) if (a.live[i] === 1 && a.liveNeighbors[i] >= SUSTAINABLE_MIN_NEIGHBOURS) return true;
    return false;
  };
  const mayNotEnter = (cell: number): boolean => {
    if (!traits.sustainable) return false;
    const e = sim.world.grid.atCell(cell, Layer.Lower);
    return e !== 0 && a.indexOf[e] >= 0 && !plentiful(e);
  };
  /** No apple it would eat anywhere: wander (a sustainable one steps only where it may). */
  const noApple = (s: Sim, slot: number): number => {
    const w = wander(s, m);
    if (w !== m.forward || !enter) return w;
    const { c } = s.world;
    const me = s.avatars[slot];
    return stepToward(s, slot, c.Position.x[me] + 1, c.Position.y[me], m, enter);
  };
  return {
    name,
    act(s: Sim, slot: number): number {
      const { c } = s.world;
      const me = s.avatars[slot];
      if (traits.zaps && zapAction >= 0 && c.Cooldown.timer[me] === 0 && zapWouldHit(s, slot)) return zapAction;
      // The first step of a shortest path (around walls and players) to the nearest apple it would eat.
      if (!anyTarget()) return noApple(s, slot);
      const d = firstStep(s, slot, isTargetCell, mayNotEnter, false);
      if (d >= 0) return stepAction(m, c.Orientation.dir[me], d);
      const apple = nearestOnLayer(s, slot, Layer.Lower, target);
      if (apple === 0) return noApple(s, slot);
      return stepToward(s, slot, c.Position.x[apple], c.Position.y[apple], m, enter);
    },
  };
}

export function unsustainableHarvester(sim: Sim): Bot {
  return harvesterBot(sim, 'unsustainable_harvester', { zaps: true, sustainable: false });
}

export function sustainableHarvester(sim: Sim): Bot {
  return harvesterBot(sim, 'sustainable_harvester', { zaps: false, sustainable: true });
}
