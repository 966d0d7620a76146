/**
 * Tiny worlds for rule tests: a substrate built from commons_harvest__open with a small inline ASCII map, and helpers
 * to put avatars exactly where a test wants them and to step with given actions.
 *
 * Legend (open's, plus one character): `W` wall, ` ` floor, `P` spawn point (group spawnPoints), `Q` inside spawn
 * point, `A` live apple on grass, `a` an apple that starts waiting (eligible to regrow from step 1).
 *
 * No bots are assigned (`sim.bots` stay null), so every slot is focal and does what `sim.actions` says.
 */
import { strict as assert } from 'node:assert';
import { Dir } from '../../ecs/components.js';
import { substrate as open } from '../../substrates/commons_harvest__open.js';
import type { SubstrateSpec, ZapperSpec } from '../../substrates/types.js';
import { Layer } from '../../systems/layers.js';
import { resetSim, stepSim } from '../../systems/pipeline.js';
import { createSim, type Sim } from '../../systems/sim.js';
import { applesOf } from '../../systems/apples/index.js';

export { Dir };

export interface TinyOptions {
  /** Player slots (default: 1). The map needs at least this many `P` cells. */
  players?: number;
  zapper?: Partial<ZapperSpec>;
  /** Regrowth probabilities by live-neighbour count (default: open's). */
  regrowth?: readonly number[];
  episode?: Partial<SubstrateSpec['episode']>;
  /** Anything else to override on the spec, applied last. */
  extra?: Partial<SubstrateSpec>;
}

/** commons_harvest__open with `map` and the given overrides; no first-spawn group, spawns on `P`, facing north. */
export function tinySpec(map: readonly string[], opts: TinyOptions = {}): SubstrateSpec {
  const zapper = open.zapper;
  assert.ok(zapper, 'commons_harvest__open has a zapper');
  return {
    ...open,
    name: 'tiny',
    map,
    legend: { ...open.legend, a: ['grass', 'potentialApple'] },
    population: {
      ...open.population,
      players: opts.players ?? 1,
      firstSpawn: undefined,
      randomizeInitialOrientation: false,
    },
    zapper: { ...zapper, ...opts.zapper },
    regrowth: { radius: 2, probabilities: opts.regrowth ?? open.regrowth?.probabilities ?? [0] },
    episode: { ...open.episode, ...opts.episode },
    ...opts.extra,
  };
}

/** A sim of `spec` at the start of its first episode. */
export function tinySim(spec: SubstrateSpec, seed = 1): Sim {
  const sim = createSim(spec, { seed });
  resetSim(sim);
  return sim;
}

/** Index of the action named `name` in the spec's action table. */
export function action(spec: SubstrateSpec, name: string): number {
  const i = spec.actions.findIndex((a) => a.name === name);
  assert.ok(i >= 0, `no action ${name}`);
  return i;
}

export function avatarOf(sim: Sim, slot: number): number {
  return sim.avatars[slot];
}

/**
 * Put the avatar of `slot` at (x, y) facing `dir`, taking it off wherever it stood (or bringing it back if it was
 * removed). The target cell must hold nothing on the avatar layer except possibly this avatar.
 */
export function place(sim: Sim, slot: number, x: number, y: number, dir: Dir = Dir.N): void {
  const { grid, c } = sim.world;
  const eid = sim.avatars[slot];
  const there = grid.at(x, y, Layer.Upper);
  assert.ok(there === 0 || there === eid, `cell (${x}, ${y}) is occupied by entity ${there}`);
  if (grid.has(eid)) grid.move(eid, x, y);
  else grid.place(eid, x, y, Layer.Upper);
  c.Position.x[eid] = x;
  c.Position.y[eid] = y;
  c.Orientation.dir[eid] = dir;
  c.Removed.until[eid] = 0;
}

/**
 * Place several avatars at once: `[slot, x, y, dir]` each. Everyone is lifted off the grid first, so a new layout
 * may reuse cells the avatars stood on.
 */
export function placeAll(sim: Sim, layout: readonly (readonly [number, number, number, Dir?])[]): void {
  for (const [slot] of layout) sim.world.grid.remove(sim.avatars[slot]);
  for (const [slot, x, y, dir] of layout) place(sim, slot, x, y, dir ?? Dir.N);
}

export function pos(sim: Sim, slot: number): [number, number] {
  const eid = sim.avatars[slot];
  return [sim.world.c.Position.x[eid], sim.world.c.Position.y[eid]];
}

export function facing(sim: Sim, slot: number): Dir {
  return sim.world.c.Orientation.dir[sim.avatars[slot]] as Dir;
}

/** Is the avatar of `slot` on the map (not removed)? */
export function onMap(sim: Sim, slot: number): boolean {
  const eid = sim.avatars[slot];
  return sim.world.c.Removed.until[eid] === 0 && sim.world.grid.has(eid);
}

/**
 * One tick. `actions` maps slot → action index (or name); slots not given play NOOP. Returns the tick's rewards.
 */
export function step(sim: Sim, actions: Readonly<Record<number, number | string>> = {}): Float64Array {
  sim.actions.fill(0);
  for (const [slot, a] of Object.entries(actions)) sim.actions[Number(slot)] = typeof a === 'string' ? action(sim.spec, a) : a;
  stepSim(sim);
  return Float64Array.from(sim.rewards);
}

/** `n` ticks of the same actions; returns each tick's rewards. */
export function stepN(sim: Sim, n: number, actions: Readonly<Record<number, number | string>> = {}): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) out.push(step(sim, actions));
  return out;
}

/** Is there a live apple at (x, y)? */
export function liveAppleAt(sim: Sim, x: number, y: number): boolean {
  const e = sim.world.grid.at(x, y, Layer.Lower);
  return e !== 0 && applesOf(sim)!.indexOf[e] >= 0;
}

/** Apple index of the apple (live or waiting) at (x, y). */
export function appleAt(sim: Sim, x: number, y: number): number {
  const { grid } = sim.world;
  for (const layer of [Layer.Lower, Layer.Logic]) {
    const e = grid.at(x, y, layer);
    if (e !== 0 && applesOf(sim)!.indexOf[e] >= 0) return applesOf(sim)!.indexOf[e];
  }
  assert.fail(`no apple at (${x}, ${y})`);
}

/** READY_TO_SHOOT as Melting Pot defines it: max(1 − timer / cooldown, 0) while on the map, 0 while removed. */
export function readyToShoot(sim: Sim, slot: number): number {
  const zap = sim.spec.zapper;
  assert.ok(zap);
  if (!onMap(sim, slot)) return 0;
  const timer = sim.world.c.Cooldown.timer[sim.avatars[slot]];
  return zap.cooldown === 0 ? 1 : Math.max(1 - timer / zap.cooldown, 0);
}
