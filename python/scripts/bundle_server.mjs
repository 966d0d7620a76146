/**
 * Bundle the Crucible server (server/index.ts and everything it imports) into one ES module the Python package
 * ships and starts with `node`: python/crucible/_server/server.mjs, plus the built dashboard when
 * server/public/ exists. Run by `npm run build:python` and by the Python build hook (python/hatch_build.py), so
 * `pip install ./python` always ships the server of the tree it is installed from.
 *
 * Node built-ins stay external; so do the optional native accelerators (msgpackr-extract, bufferutil,
 * utf-8-validate): their loaders fall back to plain JavaScript when the require fails, so the bundle needs only
 * Node. server/node20.ts resolves the `ws` package at run time (there is no node_modules beside the bundle), so
 * the bundle replaces it with the same polyfill written as a static import.
 *
 *   node python/scripts/bundle_server.mjs [outDir]
 */
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = resolve(process.argv[2] ?? resolve(ROOT, 'python', 'crucible', '_server'));

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
  plugins: [node20Shim],
});
const publicDir = resolve(ROOT, 'server', 'public');
if (existsSync(resolve(publicDir, 'index.html'))) cpSync(publicDir, resolve(outDir, 'public'), { recursive: true });
const kb = (statSync(outfile).size / 1024).toFixed(0);
console.log(`server bundled into ${outfile} (${kb} KB) in ${(performance.now() - t0).toFixed(0)} ms`);
