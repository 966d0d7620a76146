/**
 * Seats (server/seats.ts) without a server: who plays each focal slot, which actions are taken, what each step
 * records, and when a lockstep room may step. The room calls these in this order each tick: `offer` per action
 * message, `allConnectedActed` (lockstep), `env.step(seats.actions)`, `clearActions(tick)`; and `env.reset()` then
 * `fillAll()` between episodes.
 */
import { strict as assert } from 'node:assert';
import type { Client } from '@colyseus/core';
import { OBS_HEADER_BYTES, ObsFlag, type ObsMode } from '../client/protocol.js';
import { CrucibleError } from '../ecs/errors.js';
import type { JoinConfig } from '../server/options.js';
import { obsSize, renderSeat, Seats, standInBot, type Seat } from '../server/seats.js';
import { Environment } from '../systems/environment.js';
import { renderRgb, renderSymbolic, rgbShape, viewCols, viewRows } from '../systems/renderObservations.js';

function client(sessionId: string): Client {
  return { sessionId } as unknown as Client;
}

function join(obs: ObsMode = 'symbolic', policy = 'mine'): JoinConfig {
  return { role: 'agent', obs, policy, token: null, state: false, slots: null, events: false, world: false, text: false };
}

/** commons_harvest__open (7 focal slots without a scenario), reset, with its seats. */
function room(fillFocal: 'bots' | 'noop' = 'noop', scenario?: string): { env: Environment; seats: Seats } {
  const env = new Environment({ substrate: 'commons_harvest__open', scenario, seed: 3, metrics: false, monitor: false });
  env.reset();
  const seats = new Seats(env, fillFocal);
  seats.fillAll();
  return { env, seats };
}

/** One room tick: step with the queued actions, then record what the step did. */
function tick(env: Environment, seats: Seats): void {
  const stepped = env.tick;
  env.step(seats.actions);
  seats.clearActions(stepped);
}

/** The room's episode change: a new episode, every focal slot back. */
function nextEpisode(env: Environment, seats: Seats): void {
  env.reset();
  seats.fillAll();
}

