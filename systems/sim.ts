/**
 * A running substrate: the world built from a substrate's data plus the per-episode bookkeeping the systems share.
 * `createSim` parses the map once; `resetSim` builds a fresh world for each episode. Systems are functions of the
 * Sim, run in the order of `systems/pipeline.ts`.
 */
import { addComponent } from 'bitecs';
import { Dir, ResourceState } from '../ecs/components.js';
import { CrucibleError } from '../ecs/errors.js';
import { Metric } from '../ecs/grid.js';
import { createWorld, spawnEntity, type World } from '../ecs/world.js';
import type { Prefab, SubstrateSpec } from '../substrates/types.js';
import { Layer, LAYER_COUNT } from './layers.js';
import { Sprite } from './sprites.js';
import { spawnMapObject } from './spawnMapObject.js';
import type { SimEvents } from './events.js';
import { addDirt, createCleaningState, createDirtIndex, resetRiver, type CleaningState, type DirtIndex } from './dirtState.js';
import { buildMatrixEpisode, createMatrixState, type MatrixState } from './matrixState.js';
import { createBeamOverlay, type BeamOverlay } from './beamOverlay.js';
import { createMechanicStates, laysPrefab, mechanicsOf } from './mechanics.js';
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
}

export interface Sim {
  readonly spec: SubstrateSpec;
  readonly scale: number;
  readonly map: ParsedMap;
  readonly width: number;
  readonly height: number;
  readonly players: number;
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
  readonly apples: AppleIndex;
  /** Clean Up's dirt-capable river cells (empty in substrates without dirt); see systems/dirtState.ts. */
  readonly dirt: DirtIndex;
  /** Clean Up's cleaning-beam timers and who cleaned (per slot); see systems/dirtState.ts. */
  readonly cleaning: CleaningState;
  /** The matrix games' resources, readiness and interactions (null without a `matrix` block); systems/matrixState.ts. */
  readonly matrix: MatrixState | null;
  /** The cells the beams fired this tick cover, for the observations (systems/beamOverlay.ts). */
  readonly beams: BeamOverlay;
  terminated: boolean;
  truncated: boolean;
  readonly counters: EpisodeCounters;
  /** Scheduler handler that respawns the avatar of slot `arg`. Set by the respawn system. */
  respawn: (slot: number, tick: number) => void;
}

/**
 * Apples and their neighbourhoods. Apples never move, so each apple's neighbours within the regrowth radius are
 * computed once per episode (CSR arrays); live-neighbour counts are then kept incrementally.
 */
export interface AppleIndex {
  /** apple index → entity id */
  eids: Int32Array;
  count: number;
  /** entity id → apple index, −1 for non-apples */
  indexOf: Int32Array;
  /** neighbours of apple i: nbr[nbrStart[i] .. nbrStart[i+1]) as apple indices */
  nbrStart: Int32Array;
  nbr: Int32Array;
  /** apple index → live apples within the radius, self excluded */
  liveNeighbors: Uint8Array;
  /** liveNeighbors as they stood at the start of this tick (snapshot taken by beginStep). */
  startCounts: Uint8Array;
  /** apple index → the count a waiting apple's regrowth uses this tick (the start-of-tick count one tick ago). */
  waitK: Uint8Array;
  /** apple index → 1 if live */
  live: Uint8Array;
  /** Dense set of waiting apples (apple indices) and each one's position in it (−1 if live). */
  waiting: Int32Array;
  waitingCount: number;
  waitingPos: Int32Array;
  /** apple index → tick it was eaten (it first gets a chance to regrow two ticks later). */
  eatenAt: Int32Array;
  liveCount: number;
}

