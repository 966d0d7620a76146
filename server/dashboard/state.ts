/**
 * The dashboard's state, in one place: the route (from the URL hash), the substrate catalogue and the running
 * rooms. Views read it and subscribe; only the functions here change it.
 *
 *   #room=<id>       the live view of a room        #history[?filters]  past episodes
 *   #episode=<id>    one past episode's summary     #replay=<name>      the replay viewer
 *   #play            start a room / play as a human
 */
import { getJson, type RoomInfo, type SubstrateInfo } from './api.js';

export type Route =
  | { view: 'live'; roomId: string | null }
  | { view: 'history' }
  | { view: 'episode'; id: string }
  | { view: 'replay'; name: string }
  | { view: 'play'; roomId: string | null };

export interface State {
  route: Route;
  rooms: RoomInfo[];
  substrates: SubstrateInfo[];
  /** ms since epoch of the last successful answer (the status light). */
  lastOk: number;
  status: { state: 'live' | 'error' | 'connecting'; text: string };
}

export const state: State = {
  route: parseHash(location.hash),
  rooms: [],
  substrates: [],
  lastOk: 0,
  status: { state: 'connecting', text: 'connecting…' },
};

type Listener = (s: State) => void;
const listeners = new Set<Listener>();

export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(): void {
  for (const fn of listeners) fn(state);
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const [key, ...rest] = h.split('=');
  const value = decodeURIComponent(rest.join('='));
  switch (key) {
    case 'history':
      return { view: 'history' };
    case 'episode':
      return { view: 'episode', id: value };
    case 'replay':
      return { view: 'replay', name: value };
    case 'play':
      return { view: 'play', roomId: value || null };
    case 'room':
      return { view: 'live', roomId: value || null };
    default:
      return { view: 'live', roomId: null };
  }
}

export function hashOf(route: Route): string {
  switch (route.view) {
    case 'history':
      return '#history';
    case 'episode':
      return `#episode=${encodeURIComponent(route.id)}`;
    case 'replay':
      return `#replay=${encodeURIComponent(route.name)}`;
    case 'play':
      return route.roomId ? `#play=${encodeURIComponent(route.roomId)}` : '#play';
    case 'live':
      return route.roomId ? `#room=${encodeURIComponent(route.roomId)}` : '#';
  }
}

/** Go to a route: the hash changes (so Back works), and views are told. */
export function navigate(route: Route, replace = false): void {
  state.route = route;
  const hash = hashOf(route);
  if (location.hash !== hash && !(hash === '#' && location.hash === '')) {
    if (replace) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
  }
  emit();
}

export function setStatus(s: State['status']['state'], text: string): void {
  state.status = { state: s, text };
  emit();
}

export async function refreshRooms(): Promise<void> {
  try {
    const { body } = await getJson<RoomInfo[]>('/api/rooms');
    if (!body) throw new Error('bad response');
    state.rooms = body.slice().sort((a, b) => a.substrate.localeCompare(b.substrate) || a.roomId.localeCompare(b.roomId));
    state.lastOk = Date.now();
    // The live view reports its room's tick; elsewhere the status says the server answers.
    if (state.status.state !== 'live' || state.route.view !== 'live') state.status = { state: 'live', text: `live · ${state.rooms.length} room${state.rooms.length === 1 ? '' : 's'}` };
    emit();
  } catch {
    setStatus('error', 'server unreachable');
  }
}

export async function loadSubstrates(): Promise<void> {
  const { body } = await getJson<SubstrateInfo[]>('/api/substrates');
  if (body) {
    state.substrates = body;
    emit();
  }
}

window.addEventListener('popstate', () => {
  state.route = parseHash(location.hash);
  emit();
});
window.addEventListener('hashchange', () => {
  state.route = parseHash(location.hash);
  emit();
});
