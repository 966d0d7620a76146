/**
 * How many turns the event loop made while `work` ran: a callback re-queued with setImmediate counts each turn, so a
 * piece of work that never yields (no await on I/O, timers or setImmediate) lets it run 0 times.
 */
export async function eventLoopTurns(work: () => Promise<unknown>): Promise<number> {
  let n = 0;
  let on = true;
  const spin = (): void => {
    n++;
    if (on) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    await work();
  } finally {
    on = false;
  }
  return n;
}