const BACKGROUND_SPRITE: Readonly<Record<string, Sprite>> = {
  floor: Sprite.Floor,
  grass: Sprite.Grass,
  sand: Sprite.Sand,
  river: Sprite.River,
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
  let appleCells = 0;
  let dirtCells = 0;
  for (let cell = 0; cell < cells; cell++) {
    for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) {
      if (p in BACKGROUND_SPRITE) background[cell] = BACKGROUND_SPRITE[p];
      else if (p === 'wall') walls[cell] = 1;
      else if (p.startsWith('spawn:')) {
        const g = p.slice(6);
        let list = groups.get(g);
        if (!list) groups.set(g, (list = []));
        list.push(cell);
      } else if (p === 'apple' || p === 'potentialApple') appleCells++;
      else if (p === 'dirt' || p === 'potentialDirt') dirtCells++;
    }
  }
  const spawnGroups = new Map<string, Int32Array>();
  for (const [g, list] of groups) spawnGroups.set(g, Int32Array.from(list));
  const capacity = cells * 2 + players + 8;
  const sim: Sim = {
    spec,
    scale,
    map,
    width: map.width,
    height: map.height,
    players,
    world: createWorld<SimEvents>({
      width: map.width, height: map.height, layers: LAYER_COUNT, capacity, seed: opts.seed, inventorySize: inventorySize(spec), torus: spec.torus === true,
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
    apples: {
      eids: new Int32Array(appleCells),
      count: 0,
      indexOf: new Int32Array(capacity + 1),
      nbrStart: new Int32Array(appleCells + 1),
      nbr: new Int32Array(0),
      liveNeighbors: new Uint8Array(appleCells),
      startCounts: new Uint8Array(appleCells),
      waitK: new Uint8Array(appleCells),
      live: new Uint8Array(appleCells),
      waiting: new Int32Array(appleCells),
      waitingCount: 0,
      waitingPos: new Int32Array(appleCells),
      eatenAt: new Int32Array(appleCells),
      liveCount: 0,
    },
    terminated: false,
    truncated: false,
    dirt: createDirtIndex(dirtCells, cells),
    cleaning: createCleaningState(players),
    matrix: spec.matrix ? createMatrixState(spec, map, players, capacity) : null,
    beams: createBeamOverlay(cells),
    counters: { applesEaten: 0, zapsFired: 0, zapHits: 0 },
    respawn: () => {},
  };
  createMechanicStates(sim, MECHANICS);
  return sim;
}

/** Build the world for a new episode with `seed`: walls, apples, avatars at their spawn points. */
export function buildEpisodeWorld(sim: Sim, seed: number): void {
  const { spec, map } = sim;
  const capacity = sim.apples.indexOf.length - 1;
  const world = createWorld<SimEvents>(
    { width: sim.width, height: sim.height, layers: LAYER_COUNT, capacity, seed, inventorySize: inventorySize(spec), torus: spec.torus === true },
    { events: sim.world.events },
  );
  sim.world = world;
  sim.seed = seed;
  const { c, grid } = world;
  const apples = sim.apples;
  apples.count = 0;
  apples.indexOf.fill(-1);
  resetRiver(sim);
  const mechanics = mechanicsOf(sim);
  for (const [m, st] of mechanics) m.reset?.(sim, st);
  for (let cell = 0; cell < map.chars.length; cell++) {
    const x = grid.cellX(cell), y = grid.cellY(cell);
    for (const p of spec.legend[map.chars[cell]] as readonly Prefab[]) {
      for (const [m, st] of mechanics) if (m.place && laysPrefab(m, p)) m.place(sim, st, x, y, p);
      if (p === 'wall') {
        spawnMapObject(world, x, y, Layer.Upper, Sprite.Wall, c.Wall);
      } else if (p === 'dirt' || p === 'potentialDirt') {
        addDirt(sim, x, y, p === 'dirt');
      } else if (p === 'apple' || p === 'potentialApple') {
        const live = p === 'apple';
        const eid = spawnMapObject(world, x, y, live ? Layer.Lower : Layer.Logic, Sprite.Apple, c.Resource);
        c.Resource.state[eid] = live ? ResourceState.Live : ResourceState.Waiting;
        apples.indexOf[eid] = apples.count;
        apples.eids[apples.count++] = eid;
      }
    }
  }
  indexAppleNeighbours(sim);
  for (const [m, st] of mechanics) m.afterMap?.(sim, st);
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
  // The matrix games' resources and inventories, after the avatars (their `resource:choice` draws come last).
  buildMatrixEpisode(sim);
  for (const [m, st] of mechanics) m.afterAvatars?.(sim, st);
}

/** Length of the Inventory vector: the matrix games' resource classes (2 otherwise, the world's default). */
function inventorySize(spec: SubstrateSpec): number {
  return spec.matrix ? spec.matrix.resources.length : 2;
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

/** Precompute each apple's neighbours within the regrowth radius and count the live ones. */
function indexAppleNeighbours(sim: Sim): void {
  const { apples, world } = sim;
  const { grid, c } = world;
  const radius = sim.spec.regrowth?.radius ?? 0;
  const n = apples.count;
  const starts = apples.nbrStart;
  const scratch = new Int32Array(64);
  const lists: number[] = [];
  for (let i = 0; i < n; i++) {
    starts[i] = lists.length;
    const eid = apples.eids[i];
    const x = c.Position.x[eid], y = c.Position.y[eid];
    for (const layer of [Layer.Lower, Layer.Logic]) {
      const found = grid.queryRadius(x, y, radius, Metric.Euclidean, layer, scratch);
      for (let k = 0; k < Math.min(found, scratch.length); k++) {
        const other = apples.indexOf[scratch[k]];
        if (other >= 0 && other !== i) lists.push(other);
      }
    }
  }
  starts[n] = lists.length;
  apples.nbr = Int32Array.from(lists);
  apples.waitingCount = 0;
  apples.liveCount = 0;
  for (let i = 0; i < n; i++) {
    const live = c.Resource.state[apples.eids[i]] === 0;
    apples.live[i] = live ? 1 : 0;
    apples.eatenAt[i] = -2;
    if (live) {
      apples.liveCount++;
      apples.waitingPos[i] = -1;
    } else {
      apples.waitingPos[i] = apples.waitingCount;
      apples.waiting[apples.waitingCount++] = i;
    }
  }
  for (let i = 0; i < n; i++) {
    let live = 0;
    for (let k = starts[i]; k < starts[i + 1]; k++) live += apples.live[apples.nbr[k]];
    apples.liveNeighbors[i] = live;
  }
  apples.startCounts.set(apples.liveNeighbors);
  apples.waitK.set(apples.liveNeighbors);
}
