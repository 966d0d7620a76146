/**
 * The Crucible dashboard (served at `/`, bundled by server/buildDashboard.ts). No framework: plain DOM + uPlot.
 *
 *   GET /api/rooms                 every 2 s   → the room list (first room selected unless the URL hash names one)
 *   GET /api/rooms/:id/metrics     every 0.5 s → charts (last 300 samples, appended client-side), KPIs, agents, errors
 *   GET /api/rooms/:id/world.png   every 0.25 s → the world image (integer-scaled, pixelated)
 *
 * The charts are the original specification's "Monitoring Dashboard Metrics". Performance figures (steps/s, timers,
 * memory, CPU, queue depth, spatial index) come from the room's latest performance report, which the server takes
 * every few seconds: between reports those charts hold their last value.
 *
 * Stable hooks for tests: data-testid on the room list items (plus data-room-id), the world image (plus
 * data-frames), each chart container (`chart-<key>`, plus data-points) and the agent table.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { MetricsSnapshot } from '../../systems/computeMetrics.js';
import type { PerformanceReport, TimerStats } from '../../systems/performanceMonitor.js';

// ---------------------------------------------------------------------------------------------------------------
// API shapes (server/rooms/SubstrateRoom.ts: describe, metricsReport)

interface RoomInfo {
  roomId: string;
  substrate: string;
  scenario: string | null;
  clients: number;
  agents?: number;
  tick?: number;
  episode?: number;
  tickRate?: number;
  lockstep?: boolean;
}

interface AgentRow {
  agent: string;
  slot: number;
  focal: boolean;
  policy: string;
  seated: boolean;
  connected: boolean;
  x: number;
  y: number;
  episode_return: number;
  /** Optional until the server reports them. */
  facing?: string | number;
  removed?: boolean;
  frozen?: boolean;
}

interface MetricsReport {
  roomId: string;
  substrate: string;
  scenario: string | null;
  tick: number;
  episode: number;
  episodes_completed: number;
  tick_rate: number;
  achieved_tick_rate: number;
  lockstep: boolean;
  ticks: number;
  late_ticks: number;
  resyncs: number;
  tick_errors: number;
  errors: Record<string, number>;
  late_actions: number;
  missed_actions: number;
  expired_actions: number;
  results_written: number;
  metrics: MetricsSnapshot | null;
  performance: PerformanceReport | null;
  agents: AgentRow[];
}

// ---------------------------------------------------------------------------------------------------------------
// Settings

const ROOMS_EVERY_MS = 2000;
const METRICS_EVERY_MS = 500;
const WORLD_EVERY_MS = 250;
const MAX_POINTS = 300;
const CHART_HEIGHT = 130;
/** The world image is scaled by an integer factor, at most this tall. */
const WORLD_MAX_HEIGHT = 480;
/** Timer names: observation rendering, and the stages that turn actions into moves. */
const OBS_TIMERS = ['observations', 'renderObservations'];
const ACTION_TIMERS = ['chooseBotActions', 'moveAvatars'];
const DIRS = ['N', 'E', 'S', 'W'];

const C = {
  blue: '#2563eb',
  teal: '#0d9488',
  orange: '#ea580c',
  purple: '#7c3aed',
  pink: '#db2777',
  green: '#16a34a',
  slate: '#64748b',
  amber: '#d97706',
  red: '#dc2626',
};

// ---------------------------------------------------------------------------------------------------------------
// Samples: one per metrics poll, with figures derived from consecutive reports

interface Derived {
  /** Ticks per second of wall time between two polls (null across an episode reset or on the first poll). */
  observedSps: number | null;
  /** Mean µs per measured tick over the last performance-report interval (summed over the timers). */
  obsMeanUs: number | null;
  actMeanUs: number | null;
}

interface Sample {
  r: MetricsReport;
  m: MetricsSnapshot | null;
  p: PerformanceReport | null;
  d: Derived;
}

