/**
 * A complete agent, as the README describes it: joins a Commons Harvest room, answers every observation with an
 * action, and prints what it sees. Run it against `npm start`:
 *
 *   npx tsx client/exampleAgent.ts [ws://localhost:2567] [substrate] [seconds]
 */
import { connect } from './agent.js';

const url = process.argv[2] ?? 'ws://localhost:2567';
const substrate = process.argv[3] ?? 'commons_harvest__open';
const seconds = Number(process.argv[4] ?? 10);

const agent = await connect(url, substrate, { obs: 'symbolic', policy: 'example-agent' });
const { slot, actions, agent: id } = await agent.welcome;
console.log(`joined ${substrate} as ${id} (slot ${slot}); actions: ${actions.join(', ')}`);
let observations = 0;
let totalReward = 0;
agent.onObservation((obs) => {
  observations++;
  totalReward += obs.reward;
  // A simple policy: mostly walk forward, sometimes turn; FIRE_ZAP never.
  const r = (obs.tick * 2654435761) >>> 28;
  agent.act(r < 10 ? actions.indexOf('FORWARD') : r < 13 ? actions.indexOf('TURN_LEFT') : actions.indexOf('TURN_RIGHT'));
  if (obs.tick % 20 === 0) console.log(`tick ${obs.tick}: reward ${obs.reward}, return so far ${totalReward}, ready to shoot ${obs.readyToShoot}`);
});
agent.onEpisode((summary) => console.log('episode over:', JSON.stringify(summary.returns)));
agent.onError((e) => console.warn(`server refused an input: ${e.code}: ${e.message}`));
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
console.log(`${observations} observations, return ${totalReward}`);
await agent.leave();
process.exit(0);
