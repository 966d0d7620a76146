/**
 * Fairness figures per population, for rooms that mix kinds of agents (RL agents, text agents, bots, humans).
 *
 * A population is a policy label: the join option `policy` of an agent or controller (default 'agent'), the bot's
 * name for a slot a bot plays (a scenario's background bots and focal stand-ins), 'noop' for an empty slot with
 * `fillFocal: 'noop'` — exactly the labels of the episode record's `policies`. For each population, this episode:
 *
 * - players, total_return, mean_return (per player);
 * - exploitation_attempts: hostile acts its players aimed at others (zaps whose shape held a live player), and
 *   exploitation_landed, how many of those hit;
 * - attacks_received and defense_success_rate: hostile acts aimed at its players, and the share of them that
 *   missed (null when none were aimed at it);
 * - consent_requests: requests its players made; consent_received, requests made to its players, and
 *   consent_refusal_rate: the share of those it let run out (null when none was answered or refused).
 */
import type { Sim } from './sim.js';

export interface PopulationFigures {
  players: number;
  agents: string[];
  total_return: number;
  mean_return: number;
  exploitation_attempts: number;
  exploitation_landed: number;
  attacks_received: number;
  defense_success_rate: number | null;
  consent_requests: number;
  consent_received: number;
  consent_refusal_rate: number | null;
}

/** Per-slot counters of the running episode, from the world's events. */
export class PopulationCounters {
  private attempts = new Int32Array(0);
  private landed = new Int32Array(0);
  private received = new Int32Array(0);
  private receivedLanded = new Int32Array(0);
  private requests = new Int32Array(0);
  private requested = new Int32Array(0);
  private accepted = new Int32Array(0);
  private refused = new Int32Array(0);
  private bus: object | null = null;

  /** After each reset: zero the counters, and subscribe once per event bus. */
  attach(sim: Sim): void {
    const n = sim.players;
    for (const k of ['attempts', 'landed', 'received', 'receivedLanded', 'requests', 'requested', 'accepted', 'refused'] as const) {
      if (this[k].length !== n) this[k] = new Int32Array(n);
      else this[k].fill(0);
    }
    const events = sim.world.events;
    if (this.bus === events) return;
    this.bus = events;
    events.subscribe('hostile_attempt', (batch) => {
      for (const e of batch) {
        this.attempts[e.attacker]++;
        this.received[e.target]++;
        if (e.landed) {
          this.landed[e.attacker]++;
          this.receivedLanded[e.target]++;
        }
      }
    });
    events.subscribe('consent_request', (batch) => {
      for (const e of batch) {
        this.requests[e.requester]++;
        this.requested[e.target]++;
      }
    });
    events.subscribe('consent_accepted', (batch) => {
      for (const e of batch) this.accepted[e.target]++;
    });
    events.subscribe('consent_refused', (batch) => {
      for (const e of batch) this.refused[e.target]++;
    });
  }

  /** The figures per population label, labels sorted; `agentIds[slot]` names the players. */
  figures(sim: Sim, labels: readonly string[], agentIds: readonly string[]): Record<string, PopulationFigures> {
    const out: Record<string, PopulationFigures> = {};
    const acc: Record<string, { defended: number; answered: number; refused: number }> = {};
    for (let s = 0; s < sim.players; s++) {
      const label = labels[s] ?? 'unknown';
      const f = (out[label] ??= {
        players: 0, agents: [], total_return: 0, mean_return: 0, exploitation_attempts: 0, exploitation_landed: 0, attacks_received: 0,
        defense_success_rate: null, consent_requests: 0, consent_received: 0, consent_refusal_rate: null,
      });
      const a = (acc[label] ??= { defended: 0, answered: 0, refused: 0 });
      f.players++;
      f.agents.push(agentIds[s]);
      f.total_return += sim.returns[s];
      f.exploitation_attempts += this.attempts[s] ?? 0;
      f.exploitation_landed += this.landed[s] ?? 0;
      f.attacks_received += this.received[s] ?? 0;
      a.defended += (this.received[s] ?? 0) - (this.receivedLanded[s] ?? 0);
      f.consent_requests += this.requests[s] ?? 0;
      f.consent_received += this.requested[s] ?? 0;
      a.answered += (this.accepted[s] ?? 0) + (this.refused[s] ?? 0);
      a.refused += this.refused[s] ?? 0;
    }
    const sorted: Record<string, PopulationFigures> = {};
    for (const label of Object.keys(out).sort()) {
      const f = out[label];
      const a = acc[label];
      f.mean_return = f.total_return / f.players;
      f.defense_success_rate = f.attacks_received > 0 ? a.defended / f.attacks_received : null;
      f.consent_refusal_rate = a.answered > 0 ? a.refused / a.answered : null;
      sorted[label] = f;
    }
    return sorted;
  }
}
