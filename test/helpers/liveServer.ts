/**
 * A real Crucible server for one `describe` block of the server tests: started on a free port before its tests
 * (results in a fresh temp dir), every agent pushed to `open` left after each test, stopped and its dir removed
 * after the block. Plus the two waits those tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentClient, Observation } from '../../client/agent.js';
import { startServer, type AppOptions, type RunningServer } from '../../server/app.js';

export { waitFor } from './waitFor.js';

export interface LiveServer {
  /** Set once the block's `before` hook has run. */
  readonly srv: RunningServer;
  /** The temp dir holding the results file (`episodes.jsonl`). */
  readonly dir: string;
  /** Agents to leave after each test. */
  readonly open: AgentClient[];
}

/**
 * `extra`: more server options (an operator token, budgets, …). The create rate budget is lifted (tests create
 * rooms back to back) unless `extra.budgets` sets budgets of its own.
 */
export function liveServer(prefix: string, token: string | null = null, extra: AppOptions = {}): LiveServer {
  const live = { open: [] as AgentClient[] } as { srv: RunningServer; dir: string; open: AgentClient[] };
  before(async () => {
    live.dir = mkdtempSync(join(tmpdir(), `crucible-${prefix}-`));
    live.srv = await startServer({ resultsFile: join(live.dir, 'episodes.jsonl'), token, budgets: { maxCreatesPerSecond: 10_000 }, ...extra });
  });
  afterEach(async () => {
    await Promise.all(live.open.splice(0).map((a) => a.leave().catch(() => {})));
  });
  after(async () => {
    await live.srv.close();
    rmSync(live.dir, { recursive: true, force: true });
  });
  return live;
}

/** The agent's latest observation, or the next one if none has arrived yet. */
export async function current(a: AgentClient): Promise<Observation> {
  return a.last ?? a.nextObservation();
}
