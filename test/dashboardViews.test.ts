/**
 * The dashboard's views in headless Chromium (Debian's /usr/bin/chromium through playwright-core): the history
 * after a server restart, the replay viewer against the live room's WORLD.RGB, a room started from the page, a
 * human playing with the keyboard, following an agent. Skipped, saying why, without that browser.
 *
 * DASHBOARD_SCREENSHOTS=docs/img npx mocha test/dashboardViews.test.ts   also saves a screenshot of each view.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { connect, type AgentClient, type Observation } from '../client/agent.js';
import { startServer, type RunningServer } from '../server/app.js';
import { buildDashboard } from '../server/buildDashboard.js';
import { decodePng } from '../systems/encoding.js';
import { waitFor } from './helpers/liveServer.js';

const CHROMIUM = '/usr/bin/chromium';
const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';
const ADMIN = 'views-operator-secret';
const STEPS = 12;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function queue(agent: AgentClient): () => Promise<Observation> {
  const got: Observation[] = [];
  const waiting: ((o: Observation) => void)[] = [];
  agent.onObservation((o) => {
    const w = waiting.shift();
    if (w) w(o);
    else got.push(o);
  });
  return () => {
    const o = got.shift();
    return o ? Promise.resolve(o) : new Promise((resolve) => waiting.push(resolve));
  };
}

interface AgentPos { slot: number; x: number; y: number; facing: string; policy: string }

describe('dashboard views in headless Chromium', function () {
  this.timeout(90_000);
  let dir: string;
  let srv: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  /** The live room's WORLD.RGB at ticks 0…STEPS-1 of its recorded episode. */
  const live: { rgb: Uint8Array; width: number; height: number }[] = [];
  let replayName = '';
  const shots = process.env.DASHBOARD_SCREENSHOTS;

  async function shot(name: string): Promise<void> {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`) });
  }

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    await buildDashboard();
    dir = mkdtempSync(join(tmpdir(), 'crucible-views-'));
    const results = join(dir, 'episodes.jsonl');
    // First server: one recorded episode, played by a scripted agent labelled human, its world captured each tick.
    srv = await startServer({ resultsFile: results, token: null, adminToken: ADMIN, budgets: { maxCreatesPerSecond: 10_000 } });
    const agent = await connect(srv.url, SUBSTRATE, {
      method: 'create', scenario: SCENARIO, lockstep: true, actionTimeoutMs: 0, maxSteps: STEPS, seed: 3, record: true, obs: 'none', policy: 'human',
    });
    const inbox = queue(agent);
    for (;;) {
      const o = await inbox();
      if (o.episode > 0) break;
      if (o.done) continue;
      live[o.tick] = decodePng(new Uint8Array(await (await fetch(`${srv.httpUrl}/api/rooms/${agent.room.roomId}/world.png`)).arrayBuffer()));
      agent.act([1, 1, 7, 5, 3][o.tick % 5]);
    }
    await agent.leave();
    await waitFor('the episode in the results', async () => ((await (await fetch(`${srv!.httpUrl}/api/history`)).json()) as { episodes: unknown[] }).episodes.length === 1);
    // Restart.
    await srv.close();
    srv = await startServer({ resultsFile: results, token: null, adminToken: ADMIN, budgets: { maxCreatesPerSecond: 10_000 } });
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      // A room that ends between the room list's poll and the image request answers its world image with 404: the
      // browser logs the failed load, the page shows the room as gone. Anything else is an error of the page.
      if (msg.type() === 'error' && /status of 404/.test(msg.text()) && /\/api\/rooms\/[^/]+\/world\.png/.test(msg.location().url)) return;
      if (msg.type() === 'error') pageErrors.push(`${msg.text()} ${msg.location().url}`);
    });
  });

  after(async () => {
    await context?.close().catch(() => {});
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  if (!existsSync(CHROMIUM)) {
    it(`needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`, function () {
      this.skip();
    });
    return;
  }

  it('lists the episodes of the results files after a server restart, and opens one', async () => {
    await page.goto(`${srv!.httpUrl}/#history`);
    const row = page.locator('[data-testid="history-row"]');
    await row.first().waitFor({ timeout: 10_000 });
    assert.equal(await row.count(), 1);
    const text = await row.first().innerText();
    assert.match(text, new RegExp(SUBSTRATE));
    assert.match(text, /human/);
    assert.match(text, /replay/);
    // The policy filter narrows the table.
    // One of the scenario's background bots (Melting Pot's names: commons_harvest__open__free_0 or _1).
    const bot = await page.$$eval('[data-testid="filter-policy"] option', (os) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v.startsWith('commons_harvest__open__free_')));
    assert.ok(bot, 'the policy filter offers the scenario bot');
    await page.selectOption('[data-testid="filter-policy"]', bot);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 1);
    assert.equal(await page.getAttribute('[data-testid="export-csv"]', 'href'), `/api/history.csv?policy=${bot}`);
    await shot('history');
    await row.first().click();
    await page.locator('[data-testid="episode-agents"] tbody tr').first().waitFor({ timeout: 5_000 });
    const first = await page.$$eval('[data-testid="episode-agents"] tbody tr:first-child td', (tds) => tds.map((td) => td.textContent ?? ''));
    assert.equal(first[3], 'human');
    assert.match(await page.innerText('[data-testid="episode-fairness"]'), /gini coefficient/);
    await shot('episode');
    assert.equal(await page.getAttribute('[data-testid="episode-video"]', 'href'), await page.getAttribute('[data-testid="open-replay"]', 'href').then((h) => `/api/replays/${h!.replace('#replay=', '')}/video.mp4`));
    replayName = decodeURIComponent((await page.getAttribute('[data-testid="open-replay"]', 'href'))!.replace('#replay=', ''));
    assert.match(replayName, /\.replay\.gz$/);
  });

  it("plays a replay whose frame at tick t equals the live room's WORLD.RGB at t", async () => {
    await page.click('[data-testid="open-replay"]');
    const canvasAt = async (t: number) => {
      await page.waitForFunction((tick) => document.querySelector<HTMLCanvasElement>('[data-testid="replay-canvas"]')?.dataset.tick === String(tick), t, { timeout: 10_000 });
      return page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="replay-canvas"]')!;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const rgb: number[] = [];
        for (let i = 0; i < px.length; i += 4) rgb.push(px[i], px[i + 1], px[i + 2]);
        return { width: c.width, height: c.height, rgb };
      });
    };
    const same = (a: { width: number; height: number; rgb: number[] }, t: number) => {
      assert.deepEqual([a.width, a.height], [live[t].width, live[t].height], `size at tick ${t}`);
      assert.ok(Buffer.from(Uint8Array.from(a.rgb)).equals(Buffer.from(live[t].rgb)), `the replay's tick ${t} equals the live WORLD.RGB`);
    };
    same(await canvasAt(0), 0);
    for (let i = 0; i < 3; i++) await page.click('[data-testid="replay-step"]');
    same(await canvasAt(3), 3);
    // Scrub to tick 7.
    await page.$eval('[data-testid="replay-scrub"]', (el) => {
      const input = el as HTMLInputElement;
      input.value = '7';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    same(await canvasAt(7), 7);
    assert.match(await page.innerText('[data-testid="replay-check"]'), /byte-identical/);
    await shot('replay');
    // Play to the end.
    await page.click('[data-testid="replay-play"]');
    await canvasAt(STEPS);
    assert.equal(await page.textContent('[data-testid="replay-tick"]'), String(STEPS));
    // The page's "Download video" link gives an MP4 of the episode.
    const href = (await page.getAttribute('[data-testid="replay-video"]', 'href'))!;
    assert.equal(href, `/api/replays/${encodeURIComponent(replayName)}/video.mp4`);
    const video = await page.evaluate(async (url) => {
      const res = await fetch(url);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, type: res.headers.get('content-type'), size: bytes.length, box: String.fromCharCode(...bytes.subarray(4, 8)) };
    }, href);
    assert.deepEqual([video.status, video.type, video.box], [200, 'video/mp4', 'ftyp']);
    assert.ok(video.size > 2000, `${video.size} bytes`);
  });

  let started = '';

  it('starts a room from the page; it appears in the room list and its live view opens', async () => {
    await page.goto(`${srv!.httpUrl}/#play`);
    await page.locator('[data-testid="start-substrate"] option').nth(3).waitFor({ state: 'attached', timeout: 10_000 });
    await page.selectOption('[data-testid="start-substrate"]', SUBSTRATE);
    await page.selectOption('[data-testid="start-scenario"]', SCENARIO);
    await page.fill('[data-testid="start-tickrate"]', '10');
    await page.fill('[data-testid="operator-token"]', ADMIN);
    await shot('play');
    await page.click('[data-testid="start-room"]');
    // The page watches the new room: its live view opens with the room selected in the list.
    await page.waitForFunction(() => location.hash.startsWith('#room='), null, { timeout: 10_000 });
    started = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#room='.length));
    await page.locator(`[data-testid="room-item"][data-room-id="${started}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await page.textContent('[data-testid="room-title"]'), SUBSTRATE);
    await page.waitForFunction(() => Number(document.querySelector<HTMLImageElement>('[data-testid="world-image"]')?.dataset.frames) >= 2, null, { timeout: 10_000 });
    // Click an avatar's legend entry: the follow card shows that agent's own view.
    await page.click('[data-testid="legend-item"][data-slot="2"]');
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid="follow-image"]')?.naturalWidth ?? 0) === 88, null, { timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="legend-item"]').count(), 7);
    await page.waitForTimeout(1500);
    await shot('live');
  });

  it('lets a human join from the browser and move with the keyboard, labelled human', async () => {
    await page.goto(`${srv!.httpUrl}/#play=${started}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="human-status"]')?.getAttribute('data-slot') !== '', null, { timeout: 10_000 });
    const slot = Number(await page.getAttribute('[data-testid="human-status"]', 'data-slot'));
    const where = async (): Promise<AgentPos> => {
      const r = (await (await fetch(`${srv!.httpUrl}/api/rooms/${started}/metrics`)).json()) as { agents: AgentPos[] };
      return r.agents[slot];
    };
    const start = await where();
    assert.equal(start.policy, 'human');
    // Hold keys long enough for several ticks at 10 Hz: turn, then walk forward and sideways.
    let moved = false;
    for (const key of ['KeyQ', 'KeyW', 'ArrowUp', 'KeyD', 'ArrowLeft', 'KeyS']) {
      await page.keyboard.down(key);
      await page.waitForTimeout(600);
      await page.keyboard.up(key);
      const now = await where();
      if (now.x !== start.x || now.y !== start.y) {
        moved = true;
        break;
      }
    }
    assert.ok(moved, 'the human avatar moved');
    const sent = Number(await page.getAttribute('[data-testid="human-status"]', 'data-sent'));
    assert.ok(sent > 5, `actions sent: ${sent}`);
    // The egocentric view is drawn (not blank). While the human is zapped out it is all black, as in Melting Pot (a
    // removed player sees black), for a few ticks: wait for a drawn frame.
    const colours = async (): Promise<number> =>
      page.$eval('[data-testid="human-view"]', (el) => {
        const c = el as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const set = new Set<number>();
        for (let i = 0; i < px.length; i += 4) set.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        return set.size;
      });
    const deadline = Date.now() + 10_000;
    let seen = await colours();
    while (seen < 4 && Date.now() < deadline) {
      await page.waitForTimeout(100);
      seen = await colours();
    }
    assert.ok(seen >= 4, `the view has ${seen} colours`);
    await shot('human');
  });

  it("loads a room's stored series on opening it and marks its episode boundaries", async () => {
    // A fast room of short episodes, running for a while before the page opens it.
    const res = await fetch(`${srv!.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ substrate: SUBSTRATE, options: { scenario: SCENARIO, tickRate: 50, maxSteps: 20 } }),
    });
    const { roomId } = (await res.json()) as { roomId: string };
    const watcher = await connect(srv!.url, SUBSTRATE, { roomId, role: 'spectator', state: false });
    try {
      await waitFor('a few episodes', async () => {
        const m = (await (await fetch(`${srv!.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as { episode: number };
        return m.episode >= 3;
      }, 20_000);
      await page.goto(`${srv!.httpUrl}/#room=${roomId}`);
      // The first report already brings the stored series: dozens of points at once, with the episodes it spans.
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-gini_coefficient"]')?.getAttribute('data-points')) >= 40, null, { timeout: 10_000 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-gini_coefficient"]')?.getAttribute('data-markers')) >= 2, null, { timeout: 10_000 });
      const agentLines = await page.$$eval('[data-testid="chart-agent_returns"] .u-legend .u-series', (els) => els.length);
      assert.equal(agentLines, 7, 'one return curve per agent');
      // The engine internals are on their own tab.
      assert.equal(await page.isVisible('[data-testid="chart-event_queue_depth"]'), false);
      await page.click('[data-testid="tab-engine"]');
      assert.equal(await page.isVisible('[data-testid="chart-event_queue_depth"]'), true);
      await page.click('[data-testid="tab-research"]');
    } finally {
      await watcher.leave();
    }
  });

  it('ran without page errors', () => {
    assert.deepEqual(pageErrors, []);
  });

  it('refuses to start a room without the operator token, saying why', async () => {
    await page.goto(`${srv!.httpUrl}/#play`);
    await page.locator('[data-testid="start-substrate"] option').nth(3).waitFor({ state: 'attached', timeout: 10_000 });
    await page.fill('[data-testid="operator-token"]', 'wrong');
    await page.click('[data-testid="start-room"]');
    const msg = await page.waitForSelector('[data-testid="start-message"].error', { timeout: 10_000 });
    assert.match((await msg.textContent()) ?? '', /INVALID_TOKEN/);
  });
});
