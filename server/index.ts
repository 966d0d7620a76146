/**
 * Entry point: `npm start` (PORT, default 2567; HOST, default all interfaces).
 *
 * Environment: CRUCIBLE_RESULTS (results file, default results/episodes.jsonl), CRUCIBLE_TOKEN (agents must join
 * with this token). SIGTERM / SIGINT shut down gracefully: rooms stop ticking, flush their results, close their
 * clients, then the process exits.
 */
import { createServer, listen, serverSettings } from './app.js';

const port = Number(process.env.PORT ?? 2567);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${process.env.PORT}`);
  process.exit(1);
}
const host = process.env.HOST;
const settings = serverSettings();
const server = createServer();
const bound = await listen(server, port, host);
const shown = host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost';
console.log(`Crucible listening on port ${bound}`);
console.log(`  WebSocket  ws://${shown}:${bound}`);
console.log(`  Dashboard  http://${shown}:${bound}/`);
console.log(`  Monitor    http://${shown}:${bound}/monitor`);
console.log(`  API        http://${shown}:${bound}/api/substrates  http://${shown}:${bound}/api/rooms`);
console.log(`  Results    ${settings.resultsFile}${settings.token ? '  (agents need CRUCIBLE_TOKEN)' : ''}`);
