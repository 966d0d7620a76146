/**
 * Macro actions for slow agents (language models): one decision — "go to (3, 4)", "harvest the nearest apple",
 * "zap player_3" — run over several ticks by a route planner until it is done, impossible, or replaced.
 *
 * A macro is a JSON object `{ "macro": name, ...arguments }`; `parseMacro` validates it against the substrate and
 * returns a frozen `Macro` or a CrucibleError with code INVALID_MACRO and `details.reason` (one of MACRO_ERRORS).
 * `MacroRunner.next` is called once per tick before the step and returns the action for this tick or how the
 * macro ended. Routes are shortest paths on the grid (`firstStep`, a breadth-first search around walls and other
 * players), searched again every tick, so a route blocked by a player is re-planned at once. Targets are only ever
 * chosen among what the agent's window shows (`seenObjects`): a macro knows no more than its agent.
 */
import { DIR_DX, DIR_DY } from '../ecs/components.js';
import { applesOf } from './apples/appleState.js';
import { CrucibleError } from '../ecs/errors.js';
import { agentId } from './environment.js';
import { Layer } from './layers.js';
import { firstStep, moveActions, stepAction, type MoveActions } from './policies/navigation.js';
import { readyToShoot } from './renderObservations.js';
import type { Sim } from './sim.js';
import { seenObjects, type SeenObject } from './textObservations.js';

export const MACRO_NAMES = [
  'move_to', 'harvest_nearest', 'zap', 'clean_nearest', 'collect', 'interact', 'explore', 'stay', 'accept', 'refuse', 'action',
] as const;
export type MacroName = (typeof MACRO_NAMES)[number];

export type Macro =
  | { readonly macro: 'move_to'; readonly x: number; readonly y: number }
  | { readonly macro: 'harvest_nearest' | 'clean_nearest' | 'accept' | 'refuse' }
  | { readonly macro: 'zap' | 'interact'; readonly target: string }
  | { readonly macro: 'collect'; readonly resource: string }
  | { readonly macro: 'explore' | 'stay'; readonly ticks: number }
  | { readonly macro: 'action'; readonly action: number };

/** Arguments of each macro (required unless noted in `OPTIONAL`). */
const ARGS: Readonly<Record<MacroName, readonly string[]>> = {
  move_to: ['x', 'y'], harvest_nearest: [], zap: ['target'], clean_nearest: [], collect: ['resource'], interact: ['target'],
  explore: ['ticks'], stay: ['ticks'], accept: [], refuse: [], action: ['action'],
};
const OPTIONAL: ReadonlySet<string> = new Set(['explore.ticks', 'stay.ticks']);
/** Ticks `explore` and `stay` run when not told. */
export const DEFAULT_MACRO_TICKS = 10;
/** Longest any macro may run (ticks): a macro that has not ended by then is impossible. */
export const MAX_MACRO_TICKS = 1000;

/** Stable reasons in an INVALID_MACRO error's details. */
export const MACRO_ERRORS = [
  'not_an_object', 'unknown_macro', 'unknown_argument', 'missing_argument', 'bad_argument', 'out_of_map', 'unknown_target',
  'unknown_resource', 'not_in_substrate',
] as const;
export type MacroError = (typeof MACRO_ERRORS)[number];

function bad(reason: MacroError, message: string, extra: Record<string, unknown> = {}): CrucibleError {
  return new CrucibleError('INVALID_MACRO', message, { reason, ...extra });
}

