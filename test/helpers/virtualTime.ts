/** Virtual time for the tick loops: timers fire in due order, exactly at their due time (or at once when past it). */
import type { Timers } from '../../server/tickLoop.js';

export class VirtualTime implements Timers {
  now = 0;
  private queue: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  set(fn: () => void, ms: number): unknown {
    const entry = { at: this.now + ms, seq: this.seq++, fn };
    this.queue.push(entry);
    return entry;
  }

  clear(handle: unknown): void {
    this.queue = this.queue.filter((e) => e !== handle);
  }

  runUntil(done: () => boolean): void {
    while (!done() && this.queue.length > 0) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const e = this.queue.shift()!;
      this.now = Math.max(this.now, e.at);
      e.fn();
    }
  }
}
