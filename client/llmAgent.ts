/**
 * A language-model policy for text agents: it sends the text observation to any OpenAI-compatible chat-completions
 * endpoint (`POST {url}/chat/completions`, bearer key) and turns the reply into a macro.
 *
 * The reply must contain one JSON object with a string `macro` (a ```json fence around it is fine; prose around
 * it is ignored). A reply without one is an `LlmReplyError` with code UNPARSEABLE_REPLY and the reply's text, so
 * the caller can choose a fallback. Transport failures — a timeout, a network error, HTTP 429 or 5xx — are retried
 * with exponential backoff; other HTTP errors (a bad key, a bad model name) fail at once with code HTTP_ERROR.
 * The server validates the macro itself (INVALID_MACRO); this adapter only checks its shape.
 *
 *   const llm = new ChatCompletionsPolicy({ url: 'http://localhost:8000/v1', apiKey: process.env.KEY, model: 'm' });
 *   await runHttpTextAgent({ baseUrl, roomId, decide: (text) => llm.decide(text) });
 */
import type { Macro } from './textAgent.js';

export const SYSTEM_PROMPT = [
  'You control one player in a multi-player grid game. Each message describes what you see and what happened.',
  'Answer with exactly one JSON object, the macro to run until your next decision, and nothing else. Macros:',
  '{"macro":"move_to","x":X,"y":Y} walk to a map cell; {"macro":"harvest_nearest"} eat the nearest apple you see;',
  '{"macro":"zap","target":"player_N"}; {"macro":"clean_nearest"} clean the nearest dirt you see;',
  '{"macro":"collect","resource":"NAME"}; {"macro":"interact","target":"player_N"};',
  '{"macro":"explore","ticks":N}; {"macro":"stay","ticks":N}; {"macro":"accept"}; {"macro":"refuse"};',
  '{"macro":"action","action":"ACTION_NAME"} one raw action.',
].join('\n');

export type LlmErrorCode = 'UNPARSEABLE_REPLY' | 'HTTP_ERROR' | 'TIMEOUT' | 'NETWORK_ERROR';

export class LlmReplyError extends Error {
  constructor(readonly code: LlmErrorCode, message: string, readonly reply?: string) {
    super(`${code}: ${message}`);
    this.name = 'LlmReplyError';
  }
}

export interface ChatCompletionsOptions {
  /** Base URL of the API (…/v1) or the full …/chat/completions URL. */
  url: string;
  apiKey?: string;
  model: string;
  /** Per attempt (ms, default 30000). */
  timeoutMs?: number;
  /** Attempts after the first, for timeouts, network errors, 429 and 5xx (default 2). */
  retries?: number;
  /** First backoff (ms, default 500), doubled each retry. */
  backoffMs?: number;
  temperature?: number;
  system?: string;
}

/** The first JSON object in `reply` that has a string `macro`, or null. */
export function macroFromReply(reply: string): Macro | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(reply);
  const candidates = fenced ? [fenced[1], reply] : [reply];
  for (const text of candidates) {
    // Every balanced {...} span, outermost first.
    for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
      let depth = 0, inString = false;
      for (let i = start; i < text.length; i++) {
        const ch = text[i];
        if (inString) {
          if (ch === '\\') i++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '{') depth++;
        else if (ch === '}' && --depth === 0) {
          try {
            const v = JSON.parse(text.slice(start, i + 1)) as unknown;
            if (typeof v === 'object' && v !== null && typeof (v as { macro?: unknown }).macro === 'string') return v as Macro;
          } catch {
            // not JSON: try the next span
          }
          break;
        }
      }
    }
  }
  return null;
}

export class ChatCompletionsPolicy {
  private readonly endpoint: string;

  constructor(private readonly opts: ChatCompletionsOptions) {
    const u = opts.url.replace(/\/+$/, '');
    this.endpoint = u.endsWith('/chat/completions') ? u : `${u}/chat/completions`;
  }

  /** The macro the model chooses for this observation text. */
  async decide(text: string): Promise<Macro> {
    const reply = await this.complete(text);
    const macro = macroFromReply(reply);
    if (!macro) throw new LlmReplyError('UNPARSEABLE_REPLY', `the model's reply holds no JSON object with a "macro": ${JSON.stringify(reply.slice(0, 200))}`, reply);
    return macro;
  }

  /** The reply text, with retries for transient failures. */
  async complete(text: string): Promise<string> {
    const retries = this.opts.retries ?? 2;
    let backoff = this.opts.backoffMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(text);
      } catch (err) {
        const transient = err instanceof LlmReplyError && (err.code === 'TIMEOUT' || err.code === 'NETWORK_ERROR' || /HTTP (429|5\d\d)/.test(err.message));
        if (!transient || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, backoff));
        backoff *= 2;
      }
    }
  }

  private async once(text: string): Promise<string> {
    const ctl = new AbortController();
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        signal: ctl.signal,
        headers: { 'content-type': 'application/json', ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}) },
        body: JSON.stringify({
          model: this.opts.model,
          temperature: this.opts.temperature ?? 0,
          messages: [{ role: 'system', content: this.opts.system ?? SYSTEM_PROMPT }, { role: 'user', content: text }],
        }),
      });
    } catch (err) {
      clearTimeout(timer);
      if (ctl.signal.aborted) throw new LlmReplyError('TIMEOUT', `no answer from ${this.endpoint} within ${timeoutMs} ms`);
      throw new LlmReplyError('NETWORK_ERROR', `${this.endpoint}: ${err instanceof Error ? err.message : String(err)}`);
    }
    let body: string;
    try {
      body = await res.text();
    } catch {
      throw new LlmReplyError(ctl.signal.aborted ? 'TIMEOUT' : 'NETWORK_ERROR', `reading the answer of ${this.endpoint} failed`);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) throw new LlmReplyError('HTTP_ERROR', `HTTP ${res.status} from ${this.endpoint}: ${body.slice(0, 200)}`);
    let content: unknown;
    try {
      content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    } catch {
      throw new LlmReplyError('UNPARSEABLE_REPLY', `the endpoint's answer is not JSON: ${JSON.stringify(body.slice(0, 200))}`, body);
    }
    if (typeof content !== 'string') throw new LlmReplyError('UNPARSEABLE_REPLY', 'the answer has no choices[0].message.content string', body);
    return content;
  }
}
