/**
 * Scenarios: a substrate, how many players, which of them are focal (driven from outside) and which bots fill the
 * rest. Background slots are re-drawn uniformly from `bots` at every reset, as Melting Pot's Population does.
 *
 * Every Melting Pot scenario of the substrates Crucible implements is here, with Melting Pot's name, description,
 * tags, focal split and bot pool (`meltingpot/configs/scenarios/__init__.py`), in one data file per substrate family.
 * The bots keep Melting Pot's names; each is played by a scripted stand-in for the trained bot (see
 * `BotSpec` in types.ts and systems/policies/scriptedBots.ts).
 */
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate, substrateNames } from './registry.js';
import { focal } from './shared.js';
import { BOTS as COMMONS_HARVEST_BOTS, SCENARIOS as COMMONS_HARVEST } from './scenarios_commons_harvest.js';
import { BOTS as CLEAN_UP_BOTS, SCENARIOS as CLEAN_UP } from './scenarios_clean_up.js';
import { BOTS as MATRIX_BOTS, SCENARIOS as IN_THE_MATRIX } from './scenarios_in_the_matrix.js';
import { BOTS as ALLELOPATHIC_HARVEST_BOTS, SCENARIOS as ALLELOPATHIC_HARVEST } from './scenarios_allelopathic_harvest.js';
import { BOTS as MATRIX_FAMILY_BOTS, SCENARIOS as MATRIX_FAMILY } from './scenarios_matrix_family.js';
import { BOTS as COINS_BOTS, SCENARIOS as COINS } from './scenarios_coins.js';
import { BOTS as TERRITORY_BOTS, SCENARIOS as TERRITORY } from './scenarios_territory.js';
import type { BotSpec, ScenarioSpec, SubstrateSpec } from './types.js';

export type { BotSpec, ScenarioSpec } from './types.js';

/** Crucible's own scenarios (substrates Melting Pot does not have). */
const CRUCIBLE_ONLY: readonly ScenarioSpec[] = [
  {
    name: 'prisoners_dilemma_in_the_matrix__consent_0',
    description: 'partner may cooperate or defect, and accepts only requests from players seen cooperating',
    substrate: 'prisoners_dilemma_in_the_matrix__consent',
    tags: [],
    isFocal: focal(1, 1),
    bots: ['cooperator__accept_known_cooperators', 'defector__accept_known_cooperators'],
    source: null,
  },
];

const BOT_REGISTRY: ReadonlyMap<string, BotSpec> = new Map(
  [...COMMONS_HARVEST_BOTS, ...CLEAN_UP_BOTS, ...MATRIX_BOTS, ...ALLELOPATHIC_HARVEST_BOTS, ...MATRIX_FAMILY_BOTS, ...COINS_BOTS, ...TERRITORY_BOTS].sort((a, b) => a.name.localeCompare(b.name)).map((b) => [b.name, Object.freeze(b)] as const),
);

/** Melting Pot's bot names that have a scripted stand-in, sorted. */
export function scenarioBotNames(): string[] {
  return [...BOT_REGISTRY.keys()];
}

/** The stand-in of Melting Pot's bot `name`, or undefined for any other name (Crucible's own bots). */
export function findBotSpec(name: string): BotSpec | undefined {
  return BOT_REGISTRY.get(name);
}

function validateScenario(s: ScenarioSpec): void {
  const problems: string[] = [];
  if (!substrateNames().includes(s.substrate)) problems.push(`substrate "${s.substrate}" is not registered`);
  else {
    const sub = getSubstrate(s.substrate);
    if (s.isFocal.length < 1 || s.isFocal.length > sub.population.players) {
      problems.push(`isFocal has ${s.isFocal.length} entries; ${s.substrate} takes 1 to ${sub.population.players} players`);
    }
    for (const b of s.bots) {
      const spec = BOT_REGISTRY.get(b);
      if (spec ? spec.substrate !== s.substrate : !sub.population.bots.includes(b)) problems.push(`bot "${b}" is not a bot of ${s.substrate}`);
    }
  }
  if (s.isFocal.some((f) => !f) && s.bots.length === 0) problems.push('background slots need at least one bot');
  if (problems.length > 0) throw new CrucibleError('INVALID_SCENARIO', `scenario "${s.name}" is invalid: ${problems.join('; ')}`, { problems });
}

const REGISTRY: ReadonlyMap<string, ScenarioSpec> = new Map(
  [...COMMONS_HARVEST, ...CLEAN_UP, ...IN_THE_MATRIX, ...ALLELOPATHIC_HARVEST, ...MATRIX_FAMILY, ...COINS, ...TERRITORY, ...CRUCIBLE_ONLY]
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
    .map((s) => {
      validateScenario(s);
      return [s.name, Object.freeze(s)] as const;
    }),
);

export function scenarioNames(): string[] {
  return [...REGISTRY.keys()];
}

export function getScenario(name: string): ScenarioSpec {
  const s = REGISTRY.get(name);
  if (!s) {
    // The names are in `details.allowed` (and GET /api/substrates): listed in the message they would be thousands of characters.
    throw new CrucibleError('UNKNOWN_SCENARIO', `unknown scenario ${JSON.stringify(name.slice(0, 64))}; there are ${REGISTRY.size} scenarios (details.allowed; GET /api/substrates lists them by substrate)`, {
      value: name,
      allowed: scenarioNames(),
    });
  }
  return s;
}

/** Scenarios of one substrate. */
export function scenariosOf(substrate: string): ScenarioSpec[] {
  return [...REGISTRY.values()].filter((s) => s.substrate === substrate);
}

const SCENARIO_SUBSTRATES = new Map<string, SubstrateSpec>();

/**
 * The substrate as the scenario plays it: Melting Pot builds the substrate with one player per scenario role, so a
 * scenario with fewer players than the substrate's default (clean_up_17: 4 of 7) has only those avatars.
 */
export function scenarioSubstrate(s: ScenarioSpec): SubstrateSpec {
  const base = getSubstrate(s.substrate);
  if (s.isFocal.length === base.population.players) return base;
  let spec = SCENARIO_SUBSTRATES.get(s.name);
  if (!spec) {
    spec = Object.freeze({ ...base, population: Object.freeze({ ...base.population, players: s.isFocal.length }) });
    SCENARIO_SUBSTRATES.set(s.name, spec);
  }
  return spec;
}
