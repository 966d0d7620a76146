/**
 * The bot registry: background policies run in-process, by name. Every bot draws its randomness from the world's
 * generator, so a seed replays bots too.
 */
import { CrucibleError } from '../../ecs/errors.js';
import type { Bot, Sim } from '../sim.js';
import { cleanerBot, freeRiderBot } from './cleanUp.js';
import { COINS_BOT_FACTORIES } from './coins.js';
import { sustainableHarvester, unsustainableHarvester } from './harvesters.js';
import { MATRIX_BOT_FACTORIES } from './matrix.js';
import { findBotSpec, scenarioBotNames } from '../../substrates/scenarios.js';
import { createScriptedBot } from './scriptedBots.js';

export type BotFactory = (sim: Sim) => Bot;

function randomBot(sim: Sim): Bot {
  const n = sim.spec.actions.length;
  return { name: 'random', act: (s: Sim) => s.world.rng.int(n) };
}

function noopBot(): Bot {
  return { name: 'noop', act: () => 0 };
}

const BOTS: Readonly<Record<string, BotFactory>> = {
  cleaner: cleanerBot,
  free_rider: freeRiderBot,
  noop: noopBot,
  random: randomBot,
  sustainable_harvester: sustainableHarvester,
  unsustainable_harvester: unsustainableHarvester,
  // The matrix games: cooperator, defector, tit_for_tat, grim_trigger, each also with `__accept_known_cooperators`
  // and `__never_accept` (consent policies).
  ...MATRIX_BOT_FACTORIES,
  // Coins: coins_cooperator, coins_defector, coins_reciprocator.
  ...COINS_BOT_FACTORIES,
};

/** Crucible's own bots and the stand-ins for Melting Pot's bots (by their Melting Pot names), sorted. */
export function botNames(): string[] {
  return [...Object.keys(BOTS), ...scenarioBotNames()].sort();
}

/** Is `name` a scripted stand-in for one of Melting Pot's bots (rather than one of Crucible's own bots)? */
export function isStandIn(name: string): boolean {
  return findBotSpec(name) !== undefined;
}

export function createBot(name: string, sim: Sim): Bot {
  const spec = findBotSpec(name);
  if (spec) return createScriptedBot(spec, sim);
  const f = BOTS[name];
  if (!f) throw new CrucibleError('UNKNOWN_BOT', `unknown bot "${name}"; known bots: ${botNames().join(', ')}`, { value: name, allowed: botNames() });
  return f(sim);
}
