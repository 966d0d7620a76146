/**
 * Respawns are scheduler events (set up when a player is removed); this stage fires the ones due this tick, after
 * moves and beams, as Lab2D runs its respawn updater after the move and beam updaters. A respawning player lands
 * on a random free point of the substrate's spawn group with a random facing; if every point is taken it tries
 * again next tick.
 */
import { placeAtSpawnPoint, type Sim } from './sim.js';

export function runScheduledEvents(sim: Sim): void {
  sim.world.scheduler.runDue(sim.world.tick);
}

/** The scheduler handler for a respawn: `slot` comes back now, or retries next tick. */
export function makeRespawnHandler(sim: Sim): (slot: number, tick: number) => void {
  const handler = (slot: number, tick: number): void => {
    if (placeAtSpawnPoint(sim, slot, sim.spec.population.spawnGroup)) {
      if (sim.world.events.wants('respawned')) sim.world.events.emit('respawned', { tick, slot });
    } else {
      sim.world.scheduler.schedule(1, handler, slot);
    }
  };
  return handler;
}
