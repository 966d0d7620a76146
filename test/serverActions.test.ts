import { strict as assert } from 'node:assert';
import { connect, type Observation, type ServerErrorMessage } from '../client/agent.js';
import { Environment } from '../systems/environment.js';
import { renderSymbolic } from '../systems/renderObservations.js';
import { liveServer } from './helpers/liveServer.js';

const SUBSTRATE = 'commons_harvest__open';
const SCENARIO = 'commons_harvest__open_0';
/** Commons Harvest action indices (substrates/commons_harvest__open.ts): 0 NOOP, 1 FORWARD, 5 TURN_LEFT, 6 TURN_RIGHT. */
const FORWARD = 1;
const TURN_LEFT = 5;
const TURN_RIGHT = 6;

/**
 * The headless trajectory of slot 0 in a room with this seed: NOOP for every focal slot up to tick `from`, then
 * slot 0 plays `actions` (one per step). Returns slot 0's symbolic observation after the last step.
 */
function headlessSymbolic(seed: number, from: number, actions: readonly number[]): Uint8Array {
  const env = new Environment({ substrate: SUBSTRATE, scenario: SCENARIO, seed, focalPolicy: null });
  env.reset();
  const step = new Int32Array(env.players);
  while (env.tick < from) env.step(step);
  for (const a of actions) {
    step[0] = a;
    env.step(step);
  }
  const sym = new Uint8Array(121);
  renderSymbolic(env.sim, 0, sym);
  return sym;
}

