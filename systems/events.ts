import type { MetricsSnapshot } from './computeMetrics.js';
import type { PerformanceReport } from './performanceMonitor.js';

/** The typed events systems emit during a tick (delivered in batches at the end of the tick). */
export interface SimEvents {
  /** A player stepped onto a live apple. */
  apple_eaten: { tick: number; slot: number; x: number; y: number };
  /** A zap beam was fired (whether or not it hit). */
  zap_fired: { tick: number; slot: number };
  /**
   * A hostile act aimed at another player: a zap whose shape, ignoring blockers, contained a live player
   * (`landed` = that player was hit). Feeds the exploitation and defense figures.
   */
  hostile_attempt: { tick: number; attacker: number; target: number; landed: boolean };
  /** A zap hit a player. */
  zap_hit: { tick: number; attacker: number; target: number };
  /** A removed player came back on the map. */
  respawned: { tick: number; slot: number };
  /** Episode figures, every tick (systems/computeMetrics.ts; the same object, updated in place). */
  metrics: Readonly<MetricsSnapshot>;
  /** Engine timings every 100 ticks (see systems/performanceMonitor.ts). */
  performance: Readonly<PerformanceReport>;
}
