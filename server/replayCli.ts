/**
 * Re-simulate a replay and check it against its recording; optionally draw it.
 *
 *   npm run -s replay -- FILE [--video out.mp4|out.gif] [--frames DIR] [--agent N] [--fps F] [--zoom K]
 *
 * Prints one JSON line (server/replay.ts `ReplayCheck`, plus `media` when pictures were asked for). Exit code: 0 the
 * re-simulated summary is byte-identical to the recorded one and every bot chose the recorded action; 1 it is not
 * (the fields that differ, the first diverging tick and slot, and both Crucible versions are in the line: a changed
 * engine is reported, never hidden); 2 bad arguments or an unreadable file.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CrucibleError } from '../ecs/errors.js';
import { checkReplay, decodeReplay } from './replay.js';
import { renderReplay, type MediaResult } from './replayMedia.js';

function numberArg(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new CrucibleError('INVALID_OPTION', `--${name} must be a number, got "${raw}"`);
  return v;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    strict: true,
    options: {
      video: { type: 'string' },
      frames: { type: 'string' },
      agent: { type: 'string' },
      fps: { type: 'string' },
      zoom: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new CrucibleError('INVALID_OPTION', 'usage: npm run -s replay -- FILE [--video out.mp4|out.gif] [--frames DIR] [--agent N] [--fps F] [--zoom K]');
  const file = positionals[0];
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new CrucibleError('UNKNOWN_REPLAY', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const replay = decodeReplay(bytes);
  const check = checkReplay(replay, file, bytes.length);
  let media: MediaResult | undefined;
  if (values.video || values.frames) {
    media = await renderReplay(replay, {
      video: values.video ?? null,
      framesDir: values.frames ?? null,
      agent: numberArg('agent', values.agent) ?? null,
      fps: numberArg('fps', values.fps),
      zoom: numberArg('zoom', values.zoom),
    });
  }
  process.stdout.write(JSON.stringify(media ? { ...check, media } : check) + '\n');
  if (!check.identical) {
    const why = check.first_divergence
      ? `tick ${check.first_divergence.tick}, ${check.first_divergence.agent}: recorded action ${check.first_divergence.recorded}, replayed ${check.first_divergence.replayed}`
      : `summary fields ${check.differences.map((d) => d.field).join(', ')}`;
    process.stderr.write(`replay: MISMATCH (recorded with Crucible ${check.recorded_version}, replayed with ${check.current_version}): ${why}\n`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  const err = e as Error & { code?: string };
  process.stderr.write(`replay: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
  process.exitCode = 2;
});
