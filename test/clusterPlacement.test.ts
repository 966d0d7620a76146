import assert from 'node:assert/strict';
import { chooseProcess, createSlack } from '../server/cluster.js';
import { publicAddressOf } from '../server/app.js';

/** Published counts as Colyseus stores them in the `roomcount` hash: "rooms,ccu". */
const counts = (rooms: Record<string, number>): Record<string, string> => Object.fromEntries(Object.entries(rooms).map(([id, n]) => [id, `${n},0`]));

describe('cluster room placement (which process creates a new room)', () => {
  it('allows a process max(2, a quarter of the least-loaded count) rooms over the least-loaded one', () => {
    assert.equal(createSlack(0), 2);
    assert.equal(createSlack(8), 2);
    assert.equal(createSlack(9), 3);
    assert.equal(createSlack(80), 20);
  });

  it('creates the room in this process while it holds no more rooms than the least-loaded plus the slack', () => {
    assert.equal(chooseProcess(counts({ a: 10, b: 8 }), 'a'), 'a');
    assert.equal(chooseProcess(counts({ a: 100, b: 80 }), 'a'), 'a');
    assert.equal(chooseProcess(counts({ a: 3, b: 3 }), 'a'), 'a');
    assert.equal(chooseProcess(counts({ a: 0, b: 5 }), 'a'), 'a');
  });

  it('sends the room to the least-loaded process once this one is past the slack', () => {
    assert.equal(chooseProcess(counts({ a: 11, b: 8 }), 'a'), 'b');
    assert.equal(chooseProcess(counts({ a: 101, b: 80, c: 90 }), 'a'), 'b');
    // A process started late (0 rooms) takes the creates of one that holds a few.
    assert.equal(chooseProcess(counts({ a: 3, b: 0 }), 'a'), 'b');
  });

  it('spreads over equally least-loaded processes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(chooseProcess(counts({ a: 9, b: 3, c: 3 }), 'a')!);
    assert.deepEqual([...seen].sort(), ['b', 'c']);
  });

  it('creates locally when this process has published no count yet, and says so when nobody has', () => {
    assert.equal(chooseProcess(counts({ b: 0 }), 'a'), 'a');
    assert.equal(chooseProcess({}, 'a'), null);
  });

  it('ignores a count it cannot read', () => {
    assert.equal(chooseProcess({ a: '5,0', b: 'garbage', c: '4,1' }, 'a'), 'a');
    assert.equal(chooseProcess({ a: '9,0', b: 'x,0', c: '4,1' }, 'a'), 'c');
  });
});

describe('a process\u2019s public address (CRUCIBLE_PUBLIC_ADDRESS: clients open their WebSocket there)', () => {
  it('takes host:port with a host name, an IPv4 address or a bracketed IPv6 address', () => {
    for (const a of ['127.0.0.1:2567', 'game-3.lab.example.org:40001', '[::1]:2567', '[2001:db8::7]:1']) assert.equal(publicAddressOf({ publicAddress: a }), a);
  });

  it('is off when unset or empty', () => {
    assert.equal(publicAddressOf({ publicAddress: null }), null);
    assert.equal(publicAddressOf({ publicAddress: '' }), null);
  });

  it('refuses anything else with an error naming the variable', () => {
    for (const bad of ['127.0.0.1', ':2567', 'host:0', 'host:65536', 'ws://host:2567', 'host:2567/path', 'a b:1', '[::1:2567', '-host:1']) {
      assert.throws(() => publicAddressOf({ publicAddress: bad }), /^Error: CRUCIBLE_PUBLIC_ADDRESS must be host:port/, bad);
    }
  });
});
