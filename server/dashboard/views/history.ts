/**
 * History: every episode of the results files (they survive restarts), filterable by substrate, scenario and
 * policy, exported as CSV or JSON; and one episode's summary (returns per agent, fairness figures, its replay).
 */
import { fetchJson, query, type EpisodeDetail, type EpisodeRow } from '../api.js';
import { fmt } from '../chart.js';
import { html, render, useEffect, useState } from '../html.js';
import { navigate, state, subscribe } from '../state.js';

interface Listing {
  episodes: EpisodeRow[];
  facets: { substrates: string[]; scenarios: string[]; policies: string[] };
}

interface Filters {
  substrate?: string;
  scenario?: string;
  policy?: string;
}

function Select(props: { label: string; testid: string; value: string | undefined; options: string[]; onChange: (v: string | undefined) => void }) {
  return html`<label class="field">${props.label}
    <select data-testid=${props.testid} value=${props.value ?? ''} onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value || undefined)}>
      <option value="">all</option>
      ${props.options.map((o) => html`<option value=${o}>${o}</option>`)}
    </select></label>`;
}

function HistoryTable() {
  const [filters, setFilters] = useState<Filters>({});
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      fetchJson<Listing>(`/api/history${query({ ...filters })}`)
        .then((l) => live && (setListing(l), setError(null)))
        .catch((e: Error) => live && setError(e.message));
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [filters.substrate, filters.scenario, filters.policy]);
  const q = query({ ...filters });
  const rows = listing?.episodes ?? [];
  return html`<section class="view-pad">
    <div class="view-head">
      <h1>Episode history <span class="pill" data-testid="history-count">${rows.length}</span></h1>
      <div class="actions">
        <a class="button" data-testid="export-csv" href=${`/api/history.csv${q}`} download>Export CSV</a>
        <a class="button" data-testid="export-json" href=${`/api/history.json${q}`} download>Export JSON</a>
      </div>
    </div>
    <p class="muted">Every finished episode of the results files in the server's results directory; newest first.</p>
    <div class="filters">
      <${Select} label="Substrate" testid="filter-substrate" value=${filters.substrate} options=${listing?.facets.substrates ?? []} onChange=${(v: string | undefined) => setFilters({ ...filters, substrate: v })} />
      <${Select} label="Scenario" testid="filter-scenario" value=${filters.scenario} options=${listing?.facets.scenarios ?? []} onChange=${(v: string | undefined) => setFilters({ ...filters, scenario: v })} />
      <${Select} label="Policy" testid="filter-policy" value=${filters.policy} options=${listing?.facets.policies ?? []} onChange=${(v: string | undefined) => setFilters({ ...filters, policy: v })} />
    </div>
    ${error && html`<p class="error">${error}</p>`}
    <div class="card table-card">
      <table class="agents" data-testid="history-table">
        <thead><tr>
          <th>finished</th><th>substrate</th><th>scenario</th><th class="num">ep.</th><th class="num">seed</th><th class="num">steps</th>
          <th class="num">collective</th><th class="num">focal</th><th class="num">background</th><th class="num">Gini</th><th>policies</th><th>replay</th>
        </tr></thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr data-testid="history-row" data-id=${r.id} class="clickable" onClick=${() => navigate({ view: 'episode', id: r.id })}>
              <td class="mono">${r.finished_at ? r.finished_at.replace('T', ' ').slice(0, 19) : '—'}</td>
              <td>${r.substrate}</td><td>${r.scenario ?? '—'}</td><td class="num">${r.episode}</td><td class="num">${r.seed}</td>
              <td class="num">${r.steps}${r.truncated ? html` <span class="muted">cut</span>` : ''}</td>
              <td class="num">${fmt(r.collective_return, 2)}</td><td class="num">${fmt(r.focal_per_capita_return, 2)}</td>
              <td class="num">${fmt(r.background_per_capita_return, 2)}</td><td class="num">${fmt(r.gini_coefficient, 3)}</td>
              <td>${r.policies.join(', ')}</td>
              <td>${r.replay ? html`<a href=${`#replay=${encodeURIComponent(r.replay)}`} onClick=${(e: Event) => e.stopPropagation()}>▶ replay</a>` : '—'}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${rows.length === 0 && html`<p class="muted pad">No episodes yet: rooms append one line per finished episode.</p>`}
    </div>
  </section>`;
}

