/**
 * Run inside a network namespace by test/cluster.test.ts: through the front at argv[2] (http://host:port), create
 * rooms until one is held by the process named argv[3], play it as an agent over the front's WebSocket, and print
 * one JSON line: the room, the process holding it, and the ticks seen.
 */
import { connect } from '../../client/agent.js';

const [front, node] = [process.argv[2]!, process.argv[3]!];
const cluster = (await (await fetch(`${front}/api/cluster`)).json()) as { processes: { processId: string; node: string }[] };
const target = cluster.processes.find((p) => p.node === node);
if (!target) throw new Error(`no process named ${node} in ${JSON.stringify(cluster)}`);
for (let i = 0; i < 4; i++) {
  const a = await connect(front.replace(/^http/, 'ws'), 'commons_harvest__open', { method: 'create', tickRate: 20 });
  const rooms = (await (await fetch(`${front}/api/rooms`)).json()) as { roomId: string; processId: string }[];
  const holder = rooms.find((r) => r.roomId === a.room.roomId)?.processId;
  if (holder !== target.processId) {
    // Kept, so that the next room goes to the process with fewer rooms once the counts are published (1 s).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    continue;
  }
  const first = await a.nextObservation();
  a.act(1);
  const later = await a.nextObservation((o) => o.tick >= first.tick + 3);
  console.log(JSON.stringify({ roomId: a.room.roomId, processId: holder, node, ticks: [first.tick, later.tick], processes: cluster.processes.length }));
  await a.leave();
  process.exit(0);
}
throw new Error(`no room landed on ${node} in 4 creates`);
