/**
 * Allelopathic Harvest's episode figures, for results and the fairness reading (README, "Allelopathic Harvest"):
 * the field (berries per colour, the largest colour's share: the convention the players reached), each population's
 * planting and eating by colour (Melting Pot's COLORING_BY_PLAYER and EATING_TYPES_BY_PLAYER debug tensors,
 * `configs/substrates/allelopathic_harvest.py:696-709`, summed by population), free riding (the share of berries
 * eaten by players who planted nothing this episode), and the sanctions, split by who sanctioned whom between the
 * populations (WHO_ZAPPED_WHO, :760-765).
 */
import type { Sim } from '../sim.js';
import type { AllelopathicState } from './state.js';

export interface AllelopathicPopulationFigures {
  role: string;
  players: number;
  /** Berries replanted to each colour (colour name → count). */
  planted: Record<string, number>;
  /** Ripe berries eaten, by colour. */
  eaten: Record<string, number>;
  /** Zap hits its players landed on each population (role → count). */
  zapped: Record<string, number>;
}

export interface AllelopathicFigures {
  /** Berries of each colour on the field now, ripe or not, and the ripe ones. */
  berries: Record<string, number>;
  ripe: Record<string, number>;
  /** The largest colour's share of the field, and that colour (the convention, if any). */
  monoculture_fraction: number;
  dominant_color: string;
  /** Berries eaten by players who replanted none this episode, as a share of all berries eaten (null: none eaten). */
  free_riding_share: number | null;
  by_population: AllelopathicPopulationFigures[];
  /** Sanctions this episode: hits that froze a player, and removals. */
  freezes: number;
  removals: number;
}

/** Colour names of the figures, by colour id (Melting Pot's `COLORS` order). */
export const COLOR_NAMES: readonly string[] = ['', 'red', 'green', 'blue'];

export function allelopathicFigures(sim: Sim, st: AllelopathicState): AllelopathicFigures {
  const n = sim.players, k = st.colors;
  const berries: Record<string, number> = {}, ripe: Record<string, number> = {};
  let total = 0, most = 0, dominant = 1;
  for (let c = 1; c <= k; c++) {
    const all = st.ripeCount[c] + st.unripeCount[c];
    berries[COLOR_NAMES[c]] = all;
    ripe[COLOR_NAMES[c]] = st.ripeCount[c];
    total += all;
    if (all > most) {
      most = all;
      dominant = c;
    }
  }
  const groups = st.spec.populations.length;
  const groupOf = (slot: number): number => Math.floor((slot * groups) / n);
  const pops: AllelopathicPopulationFigures[] = st.spec.populations.map((p) => ({
    role: p.role,
    players: 0,
    planted: Object.fromEntries(COLOR_NAMES.slice(1, k + 1).map((name) => [name, 0])),
    eaten: Object.fromEntries(COLOR_NAMES.slice(1, k + 1).map((name) => [name, 0])),
    zapped: Object.fromEntries(st.spec.populations.map((q) => [q.role, 0])),
  }));
  let eaten = 0, eatenByNonPlanters = 0;
  for (let slot = 0; slot < n; slot++) {
    const pop = pops[groupOf(slot)];
    pop.players++;
    let planted = 0, ate = 0;
    for (let c = 1; c <= k; c++) {
      const p = st.plantedBy[(c - 1) * n + slot], e = st.eatenByPlayer[(c - 1) * n + slot];
      pop.planted[COLOR_NAMES[c]] += p;
      pop.eaten[COLOR_NAMES[c]] += e;
      planted += p;
      ate += e;
    }
    eaten += ate;
    if (planted === 0) eatenByNonPlanters += ate;
    for (let target = 0; target < n; target++) pop.zapped[st.spec.populations[groupOf(target)].role] += st.zapMatrix[target * n + slot];
  }
  return {
    berries,
    ripe,
    monoculture_fraction: total === 0 ? 0 : most / total,
    dominant_color: COLOR_NAMES[dominant],
    free_riding_share: eaten === 0 ? null : eatenByNonPlanters / eaten,
    by_population: pops,
    freezes: st.freezes,
    removals: st.removals,
  };
}
