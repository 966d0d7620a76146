/**
 * prisoners_dilemma_in_the_matrix__consent — Crucible's own variant. It is NOT in Melting Pot.
 *
 * prisoners_dilemma_in_the_matrix__repeated (same map, matrices, freeze, reset and respawn), except that an
 * interaction needs the target's consent. An interaction beam that reaches a player who could interact (on the
 * map, not frozen, not already asked, both players ready) does not resolve at once: it sends that player a request
 * and stops. The target accepts by firing INTERACT on one of the next 5 ticks; the interaction then resolves as in
 * the repeated variant, the requester as row player. Otherwise the request is refused when the window closes and
 * nothing happens to either player's inventory. While a request is open neither player can be asked by anyone else
 * nor send another request. Refusals feed the `consent_refusal_rate` figure.
 *
 * The episode ends with probability 0.1 at every 100th step from step 1000 on, and is cut at 5000 steps.
 * Based on Melting Pot `configs/substrates/prisoners_dilemma_in_the_matrix__repeated.py`.
 */
import { substrate as repeated } from './prisoners_dilemma_in_the_matrix__repeated.js';
import { MATRIX_BOTS } from './the_matrix.js';
import type { MatrixSpec, SubstrateSpec } from './types.js';

/** Ticks after a request during which the target may accept (ticks t + 1 … t + 5 for a request at t). */
export const CONSENT_WINDOW_TICKS = 5;

/** Bots for the consent variant: the strategies, and each strategy with the other two consent policies. */
export const CONSENT_BOTS = [
  ...MATRIX_BOTS,
  'cooperator__accept_known_cooperators',
  'cooperator__never_accept',
  'defector__accept_known_cooperators',
  'defector__never_accept',
  'tit_for_tat__accept_known_cooperators',
  'grim_trigger__accept_known_cooperators',
] as const;

const matrix = repeated.matrix as MatrixSpec;

export const substrate: SubstrateSpec = {
  ...repeated,
  name: 'prisoners_dilemma_in_the_matrix__consent',
  description:
    'The repeated Prisoner\'s Dilemma in the matrix where a tagged player must accept (fire INTERACT within ' +
    `${CONSENT_WINDOW_TICKS} ticks) before the interaction resolves; unanswered requests are refusals. Not in Melting Pot.`,
  population: { ...repeated.population, bots: CONSENT_BOTS },
  matrix: { ...matrix, consent: { windowTicks: CONSENT_WINDOW_TICKS } },
};
