/**
 * Scripted bots for the matrix games, after Melting Pot's puppeteers (`utils/puppeteers/in_the_matrix.py`), whose
 * goal-conditioned neural puppets are replaced here by path finding:
 *
 * - Every strategy picks a target class each tick and collects it until its inventory's unique largest entry is
 *   that class by at least `margin` (Melting Pot's `has_collected_sufficient`; margin 5 as in the `*_margin_0`
 *   bots), stepping around resources of other classes when it can. Then it seeks the nearest player it could
 *   interact with (on the map, not frozen, ready), turns to bring it into the beam and fires INTERACT.
 * - cooperator / defector (`Specialist`): always the class whose role is cooperate / defect (stag / hare,
 *   dove / hawk in the other games).
 * - tit_for_tat (`TitForTat`, no tremble): cooperates first, then plays the class that was its partner's unique
 *   majority at their last interaction (an unclear partner changes nothing).
 * - grim_trigger (`GrimTrigger`, threshold 1): cooperates until a partner's majority at an interaction is the defect
 *   class, then defects for the rest of the episode.
 * - Melting Pot's own Matrix bots (`BotSpec.policy`, substrates/scenarios_in_the_matrix.ts) follow their configured
 *   puppeteer (`puppeteerFor`): Specialist, GrimTrigger (any threshold), TitForTat and Corrigible (with tremble),
 *   ScheduledFlip, each with its own margins. Trembles draw from the world's generator.
 *
 * Consent policy (Crucible's consent variant), the suffix of the bot name: none = always_accept (answer every
 * request with INTERACT), `__accept_known_cooperators` (accept only a requester whose unique majority at its last
 * interaction, with anyone, was the cooperate class), `__never_accept`. A bot that does not accept never presses
 * INTERACT while a request is open, and a bot waiting for an answer to its own request stands still.
 *
 * Interactions are read from systems/matrix/matrixState.ts (the record behind INTERACTION_INVENTORIES), as Melting Pot's
 * puppeteers read that observation. Bots are created at every reset, so their memory lasts one episode.
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import type { BotPolicy, MatrixSpec } from '../../substrates/types.js';
import { traceBeam, type BeamVisitor } from '../beam.js';
import { Layer } from '../layers.js';
import { classWithRole, majorityClass, matrixOf, type MatrixState } from '../matrix/matrixState.js';
import type { Bot, Sim } from '../sim.js';
import { firstStep, moveActions, neighbour, stepAction, type MoveActions } from './navigation.js';

export type MatrixStrategy = 'cooperator' | 'defector' | 'tit_for_tat' | 'grim_trigger';
export type ConsentPolicy = 'always_accept' | 'accept_known_cooperators' | 'never_accept';

export const MATRIX_STRATEGIES: readonly MatrixStrategy[] = ['cooperator', 'defector', 'tit_for_tat', 'grim_trigger'];
export const CONSENT_POLICIES: readonly ConsentPolicy[] = ['always_accept', 'accept_known_cooperators', 'never_accept'];

export interface MatrixBotOptions {
  strategy: MatrixStrategy;
  consent: ConsentPolicy;
  /** Lead of the target class over every other class before interacting (Melting Pot's `margin`; default 5). */
  margin?: number;
  /** A Melting Pot puppeteer to follow instead of `strategy` (its own margins), and the bot's name. */
  policy?: { readonly name: string; readonly policy: BotPolicy };
}

/** The Matrix puppeteers' kinds of `BotPolicy`. */
export type MatrixPolicy = Extract<BotPolicy, { kind: 'specialist' | 'grim_trigger' | 'tit_for_tat' | 'corrigible' | 'scheduled_flip' }>;

export function isMatrixPolicy(p: BotPolicy): p is MatrixPolicy {
  return p.kind === 'specialist' || p.kind === 'grim_trigger' || p.kind === 'tit_for_tat' || p.kind === 'corrigible' || p.kind === 'scheduled_flip';
}

/**
 * A puppeteer of `utils/puppeteers/in_the_matrix.py`: each step it sees the partner's unique majority class at an
 * interaction that just happened (−1 if none happened or the majority was unclear: `partner_max_resource`) and
 * picks whether to play the cooperative class and the margin to collect before interacting.
 */
