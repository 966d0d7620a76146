/**
 * A scripted text agent: it decides from the text observation alone (it parses the sentences; it never reads the
 * server's state) and plays Commons Harvest sustainably. Apples regrow only near other live apples, so it eats
 * an apple only where at least `keep` other apples it can see stay within two cells of it; otherwise it explores
 * for a denser patch, and waits when it sees none.
 *
 * `runHttpTextAgent` plays it (or any `decide` function, such as `ChatCompletionsPolicy.decide` from
 * client/llmAgent.ts) over the HTTP interface: join, long-poll, post a macro per observation, until the episode ends.
 */

export interface ParsedObservation {
  tick: number;
  episode: number;
  agent: string;
  x: number;
  y: number;
  facing: string;
  apples: { x: number; y: number }[];
  players: { agent: string; x: number; y: number; facing: string }[];
  ended: boolean;
}

/** Read the facts a decision needs from an observation's text (see README "Text observations"). */
export function parseObservationText(text: string): ParsedObservation {
  const head = /^Tick (\d+) of episode (\d+) in \S+\. You are (\S+)\.$/m.exec(text);
  const me = /^You are at \((\d+), (\d+)\) facing ([NESW])\./m.exec(text);
  if (!head || !me) throw new Error(`not a text observation: ${text.slice(0, 80)}`);
  const apples = [...text.matchAll(/^- apple at \((\d+), (\d+)\):/gm)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  const players = [...text.matchAll(/^- (player_\d+) at \((\d+), (\d+)\) facing ([NESW]):/gm)].map((m) => ({
    agent: m[1], x: Number(m[2]), y: Number(m[3]), facing: m[4],
  }));
  return {
    tick: Number(head[1]), episode: Number(head[2]), agent: head[3], x: Number(me[1]), y: Number(me[2]), facing: me[3], apples, players,
    ended: /^The episode has ended/m.test(text),
  };
}

export type Macro = Record<string, unknown> & { macro: string };

/** The sustainable harvester's choice for one observation. `keep`: apples that must stay near the one eaten. */
export function sustainableHarvester(text: string, keep = 2): Macro {
  const o = parseObservationText(text);
  const near = (a: { x: number; y: number }, b: { x: number; y: number }): boolean => (a.x - b.x) ** 2 + (a.y - b.y) ** 2 <= 4;
  const dist = (a: { x: number; y: number }): number => Math.abs(a.x - o.x) + Math.abs(a.y - o.y);
  const safe = o.apples
    .filter((a) => o.apples.filter((b) => b !== a && near(a, b)).length >= keep)
    .sort((a, b) => dist(a) - dist(b) || a.y - b.y || a.x - b.x);
  if (safe.length > 0) return { macro: 'move_to', x: safe[0].x, y: safe[0].y };
  if (o.apples.length > 0) return { macro: 'stay', ticks: 5 };
  return { macro: 'explore', ticks: 8 };
}

export interface TextFrame {
  seq: number;
  text: string;
  observation: Record<string, unknown>;
}

export interface HttpTextAgentOptions {
  /** The server's HTTP base URL, e.g. http://localhost:2567 */
  baseUrl: string;
  roomId: string;
  token?: string;
  policy?: string;
  /** Choose a macro from the observation's text (default: the sustainable harvester). */
  decide?: (text: string) => Macro | Promise<Macro>;
  /** Called with every observation received. */
  onFrame?: (frame: TextFrame) => void;
  /** Long-poll wait (ms, default 10000). */
  waitMs?: number;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) {
    const e = body as { code?: string; message?: string };
    throw Object.assign(new Error(`${e.code ?? res.status}: ${e.message ?? 'request failed'}`), { code: e.code, status: res.status });
  }
  return body;
}

/** Join a room over HTTP as a text agent. Resolves with the join answer (`key`, `agent`, ...). */
export async function joinHttp(baseUrl: string, roomId: string, options: Record<string, unknown> = {}): Promise<Record<string, unknown> & { key: string; agent: string }> {
  const res = await fetch(`${baseUrl}/api/rooms/${roomId}/agents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) });
  return (await json(res)) as Record<string, unknown> & { key: string; agent: string };
}

/**
 * Play until the episode ends (the observation says so), then leave. `key`: an agent already joined (else this
 * joins). Returns every frame received, in order.
 */
export async function runHttpTextAgent(opts: HttpTextAgentOptions, joined?: { key: string }): Promise<TextFrame[]> {
  const base = `${opts.baseUrl}/api/rooms/${opts.roomId}/agents`;
  const key = joined?.key ?? (await joinHttp(opts.baseUrl, opts.roomId, { policy: opts.policy ?? 'text-scripted', ...(opts.token ? { token: opts.token } : {}) })).key;
  const decide = opts.decide ?? ((t: string) => sustainableHarvester(t));
  const frames: TextFrame[] = [];
  let after = 0;
  for (;;) {
    const body = await json(await fetch(`${base}/${key}/observations?after=${after}&wait=${opts.waitMs ?? 10_000}`));
    const got = body.observations as TextFrame[];
    if (got.length === 0) continue;
    for (const f of got) {
      frames.push(f);
      opts.onFrame?.(f);
    }
    const last = got[got.length - 1];
    after = last.seq;
    if (/^The episode has ended/m.test(last.text)) break;
    const macro = await decide(last.text);
    await json(await fetch(`${base}/${key}/macro`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(macro) }));
  }
  await fetch(`${base}/${key}`, { method: 'DELETE' });
  return frames;
}
