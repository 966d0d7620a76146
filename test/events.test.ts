import { strict as assert } from 'node:assert';
import { EventBus } from '../ecs/events.js';

interface TestEvents {
  hit: { id: number };
  eat: { id: number };
  idle: { id: number };
}

/** Subscribe to `type` and record every batch delivered, copied. */
function record<K extends keyof TestEvents>(bus: EventBus<TestEvents>, type: K): number[][] {
  const batches: number[][] = [];
  bus.subscribe(type, (batch) => batches.push(batch.map((e) => e.id)));
  return batches;
}

describe('EventBus', () => {
  it('delivers batches grouped by type, in emission order within a type', () => {
    const bus = new EventBus<TestEvents>();
    const hits = record(bus, 'hit');
    const eats = record(bus, 'eat');
    bus.emit('hit', { id: 1 });
    bus.emit('eat', { id: 2 });
    bus.emit('hit', { id: 3 });
    bus.emit('eat', { id: 4 });
    bus.emit('hit', { id: 5 });
    assert.deepEqual(hits, [], 'nothing is delivered before a flush or a full batch');
    bus.flush();
    assert.deepEqual(hits, [[1, 3, 5]]);
    assert.deepEqual(eats, [[2, 4]]);
  });

  it('delivers the same batch to every subscriber of a type', () => {
    const bus = new EventBus<TestEvents>();
    const a = record(bus, 'hit');
    const b = record(bus, 'hit');
    bus.emit('hit', { id: 1 });
    bus.flush();
    assert.deepEqual(a, [[1]]);
    assert.deepEqual(b, [[1]]);
  });

  it('delivers a type as soon as its batch reaches batchSize', () => {
    const bus = new EventBus<TestEvents>({ batchSize: 3 });
    const hits = record(bus, 'hit');
    const eats = record(bus, 'eat');
    bus.emit('hit', { id: 1 });
    bus.emit('hit', { id: 2 });
    bus.emit('eat', { id: 100 });
    assert.deepEqual(hits, []);
    bus.emit('hit', { id: 3 });
    assert.deepEqual(hits, [[1, 2, 3]], 'the third hit fills the batch');
    assert.deepEqual(eats, [], 'other types wait');
    assert.equal(bus.queueDepth, 1);
    for (let id = 4; id <= 10; id++) bus.emit('hit', { id });
    assert.deepEqual(hits, [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    assert.equal(bus.queueDepth, 2, 'hit 10 and eat 100 are pending');
  });

  it('delivers everything still pending at the end-of-tick flush', () => {
    const bus = new EventBus<TestEvents>({ batchSize: 3 });
    const hits = record(bus, 'hit');
    const eats = record(bus, 'eat');
    for (let id = 1; id <= 4; id++) bus.emit('hit', { id });
    bus.emit('eat', { id: 100 });
    bus.flush();
    assert.deepEqual(hits, [[1, 2, 3], [4]]);
    assert.deepEqual(eats, [[100]]);
    assert.equal(bus.queueDepth, 0);
    bus.flush();
    assert.deepEqual(hits, [[1, 2, 3], [4]], 'a second flush delivers nothing new');
  });

  it('reports queueDepth as emitted but not yet delivered, and counts deliveries', () => {
    const bus = new EventBus<TestEvents>({ batchSize: 4 });
    record(bus, 'hit');
    record(bus, 'eat');
    assert.equal(bus.queueDepth, 0);
    bus.emit('hit', { id: 1 });
    bus.emit('eat', { id: 2 });
    bus.emit('hit', { id: 3 });
    assert.equal(bus.queueDepth, 3);
    bus.emit('hit', { id: 4 });
    bus.emit('hit', { id: 5 }); // hit batch full: 4 delivered
    assert.equal(bus.queueDepth, 1);
    assert.equal(bus.deliveredCount, 4);
    bus.flush();
    assert.equal(bus.queueDepth, 0);
    assert.equal(bus.deliveredCount, 5);
  });

  it('drops events of a type nobody subscribes to, without counting them', () => {
    const bus = new EventBus<TestEvents>({ batchSize: 2 });
    const hits = record(bus, 'hit');
    assert.equal(bus.wants('idle'), false);
    assert.equal(bus.wants('hit'), true);
    for (let id = 0; id < 10; id++) bus.emit('idle', { id });
    assert.equal(bus.queueDepth, 0);
    bus.emit('hit', { id: 1 });
    assert.equal(bus.queueDepth, 1);
    bus.flush();
    assert.equal(bus.deliveredCount, 1);
    assert.deepEqual(hits, [[1]]);
    // Subscribing later does not resurrect dropped events.
    const idles = record(bus, 'idle');
    bus.flush();
    assert.deepEqual(idles, []);
  });

  it('stops delivering to a handler after it unsubscribes', () => {
    const bus = new EventBus<TestEvents>();
    const kept: number[][] = [];
    const dropped: number[][] = [];
    bus.subscribe('hit', (b) => kept.push(b.map((e) => e.id)));
    const off = bus.subscribe('hit', (b) => dropped.push(b.map((e) => e.id)));
    bus.emit('hit', { id: 1 });
    bus.flush();
    off();
    off(); // unsubscribing twice is harmless
    bus.emit('hit', { id: 2 });
    bus.flush();
    assert.deepEqual(kept, [[1], [2]]);
    assert.deepEqual(dropped, [[1]]);
    assert.equal(bus.wants('hit'), true, 'another handler still listens');
  });

  it('discards pending events of a type when its last subscriber leaves', () => {
    const bus = new EventBus<TestEvents>();
    const off = bus.subscribe('hit', () => assert.fail('must not be delivered'));
    const eats = record(bus, 'eat');
    bus.emit('hit', { id: 1 });
    bus.emit('hit', { id: 2 });
    bus.emit('eat', { id: 3 });
    assert.equal(bus.queueDepth, 3);
    off();
    assert.equal(bus.wants('hit'), false);
    assert.equal(bus.queueDepth, 1);
    bus.emit('hit', { id: 4 }); // dropped: nobody listens now
    assert.equal(bus.queueDepth, 1);
    bus.flush();
    assert.deepEqual(eats, [[3]]);
    assert.equal(bus.queueDepth, 0);
  });

  it('clear drops pending events without delivering them and the bus keeps working', () => {
    const bus = new EventBus<TestEvents>({ batchSize: 10 });
    const hits = record(bus, 'hit');
    const eats = record(bus, 'eat');
    bus.emit('hit', { id: 1 });
    bus.emit('eat', { id: 2 });
    bus.clear();
    assert.equal(bus.queueDepth, 0);
    bus.flush();
    assert.deepEqual(hits, []);
    assert.deepEqual(eats, []);
    bus.emit('hit', { id: 3 });
    bus.flush();
    assert.deepEqual(hits, [[3]], 'subscriptions survive clear');
  });

  it('starts a fresh batch when a handler emits the same type during delivery', () => {
    const bus = new EventBus<TestEvents>({ batchSize: 2 });
    const seen: number[][] = [];
    bus.subscribe('hit', (batch) => {
      seen.push(batch.map((e) => e.id));
      for (const e of batch) if (e.id < 10) bus.emit('hit', { id: e.id + 10 });
    });
    bus.emit('hit', { id: 1 });
    bus.emit('hit', { id: 2 }); // full: delivered; the handler emits 11 and 12, which fill the next batch
    assert.deepEqual(seen, [
      [1, 2],
      [11, 12],
    ]);
    assert.equal(bus.queueDepth, 0);
  });

  it('rejects a batch size that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      assert.throws(() => new EventBus<TestEvents>({ batchSize: bad }), RangeError, `batchSize ${bad}`);
    }
    assert.equal(new EventBus<TestEvents>().batchSize, 100);
  });
});
