/**
 * Publishes the simulation into the synchronised room state (schemas/RoomState.ts) after each tick, writing only
 * what changed: schema setters ignore equal values, and the Lower-layer cells are compared with the last published
 * copy so an unchanged cell costs no patch bytes.
 */
import { Agent, Metrics, Performance, RoomState, WorldState } from '../schemas/RoomState.js';
import type { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import type { Sim } from '../systems/sim.js';

/** Prefabs that put an object on the Lower layer (live) or park it on the Logic layer (waiting): they never move. */
function isLowerPrefab(p: string): boolean {
  return p === 'apple' || p === 'potentialApple' || p === 'dirt' || p === 'potentialDirt' || p.startsWith('resource:');
}

/** Cells the map gives a Lower-layer object, ascending. */
export function lowerLayerCells(sim: Sim): Int32Array {
  const cells: number[] = [];
  const { legend } = sim.spec;
  const chars = sim.map.chars;
  for (let cell = 0; cell < chars.length; cell++) {
    if ((legend[chars[cell]] ?? []).some(isLowerPrefab)) cells.push(cell);
  }
  return Int32Array.from(cells);
}

export class StateMirror {
  readonly state: RoomState;
  private readonly cells: Int32Array;
  /** Sprite id last published for each of `cells`. */
  private readonly published: Uint8Array;

  constructor(env: Environment) {
    const s = new RoomState();
    s.substrate = env.spec.name;
    s.scenario = env.scenario?.name ?? '';
    s.width = env.sim.width;
    s.height = env.sim.height;
    const w = new WorldState();
    w.metrics = new Metrics();
    w.performance = new Performance();
    for (let slot = 0; slot < env.players; slot++) {
      const a = new Agent();
      a.slot = slot;
      a.focal = env.population.isFocal[slot];
      w.agents.push(a);
    }
    this.cells = lowerLayerCells(env.sim);
    this.published = new Uint8Array(this.cells.length);
    for (let i = 0; i < this.cells.length; i++) {
      w.lowerCells.push(this.cells[i]);
      w.lower.push(0);
    }
    s.world = w;
    this.state = s;
    this.update(env);
  }

  /** After each tick (and after a reset). */
  update(env: Environment): void {
    const sim = env.sim;
    const w = this.state.world;
    w.tick = sim.world.tick;
    w.episode = sim.episode;
    const { Position, Orientation, Removed, Frozen, Sprite } = sim.world.c;
    const tick = sim.world.tick;
    for (let slot = 0; slot < sim.players; slot++) {
      const eid = sim.avatars[slot];
      const a = w.agents[slot];
      a.x = Position.x[eid];
      a.y = Position.y[eid];
      a.dir = Orientation.dir[eid];
      a.episodeReturn = sim.returns[slot];
      a.removed = Removed.until[eid] > 0;
      a.frozen = Frozen.until[eid] > tick;
      a.policy = env.labels[slot] ?? '';
    }
    const grid = sim.world.grid;
    const { cells, published } = this;
    for (let i = 0; i < cells.length; i++) {
      const eid = grid.atCell(cells[i], Layer.Lower);
      const code = eid === 0 ? 0 : Sprite.id[eid];
      if (code !== published[i]) {
        published[i] = code;
        w.lower[i] = code;
      }
    }
    const m = env.metrics?.snapshot;
    if (m) {
      const o = w.metrics;
      o.gini = m.gini_coefficient;
      o.collective_return = m.collective_return;
      o.background_equality = m.background_equality;
      o.diversity = m.diversity_index;
      o.exploitation_attempts = m.exploitation_attempts;
      o.defense_success_rate = m.defense_success_rate ?? -1;
    }
  }

  /** After each performance report. `tickTimer` names the timer whose p99 is the tick time. */
  updatePerformance(env: Environment, tickTimer: string): void {
    const p = env.performance;
    if (!p) return;
    const o = this.state.world.performance;
    o.steps_per_s = p.steps_per_s;
    o.tick_p99_us = (p.timers[tickTimer] ?? p.timers.step)?.p99 ?? 0;
    o.rss_mb = p.memory.rss_mb;
    o.cpu_pct = p.cpu_pct;
  }
}
