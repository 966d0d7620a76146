/**
 * The Zapper. Who fires follows systems/chooseFirers.ts (a frozen player's timer counts down, as Melting Pot's
 * Zapper's does); each shot starts from the shooter's post-move position. Within each line of the beam the first
 * player hit stops it.
 *
 * As in Lab2D, every beam of the tick is traced before any hit takes effect (hits are queued and applied after the
 * beam pass), so mutual zaps both land and a player hit by two beams is hit twice. A hit player gets
 * `penaltyForBeingZapped`, the shooter `rewardForZapping`, and (if `removeHitPlayer`) the victim leaves the map
 * and reappears at the end of tick t + framesTillRespawn + 1 (visible in that tick's observation; its first action
 * that counts is the one after), through the scheduler.
 */
import { Layer } from './layers.js';
import { BeamKind } from './beamOverlay.js';
import { traceBeam, traceBeamShape, type BeamVisitor } from './beam.js';
import { chooseFirers, type Firing } from './chooseFirers.js';
import { giveReward } from './giveReward.js';
import type { Sim } from './sim.js';
import type { ZapperSpec } from '../substrates/types.js';

/**
 * Collects the avatars a beam reached; a wall or an avatar stops a real beam's line (the aimed shape,
 * `traceBeamShape`, goes on whatever `visit` returns). Walls are entities on the avatar layer too: they are not hits.
 */
class AvatarCollector implements BeamVisitor {
  sim!: Sim;
  self = 0;
  hits = new Int32Array(64);
  count = 0;

  /** Start a trace that can reach at most `cells` avatars. */
  begin(sim: Sim, self: number, cells: number): void {
    this.sim = sim;
    this.self = self;
    this.count = 0;
    if (this.hits.length < cells) this.hits = new Int32Array(cells);
  }

  visit(x: number, y: number): boolean {
    const g = this.sim.world.grid;
    const cell = g.cellIndex(x, y);
    if (this.sim.walls[cell] === 1) return true;
    const e = g.atCell(cell, Layer.Upper);
    if (e === 0 || e === this.self) return false;
    this.hits[this.count++] = e;
    return true;
  }
}

const beamHits = new AvatarCollector();
const aimed = new AvatarCollector();
/** Slots that fire this tick, in firing order. */
let firers = new Int32Array(64);
const firing: Firing = { beam: 'zap', cooldown: 0, timer: new Int32Array(0), perSlot: false, frozenCountsDown: true };
/** Hits queued during the beam pass: shooter slot and victim entity, applied once every beam is traced. */
let queuedShooter: Int32Array = new Int32Array(64);
let queuedVictim: Int32Array = new Int32Array(64);

/**
 * This tick's hits in the order they landed (shooter slot, victim entity), for rules that act on each hit after the
 * beam pass (Allelopathic Harvest's graduated sanctions). Valid for `world` at `tick` only.
 */
export const zapHits = { world: null as object | null, tick: -1, count: 0, shooter: queuedShooter, victim: queuedVictim };

export function fireZapBeams(sim: Sim): void {
  const zap = sim.spec.zapper;
  if (!zap) return;
  const { world } = sim;
  const { c, events } = world;
  const tick = world.tick;
  if (firers.length < sim.players) firers = new Int32Array(sim.players);
  firing.cooldown = zap.cooldown;
  firing.timer = c.Cooldown.timer;
  const n = chooseFirers(sim, firing, firers);
  const wantAttempts = events.wants('hostile_attempt');
  let queued = 0;
  for (let k = 0; k < n; k++) {
    const slot = firers[k];
    const eid = sim.avatars[slot];
    sim.counters.zapsFired++;
    if (events.wants('zap_fired')) events.emit('zap_fired', { tick, slot });
    const x = c.Position.x[eid], y = c.Position.y[eid], dir = c.Orientation.dir[eid];
    // A real beam reaches at most one avatar per line; the aimed shape one per cell.
    beamHits.begin(sim, eid, 1 + 2 * zap.radius);
    traceBeam(sim, x, y, dir, zap.length, zap.radius, beamHits, BeamKind.Zap);
    if (wantAttempts) {
      aimed.begin(sim, eid, zap.length * (1 + 2 * zap.radius));
      traceBeamShape(sim, x, y, dir, zap.length, zap.radius, aimed);
      for (let i = 0; i < aimed.count; i++) {
        const target = aimed.hits[i];
        let landed = false;
        for (let j = 0; j < beamHits.count; j++) if (beamHits.hits[j] === target) landed = true;
        events.emit('hostile_attempt', { tick, attacker: slot, target: c.Avatar.slot[target], landed });
      }
    }
    for (let i = 0; i < beamHits.count; i++) {
      if (queued === queuedShooter.length) {
        queuedShooter = grow(queuedShooter);
        queuedVictim = grow(queuedVictim);
      }
      queuedShooter[queued] = slot;
      queuedVictim[queued++] = beamHits.hits[i];
    }
  }
  for (let i = 0; i < queued; i++) hitPlayer(sim, zap, queuedShooter[i], queuedVictim[i]);
  zapHits.world = world;
  zapHits.tick = tick;
  zapHits.count = queued;
  zapHits.shooter = queuedShooter;
  zapHits.victim = queuedVictim;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function hitPlayer(sim: Sim, zap: ZapperSpec, shooter: number, victimEid: number): void {
  const { world } = sim;
  const { c } = world;
  const victim = c.Avatar.slot[victimEid];
  sim.counters.zapHits++;
  giveReward(sim, victim, zap.penaltyForBeingZapped);
  giveReward(sim, shooter, zap.rewardForZapping);
  if (world.events.wants('zap_hit')) world.events.emit('zap_hit', { tick: world.tick, attacker: shooter, target: victim });
  if (!zap.removeHitPlayer || c.Removed.until[victimEid] > 0) return;
  world.grid.remove(victimEid);
  const due = world.tick + zap.framesTillRespawn + 1;
  c.Removed.until[victimEid] = due;
  world.scheduler.scheduleAt(due, sim.respawn, victim);
}
