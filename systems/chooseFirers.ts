/**
 * Who fires a beam this tick: the updater Melting Pot's beams share (Zapper, Cleaner, GameInteractionZapper, all
 * priority 140). In a fresh random order, each player on the map counts its cooling timer down, or, at 0, fires if its
 * action fires this beam, and the timer restarts at `cooldown` — so two shots are at least cooldown + 1 ticks apart.
 * A removed player's timer is frozen. A frozen player (movement disallowed after an interaction) never fires; whether
 * its timer counts down differs by beam, as in Melting Pot: the Zapper and the Cleaner count down whatever the
 * movement state (`avatar_library.lua` Zapper, `clean_up/components.lua` Cleaner), the GameInteractionZapper only
 * while movement is allowed (`the_matrix/components.lua`).
 */
import type { BeamName } from '../substrates/types.js';
import type { Sim } from './sim.js';

/** One beam's firing rule. Each beam system keeps one and sets `cooldown` and `timer` per call (no allocation). */
export interface Firing {
  /** The `fire` value of the actions that shoot this beam. */
  readonly beam: BeamName;
  cooldown: number;
  /** The cooling timers, by slot (`perSlot`) or by avatar entity. */
  timer: Int32Array;
  readonly perSlot: boolean;
  /** Whether a frozen player's timer counts down. */
  readonly frozenCountsDown: boolean;
}

/** Write the slots that fire this tick, in firing order, into `out` (at least `sim.players` long); returns how many. */
export function chooseFirers(sim: Sim, f: Firing, out: Int32Array): number {
  const { world, spec, order } = sim;
  const { c, rng } = world;
  const tick = world.tick;
  const timer = f.timer;
  for (let s = 0; s < sim.players; s++) order[s] = s;
  rng.shuffle(order, sim.players);
  let n = 0;
  for (let k = 0; k < sim.players; k++) {
    const slot = order[k];
    const eid = sim.avatars[slot];
    if (c.Removed.until[eid] > 0) continue;
    const frozen = c.Frozen.until[eid] > tick;
    if (frozen && !f.frozenCountsDown) continue;
    const t = f.perSlot ? slot : eid;
    if (timer[t] > 0) {
      timer[t]--;
      continue;
    }
    if (frozen || spec.actions[sim.actions[slot]].fire !== f.beam) continue;
    timer[t] = f.cooldown;
    out[n++] = slot;
  }
  return n;
}
