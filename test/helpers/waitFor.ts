/** Polling for a condition in tests, without a server (liveServer re-exports it). */

/** Resolve when `cond` holds (checked every 10 ms), or fail after `timeoutMs` saying what was awaited. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
