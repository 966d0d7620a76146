/**
 * The server's HTTP API as the dashboard uses it: response shapes (server/rooms/SubstrateRoom.ts describe and
 * metricsReport, server/dashboardApi.ts) and fetch helpers. The operator token, when the user gave one, is sent
 * as a bearer token on the routes that change rooms.
 */
import type { MetricsSnapshot } from '../../systems/computeMetrics.js';
import type { PerformanceReport } from '../../systems/performanceMonitor.js';
// The server's own types of what its routes answer (type-only: nothing of the server enters the page's bundle).
import type { EpisodeDetail, EpisodeRow } from '../history.js';
import type { Stock, Timeline } from '../replayViewer.js';

export type { EpisodeDetail, EpisodeRow, Stock, Timeline };

export interface RoomInfo {
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

export interface AgentRow {
  agent: string;
  slot: number;
  focal: boolean;
  policy: string;
  seated: boolean;
  connected: boolean;
  x: number;
  y: number;
  episode_return: number;
  facing?: string | number;
  removed?: boolean;
  frozen?: boolean;
}


export interface MetricsReport {
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
  /** The room's stored time series of the headline figures (oldest first). */
  series: Record<string, (number | null)[]> | null;
  stock?: Stock;
  colours?: string[];
  agents: AgentRow[];
}

export interface SubstrateInfo {
  name: string;
  description: string;
  players: number;
  actions: string[];
  map: string[];
  scenarios: { name: string; description: string; focal: number; bots: string[] }[];
}




export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'crucible.operatorToken';

export function operatorToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

export function setOperatorToken(token: string): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export async function getJson<T>(path: string): Promise<{ status: number; body: T | null }> {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) return { status: res.status, body: null };
  return { status: res.status, body: (await res.json()) as T };
}

/** GET that throws ApiError with the server's code on failure. */
export async function fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', ...init });
  const body = (await res.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (!res.ok) throw new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.message ?? res.statusText);
  return body as T;
}

export function createRoom(substrate: string, options: Record<string, unknown>): Promise<{ roomId: string }> {
  const token = operatorToken();
  return fetchJson('/api/rooms', {
    method: 'POST',
    // A 401 carries WWW-Authenticate: Basic (for the monitor page); without credentials the browser shows no
    // password prompt for it and the page reports the error itself.
    credentials: 'omit',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ substrate, options }),
  });
}

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
