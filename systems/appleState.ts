/**
 * Apple state changes, the one place that keeps the grid layer, the live-neighbour counts and the waiting set in
 * step: an eaten apple moves to the logic layer and joins the waiting set; a regrown one moves back.
 * Each live/dead transition adds or subtracts 1 from its neighbours' counts (Melting Pot's DensityRegrow).
 */
import { Layer } from './layers.js';
import type { Sim } from './sim.js';

export function setAppleWaiting(sim: Sim, i: number): void {
  const a = sim.apples;
  if (a.live[i] === 0) return;
  const eid = a.eids[i];
  a.live[i] = 0;
  a.liveCount--;
  a.eatenAt[i] = sim.world.tick;
  sim.world.c.Resource.state[eid] = 1;
  sim.world.grid.setLayer(eid, Layer.Logic);
  for (let k = a.nbrStart[i]; k < a.nbrStart[i + 1]; k++) a.liveNeighbors[a.nbr[k]]--;
  a.waitingPos[i] = a.waitingCount;
  a.waiting[a.waitingCount++] = i;
}

export function setAppleLive(sim: Sim, i: number): void {
  const a = sim.apples;
  if (a.live[i] === 1) return;
  const eid = a.eids[i];
  a.live[i] = 1;
  a.liveCount++;
  sim.world.c.Resource.state[eid] = 0;
  sim.world.grid.setLayer(eid, Layer.Lower);
  for (let k = a.nbrStart[i]; k < a.nbrStart[i + 1]; k++) a.liveNeighbors[a.nbr[k]]++;
  // Swap-remove from the waiting set.
  const pos = a.waitingPos[i];
  const last = a.waiting[--a.waitingCount];
  a.waiting[pos] = last;
  a.waitingPos[last] = pos;
  a.waitingPos[i] = -1;
}
