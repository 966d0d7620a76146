/**
 * The tick order: one list, in one file. The order is part of the behaviour — it follows Lab2D's updater
 * priorities: avatar moves (150) before beams (140) before respawns (135) before regrowth (10).
 */
import { beginStep } from './beginStep.js';
import { applyInteractionEffects } from './applyInteractionEffects.js';
import { chooseBotActions } from './chooseBotActions.js';
import { collectResources } from './collectResources.js';
import { collectRewards } from './collectRewards.js';
import { eatApples } from './eatApples.js';
import { endEpisode } from './endEpisode.js';
import { expireConsentRequests } from './expireConsentRequests.js';
import { fireCleaningBeams } from './fireCleaningBeams.js';
import { fireInteractionBeams } from './fireInteractionBeams.js';
import { fireZapBeams } from './fireZapBeams.js';
import { growCleanUpApples } from './growCleanUpApples.js';
import { moveAvatars } from './moveAvatars.js';
import { chooseRegrowingResources, regenerateResources } from './regenerateResources.js';
import { regrowApples } from './regrowApples.js';
import { makeRespawnHandler, runScheduledEvents } from './respawnAvatars.js';
import { buildEpisodeWorld, type Sim } from './sim.js';
import { spawnDirt } from './spawnDirt.js';
import { spawnResourcesWhenAllPlayersRemoved } from './spawnResourcesWhenAllPlayersRemoved.js';
import { fireClaimBeams } from './territory/fireClaimBeams.js';
import { fireTerritoryZaps } from './territory/fireTerritoryZaps.js';
import { paintWithBrushes } from './territory/paintWithBrushes.js';
import { payTerritoryRewards } from './territory/payTerritoryRewards.js';
import { recoverSanctionLevels } from './territory/recoverSanctionLevels.js';
import { releaseClaimsOfRemoved } from './territory/releaseClaimsOfRemoved.js';
import { updateTerritory } from './territory/updateTerritory.js';

export type System = (sim: Sim) => void;

export interface Stage {
  readonly name: string;
  readonly run: System;
}

/** The simulation stages, in order. Observation, metric and performance stages are appended by the runner. */
export const PIPELINE: readonly Stage[] = [
  { name: 'beginStep', run: beginStep },
  { name: 'chooseBotActions', run: chooseBotActions },
  // Component-phase effects (Clean Up's AppleGrow, then DirtSpawner) land before the step's moves.
  { name: 'growCleanUpApples', run: growCleanUpApples },
  { name: 'spawnDirt', run: spawnDirt },
  // Territory's component phase (avatars' scheduled removals, zappers' holds, walls' repair, dry paint).
  { name: 'updateTerritory', run: updateTerritory },
  // The matrix games' regrowth draws and occupancy check (updater priority 100) see the avatars before the moves.
  { name: 'chooseRegrowingResources', run: chooseRegrowingResources },
  { name: 'moveAvatars', run: moveAvatars },
  { name: 'eatApples', run: eatApples },
  { name: 'collectResources', run: collectResources },
  // Both beams have priority 140; cleaning is traced before any zap hit lands (a zapped player still cleans).
  { name: 'fireCleaningBeams', run: fireCleaningBeams },
  { name: 'fireZapBeams', run: fireZapBeams },
  // The matrix games' interaction beam (140), then Crucible's consent requests that ran out.
  { name: 'fireInteractionBeams', run: fireInteractionBeams },
  { name: 'expireConsentRequests', run: expireConsentRequests },
  // Territory's zap (Zapper, priority 140: lua/modules/avatar_library.lua:633-636).
  { name: 'fireTerritoryZaps', run: fireTerritoryZaps },
  { name: 'respawnAvatars', run: runScheduledEvents },
  // Territory: the paintbrush (130), then at the default priority 100 the claiming beams (avatars' updaters, registered
  // first) and the claimed walls' rewards (lua/levels/territory/components.lua:408-411, 273-275, 97-102).
  { name: 'paintWithBrushes', run: paintWithBrushes },
  { name: 'fireClaimBeams', run: fireClaimBeams },
  { name: 'payTerritoryRewards', run: payTerritoryRewards },
  { name: 'regenerateResources', run: regenerateResources },
  { name: 'regrowApples', run: regrowApples },
  // The matrix games' SpawnResourcesWhenAllPlayersZapped (7), then the interactions' scheduled effects (4).
  { name: 'spawnResourcesWhenAllPlayersRemoved', run: spawnResourcesWhenAllPlayersRemoved },
  { name: 'applyInteractionEffects', run: applyInteractionEffects },
  // Territory: sanction levels recover (priority 3), then a removed player's walls are released (2).
  { name: 'recoverSanctionLevels', run: recoverSanctionLevels },
  { name: 'releaseClaimsOfRemoved', run: releaseClaimsOfRemoved },
  { name: 'collectRewards', run: collectRewards },
  { name: 'endEpisode', run: endEpisode },
];

/** Advance one tick with the actions already in `sim.actions` (focal slots) — bots fill the rest. */
export function stepSim(sim: Sim): void {
  for (let i = 0; i < PIPELINE.length; i++) PIPELINE[i].run(sim);
  sim.world.events.flush();
}

/**
 * Start a new episode. The first reset uses the sim's seed; each later one uses the next seed, unless `seed` is
 * given (a client resetting with a seed): then the episode uses that one, and later episodes count on from it.
 */
export function resetSim(sim: Sim, seed?: number): void {
  sim.episode++;
  if (seed === undefined) seed = sim.episode === 0 ? sim.seed : (sim.seed + 1) >>> 0;
  buildEpisodeWorld(sim, seed);
  sim.respawn = makeRespawnHandler(sim);
}
