/**
 * Event bus with batching. Systems `emit` typed events during a tick; subscribers receive them in batches grouped
 * by event type. A type's batch is delivered when it reaches `batchSize` events, and every pending batch is
 * delivered by `flush()`, which the world calls at the end of each tick — so no event waits longer than one tick.
 * (The original spec's EventBatcher flushed on `batch_size` or after `max_delay_ms`; in a fixed-rate simulation
 * the end-of-tick flush bounds the delay to one tick interval.)
 *
 * Events of a type that nobody subscribes to are dropped at `emit`, so unobserved events cost nothing.
 */
export interface EventBusOptions {
  /** Deliver a type's batch as soon as it holds this many events (default 100). */
  batchSize?: number;
}

type Handler<E> = (batch: readonly E[]) => void;

export class EventBus<M extends object> {
  readonly batchSize: number;
  private readonly pending = new Map<keyof M, unknown[]>();
  private readonly handlers = new Map<keyof M, Handler<unknown>[]>();
  private depth = 0;
  private delivered = 0;

  constructor(opts: EventBusOptions = {}) {
    this.batchSize = opts.batchSize ?? 100;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`batchSize must be an integer ≥ 1, got ${opts.batchSize}`);
    }
  }

  /** Events emitted but not yet delivered. */
  get queueDepth(): number {
    return this.depth;
  }

  /** Events delivered since creation. */
  get deliveredCount(): number {
    return this.delivered;
  }

  /** Whether anyone listens to `type` (lets a system skip building an event nobody reads). */
  wants<K extends keyof M>(type: K): boolean {
    return this.handlers.has(type);
  }

  subscribe<K extends keyof M>(type: K, handler: Handler<M[K]>): () => void {
    let list = this.handlers.get(type);
    if (!list) {
      list = [];
      this.handlers.set(type, list);
      this.pending.set(type, []);
    }
    list.push(handler as Handler<unknown>);
    return () => {
      const l = this.handlers.get(type);
      if (!l) return;
      const i = l.indexOf(handler as Handler<unknown>);
      if (i >= 0) l.splice(i, 1);
      if (l.length === 0) {
        this.handlers.delete(type);
        const q = this.pending.get(type);
        if (q) this.depth -= q.length;
        this.pending.delete(type);
      }
    };
  }

  emit<K extends keyof M>(type: K, event: M[K]): void {
    const q = this.pending.get(type);
    if (q === undefined) return;
    q.push(event);
    this.depth++;
    if (q.length >= this.batchSize) this.deliver(type, q);
  }

  /** Deliver every pending batch (end of tick). */
  flush(): void {
    if (this.depth === 0) return;
    for (const [type, q] of this.pending) {
      if (q.length > 0) this.deliver(type, q);
    }
  }

  /** Drop pending events without delivering them (episode reset). */
  clear(): void {
    for (const q of this.pending.values()) q.length = 0;
    this.depth = 0;
  }

  private deliver(type: keyof M, q: unknown[]): void {
    // Hand out a copy so that handlers emitting more events of the same type start a fresh batch.
    const batch = q.slice();
    q.length = 0;
    this.depth -= batch.length;
    this.delivered += batch.length;
    const list = this.handlers.get(type);
    if (list) for (const h of list) h(batch);
  }
}
