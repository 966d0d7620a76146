/**
 * The tick order: one list, in one file. The order is part of the behaviour — it follows Lab2D's updater
 * priorities: avatar moves (150) before beams (140) before respawns (135) before regrowth (10).
 */
import { beginStep } from './beginStep.js';
import { chooseBotActions } from './chooseBotActions.js';
import { collectRewards } from './collectRewards.js';
import { eatApples } from './eatApples.js';
import { endEpisode } from './endEpisode.js';
import { fireZapBeams } from './fireZapBeams.js';
import { moveAvatars } from './moveAvatars.js';
import { regrowApples } from './regrowApples.js';
import { makeRespawnHandler, runScheduledEvents } from './respawnAvatars.js';
import { buildEpisodeWorld, type Sim } from './sim.js';

export type System = (sim: Sim) => void;

export interface Stage {
  readonly name: string;
  readonly run: System;
}

/** The simulation stages, in order. Observation, metric and performance stages are appended by the runner. */
export const PIPELINE: readonly Stage[] = [
  { name: 'beginStep', run: beginStep },
  { name: 'chooseBotActions', run: chooseBotActions },
  { name: 'moveAvatars', run: moveAvatars },
  { name: 'eatApples', run: eatApples },
  { name: 'fireZapBeams', run: fireZapBeams },
  { name: 'respawnAvatars', run: runScheduledEvents },
  { name: 'regrowApples', run: regrowApples },
  { name: 'collectRewards', run: collectRewards },
  { name: 'endEpisode', run: endEpisode },
];

/** Advance one tick with the actions already in `sim.actions` (focal slots) — bots fill the rest. */
export function stepSim(sim: Sim): void {
  for (let i = 0; i < PIPELINE.length; i++) PIPELINE[i].run(sim);
  sim.world.events.flush();
}

/** Start a new episode. The first reset uses the sim's seed; each later one uses the next seed. */
export function resetSim(sim: Sim): void {
  sim.episode++;
  const seed = sim.episode === 0 ? sim.seed : (sim.seed + 1) >>> 0;
  buildEpisodeWorld(sim, seed);
  sim.respawn = makeRespawnHandler(sim);
}