function timer(p: PerformanceReport | null, names: readonly string[]): TimerStats | null {
  if (!p) return null;
  for (const n of names) if (p.timers[n]) return p.timers[n];
  return null;
}

/** Sum over `names` of the mean duration between two cumulative timer readings; null when nothing new was timed. */
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

// ---------------------------------------------------------------------------------------------------------------
// Charts

type Group = 'substrate' | 'system' | 'fairness';

interface SeriesDef {
  label: string;
  color: string;
  get: (s: Sample) => number | null | undefined;
}

interface ChartDef {
  key: string;
  title: string;
  group: Group;
  unit?: string;
  decimals?: number;
  /** Shown on hover over the title. */
  hint?: string;
  /** Fixed y range (rates); otherwise from 0 (or the minimum, if negative) to the maximum. */
  range?: [number, number];
  series: SeriesDef[];
}

const CHARTS: ChartDef[] = [
  // Substrate metrics
  {
    key: 'steps_per_s', title: 'Steps per second', group: 'substrate', unit: '/s', decimals: 1,
    series: [
      { label: 'reported', color: C.blue, get: (s) => s.p?.steps_per_s },
      { label: 'observed (Δtick / Δt)', color: C.slate, get: (s) => s.d.observedSps },
    ],
  },
  {
    key: 'active_agents', title: 'Active agents', group: 'substrate', decimals: 0,
    series: [{ label: 'active', color: C.teal, get: (s) => s.p?.active_agents }],
  },
  {
    key: 'gini_coefficient', title: 'Gini coefficient', group: 'substrate', decimals: 3, range: [0, 1],
    series: [{ label: 'Gini', color: C.purple, get: (s) => s.m?.gini_coefficient }],
  },
  {
    key: 'collective_return', title: 'Collective return (mean per player)', group: 'substrate', decimals: 2,
    series: [
      { label: 'all', color: C.blue, get: (s) => s.m?.collective_return },
      { label: 'focal', color: C.orange, get: (s) => s.m?.focal_per_capita_return },
      { label: 'background', color: C.slate, get: (s) => s.m?.background_per_capita_return },
    ],
  },
  {
    key: 'observation_time', title: 'Observation generation time', group: 'substrate', unit: 'µs', decimals: 1,
    hint: 'timer renderObservations (every seated agent), per measured tick',
    series: [
      { label: 'mean (last interval)', color: C.teal, get: (s) => s.d.obsMeanUs },
      { label: 'p50', color: C.blue, get: (s) => timer(s.p, OBS_TIMERS)?.p50 },
      { label: 'p95', color: C.amber, get: (s) => timer(s.p, OBS_TIMERS)?.p95 },
    ],
  },
  {
    key: 'action_time', title: 'Action processing time', group: 'substrate', unit: 'µs', decimals: 1,
    hint: 'timers chooseBotActions + moveAvatars, per measured tick',
    series: [
      { label: 'mean (last interval)', color: C.orange, get: (s) => s.d.actMeanUs },
      { label: 'p50 (sum)', color: C.blue, get: (s) => sumP50(s.p, ACTION_TIMERS) },
    ],
  },
  // System metrics
  {
    key: 'memory', title: 'Memory', group: 'system', unit: 'MB', decimals: 1,
    series: [
      { label: 'RSS', color: C.blue, get: (s) => s.p?.memory.rss_mb },
      { label: 'heap used', color: C.pink, get: (s) => s.p?.memory.heap_mb },
    ],
  },
  {
    key: 'cpu_pct', title: 'CPU utilisation', group: 'system', unit: '%', decimals: 1,
    series: [{ label: 'CPU', color: C.red, get: (s) => s.p?.cpu_pct }],
  },
  {
    key: 'event_queue_depth', title: 'Event queue depth', group: 'system', decimals: 0,
    series: [{ label: 'depth', color: C.amber, get: (s) => s.p?.event_queue_depth }],
  },
  {
    key: 'spatial_index_size', title: 'Spatial index size', group: 'system', decimals: 0,
    series: [{ label: 'entries', color: C.teal, get: (s) => s.p?.spatial_index_size }],
  },
  // Fairness metrics
  {
    key: 'exploitation_attempts', title: 'Exploitation attempts', group: 'fairness', decimals: 0,
    series: [{ label: 'attempts', color: C.red, get: (s) => s.m?.exploitation_attempts }],
  },
  {
    key: 'defense_success_rate', title: 'Defense success rate', group: 'fairness', decimals: 3, range: [0, 1],
    series: [{ label: 'rate', color: C.green, get: (s) => s.m?.defense_success_rate }],
  },
  {
    key: 'diversity_index', title: 'Diversity index (Simpson)', group: 'fairness', decimals: 3, range: [0, 1],
    series: [{ label: 'diversity', color: C.purple, get: (s) => s.m?.diversity_index }],
  },
  {
    key: 'consent_refusal_rate', title: 'Consent refusal rate', group: 'fairness', decimals: 3, range: [0, 1],
    series: [{ label: 'rate', color: C.pink, get: (s) => s.m?.consent_refusal_rate }],
  },
  {
    key: 'background_equality', title: 'Background equality', group: 'fairness', decimals: 3, range: [0, 1],
    series: [{ label: 'equality', color: C.teal, get: (s) => s.m?.background_equality }],
  },
  {
    key: 'largest_coalition', title: 'Largest coalition', group: 'fairness', decimals: 0,
    series: [
      { label: 'largest', color: C.blue, get: (s) => largestCoalition(s.m) },
      { label: 'coalitions', color: C.slate, get: (s) => s.m?.coalition_sizes.length },
    ],
  },
];

