/**
 * Scripted Clean Up bots. Melting Pot's Clean Up bots are trained networks given a goal — CLEAN, EAT or SANCTION —
 * either for good (the trained `clean_up__cleaner_*` and `clean_up__consumer_*`) or chosen each step by a puppeteer
 * (`utils/puppeteers/clean_up.py`, `alternator.py`). Here each goal is a scripted behaviour:
 * - CLEAN (an altruist): if its cleaning beam would reach a dirty cell it fires (or waits for the beam to cool);
 *   otherwise it walks to the nearest dirty cell and turns to face it; with a clean river it wanders along the
 *   river. It never zaps and never seeks apples.
 * - EAT (a consumer): it walks to the nearest live apple and otherwise waits in the orchard. It never cleans and
 *   never zaps — it rides free on whoever cleans.
 * - SANCTION (a zapper): it zaps any player its beam would reach when ready, and otherwise walks to the nearest
 *   other player and turns to face it.
 * The puppeteers below choose the goal from the step count, NUM_OTHERS_WHO_CLEANED_THIS_STEP and whether the bot is
 * removed (Melting Pot's puppeteer sees an all-black RGB then), with Melting Pot's parameters.
 */
import type { BotPolicy, CleanUpGoal } from '../../substrates/types.js';
import { traceBeam, type BeamVisitor } from '../beam.js';
import { applesOf } from '../apples/appleState.js';
import { cleanUpOf, type DirtIndex } from '../cleanUp/dirtState.js';
import { numOthersWhoCleanedThisStep } from '../cleanUp/fireCleaningBeams.js';
import { Layer } from '../layers.js';
import type { Bot, Sim } from '../sim.js';
import { zapWouldHit } from './harvesters.js';
import { moveActions, nearestOnLayer, stepToward, type MoveActions } from './navigation.js';

/** Does the cleaning beam from here reach a dirty cell? Same blocking as the real beam (walls stop a line). */
class SeesDirt implements BeamVisitor {
  sim!: Sim;
  dirt!: DirtIndex;
  seen = false;
  visit(x: number, y: number): boolean {
    const sim = this.sim;
    const cell = sim.world.grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const d = this.dirt;
    const i = d.byCell.length > 0 ? d.byCell[cell] : -1;
    if (i >= 0 && d.dirty[i] === 1) {
      this.seen = true;
      return true;
    }
    return false;
  }
}
const seesDirt = new SeesDirt();

function wander(sim: Sim, m: MoveActions): number {
  const r = sim.world.rng.int(4);
  return r === 0 ? m.turnLeft : r === 1 ? m.turnRight : m.forward;
}

/** The turn that brings facing `dir` towards `want` (a U-turn starts to the right), or −1 if already facing it. */
function turnToward(dir: number, want: number, m: MoveActions): number {
  const d = (want - dir + 4) & 3;
  return d === 0 ? -1 : d === 3 ? m.turnLeft : m.turnRight;
}

/** The absolute direction of the larger component of (dx, dy). */
function mainDirection(dx: number, dy: number): number {
  return Math.abs(dx) >= Math.abs(dy) ? (dx > 0 ? 1 : 3) : dy > 0 ? 2 : 0;
}

type Act = (s: Sim, slot: number) => number;

