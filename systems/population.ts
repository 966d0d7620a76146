/**
 * Populations: which slots are focal (their actions come from outside) and which run a bot. Background slots are
 * re-drawn uniformly from the scenario's bots at every reset, with the world's generator, as Melting Pot's
 * Population resamples them.
 */
import { CrucibleError } from '../ecs/errors.js';
import type { ScenarioSpec } from '../substrates/scenarios.js';
import { createBot } from './policies/index.js';
import type { Sim } from './sim.js';

export interface PopulationConfig {
  /** slot → focal? (length = players). */
  isFocal: readonly boolean[];
  /** Bots background slots are drawn from. */
  bots: readonly string[];
  /** Optional bot that drives the focal slots in-process (headless runs); null = actions come from outside. */
  focalPolicy: string | null;
  /** slot → policy label for focal slots driven from outside (e.g. a client's declared policy). */
  focalLabels?: readonly (string | null)[];
}

/** The population of a scenario scaled to the sim (the focal pattern repeats in every tile of a scaled map). */
export function populationFor(sim: Sim, scenario: ScenarioSpec | null, focalPolicy: string | null): PopulationConfig {
  const base = sim.spec.population.players;
  if (!scenario) return { isFocal: new Array<boolean>(sim.players).fill(true), bots: [], focalPolicy };
  if (scenario.substrate !== sim.spec.name) {
    throw new CrucibleError('INVALID_SCENARIO', `scenario "${scenario.name}" is for ${scenario.substrate}, not ${sim.spec.name}`);
  }
  if (scenario.isFocal.length !== base) {
    throw new CrucibleError('INVALID_SCENARIO', `scenario "${scenario.name}" seats ${scenario.isFocal.length} players; this sim has ${base} per tile`);
  }
  const isFocal = Array.from({ length: sim.players }, (_, s) => scenario.isFocal[s % base]);
  return { isFocal, bots: scenario.bots, focalPolicy };
}

/** slot → label of the policy playing it this episode (bot name, or the focal label). */
export function assignBots(sim: Sim, pop: PopulationConfig): string[] {
  if (pop.isFocal.length !== sim.players) {
    throw new CrucibleError('INVALID_OPTION', `population has ${pop.isFocal.length} slots for ${sim.players} players`);
  }
  const rng = sim.world.rng;
  const labels: string[] = [];
  for (let s = 0; s < sim.players; s++) {
    if (pop.isFocal[s]) {
      sim.bots[s] = pop.focalPolicy ? createBot(pop.focalPolicy, sim) : null;
      labels.push(pop.focalLabels?.[s] ?? pop.focalPolicy ?? 'focal');
    } else {
      const name = pop.bots[rng.int(pop.bots.length)];
      sim.bots[s] = createBot(name, sim);
      labels.push(name);
    }
  }
  return labels;
}
