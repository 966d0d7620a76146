import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { CrucibleError } from '../ecs/errors.js';
import { parseMessage } from '../server/messages.js';
import { checkClientOptions } from '../server/options.js';
import { parseHttpJoin } from '../server/httpAgents.js';
import { CLIENT_MESSAGE_TYPES, CREATE_KEYS, HTTP_ROUTES, JOIN_KEYS, protocolSchema, readmeTables, withReadmeTables } from '../server/schema.js';
import { liveServer } from './helpers/liveServer.js';
import { hostileValue } from './helpers/hostile.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The published document as a client receives it (JSON), compiled by a JSON Schema validator. */
function published(doc: unknown): { options: (v: unknown) => boolean; message: (type: string, v: unknown) => boolean } {
  const d = doc as { $defs: { options: object; messages: { properties: Record<string, object> } } };
  const options = Compile(d.$defs.options as never);
  const messages = Object.fromEntries(Object.entries(d.$defs.messages.properties).map(([t, s]) => [t, Compile(s as never)]));
  return { options: (v) => options.Check(v), message: (t, v) => messages[t].Check(v) };
}

/** Option values the schema alone cannot judge (checked in code against the substrate and the results directory). */
const CODE_RULES = ['scenario', 'maxSteps', 'resultsFile'];