/** A short JSON excerpt of a client's value for error messages; never throws (a bigint has no JSON form). */
function show(v: unknown, max = 80): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, max);
  } catch {
    return typeof v;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** What a substrate must have for a macro to make sense there (null: every substrate). */
function unavailable(sim: Sim, name: MacroName): string | null {
  const spec = sim.spec;
  switch (name) {
    case 'harvest_nearest':
      return (applesOf(sim)?.count ?? 0) > 0 ? null : 'there are no apples';
    case 'zap':
      return spec.zapper ? null : 'there is no zapping beam';
    case 'clean_nearest':
      return spec.cleaner ? null : 'there is no cleaning beam';
    case 'collect':
    case 'interact':
      return spec.matrix ? null : 'there are no resources or interactions (not a matrix game)';
    case 'accept':
    case 'refuse':
      return spec.matrix?.consent ? null : 'interactions need no consent (not the consent variant)';
    default:
      return null;
  }
}

/** Validate a macro for `sim` (its map, players, resources, actions) on behalf of `slot`. */
export function parseMacro(raw: unknown, sim: Sim, slot: number): Macro | CrucibleError {
  if (!isRecord(raw)) return bad('not_an_object', `a macro must be a JSON object such as {"macro": "move_to", "x": 3, "y": 4}, got ${show(raw, 80)}`);
  const name = raw.macro;
  if (typeof name !== 'string' || !(MACRO_NAMES as readonly string[]).includes(name)) {
    return bad('unknown_macro', `"macro" must be one of ${MACRO_NAMES.join(', ')}, got ${show(name, 40)}`, { allowed: MACRO_NAMES });
  }
  const m = name as MacroName;
  const args = ARGS[m];
  for (const k of Object.keys(raw)) {
    if (k !== 'macro' && !args.includes(k)) return bad('unknown_argument', `${m} takes ${args.length ? args.join(', ') : 'no arguments'}, not "${k}"`, { allowed: args });
  }
  for (const k of args) {
    if (raw[k] === undefined && !OPTIONAL.has(`${m}.${k}`)) return bad('missing_argument', `${m} needs "${k}"`, { allowed: args });
  }
  const why = unavailable(sim, m);
  if (why !== null) return bad('not_in_substrate', `${m} is not available in ${sim.spec.name}: ${why}`);
  switch (m) {
    case 'move_to': {
      const { x, y } = raw;
      if (!isInt(x) || !isInt(y)) return bad('bad_argument', `move_to needs integer x and y, got ${show({ x, y })}`);
      if (x < 0 || y < 0 || x >= sim.width || y >= sim.height) {
        return bad('out_of_map', `(${x}, ${y}) is off the map: x from 0 to ${sim.width - 1}, y from 0 to ${sim.height - 1}`, { width: sim.width, height: sim.height });
      }
      if (sim.walls[sim.world.grid.cellIndex(x, y)] !== 0) return bad('out_of_map', `(${x}, ${y}) is a wall`);
      return Object.freeze({ macro: m, x, y });
    }
    case 'zap':
    case 'interact': {
      const t = raw.target;
      const players = Array.from({ length: sim.players }, (_, s) => agentId(s)).filter((a) => a !== agentId(slot));
      if (typeof t !== 'string' || !players.includes(t)) return bad('unknown_target', `${m} needs "target", another player's id (${players.slice(0, 3).join(', ')}, ...), got ${show(t, 40)}`, { allowed: players });
      return Object.freeze({ macro: m, target: t });
    }
    case 'collect': {
      const names = (sim.spec.matrix?.resources ?? []).map((r) => r.name);
      if (typeof raw.resource !== 'string' || !names.includes(raw.resource)) {
        return bad('unknown_resource', `collect needs "resource", one of ${names.join(', ')}, got ${show(raw.resource, 40)}`, { allowed: names });
      }
      return Object.freeze({ macro: m, resource: raw.resource });
    }
    case 'explore':
    case 'stay': {
      const t = raw.ticks ?? DEFAULT_MACRO_TICKS;
      if (!isInt(t) || t < 1 || t > MAX_MACRO_TICKS) return bad('bad_argument', `${m} "ticks" must be an integer from 1 to ${MAX_MACRO_TICKS}, got ${show(t)}`);
      return Object.freeze({ macro: m, ticks: t });
    }
    case 'action': {
      const a = raw.action;
      const names = sim.spec.actions.map((x) => x.name);
      const index = typeof a === 'string' ? names.indexOf(a) : isInt(a) && a >= 0 && a < names.length ? a : -1;
      if (index < 0) return bad('bad_argument', `action must be an index from 0 to ${names.length - 1} or one of ${names.join(', ')}, got ${show(a, 40)}`, { allowed: names });
      return Object.freeze({ macro: m, action: index });
    }
    default:
      return Object.freeze({ macro: m });
  }
}

/** How a macro ended. */
export interface MacroEnd {
  status: 'done' | 'impossible';
  reason: string;
}

/** Ticks a blocked route waits (re-planning each tick) before the macro is impossible. */
const BLOCKED_TICKS = 5;
/** Farthest a beam macro stands from its target (cells), within the beam's length. */
const AIM_RANGE = 2;

/** Runs one agent's macros. Not allocation-free (text agents are few and slow); deterministic. */
export class MacroRunner {
  macro: Macro | null = null;
  private ticks = 0;
  private blocked = 0;
  private fired = false;
  /** Cells of the targets the last route led to (an apple, a resource): standing on one means it was taken. */
  private goals = new Set<number>();
  private readonly m: MoveActions;
  private readonly actionIndex: (name: string) => number;

  constructor(private readonly sim: Sim, private readonly slot: number) {
    this.m = moveActions(sim);
    this.actionIndex = (name) => sim.spec.actions.findIndex((a) => a.name === name);
  }

  start(macro: Macro): void {
    this.macro = macro;
    this.ticks = 0;
    this.blocked = 0;
    this.fired = false;
    this.goals = new Set();
  }

  stop(): void {
    this.macro = null;
  }

  /** This tick's action, or how the macro ended (then `macro` is null). */
  next(): number | MacroEnd {
    const macro = this.macro;
    if (macro === null) return { status: 'done', reason: 'no macro' };
    const r = this.decide(macro);
    if (typeof r !== 'number') {
      this.macro = null;
      return r;
    }
    if (++this.ticks > MAX_MACRO_TICKS) {
      this.macro = null;
      return { status: 'impossible', reason: `not done after ${MAX_MACRO_TICKS} ticks` };
    }
    return r;
  }

  private get eid(): number {
    return this.sim.avatars[this.slot];
  }

  private here(): number {
    const { c, grid } = this.sim.world;
    return grid.cellIndex(c.Position.x[this.eid], c.Position.y[this.eid]);
  }

  private decide(macro: Macro): number | MacroEnd {
    const sim = this.sim;
    const { c } = sim.world;
    const eid = this.eid;
    if (c.Removed.until[eid] > 0 && macro.macro !== 'stay') return { status: 'impossible', reason: 'you were removed from the map' };
    switch (macro.macro) {
      case 'stay':
        return this.ticks >= macro.ticks ? { status: 'done', reason: `stayed ${macro.ticks} ticks` } : this.m.noop;
      case 'action':
        return this.ticks >= 1 ? { status: 'done', reason: `took action ${sim.spec.actions[macro.action].name}` } : macro.action;
      case 'refuse':
        return this.ticks >= 1 ? { status: 'done', reason: 'did not answer; an open request runs out' } : this.m.noop;
      case 'accept':
        return this.ticks >= 1 ? { status: 'done', reason: 'fired INTERACT' } : this.actionIndex('INTERACT');
      case 'explore':
        return this.ticks >= macro.ticks ? { status: 'done', reason: `explored ${macro.ticks} ticks` } : this.exploreStep();
      case 'move_to': {
        const goal = sim.world.grid.cellIndex(macro.x, macro.y);
        return this.route((cell) => cell === goal, `(${macro.x}, ${macro.y})`, `reached (${macro.x}, ${macro.y})`);
      }
      case 'harvest_nearest':
        return this.takeNearest((o) => o.kind === 'apple', 'apple', 'no apple in view');
      case 'collect':
        return this.takeNearest((o) => o.kind === macro.resource, macro.resource, `no ${macro.resource} in view`);
      case 'clean_nearest':
        return this.aim((o) => o.kind === 'dirt', 'FIRE_CLEAN', 'dirt', 'no dirt in view');
      case 'zap':
        return this.aim((o) => o.agent === macro.target, 'FIRE_ZAP', macro.target, `${macro.target} is not in view`);
      case 'interact':
        return this.aim((o) => o.agent === macro.target, 'INTERACT', macro.target, `${macro.target} is not in view`);
    }
  }

  /** One step of a shortest route to a cell `isGoal` accepts; the end when standing on one. */
  private route(isGoal: (cell: number) => boolean, what: string, doneReason: string): number | MacroEnd {
    const sim = this.sim;
    const d = firstStep(sim, this.slot, isGoal, () => false, true);
    if (d === -2) return { status: 'done', reason: doneReason };
    if (d === -1) {
      if (++this.blocked >= BLOCKED_TICKS) return { status: 'impossible', reason: `no free route to ${what} for ${BLOCKED_TICKS} ticks` };
      return this.m.noop;
    }
    this.blocked = 0;
    return stepAction(this.m, this.sim.world.c.Orientation.dir[this.eid] & 3, d);
  }

  /** Walk onto the nearest visible object `want` accepts (eating or collecting it). */
  private takeNearest(want: (o: SeenObject) => boolean, what: string, none: string): number | MacroEnd {
    const grid = this.sim.world.grid;
    const here = this.here();
    if (this.goals.has(here)) return { status: 'done', reason: `took the ${what} at (${grid.cellX(here)}, ${grid.cellY(here)})` };
    const cells = new Set<number>();
    for (const o of seenObjects(this.sim, this.slot)) if (want(o)) cells.add(grid.cellIndex(o.x, o.y));
    if (cells.size === 0) return { status: 'impossible', reason: none };
    this.goals = cells;
    return this.route((cell) => cells.has(cell), `a ${what}`, `took the ${what}`);
  }

  /**
   * Stand in line with the nearest visible object `want` accepts, at most AIM_RANGE cells (and the beam's length)
   * away, turn to face it and fire `fireName` once ready. Done once fired.
   */
  private aim(want: (o: SeenObject) => boolean, fireName: string, what: string, none: string): number | MacroEnd {
    const sim = this.sim;
    const { c, grid } = sim.world;
    if (this.fired) return { status: 'done', reason: `fired ${fireName} at ${what}` };
    const targets = seenObjects(sim, this.slot).filter(want);
    if (targets.length === 0) return { status: 'impossible', reason: none };
    const beam = fireName === 'FIRE_CLEAN' ? sim.spec.cleaner : fireName === 'FIRE_ZAP' ? sim.spec.zapper : sim.spec.matrix?.interaction;
    const range = Math.max(1, Math.min(AIM_RANGE, beam?.length ?? 1));
    const x = c.Position.x[this.eid], y = c.Position.y[this.eid];
    // Standing in line already: turn and fire.
    for (const t of targets) {
      for (let d = 0; d < 4; d++) {
        for (let k = 1; k <= range; k++) {
          if (grid.wrapX(x + DIR_DX[d] * k) === t.x && grid.wrapY(y + DIR_DY[d] * k) === t.y) {
            const facing = c.Orientation.dir[this.eid] & 3;
            if (facing !== d) return turnTo(this.m, facing, d);
            if (readyToShoot(sim, this.slot) < 1) return this.m.noop;
            this.fired = true;
            return this.actionIndex(fireName);
          }
        }
      }
    }
    const spots = new Set<number>();
    for (const t of targets) {
      for (let d = 0; d < 4; d++) {
        for (let k = 1; k <= range; k++) {
          const sx = t.x - DIR_DX[d] * k, sy = t.y - DIR_DY[d] * k;
          if (grid.torus || grid.inBounds(sx, sy)) spots.add(grid.cellIndex(grid.wrapX(sx), grid.wrapY(sy)));
        }
      }
    }
    return this.route((cell) => spots.has(cell), `a spot in line with ${what}`, `in line with ${what}`);
  }

  /** Forward while the cell ahead is free, else turn right: covers a room's walls without randomness. */
  private exploreStep(): number {
    const sim = this.sim;
    const { c, grid } = sim.world;
    const dir = c.Orientation.dir[this.eid] & 3;
    const nx = grid.wrapX(c.Position.x[this.eid] + DIR_DX[dir]), ny = grid.wrapY(c.Position.y[this.eid] + DIR_DY[dir]);
    const free = grid.inBounds(nx, ny) && sim.walls[grid.cellIndex(nx, ny)] === 0 && grid.at(nx, ny, Layer.Upper) === 0;
    return free ? this.m.forward : this.m.turnRight;
  }
}

/** The action that turns from facing `facing` toward absolute direction `d` (one turn per tick). */
function turnTo(m: MoveActions, facing: number, d: number): number {
  const rel = (d - facing + 4) & 3;
  return rel === 3 ? m.turnLeft : m.turnRight;
}

