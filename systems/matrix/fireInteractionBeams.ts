/**
 * The interaction beam (Melting Pot `the_matrix` `GameInteractionZapper`, priority 140, after the moves).
 *
 * Firing. As in Lab2D, every player's zap updater runs before any beam is resolved: in a fresh random order, each
 * player on the map whose movement is allowed (not frozen) counts its cooling timer down, or, at 0, fires if its
 * action is INTERACT (the timer restarts at `cooldown`: shots at least cooldown + 1 ticks apart). Frozen players
 * neither count down nor fire. The beams are then traced in that same order, each from the firer's post-move cell
 * (systems/beam.ts: length L, radius R).
 *
 * What a beam does in each cell: a wall stops it; a live resource stops it and loses one health point, and on its
 * last one it is destroyed (starts waiting) and lets the beam through (`Destroyable`, `resourceHealth` hits); a
 * player stops it and is "hit", with these checks in Melting Pot's order:
 * 1. at most one beam hit per player per tick (`_preventExtraSimultaneousInteraction`): if the target was already
 *    part of a hit this tick, nothing happens; otherwise the target is marked, and then if the firer was already
 *    part of a hit nothing more happens (the target stays marked); otherwise the firer is marked too. Both marks
 *    stand even if a later check refuses the hit;
 * 2. a player whose interaction effects are pending (frozen after an interaction) cannot be hit;
 * 3. with `disallowUnreadyInteractions`, both must have collected a resource since their last inventory reset
 *    ("ready": `playerCollectedAtLeastOneResource`); otherwise nothing happens;
 * 4. consent variant (Crucible only): a player in an open request cannot be asked; otherwise the target is sent a
 *    request and nothing else happens now (see below);
 * 5. the interaction resolves: the firer is the row player, the target the column player.
 *
 * Resolving (`_resolve`): with r, c the row and column inventories over their sums, the row player is owed r·M_row·c
 * and the column player r·M_col·c. Both freeze: they cannot act on ticks t + 1 … t + freezeTicks + 1, cannot be hit,
 * and on tick t + freezeTicks + 1 the payoffs, inventory resets and removals land (systems/applyInteractionEffects.ts).
 * The row player wins ties. Melting Pot resets a winning row player's inventory (and readiness) immediately as well
 * as with the other effects (`reset_winner_inventory` in the row-wins branch only); this is kept, so that player's
 * INVENTORY reads the initial one while it is frozen. INTERACTION_INVENTORIES shows both inventories on the tick of the interaction.
 * An interaction in which one player's inventory majority is the `defect` class and the other's the `cooperate`
 * class is reported as a landed `hostile_attempt` by the defector on the cooperator (the exploitation figure).
 *
 * Consent (Crucible's `consent` block): a request made on tick t may be accepted on ticks t + 1 … t + windowTicks by
 * the target firing INTERACT (a shot that counts: on the map, not frozen, timer at 0); that shot fires no beam and
 * resolves the interaction with the requester as row player. systems/expireConsentRequests.ts refuses what is left.
 */
import { classWithRole, interactionPayoffs, majorityClass, matrixOf, resetInventory, setResourceWaiting } from './matrixState.js';
import { BeamKind } from '../beamOverlay.js';
import { traceBeam, type BeamVisitor } from '../beam.js';
import { chooseFirers, type Firing } from '../chooseFirers.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';

class InteractionBeam implements BeamVisitor {
  sim!: Sim;
  slot = 0;
  self = 0;

  visit(x: number, y: number): boolean {
    const sim = this.sim;
    const st = matrixOf(sim);
    const m = sim.spec.matrix;
    if (!st || !m) return true;
    const g = sim.world.grid;
    const cell = g.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const e = g.atCell(cell, Layer.Upper);
    if (e !== 0 && e !== this.self) {
      const target = sim.world.c.Avatar.slot[e];
      if (target >= 0) hitPlayer(sim, this.slot, target);
      return true;
    }
    if (m.resourceHealth > 0) {
      const r = g.atCell(cell, Layer.Lower);
      const i = r === 0 ? -1 : st.indexOf[r];
      if (i >= 0) {
        if (--st.health[i] > 0) return true;
        st.health[i] = m.resourceHealth;
        setResourceWaiting(sim, i);
        st.counters.resourcesDestroyed++;
        const events = sim.world.events;
        if (events.wants('resource_destroyed')) events.emit('resource_destroyed', { tick: sim.world.tick, slot: this.slot, resource: st.cls[i] + 1 });
        return false;
      }
    }
    return false;
  }
}

const beam = new InteractionBeam();
/** Slots that fire this tick, in firing order. */
let firers = new Int32Array(64);
const firing: Firing = { beam: 'interact', cooldown: 0, timer: new Int32Array(0), perSlot: false, frozenCountsDown: false };
const payoffs = new Float64Array(2);

export function fireInteractionBeams(sim: Sim): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  const { c } = sim.world;
  const b = m.interaction;
  if (firers.length < sim.players) firers = new Int32Array(sim.players);
  firing.cooldown = b.cooldown;
  firing.timer = c.Cooldown.timer;
  const n = chooseFirers(sim, firing, firers);
  // Answers to consent requests first: they fire no beam, and a pair that accepts is frozen before any beam lands.
  if (m.consent) {
    for (let k = 0; k < n; k++) {
      if (st.requestFrom[firers[k]] < 0) continue;
      acceptRequest(sim, firers[k]);
      firers[k] = -1;
    }
  }
  for (let k = 0; k < n; k++) {
    const slot = firers[k];
    if (slot < 0) continue;
    const eid = sim.avatars[slot];
    st.counters.interactionBeamsFired++;
    beam.sim = sim;
    beam.slot = slot;
    beam.self = eid;
    traceBeam(sim, c.Position.x[eid], c.Position.y[eid], c.Orientation.dir[eid], b.length, b.radius, beam, BeamKind.Interact);
  }
}

