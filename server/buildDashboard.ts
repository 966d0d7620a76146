/**
 * Build the dashboard: bundle server/dashboard/main.ts (with uPlot and the page's CSS) into server/public/ with
 * esbuild — one minified main.js, one main.css, and index.html copied alongside. server/app.ts serves that
 * directory statically (index.html at `/`).
 *
 *   npm run build:dashboard        (also run by `npm start` through `prestart`)
 *   import { buildDashboard } from './server/buildDashboard.js'   (tests)
 *
 * Takes well under a second.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const DASHBOARD_SRC_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));
export const DASHBOARD_OUT_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface DashboardBuild {
  /** Output directory (absolute, with a trailing slash). */
  outDir: string;
  /** Written files (absolute paths) and their sizes in bytes. */
  files: { path: string; bytes: number }[];
  /** Build time in milliseconds. */
  ms: number;
}

/** Bundle the dashboard into `outDir` (default server/public/). Throws on a build error. */
export async function buildDashboard(opts: { outDir?: string; minify?: boolean } = {}): Promise<DashboardBuild> {
  const t0 = performance.now();
  const outDir = opts.outDir ?? DASHBOARD_OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [`${DASHBOARD_SRC_DIR}main.ts`],
    outdir: outDir,
    bundle: true,
    minify: opts.minify ?? true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    // The dashboard sources have their own tsconfig needs (DOM, no Node): do not pick up the repo's NodeNext one.
    tsconfigRaw: { compilerOptions: { target: 'es2020', verbatimModuleSyntax: false } },
  });
  if (result.errors.length > 0) throw new Error(`dashboard build failed: ${result.errors.map((e) => e.text).join('; ')}`);
  const html = `${outDir}index.html`;
  copyFileSync(`${DASHBOARD_SRC_DIR}index.html`, html);
  const written = [...Object.keys(result.metafile.outputs).map((p) => resolve(p)), html];
  return {
    outDir,
    files: written.map((path) => ({ path, bytes: statSync(path).size })),
    ms: performance.now() - t0,
  };
}

// CLI: `tsx server/buildDashboard.ts`
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    const out = await buildDashboard();
    const list = out.files.map((f) => `${f.path.slice(out.outDir.length)} ${(f.bytes / 1024).toFixed(1)} KB`).join(', ');
    console.log(`dashboard built into ${out.outDir} in ${out.ms.toFixed(0)} ms: ${list}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
