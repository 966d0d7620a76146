/**
 * The live view of one room: the world (labelled avatars, facing, legend, click to follow an agent's own view),
 * the research charts (per-agent returns, focal against background, resource stock, zaps and interactions per
 * window, the fairness figures) and, on a second tab, the engine internals (rates, timers, memory, queue depth).
 *
 *   GET /api/rooms/:id/metrics     every 0.5 s (on opening: the room's stored series fills the charts first)
 *   GET /api/rooms/:id/world.png   every 0.25 s; GET /api/rooms/:id/agent/:slot.png for the followed agent
 *
 * Charts are drawn against the room's ticks since the page opened it (episodes laid end to end); dashed lines
 * mark episode boundaries.
 */
import type { PerformanceReport, TimerStats } from '../../../systems/performanceMonitor.js';
import type { MetricsSnapshot } from '../../../systems/computeMetrics.js';
import { getJson, type AgentRow, type MetricsReport, type RoomInfo } from '../api.js';
import { Chart, fmt, PALETTE as C, type ChartSpec } from '../chart.js';
import { navigate, setStatus, state, subscribe } from '../state.js';

const METRICS_EVERY_MS = 500;
const WORLD_EVERY_MS = 250;
/** The world is scaled by an integer factor to fill the panel, at most this tall. */
const WORLD_MAX_HEIGHT = 560;
const CELL_PX = 8;
const OBS_TIMERS = ['observations', 'renderObservations'];
const ACTION_TIMERS = ['chooseBotActions', 'moveAvatars'];
const DIRS = ['N', 'E', 'S', 'W'];
/** Zaps and interactions are shown per this many ticks (the metrics window). */
const WINDOW_TICKS = 100;

interface Derived {
  observedSps: number | null;
  obsMeanUs: number | null;
  actMeanUs: number | null;
  zapsPerWindow: number | null;
  interactionsPerWindow: number | null;
}

interface Sample {
  r: MetricsReport;
  m: MetricsSnapshot | null;
  p: PerformanceReport | null;
  d: Derived;
}

interface LiveChart {
  spec: ChartSpec;
  tab: 'research' | 'engine';
  /** The room's stored series this chart's first line comes from, if any. */
  stored?: string;
  get: (s: Sample) => (number | null | undefined)[];
}

function timer(p: PerformanceReport | null, names: readonly string[]): TimerStats | null {
  if (!p) return null;
  for (const n of names) if (p.timers[n]) return p.timers[n];
  return null;
}

function intervalMean(prev: PerformanceReport | null, cur: PerformanceReport, names: readonly string[]): number | null {
  let sum = 0;
  let any = false;
  for (const n of names) {
    const c = cur.timers[n];
    if (!c) continue;
    const p = prev?.timers[n];
    const dc = c.count - (p?.count ?? 0);
    if (dc <= 0) continue;
    sum += (c.mean * c.count - (p ? p.mean * p.count : 0)) / dc;
    any = true;
  }
  return any ? sum : null;
}

function sumP50(p: PerformanceReport | null, names: readonly string[]): number | null {
  if (!p) return null;
  let sum = 0;
  let any = false;
  for (const n of names) {
    if (p.timers[n]) {
      sum += p.timers[n].p50;
      any = true;
    }
  }
  return any ? sum : null;
}

function largestCoalition(m: MetricsSnapshot | null): number | null {
  if (!m || m.coalition_sizes.length === 0) return null;
  return Math.max(...m.coalition_sizes);
}

