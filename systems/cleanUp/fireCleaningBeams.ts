/**
 * The Cleaner (Clean Up). Who fires follows systems/chooseFirers.ts, as for the Zapper (3 ticks between shots in
 * Clean Up); each shot starts from the firer's post-move position.
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
import type { BeamVisitor } from '../beam.js';
import { BeamKind } from '../beamOverlay.js';
import { traceBeam } from '../beam.js';
import { chooseFirers, type Firing } from '../chooseFirers.js';
import { cleanUpOf, setClean, type DirtIndex } from './dirtState.js';
import type { Sim } from '../sim.js';

/** Cleans the first dirty cell of each line; walls stop a line. Counts what it cleaned. */
class DirtCleaner implements BeamVisitor {
  sim!: Sim;
  dirt!: DirtIndex;
  slot = 0;
  cleaned = 0;

  visit(x: number, y: number): boolean {
    const sim = this.sim;
    const { grid, events, tick } = sim.world;
    const cell = grid.cellIndex(x, y);
    if (sim.walls[cell] === 1) return true;
    const d = this.dirt;
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
/** Slots that fire this tick, in firing order. */
let firers = new Int32Array(64);
const firing: Firing = { beam: 'clean', cooldown: 0, timer: new Int32Array(0), perSlot: true, frozenCountsDown: true };

export function fireCleaningBeams(sim: Sim): void {
  const beam = sim.spec.cleaner;
  if (!beam) return;
  const st = cleanUpOf(sim);
  if (!st) return;
  const { world } = sim;
  const { c, events } = world;
  const tick = world.tick;
  const cl = st.cleaning;
  // Last tick's cleaners become what this tick's observation reports.
  cl.cleanedPrev.set(cl.cleanedNow);
  cl.prevCount = cl.nowCount;
  cl.cleanedNow.fill(0);
  cl.nowCount = 0;
  if (firers.length < sim.players) firers = new Int32Array(sim.players);
  firing.cooldown = beam.cooldown;
  firing.timer = cl.timer;
  const n = chooseFirers(sim, firing, firers);
  for (let k = 0; k < n; k++) {
    const slot = firers[k];
    const eid = sim.avatars[slot];
    if (events.wants('clean_fired')) events.emit('clean_fired', { tick, slot });
    cleaner.sim = sim;
    cleaner.dirt = st.dirt;
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
  const st = cleanUpOf(sim);
  if (st === null) return 0;
  const cl = st.cleaning;
  return cl.prevCount - cl.cleanedPrev[slot];
}
