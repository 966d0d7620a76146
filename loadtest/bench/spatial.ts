/**
 * Spatial grid benchmark. Workload: 10,000 entities at uniform random cells of a 101×101 grid (one layer, cells may
 * stack); 10 rounds in which every entity steps one cell in a random direction (clamped to the grid); then 2,000
 * Manhattan radius-5 queries at random centres into a preallocated buffer.
 *
 * All randomness comes from the project's seeded Rng and is drawn before timing starts, so the timed loops hold
 * nothing but grid calls. The whole workload runs WARMUP times untimed, then REPS times timed on a fresh grid;
 * each figure is the median over the timed repetitions of the per-operation time.
 *
 * Prints one line: {"bench":"spatial","entities":…,"grid":"WxH","move_ns":…,"radius5_query_ns":…,"found":…}
 * where `found` is the total number of entities the 2,000 queries returned (the same every repetition).
 * Options: --reps=N (timed repetitions, default 7), --seed=N (default 1).
 */
import { median, option } from './util.js';
import { Metric, SpatialGrid } from '../../ecs/grid.js';
import { Rng } from '../../ecs/rng.js';

const ENTITIES = 10_000;
const WIDTH = 101;
const HEIGHT = 101;
const ROUNDS = 10;
const QUERIES = 2_000;
const RADIUS = 5;
const WARMUP = 3;

interface Workload {
  /** Starting cell of entity e at [e]. */
  startX: Int32Array;
  startY: Int32Array;
  /** Target of the k-th move, k = round * ENTITIES + (e - 1). */
  moveX: Int32Array;
  moveY: Int32Array;
  queryX: Int32Array;
  queryY: Int32Array;
}

const STEP_X = [0, 1, 0, -1];
const STEP_Y = [-1, 0, 1, 0];

function makeWorkload(seed: number): Workload {
  const rng = new Rng(seed);
  const startX = new Int32Array(ENTITIES + 1);
  const startY = new Int32Array(ENTITIES + 1);
  for (let e = 1; e <= ENTITIES; e++) {
    startX[e] = rng.int(WIDTH);
    startY[e] = rng.int(HEIGHT);
  }
  const x = startX.slice();
  const y = startY.slice();
  const moveX = new Int32Array(ROUNDS * ENTITIES);
  const moveY = new Int32Array(ROUNDS * ENTITIES);
  for (let r = 0, k = 0; r < ROUNDS; r++) {
    for (let e = 1; e <= ENTITIES; e++, k++) {
      const d = rng.int(4);
      x[e] = Math.min(WIDTH - 1, Math.max(0, x[e] + STEP_X[d]));
      y[e] = Math.min(HEIGHT - 1, Math.max(0, y[e] + STEP_Y[d]));
      moveX[k] = x[e];
      moveY[k] = y[e];
    }
  }
  const queryX = new Int32Array(QUERIES);
  const queryY = new Int32Array(QUERIES);
  for (let q = 0; q < QUERIES; q++) {
    queryX[q] = rng.int(WIDTH);
    queryY[q] = rng.int(HEIGHT);
  }
  return { startX, startY, moveX, moveY, queryX, queryY };
}

interface Sample {
  moveNs: number;
  queryNs: number;
  found: number;
}

function once(w: Workload, out: Int32Array): Sample {
  const grid = new SpatialGrid({ width: WIDTH, height: HEIGHT, layers: 1, capacity: ENTITIES + 1 });
  for (let e = 1; e <= ENTITIES; e++) grid.place(e, w.startX[e], w.startY[e], 0);

  const { moveX, moveY } = w;
  const t0 = process.hrtime.bigint();
  for (let r = 0, k = 0; r < ROUNDS; r++) {
    for (let e = 1; e <= ENTITIES; e++, k++) grid.move(e, moveX[k], moveY[k]);
  }
  const t1 = process.hrtime.bigint();

  const { queryX, queryY } = w;
  let found = 0;
  const t2 = process.hrtime.bigint();
  for (let q = 0; q < QUERIES; q++) found += grid.queryRadius(queryX[q], queryY[q], RADIUS, Metric.Manhattan, 0, out);
  const t3 = process.hrtime.bigint();

  return {
    moveNs: Number(t1 - t0) / (ROUNDS * ENTITIES),
    queryNs: Number(t3 - t2) / QUERIES,
    found,
  };
}

export async function run(args: string[]): Promise<void> {
  const reps = Math.max(1, option(args, 'reps', 7));
  const w = makeWorkload(option(args, 'seed', 1));
  const out = new Int32Array(ENTITIES);
  for (let i = 0; i < WARMUP; i++) once(w, out);
  const samples: Sample[] = [];
  for (let i = 0; i < reps; i++) samples.push(once(w, out));
  const found = samples[0].found;
  if (samples.some((s) => s.found !== found)) throw new Error('repetitions of one workload found different counts');
  const round1 = (x: number): number => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      bench: 'spatial',
      entities: ENTITIES,
      grid: `${WIDTH}x${HEIGHT}`,
      move_ns: round1(median(samples.map((s) => s.moveNs))),
      radius5_query_ns: round1(median(samples.map((s) => s.queryNs))),
      found,
    }),
  );
}