/** The charts of a room with `players` players coloured `colours`. */
function chartsFor(players: number, colours: string[], policies: string[]): LiveChart[] {
  return [
    {
      tab: 'research',
      spec: {
        key: 'agent_returns', title: 'Return per agent (this episode)', decimals: 1, height: 170,
        series: Array.from({ length: players }, (_, s) => ({ label: `${s} ${policies[s] ?? ''}`, color: colours[s] ?? C.slate })),
      },
      get: (s) => s.r.agents.map((a) => a.episode_return),
    },
    {
      tab: 'research', stored: 'collective_return',
      spec: {
        key: 'collective_return', title: 'Focal against background (mean return per player)', decimals: 2,
        series: [{ label: 'all', color: C.blue }, { label: 'focal', color: C.orange }, { label: 'background', color: C.slate }],
      },
      get: (s) => [s.m?.collective_return, s.m?.focal_per_capita_return, s.m?.background_per_capita_return],
    },
    {
      tab: 'research',
      spec: { key: 'resource_stock', title: 'Resource stock', decimals: 0, hint: 'live apples; live Matrix resources', series: [{ label: 'live apples', color: C.green }, { label: 'resources', color: C.amber }] },
      get: (s) => [s.r.stock?.live_apples, s.r.stock?.resources],
    },
    {
      tab: 'research',
      spec: { key: 'dirt_fraction', title: 'River dirt fraction', decimals: 3, range: [0, 1], series: [{ label: 'dirty share', color: C.amber }] },
      get: (s) => [s.r.stock?.dirt_fraction],
    },
    {
      tab: 'research',
      spec: {
        key: 'zaps_window', title: `Zaps and interactions per ${WINDOW_TICKS} ticks`, decimals: 1,
        series: [{ label: 'zaps', color: C.red }, { label: 'interactions', color: C.purple }],
      },
      get: (s) => [s.d.zapsPerWindow, s.d.interactionsPerWindow],
    },
    {
      tab: 'research', stored: 'gini_coefficient',
      spec: { key: 'gini_coefficient', title: 'Gini coefficient', decimals: 3, range: [0, 1], series: [{ label: 'Gini', color: C.purple }] },
      get: (s) => [s.m?.gini_coefficient],
    },
    {
      tab: 'research', stored: 'exploitation_attempts',
      spec: { key: 'exploitation_attempts', title: 'Exploitation attempts (window)', decimals: 0, series: [{ label: 'attempts', color: C.red }] },
      get: (s) => [s.m?.exploitation_attempts],
    },
    {
      tab: 'research', stored: 'defense_success_rate',
      spec: { key: 'defense_success_rate', title: 'Defense success rate', decimals: 3, range: [0, 1], series: [{ label: 'rate', color: C.green }] },
      get: (s) => [s.m?.defense_success_rate],
    },
    {
      tab: 'research', stored: 'background_equality',
      spec: { key: 'background_equality', title: 'Background equality', decimals: 3, range: [0, 1], series: [{ label: 'equality', color: C.teal }] },
      get: (s) => [s.m?.background_equality],
    },
    {
      tab: 'research', stored: 'diversity_index',
      spec: { key: 'diversity_index', title: 'Diversity index (Simpson)', decimals: 3, range: [0, 1], series: [{ label: 'diversity', color: C.purple }] },
      get: (s) => [s.m?.diversity_index],
    },
    {
      tab: 'research',
      spec: { key: 'largest_coalition', title: 'Largest coalition', decimals: 0, series: [{ label: 'largest', color: C.blue }, { label: 'coalitions', color: C.slate }] },
      get: (s) => [largestCoalition(s.m), s.m?.coalition_sizes.length],
    },
    {
      tab: 'research', stored: 'consent_refusal_rate',
      spec: { key: 'consent_refusal_rate', title: 'Consent refusal rate', decimals: 3, range: [0, 1], series: [{ label: 'rate', color: C.pink }] },
      get: (s) => [s.m?.consent_refusal_rate],
    },
    // Engine internals
    {
      tab: 'engine',
      spec: { key: 'steps_per_s', title: 'Steps per second', unit: '/s', decimals: 1, series: [{ label: 'reported', color: C.blue }, { label: 'observed', color: C.slate }] },
      get: (s) => [s.p?.steps_per_s, s.d.observedSps],
    },
    {
      tab: 'engine',
      spec: { key: 'active_agents', title: 'Active agents', decimals: 0, series: [{ label: 'active', color: C.teal }] },
      get: (s) => [s.p?.active_agents],
    },
    {
      tab: 'engine',
      spec: {
        key: 'observation_time', title: 'Observation generation time', unit: 'µs', decimals: 1,
        series: [{ label: 'mean (last interval)', color: C.teal }, { label: 'p50', color: C.blue }, { label: 'p95', color: C.amber }],
      },
      get: (s) => [s.d.obsMeanUs, timer(s.p, OBS_TIMERS)?.p50, timer(s.p, OBS_TIMERS)?.p95],
    },
    {
      tab: 'engine',
      spec: { key: 'action_time', title: 'Action processing time', unit: 'µs', decimals: 1, series: [{ label: 'mean (last interval)', color: C.orange }, { label: 'p50 (sum)', color: C.blue }] },
      get: (s) => [s.d.actMeanUs, sumP50(s.p, ACTION_TIMERS)],
    },
    {
      tab: 'engine',
      spec: { key: 'memory', title: 'Memory', unit: 'MB', decimals: 1, series: [{ label: 'RSS', color: C.blue }, { label: 'heap used', color: C.pink }] },
      get: (s) => [s.p?.memory.rss_mb, s.p?.memory.heap_mb],
    },
    {
      tab: 'engine',
      spec: { key: 'cpu_pct', title: 'CPU utilisation', unit: '%', decimals: 1, series: [{ label: 'CPU', color: C.red }] },
      get: (s) => [s.p?.cpu_pct],
    },
    {
      tab: 'engine',
      spec: { key: 'event_queue_depth', title: 'Event queue depth', decimals: 0, series: [{ label: 'depth', color: C.amber }] },
      get: (s) => [s.p?.event_queue_depth],
    },
    {
      tab: 'engine',
      spec: { key: 'spatial_index_size', title: 'Spatial index size', decimals: 0, series: [{ label: 'entries', color: C.teal }] },
      get: (s) => [s.p?.spatial_index_size],
    },
  ];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from index.html`);
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// The view's own state (one room at a time)

let selected: string | null = null;
let gen = 0;
let charts: { def: LiveChart; chart: Chart }[] = [];
let chartsKey = '';
/** Room ticks laid end to end: x = offset + tick; boundaries where an episode began. */
let offset = 0;
let lastTick = -1;
let lastEpisode = -1;
let boundaries: number[] = [];
let lastX = -1;
let prev: { t: number; tick: number; episode: number; perf: PerformanceReport | null; perfKey: string; d: Derived; zaps: number; interactions: number } | null = null;
let latest: MetricsReport | null = null;
let follow: number | null = null;
let worldUrl: string | null = null;
let followUrl: string | null = null;
let worldFrames = 0;
/** Where each avatar stood at the tick the world image shows (from its headers): the labels are drawn from these. */
interface Placed { slot: number; x: number; y: number; facing: string; removed: boolean }
let worldAgents: Placed[] | null = null;
let active = false;

function perfKey(p: PerformanceReport | null): string {
  return p ? `${p.interval_s}|${p.steps_per_s}|${p.cpu_pct}|${p.timers.step?.count ?? 0}` : '';
}

/** The x of (episode, tick) on the end-to-end axis, marking a boundary when the episode changed. */
function xOf(episode: number, tick: number): number {
  if (lastEpisode >= 0 && (episode !== lastEpisode || tick < lastTick)) {
    offset += lastTick + 1;
    boundaries.push(offset);
  }
  lastEpisode = episode;
  lastTick = tick;
  return offset + tick;
}

function resetAxis(): void {
  offset = 0;
  lastTick = -1;
  lastEpisode = -1;
  boundaries = [];
  lastX = -1;
}

function buildCharts(r: MetricsReport): void {
  const key = `${r.roomId}|${r.agents.length}`;
  if (key === chartsKey) return;
  for (const c of charts) c.chart.destroy();
  chartsKey = key;
  const colours = r.colours ?? [];
  const defs = chartsFor(r.agents.length, colours, r.agents.map((a) => a.policy));
  charts = defs.map((def) => ({ def, chart: new Chart(def.spec, $(def.tab === 'research' ? 'charts-research' : 'charts-engine')) }));
}

/** Fill the charts from the room's stored series (the figures it kept before the page opened it). */
function loadStored(r: MetricsReport): void {
  const series = r.series;
  if (!series || !series.tick || series.tick.length === 0) return;
  const ticks = series.tick;
  // Episodes in the stored window: a tick lower than the one before starts a new one; the last is the current one.
  const xs: number[] = [];
  let ep = 0;
  let prevTick = -1;
  for (const t of ticks) {
    if (t === null) continue;
    if (prevTick >= 0 && t < prevTick) ep++;
    const x = xOf(ep, t);
    xs.push(x);
    prevTick = t;
  }
  // The stored window ends in the current episode.
  lastEpisode = r.episode;
  lastX = xs[xs.length - 1] ?? -1;
  for (const { def, chart } of charts) {
    if (!def.stored || !series[def.stored]) continue;
    chart.setData(xs, [series[def.stored].filter((_, i) => ticks[i] !== null)]);
  }
  for (const { chart } of charts) chart.setMarkers(boundaries.slice());
}

function select(roomId: string | null): void {
  if (roomId === selected) return;
  selected = roomId;
  gen++;
  prev = null;
  latest = null;
  follow = null;
  worldFrames = 0;
  worldAgents = null;
  chartsKey = '';
  for (const c of charts) c.chart.destroy();
  charts = [];
  resetAxis();
  $('world').dataset.frames = '0';
  $('follow-card').hidden = true;
  $('room-view').hidden = roomId === null;
  $('empty-view').hidden = roomId !== null;
  renderRoomList();
  const room = state.rooms.find((r) => r.roomId === roomId);
  if (room) renderRoomHead(room);
  if (roomId !== null) void pollMetrics(true);
}

function renderRoomList(): void {
  const list = $('room-list');
  const rooms = state.rooms;
  list.replaceChildren(
    ...rooms.map((r) => {
      const li = el('li', `room-item${r.roomId === selected ? ' selected' : ''}`);
      li.dataset.testid = 'room-item';
      li.dataset.roomId = r.roomId;
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.setAttribute('aria-pressed', String(r.roomId === selected));
      li.append(el('div', 'room-name', r.substrate));
      li.append(el('div', 'room-meta', r.scenario ?? 'no scenario'));
      const facts = [r.roomId, r.tick !== undefined ? `tick ${r.tick}` : null, `${r.clients} client${r.clients === 1 ? '' : 's'}`, r.lockstep ? 'lockstep' : r.tickRate ? `${r.tickRate} Hz` : null];
      li.append(el('div', 'room-meta mono', facts.filter(Boolean).join(' · ')));
      const go = (): void => navigate({ view: 'live', roomId: r.roomId });
      li.addEventListener('click', go);
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          go();
        }
      });
      return li;
    }),
  );
  $('room-count').textContent = String(rooms.length);
  $('no-rooms').hidden = rooms.length > 0;
}

function renderRoomHead(r: RoomInfo): void {
  $('room-title').textContent = r.substrate;
  $('room-sub').textContent = `${r.scenario ?? 'no scenario'} · room ${r.roomId}`;
  const play = $('room-play') as HTMLAnchorElement;
  play.href = `#play=${encodeURIComponent(r.roomId)}`;
}

