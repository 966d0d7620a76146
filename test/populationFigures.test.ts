import assert from 'node:assert/strict';
import { PopulationCounters } from '../systems/populationFigures.js';
import { Dir, place, step, tinySim, tinySpec } from './helpers/tinyWorld.js';

const MAP = ['WWWWWWW', 'W     W', 'W     W', 'WP P PW', 'WWWWWWW'];

describe('fairness figures per population', () => {
  it('splits returns, exploitation and defence by policy label', () => {
    const sim = tinySim(tinySpec(MAP, { players: 3 }));
    const counters = new PopulationCounters();
    counters.attach(sim);
    place(sim, 0, 1, 3, Dir.E);
    place(sim, 1, 2, 3, Dir.N); // right in front of player_0
    place(sim, 2, 5, 1, Dir.N);
    step(sim, { 0: 'FIRE_ZAP' });
    sim.returns[2] = 4; // stands for apples eaten
    const f = counters.figures(sim, ['rl', 'text', 'text'], ['player_0', 'player_1', 'player_2']);
    assert.deepEqual(Object.keys(f), ['rl', 'text']);
    assert.equal(f.rl.exploitation_attempts, 1);
    assert.equal(f.rl.exploitation_landed, 1);
    assert.equal(f.rl.attacks_received, 0);
    assert.equal(f.rl.defense_success_rate, null, 'nobody attacked rl');
    assert.equal(f.text.attacks_received, 1);
    assert.equal(f.text.defense_success_rate, 0, 'the one attack on text landed');
    assert.deepEqual(f.text.agents, ['player_1', 'player_2']);
    assert.equal(f.text.total_return, sim.returns[1] + 4);
    assert.equal(f.text.mean_return, (sim.returns[1] + 4) / 2);
    assert.equal(f.text.consent_refusal_rate, null);
    counters.attach(sim);
    assert.equal(counters.figures(sim, ['rl', 'text', 'text'], ['player_0', 'player_1', 'player_2']).rl.exploitation_attempts, 0, 'a reset zeroes the counts');
  });
});