/** A beam of `row` reached the avatar of `col`: the checks in the header, in order. */
function hitPlayer(sim: Sim, row: number, col: number): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  const { tick, events } = sim.world;
  if (st.hitAt[col] === tick) return;
  st.hitAt[col] = tick;
  if (st.hitAt[row] === tick) return;
  st.hitAt[row] = tick;
  if (st.effectsAt[col] > 0) return;
  if (m.disallowUnreadyInteractions && (st.ready[row] === 0 || st.ready[col] === 0)) {
    st.counters.unreadyHits++;
    return;
  }
  if (m.consent) {
    if (st.requestFrom[col] >= 0 || st.requestTo[col] >= 0 || st.requestTo[row] >= 0) return;
    st.requestFrom[col] = row;
    st.requestTo[row] = col;
    st.requestDeadline[col] = tick + m.consent.windowTicks;
    st.counters.consentRequests++;
    if (events.wants('consent_request')) events.emit('consent_request', { tick, requester: row, target: col });
    return;
  }
  resolveInteraction(sim, row, col);
}

/** `target` fired INTERACT with a request open: it accepts, and the requester's interaction resolves now. */
function acceptRequest(sim: Sim, target: number): void {
  const st = matrixOf(sim);
  if (!st) return;
  const { tick, events, c } = sim.world;
  const requester = st.requestFrom[target];
  st.requestFrom[target] = -1;
  st.requestTo[requester] = -1;
  if (c.Removed.until[sim.avatars[requester]] > 0 || st.effectsAt[requester] > 0 || st.effectsAt[target] > 0) {
    st.counters.consentRefused++;
    if (events.wants('consent_refused')) events.emit('consent_refused', { tick, requester, target });
    return;
  }
  st.hitAt[requester] = tick;
  st.hitAt[target] = tick;
  st.counters.consentAccepted++;
  if (events.wants('consent_accepted')) events.emit('consent_accepted', { tick, requester, target });
  resolveInteraction(sim, requester, target);
}

/** Compute the payoffs of `row` (firer) and `col`, record the interaction, freeze both and schedule the effects. */
export function resolveInteraction(sim: Sim, row: number, col: number): void {
  const m = sim.spec.matrix;
  const st = matrixOf(sim);
  if (!m || !st) return;
  const { world } = sim;
  const { c, events, tick } = world;
  const k = st.classes;
  const inv = c.Inventory;
  const rowBase = sim.avatars[row] * inv.size;
  const colBase = sim.avatars[col] * inv.size;
  interactionPayoffs(m, inv.count, rowBase, inv.count, colBase, payoffs);
  const rowReward = payoffs[0], colReward = payoffs[1];
  // INTERACTION_INVENTORIES: own inventory first, then the partner's.
  const ii = st.interactionInventories;
  for (let i = 0; i < k; i++) {
    ii[row * 2 * k + i] = inv.count[rowBase + i];
    ii[row * 2 * k + k + i] = inv.count[colBase + i];
    ii[col * 2 * k + i] = inv.count[colBase + i];
    ii[col * 2 * k + k + i] = inv.count[rowBase + i];
  }
  st.interactionTick[row] = st.interactionTick[col] = tick;
  st.interactionCount[row]++;
  st.interactionCount[col]++;
  const rowChoice = majorityClass(inv.count, rowBase, k);
  const colChoice = majorityClass(inv.count, colBase, k);
  st.lastChoice[row] = rowChoice;
  st.lastChoice[col] = colChoice;
  st.counters.interactions++;
  if (events.wants('interaction')) {
    events.emit('interaction', {
      tick, row, col, rowReward, colReward,
      rowChoice: rowChoice >= 0 ? m.resources[rowChoice].name : null,
      colChoice: colChoice >= 0 ? m.resources[colChoice].name : null,
    });
  }
  const coop = classWithRole(m, 'cooperate'), defect = classWithRole(m, 'defect');
  if (coop >= 0 && defect >= 0 && events.wants('hostile_attempt')) {
    if (rowChoice === defect && colChoice === coop) events.emit('hostile_attempt', { tick, attacker: row, target: col, landed: true });
    else if (colChoice === defect && rowChoice === coop) events.emit('hostile_attempt', { tick, attacker: col, target: row, landed: true });
  }
  const b = m.interaction;
  const rowWon = rowReward >= colReward;
  if (rowWon && b.resetWinnerInventory) resetInventory(sim, row);
  st.pendingRow[col] = row;
  st.pendingRowReward[col] = rowReward;
  st.pendingColReward[col] = colReward;
  st.pendingRowWon[col] = rowWon ? 1 : 0;
  st.effectsAt[row] = st.effectsAt[col] = tick + b.freezeTicks + 1;
  // Lab2D `disallowMovementUntil(freeze + 2)`: no action on ticks t + 1 … t + freeze + 1.
  c.Frozen.until[sim.avatars[row]] = tick + b.freezeTicks + 2;
  c.Frozen.until[sim.avatars[col]] = tick + b.freezeTicks + 2;
}