async function pollMetrics(first = false): Promise<void> {
  const roomId = selected;
  if (roomId === null) return;
  const g = gen;
  let res: { status: number; body: MetricsReport | null };
  try {
    res = await getJson<MetricsReport>(`/api/rooms/${encodeURIComponent(roomId)}/metrics`);
  } catch {
    setStatus('error', 'server unreachable');
    return;
  }
  if (g !== gen) return;
  if (!res.body) {
    setStatus('error', res.status === 404 ? 'room closed' : `metrics: HTTP ${res.status}`);
    return;
  }
  const r = res.body;
  latest = r;
  buildCharts(r);
  if (first) loadStored(r);
  const now = Date.now();
  const t = now / 1000;
  const p = r.performance;
  const key = perfKey(p);
  let observedSps: number | null = null;
  if (prev && prev.episode === r.episode && r.tick >= prev.tick && t > prev.t) observedSps = (r.tick - prev.tick) / (t - prev.t);
  let obsMeanUs = prev?.d.obsMeanUs ?? null;
  let actMeanUs = prev?.d.actMeanUs ?? null;
  if (p && key !== prev?.perfKey) {
    obsMeanUs = intervalMean(prev?.perf ?? null, p, OBS_TIMERS.filter((n) => p.timers[n]).slice(0, 1));
    actMeanUs = intervalMean(prev?.perf ?? null, p, ACTION_TIMERS);
  }
  const zaps = r.stock?.zaps ?? 0;
  const interactions = r.stock?.interactions ?? 0;
  let zapsPerWindow = prev?.d.zapsPerWindow ?? null;
  let interactionsPerWindow = prev?.d.interactionsPerWindow ?? null;
  if (prev && prev.episode === r.episode && r.tick > prev.tick) {
    zapsPerWindow = ((zaps - prev.zaps) / (r.tick - prev.tick)) * WINDOW_TICKS;
    interactionsPerWindow = ((interactions - prev.interactions) / (r.tick - prev.tick)) * WINDOW_TICKS;
  }
  const d: Derived = { observedSps, obsMeanUs, actMeanUs, zapsPerWindow, interactionsPerWindow };
  prev = { t, tick: r.tick, episode: r.episode, perf: p ?? prev?.perf ?? null, perfKey: p ? key : prev?.perfKey ?? '', d, zaps, interactions };
  const sample: Sample = { r, m: r.metrics, p, d };
  const nBoundaries = boundaries.length;
  const x = xOf(r.episode, r.tick);
  if (x !== lastX) {
    lastX = x;
    for (const { def, chart } of charts) chart.push(x, def.get(sample));
  }
  if (boundaries.length !== nBoundaries || first) for (const { chart } of charts) chart.setMarkers(boundaries.slice());
  renderKpis(sample);
  renderErrors(r);
  renderAgents(r.agents, r.colours ?? []);
  renderLegend(r);
  drawOverlay();
  setStatus('live', `live · tick ${r.tick}`);
}

