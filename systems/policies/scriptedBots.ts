/**
 * Scripted stand-ins for Melting Pot's background bots. Each bot of a Melting Pot scenario keeps its Melting Pot
 * name and is played by the scripted policy its data names (`BotSpec.policy`, substrates/scenarios_*.ts):
 * harvesters for Commons Harvest, goal-driven bots for Clean Up, puppeteer-driven collectors for the Matrix games.
 * They are not Melting Pot's trained networks; results mark them as scripted stand-ins.
 */
import type { BotSpec } from '../../substrates/types.js';
import type { Bot, Sim } from '../sim.js';
import { cleanUpBot, cleanUpGoalChooser } from './cleanUp.js';
import { coinsPolicyBot, isCoinsPolicy } from './coins.js';
import { harvesterBot } from './harvesters.js';
import { isMatrixPolicy, matrixBot } from './matrix.js';
import { berryPlanterBot, conventionFollowerBot, isAllelopathicPolicy } from './allelopathicHarvest.js';
import { isTerritoryPolicy, territoryBot } from './territory.js';

export function createScriptedBot(spec: BotSpec, sim: Sim): Bot {
  const p = spec.policy;
  if (p.kind === 'harvester') return harvesterBot(sim, spec.name, p);
  if (isAllelopathicPolicy(p)) return p.kind === 'berry_planter' ? berryPlanterBot(sim, spec.name, p) : conventionFollowerBot(sim, spec.name, p);
  if (isCoinsPolicy(p)) return coinsPolicyBot(sim, spec.name, p);
  if (isTerritoryPolicy(p)) return territoryBot(sim, spec.name, p);
  if (isMatrixPolicy(p)) return matrixBot(sim, { strategy: 'cooperator', consent: 'always_accept', policy: { name: spec.name, policy: p } });
  const choose = cleanUpGoalChooser(p);
  if (!choose) throw new Error(`bot ${spec.name} has a policy kind no scripted bot plays: ${p.kind}`);
  return cleanUpBot(sim, spec.name, choose);
}
