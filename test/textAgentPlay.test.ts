/**
 * The scripted text agent plays Commons Harvest sustainably. Seven of them, each deciding only from its text
 * observation (parsed; no server state), their macros run by the same MacroRunner the rooms use, against seven
 * greedy text agents that eat whatever apple they see. Apples regrow only near live apples
 * (substrates/commons_harvest__open.ts, Melting Pot's commons_harvest__open.py regrowth probabilities), so eating
 * a patch bare ends its harvest.
 */
import assert from 'node:assert/strict';
import { sustainableHarvester, type Macro } from '../client/textAgent.js';
import { CrucibleError } from '../ecs/errors.js';
import { Environment } from '../systems/environment.js';
import { Layer } from '../systems/layers.js';
import { MacroRunner, parseMacro } from '../systems/macros.js';
import { describeObservation, observationText, WitnessLog } from '../systems/textObservations.js';
import { applesOf } from '../systems/apples/index.js';

function play(decide: (text: string) => Macro, seed: number, ticks: number): { collective: number; liveApples: number } {
  const env = new Environment({ substrate: 'commons_harvest__open', seed, focalPolicy: null, metrics: false, monitor: false });
  env.reset();
  const n = env.players;
  const runners = Array.from({ length: n }, (_, s) => new MacroRunner(env.sim, s));
  const log = new WitnessLog(env.sim);
  log.attach();
  for (let s = 0; s < n; s++) log.watch(s);
  const actions = new Int32Array(n);
  for (let t = 0; t < ticks && !env.done; t++) {
    for (let s = 0; s < n; s++) {
      let a = runners[s].macro ? runners[s].next() : null;
      // A macro that ends at once (nothing in view) is a decision point too; three a tick at most.
      for (let k = 0; k < 3 && typeof a !== 'number'; k++) {
        const m = parseMacro(decide(observationText(describeObservation(env.sim, s, log.drain(s), null))), env.sim, s);
        if (m instanceof CrucibleError) throw m;
        runners[s].start(m);
        a = runners[s].next();
      }
      actions[s] = typeof a === 'number' ? a : 0;
    }
    env.step(actions);
  }
  let liveApples = 0;
  for (let i = 0; i < applesOf(env.sim)!.count; i++) if (env.sim.world.grid.layerOfEntity(applesOf(env.sim)!.eids[i]) === Layer.Lower) liveApples++;
  return { collective: Array.from(env.sim.returns).reduce((a, b) => a + b, 0), liveApples };
}

describe('scripted text agent in Commons Harvest', function () {
  this.timeout(60_000);
  it('keeps the orchard alive and earns several times what greedy text agents earn over 1000 ticks', () => {
    const greedy = (text: string): Macro => (/^- apple at/m.test(text) ? { macro: 'harvest_nearest' } : { macro: 'explore', ticks: 8 });
    const s = play((t) => sustainableHarvester(t), 1, 1000);
    const g = play(greedy, 1, 1000);
    assert.equal(g.liveApples, 0, 'greedy agents eat the orchard bare');
    assert.ok(s.liveApples > 0, `sustainable agents leave apples (${s.liveApples})`);
    assert.ok(s.collective > 2 * g.collective, `sustainable ${s.collective} vs greedy ${g.collective}`);
  });
});
