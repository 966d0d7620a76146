import type { MetricsSnapshot } from './computeMetrics.js';
import type { PerformanceReport } from './performanceMonitor.js';

/** The typed events systems emit during a tick (delivered in batches at the end of the tick). */
export interface SimEvents {
  /** A player stepped onto a live apple. */
  /** `regrew`: the apple grew back under the player, which ate it without choosing to (no move onto it). */
  apple_eaten: { tick: number; slot: number; x: number; y: number; regrew: boolean };
  /** A zap beam was fired (whether or not it hit). */
  zap_fired: { tick: number; slot: number };
  /**
   * A hostile act aimed at another player: a zap whose shape, ignoring blockers, contained a live player
   * (`landed` = that player was hit). Feeds the exploitation and defense figures.
   */
  hostile_attempt: { tick: number; attacker: number; target: number; landed: boolean };
  /** A zap hit a player. */
  zap_hit: { tick: number; attacker: number; target: number };
  /** A cleaning beam was fired (Clean Up), whether or not it cleaned anything. */
  clean_fired: { tick: number; slot: number };
  /** A cleaning beam turned the dirty river cell (x, y) clean (Clean Up). */
  dirt_cleaned: { tick: number; slot: number; x: number; y: number };
  /** A player stepped onto a live resource of class `resource` (1-based) and added it to its inventory (matrix games). */
  resource_collected: { tick: number; slot: number; resource: number };
  /** An interaction beam of `slot` destroyed a live resource of class `resource` (matrix games, `Destroyable`). */
  resource_destroyed: { tick: number; slot: number; resource: number };
  /**
   * Two players interacted (matrix games): `row` fired, `col` was hit. Rewards are paid `freezeTicks` + 1 ticks
   * later; the choices are the names of each inventory's unique majority class, null on a tie.
   */
  interaction: { tick: number; row: number; col: number; rowReward: number; colReward: number; rowChoice: string | null; colChoice: string | null };
  /** Consent variant: `requester`'s beam asked `target` to interact. */
  consent_request: { tick: number; requester: number; target: number };
  /** Consent variant: `target` fired INTERACT in time; the interaction resolves this tick. */
  consent_accepted: { tick: number; requester: number; target: number };
  /** Consent variant: the request's window closed unanswered (or a player left); nothing happened. */
  consent_refused: { tick: number; requester: number; target: number };
  /** Coins: `slot` stepped onto a live coin at (x, y); `matched` = the coin was of its own colour. */
  coin_collected: { tick: number; slot: number; x: number; y: number; matched: boolean };
  /** Territory: `slot` painted the resource wall at (x, y), owned before by `previous` (−1: unclaimed). */
  resource_claimed: { tick: number; slot: number; x: number; y: number; previous: number };
  /** Territory: `slot`'s zap destroyed the resource wall at (x, y), owned by `owner` (−1: unclaimed). */
  wall_destroyed: { tick: number; slot: number; x: number; y: number; owner: number };
  /** Territory: `target` was zapped at sanction level 1 (frozen) or 2 (`removed` for the rest of the episode). */
  sanctioned: { tick: number; attacker: number; target: number; removed: boolean };
  /** A removed player came back on the map. */
  respawned: { tick: number; slot: number };
  /** Episode figures, every tick (systems/computeMetrics.ts; the same object, updated in place). */
  metrics: Readonly<MetricsSnapshot>;
  /** Engine timings every 100 ticks (see systems/performanceMonitor.ts). */
  performance: Readonly<PerformanceReport>;
}
