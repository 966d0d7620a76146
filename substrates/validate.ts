/**
 * Validation of substrate data when it is registered: a broken file fails at load with every problem listed,
 * not halfway through an episode.
 */
import { CrucibleError } from '../ecs/errors.js';
import { VECTOR_OBSERVATIONS } from '../systems/vectorObservations.js';
import type { Prefab, SubstrateSpec } from './types.js';

const FIXED_PREFABS = new Set<string>([
  'floor', 'grass', 'sand', 'river', 'soil', 'wall', 'apple', 'potentialApple', 'dirt', 'potentialDirt', 'resource:choice', 'coin',
]);

/** Observation names the renderer, the binary header and systems/vectorObservations.ts produce. */
const KNOWN_OBSERVATIONS = new Set<string>(['RGB', 'READY_TO_SHOOT', 'COLLECTIVE_REWARD', ...VECTOR_OBSERVATIONS]);

export function isKnownPrefab(p: string): p is Prefab {
  return FIXED_PREFABS.has(p) || /^spawn:\w+$/.test(p) || /^resource:[1-9]\d*$/.test(p) || /^tile:\w+$/.test(p) || /^berry:[1-9]\d*$/.test(p) ||
    p === 'claimable' || /^claimable@\d+\/[1-9]\d*$/.test(p) || /^spawn@\d+\/[1-9]\d*:\w+$/.test(p);
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
    if (a.fire === 'zap' && !s.zapper && !s.territory) problems.push(`action ${a.name} fires a zap but the substrate has no zapper`);
    if (a.fire === 'claim' && !s.territory) problems.push(`action ${a.name} fires a claiming beam but the substrate has no territory`);
    if (a.fire === 'clean' && !s.cleaner) problems.push(`action ${a.name} fires a cleaning beam but the substrate has no cleaner`);
    if (a.fire === 'interact' && !s.matrix) problems.push(`action ${a.name} fires an interaction beam but the substrate has no matrix`);
    const color = a.fire?.startsWith('color:') ? Number(a.fire.slice(6)) : 0;
    if (color > 0 && !(color <= (s.allelopathicHarvest?.colors.length ?? 0))) {
      problems.push(`action ${a.name} fires a planting beam of colour ${color}, which the substrate's allelopathicHarvest block lacks`);
    }
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
  for (const name of s.observation.names) {
    if (!KNOWN_OBSERVATIONS.has(name)) problems.push(`observation "${name}" is not one Crucible produces (${[...KNOWN_OBSERVATIONS].join(', ')})`);
  }
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
  if (s.cleaner) {
    positiveInt(problems, 'cleaner.cooldown', s.cleaner.cooldown, 0);
    positiveInt(problems, 'cleaner.length', s.cleaner.length);
    positiveInt(problems, 'cleaner.radius', s.cleaner.radius, 0);
  }
  if (s.dirt) {
    probability(problems, 'dirt.spawnProbability', s.dirt.spawnProbability);
    positiveInt(problems, 'dirt.delayStart', s.dirt.delayStart, 0);
  }
  if (s.appleGrowth) {
    const g = s.appleGrowth;
    probability(problems, 'appleGrowth.maxRate', g.maxRate);
    probability(problems, 'appleGrowth.thresholdDepletion', g.thresholdDepletion);
    probability(problems, 'appleGrowth.thresholdRestoration', g.thresholdRestoration);
    if (!(g.thresholdRestoration < g.thresholdDepletion)) {
      problems.push(`appleGrowth.thresholdRestoration (${g.thresholdRestoration}) must be below thresholdDepletion (${g.thresholdDepletion})`);
    }
    if (s.regrowth) problems.push('appleGrowth and regrowth are two apple regrowth rules: give at most one');
    const dirtChars = Object.entries(s.legend).filter(([, ps]) => ps.includes('dirt') || ps.includes('potentialDirt')).map(([ch]) => ch);
    if (!dirtChars.some((ch) => used.has(ch))) problems.push('appleGrowth needs at least one dirt or potentialDirt cell on the map (its rate is a dirt fraction)');
  }
  if (s.allelopathicHarvest) allelopathicProblems(problems, s, used);
  else if (Object.values(s.legend).some((ps) => ps.some((p) => p.startsWith('berry:')))) {
    problems.push('the legend places berries but the substrate has no allelopathicHarvest block');
  }
  if (s.coins) coinsProblems(problems, s);
  else if (Object.values(s.legend).some((ps) => ps.includes('coin'))) problems.push('the legend places coins but the substrate has no coins block');
  if (s.territory) {
    if (s.zapper) problems.push('zapper and territory both zap: give at most one (territory has its own zap)');
    const t = s.territory;
    positiveInt(problems, 'territory.resource.initialHealth', t.resource.initialHealth);
    probability(problems, 'territory.resource.rewardRate', t.resource.rewardRate);
    probability(problems, 'territory.resource.selfRepairProbability', t.resource.selfRepairProbability);
    for (const k of ['rewardDelay', 'delayTillSelfRepair', 'releaseDelay'] as const) positiveInt(problems, `territory.resource.${k}`, t.resource[k], 0);
    for (const b of ['claim', 'zap'] as const) {
      positiveInt(problems, `territory.${b}.cooldown`, t[b].cooldown, 0);
      positiveInt(problems, `territory.${b}.length`, t[b].length);
      positiveInt(problems, `territory.${b}.radius`, t[b].radius, 0);
    }
    positiveInt(problems, 'territory.sanctions.freezeTicks', t.sanctions.freezeTicks, 0);
    positiveInt(problems, 'territory.sanctions.recoveryTicks', t.sanctions.recoveryTicks);
    positiveInt(problems, 'territory.sanctions.removalDelay', t.sanctions.removalDelay);
  } else if (Object.values(s.legend).some((ps) => ps.some((p) => p.startsWith('claimable') || p.startsWith('spawn@')))) {
    problems.push('the legend places claimable walls but the substrate has no territory');
  }
  if (s.matrix) matrixProblems(problems, s, used);
  else if (Object.values(s.legend).some((ps) => ps.some((p) => p.startsWith('resource:')))) {
    problems.push('the legend places resources but the substrate has no matrix');
  }
  return problems;
}

