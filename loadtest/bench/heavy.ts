/**
 * Heavy one-off work a client can ask for, which runs on the event loop every room shares: building a room's world
 * (what a create does before the room's first tick: the Environment, its reset and the first observations) and
 * drawing WORLD.RGB as a PNG (`GET /api/rooms/:id/world.png`, the `world` message). Each case is timed --runs times
 * on a fresh environment; the figure is the median in ms, with the cells (map cells × scale²) it covers, so the
 * per-room cell budget (server/budgets.ts) can be checked against "no more than one tick of a 20 Hz room" (50 ms).
 *
 * `png_ms` is the synchronous encoder (systems/encoding.ts, upng-js: what the route used before); `draw_ms` drawing
 * the tiles alone, `async_png_loop_ms` what the route now holds the loop for (drawing + starting the compression),
 * `async_png_total_ms` until the PNG is ready (compression in the thread pool, server/worldImage.ts).
 *
 * Prints one line per case:
 *   {"bench":"heavy","substrate":"clean_up","scale":4,"cells":…,"players":…,"build_ms":…,"png_ms":…,"png_bytes":…,
 *    "draw_ms":…,"async_png_loop_ms":…,"async_png_total_ms":…,"async_png_bytes":…}
 * Options: --runs=N (default 3), --max-scale=N (default 8).
 */
import { median, option } from './util.js';
import { Environment } from '../../systems/environment.js';
import { encodePng } from '../../systems/encoding.js';
import { renderWorld, worldShape } from '../../systems/renderObservations.js';
import { getSubstrate } from '../../substrates/registry.js';
import { roomCells } from '../../server/budgets.js';
import { encodePngAsync } from '../../server/worldImage.js';

const SUBSTRATES = ['commons_harvest__open', 'clean_up', 'prisoners_dilemma_in_the_matrix__arena'] as const;
const SCALES = [1, 2, 3, 4, 6, 8, 12, 16] as const;

export async function run(args: string[]): Promise<void> {
  const runs = Math.max(1, option(args, 'runs', 3));
  const maxScale = option(args, 'max-scale', 8);
  for (const substrate of SUBSTRATES) {
    for (const scale of SCALES) {
      if (scale > maxScale) continue;
      const build: number[] = [];
      const png: number[] = [];
      const draw: number[] = [];
      const fastLoop: number[] = [];
      const fastTotal: number[] = [];
      let bytes = 0;
      let fastBytes = 0;
      let players = 0;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const env = new Environment({ substrate, seed: r, scale });
        env.reset();
        build.push(performance.now() - t0);
        players = env.players;
        const [h, w] = worldShape(env.sim);
        const t1 = performance.now();
        const rgb = new Uint8Array(h * w * 3);
        renderWorld(env.sim, rgb);
        bytes = encodePng(rgb, w, h).length;
        png.push(performance.now() - t1);
        // After: drawing on the loop, compression in the thread pool (server/worldImage.ts).
        const t2 = performance.now();
        renderWorld(env.sim, rgb);
        draw.push(performance.now() - t2);
        const t3 = performance.now();
        const pending = encodePngAsync(rgb, w, h);
        fastLoop.push(performance.now() - t2);
        fastBytes = (await pending).length;
        fastTotal.push(performance.now() - t3);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const line = {
        bench: 'heavy',
        substrate,
        scale,
        cells: roomCells(getSubstrate(substrate), scale),
        players,
        build_ms: Number(median(build).toFixed(2)),
        png_ms: Number(median(png).toFixed(2)),
        png_bytes: bytes,
        draw_ms: Number(median(draw).toFixed(2)),
        async_png_loop_ms: Number(median(fastLoop).toFixed(2)),
        async_png_total_ms: Number(median(fastTotal).toFixed(2)),
        async_png_bytes: fastBytes,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}
