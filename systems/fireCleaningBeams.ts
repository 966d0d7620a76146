/**
 * The Cleaner (Clean Up). Like the Zapper: each tick the cooling timer of every player on the map counts down (it
 * is frozen while the player is removed); a player whose timer is 0 and whose action fires the cleaning beam shoots
 * from its post-move position and the timer restarts at `cooldown` — so two shots are at least cooldown + 1 ticks
 * apart (3 in Clean Up). Players fire in a fresh random order each tick.
 *
 * In each line of the beam (systems/beam.ts) the first dirty cell is cleaned and stops that line; clean river,
 * sand and avatars let the beam through; walls stop it. A cell another beam cleaned earlier in the same tick still
 * stops a later beam, which counts as having cleaned it: in Lab2D a state change made from a hit is queued
 * (`Grid::SetState`) and applied only after every beam of the step is traced, so each beam still finds 'dirt' there
 * and DirtCleaning:onHit blocks it and credits its firer.
 *
 * This stage runs just before fireZapBeams: both beams have Lab2D priority 140 and every beam of a tick is traced
 * before any zap hit takes effect, so a player zapped this tick still cleans.
 *
 * NUM_OTHERS_WHO_CLEANED_THIS_STEP = the number of other players whose beam cleaned at least one cell. Melting Pot's
 * value lags one step: its AllNonselfCumulants reads the per-player flags at updater priority 4, the flags are
 * cleared at priority 2, and the beam hits that set them are processed after all updaters — so the value observed
 * after step n counts the cleaning of step n − 1. We keep that lag: `cleanedPrev` is what the observation reads.
 */
import type { BeamVisitor } from './beam.js';
import { BeamKind } from './beamOverlay.js';
import { traceBeam } from './beam.js';
import { setClean } from './dirtState.js';
import type { Sim } from './sim.js';

/** Cleans the first dirty cell of each line; walls stop a line. Counts what it cleaned. */
class DirtCleaner implements BeamVisitor {
  sim!: Sim;
  slot = 0;
  cleaned = 0;

  visit(x: number, y: number): boolean {
    const sim = this.sim;
    const { grid, events, tick } = sim.world;
    const cell = grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const d = sim.dirt;
    if (d.byCell.length === 0) return false;
    const i = d.byCell[cell];
    if (i < 0) return false;
    if (d.dirty[i] === 1) {
      setClean(sim, i);
      d.cleanedAt[i] = tick + 1;
    } else if (d.cleanedAt[i] !== tick + 1) return false;
    this.cleaned++;
    if (events.wants('dirt_cleaned')) events.emit('dirt_cleaned', { tick, slot: this.slot, x, y });
    return true;
  }
}

const cleaner = new DirtCleaner();

export function fireCleaningBeams(sim: Sim): void {
  const beam = sim.spec.cleaner;
  if (!beam) return;
  const { world, spec, order } = sim;
  const { c, rng, events } = world;
  const tick = world.tick;
  const cl = sim.cleaning;
  // Last tick's cleaners become what this tick's observation reports.
  cl.cleanedPrev.set(cl.cleanedNow);
  cl.prevCount = cl.nowCount;
  cl.cleanedNow.fill(0);
  cl.nowCount = 0;
  for (let s = 0; s < sim.players; s++) order[s] = s;
  rng.shuffle(order, sim.players);
  for (let k = 0; k < sim.players; k++) {
    const slot = order[k];
    const eid = sim.avatars[slot];
    if (c.Removed.until[eid] > 0) continue;
    if (cl.timer[slot] > 0) {
      cl.timer[slot]--;
      continue;
    }
    if (c.Frozen.until[eid] > tick) continue;
    if (spec.actions[sim.actions[slot]].fire !== 'clean') continue;
    cl.timer[slot] = beam.cooldown;
    if (events.wants('clean_fired')) events.emit('clean_fired', { tick, slot });
    cleaner.sim = sim;
    cleaner.slot = slot;
    cleaner.cleaned = 0;
    traceBeam(sim, c.Position.x[eid], c.Position.y[eid], c.Orientation.dir[eid], beam.length, beam.radius, cleaner, BeamKind.Clean);
    if (cleaner.cleaned > 0) {
      cl.cleanedNow[slot] = 1;
      cl.nowCount++;
    }
  }
}

/**
 * NUM_OTHERS_WHO_CLEANED_THIS_STEP for `slot`, as Melting Pot reports it after the current step: the number of
 * other players whose cleaning beam cleaned at least one dirty cell on the previous step (see the lag above).
 */
export function numOthersWhoCleanedThisStep(sim: Sim, slot: number): number {
  const cl = sim.cleaning;
  return cl.prevCount - cl.cleanedPrev[slot];
}