/**
 * Resource classes the renderer has sprites for (systems/sprites.ts `RESOURCE_SPRITES`): K ≤ 3, the most any Melting
 * Pot matrix game has (Running with Scissors, the coordination games).
 */
export const MAX_RESOURCE_CLASSES = 3;

/** The matrix block: K classes, K × K matrices, K initial counts, rates in [0, 1], resource:k within 1..K. */
function matrixProblems(problems: string[], s: SubstrateSpec, used: ReadonlySet<string>): void {
  const m = s.matrix;
  if (!m) return;
  const k = m.resources.length;
  if (k < 1 || k > MAX_RESOURCE_CLASSES) problems.push(`matrix.resources has ${k} classes; 1 to ${MAX_RESOURCE_CLASSES} are supported`);
  for (const [name, matrix] of [['rowMatrix', m.rowMatrix], ['columnMatrix', m.columnMatrix]] as const) {
    if (matrix.length !== k || matrix.some((row) => row.length !== k)) {
      problems.push(`matrix.${name} must be ${k} × ${k} (one row and column per resource class), got ${matrix.map((r) => r.length).join('/')}`);
    }
    matrix.forEach((row, i) => row.forEach((v, j) => {
      if (!Number.isFinite(v)) problems.push(`matrix.${name}[${i}][${j}] must be a finite number, got ${v}`);
    }));
  }
  if (m.initialInventory.length !== k) problems.push(`matrix.initialInventory has ${m.initialInventory.length} entries for ${k} classes`);
  m.initialInventory.forEach((v, i) => positiveInt(problems, `matrix.initialInventory[${i}]`, v, 0));
  m.resources.forEach((r, i) => {
    for (const [field, rgb] of [['color', r.color], ['highlight', r.highlight]] as const) {
      if (rgb.length !== 3 || rgb.some((ch) => !Number.isInteger(ch) || ch < 0 || ch > 255)) {
        problems.push(`matrix.resources[${i}].${field} must be three integers 0..255`);
      }
    }
  });
  for (const role of ['cooperate', 'defect'] as const) {
    if (m.resources.filter((r) => r.role === role).length > 1) problems.push(`matrix.resources: at most one class may have role "${role}"`);
  }
  positiveInt(problems, 'matrix.regeneration.delay', m.regeneration.delay, 0);
  probability(problems, 'matrix.regeneration.rate', m.regeneration.rate);
  positiveInt(problems, 'matrix.resourceHealth', m.resourceHealth, 0);
  const b = m.interaction;
  positiveInt(problems, 'matrix.interaction.cooldown', b.cooldown, 0);
  positiveInt(problems, 'matrix.interaction.length', b.length);
  positiveInt(problems, 'matrix.interaction.radius', b.radius, 0);
  positiveInt(problems, 'matrix.interaction.freezeTicks', b.freezeTicks, 0);
  positiveInt(problems, 'matrix.interaction.framesTillRespawn', b.framesTillRespawn, 0);
  if (m.consent) positiveInt(problems, 'matrix.consent.windowTicks', m.consent.windowTicks);
  if (m.rowPlayers && m.rowPlayers.length === 0) problems.push('matrix.rowPlayers must name the role of at least one slot');
  if (m.rowPlayers && m.consent) problems.push('matrix.rowPlayers (dyadic roles) and matrix.consent are not combined');
  if (!s.actions.some((a) => a.fire === 'interact')) problems.push('a matrix substrate needs an action that fires the interaction beam');
  if (s.zapper) problems.push('zapper and matrix both use the one beam cooldown timer: give at most one');
  for (const ch of used) {
    for (const p of s.legend[ch] ?? []) {
      const cls = /^resource:(\d+)$/.exec(p);
      if (cls && Number(cls[1]) > k) problems.push(`legend "${ch}" places resource class ${cls[1]}, but the matrix has ${k} classes`);
    }
  }
}

