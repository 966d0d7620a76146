import { strict as assert } from 'node:assert';
import { beginTick, createWorld, despawnEntity, endTick, spawnEntity } from '../ecs/world.js';
import { Rng } from '../ecs/rng.js';

/** Every typed array reachable from the component stores, with its path. */
function typedArrays(obj: object, path = 'c'): [string, ArrayLike<number>][] {
  const found: [string, ArrayLike<number>][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (ArrayBuffer.isView(v)) found.push([`${path}.${k}`, v as unknown as ArrayLike<number>]);
    else if (v !== null && typeof v === 'object') found.push(...typedArrays(v as object, `${path}.${k}`));
  }
  return found;
}

describe('World', () => {
  describe('createWorld', () => {
    it('sizes every component store and the grid from capacity, with id 0 reserved', () => {
      const capacity = 37;
      const world = createWorld({ width: 7, height: 13, layers: 3, capacity, seed: 1, inventorySize: 4 });
      assert.equal(world.capacity, capacity + 1);
      const arrays = typedArrays(world.c);
      assert.ok(arrays.length >= 10, `found ${arrays.length} typed arrays`);
      for (const [path, arr] of arrays) {
        const want = path === 'c.Inventory.count' ? (capacity + 1) * 4 : capacity + 1;
        assert.equal(arr.length, want, path);
      }
      assert.equal(world.c.Inventory.size, 4);
      assert.equal(world.c.Avatar.slot[capacity], -1, 'no entity is an avatar until given a slot');
      assert.equal(world.grid.capacity, capacity + 1);
      assert.equal(world.grid.width, 7);
      assert.equal(world.grid.height, 13);
      assert.equal(world.grid.layers, 3);
      assert.equal(world.grid.torus, false);
    });

    it('wires the grid, scheduler, event bus and seeded RNG, each owned by this world', () => {
      const a = createWorld({ width: 4, height: 4, layers: 1, capacity: 8, seed: 77, torus: true, batchSize: 5 });
      const b = createWorld({ width: 4, height: 4, layers: 1, capacity: 8, seed: 77 });
      assert.equal(a.tick, 0);
      assert.equal(a.grid.torus, true);
      assert.equal(a.events.batchSize, 5);
      assert.equal(b.events.batchSize, 100);
      assert.equal(a.scheduler.size, 0);
      const reference = new Rng(77);
      for (let i = 0; i < 10; i++) assert.equal(a.rng.u32(), reference.u32());
      assert.notEqual(a.grid, b.grid);
      assert.notEqual(a.scheduler, b.scheduler);
      assert.notEqual(a.events, b.events);
      assert.notEqual(a.c.Position.x, b.c.Position.x);
      assert.equal(a.c.Inventory.size, 2, 'default inventory size');
    });
  });

  describe('spawnEntity', () => {
    it('hands out ids 1..capacity and throws beyond capacity', () => {
      const world = createWorld({ width: 3, height: 3, layers: 1, capacity: 4, seed: 1 });
      const ids = [spawnEntity(world), spawnEntity(world), spawnEntity(world), spawnEntity(world)];
      assert.deepEqual(ids.slice().sort((x, y) => x - y), [1, 2, 3, 4]);
      assert.throws(() => spawnEntity(world), RangeError);
      assert.throws(() => spawnEntity(world), RangeError, 'still full');
      // Every id fits the grid and the stores.
      for (const eid of ids) world.grid.place(eid, 0, 0, 0);
      assert.equal(world.grid.size, 4);
    });

    it('reuses a freed id after despawn, and despawn takes the entity off the grid', () => {
      const world = createWorld({ width: 3, height: 3, layers: 1, capacity: 2, seed: 1 });
      const a = spawnEntity(world);
      const b = spawnEntity(world);
      world.grid.place(a, 1, 1, 0);
      world.grid.place(b, 2, 2, 0);
      assert.throws(() => spawnEntity(world), RangeError);
      despawnEntity(world, a);
      assert.equal(world.grid.has(a), false);
      assert.equal(world.grid.size, 1);
      const c = spawnEntity(world);
      assert.ok(c >= 1 && c <= 2, `reused id ${c} fits the capacity`);
      assert.equal(c, a);
      assert.throws(() => spawnEntity(world), RangeError);
      despawnEntity(world, b); // entities not on the grid can be despawned too
      despawnEntity(world, c);
      assert.equal(world.grid.size, 0);
    });
  });

  describe('ticks', () => {
    it('beginTick advances the tick and fires scheduler events due on it', () => {
      const world = createWorld({ width: 3, height: 3, layers: 1, capacity: 2, seed: 1 });
      const fired: [number, number][] = [];
      world.scheduler.schedule(1, (arg, tick) => fired.push([arg, tick]), 10);
      world.scheduler.schedule(3, (arg, tick) => fired.push([arg, tick]), 30);
      world.scheduler.schedule(2, (arg, tick) => fired.push([arg, tick]), 20, 2);
      beginTick(world);
      assert.equal(world.tick, 1);
      assert.equal(world.scheduler.now, 1);
      assert.deepEqual(fired, [[10, 1]]);
      beginTick(world);
      assert.deepEqual(fired, [
        [10, 1],
        [20, 2],
      ]);
      beginTick(world);
      beginTick(world);
      assert.equal(world.tick, 4);
      assert.deepEqual(fired, [
        [10, 1],
        [20, 2],
        [30, 3],
        [20, 4],
      ]);
    });

    it('an event scheduled during a tick, after beginTick, fires no earlier than the next tick', () => {
      const world = createWorld({ width: 3, height: 3, layers: 1, capacity: 2, seed: 1 });
      beginTick(world);
      const fired: number[] = [];
      world.scheduler.schedule(1, () => fired.push(world.tick));
      endTick(world);
      assert.deepEqual(fired, []);
      beginTick(world);
      assert.deepEqual(fired, [2]);
    });

    it('endTick flushes the events emitted during the tick', () => {
      interface Ev {
        eaten: { eid: number };
      }
      const world = createWorld<Ev>({ width: 3, height: 3, layers: 1, capacity: 2, seed: 1 });
      const batches: number[][] = [];
      world.events.subscribe('eaten', (batch) => batches.push(batch.map((e) => e.eid)));
      beginTick(world);
      world.events.emit('eaten', { eid: 1 });
      world.events.emit('eaten', { eid: 2 });
      assert.equal(world.events.queueDepth, 2);
      assert.deepEqual(batches, []);
      endTick(world);
      assert.deepEqual(batches, [[1, 2]]);
      assert.equal(world.events.queueDepth, 0);
    });
  });
});