export interface Puppeteer {
  step(rng: { float(): number }, interacted: boolean, partner: number): void;
  cooperate: boolean;
  margin: number;
}

/** Melting Pot's `tremble`: true with probability p (no draw when p is 0). */
function tremble(rng: { float(): number }, p: number): boolean {
  return p > 0 && rng.float() < p;
}

export function puppeteerFor(policy: MatrixPolicy, coop: number, defect: number): Puppeteer {
  switch (policy.kind) {
    case 'specialist':
      return { step() {}, cooperate: policy.target === 'cooperate', margin: policy.margin };
    case 'grim_trigger': {
      // GrimTrigger.step: count partners' defections; defect for good from the threshold-th on.
      let defections = 0;
      const p = { step(_r: unknown, _i: boolean, partner: number) {
        if (partner === defect) defections++;
        p.cooperate = defections < policy.threshold;
      }, cooperate: true, margin: policy.margin };
      return p;
    }
    case 'tit_for_tat': {
      // TitForTat.step: starts cooperating (unless it trembles), then copies the partner's last clear choice;
      // each decision flips with probability `tremble`.
      let first = true;
      const p: Puppeteer = { step(rng, _i, partner) {
        if (first) {
          first = false;
          p.cooperate = !tremble(rng, policy.tremble);
        }
        if (partner === coop) p.cooperate = !tremble(rng, policy.tremble);
        else if (partner === defect) p.cooperate = tremble(rng, policy.tremble);
      }, cooperate: true, margin: policy.margin };
      return p;
    }
    case 'corrigible': {
      // Corrigible.step: defects until defected on `threshold` times, then plays tit-for-tat (cooperating at the
      // switch), each decision after the switch flipping with probability `tremble`.
      let defections = 0;
      const p: Puppeteer = { step(rng, _i, partner) {
        let switching = false;
        if (partner === defect) switching = ++defections === policy.threshold;
        if (defections < policy.threshold) p.cooperate = false;
        else if (switching || partner === coop) p.cooperate = !tremble(rng, policy.tremble);
        else if (partner === defect) p.cooperate = tremble(rng, policy.tremble);
      }, cooperate: false, margin: policy.margin };
      return p;
    }
    case 'scheduled_flip': {
      // ScheduledFlip.step: cooperates with `initialMargin` for `threshold` interactions, then defects with `finalMargin`.
      let interactions = 0;
      const p: Puppeteer = { step(_r, interacted) {
        if (interacted) interactions++;
        p.cooperate = interactions < policy.threshold;
        p.margin = p.cooperate ? policy.initialMargin : policy.finalMargin;
      }, cooperate: true, margin: policy.initialMargin };
      return p;
    }
  }
}

/** Crucible's own strategies as puppeteers (margin `margin`; grim trigger with threshold 1, no tremble). */
function strategyPolicy(strategy: MatrixStrategy, margin: number): MatrixPolicy {
  switch (strategy) {
    case 'cooperator':
      return { kind: 'specialist', target: 'cooperate', margin };
    case 'defector':
      return { kind: 'specialist', target: 'defect', margin };
    case 'tit_for_tat':
      return { kind: 'tit_for_tat', margin, tremble: 0 };
    case 'grim_trigger':
      return { kind: 'grim_trigger', threshold: 1, margin };
  }
}

/** Default lead over the other classes before a bot interacts (Melting Pot's `*_margin_0` bots). */
export const DEFAULT_MARGIN = 5;

/** The registered name of a strategy with a consent policy: `cooperator`, `cooperator__never_accept`, … */
export function matrixBotName(strategy: MatrixStrategy, consent: ConsentPolicy): string {
  return consent === 'always_accept' ? strategy : `${strategy}__${consent}`;
}

// ---------------------------------------------------------------------------------------------------------------
/** Is a player at offset (dx, dy) inside the beam's shape (ignoring blockers) for an avatar facing `d`? */
function inBeamShape(dx: number, dy: number, d: number, length: number, radius: number): boolean {
  const fwd = dx * DIR_DX[d] + dy * DIR_DY[d];
  const rd = (d + 1) & 3;
  const side = Math.abs(dx * DIR_DX[rd] + dy * DIR_DY[rd]);
  if (side === 0) return fwd >= 1 && fwd <= length;
  return side <= radius && fwd >= 0 && fwd <= length - side;
}