/** The CLEAN behaviour. */
export function cleanBehaviour(sim: Sim): Act {
  const m = moveActions(sim);
  const cleanAction = sim.spec.actions.findIndex((a) => a.fire === 'clean');
  const river = cleanUpOf(sim);
  /** A dirt entity: dirty on the lower layer, clean (plain river) on the logic layer. */
  const isDirt = (e: number): boolean => {
    if (river === null) return false;
    const { c, grid } = sim.world;
    const cell = grid.cellIndex(c.Position.x[e], c.Position.y[e]);
    const i = river.dirt.byCell.length > 0 ? river.dirt.byCell[cell] : -1;
    return i >= 0 && river.dirt.eids[i] === e;
  };
  return (s, slot) => {
    const beam = s.spec.cleaner;
    const { c } = s.world;
    const me = s.avatars[slot];
    const x = c.Position.x[me], y = c.Position.y[me], dir = c.Orientation.dir[me];
    if (beam && cleanAction >= 0 && river !== null) {
      seesDirt.sim = s;
      seesDirt.dirt = river.dirt;
      seesDirt.seen = false;
      traceBeam(s, x, y, dir, beam.length, beam.radius, seesDirt);
      if (seesDirt.seen) return river.cleaning.timer[slot] === 0 ? cleanAction : m.noop;
    }
    const dirt = nearestOnLayer(s, slot, Layer.Lower, isDirt);
    if (dirt === 0) {
      const river = nearestOnLayer(s, slot, Layer.Logic, isDirt);
      if (river === 0) return wander(s, m);
      const dist = Math.abs(c.Position.x[river] - x) + Math.abs(c.Position.y[river] - y);
      return dist > 1 ? stepToward(s, slot, c.Position.x[river], c.Position.y[river], m) : wander(s, m);
    }
    const dx = c.Position.x[dirt] - x, dy = c.Position.y[dirt] - y;
    const dist = Math.abs(dx) + Math.abs(dy);
    if (dist === 0) return m.backward;
    if (beam && dist <= beam.length) {
      const turn = turnToward(dir, mainDirection(dx, dy), m);
      if (turn >= 0) return turn;
    }
    return stepToward(s, slot, c.Position.x[dirt], c.Position.y[dirt], m);
  };
}

/** The EAT behaviour. */
export function eatBehaviour(sim: Sim): Act {
  const m = moveActions(sim);
  const apples = applesOf(sim);
  const isLiveApple = (e: number): boolean => apples !== null && apples.indexOf[e] >= 0;
  return (s, slot) => {
    const { c } = s.world;
    const apple = nearestOnLayer(s, slot, Layer.Lower, isLiveApple);
    if (apple !== 0) return stepToward(s, slot, c.Position.x[apple], c.Position.y[apple], m);
    // No apple anywhere: wait in the orchard, next to where apples will appear.
    const spot = nearestOnLayer(s, slot, Layer.Logic, isLiveApple);
    if (spot === 0) return wander(s, m);
    const me = s.avatars[slot];
    const dist = Math.abs(c.Position.x[spot] - c.Position.x[me]) + Math.abs(c.Position.y[spot] - c.Position.y[me]);
    return dist > 1 ? stepToward(s, slot, c.Position.x[spot], c.Position.y[spot], m) : wander(s, m);
  };
}

/** The SANCTION behaviour. */
export function sanctionBehaviour(sim: Sim): Act {
  const m = moveActions(sim);
  const zapAction = sim.spec.actions.findIndex((a) => a.fire === 'zap');
  let self = 0;
  const isOther = (e: number): boolean => e !== self && sim.avatars[sim.world.c.Avatar.slot[e]] === e;
  return (s, slot) => {
    const { c } = s.world;
    const me = s.avatars[slot];
    if (zapAction >= 0 && c.Cooldown.timer[me] === 0 && zapWouldHit(s, slot)) return zapAction;
    self = me;
    const other = nearestOnLayer(s, slot, Layer.Upper, isOther);
    if (other === 0) return wander(s, m);
    const dx = c.Position.x[other] - c.Position.x[me], dy = c.Position.y[other] - c.Position.y[me];
    const reach = s.spec.zapper?.length ?? 1;
    if (Math.abs(dx) + Math.abs(dy) <= reach) {
      const turn = turnToward(c.Orientation.dir[me], mainDirection(dx, dy), m);
      if (turn >= 0) return turn;
    }
    return stepToward(s, slot, c.Position.x[other], c.Position.y[other], m);
  };
}

/** The sum of the last `size` values pushed (`initial` fills it at the start). Allocation-free after creation. */
class WindowSum {
  private readonly values: Float64Array;
  private next = 0;
  sum: number;
  constructor(size: number, initial: number) {
    this.values = new Float64Array(size).fill(initial);
    this.sum = size * initial;
  }
  push(v: number): void {
    this.sum += v - this.values[this.next];
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.values.length;
  }
}

/** A puppeteer: the goal for this step (called once per step, removed or not, as Melting Pot steps puppeteers). */
export type GoalChooser = (s: Sim, slot: number) => CleanUpGoal;

