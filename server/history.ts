/**
 * Past episodes, read from the results files (JSON lines, one per finished episode; server/results.ts writes them).
 * Every `.jsonl` file in the server's results directory counts (rooms may choose their own file there), so the
 * history survives restarts: it is the files. A line that does not parse (a torn tail after a crash) is skipped.
 *
 * An episode's id is `<file>:<line>` (line numbers from 1), stable while the file only grows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CrucibleError } from '../ecs/errors.js';
import type { EpisodeSummary } from '../systems/environment.js';
import { backgroundEquality, giniCoefficient } from '../systems/metrics/fairness.js';

/**
 * A results line as rooms write it (server/rooms/SubstrateRoom.ts endEpisode): the episode summary's fields that every
 * line has (systems/environment.ts `EpisodeSummary`), plus what a room adds; headless fields are optional.
 */
export type EpisodeRecord = Pick<
  EpisodeSummary,
  | 'substrate' | 'scenario' | 'seed' | 'episode' | 'steps' | 'terminated' | 'truncated' | 'returns'
  | 'focal_per_capita_return' | 'background_per_capita_return' | 'collective_return' | 'policies' | 'focal'
> & {
  events?: Record<string, number>;
  room?: string;
  finished_at?: string;
  replay?: string;
  [key: string]: unknown;
};

/** One row of the history table. */
export interface EpisodeRow {
  id: string;
  file: string;
  line: number;
  finished_at: string | null;
  substrate: string;
  scenario: string | null;
  seed: number;
  episode: number;
  steps: number;
  terminated: boolean;
  truncated: boolean;
  room: string | null;
  players: number;
  collective_return: number;
  focal_per_capita_return: number | null;
  background_per_capita_return: number | null;
  gini_coefficient: number;
  background_equality: number;
  /** Distinct policy labels, sorted. */
  policies: string[];
  /** The replay file's name (in the results directory's replays/), or null. */
  replay: string | null;
  returns: Record<string, number>;
}

export interface HistoryFilter {
  substrate?: string;
  scenario?: string;
  /** Episodes in which some slot was played by this policy label. */
  policy?: string;
}

export interface AgentOutcome {
  agent: string;
  slot: number;
  policy: string;
  focal: boolean;
  return: number;
}

export interface EpisodeDetail {
  row: EpisodeRow;
  record: EpisodeRecord;
  agents: AgentOutcome[];
  fairness: {
    gini_coefficient: number;
    background_equality: number;
    collective_return: number;
    focal_per_capita_return: number | null;
    background_per_capita_return: number | null;
    min_return: number;
    max_return: number;
  };
}

function slotOf(agent: string): number {
  const m = /_(\d+)$/.exec(agent);
  return m ? Number(m[1]) : -1;
}

function toRow(rec: EpisodeRecord, file: string, line: number): EpisodeRow {
  const agents = Object.keys(rec.returns ?? {});
  const values = agents.map((a) => rec.returns[a]);
  const focal = new Set(rec.focal ?? []);
  const bg = agents.filter((a) => !focal.has(a)).map((a) => rec.returns[a]);
  return {
    id: `${file}:${line}`,
    file,
    line,
    finished_at: rec.finished_at ?? null,
    substrate: rec.substrate,
    scenario: rec.scenario ?? null,
    seed: rec.seed,
    episode: rec.episode,
    steps: rec.steps,
    terminated: rec.terminated,
    truncated: rec.truncated,
    room: rec.room ?? null,
    players: agents.length,
    collective_return: rec.collective_return,
    focal_per_capita_return: rec.focal_per_capita_return ?? null,
    background_per_capita_return: rec.background_per_capita_return ?? null,
    gini_coefficient: giniCoefficient(values),
    background_equality: backgroundEquality(bg),
    policies: [...new Set(Object.values(rec.policies ?? {}))].sort(),
    replay: typeof rec.replay === 'string' ? basename(rec.replay) : null,
    returns: rec.returns,
  };
}

function isRecord(v: unknown): v is EpisodeRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.substrate === 'string' && typeof r.returns === 'object' && r.returns !== null && typeof r.steps === 'number';
}

interface Cached {
  mtimeMs: number;
  size: number;
  rows: { row: EpisodeRow; record: EpisodeRecord }[];
}

