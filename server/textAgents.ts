/**
 * Text agents: agents that read text observations and answer with macros (README "Text agents"), over the
 * WebSocket (join option `obs: 'text'`) or over HTTP (server/httpAgents.ts). Each holds a focal seat like any
 * agent (server/seats.ts), so it counts for lockstep readiness and its macro's actions go through `Seats.offer`.
 *
 * Decision points. A text agent is asked to decide (it is sent an observation) when it joins, when an episode
 * starts, when its macro ends (done or impossible, and why), and, with the room option `decisionInterval` K > 0,
 * when K ticks have passed since its last decision (its macro pauses there). Between decision points its macro
 * supplies one action per tick. While it is deciding it has no action: a lockstep room waits for it (for ever
 * unless `actionTimeoutMs` is set), a real-time room steps it as NOOP. A macro sent while another runs replaces
 * it (the next observation says so). The time from each decision point to the macro answering it is recorded.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@colyseus/core';
import { CrucibleError } from '../ecs/errors.js';
import { agentId, type Environment } from '../systems/environment.js';
import { MacroRunner, parseMacro, type Macro } from '../systems/macros.js';
import { describeObservation, observationText, WitnessLog, type MacroStatus, type TextObservation } from '../systems/textObservations.js';
import { MAX_WAIT_MS } from './schema.js';
import type { Seat, Seats } from './seats.js';

/** Longest an HTTP long poll waits (ms): server/schema.ts, the `wait` parameter's ceiling. */
export { MAX_WAIT_MS };

/** Undelivered observations an HTTP agent's queue keeps (the oldest are dropped beyond this). */
const QUEUE_LENGTH = 16;

export interface TextFrame {
  /** Increases by one per observation sent to this agent (HTTP: `after` for the next poll). */
  seq: number;
  text: string;
  observation: TextObservation;
}

export interface DecisionTimes {
  count: number;
  mean_ms: number | null;
  max_ms: number | null;
  last_ms: number | null;
}

export interface TextAgent {
  readonly key: string;
  readonly seat: Seat;
  readonly transport: 'websocket' | 'http';
  readonly runner: MacroRunner;
  /** Waiting for a decision since (performance.now(), ms), or null while a macro runs. */
  openedAt: number | null;
  /** Ticks since the last decision (for `decisionInterval`). */
  sinceDecision: number;
  /** What the next observation reports about the macro. */
  status: MacroStatus | null;
  seq: number;
  /** The newest observation sent (resent to a WebSocket agent that reconnects while deciding). */
  last: TextFrame | null;
  queue: TextFrame[];
  waiters: ((frames: TextFrame[]) => void)[];
  /** Decision times (ms): since the room started, and this episode. */
  total: { n: number; sum: number; max: number; last: number };
  episode: { n: number; sum: number; max: number };
  /** HTTP rate limit window. */
  windowEndsAt: number;
  windowCount: number;
}

function times(t: { n: number; sum: number; max: number; last?: number }): DecisionTimes {
  return {
    count: t.n,
    mean_ms: t.n > 0 ? Math.round((t.sum / t.n) * 1000) / 1000 : null,
    max_ms: t.n > 0 ? Math.round(t.max * 1000) / 1000 : null,
    last_ms: t.n > 0 && t.last !== undefined ? Math.round(t.last * 1000) / 1000 : null,
  };
}

export class TextAgents {
  private readonly agents = new Map<string, TextAgent>();
  private readonly witness: WitnessLog;

  constructor(
    private readonly env: Environment,
    private readonly seats: Seats,
    private readonly opts: { decisionInterval: number; lockstep: boolean; maxMessagesPerSecond: number },
    /** Deliver an observation to a WebSocket text agent. */
    private readonly sendWs: (seat: Seat, frame: TextFrame) => void,
  ) {
    this.witness = new WitnessLog(env.sim);
    this.witness.attach();
  }

  get size(): number {
    return this.agents.size;
  }

  get(key: string): TextAgent | undefined {
    return this.agents.get(key);
  }

  /** A new secret key for an HTTP agent (its credential for every later request). */
  static newKey(): string {
    return randomBytes(16).toString('hex');
  }

