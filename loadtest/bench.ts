/**
 * Benchmark dispatcher: `npm run bench -- <name> [args…]` runs one benchmark, `npm run bench` runs them all in name
 * order, and an unknown name exits with status 2 and the list of known ones. Each benchmark is a module in
 * `loadtest/bench/` exporting `run(args)`, which prints one JSON line per case to stdout.
 */

export interface BenchModule {
  run(args: string[]): Promise<void>;
}

/** Known benchmarks, kept in alphabetical order. Add an entry here for each new `loadtest/bench/<name>.ts`. */
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  controller: () => import('./bench/controller.js'),
  observations: () => import('./bench/observations.js'),
  spatial: () => import('./bench/spatial.js'),
  substrate: () => import('./bench/substrate.js'),
};

async function main(argv: string[]): Promise<number> {
  const known = Object.keys(BENCHES).sort();
  const [name, ...args] = argv;
  if (name === undefined) {
    for (const k of known) await (await BENCHES[k]()).run([]);
    return 0;
  }
  const load = Object.hasOwn(BENCHES, name) ? BENCHES[name] : undefined;
  if (load === undefined) {
    process.stderr.write(`unknown benchmark "${name}"; known benchmarks: ${known.join(', ')}\n`);
    return 2;
  }
  await (await load()).run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
