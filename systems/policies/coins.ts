/**
 * Scripted bots for Coins, after Melting Pot's Coins puppets (`configs/bots/__init__.py:1250-1325`), whose
 * goal-conditioned network (`puppet_1`) is replaced here by path finding. Each step a bot pursues one goal
 * (`puppet_goals` of `coins`, :87-91):
 *
 * - COOPERATE: walk to the nearest coin of its own colour, stepping around the partner's coins (if every path
 *   crosses one it waits a turn rather than take it);
 * - DEFECT: walk to the nearest coin of either colour;
 * - SPITE: walk to the nearest coin of the partner's colour, stepping around its own.
 * With no such coin in reach it wanders (a random step or turn from the world's generator).
 *
 * The goal comes from the bot's puppeteer: `fixed_goal.FixedGoal` keeps one; `coins.Reciprocator`
 * (`utils/puppeteers/coins.py:39-152`) counts the steps in which the partner took one of its coins
 * (MISMATCHED_COIN_COLLECTED_BY_PARTNER) over the last `recencyWindow` steps and, once the count reaches
 * `threshold`, forgets them and is spiteful for `spitefulPunishmentWindow` steps, then defects until
 * `framesToPunish` steps after the trigger, then cooperates again.
 *
 * Crucible's own bots for the substrate's default population: `coins_cooperator`, `coins_defector` and
 * `coins_reciprocator` (the generous three-strikes reciprocator's parameters). Bots are created at every reset, so
 * their memory lasts one episode.
 */
import type { BotPolicy, CoinsGoal } from '../../substrates/types.js';
import { coinsOf } from '../coins/index.js';
import { COIN_LIVE_TYPE0, COIN_WAITING, playerType } from '../coins/state.js';
import { Layer } from '../layers.js';
import type { Bot, Sim } from '../sim.js';
import { firstStep, moveActions, neighbour, stepAction } from './navigation.js';

/** The Coins puppeteers' kinds of `BotPolicy`. */
export type CoinsPolicy = Extract<BotPolicy, { kind: 'coins_fixed' | 'coins_reciprocator' }>;

export function isCoinsPolicy(p: BotPolicy): p is CoinsPolicy {
  return p.kind === 'coins_fixed' || p.kind === 'coins_reciprocator';
}

/** `coins.Reciprocator`'s state machine (utils/puppeteers/coins.py:117-152), allocation-free. */
export class CoinsReciprocator {
  private step = 0;
  private spiteUntil = 0;
  private defectUntil = 0;
  /** The last `recencyWindow` partner-defection signals, a ring; `sum` is their total. */
  private readonly recent: Uint8Array;
  private head = 0;
  private size = 0;
  private sum = 0;

  constructor(private readonly p: Extract<BotPolicy, { kind: 'coins_reciprocator' }>) {
    if (!(p.threshold > 0) || !(p.recencyWindow > 0) || !(p.framesToPunish > 0)) throw new RangeError('threshold, recencyWindow and framesToPunish must be positive');
    if (!(p.spitefulPunishmentWindow >= 0 && p.spitefulPunishmentWindow <= p.framesToPunish)) throw new RangeError('spitefulPunishmentWindow must be in [0, framesToPunish]');
    this.recent = new Uint8Array(p.recencyWindow);
  }

  /** The goal for this step, given whether the partner took one of this player's coins on the last step. */
  next(partnerDefected: boolean): CoinsGoal {
    const d = partnerDefected ? 1 : 0;
    if (this.size === this.recent.length) this.sum -= this.recent[this.head];
    else this.size++;
    this.recent[this.head] = d;
    this.head = (this.head + 1) % this.recent.length;
    this.sum += d;
    if (this.sum >= this.p.threshold) {
      this.spiteUntil = this.step + this.p.spitefulPunishmentWindow;
      this.defectUntil = this.step + this.p.framesToPunish;
      this.head = 0;
      this.size = 0;
      this.sum = 0;
    }
    const goal: CoinsGoal = this.step < this.spiteUntil ? 'SPITE' : this.step < this.defectUntil ? 'DEFECT' : 'COOPERATE';
    this.step++;
    return goal;
  }
}