describe('server: which action a real-time step takes (late actions)', function () {
  this.timeout(30_000);
  const live = liveServer('actions', null);
  const open = live.open;

  async function metrics(roomId: string): Promise<Record<string, unknown>> {
    return (await (await fetch(`${live.srv.httpUrl}/api/rooms/${roomId}/metrics`)).json()) as Record<string, unknown>;
  }

  it('applies a late action at the next step, lets an on-time one replace it, flags both in the observation and refuses older or repeated ones', async () => {
    const seed = 11;
    // 4 Hz: each step is 250 ms away, so the messages below all reach the server between two steps.
    const a = await connect(live.srv.url, SUBSTRATE, { method: 'create', scenario: SCENARIO, seed, tickRate: 4, fillFocal: 'noop', obs: 'symbolic' });
    open.push(a);
    const roomId = a.room.roomId;
    const errors: ServerErrorMessage[] = [];
    a.onError((e) => errors.push(e));
    const send = (tick: number, action: number, episode?: number) => a.room.send('action', episode === undefined ? { tick, action } : { tick, action, episode });

    // Observation t: answer the one before it (t − 1), as an agent that fell one tick behind would.
    const o0: Observation = await a.nextObservation((o) => o.tick >= 2);
    const t = o0.tick;
    assert.equal(o0.noAction, true, 'a step without any action from the agent says so');
    let next = a.nextObservation((o) => o.tick === t + 1);
    send(t - 1, TURN_LEFT);
    const o1 = await next;
    assert.equal(o1.lateAction, true, 'the step took the late action');
    assert.equal(o1.noAction, false);

    // Observation t + 1: a late answer to t, then the on-time answer to t + 1, which replaces it.
    next = a.nextObservation((o) => o.tick === t + 2);
    send(t, TURN_RIGHT, o1.episode);
    send(t + 1, FORWARD, o1.episode);
    const o2 = await next;
    assert.equal(o2.lateAction, false, 'the on-time action replaced the late one');
    assert.equal(o2.noAction, false);

    // Observation t + 2: answers to ticks already answered are refused; the step runs without an action.
    next = a.nextObservation((o) => o.tick === t + 3);
    send(t + 1, TURN_LEFT);
    send(t, TURN_LEFT);
    send(t + 5, TURN_LEFT);
    send(t + 2, TURN_LEFT, o2.episode + 1);
    const o3 = await next;
    assert.equal(o3.noAction, true, 'no refused action counted');
    assert.deepEqual(
      errors.map((e) => e.code),
      ['DUPLICATE_ACTION', 'STALE_ACTION', 'STALE_ACTION', 'STALE_ACTION'],
      'a repeat of the answered tick, an older tick, a future tick, another episode',
    );

    // The trajectory is the headless one with TURN_LEFT at step t, FORWARD at t + 1 (not TURN_RIGHT), NOOP at t + 2.
    const expected = headlessSymbolic(seed, t, [TURN_LEFT, FORWARD, 0]);
    assert.ok(Buffer.from(o3.data).equals(Buffer.from(expected)), 'tick t + 3 is the headless one with the actions the steps took');
    const replacedTheOtherWay = headlessSymbolic(seed, t, [TURN_LEFT, TURN_RIGHT, 0]);
    assert.ok(!Buffer.from(expected).equals(Buffer.from(replacedTheOtherWay)), 'the two candidate trajectories differ, so the check above can fail');

    const report = await metrics(roomId);
    assert.equal(report.late_actions, 1, 'one step applied a late action (the other late one was replaced)');
    assert.ok((report.missed_actions as number) >= t + 1, `steps 0 … t − 1 and t + 2 had no action: ${String(report.missed_actions)}`);
    assert.deepEqual(report.errors, { DUPLICATE_ACTION: 1, STALE_ACTION: 3 });
  });

  it('drops an answer to the episode that just ended without a reply and counts it; the episode record counts the missed steps', async () => {
    const a = await connect(live.srv.url, SUBSTRATE, { method: 'create', scenario: SCENARIO, tickRate: 5, maxSteps: 3, fillFocal: 'noop', obs: 'none' });
    open.push(a);
    // Episode 1's first observation: the messages below arrive well within its 600 ms.
    const o = await a.nextObservation((x) => x.episode === 1 && x.tick === 0);
    const ep1 = a.nextEpisode();
    const errors: ServerErrorMessage[] = [];
    a.onError((e) => errors.push(e));
    // The answer to tick 2 of episode 0 (its last non-terminal observation), arriving in episode 1: dropped.
    a.room.send('action', { tick: 2, action: FORWARD, episode: 0 });
    // An episode that has not started: refused.
    a.room.send('action', { tick: 0, action: FORWARD, episode: o.episode + 1 });
    await a.nextError();
    assert.deepEqual(
      errors.map((e) => e.code),
      ['STALE_ACTION'],
      'only the action for a future episode was refused; the one for the episode just ended got no reply',
    );
    assert.match(errors[0].message, /episode 2, but the current episode is 1/);
    const summary = await ep1;
    assert.equal(summary.episode, 1);
    assert.deepEqual(summary.actions, { late: { player_0: 0 }, missed: { player_0: 3 } }, 'the agent acted in none of the 3 steps of episode 1');
    const report = await metrics(a.room.roomId);
    assert.equal(report.expired_actions, 1);
    assert.deepEqual(report.errors, { STALE_ACTION: 1 });
  });

  it('takes no late actions in a lockstep room: an answer to a tick that ran without it is refused', async () => {
    // The tick waits 300 ms for the agent's action, then runs without it.
    const a = await connect(live.srv.url, SUBSTRATE, { method: 'create', scenario: SCENARIO, lockstep: true, actionTimeoutMs: 300, fillFocal: 'noop', obs: 'none' });
    open.push(a);
    assert.equal((a.last ?? (await a.nextObservation())).tick, 0);
    const o1 = await a.nextObservation((o) => o.tick === 1);
    assert.equal(o1.noAction, true, 'tick 1 ran on the timeout, without the agent');
    const refused = a.nextError();
    a.room.send('action', { tick: 0, action: FORWARD });
    const err = await refused;
    assert.equal(err.code, 'STALE_ACTION');
    assert.match(err.message, /lockstep/);
    const o2 = a.nextObservation((o) => o.tick === 2);
    a.act(FORWARD);
    assert.equal((await o2).lateAction, false);
    const report = await metrics(a.room.roomId);
    assert.equal(report.late_actions, 0);
    assert.deepEqual(report.errors, { STALE_ACTION: 1 });
  });
});
