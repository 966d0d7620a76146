/**
 * Scripted stand-ins for Melting Pot's Territory bots (substrates/scenarios_territory.ts). Each plays goals, in turn
 * when it has several (`alternator.Alternator`, `stepsPerGoal` steps each from the start of the episode; one goal is
 * `fixed_goal.FixedGoal`):
 * - CLAIM_NEAR (considerate): paint unclaimed walls within `NEAR` cells of where it started, never another
 *   player's; CLAIM_TOLERANT (`somewhat_tolerant_bot`) does the same within `MODERATE` cells and zaps a player in
 *   its beam while its own walls have been repainted by others in the last `GRUDGE` ticks;
 * - CLAIM_FAR (inconsiderate): paint the nearest wall not its own anywhere, other players' walls included, also
 *   through a wall of its own (the claiming beam reaches two cells);
 * - DESTROY_RESOURCE: go to the nearest wall another player owns (or any standing wall when none is owned) and zap it;
 * - ZAP_OTHERS: go next to the nearest other player and zap it;
 * - AGGRESS (`aggressor`): CLAIM_FAR, and zap whenever another player or another player's wall is in its beam; it
 *   zaps through its own wall to reach a wall behind it, and when no wall is left to paint within reach it zaps its
 *   way out through the nearest wall.
 * A bot walks to a free cell beside its target (breadth-first, systems/policies/navigation.ts), turns to face it and
 * fires; its paintbrush paints the wall it faces every tick. These are not Melting Pot's trained networks.
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import type { BotPolicy, TerritoryGoal } from '../../substrates/types.js';
import { Layer } from '../layers.js';
import type { Bot, Sim } from '../sim.js';
import { Sprite } from '../sprites.js';
import { territoryOf } from '../territory/index.js';
import type { TerritoryState } from '../territory/state.js';
import { firstStep, moveActions, neighbour, stepAction } from './navigation.js';

/**
 * Reach of a considerate claimer and of a somewhat tolerant one, in cells from where it started (Chebyshev: a room
 * of Territory: Rooms has its own walls 3 cells from its spawn point, the neighbour's layer of a double wall 4).
 */
export const NEAR = 3;
export const MODERATE = 5;
/** Ticks a somewhat tolerant bot stays ready to zap after one of its walls was repainted. */
export const GRUDGE = 50;

type Policy = Extract<BotPolicy, { kind: 'territory' }>;

/** A Territory bot; `lastGoal` is the goal it played on its last action. */
export interface TerritoryBot extends Bot {
  lastGoal: TerritoryGoal;
}