/** Traces the real beam and reports the first player it would reach (walls and live resources stop it). */
class BeamProbe implements BeamVisitor {
  sim!: Sim;
  self = 0;
  /** Slots the beam would reach, one bit per line is enough: the first player of each line. */
  hits: number[] = [];
  visit(x: number, y: number): boolean {
    const sim = this.sim;
    const g = sim.world.grid;
    const cell = g.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const e = g.atCell(cell, Layer.Upper);
    if (e !== 0 && e !== this.self) {
      const s = sim.world.c.Avatar.slot[e];
      if (s >= 0) this.hits.push(s);
      return true;
    }
    const r = g.atCell(cell, Layer.Lower);
    return r !== 0 && (matrixOf(sim)?.indexOf[r] ?? -1) >= 0 && (sim.spec.matrix?.resourceHealth ?? 0) > 0;
  }
}
const probe = new BeamProbe();

// ---------------------------------------------------------------------------------------------------------------

/** Could `other` be interacted with now (on the map, not frozen by an interaction, not in a consent request)? */
function available(sim: Sim, st: MatrixState, other: number): boolean {
  const e = sim.avatars[other];
  return sim.world.c.Removed.until[e] === 0 && st.effectsAt[other] === 0 && st.requestFrom[other] < 0 && st.requestTo[other] < 0;
}

