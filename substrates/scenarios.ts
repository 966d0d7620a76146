/**
 * Scenarios: a substrate, which player slots are focal (driven from outside) and which bots may fill the rest.
 * Background slots are re-drawn uniformly from `bots` at every reset, as Melting Pot's Population does.
 * Source of the Melting Pot scenarios: `configs/scenarios/__init__.py`.
 */
import { CrucibleError } from '../ecs/errors.js';
import { getSubstrate, substrateNames } from './registry.js';

export interface ScenarioSpec {
  readonly name: string;
  readonly description: string;
  readonly substrate: string;
  /** One entry per player slot of the substrate's default population. */
  readonly isFocal: readonly boolean[];
  /** Bot names the background slots are drawn from. */
  readonly bots: readonly string[];
}

const focal = (n: number, background: number): boolean[] => [...Array<boolean>(n).fill(true), ...Array<boolean>(background).fill(false)];

const ALL: readonly ScenarioSpec[] = [
  {
    name: 'commons_harvest__open_0',
    description: 'focals are resident and visited by two bots who zap and harvest unsustainably',
    substrate: 'commons_harvest__open',
    isFocal: focal(5, 2),
    bots: ['unsustainable_harvester'],
  },
  {
    name: 'commons_harvest__open_1',
    description: 'focals are resident and visited by two bots who harvest sustainably',
    substrate: 'commons_harvest__open',
    isFocal: focal(5, 2),
    bots: ['sustainable_harvester'],
  },
  {
    name: 'clean_up_0',
    description: 'visiting an altruistic population',
    substrate: 'clean_up',
    isFocal: focal(3, 4),
    bots: ['cleaner'], // MP: clean_up__cleaner_0 / _1
  },
  {
    name: 'clean_up_1',
    description: 'focals are resident and visitors ride free',
    substrate: 'clean_up',
    isFocal: focal(4, 3),
    bots: ['free_rider'], // MP: clean_up__consumer_0 / _1
  },
  {
    name: 'prisoners_dilemma_in_the_matrix__repeated_0',
    description: 'partner may play either cooperate or defect',
    substrate: 'prisoners_dilemma_in_the_matrix__repeated',
    isFocal: focal(1, 1),
    bots: ['cooperator', 'defector'], // MP: puppet_cooperator_margin_0 / _1, puppet_defector_margin_0 / _1 (margins 5, 7)
  },
  {
    name: 'prisoners_dilemma_in_the_matrix__arena_0',
    description: 'visiting unconditional cooperators',
    substrate: 'prisoners_dilemma_in_the_matrix__arena',
    isFocal: focal(1, 7),
    bots: ['cooperator'], // MP: puppet_cooperator_0 (margin 1), puppet_cooperator_margin_0 (margin 5)
  },
  {
    name: 'stag_hunt_in_the_matrix__repeated_0',
    description: 'partner may play either stag or hare',
    substrate: 'stag_hunt_in_the_matrix__repeated',
    isFocal: focal(1, 1),
    bots: ['cooperator', 'defector'], // MP: puppet_stag_margin_0 / _1, puppet_hare_margin_0 / _1
  },
  {
    name: 'chicken_in_the_matrix__repeated_0',
    description: 'partner may play either hawk or dove',
    substrate: 'chicken_in_the_matrix__repeated',
    isFocal: focal(1, 1),
    bots: ['cooperator', 'defector'], // MP: puppet_dove_margin_0 / _1, puppet_hawk_margin_0 / _1
  },
  {
    // Crucible only (the consent variant is not in Melting Pot).
    name: 'prisoners_dilemma_in_the_matrix__consent_0',
    description: 'partner may cooperate or defect, and accepts only requests from players seen cooperating',
    substrate: 'prisoners_dilemma_in_the_matrix__consent',
    isFocal: focal(1, 1),
    bots: ['cooperator__accept_known_cooperators', 'defector__accept_known_cooperators'],
  },
];

function validateScenario(s: ScenarioSpec): void {
  const problems: string[] = [];
  if (!substrateNames().includes(s.substrate)) problems.push(`substrate "${s.substrate}" is not registered`);
  else {
    const sub = getSubstrate(s.substrate);
    if (s.isFocal.length !== sub.population.players) {
      problems.push(`isFocal has ${s.isFocal.length} entries for ${sub.population.players} players`);
    }
    for (const b of s.bots) if (!sub.population.bots.includes(b)) problems.push(`bot "${b}" is not offered by ${s.substrate}`);
  }
  if (s.isFocal.some((f) => !f) && s.bots.length === 0) problems.push('background slots need at least one bot');
  if (problems.length > 0) throw new CrucibleError('INVALID_SCENARIO', `scenario "${s.name}" is invalid: ${problems.join('; ')}`, { problems });
}

const REGISTRY: ReadonlyMap<string, ScenarioSpec> = new Map(
  [...ALL].sort((a, b) => a.name.localeCompare(b.name)).map((s) => {
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
    throw new CrucibleError('UNKNOWN_SCENARIO', `unknown scenario "${name}"; known scenarios: ${scenarioNames().join(', ')}`, {
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
