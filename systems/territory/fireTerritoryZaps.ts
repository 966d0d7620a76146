/**
 * Territory's zap (`Zapper`, lua/modules/avatar_library.lua:609-681, updater priority 140; configured at
 * configs/substrates/territory.py:714-726: cooldown 4, length 2, radius 1, no reward or penalty, no removal by the
 * zapper itself). In a fresh random order each player on the map counts its cooling timer down or, at 0, fires if
 * its action zaps. Hits land as the beam is traced, in firing order (the Lua `onHit` callbacks run at once):
 * - a resource wall loses one health and stops the line; at 0 it is destroyed for good and the line goes on
 *   (`Resource:onHit`, lua/levels/territory/components.lua:152-176);
 * - a player stops the line and is sanctioned (`GraduatedSanctionsMarking:onHit`, avatar_library.lua:1051-1095,
 *   hit logic at territory.py:802-818): at level 1 it goes to level 2 and is frozen (no moves, no zaps) for
 *   `freezeTicks`; at level 2 it goes back to level 1 and is removed `removalDelay` ticks later, for good;
 * - a wall of the map stops the line (`AllBeamBlocker`, components.lua:37-49).
 * Exploitation attempts (README, Territory): a zap whose shape held a live player (landed = a player was hit), and a
 * zap hitting a wall another player owns (landed = that hit destroyed it).
 */
import { BeamKind } from '../beamOverlay.js';
import { traceBeam, traceBeamShape, type BeamVisitor } from '../beam.js';
import { Layer } from '../layers.js';
import type { Sim } from '../sim.js';
import { Sprite } from '../sprites.js';
import { territoryOf } from './index.js';
import { NOBODY, onMap, type TerritoryState } from './state.js';

class ZapVisitor implements BeamVisitor {
  sim!: Sim;
  st!: TerritoryState;
  shooter = 0;
  /** Players hit by this beam (to report which aimed-at players it reached). */
  hits = new Int32Array(8);
  count = 0;

  visit(x: number, y: number): boolean {
    const { sim, st } = this;
    const { grid, c } = sim.world;
    const cell = grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const i = st.indexOfCell[cell];
    if (i >= 0 && st.destroyed[i] === 0) return hitResource(sim, st, i, this.shooter);
    const e = grid.atCell(cell, Layer.Upper);
    if (e === 0 || c.Sprite.id[e] !== Sprite.Avatar) return false;
    const target = c.Avatar.slot[e];
    if (this.count === this.hits.length) {
      const grown = new Int32Array(this.count * 2);
      grown.set(this.hits);
      this.hits = grown;
    }
    this.hits[this.count++] = target;
    sanction(sim, st, this.shooter, target);
    return true;
  }
}

/** The aimed shape, ignoring blockers: the live players in it. */
class AimVisitor implements BeamVisitor {
  sim!: Sim;
  self = 0;
  targets = new Int32Array(8);
  count = 0;

  visit(x: number, y: number): boolean {
    const { grid, c } = this.sim.world;
    const e = grid.at(x, y, Layer.Upper);
    if (e !== 0 && e !== this.self && c.Sprite.id[e] === Sprite.Avatar) {
      if (this.count === this.targets.length) {
        const grown = new Int32Array(this.count * 2);
        grown.set(this.targets);
        this.targets = grown;
      }
      this.targets[this.count++] = c.Avatar.slot[e];
    }
    return false;
  }
}

const zap = new ZapVisitor();
const aim = new AimVisitor();

