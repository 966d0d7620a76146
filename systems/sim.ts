/**
 * A running substrate: the world built from a substrate's data plus the per-episode bookkeeping the systems share.
 * `createSim` parses the map once; `resetSim` builds a fresh world for each episode. Systems are functions of the
 * Sim, run in the order of `systems/pipeline.ts`.
 */
import { addComponent } from 'bitecs';
import { Dir } from '../ecs/components.js';
import { CrucibleError } from '../ecs/errors.js';
import { createWorld, spawnEntity, type World } from '../ecs/world.js';
import type { Prefab, SubstrateSpec } from '../substrates/types.js';
import { Layer, LAYER_COUNT } from './layers.js';
import { Sprite } from './sprites.js';
import { spawnMapObject } from './spawnMapObject.js';
import type { SimEvents } from './events.js';
import { createBeamOverlay, type BeamOverlay } from './beamOverlay.js';
import type { ActiveMechanic, Mechanic } from './mechanics.js';
import { MECHANICS } from './mechanics/registry.js';

/** Picks a background player's action each tick. Created per slot at every reset. */
export interface Bot {
  readonly name: string;
  act(sim: Sim, slot: number): number;
}

/** The map after tiling, with each cell's prefabs resolved. */
export interface ParsedMap {
  readonly width: number;
  readonly height: number;
  /** cell → legend character */
  readonly chars: string[];
}

/** Figures counted over the episode. */
export interface EpisodeCounters {
  applesEaten: number;
  zapsFired: number;
  zapHits: number;
}

export interface SimOptions {
  seed: number;
  /** Tile the map K×K (K² times the players). */
  scale?: number;
  /** The mechanics to choose from (default: every registered one, systems/mechanics/registry.ts). */
  mechanics?: readonly Mechanic<unknown>[];
}

export interface Sim {
  readonly spec: SubstrateSpec;
  readonly scale: number;
  readonly map: ParsedMap;
  readonly width: number;
  readonly height: number;
  readonly players: number;
  /** Entity capacity of every episode's world. */
  readonly capacity: number;
  /** The mechanics this substrate's data uses, with their state, in registry order; read with `stateOf`. */
  readonly mechanics: readonly ActiveMechanic[];
  world: World<SimEvents>;
  /** Episode number, from 0. */
  episode: number;
  /** Seed of the current episode (the first episode uses the given seed; each reset adds one). */
  seed: number;
  /** slot → avatar entity id */
  readonly avatars: Int32Array;
  /** slot → action index to apply this tick (focal slots are filled by the caller, background slots by bots). */
  readonly actions: Int32Array;
  /** slot → bot for background slots, null for focal slots. */
  readonly bots: (Bot | null)[];
  /** slot → reward this tick (mirror of Reward.step by slot). */
  readonly rewards: Float64Array;
  /** slot → episode return. */
  readonly returns: Float64Array;
  /** Sum of all players' rewards this tick. */
  collectiveReward: number;
  /** slot → 1 if the avatar entered a new cell this tick. */
  readonly moved: Uint8Array;
  /** Scratch: slot order for this tick's shuffles. */
  readonly order: Int32Array;
  /** cell → background sprite (floor, grass, …). */
  readonly background: Uint8Array;
  /** cell → 1 where a wall stands (walls never move; they block moves and beams). */
  readonly walls: Uint8Array;
  /** spawn group → cells */
  readonly spawnGroups: ReadonlyMap<string, Int32Array>;
  /** The cells the beams fired this tick cover, for the observations (systems/beamOverlay.ts). */
  readonly beams: BeamOverlay;
  terminated: boolean;
  truncated: boolean;
  readonly counters: EpisodeCounters;
  /** Scheduler handler that respawns the avatar of slot `arg`. Set by the respawn system. */
  respawn: (slot: number, tick: number) => void;
}

const BACKGROUND_SPRITE: Readonly<Record<string, Sprite>> = {
  floor: Sprite.Floor,
  grass: Sprite.Grass,
  sand: Sprite.Sand,
  river: Sprite.River,
  soil: Sprite.Soil,
};

