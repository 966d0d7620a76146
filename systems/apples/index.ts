/**
 * The apples family: `Edible` apples that players eat for a reward and that regrow by the density of live apples
 * around them (Melting Pot `lua/levels/commons_harvest/components.lua`, DensityRegrow). Clean Up's apples are the
 * same apples, grown by the river's dirt fraction instead (systems/cleanUp/growCleanUpApples.ts).
 *
 * State: systems/apples/appleState.ts. Systems: snapshotAppleCounts, eatApples, regrowApples (ordered in
 * systems/pipeline.ts).
 */
export { APPLES, applesOf, setAppleLive, setAppleWaiting, type AppleIndex } from './appleState.js';