/** One zap on resource wall i. Returns true when the wall stops the line (it still stands). */
function hitResource(sim: Sim, st: TerritoryState, i: number, shooter: number): boolean {
  const spec = sim.spec.territory;
  if (!spec) return true;
  const { world } = sim;
  const owner = st.owner[i];
  st.health[i]--;
  st.sinceZapped[i] = 0;
  const destroyed = st.health[i] === 0;
  if (owner !== NOBODY && owner !== shooter && world.events.wants('hostile_attempt')) {
    world.events.emit('hostile_attempt', { tick: world.tick, attacker: shooter, target: owner, landed: destroyed });
  }
  if (!destroyed) return true;
  st.health[i] = spec.resource.initialHealth;
  st.destroyed[i] = 1;
  st.damagedShown[i] = 0;
  st.rewarding[i] = 0;
  st.owner[i] = NOBODY;
  st.standing--;
  st.destructions++;
  if (owner !== NOBODY && owner !== shooter) {
    st.destroyedOthers[shooter]++;
    st.lostToOthers[owner]++;
  }
  const eid = st.eids[i];
  if (world.grid.has(eid)) world.grid.remove(eid);
  const cell = st.cells[i];
  if (world.events.wants('wall_destroyed')) {
    world.events.emit('wall_destroyed', { tick: world.tick, slot: shooter, x: world.grid.cellX(cell), y: world.grid.cellY(cell), owner });
  }
  return false;
}

/** `GraduatedSanctionsMarking:onHit` with Territory's hit logic. */
function sanction(sim: Sim, st: TerritoryState, shooter: number, target: number): void {
  const spec = sim.spec.territory;
  if (!spec) return;
  const { world } = sim;
  const { c } = world;
  const tick = world.tick;
  const eid = sim.avatars[target];
  sim.counters.zapHits++;
  const s = spec.sanctions;
  let removed = false;
  if (st.level[target] === 1) {
    st.level[target] = 2;
    c.Frozen.until[eid] = tick + s.freezeTicks;
    st.zapDisallowed[target] = 1;
    st.noZapCounter[target] = s.freezeTicks;
  } else {
    st.level[target] = 1;
    removed = true;
    if (st.removeAt[target] === 0) st.removeAt[target] = tick + s.removalDelay;
    if (c.Frozen.until[eid] < tick + s.removalDelay) c.Frozen.until[eid] = tick + s.removalDelay;
    st.zapDisallowed[target] = 1;
    st.noZapCounter[target] = s.removalDelay;
  }
  st.sinceLevel[target] = 0;
  const events = world.events;
  if (events.wants('zap_hit')) events.emit('zap_hit', { tick, attacker: shooter, target });
  if (events.wants('sanctioned')) events.emit('sanctioned', { tick, attacker: shooter, target, removed });
}

export function fireTerritoryZaps(sim: Sim): void {
  // The spec block first: a substrate without Territory pays one field read.
  const spec = sim.spec.territory;
  if (!spec) return;
  const st = territoryOf(sim);
  if (!st) return;
  const { world, order } = sim;
  const { c, rng, events } = world;
  const tick = world.tick;
  const z = spec.zap;
  for (let s = 0; s < sim.players; s++) order[s] = s;
  rng.shuffle(order, sim.players);
  zap.sim = sim;
  zap.st = st;
  aim.sim = sim;
  const wantAttempts = events.wants('hostile_attempt');
  for (let k = 0; k < sim.players; k++) {
    const slot = order[k];
    if (!onMap(sim, slot)) continue;
    const eid = sim.avatars[slot];
    if (c.Cooldown.timer[eid] > 0) {
      c.Cooldown.timer[eid]--;
      continue;
    }
    if (sim.spec.actions[sim.actions[slot]].fire !== 'zap') continue;
    c.Cooldown.timer[eid] = z.cooldown;
    sim.counters.zapsFired++;
    if (events.wants('zap_fired')) events.emit('zap_fired', { tick, slot });
    const x = c.Position.x[eid], y = c.Position.y[eid], dir = c.Orientation.dir[eid];
    if (wantAttempts) {
      aim.self = eid;
      aim.count = 0;
      traceBeamShape(sim, x, y, dir, z.length, z.radius, aim);
    }
    zap.shooter = slot;
    zap.count = 0;
    traceBeam(sim, x, y, dir, z.length, z.radius, zap, BeamKind.Zap);
    if (wantAttempts) {
      for (let a = 0; a < aim.count; a++) {
        let landed = false;
        for (let h = 0; h < zap.count; h++) if (zap.hits[h] === aim.targets[a]) landed = true;
        events.emit('hostile_attempt', { tick, attacker: slot, target: aim.targets[a], landed });
      }
    }
  }
}