function fmt(v: number | null | undefined, decimals = 2, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  const d = abs >= 10_000 ? 0 : decimals;
  const text = v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return unit ? (unit === '%' || unit === '/s' ? `${text}${unit}` : `${text} ${unit}`) : text;
}

/** Short axis labels: 1.2k, 3.4M. */
function axisLabel(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  if (abs > 0 && abs < 0.01) return v.toExponential(0);
  return `${+v.toFixed(3)}`;
}

/** x-axis labels: local wall-clock time, HH:MM:SS. */
function clock(seconds: number): string {
  const d = new Date(seconds * 1000);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

class Chart {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly valueEl: HTMLElement;
  private plot: uPlot | null = null;
  private xs: number[] = [];
  private ys: (number | null)[][];

  constructor(readonly def: ChartDef, parent: HTMLElement) {
    this.ys = def.series.map(() => []);
    this.el = el('div', 'card chart');
    this.el.dataset.testid = `chart-${def.key}`;
    this.el.dataset.chart = def.key;
    this.el.dataset.points = '0';
    const head = el('div', 'card-head');
    const h3 = el('h3', '', def.title);
    if (def.hint) h3.title = def.hint;
    head.append(h3);
    this.valueEl = el('span', 'chart-value', '—');
    head.append(this.valueEl);
    this.body = el('div', 'chart-body');
    this.el.append(head, this.body);
    parent.append(this.el);
    new ResizeObserver(() => this.resize()).observe(this.body);
  }

  private width(): number {
    return Math.max(120, Math.floor(this.body.clientWidth));
  }

  private create(): void {
    const def = this.def;
    const axis = { stroke: '#64748b', font: '11px system-ui, sans-serif', grid: { stroke: '#eef1f5', width: 1 }, ticks: { show: false } };
    const multi = def.series.length > 1;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: CHART_HEIGHT,
        padding: [6, 10, 0, 0],
        legend: { show: multi, live: false },
        cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
        scales: {
          x: { time: true },
          y: {
            range: def.range
              ? [def.range[0], def.range[1]]
              : (_u, min, max) => {
                  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
                  const lo = Math.min(0, min);
                  const hi = max > lo ? max : lo + 1;
                  return [lo, hi + (hi - lo) * 0.08];
                },
          },
        },
        axes: [
          // Whole seconds only, so no two labels read the same.
          { ...axis, space: 80, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600], values: (_u, vals) => vals.map(clock) },
          { ...axis, size: 46, values: (_u, vals) => vals.map(axisLabel) },
        ],
        series: [
          {},
          ...def.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.6,
            fill: multi ? undefined : `${s.color}1a`,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => fmt(v, def.decimals, def.unit),
          })),
        ],
      },
      [this.xs, ...this.ys] as uPlot.AlignedData,
      this.body,
    );
  }

  private resize(): void {
    if (this.plot && this.body.clientWidth > 0) this.plot.setSize({ width: this.width(), height: CHART_HEIGHT });
  }

  push(tSeconds: number, s: Sample): void {
    this.xs.push(tSeconds);
    this.def.series.forEach((sd, i) => {
      const v = sd.get(s);
      this.ys[i].push(v === undefined || v === null || !Number.isFinite(v) ? null : v);
    });
    if (this.xs.length > MAX_POINTS) {
      this.xs.splice(0, this.xs.length - MAX_POINTS);
      for (const y of this.ys) y.splice(0, y.length - MAX_POINTS);
    }
    this.el.dataset.points = String(this.xs.length);
    this.valueEl.textContent = fmt(this.ys[0][this.ys[0].length - 1], this.def.decimals, this.def.unit);
    if (!this.plot) {
      if (this.body.clientWidth > 0) this.create();
    } else {
      this.plot.setData([this.xs, ...this.ys] as uPlot.AlignedData);
    }
  }

  clear(): void {
    this.xs = [];
    this.ys = this.def.series.map(() => []);
    this.el.dataset.points = '0';
    this.valueEl.textContent = '—';
    this.plot?.setData([this.xs, ...this.ys] as uPlot.AlignedData);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers

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

async function getJson<T>(path: string): Promise<{ status: number; body: T | null }> {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) return { status: res.status, body: null };
  return { status: res.status, body: (await res.json()) as T };
}

