/**
 * Content hashes (substrates/hash.ts): sha256 of canonical JSON of a substrate's or scenario's full definition and
 * DEFINITION_VERSION — the same in every process, different for any change of the definition.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { canonicalJson, contentHash, scenarioDefinition, scenarioHash, substrateHash, substrateSpecHash } from '../substrates/hash.js';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { getScenario, scenarioNames } from '../substrates/scenarios.js';

/** Every leaf (number, string, boolean) of `v`, as a path of keys. */
function leaves(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [path];
  if (Array.isArray(v)) return v.flatMap((x: unknown, i) => leaves(x, [...path, i]));
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (x === undefined ? [] : leaves(x, [...path, k])));
}

/** A deep copy of `v` with the leaf at `path` changed (number + 1, string + "x", boolean flipped). */
function changed(v: unknown, path: readonly (string | number)[]): unknown {
  const copy = JSON.parse(JSON.stringify(v)) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const k = path[path.length - 1];
  const x = o[k];
  o[k] = typeof x === 'number' ? x + 1 : typeof x === 'string' ? `${x}x` : typeof x === 'boolean' ? !x : 0;
  return copy;
}

describe('content hashes', () => {
  it('every substrate and scenario has its own 64-hex-digit hash', () => {
    const all = [...substrateNames().map(substrateHash), ...scenarioNames().map(scenarioHash)];
    for (const h of all) assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(new Set(all).size, all.length);
  });

  it('are the same in another process (canonical JSON: no dependence on key order or object identity)', () => {
    const code = `import('./substrates/hash.ts').then(async (h) => { const r = await import('./substrates/registry.ts'); const s = await import('./substrates/scenarios.ts');
      console.log(JSON.stringify([...r.substrateNames().map(h.substrateHash), ...s.scenarioNames().map(h.scenarioHash)])); })`;
    const out = execFileSync('npx', ['tsx', '-e', code], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [...substrateNames().map(substrateHash), ...scenarioNames().map(scenarioHash)]);
  });

  it('ignore key order: the same substrate with its keys reversed at every depth hashes the same', () => {
    const reverse = (v: unknown): unknown =>
      v === null || typeof v !== 'object' ? v : Array.isArray(v) ? v.map(reverse) : Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]));
    for (const name of substrateNames()) assert.equal(contentHash('substrate', reverse(getSubstrate(name))), substrateHash(name), name);
    assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it('change when any field of a substrate changes: every leaf of clean_up and the PD arena, and a map cell', () => {
    for (const name of ['clean_up', 'prisoners_dilemma_in_the_matrix__arena']) {
      const spec = getSubstrate(name);
      const base = substrateSpecHash(spec);
      const paths = leaves(spec);
      assert.ok(paths.length > 100, `${name} has ${paths.length} leaves`);
      for (const p of paths) assert.notEqual(contentHash('substrate', changed(spec, p)), base, `${name}: ${p.join('.')}`);
    }
  });

  it('change when any field of a scenario changes: its focal split, bots, each bot\'s policy parameters and its substrate', () => {
    for (const name of ['clean_up_7', 'chicken_in_the_matrix__repeated_9', 'commons_harvest__partnership_3']) {
      const def = scenarioDefinition(getScenario(name));
      const base = scenarioHash(name);
      assert.equal(contentHash('scenario', def), base);
      for (const p of leaves(def)) assert.notEqual(contentHash('scenario', changed(def, p)), base, `${name}: ${p.join('.')}`);
    }
  });
});
