/**
 * Melting Pot's scenarios and background bots for `coins`, as data: names, descriptions, tags, focal split and bot
 * pools from `meltingpot/configs/scenarios/__init__.py`, each bot's configuration from
 * `meltingpot/configs/bots/__init__.py` (the `source` of each entry gives the line). 7 scenarios, 6 bots.
 *
 * Melting Pot's Coins bots are puppets of one goal-conditioned network (`coins/puppet_1`) whose goal is COOPERATE
 * (collect one's own colour), DEFECT (collect every coin) or SPITE (collect the partner's colour), chosen by a fixed
 * goal or by a reciprocating puppeteer. Crucible plays each with the scripted policy in `policy`
 * (systems/policies/coins.ts). In every scenario the focal player is player 0 and the bot player 1.
 */
import type { BotSpec, ScenarioSpec } from './types.js';
import { focal } from './shared.js';

function reciprocator(name: string, line: number, recencyWindow: number, threshold: number, framesToPunish: number, spitefulPunishmentWindow: number): BotSpec {
  return {
    name,
    substrate: 'coins',
    model: 'coins/puppet_1',
    puppeteer: 'coins.Reciprocator',
    source: `meltingpot/configs/bots/__init__.py:${line}`,
    policy: { kind: 'coins_reciprocator', recencyWindow, threshold, framesToPunish, spitefulPunishmentWindow },
  };
}

export const BOTS: readonly BotSpec[] = [
  {
    name: 'coins__puppet_cooperator_0',
    substrate: 'coins',
    model: 'coins/puppet_1',
    puppeteer: 'fixed_goal.FixedGoal',
    source: 'meltingpot/configs/bots/__init__.py:1250',
    policy: { kind: 'coins_fixed', goal: 'COOPERATE' },
  },
  {
    name: 'coins__puppet_defector_0',
    substrate: 'coins',
    model: 'coins/puppet_1',
    puppeteer: 'fixed_goal.FixedGoal',
    source: 'meltingpot/configs/bots/__init__.py:1258',
    policy: { kind: 'coins_fixed', goal: 'DEFECT' },
  },
  reciprocator('coins__puppet_one_strike_reciprocator_0', 1266, 100, 1, 100, 0),
  reciprocator('coins__puppet_one_strike_strong_reciprocator_0', 1281, 100, 1, 100, 50),
  reciprocator('coins__puppet_three_strikes_reciprocator_0', 1296, 150, 3, 150, 0),
  reciprocator('coins__puppet_three_strikes_strong_reciprocator_0', 1311, 150, 3, 150, 75),
];

function scenario(n: number, line: number, description: string, tags: string[], bots: string[]): ScenarioSpec {
  return {
    name: `coins_${n}`,
    description,
    substrate: 'coins',
    tags,
    isFocal: focal(1, 1),
    bots,
    source: `meltingpot/configs/scenarios/__init__.py:${line}`,
  };
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  scenario(0, 1504, 'partner is either a pure cooperator or a pure defector', ['flexibility'], ['coins__puppet_cooperator_0', 'coins__puppet_defector_0']),
  scenario(1, 1517, 'partner is a high-threshold (generous) reciprocator', ['reciprocity'], ['coins__puppet_three_strikes_reciprocator_0']),
  scenario(2, 1529, 'partner is a low-threshold (harsh) reciprocator', ['reciprocity'], ['coins__puppet_one_strike_reciprocator_0']),
  scenario(3, 1541, 'partner is a high-threshold (generous) strong reciprocator', ['reciprocity'], ['coins__puppet_three_strikes_strong_reciprocator_0']),
  scenario(4, 1554, 'partner is a low-threshold (harsh) strong reciprocator', ['reciprocity'], ['coins__puppet_one_strike_strong_reciprocator_0']),
  scenario(5, 1566, 'partner is a cooperator', ['exploitation', 'partner_cooperates_unconditionally'], ['coins__puppet_cooperator_0']),
  scenario(6, 1579, 'partner is a defector', ['acceptance', 'partner_defects_unconditionally'], ['coins__puppet_defector_0']),
];