/** Tile the substrate map K×K. */
export function parseMap(spec: SubstrateSpec, scale: number): ParsedMap {
  const rows = spec.map;
  const h0 = rows.length, w0 = rows[0].length;
  const width = w0 * scale, height = h0 * scale;
  const chars = new Array<string>(width * height);
  for (let y = 0; y < height; y++) {
    const row = rows[y % h0];
    for (let x = 0; x < width; x++) chars[y * width + x] = row[x % w0];
  }
  return { width, height, chars };
}

/** The map back as ASCII rows, in the substrate's own legend characters. */
export function mapToAscii(map: ParsedMap): string[] {
  const out: string[] = [];
  for (let y = 0; y < map.height; y++) out.push(map.chars.slice(y * map.width, (y + 1) * map.width).join(''));
  return out;
}

export function createSim(spec: SubstrateSpec, opts: SimOptions): Sim {
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1 || scale > 32) {
    throw new CrucibleError('INVALID_OPTION', `scale must be an integer from 1 to 32, got ${opts.scale}`);
  }
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) {
    throw new CrucibleError('INVALID_OPTION', `seed must be an integer from 0 to 4294967295, got ${opts.seed}`);
  }
  const map = parseMap(spec, scale);
  const players = spec.population.players * scale * scale;
  const cells = map.width * map.height;
  const background = new Uint8Array(cells);
  const walls = new Uint8Array(cells);
  const groups = new Map<string, number[]>();
  for (let cell = 0; cell < cells; cell++) {
    for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) {
      if (p in BACKGROUND_SPRITE) background[cell] = BACKGROUND_SPRITE[p];
      else if (p === 'wall') walls[cell] = 1;
      else if (p.startsWith('spawn:')) {
        const g = p.slice(6);
        let list = groups.get(g);
        if (!list) groups.set(g, (list = []));
        list.push(cell);
      }
    }
  }
  const spawnGroups = new Map<string, Int32Array>();
  for (const [g, list] of groups) spawnGroups.set(g, Int32Array.from(list));
  const capacity = cells * 2 + players + 8;
  const used = (opts.mechanics ?? MECHANICS).filter((m) => m.uses(spec));
  const active: ActiveMechanic[] = [];
  const sim: Sim = {
    spec,
    scale,
    map,
    width: map.width,
    height: map.height,
    players,
    capacity,
    mechanics: active,
    world: createWorld<SimEvents>({
      width: map.width, height: map.height, layers: LAYER_COUNT, capacity, seed: opts.seed, inventorySize: inventorySize(spec, used), torus: spec.torus === true,
    }),
    episode: -1,
    seed: opts.seed,
    avatars: new Int32Array(players),
    actions: new Int32Array(players),
    bots: new Array<Bot | null>(players).fill(null),
    rewards: new Float64Array(players),
    returns: new Float64Array(players),
    collectiveReward: 0,
    moved: new Uint8Array(players),
    order: new Int32Array(players),
    background,
    walls,
    spawnGroups,
    terminated: false,
    truncated: false,
    beams: createBeamOverlay(cells),
    counters: { applesEaten: 0, zapsFired: 0, zapHits: 0 },
    respawn: () => {},
  };
  const claimed = new Map<Prefab, string>();
  for (const m of used) {
    for (const p of m.prefabs) {
      const other = claimed.get(p);
      if (other !== undefined) {
        throw new CrucibleError('INVALID_SUBSTRATE', `prefab "${p}" is claimed by both the ${other} and the ${m.name} mechanics`);
      }
      claimed.set(p, m.name);
    }
    active.push({ mechanic: m, state: m.create(sim) });
  }
  return sim;
}

/**
 * Build the world for a new episode with `seed`: each mechanic's `reset`; the map in map order (walls, and each
 * prefab a mechanic lays handed to its `place`); each mechanic's `afterMap`; the avatars at their spawn points;
 * each mechanic's `afterAvatars` (systems/mechanics.ts).
 */