function renderKpis(s: Sample): void {
  const { r, m, p, d } = s;
  const players = r.agents.length;
  const coalitions = m?.coalition_sizes ?? [];
  const items: [string, string][] = [
    ['Tick', `${r.tick}`],
    ['Episode', `${r.episode} (${r.episodes_completed} done)`],
    ['Tick rate', r.lockstep ? 'lockstep' : `${fmt(r.achieved_tick_rate, 1)} / ${r.tick_rate} Hz`],
    ['Steps/s', fmt(p?.steps_per_s ?? d.observedSps, 1)],
    ['Active agents', p?.active_agents !== undefined ? `${p.active_agents} / ${players}` : `— / ${players}`],
    ['Gini', fmt(m?.gini_coefficient, 3)],
    ['Collective return', fmt(m?.collective_return, 2)],
    ['Focal / bg return', `${fmt(m?.focal_per_capita_return, 2)} / ${fmt(m?.background_per_capita_return, 2)}`],
    ['Pareto efficiency', fmt(m?.pareto_efficiency, 3)],
    ['Coalitions', coalitions.length ? `${coalitions.length} (largest ${Math.max(...coalitions)})` : '—'],
    ['Live apples', r.stock ? String(r.stock.live_apples) : '—'],
    ['Results written', `${r.results_written}`],
  ];
  $('kpis').replaceChildren(
    ...items.map(([k, v]) => {
      const div = el('div', 'kpi');
      div.append(el('dt', '', k), el('dd', '', v));
      return div;
    }),
  );
  $('room-state').replaceChildren(
    el('span', `badge ${r.lockstep ? 'badge-purple' : 'badge-blue'}`, r.lockstep ? 'lockstep' : `real-time ${r.tick_rate} Hz`),
    el('span', 'badge', `episode ${r.episode}`),
    el('span', 'badge', `tick ${r.tick}`),
  );
}

