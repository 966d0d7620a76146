/**
 * Validation of substrate data when it is registered: a broken file fails at load with every problem listed,
 * not halfway through an episode.
 */
import { CrucibleError } from '../ecs/errors.js';
import type { Prefab, SubstrateSpec } from './types.js';

const FIXED_PREFABS = new Set<string>([
  'floor', 'grass', 'sand', 'river', 'wall', 'apple', 'potentialApple', 'dirt', 'potentialDirt', 'resource:choice',
]);

export function isKnownPrefab(p: string): p is Prefab {
  return FIXED_PREFABS.has(p) || /^spawn:\w+$/.test(p) || /^resource:[1-9]\d*$/.test(p) || /^tile:\w+$/.test(p);
}

function probability(problems: string[], what: string, p: number): void {
  if (!(p >= 0 && p <= 1)) problems.push(`${what} must be a probability in [0, 1], got ${p}`);
}

function positiveInt(problems: string[], what: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) problems.push(`${what} must be an integer ≥ ${min}, got ${v}`);
}

/** Every problem with `s`, as readable sentences; empty when valid. */
export function substrateProblems(s: SubstrateSpec): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9_]*$/.test(s.name)) problems.push(`name "${s.name}" must be lower_snake_case`);
  if (s.map.length === 0) problems.push('map has no rows');
  const width = s.map[0]?.length ?? 0;
  s.map.forEach((row, y) => {
    if (row.length !== width) problems.push(`map row ${y} has ${row.length} columns, row 0 has ${width}: the map must be rectangular`);
    for (const ch of row) {
      if (!(ch in s.legend)) problems.push(`map row ${y} uses "${ch}", which is not in the legend`);
    }
  });
  for (const [ch, prefabs] of Object.entries(s.legend)) {
    if ([...ch].length !== 1) problems.push(`legend key "${ch}" must be one character`);
    for (const p of prefabs) if (!isKnownPrefab(p)) problems.push(`legend "${ch}" uses unknown prefab "${p}"`);
  }
  const used = new Set(s.map.join(''));
  const groups = new Map<string, number>();
  for (const ch of used) {
    for (const p of s.legend[ch] ?? []) {
      if (p.startsWith('spawn:')) {
        const g = p.slice(6);
        let n = 0;
        for (const row of s.map) for (const c of row) if (c === ch) n++;
        groups.set(g, (groups.get(g) ?? 0) + n);
      }
    }
  }
  const pop = s.population;
  positiveInt(problems, 'population.players', pop.players);
  if (!groups.has(pop.spawnGroup)) problems.push(`spawn group "${pop.spawnGroup}" has no spawn point on the map`);
  else if ((groups.get(pop.spawnGroup) ?? 0) < pop.players) {
    problems.push(`spawn group "${pop.spawnGroup}" has ${groups.get(pop.spawnGroup)} points for ${pop.players} players`);
  }
  if (pop.firstSpawn) {
    if (!groups.has(pop.firstSpawn.group)) problems.push(`first-spawn group "${pop.firstSpawn.group}" has no spawn point on the map`);
    for (const slot of pop.firstSpawn.slots) {
      if (!Number.isInteger(slot) || slot < 0 || slot >= pop.players) problems.push(`first-spawn slot ${slot} is not a player slot`);
    }
  }
  if (s.actions.length === 0) problems.push('the action table is empty');
  const names = new Set<string>();
  s.actions.forEach((a, i) => {
    if (names.has(a.name)) problems.push(`action ${i} repeats the name ${a.name}`);
    names.add(a.name);
    if (![0, 1, 2, 3, 4].includes(a.move)) problems.push(`action ${a.name}: move must be 0..4`);
    if (![-1, 0, 1].includes(a.turn)) problems.push(`action ${a.name}: turn must be -1, 0 or 1`);
    if (a.fire === 'zap' && !s.zapper) problems.push(`action ${a.name} fires a zap but the substrate has no zapper`);
  });
  if (s.actions[0] && (s.actions[0].move !== 0 || s.actions[0].turn !== 0 || s.actions[0].fire)) {
    problems.push('action 0 must be NOOP: a missing action is replaced by action 0');
  }
  const e = s.episode;
  positiveInt(problems, 'episode.maxSteps', e.maxSteps);
  positiveInt(problems, 'episode.minimumSteps', e.minimumSteps, 0);
  positiveInt(problems, 'episode.interval', e.interval);
  probability(problems, 'episode.probability', e.probability);
  const v = s.observation.view;
  for (const k of ['left', 'right', 'forward', 'backward'] as const) positiveInt(problems, `observation.view.${k}`, v[k], 0);
  positiveInt(problems, 'observation.spriteSize', s.observation.spriteSize);
  if (s.observation.playerColors.length === 0) problems.push('observation.playerColors is empty');
  if (s.zapper) {
    positiveInt(problems, 'zapper.cooldown', s.zapper.cooldown, 0);
    positiveInt(problems, 'zapper.length', s.zapper.length);
    positiveInt(problems, 'zapper.radius', s.zapper.radius, 0);
    positiveInt(problems, 'zapper.framesTillRespawn', s.zapper.framesTillRespawn);
  }
  if (s.regrowth) {
    if (!(s.regrowth.radius >= 0)) problems.push('regrowth.radius must be ≥ 0');
    if (s.regrowth.probabilities.length === 0) problems.push('regrowth.probabilities is empty');
    s.regrowth.probabilities.forEach((p, i) => probability(problems, `regrowth.probabilities[${i}]`, p));
  }
  return problems;
}

export function validateSubstrate(s: SubstrateSpec): void {
  const problems = substrateProblems(s);
  if (problems.length > 0) {
    throw new CrucibleError('INVALID_SUBSTRATE', `substrate "${s.name}" is invalid:\n- ${problems.join('\n- ')}`, { problems });
  }
}