/** The episodes of every results file in one directory; each file re-read only when it changed. */
export class History {
  readonly dir: string;
  private readonly cache = new Map<string, Cached>();

  /** `resultsFile`: the server's default results file; its directory holds the history. */
  constructor(resultsFile: string) {
    this.dir = dirname(resolve(resultsFile));
  }

  private load(): { row: EpisodeRow; record: EpisodeRecord }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.jsonl')).sort();
    } catch {
      return []; // no results yet
    }
    const all: { row: EpisodeRow; record: EpisodeRecord }[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      let c = this.cache.get(name);
      if (!c || c.mtimeMs !== st.mtimeMs || c.size !== st.size) {
        const rows: Cached['rows'] = [];
        const lines = readFileSync(path, 'utf8').split('\n');
        lines.forEach((text, i) => {
          if (!text.trim()) return;
          try {
            const rec = JSON.parse(text) as unknown;
            if (isRecord(rec)) rows.push({ row: toRow(rec, name, i + 1), record: rec });
          } catch {
            // A torn or foreign line: not an episode.
          }
        });
        c = { mtimeMs: st.mtimeMs, size: st.size, rows };
        this.cache.set(name, c);
      }
      all.push(...c.rows);
    }
    // Newest first; lines without a finish time (headless) after those with one, in file order.
    return all.sort((a, b) => (b.row.finished_at ?? '').localeCompare(a.row.finished_at ?? '') || a.row.id.localeCompare(b.row.id));
  }

  list(filter: HistoryFilter = {}): EpisodeRow[] {
    return this.load()
      .map((e) => e.row)
      .filter(
        (r) =>
          (!filter.substrate || r.substrate === filter.substrate) &&
          (!filter.scenario || r.scenario === filter.scenario) &&
          (!filter.policy || r.policies.includes(filter.policy)),
      );
  }

  /** The values each filter can take (for the page's drop-downs). */
  facets(): { substrates: string[]; scenarios: string[]; policies: string[] } {
    const rows = this.load().map((e) => e.row);
    const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))].sort();
    return { substrates: uniq(rows.map((r) => r.substrate)), scenarios: uniq(rows.map((r) => r.scenario)), policies: uniq(rows.flatMap((r) => r.policies)) };
  }

  detail(id: string): EpisodeDetail {
    const hit = this.load().find((e) => e.row.id === id);
    if (!hit) throw new CrucibleError('UNKNOWN_EPISODE', `no episode ${JSON.stringify(id.slice(0, 80))} in the results files; GET /api/history lists them`, { value: id.slice(0, 80) });
    const { row, record } = hit;
    const focal = new Set(record.focal ?? []);
    const agents = Object.entries(record.returns)
      .map(([agent, ret]) => ({ agent, slot: slotOf(agent), policy: record.policies?.[agent] ?? '?', focal: focal.has(agent), return: ret }))
      .sort((a, b) => a.slot - b.slot);
    const values = agents.map((a) => a.return);
    return {
      row,
      record,
      agents,
      fairness: {
        gini_coefficient: row.gini_coefficient,
        background_equality: row.background_equality,
        collective_return: row.collective_return,
        focal_per_capita_return: row.focal_per_capita_return,
        background_per_capita_return: row.background_per_capita_return,
        min_return: values.length ? Math.min(...values) : 0,
        max_return: values.length ? Math.max(...values) : 0,
      },
    };
  }
}

const CSV_COLUMNS = [
  'id', 'finished_at', 'substrate', 'scenario', 'seed', 'episode', 'steps', 'terminated', 'truncated', 'room', 'players',
  'collective_return', 'focal_per_capita_return', 'background_per_capita_return', 'gini_coefficient', 'background_equality', 'policies', 'replay',
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV: the table's columns, then one `return_player_<i>` column per slot of the widest episode. */
export function historyCsv(rows: readonly EpisodeRow[]): string {
  const players = rows.reduce((n, r) => Math.max(n, r.players), 0);
  const returnCols = Array.from({ length: players }, (_, i) => `player_${i}`);
  const lines = [[...CSV_COLUMNS, ...returnCols.map((a) => `return_${a}`)].join(',')];
  for (const r of rows) lines.push([...CSV_COLUMNS.map((k) => csvCell(r[k])), ...returnCols.map((a) => csvCell(r.returns[a]))].join(','));
  return lines.join('\n') + '\n';
}
