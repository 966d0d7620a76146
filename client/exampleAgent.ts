/**
 * A complete agent, as the README describes it: joins a room, answers every observation with an action, prints what
 * it sees, and by default plays one short episode to its end so you see the episode summary. Run it against
 * `npm start`:
 *
 *   npx tsx client/exampleAgent.ts [url] [substrate] [seconds] [--scenario=NAME] [--obs=symbolic|rgb|none]
 *                                  [--max-steps=N] [--episodes=N]
 *
 * Defaults: ws://localhost:2567, commons_harvest__open, 30 s, no scenario (every slot focal), symbolic
 * observations, episodes of 200 steps (10 s at the default 20 Hz), stop after 1 episode. It joins a running room
 * with the same settings or creates one. With CRUCIBLE_TOKEN set in its environment it presents that token.
 */
import { connect, type ConnectOptions } from './agent.js';
import { OBS_MODES, type ObsMode } from './protocol.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = new Map(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const eq = a.indexOf('=');
      return eq < 0 ? [a.slice(2), 'true'] : [a.slice(2, eq), a.slice(eq + 1)];
    }),
);

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

const url = positional[0] ?? 'ws://localhost:2567';
const substrate = positional[1] ?? 'commons_harvest__open';
const seconds = positiveInteger('seconds', positional[2], 30);
const scenario = flags.get('scenario');
const obs = (flags.get('obs') ?? 'symbolic') as ObsMode;
if (!OBS_MODES.includes(obs)) {
  console.error(`--obs must be one of ${OBS_MODES.join(', ')}, got ${JSON.stringify(obs)}`);
  process.exit(2);
}
const maxSteps = positiveInteger('--max-steps', flags.get('max-steps'), 200);
const episodes = positiveInteger('--episodes', flags.get('episodes'), 1);

const options: ConnectOptions = { obs, policy: 'example-agent', maxSteps };
if (scenario !== undefined) options.scenario = scenario;
if (process.env.CRUCIBLE_TOKEN) options.token = process.env.CRUCIBLE_TOKEN;
const agent = await connect(url, substrate, options);
const { slot, actions, agent: id } = await agent.welcome;
console.log(`joined ${substrate}${scenario ? ` (${scenario})` : ''} as ${id} (slot ${slot}), ${obs} observations; actions: ${actions.join(', ')}`);
let observations = 0;
let totalReward = 0;
let ended = 0;
let finish: () => void = () => {};
const finished = new Promise<void>((resolve) => (finish = resolve));
agent.onObservation((o) => {
  observations++;
  totalReward += o.reward;
  // A simple policy: mostly walk forward, sometimes turn; FIRE_ZAP never.
  const r = (o.tick * 2654435761) >>> 28;
  agent.act(r < 10 ? actions.indexOf('FORWARD') : r < 13 ? actions.indexOf('TURN_LEFT') : actions.indexOf('TURN_RIGHT'));
  if (o.tick % 20 === 0) console.log(`tick ${o.tick}: reward ${o.reward}, return so far ${totalReward}, ready to shoot ${o.readyToShoot}`);
});
agent.onEpisode((summary) => {
  console.log(`episode ${summary.episode} over after ${summary.steps} steps: collective return (mean per player) ${summary.collective_return}`);
  console.log(`  returns: ${JSON.stringify(summary.returns)}`);
  if (++ended >= episodes) finish();
});
agent.onError((e) => console.warn(`server refused an input: ${e.code}: ${e.message}`));
const timer = setTimeout(finish, seconds * 1000);
await finished;
clearTimeout(timer);
console.log(`${observations} observations, ${ended} episode(s) ended, return ${totalReward}`);
await agent.leave();
process.exit(0);