function EpisodeView(props: { id: string }) {
  const [detail, setDetail] = useState<EpisodeDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDetail(null);
    fetchJson<EpisodeDetail>(`/api/history/${encodeURIComponent(props.id)}`).then(setDetail, (e: Error) => setError(e.message));
  }, [props.id]);
  if (error) return html`<section class="view-pad"><p class="error">${error}</p></section>`;
  if (!detail) return html`<section class="view-pad"><p class="muted">loading…</p></section>`;
  const { row, agents, fairness } = detail;
  const max = Math.max(1e-9, ...agents.map((a) => Math.abs(a.return)));
  return html`<section class="view-pad" data-testid="episode-view">
    <div class="view-head">
      <h1>${row.substrate} <span class="muted">${row.scenario ?? 'no scenario'} · episode ${row.episode} · seed ${row.seed}</span></h1>
      <div class="actions">
        <a class="button" href="#history">← History</a>
        ${row.replay && html`<a class="button primary" data-testid="open-replay" href=${`#replay=${encodeURIComponent(row.replay)}`}>▶ Replay</a>`}
        ${row.replay && html`<a class="button" href=${`/api/replays/${encodeURIComponent(row.replay)}`} download>Download replay</a>`}
        ${row.replay && html`<a class="button" data-testid="episode-video" href=${`/api/replays/${encodeURIComponent(row.replay)}/video.mp4`} download>Download video (MP4)</a>`}
      </div>
    </div>
    <p class="muted">${row.steps} steps, ${row.terminated ? 'terminated' : row.truncated ? 'truncated' : 'running'} · ${row.finished_at ?? ''} · room ${row.room ?? '—'} · ${row.file} line ${row.line}</p>
    <div class="top-row">
      <div class="card">
        <div class="card-head"><h3>Returns per agent</h3></div>
        <table class="agents" data-testid="episode-agents">
          <thead><tr><th class="num">slot</th><th>agent</th><th>side</th><th>policy</th><th class="num">return</th><th></th></tr></thead>
          <tbody>${agents.map(
            (a) => html`<tr>
              <td class="num">${a.slot}</td><td class="mono">${a.agent}</td>
              <td><span class=${`badge ${a.focal ? 'badge-orange' : 'badge-gray'}`}>${a.focal ? 'focal' : 'background'}</span></td>
              <td>${a.policy}</td><td class="num">${fmt(a.return, 2)}</td>
              <td class="bar-cell"><span class="bar" style=${`width:${Math.round((Math.abs(a.return) / max) * 100)}%;background:${a.focal ? '#ea580c' : '#64748b'}`}></span></td>
            </tr>`,
          )}</tbody>
        </table>
      </div>
      <div class="card">
        <div class="card-head"><h3>Fairness</h3></div>
        <dl class="kpis" data-testid="episode-fairness">
          ${Object.entries(fairness).map(([k, v]) => html`<div class="kpi"><dt>${k.replace(/_/g, ' ')}</dt><dd>${fmt(v, 3)}</dd></div>`)}
        </dl>
      </div>
    </div>
  </section>`;
}

function HistoryRoot() {
  const [route, setRoute] = useState(state.route);
  useEffect(() => subscribe((s) => setRoute(s.route)), []);
  if (route.view === 'history') return html`<${HistoryTable} />`;
  if (route.view === 'episode') return html`<${EpisodeView} id=${route.id} />`;
  return null;
}

export function startHistoryView(root: HTMLElement): void {
  const sync = () => {
    root.hidden = state.route.view !== 'history' && state.route.view !== 'episode';
  };
  subscribe(sync);
  sync();
  render(html`<${HistoryRoot} />`, root);
}