// ---------------------------------------------------------------------------------------------------------------
// State

let rooms: RoomInfo[] = [];
let selected: string | null = null;
let charts: Chart[] = [];
let prevSample: { t: number; tick: number; episode: number; perf: PerformanceReport | null; perfKey: string; d: Derived } | null = null;
let lastOk = 0;
let worldUrl: string | null = null;
let worldFrames = 0;
let metricsGen = 0;

function hashRoom(): string | null {
  const m = /room=([^&]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

function setStatus(state: 'live' | 'error' | 'connecting', text: string): void {
  const s = $('status');
  s.dataset.state = state;
  s.querySelector('.status-text')!.textContent = text;
}

function select(roomId: string | null): void {
  if (roomId === selected) return;
  selected = roomId;
  metricsGen++;
  prevSample = null;
  worldFrames = 0;
  for (const c of charts) c.clear();
  $('world').dataset.frames = '0';
  $('room-view').hidden = roomId === null;
  $('empty-view').hidden = roomId !== null;
  if (roomId !== null && location.hash !== `#room=${encodeURIComponent(roomId)}`) {
    history.replaceState(null, '', `#room=${encodeURIComponent(roomId)}`);
  }
  renderRoomList();
  const room = rooms.find((r) => r.roomId === roomId);
  if (room) renderRoomHead(room);
}

// ---------------------------------------------------------------------------------------------------------------
// Rooms

function renderRoomList(): void {
  const list = $('room-list');
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
      li.addEventListener('click', () => select(r.roomId));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select(r.roomId);
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
}

async function pollRooms(): Promise<void> {
  try {
    const { body } = await getJson<RoomInfo[]>('/api/rooms');
    if (!body) throw new Error('bad response');
    rooms = body.slice().sort((a, b) => a.substrate.localeCompare(b.substrate) || a.roomId.localeCompare(b.roomId));
    lastOk = Date.now();
    const wanted = hashRoom();
    if (selected !== null && !rooms.some((r) => r.roomId === selected)) select(null);
    if (selected === null && rooms.length > 0) select(rooms.some((r) => r.roomId === wanted) ? wanted : rooms[0].roomId);
    renderRoomList();
    const room = rooms.find((r) => r.roomId === selected);
    if (room) renderRoomHead(room);
    if (rooms.length === 0) setStatus('live', 'live · no rooms');
  } catch {
    setStatus('error', 'server unreachable');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics

function perfKey(p: PerformanceReport | null): string {
  return p ? `${p.interval_s}|${p.steps_per_s}|${p.cpu_pct}|${p.timers.step?.count ?? 0}` : '';
}

async function pollMetrics(): Promise<void> {
  const roomId = selected;
  if (roomId === null) return;
  const gen = metricsGen;
  let res: { status: number; body: MetricsReport | null };
  try {
    res = await getJson<MetricsReport>(`/api/rooms/${encodeURIComponent(roomId)}/metrics`);
  } catch {
    setStatus('error', 'server unreachable');
    return;
  }
  if (gen !== metricsGen) return; // the selection changed meanwhile
  if (!res.body) {
    setStatus('error', res.status === 404 ? 'room closed' : `metrics: HTTP ${res.status}`);
    if (res.status === 404) void pollRooms();
    return;
  }
  const r = res.body;
  const now = Date.now();
  lastOk = now;
  const t = now / 1000;
  const p = r.performance;
  const key = perfKey(p);
  const prev = prevSample;
  let observedSps: number | null = null;
  if (prev && prev.episode === r.episode && r.tick >= prev.tick && t > prev.t) observedSps = (r.tick - prev.tick) / (t - prev.t);
  let obsMeanUs = prev?.d.obsMeanUs ?? null;
  let actMeanUs = prev?.d.actMeanUs ?? null;
  if (p && key !== prev?.perfKey) {
    obsMeanUs = intervalMean(prev?.perf ?? null, p, OBS_TIMERS.filter((n) => p.timers[n]).slice(0, 1));
    actMeanUs = intervalMean(prev?.perf ?? null, p, ACTION_TIMERS);
  }
  const d: Derived = { observedSps, obsMeanUs, actMeanUs };
  prevSample = { t, tick: r.tick, episode: r.episode, perf: p ?? prev?.perf ?? null, perfKey: p ? key : prev?.perfKey ?? '', d };
  const sample: Sample = { r, m: r.metrics, p, d };
  for (const c of charts) c.push(t, sample);
  renderKpis(sample);
  renderErrors(r);
  renderAgents(r.agents);
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
    ['Memory', p ? `${fmt(p.memory.rss_mb, 0)} MB RSS` : '—'],
    ['Results written', `${r.results_written}`],
  ];
  $('kpis').replaceChildren(
    ...items.map(([k, v]) => {
      const div = el('div', 'kpi');
      div.append(el('dt', '', k), el('dd', '', v));
      return div;
    }),
  );
  $('kpi-age').textContent = p ? `perf report every ${fmt(p.interval_s, 1)} s` : 'first perf report pending';
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
  // Not rejections: actions applied one step late, agent-steps without an action (NOOP), answers after an episode end.
  rows.push(row('late actions', r.late_actions, 'sep'), row('missed actions', r.missed_actions), row('expired actions', r.expired_actions));
  tbody.replaceChildren(...rows);
}

function renderAgents(agents: AgentRow[]): void {
  const tbody = $('agents').querySelector('tbody')!;
  tbody.replaceChildren(
    ...agents.map((a) => {
      const tr = el('tr');
      tr.dataset.testid = 'agent-row';
      tr.dataset.slot = String(a.slot);
      const side = el('td');
      side.append(el('span', `badge ${a.focal ? 'badge-orange' : 'badge-gray'}`, a.focal ? 'focal' : 'background'));
      const seat = a.seated ? (a.connected ? 'client' : 'dropped') : 'bot';
      const seatCell = el('td');
      seatCell.append(el('span', `seat seat-${seat}`, seat));
      const facing = a.facing === undefined ? '—' : typeof a.facing === 'number' ? DIRS[a.facing] ?? String(a.facing) : a.facing;
      const status = a.removed === undefined && a.frozen === undefined ? '—' : a.removed ? 'removed' : a.frozen ? 'frozen' : 'active';
      const statusCell = el('td');
      statusCell.append(el('span', `status-${status === '—' ? 'unknown' : status}`, status));
      tr.append(
        el('td', 'num', String(a.slot)),
        el('td', 'mono', a.agent),
        side,
        el('td', '', a.policy),
        seatCell,
        el('td', 'num', String(a.x)),
        el('td', 'num', String(a.y)),
        el('td', '', facing),
        el('td', 'num', fmt(a.episode_return, 1)),
        statusCell,
      );
      return tr;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// World image

function fitWorld(): void {
  const img = $('world') as HTMLImageElement;
  if (!img.naturalWidth) return;
  const frame = $('world-frame');
  const avail = Math.max(1, frame.clientWidth - 2);
  const scale = Math.max(1, Math.min(Math.floor(avail / img.naturalWidth), Math.floor(WORLD_MAX_HEIGHT / img.naturalHeight)));
  img.style.width = `${img.naturalWidth * scale}px`;
  img.style.height = `${img.naturalHeight * scale}px`;
  $('world-caption').textContent = `${img.naturalWidth}×${img.naturalHeight} px · ×${scale}`;
}

async function pollWorld(): Promise<void> {
  const roomId = selected;
  if (roomId === null) return;
  const gen = metricsGen;
  const res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/world.png?t=${Date.now()}`, { cache: 'no-store' }).catch(() => null);
  if (!res || !res.ok || gen !== metricsGen) return;
  const blob = await res.blob();
  if (gen !== metricsGen) return;
  const url = URL.createObjectURL(blob);
  const img = $('world') as HTMLImageElement;
  await new Promise<void>((resolve) => {
    img.onload = () => resolve();
    img.onerror = () => resolve();
    img.src = url;
  });
  if (worldUrl) URL.revokeObjectURL(worldUrl);
  worldUrl = url;
  if (img.naturalWidth > 0) {
    worldFrames++;
    img.dataset.frames = String(worldFrames);
    fitWorld();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Start

/** Run `fn` every `ms` (measured from each start), never two at once. */
function every(ms: number, fn: () => Promise<void>): void {
  const run = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      await fn();
    } catch (err) {
      console.warn(err);
    }
    setTimeout(run, Math.max(0, ms - (performance.now() - t0)));
  };
  void run();
}

function start(): void {
  const ws = location.protocol === 'https:' ? 'wss' : 'ws';
  $('no-rooms-snippet').textContent =
    `import { connect } from './client/agent.js';\n` +
    `await connect('${ws}://${location.host}', 'commons_harvest__open',\n` +
    `  { role: 'spectator', scenario: 'commons_harvest__open_0' });`;
  const groups: Record<Group, HTMLElement> = { substrate: $('charts-substrate'), system: $('charts-system'), fairness: $('charts-fairness') };
  charts = CHARTS.map((def) => new Chart(def, groups[def.group]));
  $('room-view').hidden = true;
  $('empty-view').hidden = false;
  window.addEventListener('hashchange', () => {
    const wanted = hashRoom();
    if (wanted && rooms.some((r) => r.roomId === wanted)) select(wanted);
  });
  new ResizeObserver(() => fitWorld()).observe($('world-frame'));
  setInterval(() => {
    if (lastOk && Date.now() - lastOk > 5000) setStatus('error', `no answer for ${Math.round((Date.now() - lastOk) / 1000)} s`);
  }, 1000);
  every(ROOMS_EVERY_MS, pollRooms);
  every(METRICS_EVERY_MS, pollMetrics);
  every(WORLD_EVERY_MS, pollWorld);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
