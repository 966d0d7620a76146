/**
 * Bundle the Crucible server (server/index.ts and everything it imports) into one ES module the Python package
 * ships and starts with `node`: python/crucible/_server/server.mjs, plus the built dashboard when
 * server/public/ exists. Then start the bundle once and save its `GET /api/substrates` as
 * python/crucible/_catalogue.json: the substrate and scenario lists the package reads at import time.
 * Run by `npm run build:python` (and so by `npm test` before the Python suite) and by the Python build hook
 * (python/hatch_build.py), so `pip install ./python` always ships the server of the tree it is installed from.
 *
 * Node built-ins stay external; so do the optional native accelerators (msgpackr-extract, bufferutil,
 * utf-8-validate): their loaders fall back to plain JavaScript when the require fails, so the bundle needs only
 * Node. server/node20.ts resolves the `ws` package at run time (there is no node_modules beside the bundle), so
 * the bundle replaces it with the same polyfill written as a static import.
 *
 *   node python/scripts/bundle_server.mjs [packageDir]     (default python/crucible)
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packageDir = resolve(process.argv[2] ?? resolve(ROOT, 'python', 'crucible'));
const outDir = resolve(packageDir, '_server');

const NODE20_SHIM = `import { WebSocket } from 'ws';
if (typeof globalThis.WebSocket === 'undefined') globalThis.WebSocket = WebSocket;
export {};`;

/** Replaces server/node20.ts with NODE20_SHIM (same effect, resolvable at bundle time). */
const node20Shim = {
  name: 'crucible-node20-shim',
  setup(b) {
    b.onLoad({ filter: /[\\/]server[\\/]node20\.ts$/ }, () => ({ contents: NODE20_SHIM, loader: 'js', resolveDir: ROOT }));
  },
};

/**
 * Sources that read the repository's package.json beside themselves at run time (server/replay.ts: the version
 * written into replays) get its text inlined: there is no package.json beside the bundle.
 */
const PACKAGE_READ = /readFileSync\(new URL\('\.\.\/package\.json', import\.meta\.url\), 'utf8'\)/g;
const packageJsonInline = {
  name: 'crucible-package-json-inline',
  setup(b) {
    b.onLoad({ filter: /[\\/]server[\\/][^\\/]+\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes("new URL('../package.json'")) return undefined;
      const pkg = JSON.stringify(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
      return { contents: source.replace(PACKAGE_READ, pkg), loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

const t0 = performance.now();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const outfile = resolve(outDir, 'server.mjs');
await build({
  entryPoints: [resolve(ROOT, 'server', 'index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ['node20'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['msgpackr-extract', 'bufferutil', 'utf-8-validate'],
  // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
  banner: { js: "import { createRequire as __crucibleRequire } from 'node:module'; const require = __crucibleRequire(import.meta.url);" },
  plugins: [node20Shim, packageJsonInline],
});
// The vector worker (server/vectorWorker.ts): the batched path of crucible.vector, started once per worker process.
await build({
  entryPoints: [resolve(ROOT, 'server', 'vectorWorker.ts')],
  outfile: resolve(outDir, 'vector.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ['node20'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const publicDir = resolve(ROOT, 'server', 'public');
if (existsSync(resolve(publicDir, 'index.html'))) cpSync(publicDir, resolve(outDir, 'public'), { recursive: true });
const kb = (statSync(outfile).size / 1024).toFixed(0);
console.log(`server bundled into ${outfile} (${kb} KB) in ${(performance.now() - t0).toFixed(0)} ms`);

/** Start the bundle on a free port (PORT=0: it prints the port it bound), read GET /api/substrates, stop it. */
async function catalogue() {
  const results = mkdtempSync(resolve(tmpdir(), 'crucible-catalogue-'));
  const child = spawn(process.execPath, [outfile], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', CRUCIBLE_RESULTS: resolve(results, 'episodes.jsonl') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise((ok, fail) => {
      let seen = '';
      child.stdout.on('data', (d) => {
        seen += d;
        const m = /Crucible listening on port (\d+)/.exec(seen);
        if (m) ok(Number(m[1]));
      });
      child.on('exit', (code) => fail(new Error(`the bundled server exited with code ${code} before listening:\n${seen}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/api/substrates`);
    return await res.json();
  } finally {
    child.kill('SIGTERM');
    rmSync(results, { recursive: true, force: true });
  }
}

const file = resolve(packageDir, '_catalogue.json');
writeFileSync(file, JSON.stringify(sortKeys(await catalogue()), null, 1) + '\n');
console.log(`substrate catalogue written to ${file}`);

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}
