/**
 * Scripted stand-ins for Allelopathic Harvest's background bots (substrates/scenarios_allelopathic_harvest.ts).
 *
 * - `berry_planter` (Melting Pot's trained `bot_that_supports_green_*` / `_red_*`): replants every unripe berry of
 *   another colour it can reach in its colour, and eats the ripe berries it passes; it walks (path search) to the
 *   nearest ripe berry or berry to replant, turns to face a berry to replant next to it, and fires when its planting
 *   beam would reach one. It never zaps.
 * - `convention_follower` (Melting Pot's `ConventionFollower` puppeteer, `utils/puppeteers/allelopathic_harvest.py`,
 *   driving a puppet trained on the goals CONSUME_ANY, PREFER_RED, PREFER_GREEN): it keeps the mean colour of its
 *   last `recencyWindow` RGB observations; when the largest channel's mean is above `colorThreshold`, its goal
 *   becomes PREFER_RED, PREFER_GREEN or CONSUME_ANY for red, green or blue. PREFER_X is played as a planter of X;
 *   CONSUME_ANY (also its goal at the start) only eats.
 *
 * Like every bot they see the world as it stood after the last tick and draw their randomness from the world's
 * generator. Their buffers are their own (one bot per slot), so two sims never share one.
 */
import { DIR_DX, DIR_DY } from '../../ecs/components.js';
import type { BotPolicy } from '../../substrates/types.js';
import { allelopathicOf } from '../allelopathicHarvest/index.js';
import type { AllelopathicState } from '../allelopathicHarvest/state.js';
import { Layer } from '../layers.js';
import { renderRgb, rgbShape } from '../renderObservations.js';
import type { Bot, Sim } from '../sim.js';
import { firstStep, moveActions, neighbour, stepAction, type MoveActions } from './navigation.js';

type PlanterPolicy = Extract<BotPolicy, { kind: 'berry_planter' }>;
type FollowerPolicy = Extract<BotPolicy, { kind: 'convention_follower' }>;

export function isAllelopathicPolicy(p: BotPolicy): p is PlanterPolicy | FollowerPolicy {
  return p.kind === 'berry_planter' || p.kind === 'convention_follower';
}

/** Index in the action table of each colour's planting action (0 unused). */
function plantActions(sim: Sim): number[] {
  const out = [-1];
  for (let k = 1; k <= 3; k++) out.push(sim.spec.actions.findIndex((a) => a.fire === `color:${k}`));
  return out;
}

/**
 * The berry index a planting beam fired now by the avatar of `slot` would stop at (the first cell ahead, within the
 * beam's length, holding a berry, an avatar or a wall), or −1.
 */
function berryAhead(sim: Sim, st: AllelopathicState, slot: number): number {
  const { c, grid } = sim.world;
  const eid = sim.avatars[slot];
  const dir = c.Orientation.dir[eid];
  let x = c.Position.x[eid], y = c.Position.y[eid];
  for (let i = 0; i < st.spec.plantingBeam.length; i++) {
    x += DIR_DX[dir];
    y += DIR_DY[dir];
    if (grid.torus) {
      x = grid.wrapX(x);
      y = grid.wrapY(y);
    } else if (!grid.inBounds(x, y)) return -1;
    const cell = grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return -1;
    const b = st.berryAt[cell];
    if (b >= 0) return b;
    if (grid.atCell(cell, Layer.Upper) !== 0) return -1;
  }
  return -1;
}

/** One step of a bot that eats, and plants colour `plant` (0: plants nothing). */
function plantOrEat(sim: Sim, st: AllelopathicState, slot: number, plant: number, m: MoveActions, plantAction: readonly number[]): number {
  const { c, grid } = sim.world;
  const eid = sim.avatars[slot];
  if (c.Removed.until[eid] > 0 || !grid.has(eid)) return m.noop;
  const replantable = (b: number): boolean => plant > 0 && b >= 0 && st.ripe[b] === 0 && st.color[b] !== plant;
  if (plant > 0 && st.plantTimer[slot] === 0 && replantable(berryAhead(sim, st, slot))) return plantAction[plant];
  const here = grid.cellIndex(c.Position.x[eid], c.Position.y[eid]);
  const facing = c.Orientation.dir[eid];
  // A berry to replant right beside it: turn to face it (behind: turn right, and again next tick).
  for (let d = 0; d < 4 && plant > 0; d++) {
    const cell = neighbour(sim, here, d);
    if (cell < 0 || !replantable(st.berryAt[cell]) || d === facing) continue;
    return ((d - facing + 4) & 3) === 3 ? m.turnLeft : m.turnRight;
  }
  const isGoal = (cell: number): boolean => {
    const b = st.berryAt[cell];
    return b >= 0 && cell !== here && (st.ripe[b] === 1 || replantable(b));
  };
  const d = firstStep(sim, slot, isGoal, () => false, true);
  if (d >= 0) return stepAction(m, facing, d);
  const r = sim.world.rng.int(3);
  return r === 0 ? m.turnLeft : r === 1 ? m.turnRight : m.forward;
}

export function berryPlanterBot(sim: Sim, name: string, p: PlanterPolicy): Bot {
  const m = moveActions(sim);
  const plantAction = plantActions(sim);
  return {
    name,
    act(s: Sim, slot: number): number {
      const st = allelopathicOf(s);
      return st ? plantOrEat(s, st, slot, p.plants, m, plantAction) : m.noop;
    },
  };
}

/** The goal per dominant channel (red, green, blue): plant red, plant green, consume any (`preference_goals`). */
const PREFERENCE_PLANTS = [1, 2, 0] as const;

export function conventionFollowerBot(sim: Sim, name: string, p: FollowerPolicy): Bot {
  const m = moveActions(sim);
  const plantAction = plantActions(sim);
  const [h, w, ch] = rgbShape(sim);
  const frame = new Uint8Array(h * w * ch);
  // Mean of each channel over each of the last `recencyWindow` frames, newest first; `seen` frames so far.
  const means = new Float64Array(p.recencyWindow * 3);
  let seen = 0;
  let plant = 0; // CONSUME_ANY, the initial goal
  let episode = -1;
  return {
    name,
    act(s: Sim, slot: number): number {
      const st = allelopathicOf(s);
      if (!st) return m.noop;
      if (episode !== s.episode) {
        episode = s.episode;
        seen = 0;
        plant = 0;
      }
      renderRgb(s, slot, frame);
      let red = 0, green = 0, blue = 0;
      for (let i = 0; i < frame.length; i += 3) {
        red += frame[i];
        green += frame[i + 1];
        blue += frame[i + 2];
      }
      means.copyWithin(3, 0, means.length - 3);
      const px = frame.length / 3;
      means[0] = red / px;
      means[1] = green / px;
      means[2] = blue / px;
      if (seen < p.recencyWindow) seen++;
      let best = 0, bestValue = -1;
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let f = 0; f < seen; f++) v += means[f * 3 + c];
        v /= seen;
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      if (bestValue > p.colorThreshold) plant = PREFERENCE_PLANTS[best];
      return plantOrEat(s, st, slot, plant, m, plantAction);
    },
  };
}
