/**
 * The replay viewer: any recorded episode, re-simulated by the server, with play, pause, step, scrub and speed,
 * one agent's own view beside the world on demand, and charts whose cursor follows the current tick.
 *
 *   GET /api/replays/:name/timeline               per-tick figures (loaded once)
 *   GET /api/replays/:name/frame/:tick.png[?agent] the picture at a tick
 *
 * Test hooks: `replay-canvas` (data-tick: the tick drawn), `replay-scrub`, `replay-play`, `replay-step`.
 */
import { fetchJson, type Timeline } from '../api.js';
import { Chart, fmt, PALETTE as C } from '../chart.js';
import { html, render, useEffect, useRef, useState } from '../html.js';
import { state, subscribe } from '../state.js';

/** A room's default tick rate: 1× plays 20 ticks a second. */
const BASE_FPS = 20;
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
const WINDOW_TICKS = 100;

/** Per window of WINDOW_TICKS ticks, from a cumulative series sampled every `stride` ticks. */
function windowed(cumulative: number[], stride: number): number[] {
  const back = Math.max(1, Math.round(WINDOW_TICKS / stride));
  return cumulative.map((v, i) => v - (cumulative[Math.max(0, i - back)] ?? 0));
}

/** The sample that holds tick `tick` (the last sampled tick ≤ it). */
function sampleAt(t: Timeline, tick: number): number {
  return tick >= t.steps ? t.ticks.length - 1 : Math.min(t.ticks.length - 1, Math.floor(tick / t.stride));
}

/** The video routes: rendered by the server on first request, then served from its cache. */
function videoUrl(name: string, format: 'mp4' | 'gif'): string {
  return `/api/replays/${encodeURIComponent(name)}/video.${format}`;
}

function ReplayCharts(props: { timeline: Timeline; tick: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const charts = useRef<Chart[]>([]);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const t = props.timeline;
    const xs = t.ticks;
    const made: Chart[] = [];
    const add = (c: Chart, ys: (number | null)[][]) => {
      c.setData(xs, ys);
      made.push(c);
    };
    add(
      new Chart({ key: 'replay_returns', title: 'Return per agent', decimals: 1, height: 170, series: t.agents.map((a) => ({ label: `${a.slot} ${a.policy}`, color: a.colour })) }, root),
      t.returns,
    );
    const focal = t.agents.filter((a) => a.focal).map((a) => a.slot);
    const bg = t.agents.filter((a) => !a.focal).map((a) => a.slot);
    const idx = xs.map((_, i) => i);
    const mean = (slots: number[], i: number) => (slots.length ? slots.reduce((s, k) => s + t.returns[k][i], 0) / slots.length : null);
    add(
      new Chart({ key: 'replay_focal', title: 'Focal against background (mean return)', decimals: 2, series: [{ label: 'focal', color: C.orange }, { label: 'background', color: C.slate }] }, root),
      [idx.map((i) => mean(focal, i)), idx.map((i) => mean(bg, i))],
    );
    add(
      new Chart({ key: 'replay_stock', title: 'Resource stock', decimals: 0, series: [{ label: 'live apples', color: C.green }, { label: 'resources', color: C.amber }] }, root),
      [t.live_apples, t.resources],
    );
    if (t.dirt_fraction.some((v) => v !== null)) {
      add(new Chart({ key: 'replay_dirt', title: 'River dirt fraction', decimals: 3, range: [0, 1], series: [{ label: 'dirty share', color: C.amber }] }, root), [t.dirt_fraction]);
    }
    add(
      new Chart({ key: 'replay_zaps', title: `Zaps and interactions per ${WINDOW_TICKS} ticks`, decimals: 0, series: [{ label: 'zaps', color: C.red }, { label: 'interactions', color: C.purple }] }, root),
      [windowed(t.zaps, t.stride), windowed(t.interactions, t.stride)],
    );
    charts.current = made;
    return () => {
      for (const c of made) c.destroy();
      charts.current = [];
    };
  }, [props.timeline]);
  useEffect(() => {
    for (const c of charts.current) c.setCursor(props.tick);
  }, [props.tick, props.timeline]);
  return html`<div class="charts" ref=${ref}></div>`;
}

