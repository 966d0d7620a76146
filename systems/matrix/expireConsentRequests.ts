/**
 * Consent requests that run out (Crucible's consent variant; not in Melting Pot): a request made on tick t that its
 * target has not accepted by the end of tick t + windowTicks is refused, and nothing happens to either player.
 * A request whose requester or target has left the map is refused at once. Each refusal is a `consent_refused`
 * event, which the metrics turn into `consent_refusal_rate`.
 */
import type { Sim } from '../sim.js';
import { matrixOf } from './matrixState.js';

export function expireConsentRequests(sim: Sim): void {
  const st = matrixOf(sim);
  if (!st || !sim.spec.matrix?.consent || st.counters.consentRequests === 0) return;
  const { tick, events, c } = sim.world;
  for (let target = 0; target < sim.players; target++) {
    const requester = st.requestFrom[target];
    if (requester < 0) continue;
    const left = c.Removed.until[sim.avatars[target]] > 0 || c.Removed.until[sim.avatars[requester]] > 0;
    if (tick < st.requestDeadline[target] && !left) continue;
    st.requestFrom[target] = -1;
    st.requestTo[requester] = -1;
    st.counters.consentRefused++;
    if (events.wants('consent_refused')) events.emit('consent_refused', { tick, requester, target });
  }
}
