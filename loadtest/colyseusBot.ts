/**
 * A Crucible agent for the official `@colyseus/loadtest` tool (its `cli(main)` form): each client joins as a focal
 * agent through client/agent.ts and answers every observation with a random action.
 *
 *   script -qc "npx tsx loadtest/colyseusBot.ts --endpoint ws://127.0.0.1:2567 --room commons_harvest__open \
 *     --numClients 20 --scale 2 --tickRate 20 --output /tmp/colyseus-loadtest.log" /dev/null
 *
 * The tool draws a terminal UI (blessed), so it needs a TTY: `script` provides one. It counts connections,
 * failures and errors, and bytes — nothing about latency or the server's tick: `npm run -s loadtest` measures those.
 * It quits on q / Ctrl-C; with --output it then writes its summary to that file.
 *
 * Options of our own, read from the same command line (the tool ignores them): --obs symbolic|rgb|none (default
 * symbolic), and the create options of a room `joinOrCreate` makes: --scale K (default 1; the map tiled K×K holds
 * 7·K² agents of Commons Harvest), --tickRate HZ (default 20), --fillFocal noop|bots (default noop). With --roomId
 * the clients join that room instead.
 */
import { parseArgs } from 'node:util';
import { cli, type Options } from '@colyseus/loadtest';
import { connect, type ConnectOptions } from '../client/agent.js';
import { OBS_MODES, type ObsMode } from '../client/protocol.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: { obs: { type: 'string' }, scale: { type: 'string' }, tickRate: { type: 'string' }, fillFocal: { type: 'string' } },
});

function numberOption(name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  return v;
}

const obs = (values.obs ?? 'symbolic') as ObsMode;
if (!OBS_MODES.includes(obs)) throw new Error(`--obs must be one of ${OBS_MODES.join(', ')}, got ${JSON.stringify(values.obs)}`);
const fillFocal = values.fillFocal === 'bots' ? 'bots' : 'noop';

async function main(options: Options): Promise<void> {
  const joinOptions: ConnectOptions = { obs, state: false, policy: `colyseus-loadtest-${options.clientId}` };
  // connect() goes through the SDK's Client.joinOrCreate / joinById, which @colyseus/loadtest counts.
  const agent = options.roomId
    ? await connect(options.endpoint, options.roomName ?? '', { ...joinOptions, roomId: options.roomId })
    : await connect(options.endpoint, options.roomName, {
        ...joinOptions,
        scale: numberOption('scale', 1),
        tickRate: numberOption('tickRate', 20),
        fillFocal,
      });
  const { actions } = await agent.welcome;
  agent.onObservation(() => {
    agent.act(Math.floor(Math.random() * actions.length));
  });
  agent.onError((e) => console.error(`client ${options.clientId}: ${e.code} ${e.message}`));
}

cli(main);
