/**
 * Start of a tick for the apples: keep each apple's live-neighbour count as it stands before this tick's changes.
 * DensityRegrow uses the start-of-tick counts (systems/apples/regrowApples.ts) and the grass under an apple whose
 * count was 0 is drawn dessicated (systems/renderObservations.ts). Runs right after beginStep, before anything eats.
 */
import { applesOf } from './appleState.js';
import type { Sim } from '../sim.js';

export function snapshotAppleCounts(sim: Sim): void {
  const a = applesOf(sim);
  if (a) a.startCounts.set(a.liveNeighbors);
}
