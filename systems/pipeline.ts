/**
 * The tick order: one list, in one file. The order is part of the behaviour — it follows Lab2D's updater
 * priorities: avatar moves (150) before beams (140) before respawns (135) before regrowth (10). A substrate family's
 * systems (systems/<family>/) sit here among the others; each returns at once in a substrate that does not use
 * its mechanic (systems/mechanics.ts).
 */
import { beginStep } from './beginStep.js';
import { chooseBotActions } from './chooseBotActions.js';
import { collectRewards } from './collectRewards.js';
import { endEpisode } from './endEpisode.js';
import { fireZapBeams } from './fireZapBeams.js';
import { moveAvatars } from './moveAvatars.js';
import { makeRespawnHandler, runScheduledEvents } from './respawnAvatars.js';
import { buildEpisodeWorld, type Sim } from './sim.js';
import { eatApples } from './apples/eatApples.js';
import { regrowApples } from './apples/regrowApples.js';
import { snapshotAppleCounts } from './apples/snapshotAppleCounts.js';
import { fireCleaningBeams } from './cleanUp/fireCleaningBeams.js';
import { growCleanUpApples } from './cleanUp/growCleanUpApples.js';
import { spawnDirt } from './cleanUp/spawnDirt.js';
import { applyInteractionEffects } from './matrix/applyInteractionEffects.js';
import { collectResources } from './matrix/collectResources.js';
import { endEpisodeAfterInteraction } from './matrix/endEpisodeAfterInteraction.js';
import { expireConsentRequests } from './matrix/expireConsentRequests.js';
import { fireInteractionBeams } from './matrix/fireInteractionBeams.js';
import { chooseRegrowingResources, regenerateResources } from './matrix/regenerateResources.js';
import { spawnResourcesWhenAllPlayersRemoved } from './matrix/spawnResourcesWhenAllPlayersRemoved.js';
import { applySanctionTimers } from './allelopathicHarvest/applySanctionTimers.js';
import { eatBerries } from './allelopathicHarvest/eatBerries.js';
import { firePlantingBeams } from './allelopathicHarvest/firePlantingBeams.js';
import { recoverSanctionLevels } from './allelopathicHarvest/recoverSanctionLevels.js';
import { ripenBerries } from './allelopathicHarvest/ripenBerries.js';
import { sanctionZappedPlayers } from './allelopathicHarvest/sanctionZappedPlayers.js';
import { collectCoins } from './coins/collectCoins.js';
import { regrowCoins } from './coins/regrowCoins.js';
import { fireClaimBeams } from './territory/fireClaimBeams.js';
import { fireTerritoryZaps } from './territory/fireTerritoryZaps.js';
import { paintWithBrushes } from './territory/paintWithBrushes.js';
import { payTerritoryRewards } from './territory/payTerritoryRewards.js';
import { recoverSanctionLevels as recoverTerritorySanctionLevels } from './territory/recoverSanctionLevels.js';
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
  // The apples' live-neighbour counts as they stand at the start of the tick (DensityRegrow reads them).
  { name: 'snapshotAppleCounts', run: snapshotAppleCounts },
  { name: 'chooseBotActions', run: chooseBotActions },
  // Component-phase effects (Clean Up's AppleGrow, then DirtSpawner) land before the step's moves.
  { name: 'growCleanUpApples', run: growCleanUpApples },
  { name: 'spawnDirt', run: spawnDirt },
  // Allelopathic Harvest's component updates (Avatar/Zapper `update`, then Regrowth `update`), before any updater.
  { name: 'applySanctionTimers', run: applySanctionTimers },
  { name: 'ripenBerries', run: ripenBerries },
  // Territory's component phase (avatars' scheduled removals, zappers' holds, walls' repair, dry paint).
  { name: 'updateTerritory', run: updateTerritory },
  // The matrix games' regrowth draws and occupancy check (updater priority 100) see the avatars before the moves.
  { name: 'chooseRegrowingResources', run: chooseRegrowingResources },
  { name: 'moveAvatars', run: moveAvatars },
  { name: 'eatApples', run: eatApples },
  { name: 'eatBerries', run: eatBerries },
  { name: 'collectResources', run: collectResources },
  // Coins: collection on entering (the moves, 150), then ChoiceCoinRegrow (100), whose changes land after the moves.
  { name: 'collectCoins', run: collectCoins },
  { name: 'regrowCoins', run: regrowCoins },
  // Both beams have priority 140; cleaning is traced before any zap hit lands (a zapped player still cleans).
  { name: 'fireCleaningBeams', run: fireCleaningBeams },
  { name: 'fireZapBeams', run: fireZapBeams },
  // Allelopathic Harvest (140): each zap hit's graduated sanction, then the planting beams (`ColorZapper` registers
  // its updaters after the `Zapper`).
  { name: 'sanctionZappedPlayers', run: sanctionZappedPlayers },
  { name: 'firePlantingBeams', run: firePlantingBeams },
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
  // Allelopathic Harvest's marking recovery (GraduatedSanctionsMarking, priority 3).
  { name: 'recoverSanctionLevels', run: recoverSanctionLevels },
  // Territory: sanction levels recover (priority 3), then a removed player's walls are released (2).
  { name: 'recoverTerritorySanctionLevels', run: recoverTerritorySanctionLevels },
  { name: 'releaseClaimsOfRemoved', run: releaseClaimsOfRemoved },
  { name: 'collectRewards', run: collectRewards },
  // The one-shot matrix games end the tick after the interaction's effects (updater priority 900, next frame).
  { name: 'endEpisodeAfterInteraction', run: endEpisodeAfterInteraction },
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
