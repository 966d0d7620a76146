import { strict as assert } from 'node:assert';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { mapToWindow } from '../systems/renderObservations.js';
import { describeObservation, observationText, seenObjects, type TextObservation, WitnessLog } from '../systems/textObservations.js';
import { Dir, place, step, tinySim, tinySpec } from './helpers/tinyWorld.js';
import { applesOf } from '../systems/apples/index.js';

const MAP = [
  'WWWWWWWWW',
  'W       W',
  'W   A   W',
  'W       W',
  'W P  P  W',
  'W      PW',
  'WWWWWWWWW',
];

describe('text observations', () => {
  it('lists an apple in map coordinates and relative to the agent, turning with the agent', () => {
    const sim = tinySim(tinySpec(MAP, { players: 2 }));
    place(sim, 0, 3, 4, Dir.N);
    place(sim, 1, 6, 4, Dir.W);
    const apple = seenObjects(sim, 0).find((o) => o.kind === 'apple');
    assert.deepEqual(apple, { kind: 'apple', x: 4, y: 2, ahead: 2, right: 1 });
    place(sim, 0, 3, 4, Dir.E);
    assert.deepEqual(seenObjects(sim, 0).find((o) => o.kind === 'apple'), { kind: 'apple', x: 4, y: 2, ahead: 1, right: -2 });
    const other = seenObjects(sim, 0).find((o) => o.kind === 'player');
    assert.deepEqual(other, { kind: 'player', x: 6, y: 4, ahead: 3, right: 0, agent: 'player_1', facing: 'W' });
    const text = observationText(describeObservation(sim, 0, [], null));
    assert.match(text, /^- apple at \(4, 2\): 1 ahead, 2 left$/m);
    assert.match(text, /^- player_1 at \(6, 4\) facing W: 3 ahead$/m);
    assert.match(text, /^You are at \(3, 4\) facing E\. Ready to zap: yes\. Frozen: no\. Removed: no\.$/m);
  });

  it('lists exactly the live apples and players a full reading of the grid puts inside the window (commons, every slot)', () => {
    const env = new Environment({ substrate: 'commons_harvest__open', seed: 5, focalPolicy: null, metrics: false, monitor: false });
    env.reset();
    const out = { ahead: 0, right: 0 };
    for (let t = 0; t < 30; t++) {
      env.step(Array.from({ length: env.players }, (_, s) => (t * 3 + s) % 7));
      const { grid, c } = env.sim.world;
      for (let slot = 0; slot < env.players; slot++) {
        const me = env.sim.avatars[slot];
        if (c.Removed.until[me] > 0) continue;
        const expected: string[] = [];
        for (let y = 0; y < env.sim.height; y++) {
          for (let x = 0; x < env.sim.width; x++) {
            if (!mapToWindow(env.sim, me, x, y, out)) continue;
            const lower = grid.at(x, y, Layer.Lower);
            if (lower !== 0 && (applesOf(env.sim)?.indexOf[lower] ?? -1) >= 0) expected.push(`apple ${x},${y}`);
            const upper = grid.at(x, y, Layer.Upper);
            const s = env.sim.avatars.indexOf(upper);
            if (s >= 0 && s !== slot) expected.push(`player ${x},${y}`);
          }
        }
        const got = seenObjects(env.sim, slot).filter((o) => o.kind !== 'wall').map((o) => `${o.kind} ${o.x},${o.y}`);
        assert.deepEqual(got.sort(), expected.sort(), `tick ${t} slot ${slot}`);
      }
    }
  });

  it('reports a zap the agent witnessed, naming it "you" when it is the target', () => {
    const sim = tinySim(tinySpec(MAP, { players: 3 }));
    place(sim, 0, 3, 4, Dir.N);
    place(sim, 1, 3, 2, Dir.S);
    place(sim, 2, 7, 1, Dir.N);
    const log = new WitnessLog(sim);
    log.attach();
    log.watch(0);
    step(sim, { 1: 'FIRE_ZAP' });
    const events = log.drain(0).filter((e) => e.kind === 'zap_hit');
    assert.equal(events.length, 1);
    assert.equal(events[0].text, 'player_1 zapped you');
    assert.deepEqual(log.drain(0), [], 'a drained log is empty');
  });

  it('is byte-identical in two runs with the same seed and actions (every slot, every tick)', () => {
    const run = (): string[] => {
      const env = new Environment({ substrate: 'commons_harvest__open', seed: 11, focalPolicy: null, metrics: false, monitor: false });
      env.reset();
      const log = new WitnessLog(env.sim);
      log.attach();
      for (let s = 0; s < env.players; s++) log.watch(s);
      const texts: string[] = [];
      for (let t = 0; t < 40; t++) {
        env.step(Array.from({ length: env.players }, (_, s) => (t + 2 * s) % 8));
        for (let s = 0; s < env.players; s++) texts.push(observationText(describeObservation(env.sim, s, log.drain(s), null)));
      }
      return texts;
    };
    const a = run(), b = run();
    for (let i = 0; i < a.length; i++) assert.equal(a[i], b[i], `step ${Math.floor(i / 7)} slot ${i % 7}`);
    assert.ok(a.some((x) => /zapped|fired a zap beam/.test(x)), 'the run had events to compare');
  });

  describe('as English', () => {
    /** An observation written by hand: every field set, so every line of the text shows. */
    const full = (): TextObservation => ({
      tick: 12,
      episode: 3,
      agent: 'player_0',
      substrate: 'tiny',
      self: { x: 3, y: 4, facing: 'E', beam: 'interact', ready_to_zap: false, frozen: true, removed: false, inventory: { red: 2, green: 0.5 } },
      reward: 1.5,
      episode_return: -2,
      view: {
        ahead: 9,
        behind: 1,
        left: 5,
        right: 5,
        objects: [
          { kind: 'apple', x: 4, y: 4, ahead: 1, right: 0 },
          { kind: 'wall', x: 0, y: 4, ahead: -3, right: 0 },
          { kind: 'player', x: 3, y: 6, ahead: 0, right: 2, agent: 'player_2', facing: 'S' },
          { kind: 'red', x: 1, y: 3, ahead: -2, right: -1 },
          { kind: 'player', x: 5, y: 1, ahead: 2, right: -3 },
          { kind: 'wall', x: 9, y: 9, ahead: 0, right: 0 },
          { kind: 'dirt', x: 3, y: 4, ahead: 0, right: 0 },
        ],
      },
      events: [
        { tick: 10, kind: 'zap_fired', text: 'player_2 fired a zap beam', agents: ['player_2'] },
        { tick: 11, kind: 'apple_eaten', text: 'you ate the apple at (4, 4)', agents: ['player_0'] },
      ],
      macro: { name: 'move_to', status: 'done', reason: 'arrived', tick: 11 },
      terminated: true,
      truncated: false,
    });

    it('writes one fact a line in a fixed order: self, inventory, rewards, each object relative to the agent, walls, events, macro, the end', () => {
      assert.equal(
        observationText(full()),
        [
          'Tick 12 of episode 3 in tiny. You are player_0.',
          'You are at (3, 4) facing E. Ready to interact: no. Frozen: yes. Removed: no.',
          'Inventory: red 2, green 0.5.',
          'Reward this step: 1.5. Return this episode: -2.',
          'In view (9 ahead, 1 behind, 5 left, 5 right):',
          '- apple at (4, 4): 1 ahead',
          '- player_2 at (3, 6) facing S: 2 right',
          '- red at (1, 3): 2 behind, 1 left',
          '- player at (5, 1) facing ?: 2 ahead, 3 left',
          '- dirt at (3, 4): here',
          '- walls at (0, 4) (9, 9)',
          'Events since your last decision:',
          '- tick 10: player_2 fired a zap beam',
          '- tick 11: you ate the apple at (4, 4)',
          'Macro move_to: done at tick 11 (arrived).',
          'The episode has ended (terminated).',
          '',
        ].join('\n'),
      );
    });

    it('leaves out what does not apply: no beam, no inventory, nothing in view, no events, no macro yet, a running episode', () => {
      const o = full();
      o.self = { ...o.self, beam: null, ready_to_zap: true, frozen: false, removed: true, inventory: null };
      o.view.objects = [];
      o.events = [];
      o.macro = { name: null, status: 'none', reason: '', tick: 0 };
      o.terminated = false;
      assert.equal(
        observationText(o),
        [
          'Tick 12 of episode 3 in tiny. You are player_0.',
          'You are at (3, 4) facing E. Frozen: no. Removed: yes.',
          'Reward this step: 1.5. Return this episode: -2.',
          'In view (9 ahead, 1 behind, 5 left, 5 right):',
          '- nothing',
          'Events since your last decision:',
          '- none',
          '',
        ].join('\n'),
      );
      o.self = { ...o.self, beam: 'zap', ready_to_zap: true };
      o.view.objects = [{ kind: 'wall', x: 2, y: 2, ahead: 1, right: 1 }];
      o.macro = null;
      o.truncated = true;
      const text = observationText(o);
      assert.match(text, /^You are at \(3, 4\) facing E\. Ready to zap: yes\. Frozen: no\. Removed: yes\.$/m);
      assert.match(text, /^In view \(9 ahead, 1 behind, 5 left, 5 right\):\n- walls at \(2, 2\)\nEvents/m, 'walls alone: no "- nothing"');
      assert.match(text, /The episode has ended \(truncated\)\.\n$/);
      o.view.objects = [{ kind: 'apple', x: 3, y: 3, ahead: 1, right: 0 }];
      assert.match(observationText(o), /^In view \(9 ahead, 1 behind, 5 left, 5 right\):\n- apple at \(3, 3\): 1 ahead\nEvents/m, 'an apple and no walls: no "- nothing"');
    });
  });

  describe('witnessed events', () => {
    // 9 × 20: player 0 at (3, 15) facing north sees rows 6 to 16 (9 ahead, 1 behind) and every column.
    const TALL = ['WWWWWWWWW', ...Array.from({ length: 18 }, (_, y) => (y === 13 ? 'W P P P W' : y === 0 ? 'W P     W' : 'W       W')), 'WWWWWWWWW'];

    /** Slots 0 (the observer, at (3, 15)), 1 (at (5, 15), in its view), 2 (at (3, 2), out of it). */
    function world(): { sim: ReturnType<typeof tinySim>; log: WitnessLog; emit: (f: (bus: ReturnType<typeof tinySim>['world']['events']) => void) => void } {
      const sim = tinySim(tinySpec(TALL, { players: 3 }));
      place(sim, 0, 3, 15, Dir.N);
      place(sim, 1, 5, 15, Dir.N);
      place(sim, 2, 3, 2, Dir.N);
      const log = new WitnessLog(sim);
      log.attach();
      log.watch(0);
      const emit = (f: (bus: typeof sim.world.events) => void): void => {
        f(sim.world.events);
        sim.world.events.flush();
      };
      return { sim, log, emit };
    }

    it('says each kind of event in its own words, naming the observer "you"', () => {
      const { log, emit } = world();
      log.watch(1);
      emit((bus) => {
        bus.emit('zap_fired', { tick: 1, slot: 1 });
        bus.emit('zap_hit', { tick: 1, attacker: 0, target: 1 });
        bus.emit('apple_eaten', { tick: 2, slot: 1, x: 5, y: 14, regrew: false });
        bus.emit('dirt_cleaned', { tick: 3, slot: 0, x: 1, y: 1 });
        bus.emit('resource_collected', { tick: 4, slot: 1, resource: 1 });
        bus.emit('interaction', { tick: 5, row: 1, col: 0, rowReward: 2, colReward: -1, rowChoice: 'red', colChoice: null });
        bus.emit('interaction', { tick: 5, row: 0, col: 1, rowReward: 0, colReward: 0, rowChoice: null, colChoice: 'green' });
        bus.emit('consent_request', { tick: 6, requester: 0, target: 1 });
        bus.emit('consent_accepted', { tick: 7, requester: 1, target: 0 });
        bus.emit('consent_refused', { tick: 8, requester: 0, target: 1 });
      });
      const got = log.drain(0);
      // Batches are delivered by type in the order the subscriptions were made.
      const byKind = new Map<string, (typeof got)[number]>();
      for (const e of got) if (!byKind.has(e.kind)) byKind.set(e.kind, e); // the first of each kind
      assert.equal(got.length, 10);
      assert.equal(got.filter((e) => e.kind === 'interaction')[1]?.text, 'you interacted with player_1: you played nothing and gets 0, player_1 played green and gets 0');
      assert.deepEqual(byKind.get('zap_fired'), { tick: 1, kind: 'zap_fired', text: 'player_1 fired a zap beam', agents: ['player_1'] });
      assert.deepEqual(byKind.get('zap_hit'), { tick: 1, kind: 'zap_hit', text: 'you zapped player_1', agents: ['player_0', 'player_1'] });
      assert.deepEqual(byKind.get('apple_eaten'), { tick: 2, kind: 'apple_eaten', text: 'player_1 ate the apple at (5, 14)', agents: ['player_1'] });
      assert.deepEqual(byKind.get('dirt_cleaned'), { tick: 3, kind: 'dirt_cleaned', text: 'you cleaned the river at (1, 1)', agents: ['player_0'] });
      // commons has no matrix: a resource is named by its symbol (classes are 1-based).
      assert.deepEqual(byKind.get('resource_collected'), { tick: 4, kind: 'resource_collected', text: 'player_1 collected resource1', agents: ['player_1'] });
      assert.deepEqual(byKind.get('interaction'), {
        tick: 5,
        kind: 'interaction',
        text: 'player_1 interacted with you: player_1 played red and gets 2, you played nothing and gets -1',
        agents: ['player_1', 'player_0'],
        rewards: { player_1: 2, player_0: -1 },
      });
      assert.deepEqual(byKind.get('consent_request'), { tick: 6, kind: 'consent_request', text: 'you asked player_1 to interact', agents: ['player_0', 'player_1'] });
      assert.deepEqual(byKind.get('consent_accepted'), { tick: 7, kind: 'consent_accepted', text: "you accepted player_1's request", agents: ['player_1', 'player_0'] });
      assert.deepEqual(byKind.get('consent_refused'), { tick: 8, kind: 'consent_refused', text: 'player_1 did not accept your request', agents: ['player_0', 'player_1'] });
      // The requester reads its own request as "your".
      assert.equal(log.drain(1).find((e) => e.kind === 'consent_accepted')?.text, 'player_0 accepted your request');
    });

    it("names a matrix game's resources by the substrate's names (the Prisoner's Dilemma: cooperate, defect)", () => {
      const env = new Environment({ substrate: 'prisoners_dilemma_in_the_matrix__repeated', seed: 1, focalPolicy: null, metrics: false, monitor: false });
      env.reset();
      const log = new WitnessLog(env.sim);
      log.attach();
      log.watch(0);
      for (const resource of [1, 2]) env.sim.world.events.emit('resource_collected', { tick: 0, slot: 0, resource });
      env.sim.world.events.flush();
      assert.deepEqual(log.drain(0).map((e) => e.text), ['you collected cooperate', 'you collected defect']);
      const o = describeObservation(env.sim, 0, [], null);
      assert.deepEqual(Object.keys(o.self.inventory ?? {}), ['cooperate', 'defect']);
      assert.equal(o.self.beam, 'interact');
    });

    it('sees an event when a party or its cell is in the window, not when both are out of it, nor while removed', () => {
      const { sim, log, emit } = world();
      emit((bus) => {
        bus.emit('zap_fired', { tick: 1, slot: 2 }); // player 2 is 13 rows ahead: out of view
        bus.emit('zap_hit', { tick: 1, attacker: 2, target: 1 }); // its target is in view
        bus.emit('apple_eaten', { tick: 1, slot: 2, x: 4, y: 7, regrew: false }); // out-of-view eater, in-view cell (8 ahead)
        bus.emit('apple_eaten', { tick: 1, slot: 1, x: 4, y: 5, regrew: false }); // in-view eater, out-of-view cell (10 ahead): it is the party that counts
        bus.emit('dirt_cleaned', { tick: 1, slot: 2, x: 4, y: 5 }); // out of view, both
      });
      assert.deepEqual(log.drain(0).map((e) => e.text), ['player_2 zapped player_1', 'player_2 ate the apple at (4, 7)']);
      sim.world.c.Removed.until[sim.avatars[0]] = 5;
      emit((bus) => {
        bus.emit('zap_fired', { tick: 2, slot: 1 });
        bus.emit('zap_hit', { tick: 2, attacker: 1, target: 0 });
      });
      assert.deepEqual(log.drain(0).map((e) => e.text), ['player_1 zapped you'], 'a removed player sees nothing but what it is party to');
    });

    it('keeps one log per watched player until drained or cleared, subscribes once per bus, and forgets an unwatched player', () => {
      const { log, emit } = world();
      log.attach(); // a second attach on the same bus: no second subscription
      log.watch(1);
      log.watch(1); // watching twice keeps the log
      emit((bus) => bus.emit('zap_fired', { tick: 1, slot: 1 }));
      log.watch(1);
      assert.deepEqual(log.drain(1).map((e) => e.text), ['you fired a zap beam'], 'once, not twice');
      assert.deepEqual(log.drain(0).map((e) => e.text), ['player_1 fired a zap beam']);
      emit((bus) => bus.emit('zap_fired', { tick: 2, slot: 1 }));
      log.clear();
      assert.deepEqual(log.drain(0), [], 'cleared');
      log.unwatch(0);
      emit((bus) => bus.emit('zap_fired', { tick: 3, slot: 1 }));
      log.watch(0);
      assert.deepEqual(log.drain(0), [], 'nothing kept while unwatched');
      assert.deepEqual(log.drain(2), [], 'a player never watched has no log');
    });
  });
});
