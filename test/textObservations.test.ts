import { strict as assert } from 'node:assert';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { mapToWindow } from '../systems/renderObservations.js';
import { describeObservation, observationText, seenObjects, WitnessLog } from '../systems/textObservations.js';
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
});