function ReplayViewer(props: { name: string }) {
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [agent, setAgent] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const wanted = useRef(0);

  useEffect(() => {
    setTimeline(null);
    setError(null);
    setTick(0);
    setPlaying(false);
    fetchJson<Timeline>(`/api/replays/${encodeURIComponent(props.name)}/timeline`).then(setTimeline, (e: Error) => setError(e.message));
  }, [props.name]);

  // Draw the wanted tick; while a frame loads, later requests only move the target (no queue builds up).
  const draw = async (t: number, a: number | null): Promise<void> => {
    wanted.current = t;
    if (drawing.current) return;
    drawing.current = true;
    try {
      let shown = -1;
      while (shown !== wanted.current) {
        const target = wanted.current;
        const url = `/api/replays/${encodeURIComponent(props.name)}/frame/${target}.png${a !== null ? `?agent=${a}` : ''}`;
        const blob = await (await fetch(url)).blob();
        const bitmap = await createImageBitmap(blob);
        const c = canvas.current;
        if (!c) return;
        c.width = bitmap.width;
        c.height = bitmap.height;
        const ctx = c.getContext('2d')!;
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(bitmap, 0, 0);
        const frame = c.parentElement;
        const scale = Math.max(1, Math.min(Math.floor(((frame?.clientWidth ?? 600) - 2) / bitmap.width), Math.floor(520 / bitmap.height)));
        c.style.width = `${bitmap.width * scale}px`;
        c.style.height = `${bitmap.height * scale}px`;
        c.dataset.tick = String(target);
        shown = target;
      }
    } finally {
      drawing.current = false;
    }
  };

  useEffect(() => {
    if (timeline) void draw(tick, agent);
  }, [tick, agent, timeline]);

  useEffect(() => {
    if (!playing || !timeline) return;
    const timer = setInterval(() => {
      setTick((t) => {
        if (t >= timeline.steps) {
          setPlaying(false);
          return t;
        }
        return Math.min(timeline.steps, t + 1);
      });
    }, 1000 / (BASE_FPS * speed));
    return () => clearInterval(timer);
  }, [playing, speed, timeline]);

  if (error) return html`<section class="view-pad"><p class="error" data-testid="replay-error">${error}</p></section>`;
  if (!timeline) return html`<section class="view-pad"><p class="muted">re-simulating ${props.name}…</p></section>`;
  const t = timeline;
  const clamp = (v: number) => Math.max(0, Math.min(t.steps, v));
  return html`<section class="view-pad" data-testid="replay-view">
    <div class="view-head">
      <h1>Replay <span class="muted">${t.substrate} · ${t.scenario ?? 'no scenario'} · episode ${t.episode} · seed ${t.seed}</span></h1>
      <div class="actions">
        <a class="button" href="#history">← History</a>
        <a class="button" href=${`/api/replays/${encodeURIComponent(t.name)}`} download>Download replay</a>
        <a class="button" data-testid="replay-video" href=${videoUrl(t.name, 'mp4')} download>Download video (MP4)</a>
        <a class="button" data-testid="replay-gif" href=${videoUrl(t.name, 'gif')} download>GIF</a>
      </div>
    </div>
    <p class=${t.identical ? 'muted' : 'error'} data-testid="replay-check">
      ${t.identical
        ? `Re-simulated with Crucible ${t.crucible === '' ? '?' : t.crucible}: every bot chose the recorded action and the summary is byte-identical.`
        : `This engine does not reproduce the recording${t.first_divergence ? ` (first difference at tick ${t.first_divergence.tick}, ${t.first_divergence.agent})` : ''}: what you see is today's engine.`}
    </p>
    <div class="top-row">
      <div class="card world-card">
        <div class="card-head"><h3>Tick <span data-testid="replay-tick">${tick}</span> / ${t.steps}</h3><span class="muted">WORLD.RGB${agent !== null ? ` + agent ${agent}'s view` : ''}</span></div>
        <div class="world-frame"><canvas data-testid="replay-canvas" class="pixelated" ref=${canvas}></canvas></div>
        <div class="player-controls">
          <button data-testid="replay-play" onClick=${() => setPlaying(!playing)}>${playing ? '❚❚ Pause' : '▶ Play'}</button>
          <button data-testid="replay-back" onClick=${() => setTick(clamp(tick - 1))}>◀ step</button>
          <button data-testid="replay-step" onClick=${() => setTick(clamp(tick + 1))}>step ▶</button>
          <input type="range" data-testid="replay-scrub" min="0" max=${t.steps} value=${tick} onInput=${(e: Event) => setTick(clamp(Number((e.target as HTMLInputElement).value)))} />
          <label class="field inline">speed
            <select data-testid="replay-speed" value=${String(speed)} onChange=${(e: Event) => setSpeed(Number((e.target as HTMLSelectElement).value))}>
              ${SPEEDS.map((s) => html`<option value=${String(s)}>${s}×</option>`)}
            </select></label>
          <label class="field inline">follow
            <select data-testid="replay-agent" value=${agent === null ? '' : String(agent)} onChange=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              setAgent(v === '' ? null : Number(v));
            }}>
              <option value="">nobody</option>
              ${t.agents.map((a) => html`<option value=${String(a.slot)}>${a.slot} · ${a.policy}</option>`)}
            </select></label>
        </div>
      </div>
      <div class="card">
        <div class="card-head"><h3>At tick ${tick}</h3></div>
        <div class="legend">
          ${t.agents.map(
            (a) => html`<div class="legend-item"><span class="swatch" style=${`background:${a.colour}`}></span><span class="mono">${a.slot}</span><span>${a.policy}</span><span class="muted">${a.focal ? 'focal' : 'bg'}</span><strong class="num">${fmt(t.returns[a.slot][sampleAt(t, tick)], 1)}</strong></div>`,
          )}
        </div>
      </div>
    </div>
    <${ReplayCharts} timeline=${t} tick=${tick} />
  </section>`;
}

function ReplayRoot() {
  const [route, setRoute] = useState(state.route);
  useEffect(() => subscribe((s) => setRoute(s.route)), []);
  if (route.view !== 'replay') return null;
  return html`<${ReplayViewer} name=${route.name} />`;
}

export function startReplayView(root: HTMLElement): void {
  const sync = () => {
    root.hidden = state.route.view !== 'replay';
  };
  subscribe(sync);
  sync();
  render(html`<${ReplayRoot} />`, root);
}
