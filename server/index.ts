/**
 * Entry point: `npm start` (PORT, default 2567; HOST, default 127.0.0.1 — this machine only; HOST=0.0.0.0 serves
 * every interface). It prints the address actually bound.
 *
 * Environment (README, section "Security", has them all): CRUCIBLE_RESULTS (results file, default
 * results/episodes.jsonl), CRUCIBLE_TOKEN (agents and room creators must present it), CRUCIBLE_ADMIN_TOKEN (turns
 * the monitor on, for whoever presents it), CRUCIBLE_CORS_ORIGINS, and the budgets (CRUCIBLE_MAX_ROOMS, …).
 * SIGTERM / SIGINT shut down gracefully: rooms stop ticking, flush their results, close their clients, then the
 * process exits. A port that cannot be bound, or a malformed setting, exits with status 1 and says why.
 * REDIS_URL joins a cluster (README "Cluster"; `npm run cluster` starts several processes behind one URL).
 */
import { adminTokenOf, boundHost, clusterMembership, createServer, listen, publicAddressOf, serverSettings } from './app.js';
import { perProcessFile } from './results.js';

function fail(message: string): never {
  console.error(`crucible: ${message}`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 2567);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be an integer from 0 to 65535, got ${process.env.PORT}`);
const host = process.env.HOST || '127.0.0.1';
let settings: ReturnType<typeof serverSettings>;
let server: ReturnType<typeof createServer>;
try {
  settings = serverSettings();
  server = createServer();
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
let bound: number;
try {
  bound = await listen(server, port, host);
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`port ${port} on ${host} is already in use (another server running?); choose another with PORT=…`);
  if (code === 'EACCES') fail(`no permission to listen on port ${port} on ${host}; choose a port above 1023 with PORT=…`);
  fail(`cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
}
const shown = boundHost(server);
const everywhere = shown === '0.0.0.0' || shown === '[::]';
const at = everywhere ? 'localhost' : shown;
const admin = adminTokenOf() !== null;
const b = settings.budgets!.limits;
console.log(`Crucible listening on port ${bound} of ${shown}${everywhere ? ' (every interface: anyone who can reach this machine may connect)' : ' (this address only; HOST=0.0.0.0 serves every interface)'}`);
console.log(`  WebSocket  ws://${at}:${bound}`);
console.log(`  Dashboard  http://${at}:${bound}/`);
console.log(`  Monitor    http://${at}:${bound}/monitor  ${admin ? '(operator: Authorization: Bearer $CRUCIBLE_ADMIN_TOKEN)' : '(off: set CRUCIBLE_ADMIN_TOKEN to turn it on)'}`);
console.log(`  API        http://${at}:${bound}/api/substrates  http://${at}:${bound}/api/rooms`);
const cluster = clusterMembership();
if (cluster) console.log(`  Cluster    process ${cluster.node} on ${cluster.url.replace(/\/\/[^@/]*@/, '//')} (budgets count across the cluster)`);
const direct = publicAddressOf();
if (direct !== null) console.log(`  Direct     clients open their room's WebSocket at ws://${direct} (CRUCIBLE_PUBLIC_ADDRESS), wherever they matchmade`);
console.log(`  Results    ${perProcessFile(settings.resultsFile, cluster?.node ?? undefined)}${settings.token ? '  (agents and room creators need CRUCIBLE_TOKEN)' : ''}`);
console.log(`  Budgets    ${b.maxRooms} rooms (${b.maxCreatesPerSecond} creates/s), ${b.maxRoomCells} cells and ${b.maxRoomCellHz} cells×Hz a room, ${b.maxTotalCellHz} cells×Hz in all`);