/** Berry colours Melting Pot's art is drawn for (`NUM_BERRY_TYPES`), and the planting beams' overlay kinds. */
export const MAX_BERRY_COLORS = 3;

/** The allelopathicHarvest block: 1–3 colours, populations preferring one of them, rates and sanction levels. */
function allelopathicProblems(problems: string[], s: SubstrateSpec, used: ReadonlySet<string>): void {
  const a = s.allelopathicHarvest;
  if (!a) return;
  const k = a.colors.length;
  if (k < 1 || k > MAX_BERRY_COLORS) problems.push(`allelopathicHarvest.colors has ${k} colours; 1 to ${MAX_BERRY_COLORS} are supported`);
  if (a.populations.length < 1 || a.populations.length > s.population.players) {
    problems.push(`allelopathicHarvest.populations has ${a.populations.length} groups for ${s.population.players} players`);
  }
  a.populations.forEach((p, i) => {
    if (!Number.isInteger(p.mostTasty) || p.mostTasty < 1 || p.mostTasty > k) problems.push(`allelopathicHarvest.populations[${i}].mostTasty must be a colour 1..${k}`);
  });
  positiveInt(problems, 'allelopathicHarvest.regrowth.minimumTimeToRipen', a.regrowth.minimumTimeToRipen, 0);
  if (!(a.regrowth.baseRate >= 0) || !(a.regrowth.cubicRate >= 0)) problems.push('allelopathicHarvest.regrowth rates must be ≥ 0');
  positiveInt(problems, 'allelopathicHarvest.plantingBeam.cooldown', a.plantingBeam.cooldown, 0);
  positiveInt(problems, 'allelopathicHarvest.plantingBeam.length', a.plantingBeam.length);
  positiveInt(problems, 'allelopathicHarvest.plantingBeam.radius', a.plantingBeam.radius, 0);
  positiveInt(problems, 'allelopathicHarvest.crypticConsumptionThreshold', a.crypticConsumptionThreshold);
  positiveInt(problems, 'allelopathicHarvest.sanctions.recoveryTime', a.sanctions.recoveryTime);
  const levels = a.sanctions.levels.length;
  if (levels < 1) problems.push('allelopathicHarvest.sanctions.levels is empty');
  a.sanctions.levels.forEach((l, i) => {
    const next = i + 1 + l.levelIncrement;
    if (!Number.isInteger(next) || next < 1 || next > levels) problems.push(`allelopathicHarvest.sanctions.levels[${i}] leads to level ${next}, outside 1..${levels}`);
    positiveInt(problems, `allelopathicHarvest.sanctions.levels[${i}].freeze`, l.freeze, 0);
  });
  if (!s.zapper) problems.push('allelopathicHarvest needs a zapper (its hits are the sanctions)');
  else if (s.zapper.removeHitPlayer) problems.push('allelopathicHarvest removes players by its sanctions: zapper.removeHitPlayer must be false');
  for (const ch of used) {
    for (const p of s.legend[ch] ?? []) {
      const m = /^berry:(\d+)$/.exec(p);
      if (m && Number(m[1]) > k) problems.push(`legend "${ch}" places berry colour ${m[1]}, but allelopathicHarvest has ${k} colours`);
    }
  }
}

/** Colours the renderer has coin sprites for (systems/sprites.ts `Coin1` … `Coin5`). */
export const MAX_COIN_COLOURS = 5;

/** The coins block: 2 to 5 colours of three bytes, a regrowth probability, finite rewards. */
function coinsProblems(problems: string[], s: SubstrateSpec): void {
  const k = s.coins;
  if (!k) return;
  if (k.colours.length < 2 || k.colours.length > MAX_COIN_COLOURS) problems.push(`coins.colours has ${k.colours.length} colours; 2 to ${MAX_COIN_COLOURS} are supported (two are drawn each episode)`);
  k.colours.forEach((c, i) => {
    if (c.color.length !== 3 || c.color.some((ch) => !Number.isInteger(ch) || ch < 0 || ch > 255)) problems.push(`coins.colours[${i}].color must be three integers 0..255`);
  });
  probability(problems, 'coins.regrowProbability', k.regrowProbability);
  for (const [name, v] of Object.entries(k.rewards)) if (!Number.isFinite(v)) problems.push(`coins.rewards.${name} must be a finite number, got ${v}`);
}

export function validateSubstrate(s: SubstrateSpec): void {
  const problems = substrateProblems(s);
  if (problems.length > 0) {
    throw new CrucibleError('INVALID_SUBSTRATE', `substrate "${s.name}" is invalid:\n- ${problems.join('\n- ')}`, { problems });
  }
}
