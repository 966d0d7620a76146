/**
 * The world: one bitECS world plus everything a simulation step needs — component stores, the spatial grid, the
 * tick scheduler, the event bus, the seeded RNG and the current tick. Each room or headless run owns its own world;
 * nothing here is process-wide.
 */
import { addEntity, createWorld as createEcsWorld, removeEntity, type World as EcsWorld } from 'bitecs';
import { createComponents, type Components } from './components.js';
import { SpatialGrid } from './grid.js';
import { Scheduler } from './scheduler.js';
import { EventBus } from './events.js';
import { Rng } from './rng.js';

export interface WorldOptions {
  width: number;
  height: number;
  /** Number of grid layers. */
  layers: number;
  /** Maximum number of live entities (+1: id 0 means "none"). Sizes every typed array. */
  capacity: number;
  seed: number;
  torus?: boolean;
  /** Length of the inventory vector (default 2). */
  inventorySize?: number;
  /** Event bus batch size (default 100). */
  batchSize?: number;
}

/** Options for a world that reuses an existing event bus (its subscribers survive an episode reset). */
export interface WorldReuse<M extends object> {
  events?: EventBus<M>;
}

export interface World<M extends object = Record<string, unknown>> {
  readonly ecs: EcsWorld;
  readonly c: Components;
  readonly grid: SpatialGrid;
  readonly scheduler: Scheduler;
  readonly events: EventBus<M>;
  readonly rng: Rng;
  readonly capacity: number;
  /** The current tick (0 before the first step). */
  tick: number;
}

export function createWorld<M extends object = Record<string, unknown>>(opts: WorldOptions, reuse: WorldReuse<M> = {}): World<M> {
  const capacity = opts.capacity + 1;
  if (reuse.events) reuse.events.clear();
  const c = createComponents(capacity, opts.inventorySize ?? 2);
  return {
    ecs: createEcsWorld(),
    c,
    grid: new SpatialGrid({ width: opts.width, height: opts.height, layers: opts.layers, capacity, torus: opts.torus }),
    scheduler: new Scheduler(),
    events: reuse.events ?? new EventBus<M>({ batchSize: opts.batchSize }),
    rng: new Rng(opts.seed),
    capacity,
    tick: 0,
  };
}

/** Create an entity, checking that its id fits the component stores. */
export function spawnEntity<M extends object>(world: World<M>): number {
  const eid = addEntity(world.ecs);
  if (eid >= world.capacity) {
    removeEntity(world.ecs, eid);
    throw new RangeError(`world capacity ${world.capacity - 1} exceeded`);
  }
  return eid;
}

/** Remove an entity from the grid and the ECS. */
export function despawnEntity<M extends object>(world: World<M>, eid: number): void {
  world.grid.remove(eid);
  removeEntity(world.ecs, eid);
}

/**
 * Advance the clock by one tick and fire scheduled events due now. Systems run after this for the new tick;
 * call `endTick` when they are done.
 */
export function beginTick<M extends object>(world: World<M>): void {
  world.tick++;
  world.scheduler.runDue(world.tick);
}

/** Deliver the tick's batched events. */
export function endTick<M extends object>(world: World<M>): void {
  world.events.flush();
}