function renderErrors(r: MetricsReport): void {
  const tbody = $('errors').querySelector('tbody')!;
  const rows: HTMLTableRowElement[] = [];
  const row = (k: string, v: number, cls = ''): HTMLTableRowElement => {
    const tr = el('tr', cls);
    tr.dataset.code = k;
    tr.append(el('td', 'mono', k), el('td', `num${v > 0 ? ' warn' : ''}`, String(v)));
    return tr;
  };
  const codes = Object.entries(r.errors).sort((a, b) => b[1] - a[1]);
  if (codes.length === 0) {
    const tr = el('tr');
    tr.append(el('td', 'muted', 'no rejected inputs'), el('td', 'num', '0'));
    rows.push(tr);
  } else {
    for (const [k, v] of codes) rows.push(row(k, v));
  }
  rows.push(row('tick errors', r.tick_errors, 'sep'), row('late ticks', r.late_ticks), row('resyncs', r.resyncs));
  rows.push(row('late actions', r.late_actions, 'sep'), row('missed actions', r.missed_actions), row('expired actions', r.expired_actions));
  tbody.replaceChildren(...rows);
}

function renderAgents(agents: AgentRow[], colours: string[]): void {
  const tbody = $('agents').querySelector('tbody')!;
  tbody.replaceChildren(
    ...agents.map((a) => {
      const tr = el('tr');
      tr.dataset.testid = 'agent-row';
      tr.dataset.slot = String(a.slot);
      const slot = el('td', 'num', String(a.slot));
      slot.style.borderLeft = `4px solid ${colours[a.slot] ?? 'transparent'}`;
      const side = el('td');
      side.append(el('span', `badge ${a.focal ? 'badge-orange' : 'badge-gray'}`, a.focal ? 'focal' : 'background'));
      const seat = a.seated ? (a.connected ? 'client' : 'dropped') : 'bot';
      const seatCell = el('td');
      seatCell.append(el('span', `seat seat-${seat}`, seat));
      const facing = a.facing === undefined ? '—' : typeof a.facing === 'number' ? DIRS[a.facing] ?? String(a.facing) : a.facing;
      const status = a.removed === undefined && a.frozen === undefined ? '—' : a.removed ? 'removed' : a.frozen ? 'frozen' : 'active';
      const statusCell = el('td');
      statusCell.append(el('span', `status-${status === '—' ? 'unknown' : status}`, status));
      tr.append(slot, el('td', 'mono', a.agent), side, el('td', '', a.policy), seatCell, el('td', 'num', String(a.x)), el('td', 'num', String(a.y)), el('td', '', facing), el('td', 'num', fmt(a.episode_return, 1)), statusCell);
      tr.addEventListener('click', () => setFollow(a.slot));
      return tr;
    }),
  );
}

