/**
 * What a durable episode summary costs (server/results.ts): one append of a summary-sized JSON line followed by
 * fdatasync, against the same append without the sync, timed --count times in the results directory's file system
 * (--dir, default results/). The room pays this on its event loop once per episode.
 *
 * Prints one line per case:
 *   {"bench":"results","sync":true,"line_bytes":…,"count":…,"median_us":…,"p99_us":…}
 * Options: --count=N (default 200), --bytes=N (line size, default 2000: a 7-player summary with metrics).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median, option } from './util.js';
import { ResultsWriter, nodeResultsIo, type ResultsIo } from '../../server/results.js';

export async function run(args: string[]): Promise<void> {
  const count = Math.max(1, option(args, 'count', 200));
  const bytes = Math.max(10, option(args, 'bytes', 2000));
  const dirArg = args.find((a) => a.startsWith('--dir='))?.slice('--dir='.length) ?? 'results';
  const dir = mkdtempSync(join(dirArg, '.bench-'));
  try {
    for (const sync of [true, false]) {
      const io: ResultsIo = sync ? nodeResultsIo : { ...nodeResultsIo, fdatasyncSync: () => {} };
      const w = new ResultsWriter(join(dir, `${sync}.jsonl`), { io });
      const record = { episode: 0, pad: 'x'.repeat(bytes - 30) };
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        record.episode = i;
        const t0 = performance.now();
        w.write(record);
        times.push((performance.now() - t0) * 1000);
      }
      await w.close();
      const sorted = times.slice().sort((a, b) => a - b);
      const line = { bench: 'results', sync, line_bytes: bytes, count, median_us: Math.round(median(times)), p99_us: Math.round(sorted[Math.floor(0.99 * (sorted.length - 1))]!) };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
