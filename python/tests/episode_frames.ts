/**
 * The headless reference for the Python cross-check (test_cross_check.py): plays one seeded episode of a
 * substrate on the Environment directly (no server), with the actions given, and writes every player's RGB frame
 * and WORLD.RGB after the reset and after each step, and each step's rewards.
 *
 *   npx tsx python/tests/episode_frames.ts SUBSTRATE SEED ACTIONS_JSON OUT_DIR
 *
 * ACTIONS_JSON: [[a_0, …, a_{n-1}], …] one list per step. OUT_DIR gets rgb.bin ((steps+1) × players × h × w × 3),
 * world.bin ((steps+1) × H × W × 3), rewards.json ([[r_0, …], …] per step) and shape.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from '../../systems/environment.js';
import { ObservationBuffers, renderWorld, worldShape } from '../../systems/renderObservations.js';

const [substrate, seedText, actionsFile, out] = process.argv.slice(2);
const actions = JSON.parse(readFileSync(actionsFile, 'utf8')) as number[][];
const env = new Environment({ substrate, seed: Number(seedText) });
env.reset();
const buffers = new ObservationBuffers(env.sim, 'rgb');
const [wh, ww] = worldShape(env.sim);
const world = new Uint8Array(wh * ww * 3);
const rgb: Buffer[] = [];
const worlds: Buffer[] = [];
const rewards: number[][] = [];
function capture(): void {
  buffers.render(env.sim);
  for (let s = 0; s < env.players; s++) rgb.push(Buffer.from(buffers.rgb[s]));
  renderWorld(env.sim, world);
  worlds.push(Buffer.from(world));
}
capture();
for (const a of actions) {
  env.step(a);
  rewards.push(Array.from(env.sim.rewards));
  capture();
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'rgb.bin'), Buffer.concat(rgb));
writeFileSync(join(out, 'world.bin'), Buffer.concat(worlds));
writeFileSync(join(out, 'rewards.json'), JSON.stringify(rewards));
writeFileSync(join(out, 'shape.json'), JSON.stringify({ players: env.players, rgb: buffers.rgbShape, world: [wh, ww, 3] }));