/** The goal chooser for a Clean Up bot policy (`clean_up_goal` and the puppeteers); null for other kinds. */
export function cleanUpGoalChooser(policy: BotPolicy): GoalChooser | null {
  switch (policy.kind) {
    case 'clean_up_goal': {
      const goal = policy.goal;
      return () => goal;
    }
    case 'alternator': {
      // alternator.py:50-58: goal index = step // stepsPerGoal mod the number of goals.
      const { goals, stepsPerGoal } = policy;
      let step = 0;
      return () => goals[Math.floor(step++ / stepsPerGoal) % goals.length];
    }
    case 'conditional_cleaner': {
      // clean_up.py ConditionalCleaner.step: clean for `nicenessPeriod` steps, then whenever others' cleaning over
      // the last `recencyWindow` steps reaches `threshold`, clean for `reciprocationPeriod` more steps.
      const p = policy;
      const recent = new WindowSum(p.recencyWindow, 0);
      let step = 0, cleanUntil = p.nicenessPeriod;
      return (s, slot) => {
        recent.push(numOthersWhoCleanedThisStep(s, slot));
        if (recent.sum >= p.threshold) cleanUntil = Math.max(cleanUntil, step + p.reciprocationPeriod);
        return step++ < cleanUntil ? 'CLEAN' : 'EAT';
      };
    }
    case 'corrigible_reciprocator': {
      // clean_up.py CorrigibleReciprocator.step: eats until it has spent timeoutSteps × corrigibleThreshold steps
      // zapped out (counted over the episode), then reciprocates: cleans for stepsToCooperateWhenMotivated steps
      // whenever others' cleaning over the window reaches `threshold`.
      const p = policy;
      const recent = new WindowSum(p.recencyWindow, 0);
      let step = 0, cleanUntil = 0, nice = false, sanctioned = 0;
      return (s, slot) => {
        const now = step++;
        if (s.world.c.Removed.until[s.avatars[slot]] > 0) {
          sanctioned++;
          if (sanctioned >= p.timeoutSteps * p.corrigibleThreshold) {
            nice = true;
            cleanUntil = now + p.stepsToCooperateWhenMotivated;
            return 'CLEAN';
          }
          return 'EAT';
        }
        if (!nice) return 'EAT';
        recent.push(numOthersWhoCleanedThisStep(s, slot));
        if (recent.sum >= p.threshold) cleanUntil = now + p.stepsToCooperateWhenMotivated;
        return now < cleanUntil ? 'CLEAN' : 'EAT';
      };
    }
    case 'sanctioner_alternator': {
      // clean_up.py SanctionerAlternator.step: the window starts full of 1s; when fewer than `threshold` of the last
      // `recencyWindow` steps saw another player clean, sanction for stepsToSanctionWhenMotivated steps; otherwise
      // alternate every `alternatingSteps` steps between cleaning (only if `nice`) and eating.
      const p = policy;
      const recent = new WindowSum(p.recencyWindow, 1);
      let step = 0, sanctionUntil = 0;
      return (s, slot) => {
        const now = step++;
        recent.push(numOthersWhoCleanedThisStep(s, slot) > 0 ? 1 : 0);
        if (recent.sum < p.threshold) sanctionUntil = now + p.stepsToSanctionWhenMotivated;
        if (now < sanctionUntil) return 'SANCTION';
        return Math.floor(now / p.alternatingSteps) % 2 === 0 && p.nice ? 'CLEAN' : 'EAT';
      };
    }
    default:
      return null;
  }
}

/** A Clean Up bot that acts out the goal `choose` picks each step. `lastGoal` reports it (for tests and metrics). */
export interface CleanUpBot extends Bot {
  readonly lastGoal: CleanUpGoal | null;
}

export function cleanUpBot(sim: Sim, name: string, choose: GoalChooser): CleanUpBot {
  const clean = cleanBehaviour(sim), eat = eatBehaviour(sim), sanction = sanctionBehaviour(sim);
  let lastGoal: CleanUpGoal | null = null;
  return {
    name,
    get lastGoal() {
      return lastGoal;
    },
    act(s: Sim, slot: number): number {
      lastGoal = choose(s, slot);
      return lastGoal === 'CLEAN' ? clean(s, slot) : lastGoal === 'EAT' ? eat(s, slot) : sanction(s, slot);
    },
  };
}

export function cleanerBot(sim: Sim): Bot {
  return cleanUpBot(sim, 'cleaner', () => 'CLEAN');
}

export function freeRiderBot(sim: Sim): Bot {
  return cleanUpBot(sim, 'free_rider', () => 'EAT');
}