  /** Register a seated agent as a text agent and send it its first observation (a decision point). */
  add(key: string, seat: Seat, transport: TextAgent['transport']): TextAgent {
    const a: TextAgent = {
      key, seat, transport, runner: new MacroRunner(this.env.sim, seat.slot), openedAt: null, sinceDecision: 0,
      status: null, seq: 0, last: null, queue: [], waiters: [], total: { n: 0, sum: 0, max: 0, last: 0 }, episode: { n: 0, sum: 0, max: 0 },
      windowEndsAt: 0, windowCount: 0,
    };
    this.agents.set(key, a);
    this.witness.watch(seat.slot);
    this.decide(a);
    return a;
  }

  remove(key: string): void {
    const a = this.agents.get(key);
    if (!a) return;
    this.agents.delete(key);
    this.witness.unwatch(a.seat.slot);
    for (const w of a.waiters.splice(0)) w([]);
  }

  /** HTTP requests per second above the room's `maxMessagesPerSecond` are refused with RATE_LIMITED (not counted against a lockstep room's own pace). */
  rateLimited(a: TextAgent, now: number): CrucibleError | null {
    if (now >= a.windowEndsAt) {
      a.windowEndsAt = now + 1000;
      a.windowCount = 0;
    }
    if (++a.windowCount > this.opts.maxMessagesPerSecond) {
      return new CrucibleError('RATE_LIMITED', `more than ${this.opts.maxMessagesPerSecond} requests in one second; slow down`);
    }
    return null;
  }

  /**
   * A macro from agent `a`: validated (INVALID_MACRO), then started at once, replacing any running macro; its
   * first action answers the current tick. Returns the macro, or the error (nothing changed then).
   */
  macro(a: TextAgent, raw: unknown, awaitingReset: boolean): Macro | CrucibleError {
    const m = parseMacro(raw, this.env.sim, a.seat.slot);
    if (m instanceof CrucibleError) return m;
    if (awaitingReset) return new CrucibleError('STALE_ACTION', `episode ${this.env.sim.episode} has ended; the room waits for a controller's reset`);
    if (a.openedAt !== null) {
      const ms = performance.now() - a.openedAt;
      a.total.n++;
      a.total.sum += ms;
      a.total.last = ms;
      if (ms > a.total.max) a.total.max = ms;
      a.episode.n++;
      a.episode.sum += ms;
      if (ms > a.episode.max) a.episode.max = ms;
      a.openedAt = null;
    } else if (a.runner.macro !== null) {
      a.status = { name: a.runner.macro.macro, status: 'replaced', reason: `replaced by ${m.macro}`, tick: this.env.tick };
    }
    a.runner.start(m);
    a.sinceDecision = 0;
    this.act(a);
    return m;
  }

  /** After each step (the new tick's observations are out): advance every text agent's macro by one tick. */
  afterStep(): void {
    for (const a of this.agents.values()) {
      if (a.seat.client === null) continue;
      if (this.env.done) {
        // The terminal observation; the next episode's first one follows from `startEpisode` (or never, without a reset).
        a.runner.stop();
        this.decide(a);
        continue;
      }
      if (a.openedAt !== null) continue;
      a.sinceDecision++;
      const k = this.opts.decisionInterval;
      if (k > 0 && a.sinceDecision >= k && a.runner.macro !== null) {
        a.status = { name: a.runner.macro.macro, status: 'interval', reason: `${k} ticks since your last decision; the macro is paused`, tick: this.env.tick };
        a.runner.stop();
        this.decide(a);
        continue;
      }
      this.act(a);
    }
  }

  /** A new episode: every text agent's macro is dropped and it decides afresh. */
  startEpisode(): void {
    this.witness.attach();
    this.witness.clear();
    for (const a of this.agents.values()) {
      a.runner.stop();
      a.status = null;
      a.episode = { n: 0, sum: 0, max: 0 };
      a.openedAt = null;
      if (a.seat.client !== null) this.decide(a);
    }
  }