export function buildEpisodeWorld(sim: Sim, seed: number): void {
  const { spec, map } = sim;
  const world = createWorld<SimEvents>(
    { width: sim.width, height: sim.height, layers: LAYER_COUNT, capacity: sim.capacity, seed, inventorySize: sim.world.c.Inventory.size, torus: spec.torus === true },
    { events: sim.world.events },
  );
  sim.world = world;
  sim.seed = seed;
  const { c, grid } = world;
  const active = sim.mechanics;
  const owner = new Map<Prefab, ActiveMechanic>();
  for (const a of active) {
    a.mechanic.reset?.(sim, a.state);
    if (a.mechanic.place) for (const p of a.mechanic.prefabs) owner.set(p, a);
  }
  for (let cell = 0; cell < map.chars.length; cell++) {
    const x = grid.cellX(cell), y = grid.cellY(cell);
    for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) {
      if (p === 'wall') {
        spawnMapObject(world, x, y, Layer.Upper, Sprite.Wall, c.Wall);
      } else {
        const a = owner.get(p);
        if (a) a.mechanic.place?.(sim, a.state, x, y, p);
      }
    }
  }
  for (const a of active) a.mechanic.afterMap?.(sim, a.state);
  sim.counters.applesEaten = 0;
  sim.counters.zapsFired = 0;
  sim.counters.zapHits = 0;
  sim.terminated = false;
  sim.truncated = false;
  sim.collectiveReward = 0;
  sim.rewards.fill(0);
  sim.returns.fill(0);
  sim.moved.fill(0);
  sim.actions.fill(0);
  // Avatars spawn in slot order, each at a random free point of its spawn group.
  const base = spec.population.players;
  for (let slot = 0; slot < sim.players; slot++) {
    const eid = spawnEntity(world);
    for (const comp of [c.Avatar, c.Position, c.Orientation, c.Cooldown, c.Frozen, c.Removed, c.Reward, c.Inventory, c.Sprite]) {
      addComponent(world.ecs, eid, comp);
    }
    c.Avatar.slot[eid] = slot;
    c.Sprite.id[eid] = Sprite.Avatar;
    sim.avatars[slot] = eid;
    const first = spec.population.firstSpawn;
    const group = first && first.slots.includes(slot % base) ? first.group : spec.population.spawnGroup;
    if (!placeAtSpawnPoint(sim, slot, group)) {
      throw new CrucibleError('INVALID_SUBSTRATE', `no free spawn point in group "${group}" for player ${slot}`);
    }
  }
  // Anything laid after the avatars (the matrix games' resources: their `resource:choice` draws come last).
  for (const a of active) a.mechanic.afterAvatars?.(sim, a.state);
}

/** Length of the Inventory vector: the largest any mechanic in use asks for (2 otherwise, the world's default). */
function inventorySize(spec: SubstrateSpec, used: readonly Mechanic<unknown>[]): number {
  let size = 0;
  for (const m of used) if (m.inventorySize) size = Math.max(size, m.inventorySize(spec));
  return size > 0 ? size : 2;
}

/** Random draws before `placeAtSpawnPoint` falls back to scanning the whole spawn group. */
const SPAWN_DRAWS = 8;

/**
 * Put the avatar of `slot` on a uniformly random free point of `group` (free = nothing on the avatar layer),
 * facing a random direction if the substrate says so. Returns false when every point is taken.
 */
export function placeAtSpawnPoint(sim: Sim, slot: number, group: string): boolean {
  const { world } = sim;
  const { grid, rng, c } = world;
  const points = sim.spawnGroups.get(group);
  if (!points) return false;
  // Uniform over the free points, allocation-free: draw points at random and keep the first free one (rejection
  // sampling is uniform over the free points); if that keeps failing (a crowded group), count the free points and
  // pick the k-th.
  let cell = -1;
  for (let attempt = 0; attempt < SPAWN_DRAWS && cell < 0; attempt++) {
    const p = points[rng.int(points.length)];
    if (grid.atCell(p, Layer.Upper) === 0) cell = p;
  }
  if (cell < 0) {
    let free = 0;
    for (let i = 0; i < points.length; i++) if (grid.atCell(points[i], Layer.Upper) === 0) free++;
    if (free === 0) return false;
    let k = rng.int(free);
    for (let i = 0; i < points.length; i++) {
      if (grid.atCell(points[i], Layer.Upper) === 0 && k-- === 0) {
        cell = points[i];
        break;
      }
    }
  }
  const eid = sim.avatars[slot];
  const x = grid.cellX(cell), y = grid.cellY(cell);
  c.Position.x[eid] = x;
  c.Position.y[eid] = y;
  c.Orientation.dir[eid] = sim.spec.population.randomizeInitialOrientation ? rng.int(4) : Dir.N;
  c.Removed.until[eid] = 0;
  grid.place(eid, x, y, Layer.Upper);
  return true;
}