describe('seats', () => {
  it('seats joining agents in the free focal slots in ascending order and refuses a join with ROOM_FULL when none is free', () => {
    const { env, seats } = room();
    const taken: number[] = [];
    for (let i = 0; i < env.focalSlots.length; i++) taken.push(seats.claim(client(`s${i}`), join()).slot);
    assert.deepEqual(taken, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(seats.freeSlot(), -1);
    assert.throws(
      () => seats.claim(client('late'), join()),
      (e: unknown) => e instanceof CrucibleError && e.code === 'ROOM_FULL' && /all 7 focal slots are taken/.test(e.message) && e.details?.focalSlots === 7,
    );
    assert.deepEqual([...seats.all()].map((s) => s.sessionId), ['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
    assert.equal(seats.size, 7, 'the refused join changed nothing');
    const third = seats.get('s2');
    assert.ok(third);
    seats.release(third);
    assert.equal(seats.freeSlot(), 2, 'a released slot is free again');
    assert.equal(seats.claim(client('again'), join()).slot, 2);
  });

  it("gives obs 'none' agents no observation bytes (0 × 0), not symbolic-sized frames", () => {
    const { env, seats } = room();
    const seat = seats.claim(client('a'), join('none'));
    assert.equal(seat.obsWidth, 0);
    assert.equal(seat.obsHeight, 0);
    assert.equal(seat.obsBytes.length, 0);
    assert.equal(seat.frame.length, OBS_HEADER_BYTES + 4 * seats.vectorLength, 'header and vectors only');
    assert.deepEqual(obsSize(env, 'none'), { width: 0, height: 0 });
  });

  it('sizes symbolic frames by the view in cells and rgb frames by the rendered pixels', () => {
    const { env, seats } = room();
    const view = env.spec.observation.view;
    const symbolic = seats.claim(client('s'), join('symbolic'));
    assert.deepEqual([symbolic.obsWidth, symbolic.obsHeight], [viewCols(view), viewRows(view)]);
    assert.equal(symbolic.obsBytes.length, viewCols(view) * viewRows(view));
    const rgb = seats.claim(client('r'), join('rgb'));
    const [h, w] = rgbShape(env.sim);
    assert.deepEqual([rgb.obsWidth, rgb.obsHeight], [w, h]);
    assert.ok(w !== viewCols(view), 'pixels, not cells');
    assert.equal(rgb.obsBytes.length, w * h * 3);
    assert.equal(rgb.vectorOffset, OBS_HEADER_BYTES + w * h * 3);
  });

  it('renders each connected seat its own observation and leaves a disconnected one alone', () => {
    const { env, seats } = room();
    const a = seats.claim(client('a'), join('symbolic'));
    const b = seats.claim(client('b'), join('symbolic'));
    seats.render();
    assert.ok(a.obsBytes.some((v) => v !== 0), 'the map around player 0 is drawn');
    assert.notDeepEqual(Array.from(a.obsBytes), Array.from(b.obsBytes), 'each from its own position');
    seats.disconnect(b);
    b.obsBytes.fill(0);
    tick(env, seats);
    seats.render();
    assert.ok(b.obsBytes.every((v) => v === 0), 'a disconnected seat is not drawn');
  });

  it('renders rgb and symbolic seats their own slot\'s observation, in the shared pass and one seat at a time', () => {
    const { env, seats } = room();
    const rgb = seats.claim(client('r'), join('rgb'));
    const sym = seats.claim(client('s'), join('symbolic'));
    seats.render();
    const wantRgb = new Uint8Array(rgb.obsBytes.length);
    renderRgb(env.sim, rgb.slot, wantRgb);
    const wantSym = new Uint8Array(sym.obsBytes.length);
    renderSymbolic(env.sim, sym.slot, wantSym);
    assert.deepEqual(rgb.obsBytes, wantRgb);
    assert.deepEqual(sym.obsBytes, wantSym);
    rgb.obsBytes.fill(0);
    sym.obsBytes.fill(0);
    renderSeat(env.sim, rgb);
    renderSeat(env.sim, sym);
    assert.deepEqual(rgb.obsBytes, wantRgb);
    assert.deepEqual(sym.obsBytes, wantSym);
  });

  it('leaves room for the vector observations after the observation bytes (clean_up: one float)', () => {
    const env = new Environment({ substrate: 'clean_up', seed: 3, metrics: false, monitor: false });
    env.reset();
    const seats = new Seats(env, 'noop');
    seats.fillAll();
    assert.ok(seats.vectorLength > 0);
    const seat = seats.claim(client('a'), join('symbolic'));
    assert.equal(seat.frame.length, OBS_HEADER_BYTES + seat.obsBytes.length + 4 * seats.vectorLength);
    assert.equal(seat.vectorOffset, OBS_HEADER_BYTES + seat.obsBytes.length);
  });

  it('releasing a seat a second time does not free the slot its successor took', () => {
    const { seats } = room();
    const a = seats.claim(client('a'), join());
    seats.release(a);
    const b = seats.claim(client('b'), join());
    assert.equal(b.slot, a.slot);
    seats.release(a);
    assert.equal(seats.freeSlot(), 1, "b keeps slot 0");
    assert.equal(seats.get('b'), b);
  });

  it('reports a slot whose agent left after a late action (late but never missed)', () => {
    const { env, seats } = room();
    const a = seats.claim(client('a'), join());
    assert.equal(seats.offer(a, { tick: 0, action: 1 }, true), 'taken');
    tick(env, seats);
    tick(env, seats);
    assert.equal(seats.offer(a, { tick: 1, action: 1 }, true), 'taken');
    seats.disconnect(a);
    tick(env, seats);
    seats.release(a);
    assert.deepEqual(seats.episodeActions(), { late: { player_0: 1 }, missed: { player_0: 1 } });
    // Joined at tick 1, it answers tick 0's observation late, then leaves: late 1, missed 0, still reported.
    const b = room();
    tick(b.env, b.seats);
    const s = b.seats.claim(client('s'), join());
    assert.equal(b.seats.offer(s, { tick: 0, action: 1 }, true), 'taken');
    tick(b.env, b.seats);
    b.seats.release(s);
    assert.deepEqual(b.seats.episodeActions(), { late: { player_0: 1 }, missed: { player_0: 0 } });
  });

  it("relabels the metrics' policies as agents take slots and after a reset (Simpson diversity by hand)", () => {
    const env = new Environment({ substrate: 'commons_harvest__open', seed: 3, monitor: false });
    env.reset();
    const seats = new Seats(env, 'noop');
    seats.fillAll();
    const diversity = (): number => env.metrics?.snapshot.diversity_index ?? Number.NaN;
    assert.ok(Math.abs(diversity()) < 1e-12, 'seven noop stand-ins: one label');
    seats.claim(client('a'), join('symbolic', 'mine'));
    // Labels [mine, noop × 6]: 1 − (1/7)² − (6/7)² = 12/49.
    assert.ok(Math.abs(diversity() - 12 / 49) < 1e-12, `after a join: ${diversity()}`);
    seats.claim(client('b'), join('symbolic', 'mine'));
    env.reset();
    seats.fillAll();
    // Labels [mine, mine, noop × 5]: 1 − (2/7)² − (5/7)² = 20/49.
    assert.ok(Math.abs(diversity() - 20 / 49) < 1e-12, `after a reset: ${diversity()}`);
  });

  it('takes one action per tick: refuses future, repeated and superseded ticks, and earlier ticks in lockstep', () => {
    const { env, seats } = room();
    const seat = seats.claim(client('a'), join());
    assert.equal(seats.offer(seat, { tick: 1, action: 2 }, true), 'future');
    assert.equal(seats.offer(seat, { tick: 0, action: 2 }, true), 'taken');
    assert.equal(seats.actions[seat.slot], 2);
    assert.equal(seats.offer(seat, { tick: 0, action: 3 }, true), 'repeat');
    assert.equal(seats.actions[seat.slot], 2, 'the refused action changed nothing');
    tick(env, seats);
    tick(env, seats);
    assert.equal(env.tick, 2);
    assert.equal(seats.offer(seat, { tick: 0, action: 3 }, true), 'repeat', 'tick 0 was answered already');
    assert.equal(seats.offer(seat, { tick: 1, action: 4 }, false), 'not_current', 'lockstep takes only the current tick');
    assert.equal(seats.offer(seat, { tick: 1, action: 4 }, true), 'taken', 'real time takes a late answer');
    assert.equal(seats.offer(seat, { tick: 2, action: 5 }, true), 'taken', 'an on-time action replaces the late one');
    assert.equal(seats.actions[seat.slot], 5);
    assert.equal(seats.offer(seat, { tick: 1, action: 4 }, true), 'superseded', 'older than one answered');
  });

  it('refuses an action for another episode and counts one for the episode that just ended as expired', () => {
    const { env, seats } = room();
    const seat = seats.claim(client('a'), join());
    nextEpisode(env, seats);
    assert.equal(env.sim.episode, 1);
    assert.equal(seats.offer(seat, { tick: 5, action: 1, episode: 0 }, true), 'expired');
    assert.equal(seats.expiredActions, 1);
    assert.equal(seats.offer(seat, { tick: 0, action: 1, episode: 0 }, false), 'other_episode', 'lockstep has no late answers');
    assert.equal(seats.offer(seat, { tick: 0, action: 1, episode: 3 }, true), 'other_episode');
    assert.equal(seats.expiredActions, 1);
    assert.equal(seats.offer(seat, { tick: 0, action: 1, episode: 1 }, true), 'taken');
  });

  it('takes tick-0 and tick-1 actions again after a reset, in episode 2 and later', () => {
    const { env, seats } = room();
    const seat = seats.claim(client('a'), join());
    for (let episode = 0; episode <= 3; episode++) {
      assert.equal(env.sim.episode, episode);
      for (let t = 0; t < 3; t++) {
        assert.equal(seats.offer(seat, { tick: t, action: 1, episode }, false), 'taken', `tick ${t} of episode ${episode}`);
        tick(env, seats);
      }
      nextEpisode(env, seats);
    }
  });

  it('flags each step as on time, late or without action, and counts late and missed steps per episode (upwards)', () => {
    const { env, seats } = room();
    const a = seats.claim(client('a'), join());
    const b = seats.claim(client('b'), join());
    assert.equal(seats.offer(a, { tick: 0, action: 1 }, true), 'taken');
    tick(env, seats);
    assert.equal(seats.stepFlags[a.slot], 0, 'on time');
    assert.equal(seats.stepFlags[b.slot], ObsFlag.NoAction);
    tick(env, seats);
    assert.equal(seats.offer(a, { tick: 1, action: 1 }, true), 'taken', 'an answer to tick 1 during tick 2');
    assert.equal(seats.offer(b, { tick: 1, action: 1 }, true), 'taken');
    tick(env, seats);
    assert.equal(seats.stepFlags[a.slot], ObsFlag.LateAction);
    assert.equal(seats.stepFlags[b.slot], ObsFlag.LateAction);
    assert.equal(seats.offer(a, { tick: 2, action: 1 }, true), 'taken');
    tick(env, seats);
    // a: on time, none, late, late. b: none, none, late, none.
    assert.deepEqual(seats.episodeActions(), { late: { player_0: 2, player_1: 1 }, missed: { player_0: 1, player_1: 3 } });
    assert.equal(seats.lateActions, 3);
    assert.equal(seats.missedActions, 4);
    nextEpisode(env, seats);
    assert.deepEqual(seats.episodeActions(), { late: { player_0: 0, player_1: 0 }, missed: { player_0: 0, player_1: 0 } });
    assert.equal(seats.stepFlags[a.slot], 0, 'a new episode starts unflagged');
    assert.equal(seats.lateActions, 3, 'the room totals go on');
  });

  it('does not count a disconnected agent as missing actions, and reports a slot its agent left during the episode', () => {
    const { env, seats } = room();
    const a = seats.claim(client('a'), join());
    tick(env, seats);
    seats.disconnect(a);
    tick(env, seats);
    assert.equal(seats.stepFlags[a.slot], 0, 'nothing is flagged for a disconnected agent');
    assert.deepEqual(seats.episodeActions().missed, { player_0: 1 });
    seats.release(a);
    assert.deepEqual(seats.episodeActions().missed, { player_0: 1 }, 'the slot it played this episode is still reported');
    assert.deepEqual(room().seats.episodeActions(), { late: {}, missed: {} }, 'no agent played: nothing');
  });

  it('lockstep: never steps a room with nobody connected', () => {
    const { seats } = room();
    assert.equal(seats.allConnectedActed(), false, 'nobody seated');
    const a = seats.claim(client('a'), join());
    seats.disconnect(a);
    assert.equal(seats.connectedCount, 0);
    assert.equal(seats.allConnectedActed(), false, 'the only agent is disconnected');
  });

  it('lockstep: steps once every connected agent acted, through a disconnect and a reconnect', () => {
    const { env, seats } = room();
    const a = seats.claim(client('a'), join());
    const b = seats.claim(client('b'), join());
    seats.offer(a, { tick: 0, action: 1 }, false);
    assert.equal(seats.allConnectedActed(), false, 'b has not acted');
    seats.disconnect(b);
    assert.equal(seats.allConnectedActed(), true, 'b dropped: a is the only connected agent and it acted');
    seats.reconnect(b, client('b'));
    assert.equal(seats.allConnectedActed(), false, 'b is back and has not acted');
    seats.offer(b, { tick: 0, action: 1 }, false);
    assert.equal(seats.allConnectedActed(), true);
    seats.disconnect(a);
    assert.equal(seats.allConnectedActed(), true, 'a acted and dropped: b acted');
    seats.disconnect(a);
    assert.equal(seats.connectedCount, 1, 'a second disconnect changes nothing');
    seats.reconnect(a, client('a'));
    assert.equal(seats.allConnectedActed(), true, 'a acted for this tick before it dropped');
    seats.reconnect(a, client('a'));
    assert.equal(seats.connectedCount, 2, 'a second reconnect changes nothing');
    tick(env, seats);
    assert.equal(seats.allConnectedActed(), false, 'a new tick: nobody has acted');
  });

  it('lockstep: an agent that leaves for good takes its action with it', () => {
    const { seats } = room();
    const a = seats.claim(client('a'), join());
    const b = seats.claim(client('b'), join());
    seats.offer(a, { tick: 0, action: 3 }, false);
    seats.release(a);
    assert.equal(seats.actions[a.slot], 0, 'its queued action is gone');
    assert.equal(seats.allConnectedActed(), false, 'b has not acted');
    seats.offer(b, { tick: 0, action: 1 }, false);
    assert.equal(seats.allConnectedActed(), true);
    seats.release(a);
    assert.equal(seats.size, 1, 'releasing twice changes nothing');
  });

  it("fills empty focal slots with the scenario's bots (fillFocal 'bots') or with nobody ('noop'), and a seated slot with its agent", () => {
    const bots = room('bots', 'commons_harvest__open_0');
    const names = bots.env.scenario?.bots ?? [];
    assert.ok(names.length > 0);
    const slot = bots.env.focalSlots[0];
    assert.equal(standInBot(bots.env, slot), names[slot % names.length]);
    assert.equal(bots.env.labels[slot], names[slot % names.length]);
    assert.ok(bots.env.sim.bots[slot] !== null, 'a bot plays the empty slot');
    const seat: Seat = bots.seats.claim(client('a'), join('symbolic', 'my-policy'));
    assert.equal(seat.slot, slot);
    assert.equal(bots.env.labels[slot], 'my-policy');
    assert.equal(bots.env.sim.bots[slot], null, 'the agent plays it');
    bots.seats.release(seat);
    assert.ok(bots.env.sim.bots[slot] !== null, 'the bot is back');
    const noop = room('noop');
    assert.equal(noop.env.labels[0], 'noop');
    assert.equal(noop.env.sim.bots[0], null);
    assert.equal(standInBot(noop.env, 0), 'random', 'without a scenario the stand-in bot is random');
  });
});
