import { strict as assert } from 'node:assert';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { allelopathicOf } from '../systems/allelopathicHarvest/index.js';
import { cleanUpOf } from '../systems/cleanUp/index.js';
import { coinsOf } from '../systems/coins/index.js';
import { COIN_LIVE_TYPE0, playerType } from '../systems/coins/state.js';
import { matrixOf } from '../systems/matrix/matrixState.js';
import { mapToWindow } from '../systems/renderObservations.js';
import type { Sim } from '../systems/sim.js';
import { describeObservation, seenObjects } from '../systems/textObservations.js';
import { Dir, place, placeAll, step, tinySim, tinySpec } from './helpers/tinyWorld.js';

/**
 * What an agent's text observation lists of its window (`seenObjects`) and says of itself (`describeObservation`),
 * beside test/textObservations.test.ts (apples and players in Commons Harvest, the English text, the events). Here:
 * the order of the list, the other families' objects named from their own state, and each field of `self`.
 */

const env = (substrate: string, seed = 1): Environment => {
  const e = new Environment({ substrate, seed, focalPolicy: null, metrics: false, monitor: false });
  e.reset();
  return e;
};

/** The map cells inside the window of `slot`, read with the renderer's geometry (not through `seenObjects`). */
function windowCells(sim: Sim, slot: number): [number, number][] {
  const out = { ahead: 0, right: 0 };
  const cells: [number, number][] = [];
  for (let y = 0; y < sim.height; y++) for (let x = 0; x < sim.width; x++) if (mapToWindow(sim, sim.avatars[slot], x, y, out)) cells.push([x, y]);
  return cells;
}

const DIRS = ['N', 'E', 'S', 'W'];

