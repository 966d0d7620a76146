/**
 * The matrix games (Melting Pot `lua/levels/the_matrix/components.lua`): resources collected into an inventory, the
 * interaction beam whose hit resolves a matrix game between the two inventories, its scheduled effects, resource
 * regrowth, and Crucible's consent variant.
 *
 * State: systems/matrix/matrixState.ts. Systems: chooseRegrowingResources, collectResources, fireInteractionBeams,
 * expireConsentRequests, regenerateResources, spawnResourcesWhenAllPlayersRemoved, applyInteractionEffects (ordered
 * in systems/pipeline.ts); vector observations: systems/matrix/matrixObservations.ts.
 */
export {
  MATRIX,
  matrixOf,
  matrixFigures,
  classWithRole,
  majorityClass,
  interactionPayoffs,
  resetInventory,
  setResourceLive,
  setResourceWaiting,
  type MatrixState,
  type MatrixCounters,
  type MatrixFigures,
} from './matrixState.js';
