/**
 * End to end: build the dashboard, start the real server, run a room, and drive the page in headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core; CI installs it in .ci/run). Skipped, saying why, when that
 * browser is absent.
 *
 * DASHBOARD_SCREENSHOT=/tmp/dashboard.png npx mocha test/dashboard.test.ts   also saves a full-page screenshot.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../server/app.js';
import { buildDashboard } from '../server/buildDashboard.js';
import { decodePng } from '../systems/encoding.js';

const CHROMIUM = '/usr/bin/chromium';
const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function points(page: Page, key: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid="chart-${key}"]`, 'data-points'));
}

describe('dashboard: the page at / in headless Chromium', function () {
  this.timeout(60_000);
  let srv: RunningServer | undefined;
  let room: Room | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let dir: string | undefined;
  const pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      this.skip(); // mocha reports it as pending
    }
    const built = await buildDashboard();
    assert.deepEqual(built.files.map((f) => f.path.slice(built.outDir.length)).sort(), ['index.html', 'main.css', 'main.js']);
    dir = mkdtempSync(join(tmpdir(), 'crucible-dashboard-'));
    srv = await startServer({ resultsFile: join(dir, 'episodes.jsonl'), token: null });
    // A running room: a spectator creates it, every player slot is filled by the scenario's bots.
    room = await new Client(srv.url).create(SUBSTRATE, { role: 'spectator', scenario: SCENARIO, tickRate: 20 });
    room.onMessage('*', () => {});
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`${msg.text()} ${msg.location().url}`);
    });
    await page.goto(`${srv.httpUrl}/`);
  });

  after(async () => {
    await context?.close().catch(() => {});
    await room?.leave().catch(() => {});
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  if (!existsSync(CHROMIUM)) {
    it(`needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`, function () {
      this.skip();
    });
    return;
  }

  it('serves the built bundle and stylesheet next to index.html', async () => {
    for (const [path, type] of [['/main.js', 'javascript'], ['/main.css', 'text/css'], ['/', 'text/html']] as const) {
      const res = await fetch(`${srv!.httpUrl}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', new RegExp(type), path);
    }
  });

  it('lists the running room and selects it', async () => {
    const item = page.locator(`[data-testid="room-item"][data-room-id="${room!.roomId}"]`);
    await item.waitFor({ timeout: 10_000 });
    assert.match(await item.innerText(), new RegExp(SUBSTRATE));
    assert.match(await item.innerText(), new RegExp(SCENARIO));
    await page.waitForFunction((id) => location.hash === `#room=${id}`, room!.roomId, { timeout: 5_000 });
    assert.equal(await page.isHidden('[data-testid="no-rooms"]'), true);
    assert.equal(await page.textContent('[data-testid="room-title"]'), SUBSTRATE);
  });

  it('shows the live world image, not a blank one', async () => {
    await page.waitForFunction(() => Number(document.querySelector<HTMLImageElement>('[data-testid="world-image"]')?.dataset.frames) >= 2, null, {
      timeout: 10_000,
    });
    const stats = await page.evaluate(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="world-image"]')!;
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < px.length; i += 4) {
        colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        const lum = (px[i] + px[i + 1] + px[i + 2]) / 3;
        sum += lum;
        sumSq += lum * lum;
      }
      const n = px.length / 4;
      const rendering = getComputedStyle(img).imageRendering;
      return { w: img.naturalWidth, h: img.naturalHeight, shownW: img.clientWidth, colours: colours.size, variance: sumSq / n - (sum / n) ** 2, rendering };
    });
    assert.ok(stats.w > 0 && stats.h > 0, 'the image has a size');
    assert.ok(stats.colours >= 4, `expected several distinct colours, got ${stats.colours}`);
    assert.ok(stats.variance > 10, `expected pixel variance, got ${stats.variance}`);
    assert.equal(stats.rendering, 'pixelated');
    assert.ok(stats.shownW >= stats.w * 2 && stats.shownW % stats.w === 0, `scaled up by an integer factor (${stats.shownW} for ${stats.w})`);
    // The same frame from the API decodes to the same size.
    const png = decodePng(new Uint8Array(await (await fetch(`${srv!.httpUrl}/api/rooms/${room!.roomId}/world.png`)).arrayBuffer()));
    assert.deepEqual([png.width, png.height], [stats.w, stats.h]);
  });

  it('appends new points to the charts', async () => {
    const keys = ['gini_coefficient', 'collective_return', 'steps_per_s', 'memory', 'exploitation_attempts', 'largest_coalition'];
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-gini_coefficient"]')?.getAttribute('data-points')) >= 1, null, {
      timeout: 10_000,
    });
    const before = await Promise.all(keys.map((k) => points(page, k)));
    await page.waitForTimeout(2_000);
    const after = await Promise.all(keys.map((k) => points(page, k)));
    keys.forEach((k, i) => assert.ok(after[i] > before[i], `chart ${k}: ${before[i]} → ${after[i]} points`));
    // Every chart of the spec's list is on the page and drawn.
    const drawn = await page.$$eval('[data-testid^="chart-"]', (els) => els.map((e) => ({ key: e.getAttribute('data-chart'), canvas: !!e.querySelector('canvas') })));
    assert.ok(drawn.length >= 16, `expected the spec's charts, found ${drawn.length}`);
    for (const c of drawn) assert.ok(c.canvas, `chart ${c.key} has a canvas`);
  });

  it('shows the agent table and the error counts', async () => {
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="agent-table"] tbody tr').length === 7, null, { timeout: 5_000 });
    const first = await page.$$eval('[data-testid="agent-table"] tbody tr:first-child td', (tds) => tds.map((td) => td.textContent ?? ''));
    assert.equal(first[0], '0');
    assert.equal(first[1], 'player_0');
    assert.match(first[2], /focal|background/);
    assert.match(await page.innerText('[data-testid="error-counts"]'), /tick errors/);
  });

  it('ran without page errors', async () => {
    const shot = process.env.DASHBOARD_SCREENSHOT;
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
