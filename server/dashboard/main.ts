/**
 * The Crucible dashboard (served at `/`, bundled by server/buildDashboard.ts): one module per view, the state in
 * one place (state.ts), Preact with htm for the views built from data, uPlot for the charts.
 *
 *   views/live.ts     a running room: world, research charts, engine internals, agents   #room=<id>
 *   views/history.ts  past episodes from the results files, an episode's summary          #history, #episode=<id>
 *   views/replay.ts   the replay viewer                                                   #replay=<name>
 *   views/play.ts     start a room; play one as a human with the keyboard                 #play[=<room id>]
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { loadSubstrates, refreshRooms, setStatus, state, subscribe } from './state.js';
import { startHistoryView } from './views/history.js';
import { startLiveView } from './views/live.js';
import { startPlayView } from './views/play.js';
import { startReplayView } from './views/replay.js';

const ROOMS_EVERY_MS = 2000;

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from index.html`);
  return e;
}

function renderChrome(): void {
  const s = $('status');
  s.dataset.state = state.status.state;
  s.querySelector('.status-text')!.textContent = state.status.text;
  const view = state.route.view === 'episode' ? 'history' : state.route.view;
  for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>("[data-nav]"))) a.classList.toggle('selected', a.dataset.nav === view);
}

function start(): void {
  subscribe(renderChrome);
  renderChrome();
  startLiveView();
  startHistoryView($('history-view'));
  startReplayView($('replay-view'));
  startPlayView($('play-view'));
  void loadSubstrates();
  const poll = async (): Promise<void> => {
    await refreshRooms();
    setTimeout(poll, ROOMS_EVERY_MS);
  };
  void poll();
  setInterval(() => {
    if (state.lastOk && Date.now() - state.lastOk > 5000) setStatus('error', `no answer for ${Math.round((Date.now() - state.lastOk) / 1000)} s`);
  }, 1000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
