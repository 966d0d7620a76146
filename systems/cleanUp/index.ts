/**
 * The Clean Up family (Melting Pot `lua/levels/clean_up/components.lua`): river dirt that builds up on its own
 * (DirtSpawner), the cleaning beam (Cleaner) and apples that grow at a rate set by the river's dirt fraction
 * (AppleGrow; the apples themselves are systems/apples/).
 *
 * State: systems/cleanUp/dirtState.ts. Systems: growCleanUpApples, spawnDirt, fireCleaningBeams (ordered in
 * systems/pipeline.ts).
 */
export { CLEAN_UP, cleanUpOf, dirtFraction, setClean, setDirty, type CleanUpState, type CleaningState, type DirtIndex } from './dirtState.js';
export { numOthersWhoCleanedThisStep } from './fireCleaningBeams.js';
export { appleGrowthProbability } from './growCleanUpApples.js';
