/**
 * The top self-time functions of a V8 CPU profile (`node --cpu-prof`, e.g. from
 * `npm run -s loadtest -- … --server-cpu-prof DIR`):
 *
 *   node --import tsx loadtest/profileTop.ts DIR/CPU.….cpuprofile [--top 30] [--json]
 *
 * Prints self time (ms and % of the profile) per function (name, file:line), largest first, and the share per
 * file group (node internals, the ws package, @colyseus/*, ours). Self time is where the CPU was, not who called.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface TopEntry {
  name: string;
  where: string;
  self_ms: number;
  pct: number;
}

/** Library or file group of a script URL. */
export function groupOf(url: string): string {
  if (url === '') return '(vm / gc / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  return 'crucible';
}

export function topFunctions(
  profile: Profile,
  top: number,
): { total_ms: number; idle_ms: number; program_ms: number; functions: TopEntry[]; groups: Record<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const perFn = new Map<string, { name: string; where: string; us: number; group: string }>();
  let totalUs = 0;
  let idleUs = 0;
  let programUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    // (idle): waiting in the event loop; (program): native code outside any JS function (libuv's polling and
    // reads, the timers' C++ side), not attributable to a function.
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    if (functionName === '(program)') {
      programUs += us;
      continue;
    }
    totalUs += us;
    const file = url.replace(/^file:\/\//, '').replace(/^.*?node_modules\//, '').replace(/^.*?\/(server|systems|ecs|client|loadtest|schemas|substrates)\//, '$1/');
    const where = url ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const e = perFn.get(key) ?? { name: functionName || '(anonymous)', where, us: 0, group: groupOf(url) };
    e.us += us;
    perFn.set(key, e);
  }
  const groups: Record<string, number> = {};
  for (const e of perFn.values()) groups[e.group] = (groups[e.group] ?? 0) + e.us;
  const pct = (us: number): number => Math.round((us / totalUs) * 1000) / 10;
  return {
    total_ms: Math.round(totalUs / 1000),
    idle_ms: Math.round(idleUs / 1000),
    program_ms: Math.round(programUs / 1000),
    functions: [...perFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, self_ms: Math.round(e.us / 100) / 10, pct: pct(e.us) })),
    groups: Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1]).map(([g, us]) => [g, pct(us)])),
  };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { top: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node --import tsx loadtest/profileTop.ts FILE.cpuprofile [--top N] [--json]\n');
    return 2;
  }
  const top = Number(values.top ?? 30);
  const result = topFunctions(JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile, top);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const lines = [
    `in JS functions ${result.total_ms} ms; outside them: (program) ${result.program_ms} ms, (idle) ${result.idle_ms} ms`,
    '  self ms      %  function',
  ];
  for (const f of result.functions) lines.push(`${f.self_ms.toFixed(1).padStart(8)} ${f.pct.toFixed(1).padStart(6)}  ${f.name}  ${f.where}`);
  lines.push('', 'by group (% of busy):');
  for (const [g, p] of Object.entries(result.groups)) lines.push(`  ${p.toFixed(1).padStart(5)}  ${g}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