export function matrixBot(sim: Sim, opts: MatrixBotOptions): Bot {
  const name = opts.policy?.name ?? matrixBotName(opts.strategy, opts.consent);
  const m = moveActions(sim);
  const interact = sim.spec.actions.findIndex((a) => a.fire === 'interact');
  const spec = sim.spec.matrix;
  if (!spec || interact < 0) {
    // Not a matrix substrate: stand still rather than fail (the registry offers these bots only to matrix games).
    return { name, act: () => m.noop };
  }
  const mx: MatrixSpec = spec;
  const k = mx.resources.length;
  const coop = Math.max(classWithRole(mx, 'cooperate'), 0);
  const defect = classWithRole(mx, 'defect') >= 0 ? classWithRole(mx, 'defect') : Math.min(1, k - 1);
  // Per-episode memory.
  let seenInteractions = 0;
  const pol = opts.policy?.policy;
  const puppeteer = puppeteerFor(pol && isMatrixPolicy(pol) ? pol : strategyPolicy(opts.strategy, opts.margin ?? DEFAULT_MARGIN), coop, defect);
  let target = 0;
  let self = 0;
  const liveClassAt = (cell: number): number => {
    const st = matrixOf(sim);
    const e = sim.world.grid.atCell(cell, Layer.Lower);
    if (!st || e === 0) return -1;
    const i = st.indexOf[e];
    return i < 0 ? -1 : st.cls[i];
  };
  const isTargetResource = (cell: number): boolean => liveClassAt(cell) === target;
  const isOtherResource = (cell: number): boolean => {
    const cls = liveClassAt(cell);
    return cls >= 0 && cls !== target;
  };
  // Goal when seeking a partner: a cell next to an available, ready player.
  const nextToPartner = (cell: number): boolean => {
    const st = matrixOf(sim);
    if (!st) return false;
    for (let d = 0; d < 4; d++) {
      const n = neighbour(sim, cell, d);
      if (n < 0) continue;
      const e = sim.world.grid.atCell(n, Layer.Upper);
      if (e === 0 || e === sim.avatars[self]) continue;
      const s = sim.world.c.Avatar.slot[e];
      if (s >= 0 && available(sim, st, s) && st.ready[s] === 1) return true;
    }
    return false;
  };

  function wander(s: Sim): number {
    const r = s.world.rng.int(4);
    return r === 0 ? m.turnLeft : r === 1 ? m.turnRight : m.forward;
  }

  function walk(s: Sim, slot: number, isGoal: (cell: number) => boolean): number {
    let d = firstStep(s, slot, isGoal, isOtherResource, false);
    if (d === -1) d = firstStep(s, slot, isGoal, isOtherResource, true);
    if (d < 0) return wander(s);
    return stepAction(m, s.world.c.Orientation.dir[s.avatars[slot]], d);
  }

  function accepts(st: MatrixState, requester: number): boolean {
    if (opts.consent === 'always_accept') return true;
    if (opts.consent === 'never_accept') return false;
    return st.lastChoice[requester] === coop;
  }

  /** Step the puppeteer with the partner's play at an interaction not seen yet (once per step, as Melting Pot). */
  function observe(s: Sim, st: MatrixState, slot: number): void {
    const interacted = st.interactionCount[slot] !== seenInteractions;
    seenInteractions = st.interactionCount[slot];
    const partner = interacted ? majorityClass(st.interactionInventories, slot * 2 * k + k, k) : -1;
    puppeteer.step(s.world.rng, interacted, partner);
  }

  return {
    name,
    act(s: Sim, slot: number): number {
      const st = matrixOf(s);
      if (!st) return m.noop;
      const { c, tick } = s.world;
      const me = s.avatars[slot];
      self = slot;
      observe(s, st, slot);
      if (c.Removed.until[me] > 0 || c.Frozen.until[me] > tick) return m.noop;
      target = puppeteer.cooperate ? coop : defect;
      const margin = puppeteer.margin;
      const ready = c.Cooldown.timer[me] === 0;
      let mayInteract = true;
      if (s.spec.matrix?.consent) {
        const requester = st.requestFrom[slot];
        if (requester >= 0) {
          if (accepts(st, requester)) return ready ? interact : m.noop;
          mayInteract = false;
        }
        if (st.requestTo[slot] >= 0) return m.noop;
      }
      const inv = c.Inventory;
      const base = me * inv.size;
      let lead = Infinity;
      for (let i = 0; i < k; i++) if (i !== target) lead = Math.min(lead, inv.count[base + target] - inv.count[base + i]);
      if (!(lead >= margin)) return walk(s, slot, isTargetResource);
      return seekPartner(s, st, slot, mayInteract && ready);
    },
  };

  function seekPartner(s: Sim, st: MatrixState, slot: number, canFire: boolean): number {
    const { c } = s.world;
    const me = s.avatars[slot];
    const x = c.Position.x[me], y = c.Position.y[me], dir = c.Orientation.dir[me];
    const b = mx.interaction;
    probe.sim = s;
    probe.self = me;
    probe.hits.length = 0;
    traceBeam(s, x, y, dir, b.length, b.radius, probe);
    let blockedPartner = false;
    for (const h of probe.hits) {
      if (!available(s, st, h) || st.ready[h] === 0) continue;
      if (canFire) return interact;
      blockedPartner = true;
    }
    if (blockedPartner) return m.noop; // in the beam, waiting for the cooldown (or for our own request's answer)
    // The nearest available, ready player within reach of a turn: face it.
    let best = -1, bestD = Infinity;
    for (let o = 0; o < s.players; o++) {
      if (o === slot || !available(s, st, o) || st.ready[o] === 0) continue;
      const e = s.avatars[o];
      const d = Math.abs(c.Position.x[e] - x) + Math.abs(c.Position.y[e] - y);
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    if (best < 0) return wander(s);
    const e = s.avatars[best];
    const dx = c.Position.x[e] - x, dy = c.Position.y[e] - y;
    for (const turn of [1, 3, 2]) {
      const d = (dir + turn) & 3;
      if (inBeamShape(dx, dy, d, b.length, b.radius)) return turn === 3 ? m.turnLeft : m.turnRight;
    }
    return walk(s, slot, nextToPartner);
  }
}

/** Every strategy with every consent policy, by registered name. */
export const MATRIX_BOT_FACTORIES: Readonly<Record<string, (sim: Sim) => Bot>> = Object.fromEntries(
  MATRIX_STRATEGIES.flatMap((strategy) =>
    CONSENT_POLICIES.map((consent) => [matrixBotName(strategy, consent), (sim: Sim) => matrixBot(sim, { strategy, consent })] as const),
  ),
);