describe('seen objects and the self in a text observation', () => {
  it('lists the nearest first (steps ahead plus steps aside), then the one farther ahead, then left before right', () => {
    const sim = tinySim(tinySpec([
      'WWWWWWWWWWW',
      'W         W',
      'W         W',
      'W         W',
      'W    A    W',
      'W   AAA   W',
      'W   APA  PW',
      'W    A    W',
      'WWWWWWWWWWW',
    ], { players: 2, regrowth: [0] }));
    place(sim, 0, 5, 6, Dir.N);
    const first = seenObjects(sim, 0).slice(0, 7).map((o) => `${o.kind} ${o.ahead},${o.right}`);
    // One step away: ahead, left, right, behind; two steps: two ahead, then ahead-left, ahead-right. (The window
    // shows one row behind, so the wall two rows behind is out of it; the nearest wall is five cells to the left.)
    assert.deepEqual(first, ['apple 1,0', 'apple 0,-1', 'apple 0,1', 'apple -1,0', 'apple 2,0', 'apple 1,-1', 'apple 1,1']);
  });

  it("gives every other player's id and the way it faces on the map, whichever way the observer faces", () => {
    const sim = tinySim(tinySpec([
      'WWWWWWWWW',
      'WP P P PW',
      'W       W',
      'W   P   W',
      'WWWWWWWWW',
    ], { players: 5 }));
    placeAll(sim, [[0, 4, 3, Dir.E], [1, 1, 1, Dir.N], [2, 3, 1, Dir.E], [3, 5, 1, Dir.S], [4, 7, 1, Dir.W]]);
    // The window: 9 rows ahead, 1 behind, 5 columns each side. Facing north from (4, 3) it covers the whole map;
    // facing east, x >= 3; facing west, x <= 5.
    const visible: [Dir, string[]][] = [
      [Dir.N, ['player_1 1,1 N', 'player_2 3,1 E', 'player_3 5,1 S', 'player_4 7,1 W']],
      [Dir.E, ['player_2 3,1 E', 'player_3 5,1 S', 'player_4 7,1 W']],
      [Dir.W, ['player_1 1,1 N', 'player_2 3,1 E', 'player_3 5,1 S']],
    ];
    for (const [observer, expected] of visible) {
      place(sim, 0, 4, 3, observer);
      const players = seenObjects(sim, 0).filter((o) => o.kind === 'player').map((o) => `${o.agent} ${o.x},${o.y} ${o.facing}`).sort();
      assert.deepEqual(players, expected, `observer facing ${DIRS[observer]}`);
    }
  });

  it("names a matrix game's resources by the substrate's names, the third too (Running with Scissors: rock, paper, scissors)", () => {
    const e = env('running_with_scissors_in_the_matrix__repeated', 3);
    const sim = e.sim;
    const st = matrixOf(sim)!;
    const names = sim.spec.matrix!.resources.map((r) => r.name);
    assert.deepEqual(names, ['rock', 'paper', 'scissors']);
    const seen = new Set<string>();
    // Player 0 stands on each free floor cell in turn, facing each way; player 1 where it spawned.
    const { grid } = sim.world;
    for (let y = 0; y < sim.height; y++) {
      for (let x = 0; x < sim.width; x++) {
        if (sim.walls[grid.cellIndex(x, y)] !== 0 || grid.at(x, y, Layer.Upper) !== 0 || st.indexOf[grid.at(x, y, Layer.Lower)] >= 0) continue;
        place(sim, 0, x, y, ((x + y) & 3) as Dir);
        const expected: string[] = [];
        for (const [cx, cy] of windowCells(sim, 0)) {
          const i = st.indexOf[grid.at(cx, cy, Layer.Lower)];
          if (i >= 0 && grid.at(cx, cy, Layer.Upper) === 0) expected.push(`${names[st.cls[i]]} ${cx},${cy}`);
        }
        const got = seenObjects(sim, 0).filter((o) => o.kind !== 'wall' && o.kind !== 'player').map((o) => `${o.kind} ${o.x},${o.y}`);
        assert.deepEqual(got.sort(), expected.sort(), `player_0 at (${x}, ${y})`);
        for (const g of got) seen.add(g.split(' ')[0]);
      }
    }
    assert.deepEqual([...seen].sort(), ['paper', 'rock', 'scissors'], 'all three were in view');
  });

  it("names a coin of the observer's own colour own_coin and its partner's partner_coin, in every colour the episodes draw", () => {
    const coloursSeen = new Set<number>();
    const kindsSeen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const e = env('coins', seed);
      const sim = e.sim;
      const st = coinsOf(sim)!;
      // Coins start waiting and come back one by one: after 150 ticks dozens are live.
      for (let t = 0; t < 150; t++) e.step([0, 0]);
      for (let slot = 0; slot < e.players; slot++) {
        const expected: string[] = [];
        for (const [x, y] of windowCells(sim, slot)) {
          for (const layer of [Layer.Lower, Layer.Upper, Layer.Logic]) {
            const i = st.indexOf[sim.world.grid.at(x, y, layer)];
            if (i < 0 || st.state[i] < COIN_LIVE_TYPE0 || sim.world.grid.at(x, y, Layer.Upper) !== 0) continue;
            const type = st.state[i] - COIN_LIVE_TYPE0;
            coloursSeen.add(st.typeColour[type]);
            expected.push(`${type === playerType(slot) ? 'own_coin' : 'partner_coin'} ${x},${y}`);
          }
        }
        const got = seenObjects(sim, slot).filter((o) => o.kind.endsWith('coin')).map((o) => `${o.kind} ${o.x},${o.y}`);
        assert.deepEqual(got.sort(), expected.sort(), `seed ${seed} slot ${slot}`);
        for (const g of got) kindsSeen.add(g.split(' ')[0]);
      }
    }
    assert.deepEqual([...kindsSeen].sort(), ['own_coin', 'partner_coin']);
    assert.deepEqual([...coloursSeen].sort(), [0, 1, 2, 3, 4], 'coins of all five colours were in view');
  });

  it("names Allelopathic Harvest's berries by ripeness and colour (red, green, blue)", () => {
    const e = env('allelopathic_harvest__open', 2);
    const sim = e.sim;
    const st = allelopathicOf(sim)!;
    const colour = ['', 'red', 'green', 'blue'];
    const seen = new Set<string>();
    for (let t = 0; t < 3; t++) {
      if (t > 0) for (let k = 0; k < 100; k++) e.step(Array.from({ length: e.players }, () => 0));
      for (let slot = 0; slot < e.players; slot++) {
        const expected: string[] = [];
        for (const [x, y] of windowCells(sim, slot)) {
          const i = st.berryAt[sim.world.grid.cellIndex(x, y)];
          if (i < 0 || sim.world.grid.at(x, y, Layer.Upper) !== 0) continue;
          expected.push(`${st.ripe[i] ? 'ripe' : 'unripe'}_${colour[st.color[i]]}_berry ${x},${y}`);
        }
        const got = seenObjects(sim, slot).filter((o) => o.kind.endsWith('berry')).map((o) => `${o.kind} ${o.x},${o.y}`);
        assert.deepEqual(got.sort(), expected.sort(), `tick ${t} slot ${slot}`);
        for (const g of got) seen.add(g.split(' ')[0]);
      }
    }
    assert.deepEqual([...seen].sort(), ['ripe_blue_berry', 'ripe_green_berry', 'ripe_red_berry', 'unripe_blue_berry', 'unripe_green_berry', 'unripe_red_berry']);
  });

  it("lists Clean Up's dirt where the river is dirty, and not where it is clean", () => {
    const e = env('clean_up', 4);
    const sim = e.sim;
    const st = cleanUpOf(sim)!;
    let dirtSeen = 0;
    for (let t = 0; t < 2; t++) {
      for (let slot = 0; slot < e.players; slot++) {
        const expected: string[] = [];
        for (const [x, y] of windowCells(sim, slot)) {
          const i = st.dirt.byCell[sim.world.grid.cellIndex(x, y)];
          if (i >= 0 && st.dirt.dirty[i] && sim.world.grid.at(x, y, Layer.Upper) === 0) expected.push(`dirt ${x},${y}`);
        }
        const got = seenObjects(sim, slot).filter((o) => o.kind === 'dirt').map((o) => `${o.kind} ${o.x},${o.y}`);
        assert.deepEqual(got.sort(), expected.sort(), `tick ${t} slot ${slot}`);
        dirtSeen += got.length;
      }
      for (let k = 0; k < 50; k++) e.step(Array.from({ length: e.players }, () => 0));
    }
    assert.ok(dirtSeen > 0, 'some dirt was in view');
  });

  it('describes the self from its own state: position, facing, beam and readiness, frozen, removed, inventory, reward, return, window, episode end', () => {
    const sim = tinySim(tinySpec(['WWWWWWW', 'WP   PW', 'WWWWWWW'], { players: 2 }));
    step(sim);
    step(sim);
    placeAll(sim, [[0, 2, 1, Dir.S], [1, 4, 1, Dir.W]]);
    const { c } = sim.world;
    const me = sim.avatars[1];
    sim.rewards[0] = 5;
    sim.returns[0] = 9;
    sim.rewards[1] = -2;
    sim.returns[1] = 3.5;
    const o = describeObservation(sim, 1, [], null);
    assert.deepEqual(
      { tick: o.tick, episode: o.episode, agent: o.agent, substrate: o.substrate, reward: o.reward, episode_return: o.episode_return, terminated: o.terminated, truncated: o.truncated },
      { tick: 2, episode: 0, agent: 'player_1', substrate: 'tiny', reward: -2, episode_return: 3.5, terminated: false, truncated: false },
    );
    assert.deepEqual(o.self, { x: 4, y: 1, facing: 'W', beam: 'zap', ready_to_zap: true, frozen: false, removed: false, inventory: null });
    assert.deepEqual({ ...o.view, objects: undefined }, { ahead: 9, behind: 1, left: 5, right: 5, objects: undefined });
    assert.deepEqual(o.view.objects.filter((x) => x.kind === 'player').map((x) => x.agent), ['player_0']);
    // READY_TO_SHOOT 1 - 1/2 (open's cooldown is 2): not ready. Frozen while `until` is after this tick.
    c.Cooldown.timer[me] = 1;
    c.Frozen.until[me] = sim.world.tick + 1;
    const waiting = describeObservation(sim, 1, [], null).self;
    assert.deepEqual([waiting.ready_to_zap, waiting.frozen], [false, true]);
    c.Frozen.until[me] = sim.world.tick;
    assert.equal(describeObservation(sim, 1, [], null).self.frozen, false, 'frozen until this tick: free now');
    c.Removed.until[me] = 1;
    assert.equal(describeObservation(sim, 1, [], null).self.removed, true);
    sim.terminated = true;
    assert.deepEqual([describeObservation(sim, 1, [], null).terminated, describeObservation(sim, 1, [], null).truncated], [true, false]);
    sim.terminated = false;
    sim.truncated = true;
    assert.deepEqual([describeObservation(sim, 1, [], null).terminated, describeObservation(sim, 1, [], null).truncated], [false, true]);
    // The events and the macro status are the caller's, passed through.
    const events = [{ tick: 2, kind: 'zap_hit', text: 'player_0 zapped you', agents: ['player_0', 'player_1'] }];
    const status = { name: 'stay', status: 'running' as const, reason: '', tick: 2 };
    const withBoth = describeObservation(sim, 1, events, status);
    assert.equal(withBoth.events, events);
    assert.equal(withBoth.macro, status);
  });

  it("reports a matrix game's inventory by resource name and its beam as interact; Territory's beam is its zap; a substrate with no beam has none", () => {
    const e = env('prisoners_dilemma_in_the_matrix__repeated');
    const inv = e.sim.world.c.Inventory;
    inv.count[e.sim.avatars[1] * inv.size] = 4;
    inv.count[e.sim.avatars[1] * inv.size + 1] = 2;
    const o = describeObservation(e.sim, 1, [], null);
    assert.deepEqual(o.self.inventory, { cooperate: 4, defect: 2 });
    assert.equal(o.self.beam, 'interact');
    // Territory's FIRE_ZAP is a zapper of its own (READY_TO_SHOOT is about it).
    const territory = env('territory__open');
    const t = territory.sim.world.c.Cooldown.timer;
    assert.deepEqual([describeObservation(territory.sim, 0, [], null).self.beam, describeObservation(territory.sim, 0, [], null).self.ready_to_zap], ['zap', true]);
    t[territory.sim.avatars[0]] = 1; // READY_TO_SHOOT 1 - 1/4
    assert.equal(describeObservation(territory.sim, 0, [], null).self.ready_to_zap, false);
    const coins = env('coins');
    const none = describeObservation(coins.sim, 0, [], null);
    assert.equal(none.self.beam, null);
    assert.equal(none.self.inventory, null);
  });
});