describe('protocol schema', () => {
  it('the README option and message tables are the ones generated from server/schema.ts (npm run docs:protocol)', () => {
    for (const [name, table] of Object.entries(readmeTables())) {
      assert.ok(README.includes(`<!-- schema:${name} -->\n${table}\n<!-- /schema:${name} -->`), `README table "${name}" differs from the schema: run npm run docs:protocol`);
    }
    assert.equal(withReadmeTables(README), README);
  });

  it('lists every option and message type in the README tables', () => {
    const tables = readmeTables();
    for (const k of CREATE_KEYS) assert.match(tables['create-options'], new RegExp(`\\| \`${k}\` \\|`));
    for (const k of JOIN_KEYS) assert.match(tables['join-options'], new RegExp(`\\| \`${k}\` \\|`));
    for (const t of CLIENT_MESSAGE_TYPES) assert.match(tables['client-messages'], new RegExp(`\\| \`${t}\` \\|`));
  });

  describe('GET /api/schema', function () {
    this.timeout(20_000);
    const live = liveServer('schema');
    let doc: unknown;
    before(async () => {
      const res = await fetch(`${live.srv.httpUrl}/api/schema`);
      assert.equal(res.status, 200);
      doc = await res.json();
    });

    it('serves the JSON Schema built from server/schema.ts', () => {
      assert.deepEqual(doc, JSON.parse(JSON.stringify(protocolSchema())));
      const d = doc as { $schema: string; $defs: Record<string, { properties: Record<string, unknown> }> };
      assert.match(d.$schema, /json-schema\.org/);
      assert.deepEqual(Object.keys(d.$defs.options.properties), [...CREATE_KEYS, ...JOIN_KEYS]);
      assert.deepEqual(Object.keys(d.$defs.messages.properties), CLIENT_MESSAGE_TYPES);
    });

    it('accepts exactly the options objects the server accepts, for any value a client may send', () => {
      const { options } = published(doc);
      const keys = [...CREATE_KEYS, ...JOIN_KEYS].filter((k) => !CODE_RULES.includes(k));
      const optionsObject = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), fc.oneof(hostileValue, fc.constantFrom(true, 'rgb', 'agent', 'bots', 5, 20, 1.5, null)), {
        maxKeys: 4,
      });
      fc.assert(
        fc.property(fc.oneof(optionsObject, hostileValue), (hostile) => {
          // What a client can send in a JSON body: the value through JSON (BigInts as numbers, NaN as null, …).
          const text = JSON.stringify(hostile, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
          if (text === undefined) return;
          const value: unknown = JSON.parse(text);
          let server: boolean;
          try {
            checkClientOptions(value);
            server = true;
          } catch (err) {
            assert.ok(err instanceof CrucibleError && err.code === 'INVALID_OPTION', String(err));
            server = false;
          }
          assert.equal(options(value), server, `schema and server disagree on ${text.slice(0, 200)}`);
        }),
        { numRuns: 400 },
      );
    });

    it('accepts exactly the message payloads the server accepts', () => {
      const { message } = published(doc);
      const payload = fc.oneof(
        fc.record({ tick: fc.oneof(fc.nat(), hostileValue), action: fc.oneof(fc.nat(), hostileValue), episode: fc.oneof(fc.nat(), hostileValue), fps: fc.oneof(fc.double(), hostileValue) }, { requiredKeys: [] }),
        hostileValue,
      );
      fc.assert(
        fc.property(fc.constantFrom(...CLIENT_MESSAGE_TYPES), payload, (type, value) => {
          const server = !(parseMessage(type, value) instanceof CrucibleError);
          // A msgpack bin value arrives as bytes (a typed array in process), which no JSON object is; the checker would take a
          // typed array for an object, and a payload whose fields are all optional (reset) would pass it.
          const schema = ArrayBuffer.isView(value) ? false : message(type, value);
          assert.equal(schema, server, `${type}: schema and server disagree`);
        }),
        { numRuns: 400 },
      );
    });

    it('describes every HTTP agent route, its body by a reference into the document and its query parameters', () => {
      const d = doc as { $defs: Record<string, { properties: Record<string, { properties: Record<string, { $ref?: string; properties?: object }> }> }> };
      assert.deepEqual(Object.keys(d.$defs.http.properties), Object.keys(HTTP_ROUTES));
      const resolve = (ref: string): unknown => ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc);
      const bodies = Object.fromEntries(
        Object.entries(d.$defs.http.properties).flatMap(([route, r]) => (r.properties.body ? [[route, r.properties.body.$ref as string]] : [])),
      );
      assert.deepEqual(bodies, {
        'POST /api/substrates/{name}/rooms': '#/$defs/httpCreate',
        'POST /api/rooms/{id}/agents': '#/$defs/httpJoin',
        'POST /api/rooms/{id}/agents/{key}/macro': '#/$defs/messages/properties/macro',
      });
      for (const ref of Object.values(bodies)) assert.equal(typeof resolve(ref), 'object', ref);
      assert.deepEqual(Object.keys(d.$defs.http.properties['GET /api/rooms/{id}/agents/{key}/observations'].properties.query.properties ?? {}), ['after', 'wait']);
      assert.deepEqual(Object.keys((resolve('#/$defs/httpCreate') as { properties: object }).properties), [...CREATE_KEYS, 'token']);
    });

    it('accepts exactly the HTTP join bodies the server accepts', () => {
      const httpJoin = Compile((doc as { $defs: { httpJoin: never } }).$defs.httpJoin);
      const body = fc.oneof(
        fc.dictionary(
          fc.oneof(fc.constantFrom('role', 'obs', 'policy', 'token', 'slots', 'state', 'seed'), fc.string({ maxLength: 6 })),
          fc.oneof(hostileValue, fc.constantFrom('agent', 'text', 'rgb', 'controller', 'rl', 's3cret', null, true, [1])),
          { maxKeys: 3 },
        ),
        hostileValue,
      );
      fc.assert(
        fc.property(body, (hostile) => {
          const text = JSON.stringify(hostile, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
          if (text === undefined) return;
          const value: unknown = JSON.parse(text);
          let server: boolean;
          try {
            parseHttpJoin(value);
            server = true;
          } catch (err) {
            assert.ok(err instanceof CrucibleError && err.code === 'INVALID_OPTION', String(err));
            server = false;
          }
          assert.equal(httpJoin.Check(value), server, `schema and server disagree on ${text.slice(0, 200)}`);
        }),
        { numRuns: 400 },
      );
    });

    it('refuses HTTP bodies and query parameters outside the schema with 400 INVALID_OPTION, creating and joining nothing', async () => {
      const base = live.srv.httpUrl;
      const post = async (path: string, body: unknown): Promise<[number, string]> => {
        const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return [r.status, ((await r.json()) as { code: string }).code];
      };
      const before = ((await (await fetch(`${base}/api/rooms`)).json()) as unknown[]).length;
      assert.deepEqual(await post('/api/substrates/commons_harvest__open/rooms', { role: 'spectator' }), [400, 'INVALID_OPTION']);
      assert.deepEqual(await post('/api/substrates/commons_harvest__open/rooms', [1]), [400, 'INVALID_OPTION']);
      assert.equal(((await (await fetch(`${base}/api/rooms`)).json()) as unknown[]).length, before, 'no room was created');
      const created = await fetch(`${base}/api/substrates/commons_harvest__open/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"lockstep": true}' });
      const { roomId } = (await created.json()) as { roomId: string };
      assert.deepEqual(await post(`/api/rooms/${roomId}/agents`, { slots: [0] }), [400, 'INVALID_OPTION']);
      assert.deepEqual(await post(`/api/rooms/${roomId}/agents`, { obs: 'rgb' }), [400, 'INVALID_OPTION']);
      const joined = await fetch(`${base}/api/rooms/${roomId}/agents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const { key, slot } = (await joined.json()) as { key: string; slot: number };
      assert.equal(slot, 0, 'the refused joins took no seat');
      for (const q of ['after=-1', 'after=1.5', 'wait=-3', 'wait=abc']) {
        const r = await fetch(`${base}/api/rooms/${roomId}/agents/${key}/observations?${q}`);
        assert.deepEqual([r.status, ((await r.json()) as { code: string }).code], [400, 'INVALID_OPTION'], q);
      }
      assert.deepEqual(await post(`/api/rooms/${roomId}/agents/${key}/macro`, { macro: 'fly' }), [400, 'INVALID_MACRO']);
    });
  });
});
