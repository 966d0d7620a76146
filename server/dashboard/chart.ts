/**
 * One uPlot line chart in a card: x is a tick count (a room's ticks since the page opened it, or a replay's tick),
 * with vertical markers (episode boundaries) and an optional cursor line (the replay's current tick).
 *
 * Test hooks: `data-testid="chart-<key>"`, `data-chart`, `data-points` (points held), `data-markers` (boundaries).
 */
import uPlot from 'uplot';

export interface SeriesStyle {
  label: string;
  color: string;
}

export interface ChartSpec {
  key: string;
  title: string;
  unit?: string;
  decimals?: number;
  hint?: string;
  /** Fixed y range; otherwise from min(0, data) to the maximum. */
  range?: [number, number];
  series: SeriesStyle[];
  height?: number;
}

export const PALETTE = {
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

export function fmt(v: number | null | undefined, decimals = 2, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const d = Math.abs(v) >= 10_000 ? 0 : decimals;
  const text = v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return unit ? (unit === '%' || unit === '/s' ? `${text}${unit}` : `${text} ${unit}`) : text;
}

function axisLabel(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  if (abs > 0 && abs < 0.01) return v.toExponential(0);
  return `${+v.toFixed(3)}`;
}

const DEFAULT_HEIGHT = 130;
const MAX_POINTS = 2000;

export class Chart {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly valueEl: HTMLElement;
  private plot: uPlot | null = null;
  private xs: number[] = [];
  private ys: (number | null)[][];
  private markers: number[] = [];
  private cursorX: number | null = null;

  constructor(readonly spec: ChartSpec, parent: HTMLElement) {
    this.ys = spec.series.map(() => []);
    this.el = document.createElement('div');
    this.el.className = 'card chart';
    this.el.dataset.testid = `chart-${spec.key}`;
    this.el.dataset.chart = spec.key;
    this.el.dataset.points = '0';
    const head = document.createElement('div');
    head.className = 'card-head';
    const h3 = document.createElement('h3');
    h3.textContent = spec.title;
    if (spec.hint) h3.title = spec.hint;
    this.valueEl = document.createElement('span');
    this.valueEl.className = 'chart-value';
    this.valueEl.textContent = '—';
    head.append(h3, this.valueEl);
    this.body = document.createElement('div');
    this.body.className = 'chart-body';
    this.el.append(head, this.body);
    parent.append(this.el);
    new ResizeObserver(() => this.resize()).observe(this.body);
    this.create();
  }

  private width(): number {
    // A chart in a hidden tab has no width yet: draw it at a default size, resized when it shows.
    return Math.max(120, Math.floor(this.body.clientWidth || 400));
  }

  private create(): void {
    const spec = this.spec;
    const axis = { stroke: '#64748b', font: '11px system-ui, sans-serif', grid: { stroke: '#eef1f5', width: 1 }, ticks: { show: false } };
    const multi = spec.series.length > 1;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: spec.height ?? DEFAULT_HEIGHT,
        padding: [6, 10, 0, 0],
        legend: { show: multi, live: false },
        cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
        scales: {
          x: { time: false },
          y: {
            range: spec.range
              ? [spec.range[0], spec.range[1]]
              : (_u, min, max) => {
                  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
                  const lo = Math.min(0, min);
                  const hi = max > lo ? max : lo + 1;
                  return [lo, hi + (hi - lo) * 0.08];
                },
          },
        },
        axes: [
          { ...axis, space: 70, values: (_u, vals) => vals.map((v) => `${axisLabel(v)}`) },
          { ...axis, size: 46, values: (_u, vals) => vals.map(axisLabel) },
        ],
        series: [
          { label: 'tick' },
          ...spec.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.6,
            fill: multi ? undefined : `${s.color}1a`,
            points: { show: false },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => fmt(v, spec.decimals, spec.unit),
          })),
        ],
        hooks: { draw: [(u) => this.drawMarkers(u)] },
      },
      [this.xs, ...this.ys] as uPlot.AlignedData,
      this.body,
    );
  }

  /** Episode boundaries (dashed grey) and the cursor (solid red). */
  private drawMarkers(u: uPlot): void {
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    ctx.save();
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.strokeStyle = '#94a3b8';
    for (const x of this.markers) {
      const px = Math.round(u.valToPos(x, 'x', true));
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + height);
      ctx.stroke();
    }
    if (this.cursorX !== null) {
      ctx.setLineDash([]);
      ctx.strokeStyle = '#dc2626';
      const px = Math.round(u.valToPos(this.cursorX, 'x', true));
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }

  private resize(): void {
    if (this.plot && this.body.clientWidth > 0) this.plot.setSize({ width: this.width(), height: this.spec.height ?? DEFAULT_HEIGHT });
  }

  private redraw(): void {
    this.el.dataset.points = String(this.xs.length);
    const last = this.ys[0]?.[this.ys[0].length - 1];
    this.valueEl.textContent = fmt(last, this.spec.decimals, this.spec.unit);
    this.plot?.setData([this.xs, ...this.ys] as uPlot.AlignedData);
  }

  /** Replace all data. */
  setData(xs: number[], ys: (number | null)[][]): void {
    this.xs = xs.slice();
    this.ys = this.spec.series.map((_, i) => (ys[i] ?? []).map((v) => (v === null || !Number.isFinite(v) ? null : v)));
    this.redraw();
  }

  /** Append one point (values by series; missing = a gap). */
  push(x: number, values: (number | null | undefined)[]): void {
    this.xs.push(x);
    this.spec.series.forEach((_, i) => {
      const v = values[i];
      this.ys[i].push(v === undefined || v === null || !Number.isFinite(v) ? null : v);
    });
    if (this.xs.length > MAX_POINTS) {
      this.xs.splice(0, this.xs.length - MAX_POINTS);
      for (const y of this.ys) y.splice(0, y.length - MAX_POINTS);
    }
    this.redraw();
  }

  setMarkers(xs: number[]): void {
    this.markers = xs;
    this.el.dataset.markers = String(xs.length);
    this.plot?.redraw(false, false);
  }

  setCursor(x: number | null): void {
    this.cursorX = x;
    if (x !== null) this.valueEl.textContent = fmt(this.valueAt(x), this.spec.decimals, this.spec.unit);
    this.plot?.redraw(false, false);
  }

  /** The first series' value at the last x ≤ `x`. */
  private valueAt(x: number): number | null {
    let lo = 0;
    let hi = this.xs.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.xs[mid] <= x) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best >= 0 ? this.ys[0][best] : null;
  }

  clear(): void {
    this.setData([], []);
    this.setMarkers([]);
  }

  destroy(): void {
    this.plot?.destroy();
    this.el.remove();
  }
}