function renderLegend(r: MetricsReport): void {
  const colours = r.colours ?? [];
  $('world-legend').replaceChildren(
    ...r.agents.map((a) => {
      const item = el('button', `legend-item${follow === a.slot ? ' selected' : ''}`);
      item.dataset.testid = 'legend-item';
      item.dataset.slot = String(a.slot);
      const sw = el('span', 'swatch');
      sw.style.background = colours[a.slot] ?? '#888';
      item.append(sw, el('span', 'mono', String(a.slot)), el('span', '', a.policy), el('span', 'muted', a.focal ? 'focal' : 'bg'));
      item.addEventListener('click', () => setFollow(a.slot));
      return item;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// World image, labels, follow

function fitWorld(): void {
  const img = $('world') as HTMLImageElement;
  if (!img.naturalWidth) return;
  const frame = $('world-frame');
  const avail = Math.max(1, frame.clientWidth - 2);
  // The largest integer factor that fits (crisp pixels); a map larger than the panel (a tiled room) is shrunk to fit.
  const fit = Math.min(avail / img.naturalWidth, WORLD_MAX_HEIGHT / img.naturalHeight);
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const w = img.naturalWidth * scale;
  const h = img.naturalHeight * scale;
  img.style.width = `${w}px`;
  img.style.height = `${h}px`;
  const overlay = $('world-overlay') as HTMLCanvasElement;
  overlay.style.width = `${w}px`;
  overlay.style.height = `${h}px`;
  overlay.width = w * devicePixelRatio;
  overlay.height = h * devicePixelRatio;
  overlay.dataset.scale = String(scale);
  $('world-caption').textContent = `${img.naturalWidth}×${img.naturalHeight} px · ×${+scale.toFixed(2)} · click an avatar to follow it`;
  drawOverlay();
}

/** Each avatar's slot in its colour above it, and a notch on the side it faces. */
function drawOverlay(): void {
  const overlay = document.getElementById('world-overlay') as HTMLCanvasElement | null;
  const r = latest;
  if (!overlay || !r) return;
  // The places at the image's own tick; the metrics report (polled apart, another tick) only before the first image.
  const placed: Placed[] = worldAgents ?? r.agents.map((a) => ({ slot: a.slot, x: a.x, y: a.y, facing: String(a.facing ?? 'N'), removed: a.removed === true }));
  const ctx = overlay.getContext('2d');
  if (!ctx) return;
  const scale = Number(overlay.dataset.scale || 1) * devicePixelRatio;
  const cell = CELL_PX * scale;
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const colours = r.colours ?? [];
  ctx.font = `bold ${Math.max(9, Math.round(cell * 0.45))}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const a of placed) {
    if (a.removed) continue;
    const cx = (a.x + 0.5) * cell;
    const cy = (a.y + 0.5) * cell;
    const colour = colours[a.slot] ?? '#888';
    const dir = DIRS.indexOf(a.facing);
    // Facing: a triangle on the cell's edge.
    const [dx, dy] = [[0, -1], [1, 0], [0, 1], [-1, 0]][dir] ?? [0, 0];
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = '#0f172a';
    ctx.lineWidth = Math.max(1, scale * 0.4);
    ctx.beginPath();
    const tip = [cx + dx * cell * 0.62, cy + dy * cell * 0.62];
    const side = cell * 0.2;
    ctx.moveTo(tip[0], tip[1]);
    ctx.lineTo(cx + dx * cell * 0.38 - dy * side, cy + dy * cell * 0.38 + dx * side);
    ctx.lineTo(cx + dx * cell * 0.38 + dy * side, cy + dy * cell * 0.38 - dx * side);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    // Label: the slot, white on the player's colour, above the avatar.
    const label = String(a.slot);
    const lw = Math.max(cell * 0.6, ctx.measureText(label).width + cell * 0.25);
    const lh = cell * 0.55;
    const ly = Math.max(lh / 2, cy - cell * 0.85);
    ctx.fillStyle = colour;
    ctx.fillRect(cx - lw / 2, ly - lh / 2, lw, lh);
    if (follow === a.slot) {
      ctx.strokeStyle = '#facc15';
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.strokeRect(cx - cell / 2, cy - cell / 2, cell, cell);
    }
    ctx.fillStyle = '#ffffff';
    ctx.fillText(label, cx, ly + 0.5);
  }
}

function setFollow(slot: number | null): void {
  follow = slot;
  $('follow-card').hidden = slot === null;
  if (slot !== null && latest) $('follow-title').textContent = `Following ${slot} (${latest.agents[slot]?.policy ?? '?'}): its own view`;
  if (latest) renderLegend(latest);
  drawOverlay();
  void pollFollow();
}

function onWorldClick(e: MouseEvent): void {
  const overlay = $('world-overlay');
  const rect = overlay.getBoundingClientRect();
  const scale = Number(overlay.dataset.scale || 1);
  const x = Math.floor((e.clientX - rect.left) / scale / CELL_PX);
  const y = Math.floor((e.clientY - rect.top) / scale / CELL_PX);
  // The avatar on the clicked cell, else one next to it (labels sit above their avatar).
  const placed = worldAgents ?? latest?.agents;
  const exact = placed?.find((a) => !a.removed && a.x === x && a.y === y);
  const pick = exact ?? placed?.find((a) => !a.removed && Math.abs(a.x - x) + Math.abs(a.y - y) <= 1);
  if (pick) setFollow(pick.slot);
}

/** `X-Crucible-Agents`: per slot `x,y,facing` or `-` (removed), `;`-joined (server/app.ts). */
function parsePlaced(header: string | null): Placed[] | null {
  if (header === null) return null;
  return header.split(';').map((cell, slot) => {
    if (cell === '-') return { slot, x: -1, y: -1, facing: 'N', removed: true };
    const [x, y, facing] = cell.split(',');
    return { slot, x: Number(x), y: Number(y), facing: facing ?? 'N', removed: false };
  });
}

async function loadImage(img: HTMLImageElement, url: string, previous: string | null, onShown?: (res: Response) => void): Promise<string | null> {
  const g = gen;
  const res = await fetch(url, { cache: 'no-store' }).catch(() => null);
  if (!res || !res.ok || g !== gen) return previous;
  const blob = await res.blob();
  if (g !== gen) return previous;
  const objectUrl = URL.createObjectURL(blob);
  await new Promise<void>((resolve) => {
    img.onload = () => resolve();
    img.onerror = () => resolve();
    img.src = objectUrl;
  });
  onShown?.(res);
  if (previous) URL.revokeObjectURL(previous);
  return objectUrl;
}

async function pollWorld(): Promise<void> {
  const roomId = selected;
  if (roomId === null) return;
  const img = $('world') as HTMLImageElement;
  const before = worldUrl;
  worldUrl = await loadImage(img, `/api/rooms/${encodeURIComponent(roomId)}/world.png?t=${Date.now()}`, worldUrl, (res) => {
    // The labels' places come with the image, for its tick: they move when the sprites move, never after.
    worldAgents = parsePlaced(res.headers.get('X-Crucible-Agents'));
    img.dataset.tick = res.headers.get('X-Crucible-Tick') ?? '';
  });
  if (worldUrl !== before && img.naturalWidth > 0) {
    worldFrames++;
    img.dataset.frames = String(worldFrames);
    fitWorld();
  }
  await pollFollow();
}

async function pollFollow(): Promise<void> {
  if (selected === null || follow === null) return;
  const img = $('follow-image') as HTMLImageElement;
  followUrl = await loadImage(img, `/api/rooms/${encodeURIComponent(selected)}/agent/${follow}.png?t=${Date.now()}`, followUrl);
}

function every(ms: number, fn: () => Promise<void>): void {
  const run = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      if (active) await fn();
    } catch (err) {
      console.warn(err);
    }
    setTimeout(run, Math.max(0, ms - (performance.now() - t0)));
  };
  void run();
}

function showTab(tab: 'research' | 'engine'): void {
  for (const t of ['research', 'engine'] as const) {
    $(`tab-${t}`).classList.toggle('selected', t === tab);
    $(`pane-${t}`).hidden = t !== tab;
  }
}

/** Wire the live view to the page and the state. */
export function startLiveView(): void {
  const ws = location.protocol === 'https:' ? 'wss' : 'ws';
  $('no-rooms-snippet').textContent =
    `import { connect } from './client/agent.js';\n` +
    `await connect('${ws}://${location.host}', 'commons_harvest__open',\n` +
    `  { role: 'spectator', scenario: 'commons_harvest__open_0' });`;
  $('room-view').hidden = true;
  $('empty-view').hidden = false;
  $('tab-research').addEventListener('click', () => showTab('research'));
  $('tab-engine').addEventListener('click', () => showTab('engine'));
  $('world-overlay').addEventListener('click', onWorldClick);
  $('follow-close').addEventListener('click', () => setFollow(null));
  new ResizeObserver(() => fitWorld()).observe($('world-frame'));
  const sync = (): void => {
    active = state.route.view === 'live';
    $('live-view').hidden = !active;
    if (!active) return;
    renderRoomList();
    const wanted = state.route.view === 'live' ? state.route.roomId : null;
    if (wanted && state.rooms.some((r) => r.roomId === wanted)) select(wanted);
    else if (selected !== null && !state.rooms.some((r) => r.roomId === selected)) select(null);
    if (selected === null && state.rooms.length > 0 && state.route.view === 'live') {
      const first = wanted && state.rooms.some((r) => r.roomId === wanted) ? wanted : state.rooms[0].roomId;
      navigate({ view: 'live', roomId: first }, true);
      select(first);
    }
    const room = state.rooms.find((r) => r.roomId === selected);
    if (room) renderRoomHead(room);
    if (state.rooms.length === 0) setStatus('live', 'live · no rooms');
  };
  let last = '';
  subscribe(() => {
    // Status updates re-emit too: only re-sync when the route or the room list changed.
    const key = `${JSON.stringify(state.route)}|${state.rooms.map((r) => `${r.roomId}:${r.tick}:${r.clients}`).join(',')}`;
    if (key === last) return;
    last = key;
    sync();
  });
  sync();
  every(METRICS_EVERY_MS, () => pollMetrics());
  every(WORLD_EVERY_MS, pollWorld);
}