/** Quarter turns from facing of the wandering moves FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT. */
const WANDER_TURNS = [0, 2, 3, 1];

/** A bot that pursues the goal `choose` gives each step. */
export function coinsBot(sim: Sim, name: string, choose: (partnerDefected: boolean) => CoinsGoal): Bot {
  const m = moveActions(sim);
  // FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT (absolute direction = facing + WANDER_TURNS[k]), then the turns.
  const moves = [m.forward, m.backward, m.left, m.right, m.turnLeft, m.turnRight];
  let mine = 0;
  let goal: CoinsGoal = 'COOPERATE';
  /** Player type whose coins are a goal: `mine`, the other, or −1 for both. */
  let wanted = -1;
  const coinType = (s: Sim, cell: number): number => {
    const st = coinsOf(s);
    if (!st) return -1;
    const i = st.indexOf[s.world.grid.atCell(cell, Layer.Lower)];
    return i < 0 || st.state[i] === COIN_WAITING ? -1 : st.state[i] - COIN_LIVE_TYPE0;
  };
  const isGoal = (cell: number): boolean => {
    const t = coinType(sim, cell);
    return t >= 0 && (wanted < 0 || t === wanted);
  };
  // A goal for one colour steps around the other colour's coins.
  const avoid = (cell: number): boolean => wanted >= 0 && coinType(sim, cell) === 1 - wanted;
  return {
    name,
    act(s: Sim, slot: number): number {
      const st = coinsOf(s);
      if (!st) return m.noop;
      mine = playerType(slot);
      goal = choose(st.partnerMismatch[slot] === 1);
      wanted = goal === 'COOPERATE' ? mine : goal === 'SPITE' ? 1 - mine : -1;
      const facing = s.world.c.Orientation.dir[s.avatars[slot]];
      const d = st.liveCount > 0 ? firstStep(s, slot, isGoal, avoid, false) : -1;
      if (d >= 0) return stepAction(m, facing, d);
      // Wander, never onto a coin the goal forbids.
      const k = s.world.rng.int(moves.length);
      if (k < 4) {
        const cell = neighbour(s, s.world.grid.cellIndex(s.world.c.Position.x[s.avatars[slot]], s.world.c.Position.y[s.avatars[slot]]), (facing + WANDER_TURNS[k]) & 3);
        if (cell >= 0 && avoid(cell)) return m.noop;
      }
      return moves[k];
    },
  };
}

/** The stand-in for one of Melting Pot's Coins bots. */
export function coinsPolicyBot(sim: Sim, name: string, p: CoinsPolicy): Bot {
  if (p.kind === 'coins_fixed') return coinsBot(sim, name, () => p.goal);
  const r = new CoinsReciprocator(p);
  return coinsBot(sim, name, (d) => r.next(d));
}

/** The three-strikes (generous) reciprocator's parameters (configs/bots/__init__.py:1296-1310). */
const GENEROUS: Extract<BotPolicy, { kind: 'coins_reciprocator' }> = {
  kind: 'coins_reciprocator', recencyWindow: 150, threshold: 3, framesToPunish: 150, spitefulPunishmentWindow: 0,
};

/** Crucible's own Coins bots, for the substrate's default population. */
export const COINS_BOT_FACTORIES: Readonly<Record<string, (sim: Sim) => Bot>> = {
  coins_cooperator: (sim) => coinsPolicyBot(sim, 'coins_cooperator', { kind: 'coins_fixed', goal: 'COOPERATE' }),
  coins_defector: (sim) => coinsPolicyBot(sim, 'coins_defector', { kind: 'coins_fixed', goal: 'DEFECT' }),
  coins_reciprocator: (sim) => coinsPolicyBot(sim, 'coins_reciprocator', GENEROUS),
};