export function territoryBot(sim: Sim, name: string, policy: Policy): TerritoryBot {
  const m = moveActions(sim);
  const zap = sim.spec.actions.findIndex((a) => a.fire === 'zap');
  const claim = sim.spec.actions.findIndex((a) => a.fire === 'claim');
  let slot = 0;
  let st: TerritoryState | null = null;
  let world: object | null = null;
  let homeX = 0, homeY = 0;
  let lost = 0, grudgeUntil = -1;
  let goal: TerritoryGoal = policy.goals[0];

  const dist = (cell: number): number => {
    const g = sim.world.grid;
    let dx = Math.abs(g.cellX(cell) - homeX), dy = Math.abs(g.cellY(cell) - homeY);
    if (g.torus) {
      dx = Math.min(dx, sim.width - dx);
      dy = Math.min(dy, sim.height - dy);
    }
    return Math.max(dx, dy);
  };
  const anyOwned = (): boolean => {
    if (!st) return false;
    for (let i = 0; i < st.count; i++) if (st.destroyed[i] === 0 && st.owner[i] >= 0 && st.owner[i] !== slot) return true;
    return false;
  };
  let destroyAny = false;
  /** AGGRESS with nothing left to paint in reach: zap through the nearest wall. */
  let breakout = false;
  /** Is resource wall i a target of the current goal? */
  const wanted = (i: number): boolean => {
    if (!st || st.destroyed[i] === 1) return false;
    const owner = st.owner[i];
    switch (goal) {
      case 'CLAIM_NEAR':
        return owner < 0 && dist(st.cells[i]) <= NEAR;
      case 'CLAIM_TOLERANT':
        return owner < 0 && dist(st.cells[i]) <= MODERATE;
      case 'CLAIM_FAR':
        return owner !== slot;
      case 'AGGRESS':
        return breakout || owner !== slot;
      case 'DESTROY_RESOURCE':
        return destroyAny ? owner !== slot : owner >= 0 && owner !== slot;
      case 'ZAP_OTHERS':
        return false;
    }
  };
  const otherPlayerAt = (cell: number): boolean => {
    const { grid, c } = sim.world;
    const e = grid.atCell(cell, Layer.Upper);
    return e !== 0 && e !== sim.avatars[slot] && c.Sprite.id[e] === Sprite.Avatar;
  };
  /** Set by `targetBeside`: the target found lies behind a standing wall (reached through it). */
  let through = false;
  /** The direction (0–3) of a neighbour of `cell` holding a target, −1 if none. */
  const targetBeside = (cell: number): number => {
    through = false;
    if (!st) return -1;
    for (let d = 0; d < 4; d++) {
      const n = neighbour(sim, cell, d);
      if (n < 0) continue;
      if (goal === 'ZAP_OTHERS') {
        if (otherPlayerAt(n)) return d;
        continue;
      }
      const i = st.indexOfCell[n];
      if (i >= 0 && wanted(i)) return d;
      // The claiming beam reaches a second wall behind a standing one.
      if (i >= 0 && st.destroyed[i] === 0 && (goal === 'CLAIM_FAR' || (goal === 'AGGRESS' && !breakout))) {
        const n2 = neighbour(sim, n, d);
        const j = n2 < 0 ? -1 : st.indexOfCell[n2];
        if (j >= 0 && wanted(j)) {
          through = true;
          return d;
        }
      }
    }
    return -1;
  };
  const isGoal = (cell: number): boolean => targetBeside(cell) >= 0;
  const never = (): boolean => false;
  /** Is another player, or (`walls`) another player's wall, in the first two cells ahead? */
  const hostileAhead = (walls: boolean): boolean => {
    if (!st) return false;
    const { c, grid } = sim.world;
    const me = sim.avatars[slot];
    const dir = c.Orientation.dir[me];
    let x = c.Position.x[me], y = c.Position.y[me];
    for (let k = 0; k < 2; k++) {
      x += DIR_DX[dir];
      y += DIR_DY[dir];
      if (grid.torus) {
        x = grid.wrapX(x);
        y = grid.wrapY(y);
      } else if (!grid.inBounds(x, y)) return false;
      const cell = grid.cellIndex(x, y);
      if (sim.walls[cell] === 1) return false;
      if (otherPlayerAt(cell)) return true;
      const i = st.indexOfCell[cell];
      if (i >= 0 && st.destroyed[i] === 0) return walls && st.owner[i] >= 0 && st.owner[i] !== slot;
    }
    return false;
  };

  const bot: TerritoryBot = {
    name,
    lastGoal: goal,
    act(s: Sim, botSlot: number): number {
      slot = botSlot;
      st = territoryOf(s);
      const { c, grid, rng } = s.world;
      const me = s.avatars[slot];
      if (!st || c.Removed.until[me] > 0 || !grid.has(me)) return m.noop;
      if (world !== s.world) {
        world = s.world;
        homeX = c.Position.x[me];
        homeY = c.Position.y[me];
        lost = 0;
        grudgeUntil = -1;
      }
      const tick = s.world.tick;
      goal = policy.goals.length === 1 || policy.stepsPerGoal <= 0
        ? policy.goals[0]
        : policy.goals[Math.floor(tick / policy.stepsPerGoal) % policy.goals.length];
      bot.lastGoal = goal;
      if (st.takenOver[slot] > lost) {
        lost = st.takenOver[slot];
        grudgeUntil = tick + GRUDGE;
      }
      const ready = c.Cooldown.timer[me] === 0;
      if (ready && goal === 'AGGRESS' && hostileAhead(true)) return zap;
      if (ready && goal === 'CLAIM_TOLERANT' && tick < grudgeUntil && hostileAhead(false)) return zap;
      if (goal === 'DESTROY_RESOURCE') destroyAny = !anyOwned();
      const dir = c.Orientation.dir[me];
      const here = grid.cellIndex(c.Position.x[me], c.Position.y[me]);
      breakout = false;
      let d = targetBeside(here);
      let step = d >= 0 ? -2 : firstStep(s, slot, isGoal, never, true);
      if (d < 0 && step === -1 && goal === 'AGGRESS') {
        breakout = true;
        d = targetBeside(here);
        if (d < 0) step = firstStep(s, slot, isGoal, never, true);
      }
      if (d >= 0) {
        if (d !== dir) return ((d - dir + 4) & 3) === 3 ? m.turnLeft : m.turnRight;
        // An aggressor breaks through its own wall to a neighbour's rather than painting across it.
        const fires = goal === 'DESTROY_RESOURCE' || goal === 'ZAP_OTHERS' || breakout || (goal === 'AGGRESS' && through) ? zap : claim;
        return fires === zap && !ready ? m.noop : fires;
      }
      if (step >= 0) return stepAction(m, dir, step);
      // Nothing to do or nowhere to go: paint what lies ahead now and then, else stay.
      return rng.int(8) === 0 ? (rng.int(2) === 0 ? m.turnLeft : m.turnRight) : m.noop;
    },
  };
  return bot;
}

export function isTerritoryPolicy(p: BotPolicy): p is Policy {
  return p.kind === 'territory';
}
