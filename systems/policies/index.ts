/**
 * The bot registry: background policies run in-process, by name. Every bot draws its randomness from the world's
 * generator, so a seed replays bots too.
 */
import { CrucibleError } from '../../ecs/errors.js';
import type { Bot, Sim } from '../sim.js';
import { sustainableHarvester, unsustainableHarvester } from './harvesters.js';

export type BotFactory = (sim: Sim) => Bot;

function randomBot(sim: Sim): Bot {
  const n = sim.spec.actions.length;
  return { name: 'random', act: (s: Sim) => s.world.rng.int(n) };
}

function noopBot(): Bot {
  return { name: 'noop', act: () => 0 };
}

const BOTS: Readonly<Record<string, BotFactory>> = {
  noop: noopBot,
  random: randomBot,
  sustainable_harvester: sustainableHarvester,
  unsustainable_harvester: unsustainableHarvester,
};

export function botNames(): string[] {
  return Object.keys(BOTS).sort();
}

export function createBot(name: string, sim: Sim): Bot {
  const f = BOTS[name];
  if (!f) throw new CrucibleError('UNKNOWN_BOT', `unknown bot "${name}"; known bots: ${botNames().join(', ')}`, { value: name, allowed: botNames() });
  return f(sim);
}