  /** The running macro's action for the current tick, or (it ended) a decision point. */
  private act(a: TextAgent): void {
    const name = a.runner.macro?.macro ?? null;
    const r = a.runner.next();
    if (typeof r === 'number') {
      this.seats.offer(a.seat, { tick: this.env.tick, episode: this.env.sim.episode, action: r }, !this.opts.lockstep);
      return;
    }
    a.status = { name, status: r.status, reason: r.reason, tick: this.env.tick };
    this.decide(a);
  }

  /** Send the agent its observation and wait for its decision. */
  private decide(a: TextAgent): void {
    const sim = this.env.sim;
    const observation = describeObservation(sim, a.seat.slot, this.witness.drain(a.seat.slot), a.status);
    a.status = null;
    a.openedAt = performance.now();
    a.sinceDecision = 0;
    const frame: TextFrame = { seq: ++a.seq, text: observationText(observation), observation };
    a.last = frame;
    if (a.transport === 'websocket') return this.sendWs(a.seat, frame);
    a.queue.push(frame);
    if (a.queue.length > QUEUE_LENGTH) a.queue.shift();
    const waiters = a.waiters.splice(0);
    for (const w of waiters) w([frame]);
  }

  /** HTTP: the frames after `after` (at once if any), else the next one, else [] after `waitMs`. */
  observe(a: TextAgent, after: number, waitMs: number): Promise<TextFrame[]> {
    const ready = a.queue.filter((f) => f.seq > after);
    if (ready.length > 0 || waitMs <= 0) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = a.waiters.indexOf(done);
        if (i >= 0) a.waiters.splice(i, 1);
        resolve([]);
      }, Math.min(waitMs, MAX_WAIT_MS));
      const done = (frames: TextFrame[]): void => {
        clearTimeout(timer);
        resolve(frames);
      };
      a.waiters.push(done);
    });
  }

  /** Per agent id: transport, decision times since the room started, whether it is deciding now. */
  report(): Record<string, { transport: string; policy: string; deciding: boolean } & DecisionTimes> {
    const out: Record<string, { transport: string; policy: string; deciding: boolean } & DecisionTimes> = {};
    for (const a of [...this.agents.values()].sort((x, y) => x.seat.slot - y.seat.slot)) {
      out[agentId(a.seat.slot)] = { transport: a.transport, policy: a.seat.policy, deciding: a.openedAt !== null, ...times(a.total) };
    }
    return out;
  }

  /** This episode's decision times per agent id (the results line's `decisions`). */
  episodeReport(): Record<string, DecisionTimes> {
    const out: Record<string, DecisionTimes> = {};
    for (const a of [...this.agents.values()].sort((x, y) => x.seat.slot - y.seat.slot)) {
      const t = times(a.episode);
      out[agentId(a.seat.slot)] = { count: t.count, mean_ms: t.mean_ms, max_ms: t.max_ms, last_ms: null };
    }
    return out;
  }

  /** A WebSocket text agent is back: if it was deciding, the observation it may have missed, again (same seq). */
  reconnected(a: TextAgent): void {
    if (a.openedAt !== null && a.last !== null && a.transport === 'websocket') this.sendWs(a.seat, a.last);
  }

  /** Controllers with `obs: 'text'`: watch (or stop watching) the events their slots witness. */
  watchSlots(slots: readonly number[], on: boolean): void {
    for (const s of slots) (on ? this.witness.watch(s) : this.witness.unwatch(s));
  }

  /**
   * A controller's text frame, sent with each step frame: every held slot's observation now, with the events it
   * witnessed since the last frame (controllers act every tick: no macros, no decision points).
   */
  controllerFrame(slots: readonly number[]): { tick: number; episode: number; agents: Record<string, { text: string; observation: TextObservation }> } {
    const sim = this.env.sim;
    const agents: Record<string, { text: string; observation: TextObservation }> = {};
    for (const s of slots) {
      const observation = describeObservation(sim, s, this.witness.drain(s), null);
      agents[agentId(s)] = { text: observationText(observation), observation };
    }
    return { tick: sim.world.tick, episode: sim.episode, agents };
  }

  /** Whether `client` is some WebSocket text agent's connection (for `macro` messages). */
  byClient(client: Client): TextAgent | undefined {
    return this.agents.get(client.sessionId);
  }
}
