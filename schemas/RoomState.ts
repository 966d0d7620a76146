/**
 * The state a substrate room delta-syncs to clients that asked for it (spectators by default; agents with join
 * option `state: true`). Narrow schemas with fixed-width numbers, every number defaulting to 0 (a field without a
 * default starts undefined and is sent as 0 after `x++` gives NaN).
 *
 * - `RoomState` (the root): what never changes — substrate, scenario, map size — visible to every client, plus
 *   `world`, tagged `.view()`: only clients whose StateView holds it receive it and its patches.
 * - `WorldState`: tick, episode, the agent table, the changing map cells, the figures. Only the Lower layer changes
 *   (apples, dirt, resources: live on it, or waiting off it), and only on the cells the map gives such an object:
 *   `lowerCells[i]` is such a cell's index (y·width + x), sent once; `lower[i]` is the sprite id of the object
 *   shown there now (systems/sprites.ts: 6 apple, 7 dirt, 8 / 9 resources) or 0 when none is (an apple waiting to
 *   regrow, clean river). An entry is written only when it changes, so a patch carries only the cells that changed
 *   since the last one. Walls never change (GET /api/substrates has the map).
 * - `Metrics` and `Performance`: a few float32 headline figures; −1 stands for null (no value yet).
 */
import { ArraySchema, schema, t, type SchemaType } from '@colyseus/schema';

export const Agent = schema(
  {
    slot: t.uint16().default(0),
    x: t.int16().default(0),
    y: t.int16().default(0),
    /** Facing: 0 N, 1 E, 2 S, 3 W. */
    dir: t.uint8().default(0),
    episodeReturn: t.float32().default(0),
    /** Zapped off the map, waiting to respawn. */
    removed: t.boolean().default(false),
    frozen: t.boolean().default(false),
    /** Driven from outside (an agent, or its stand-in while the slot is empty); false for background bots. */
    focal: t.boolean().default(false),
    /** Policy label: the agent's declared policy, a bot name, or "noop". */
    policy: t.string().default(''),
  },
  'Agent',
);
export type Agent = SchemaType<typeof Agent>;

export const Metrics = schema(
  {
    gini: t.float32().default(0),
    collective_return: t.float32().default(0),
    background_equality: t.float32().default(0),
    diversity: t.float32().default(0),
    exploitation_attempts: t.float32().default(0),
    /** −1 while no attempt was made in the window. */
    defense_success_rate: t.float32().default(-1),
  },
  'Metrics',
);
export type Metrics = SchemaType<typeof Metrics>;

export const Performance = schema(
  {
    steps_per_s: t.float32().default(0),
    tick_p99_us: t.float32().default(0),
    rss_mb: t.float32().default(0),
    cpu_pct: t.float32().default(0),
  },
  'Performance',
);
export type Performance = SchemaType<typeof Performance>;

export const WorldState = schema(
  {
    tick: t.uint32().default(0),
    episode: t.uint32().default(0),
    agents: t.array(Agent),
    lowerCells: t.array('uint32'),
    lower: t.array('uint8'),
    metrics: t.ref(Metrics),
    performance: t.ref(Performance),
  },
  'WorldState',
);
export type WorldState = SchemaType<typeof WorldState>;

export const RoomState = schema(
  {
    substrate: t.string().default(''),
    scenario: t.string().default(''),
    width: t.uint16().default(0),
    height: t.uint16().default(0),
    world: t.ref(WorldState).view(),
  },
  'RoomState',
);
export type RoomState = SchemaType<typeof RoomState>;

export { ArraySchema };
